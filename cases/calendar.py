"""Which days the secretariat works: mainland China's official calendar plus local overrides.

PROCEDURE.md §3 counts time limits in working days of the official calendar:
weekends and public holidays are off, the State Council's make-up days (调休)
are worked. The schedule for a year is only known once the State Council
publishes it (usually November/December of the year before), so every
calendar also says whether a year's schedule is published: dates computed
from an unpublished year are only provisional.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date
from functools import cache
from pathlib import Path
from typing import Any, Mapping, Protocol, runtime_checkable

import chinese_calendar
import holidays

SATURDAY = 5  # date.weekday(): Monday is 0


class CalendarError(Exception):
    """The calendar cannot answer: a malformed override file or a calendar without working days."""


@runtime_checkable
class WorkingCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...

    def is_published(self, year: int) -> bool:
        """True when the official schedule for `year` is known (not an estimate)."""
        ...


class ChineseOfficialCalendar:
    """The State Council's schedule as shipped by `chinesecalendar`, estimated beyond it.

    For a year the package does not know, weekends plus the statutory holidays
    from `holidays.China` are used; that estimate lacks (or guesses) the make-up
    working days, hence `is_published` is False for such a year.
    """

    def __init__(self) -> None:
        # The deadline tracker asks about the same days over and over.
        self._working: dict[date, bool] = {}
        self._published: dict[int, bool] = {}
        self._estimates: dict[int, holidays.HolidayBase] = {}

    def is_published(self, year: int) -> bool:
        known = self._published.get(year)
        if known is None:
            # chinesecalendar raises NotImplementedError for a year it has no data for;
            # probe once per year rather than catching that on every lookup.
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
                known = True
            except NotImplementedError:
                known = False
            self._published[year] = known
        return known

    def is_working_day(self, day: date) -> bool:
        working = self._working.get(day)
        if working is None:
            if self.is_published(day.year):
                working = chinese_calendar.is_workday(day)
            else:
                working = self._estimate_is_working_day(day)
            self._working[day] = working
        return working

    def _estimate_is_working_day(self, day: date) -> bool:
        estimate = self._estimates.get(day.year)
        if estimate is None:
            estimate = holidays.country_holidays("CN", years=day.year)
            self._estimates[day.year] = estimate
        if day in estimate:
            return False
        # `holidays` lists make-up working days only where it already knows them.
        if day in getattr(estimate, "weekend_workdays", ()):
            return True
        return day.weekday() < SATURDAY


@dataclass(frozen=True)
class DayOverride:
    working: bool
    note: str = ""


@dataclass(frozen=True)
class CalendarOverrides:
    """The secretariat's own entries: office closures, and a new year's schedule before the package has it."""

    days: Mapping[date, DayOverride] = field(default_factory=dict)
    published_years: frozenset[int] = frozenset()


class OverriddenCalendar:
    """`base` with the secretariat's overrides on top: a listed day wins over the base."""

    def __init__(self, base: WorkingCalendar, overrides: CalendarOverrides) -> None:
        self.base = base
        self.overrides = overrides

    def is_working_day(self, day: date) -> bool:
        entry = self.overrides.days.get(day)
        if entry is not None:
            return entry.working
        return self.base.is_working_day(day)

    def is_published(self, year: int) -> bool:
        return year in self.overrides.published_years or self.base.is_published(year)


@cache
def official_calendar() -> ChineseOfficialCalendar:
    """One shared instance, so that its per-day cache serves every caller in the process."""
    return ChineseOfficialCalendar()


def load_calendar(overrides_path: Path | None) -> WorkingCalendar:
    """The official calendar, with the overrides file applied when there is one."""
    if overrides_path is None or not overrides_path.exists():
        return official_calendar()
    return OverriddenCalendar(official_calendar(), read_overrides(overrides_path))


# date.fromisoformat() also takes "20270101" and "2027-W01-5"; the file must be unambiguous.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOP_LEVEL_KEYS = {"published_years", "days"}
_DAY_KEYS = {"working", "note"}


def read_overrides(path: Path) -> CalendarOverrides:
    """Parse an overrides file; any mistake raises CalendarError naming the file and the entry."""
    try:
        document = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarError(f"{path}: cannot read the calendar overrides: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CalendarError(f"{path}: not valid TOML: {exc}") from exc

    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        # A misspelt key (e.g. "published_year") would otherwise be silently ignored.
        raise CalendarError(f"{path}: unknown key(s) {', '.join(unknown)}; expected published_years and [days]")
    return CalendarOverrides(
        days=_parse_days(path, document.get("days", {})),
        published_years=_parse_published_years(path, document.get("published_years", [])),
    )


def _parse_published_years(path: Path, raw: Any) -> frozenset[int]:
    if not isinstance(raw, list):
        raise CalendarError(f"{path}: published_years must be a list of years, e.g. [2027]; got {raw!r}")
    years: set[int] = set()
    for value in raw:
        # bool is a subclass of int in Python; `true` is not a year.
        if isinstance(value, bool) or not isinstance(value, int) or not MINYEAR <= value <= MAXYEAR:
            raise CalendarError(f"{path}: published_years entry {value!r} is not a year (expected e.g. 2027)")
        years.add(value)
    return frozenset(years)


def _parse_days(path: Path, raw: Any) -> dict[date, DayOverride]:
    if not isinstance(raw, dict):
        raise CalendarError(f"{path}: [days] must be a table of \"YYYY-MM-DD\" = {{ working = ... }} entries")
    days: dict[date, DayOverride] = {}
    for key, entry in raw.items():
        where = f"{path}: [days] entry {key!r}"
        if not _ISO_DATE.fullmatch(key):
            raise CalendarError(f"{where}: the key must be a date written YYYY-MM-DD")
        try:
            day = date.fromisoformat(key)
        except ValueError as exc:
            raise CalendarError(f"{where}: not a real date ({exc})") from exc
        if not isinstance(entry, dict):
            raise CalendarError(f"{where}: must be a table such as {{ working = false, note = \"...\" }}")
        unknown = sorted(set(entry) - _DAY_KEYS)
        if unknown:
            raise CalendarError(f"{where}: unknown field(s) {', '.join(unknown)}; expected working and note")
        working = entry.get("working")
        if not isinstance(working, bool):
            raise CalendarError(f"{where}: working must be true or false, got {working!r}")
        note = entry.get("note", "")
        if not isinstance(note, str):
            raise CalendarError(f"{where}: note must be text, got {note!r}")
        days[day] = DayOverride(working=working, note=note)
    return days
