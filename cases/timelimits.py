"""Due dates of the procedure's time limits (PROCEDURE.md §3).

The triggering event's day is day 0. A working-day limit ends on the Nth
working day after it. A month limit ends on the same date N months later (the
last day of the month where that date does not exist), a calendar-day limit N
days later; either moves on to the next working day when it falls on a day off.
A due date that depended on any day of a year whose official schedule is not
yet published is provisional.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, date, timedelta

from dateutil.relativedelta import relativedelta

from cases.calendar import CalendarError, WorkingCalendar
from cases.rules import Limit, Unit

ONE_DAY = timedelta(days=1)
# China's longest run of days off is about ten (Spring Festival plus a weekend).
# A year without a single working day means the calendar (usually an override
# file) is broken; fail instead of searching forever.
MAX_DAYS_WITHOUT_WORK = 366


@dataclass(frozen=True)
class DueDate:
    start: date
    due: date
    provisional: bool
    basis: str  # Limit.basis_en, e.g. "10 working days"


class _ClassifiedYears:
    """Passes lookups to the calendar and remembers the years of the days it was asked about.

    Provisional means "some day we had to classify lies in an unpublished year",
    so the calendar calls themselves are the record of what mattered.
    """

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.years: set[int] = set()

    def is_working_day(self, day: date) -> bool:
        self.years.add(day.year)
        return self.calendar.is_working_day(day)

    def any_unpublished(self) -> bool:
        return any(not self.calendar.is_published(year) for year in self.years)


def _first_working_day_from(calendar: _ClassifiedYears, day: date) -> date:
    """`day` itself if it is a working day, else the next working day."""
    for _ in range(MAX_DAYS_WITHOUT_WORK):
        if calendar.is_working_day(day):
            return day
        day += ONE_DAY
    raise CalendarError(
        f"no working day in the {MAX_DAYS_WITHOUT_WORK} days up to {day - ONE_DAY}: "
        "check the calendar overrides file"
    )


def _nth_working_day_after(calendar: _ClassifiedYears, start: date, n: int) -> date:
    day = start
    for _ in range(n):
        day = _first_working_day_from(calendar, day + ONE_DAY)
    return day


def _runs_beyond_the_calendar(limit: Limit, start: date) -> bool:
    """True when the limit cannot end by date.max: N working or calendar days take at least N days."""
    if limit.unit is Unit.MONTHS:
        return start.year + (start.month - 1 + limit.amount) // 12 > MAXYEAR
    return limit.amount > (date.max - start).days


def _beyond(limit: Limit, start: date) -> CalendarError:
    return CalendarError(f"{limit.basis_en} from {start} run beyond {date.max}, the last day the calendar counts")


def due_date(calendar: WorkingCalendar, limit: Limit, start: date) -> DueDate:
    """When a limit counted from `start` (day 0) runs out.

    An absurd limit (e.g. an extension of 2147483647 days typed by mistake) is refused in one line
    rather than counted until the date type overflows.
    """
    if _runs_beyond_the_calendar(limit, start):
        raise _beyond(limit, start)
    classified = _ClassifiedYears(calendar)
    try:
        if limit.unit is Unit.WORKING_DAYS:
            due = _nth_working_day_after(classified, start, limit.amount)
        elif limit.unit is Unit.MONTHS:
            # relativedelta clamps to the month's last day: 31 Jan + 1 month = 28/29 Feb.
            due = _first_working_day_from(classified, start + relativedelta(months=limit.amount))
        elif limit.unit is Unit.CALENDAR_DAYS:
            due = _first_working_day_from(classified, start + timedelta(days=limit.amount))
        else:  # pragma: no cover - a new Unit must be handled above
            raise ValueError(f"unsupported unit {limit.unit!r}")
    except OverflowError:  # the search for a working day passed date.max
        raise _beyond(limit, start) from None
    return DueDate(start=start, due=due, provisional=classified.any_unpublished(), basis=limit.basis_en)


def extend(calendar: WorkingCalendar, current_due: date, limit: Limit) -> DueDate:
    """An extension adds `limit` to the current due date, counted like a new limit from that day."""
    return due_date(calendar, limit, current_due)


def working_days_after(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days in (start, end]; 0 when end is not after start."""
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


def unpublished_years(calendar: WorkingCalendar, start: date, end: date) -> list[int]:
    """Years in (start, end] whose official schedule is not published, e.g. to explain a provisional date."""
    if end <= start:
        return []
    first = (start + ONE_DAY).year
    return [year for year in range(first, end.year + 1) if not calendar.is_published(year)]
