"""The working-day calendar: the official schedule, the estimate beyond it, and the overrides file."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from cases import calendar as calendar_module
from cases.calendar import (
    CalendarError,
    CalendarOverrides,
    ChineseOfficialCalendar,
    DayOverride,
    OverriddenCalendar,
    WorkingCalendar,
    load_calendar,
    read_overrides,
)

# The State Council's holiday notices, typed in from the notices themselves
# (国办发明电〔2024〕12号 for 2025, 国办发明电〔2025〕7号 for 2026), not from any library:
# (first day off, last day off, make-up working days).
STATE_COUNCIL_PERIODS: dict[str, tuple[date, date, tuple[date, ...]]] = {
    # 2025 Spring Festival: 28 Jan (Tue, 除夕) to 4 Feb (Tue) off; 26 Jan (Sun) and 8 Feb (Sat) worked.
    "2025 Spring Festival": (date(2025, 1, 28), date(2025, 2, 4), (date(2025, 1, 26), date(2025, 2, 8))),
    # 2025 Labour Day: 1 May (Thu) to 5 May (Mon) off; 27 Apr (Sun) worked.
    "2025 Labour Day": (date(2025, 5, 1), date(2025, 5, 5), (date(2025, 4, 27),)),
    # 2025 National Day + Mid-Autumn: 1 Oct (Wed) to 8 Oct (Wed) off; 28 Sep (Sun) and 11 Oct (Sat) worked.
    "2025 National Day": (date(2025, 10, 1), date(2025, 10, 8), (date(2025, 9, 28), date(2025, 10, 11))),
    # 2026 Spring Festival: 15 Feb (Sun) to 23 Feb (Mon) off; 14 Feb (Sat) and 28 Feb (Sat) worked.
    "2026 Spring Festival": (date(2026, 2, 15), date(2026, 2, 23), (date(2026, 2, 14), date(2026, 2, 28))),
    # 2026 Labour Day: 1 May (Fri) to 5 May (Tue) off; 9 May (Sat) worked.
    "2026 Labour Day": (date(2026, 5, 1), date(2026, 5, 5), (date(2026, 5, 9),)),
    # 2026 Mid-Autumn: 25 Sep (Fri) to 27 Sep (Sun) off, no make-up day.
    "2026 Mid-Autumn": (date(2026, 9, 25), date(2026, 9, 27), ()),
    # 2026 National Day: 1 Oct (Thu) to 7 Oct (Wed) off; 20 Sep (Sun) and 10 Oct (Sat) worked.
    "2026 National Day": (date(2026, 10, 1), date(2026, 10, 7), (date(2026, 9, 20), date(2026, 10, 10))),
}


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _expected_working(day: date) -> bool:
    """The hand-typed schedule: weekdays work, the listed periods are off, the make-up days work."""
    for first, last, make_up in STATE_COUNCIL_PERIODS.values():
        if first <= day <= last:
            return False
        if day in make_up:
            return True
    return day.weekday() < 5


@pytest.mark.parametrize("period", sorted(STATE_COUNCIL_PERIODS))
def test_official_calendar_matches_the_state_council_notice(period: str) -> None:
    first, last, make_up = STATE_COUNCIL_PERIODS[period]
    official = ChineseOfficialCalendar()
    # Two weeks either side catch the make-up days and the ordinary weekends around the holiday.
    for day in _days(first - timedelta(days=14), last + timedelta(days=14)):
        expected = _expected_working(day)
        assert official.is_working_day(day) is expected, day
        assert chinese_calendar.is_workday(day) is expected, day  # the package itself agrees


def test_make_up_weekend_days_are_working_days() -> None:
    official = ChineseOfficialCalendar()
    assert official.is_working_day(date(2025, 1, 26))  # a Sunday, worked for the Spring Festival
    assert official.is_working_day(date(2026, 2, 28))  # a Saturday, worked for the Spring Festival
    assert not official.is_working_day(date(2026, 2, 21))  # an ordinary-looking Saturday inside the holiday
    assert not official.is_working_day(date(2025, 10, 8))  # a Wednesday inside the National Day holiday


def test_published_years_are_those_chinesecalendar_knows() -> None:
    official = ChineseOfficialCalendar()
    assert official.is_published(2004)
    assert official.is_published(2025)
    assert official.is_published(2026)
    assert not official.is_published(2003)
    assert not official.is_published(2027)


def test_unpublished_year_is_estimated_from_weekends_and_statutory_holidays() -> None:
    official = ChineseOfficialCalendar()
    assert not official.is_working_day(date(2027, 1, 1))  # 元旦 is statutory whatever the schedule
    assert not official.is_working_day(date(2027, 10, 1))  # National Day likewise
    assert not official.is_working_day(date(2027, 3, 6))  # Saturday
    assert official.is_working_day(date(2027, 3, 3))  # an ordinary Wednesday
    assert not official.is_working_day(date(2003, 10, 1))  # before the package's data, too


def test_lookups_are_cached_and_years_probed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[date] = []
    real = chinese_calendar.is_workday

    def counting_is_workday(day: date) -> bool:
        calls.append(day)
        return real(day)

    monkeypatch.setattr(calendar_module.chinese_calendar, "is_workday", counting_is_workday)
    official = ChineseOfficialCalendar()
    for _ in range(5):
        official.is_working_day(date(2026, 3, 2))
        official.is_working_day(date(2026, 3, 3))
        official.is_published(2027)
    # One probe of 2026, one lookup per distinct day, one (failing) probe of 2027.
    assert calls == [date(2026, 1, 1), date(2026, 3, 2), date(2026, 3, 3), date(2027, 1, 1)]


def test_calendars_satisfy_the_protocol() -> None:
    assert isinstance(ChineseOfficialCalendar(), WorkingCalendar)
    assert isinstance(OverriddenCalendar(ChineseOfficialCalendar(), CalendarOverrides()), WorkingCalendar)


# --- overrides ---------------------------------------------------------------------------

SPEC_EXAMPLE = """\
# Years whose official schedule has been entered below (State Council notice published)
published_years = [2027]
[days]
"2027-01-01" = { working = false, note = "元旦" }
"2027-02-07" = { working = true,  note = "春节调休上班" }
"2026-12-24" = { working = false, note = "office closure" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar-overrides.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_day_wins_over_the_base_both_ways(tmp_path: Path) -> None:
    calendar = load_calendar(_write(tmp_path, SPEC_EXAMPLE))
    assert isinstance(calendar, OverriddenCalendar)
    assert not calendar.is_working_day(date(2026, 12, 24))  # a Thursday, closed by the secretariat
    assert calendar.is_working_day(date(2027, 2, 7))  # a Sunday, declared a make-up working day
    assert calendar.is_working_day(date(2026, 12, 23))  # unlisted days fall through to the base
    assert not calendar.is_working_day(date(2026, 2, 17))


def test_override_publishes_a_year(tmp_path: Path) -> None:
    calendar = load_calendar(_write(tmp_path, SPEC_EXAMPLE))
    assert calendar.is_published(2027)
    assert calendar.is_published(2026)  # still from the package
    assert not calendar.is_published(2028)


def test_read_overrides_keeps_the_notes(tmp_path: Path) -> None:
    overrides = read_overrides(_write(tmp_path, SPEC_EXAMPLE))
    assert overrides.published_years == frozenset({2027})
    assert overrides.days[date(2027, 2, 7)] == DayOverride(working=True, note="春节调休上班")
    assert len(overrides.days) == 3


def test_no_overrides_file_gives_the_official_calendar(tmp_path: Path) -> None:
    assert isinstance(load_calendar(None), ChineseOfficialCalendar)
    assert isinstance(load_calendar(tmp_path / "absent.toml"), ChineseOfficialCalendar)
    assert not load_calendar(tmp_path / "absent.toml").is_published(2027)


def test_empty_overrides_file_is_valid(tmp_path: Path) -> None:
    calendar = load_calendar(_write(tmp_path, "# nothing yet\n"))
    assert not calendar.is_published(2027)
    assert calendar.is_working_day(date(2026, 2, 28))


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        pytest.param('published_years = [2027\n', "not valid TOML", id="bad-toml"),
        pytest.param('[days]\n"2027-13-01" = { working = false }\n', "'2027-13-01'", id="impossible-date"),
        pytest.param('[days]\n"2027-02-30" = { working = false }\n', "'2027-02-30'", id="no-such-day"),
        pytest.param('[days]\n"20270101" = { working = false }\n', "'20270101'", id="compact-date"),
        pytest.param('[days]\n"2027-01-01" = { working = "no" }\n', "'2027-01-01'", id="working-not-bool"),
        pytest.param('[days]\n"2027-01-01" = { working = 0 }\n', "'2027-01-01'", id="working-is-int"),
        pytest.param('[days]\n"2027-01-01" = { note = "元旦" }\n', "'2027-01-01'", id="working-missing"),
        pytest.param('[days]\n"2027-01-01" = { workng = false }\n', "workng", id="misspelt-field"),
        pytest.param('[days]\n"2027-01-01" = false\n', "'2027-01-01'", id="entry-not-table"),
        pytest.param('published_years = ["2027"]\n', "'2027'", id="year-is-text"),
        pytest.param("published_years = [2027.0]\n", "2027.0", id="year-is-float"),
        pytest.param("published_years = [true]\n", "True", id="year-is-bool"),
        pytest.param("published_years = 2027\n", "published_years", id="years-not-a-list"),
        pytest.param("published_year = [2027]\n", "published_year", id="misspelt-key"),
    ],
)
def test_malformed_overrides_name_the_file_and_the_entry(tmp_path: Path, text: str, entry: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CalendarError) as raised:
        load_calendar(path)
    message = str(raised.value)
    assert str(path) in message
    assert entry in message


def test_unreadable_overrides_file_is_a_calendar_error(tmp_path: Path) -> None:
    path = tmp_path / "calendar-overrides.toml"
    path.write_bytes(b"published_years = [2027]\n\xff\xfe")
    with pytest.raises(CalendarError, match="cannot read"):
        load_calendar(path)
