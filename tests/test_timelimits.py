"""Due-date arithmetic and the rule table.

Expected dates are worked out by hand from the State Council's holiday notices
(see STATE_COUNCIL_PERIODS in test_calendar.py, which checks that chinesecalendar
agrees with them), counting day by day in the comments. Schedules used:

2025  Spring Festival  28 Jan (Tue) - 4 Feb (Tue) off; 26 Jan (Sun), 8 Feb (Sat) worked
      Labour Day       1 May (Thu) - 5 May (Mon) off; 27 Apr (Sun) worked
      National Day     1 Oct (Wed) - 8 Oct (Wed) off; 28 Sep (Sun), 11 Oct (Sat) worked
2026  Spring Festival  15 Feb (Sun) - 23 Feb (Mon) off; 14 Feb (Sat), 28 Feb (Sat) worked
      Labour Day       1 May (Fri) - 5 May (Tue) off; 9 May (Sat) worked
      Mid-Autumn       25 Sep (Fri) - 27 Sep (Sun) off
      National Day     1 Oct (Thu) - 7 Oct (Wed) off; 20 Sep (Sun), 10 Oct (Sat) worked
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.calendar import (
    CalendarError,
    CalendarOverrides,
    ChineseOfficialCalendar,
    OverriddenCalendar,
    WorkingCalendar,
    load_calendar,
)
from cases.rules import RULES, Actor, Limit, Rule, Unit, UnknownRuleError, get_rule
from cases.timelimits import DueDate, due_date, extend, unpublished_years, working_days_after

OFFICIAL = ChineseOfficialCalendar()
SOURCE = Path("/work/shared/seed/mechanism-procedure-zh.txt")

# (rule, trigger, expected due date); the reasoning for each is in the comment above it.
HAND_CASES: list[tuple[str, date, date]] = [
    # ---- 2025 Spring Festival ----
    # trigger Mon 20 Jan. 21 Tue(1) 22(2) 23(3) 24 Fri(4), 25 Sat off, 26 Sun make-up(5),
    # 27 Mon(6), 28 Jan-4 Feb off, 5 Feb Wed(7) 6(8) 7 Fri(9), 8 Sat make-up(10).
    ("formal_review", date(2025, 1, 20), date(2025, 2, 8)),
    # trigger Fri 24 Jan. 25 Sat off, 26 Sun make-up(1), 27 Mon(2), 28 Jan-4 Feb off, 5 Feb Wed(3).
    ("confidentiality_decision", date(2025, 1, 24), date(2025, 2, 5)),
    # trigger Wed 29 Jan, a holiday: counting starts at the next working day.
    # 30 Jan-4 Feb off, 5 Feb(1) 6(2) 7(3), 8 Sat make-up(4), 9 Sun off, 10 Mon(5).
    ("recusal_decision", date(2025, 1, 29), date(2025, 2, 10)),
    # trigger Wed 15 Jan. 16(1) 17(2), weekend, 20(3) 21(4) 22(5) 23(6) 24(7), 25 off, 26 Sun(8),
    # 27(9), holiday, 5 Feb(10) 6(11) 7(12) 8 Sat(13), 9 off, 10(14) 11(15) 12(16) 13(17) 14(18),
    # weekend, 17 Mon(19) 18 Tue(20).
    ("invitation_response", date(2025, 1, 15), date(2025, 2, 18)),
    # 2 Jan + 1 month = Sun 2 Feb, inside the holiday; 3 and 4 Feb off; Wed 5 Feb.
    ("bilateral_dialogue", date(2025, 1, 2), date(2025, 2, 5)),
    # ---- 2025 Labour Day ----
    # trigger Mon 21 Apr. 22(1) 23(2) 24(3) 25 Fri(4), 26 Sat off, 27 Sun make-up(5), 28(6) 29(7)
    # 30 Wed(8), 1-5 May off, 6 Tue(9) 7 Wed(10).
    ("invitation", date(2025, 4, 21), date(2025, 5, 7)),
    # trigger Fri 25 Apr. 26 Sat off, 27 Sun make-up(1), 28(2) 29(3) 30(4), 1-5 May off, 6 Tue(5).
    ("second_invitation", date(2025, 4, 25), date(2025, 5, 6)),
    # trigger Wed 30 Apr. 1-5 May off, 6(1) 7(2) 8(3) 9 Fri(4), weekend, 12(5) 13(6) 14(7) 15(8)
    # 16 Fri(9), weekend, 19 Mon(10).
    ("launch_notice", date(2025, 4, 30), date(2025, 5, 19)),
    # 5 Feb + 3 months = Mon 5 May, last day of the Labour Day holiday; Tue 6 May.
    ("internal_mediation", date(2025, 2, 5), date(2025, 5, 6)),
    # ---- 2025 National Day ----
    # trigger Mon 22 Sep. 23(1) 24(2) 25(3) 26 Fri(4), 27 Sat off, 28 Sun make-up(5), 29(6) 30(7),
    # 1-8 Oct off, 9 Thu(8) 10 Fri(9), 11 Sat make-up(10).
    ("non_launch_notice", date(2025, 9, 22), date(2025, 10, 11)),
    # trigger Fri 26 Sep. 27 off, 28 Sun(1), 29(2) 30(3), 1-8 Oct off, 9(4) 10(5) 11 Sat(6), 12 off,
    # 13(7) 14(8) 15(9) 16(10) 17(11), weekend, 20(12) 21(13) 22(14) 23 Thu(15).
    ("triage", date(2025, 9, 26), date(2025, 10, 23)),
    # trigger Wed 1 Oct, a holiday. 2-8 Oct off, 9 Thu(1) 10(2) 11 Sat make-up(3), 12 off,
    # 13(4) 14(5) 15(6) 16(7) 17(8), weekend, 20(9) 21 Tue(10).
    ("second_invitation_response", date(2025, 10, 1), date(2025, 10, 21)),
    # 7 Jul + 3 months = Tue 7 Oct, holiday; 8 Oct off; Thu 9 Oct.
    ("fact_finding", date(2025, 7, 7), date(2025, 10, 9)),
    # 8 Jul + 3 months = Wed 8 Oct, the last day off; Thu 9 Oct.
    ("assessment_verification", date(2025, 7, 8), date(2025, 10, 9)),
    # 5 Sep + 30 days = Sun 5 Oct, holiday; 6-8 Oct off; Thu 9 Oct.
    ("objection_decision", date(2025, 9, 5), date(2025, 10, 9)),
    # 29 Aug + 30 days = Sun 28 Sep, a make-up working day: due that Sunday.
    ("objection_decision", date(2025, 8, 29), date(2025, 9, 28)),
    # ---- 2026 Spring Festival ----
    # trigger Mon 9 Feb. 10(1) 11(2) 12(3) 13 Fri(4), 14 Sat make-up(5), 15-23 off, 24 Tue(6)
    # 25(7) 26(8) 27 Fri(9), 28 Sat make-up(10).
    ("formal_review", date(2026, 2, 9), date(2026, 2, 28)),
    # trigger Thu 12 Feb. 13 Fri(1), 14 Sat make-up(2), 15-23 off, 24 Tue(3).
    ("confidentiality_decision", date(2026, 2, 12), date(2026, 2, 24)),
    # trigger Fri 20 Feb, a holiday. 21-23 off, 24(1) 25(2) 26(3) 27(4), 28 Sat make-up(5).
    ("recusal_decision", date(2026, 2, 20), date(2026, 2, 28)),
    # 18 Aug 2025 + 6 months = Wed 18 Feb 2026, holiday; 19-23 off; Tue 24 Feb.
    ("external_mediation", date(2025, 8, 18), date(2026, 2, 24)),
    # 15 Jan + 1 month = Sun 15 Feb, first day off; through 23 Feb; Tue 24 Feb.
    ("bilateral_dialogue", date(2026, 1, 15), date(2026, 2, 24)),
    # ---- 2026 Labour Day ----
    # trigger Mon 13 Apr. 14(1) 15(2) 16(3) 17(4), weekend, 20(5) 21(6) 22(7) 23(8) 24(9), weekend,
    # 27(10) 28(11) 29(12) 30 Thu(13), 1-5 May off, 6(14) 7(15) 8(16), 9 Sat make-up(17), 10 off,
    # 11(18) 12(19) 13 Wed(20).
    ("invitation_response", date(2026, 4, 13), date(2026, 5, 13)),
    # trigger Tue 28 Apr. 29(1) 30(2), 1-5 May off, 6(3) 7(4) 8(5), 9 Sat(6), 10 off,
    # 11(7) 12(8) 13(9) 14 Thu(10).
    ("launch_notice", date(2026, 4, 28), date(2026, 5, 14)),
    # trigger Thu 30 Apr. 1-5 May off, 6(1) 7(2) 8(3), 9 Sat make-up(4), 10 Sun off, 11 Mon(5).
    ("second_invitation", date(2026, 4, 30), date(2026, 5, 11)),
    # 2 Feb + 3 months = Sat 2 May, holiday; 3-5 May off; Wed 6 May.
    ("assessment_verification", date(2026, 2, 2), date(2026, 5, 6)),
    # 9 Apr + 30 days = Sat 9 May, a make-up working day: due that Saturday.
    ("objection_decision", date(2026, 4, 9), date(2026, 5, 9)),
    # ---- 2026 Mid-Autumn and National Day ----
    # trigger Mon 14 Sep. 15(1) 16(2) 17(3) 18(4), 19 Sat off, 20 Sun make-up(5), 21(6) 22(7) 23(8)
    # 24 Thu(9), 25-27 Mid-Autumn off, 28(10) 29(11) 30(12), 1-7 Oct off, 8(13) 9(14),
    # 10 Sat make-up(15).
    ("triage", date(2026, 9, 14), date(2026, 10, 10)),
    # trigger Thu 24 Sep. 25-27 off, 28(1) 29(2) 30(3), 1-7 Oct off, 8(4) 9(5) 10 Sat(6), 11 off,
    # 12(7) 13(8) 14(9) 15 Thu(10).
    ("non_launch_notice", date(2026, 9, 24), date(2026, 10, 15)),
    # trigger Fri 18 Sep. 19 Sat off, 20 Sun make-up(1), 21(2) 22(3) 23(4) 24(5), 25-27 off,
    # 28(6) 29(7) 30(8), 1-7 Oct off, 8(9) 9 Fri(10).
    ("invitation", date(2026, 9, 18), date(2026, 10, 9)),
    # trigger Sat 3 Oct, a holiday. 4-7 off, 8(1) 9(2) 10 Sat(3), 11 off, 12(4) 13(5) 14(6) 15(7)
    # 16(8), weekend, 19(9) 20 Tue(10).
    ("second_invitation_response", date(2026, 10, 3), date(2026, 10, 20)),
    # 1 Jul + 3 months = Thu 1 Oct, holiday through 7 Oct; Thu 8 Oct.
    ("internal_mediation", date(2026, 7, 1), date(2026, 10, 8)),
    # 20 Jun + 3 months = Sun 20 Sep, a make-up working day: due that Sunday.
    ("fact_finding", date(2026, 6, 20), date(2026, 9, 20)),
    # 3 Apr + 6 months = Sat 3 Oct, holiday through 7 Oct; Thu 8 Oct.
    ("external_mediation", date(2026, 4, 3), date(2026, 10, 8)),
]


def test_every_rule_has_hand_checked_cases() -> None:
    covered = {rule_id for rule_id, _, _ in HAND_CASES}
    assert covered == set(RULES)


@pytest.mark.parametrize(("rule_id", "trigger", "expected"), HAND_CASES)
def test_due_date_across_the_2025_and_2026_holidays(rule_id: str, trigger: date, expected: date) -> None:
    rule = get_rule(rule_id)
    assert due_date(OFFICIAL, rule.limit, trigger) == DueDate(
        start=trigger, due=expected, provisional=False, basis=rule.limit.basis_en
    )


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # no 31 Feb: last day, a Friday
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year: Thu 29 Feb 2024, a working day
        (date(2026, 1, 31), date(2026, 2, 28)),  # clamps to Sat 28 Feb 2026, a make-up working day
        (date(2026, 3, 31), date(2026, 4, 30)),  # 30-day month
    ],
)
def test_month_end_clamps_to_the_last_day_of_the_month(trigger: date, expected: date) -> None:
    assert due_date(OFFICIAL, get_rule("bilateral_dialogue").limit, trigger).due == expected


def test_month_rules_from_other_month_ends() -> None:
    # 30 Nov 2025 + 3 months = 28 Feb 2026 (clamped; a make-up Saturday, so it stands).
    assert due_date(OFFICIAL, Limit(3, Unit.MONTHS), date(2025, 11, 30)).due == date(2026, 2, 28)
    # 31 Aug 2025 + 1 month = Tue 30 Sep 2025 (clamped), a working day just before National Day.
    assert due_date(OFFICIAL, Limit(1, Unit.MONTHS), date(2025, 8, 31)).due == date(2025, 9, 30)


# ---- provisional dates and the overrides file ----------------------------------------------

OVERRIDES_PUBLISHING_2027 = """\
published_years = [2027]
[days]
"2027-01-01" = { working = false, note = "元旦" }
"2027-02-07" = { working = true,  note = "春节调休上班" }
"2026-12-24" = { working = false, note = "office closure" }
"""


def test_rule_running_into_an_unpublished_year_is_provisional() -> None:
    # invitation_response, 20 wd from Tue 15 Dec 2026, on the 2027 estimate (元旦 1 Jan off):
    # 16(1) 17(2) 18(3), 21(4) 22(5) 23(6) 24(7) 25(8), 28(9) 29(10) 30(11) 31 Thu(12),
    # 1 Jan 2027 off, 4(13) 5(14) 6(15) 7(16) 8(17), 11(18) 12(19) 13 Wed(20).
    result = due_date(OFFICIAL, get_rule("invitation_response").limit, date(2026, 12, 15))
    assert result == DueDate(date(2026, 12, 15), date(2027, 1, 13), True, "20 working days")
    assert unpublished_years(OFFICIAL, result.start, result.due) == [2027]


def test_same_rule_once_the_overrides_publish_2027(tmp_path: Path) -> None:
    path = tmp_path / "calendar-overrides.toml"
    path.write_text(OVERRIDES_PUBLISHING_2027, encoding="utf-8")
    calendar = load_calendar(path)
    # As above, but the office is closed on Thu 24 Dec 2026:
    # 16(1) 17(2) 18(3), 21(4) 22(5) 23(6), 24 closed, 25(7), 28(8) 29(9) 30(10) 31(11),
    # 1 Jan off, 4(12) 5(13) 6(14) 7(15) 8(16), 11(17) 12(18) 13(19) 14 Thu(20).
    result = due_date(calendar, get_rule("invitation_response").limit, date(2026, 12, 15))
    assert result == DueDate(date(2026, 12, 15), date(2027, 1, 14), False, "20 working days")


def test_override_make_up_day_counts_as_a_working_day(tmp_path: Path) -> None:
    path = tmp_path / "calendar-overrides.toml"
    path.write_text(OVERRIDES_PUBLISHING_2027, encoding="utf-8")
    calendar = load_calendar(path)
    # 30 days from Fri 8 Jan 2027 = Sun 7 Feb 2027, which the overrides declare worked.
    result = due_date(calendar, get_rule("objection_decision").limit, date(2027, 1, 8))
    assert result == DueDate(date(2027, 1, 8), date(2027, 2, 7), False, "30 days")
    # Without the overrides it is an estimate, and a Sunday is not worked.
    estimate = due_date(OFFICIAL, get_rule("objection_decision").limit, date(2027, 1, 8))
    assert estimate.provisional
    assert estimate.due > date(2027, 2, 7)


def test_month_rule_that_only_touches_a_published_year_is_not_provisional() -> None:
    # 31 Aug 2026 + 3 months = Mon 30 Nov 2026: no 2027 day was needed.
    assert not due_date(OFFICIAL, Limit(3, Unit.MONTHS), date(2026, 8, 31)).provisional
    # 15 Jul 2026 + 6 months = Fri 15 Jan 2027: a 2027 day decides it.
    assert due_date(OFFICIAL, Limit(6, Unit.MONTHS), date(2026, 7, 15)).provisional


def test_working_day_rule_ending_on_31_december_is_not_provisional() -> None:
    # 3 wd from Mon 28 Dec 2026: 29(1) 30(2) 31 Thu(3); 2027 is never looked at.
    result = due_date(OFFICIAL, get_rule("confidentiality_decision").limit, date(2026, 12, 28))
    assert result == DueDate(date(2026, 12, 28), date(2026, 12, 31), False, "3 working days")


# ---- extensions and counting ----------------------------------------------------------------

def test_extension_adds_the_limit_to_the_current_due_date() -> None:
    # Dialogue due Mon 1 Sep 2025, extended by 1 month: Wed 1 Oct, holiday to 8 Oct; Thu 9 Oct.
    assert extend(OFFICIAL, date(2025, 9, 1), Limit(1, Unit.MONTHS)) == DueDate(
        date(2025, 9, 1), date(2025, 10, 9), False, "1 month"
    )
    # 10 more working days from Fri 6 Feb 2026: 9(1) 10(2) 11(3) 12(4) 13(5), 14 Sat(6),
    # 15-23 off, 24(7) 25(8) 26(9) 27 Fri(10).
    assert extend(OFFICIAL, date(2026, 2, 6), Limit(10, Unit.WORKING_DAYS)).due == date(2026, 2, 27)


def test_working_days_after_counts_the_half_open_interval() -> None:
    # (Fri 24 Jan 2025, Sat 8 Feb 2025]: 26 Jan, 27 Jan, 5, 6, 7, 8 Feb.
    assert working_days_after(OFFICIAL, date(2025, 1, 24), date(2025, 2, 8)) == 6
    assert working_days_after(OFFICIAL, date(2025, 1, 27), date(2025, 2, 4)) == 0  # all holiday
    assert working_days_after(OFFICIAL, date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert working_days_after(OFFICIAL, date(2025, 3, 5), date(2025, 3, 3)) == 0


# ---- a broken calendar must fail, not hang ----------------------------------------------------

class NeverWorking:
    def is_working_day(self, day: date) -> bool:
        return False

    def is_published(self, year: int) -> bool:
        return True


@pytest.mark.parametrize("limit", [Limit(1, Unit.WORKING_DAYS), Limit(1, Unit.MONTHS), Limit(30, Unit.CALENDAR_DAYS)])
def test_calendar_without_working_days_raises(limit: Limit) -> None:
    with pytest.raises(CalendarError, match="no working day"):
        due_date(NeverWorking(), limit, date(2026, 3, 2))


def test_override_file_closing_everything_raises(tmp_path: Path) -> None:
    first = date(2026, 1, 1)
    lines = ["[days]"] + [
        f'"{first + timedelta(days=n)}" = {{ working = false, note = "closed" }}' for n in range(400)
    ]
    path = tmp_path / "calendar-overrides.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CalendarError, match="overrides"):
        due_date(load_calendar(path), get_rule("formal_review").limit, date(2026, 1, 5))


# ---- properties ----------------------------------------------------------------------------

PUBLISHED_2027 = OverriddenCalendar(OFFICIAL, CalendarOverrides(published_years=frozenset({2027})))
triggers = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
calendars = st.sampled_from([OFFICIAL, PUBLISHED_2027])


def _touches_unpublished(calendar: WorkingCalendar, first: date, last: date) -> bool:
    return any(not calendar.is_published(year) for year in range(first.year, last.year + 1))


@settings(deadline=None, max_examples=300)
@given(calendar=calendars, start=triggers, n=st.integers(min_value=1, max_value=40))
def test_working_day_due_date_is_the_nth_working_day(calendar: WorkingCalendar, start: date, n: int) -> None:
    result = due_date(calendar, Limit(n, Unit.WORKING_DAYS), start)
    assert calendar.is_working_day(result.due)
    assert working_days_after(calendar, start, result.due) == n
    # The span that had to be classified is (start, due].
    assert result.provisional == _touches_unpublished(calendar, start + timedelta(days=1), result.due)


@settings(deadline=None, max_examples=300)
@given(
    calendar=calendars,
    start=triggers,
    limit=st.one_of(
        st.builds(Limit, st.integers(min_value=1, max_value=6), st.just(Unit.MONTHS)),
        st.builds(Limit, st.integers(min_value=1, max_value=60), st.just(Unit.CALENDAR_DAYS)),
    ),
)
def test_month_and_calendar_day_due_dates_roll_to_the_next_working_day(
    calendar: WorkingCalendar, start: date, limit: Limit
) -> None:
    if limit.unit is Unit.MONTHS:
        raw = start + relativedelta(months=limit.amount)
    else:
        raw = start + timedelta(days=limit.amount)
    result = due_date(calendar, limit, start)
    assert result.due >= raw
    assert calendar.is_working_day(result.due)
    # ...and it is the first working day from the raw date: nothing in between was worked.
    assert working_days_after(calendar, raw - timedelta(days=1), result.due) == 1
    # The span that had to be classified is [raw, due].
    assert result.provisional == _touches_unpublished(calendar, raw, result.due)


@settings(deadline=None, max_examples=100)
@given(start=triggers, rule_id=st.sampled_from(sorted(RULES)))
def test_official_provisional_iff_the_due_date_reaches_2027(start: date, rule_id: str) -> None:
    # With the official calendar 2024-2026 are published and 2027 is not.
    result = due_date(OFFICIAL, get_rule(rule_id).limit, start)
    assert result.provisional == (result.due.year >= 2027)
    assert not due_date(PUBLISHED_2027, get_rule(rule_id).limit, start).provisional


# ---- the rule table -----------------------------------------------------------------------

EXPECTED_LIMITS = {
    "formal_review": ("10 working days", "10个工作日", Actor.SECRETARIAT, "第三章第3.2条"),
    "invitation": ("10 working days", "10个工作日", Actor.SECRETARIAT, "第四章第一节第1条"),
    "invitation_response": ("20 working days", "20个工作日", Actor.RESPONDENT, "第四章第一节第1条"),
    "second_invitation": ("5 working days", "5个工作日", Actor.SECRETARIAT, "第四章第一节第1.2条"),
    "second_invitation_response": ("10 working days", "10个工作日", Actor.RESPONDENT, "第四章第一节第1.2条"),
    "launch_notice": ("10 working days", "10个工作日", Actor.SECRETARIAT, "第四章第一节第1.1条"),
    "non_launch_notice": ("10 working days", "10个工作日", Actor.SECRETARIAT, "第四章第一节第1.2条"),
    "triage": ("15 working days", "15个工作日", Actor.SECRETARIAT, "第四章第一节第2条"),
    "bilateral_dialogue": ("1 month", "1个月", Actor.BOTH_SIDES, "第四章第二节第1条"),
    "internal_mediation": ("3 months", "3个月", Actor.PANEL, "第四章第二节第2条"),
    "external_mediation": ("6 months", "6个月", Actor.EXTERNAL_MEDIATOR, "第四章第二节第3条"),
    "fact_finding": ("3 months", "3个月", Actor.FACT_FINDING_TEAM, "第四章第三节第1.2条"),
    "assessment_verification": ("3 months", "3个月", Actor.ASSESSMENT_BODY, "第四章第三节第2条"),
    "confidentiality_decision": ("3 working days", "3个工作日", Actor.SECRETARIAT, "第六章第2.2条"),
    "objection_decision": ("30 days", "30日", Actor.SECRETARIAT, "第六章第3.3条"),
    "recusal_decision": ("5 working days", "5个工作日", Actor.SECRETARIAT, "第六章第6.1条"),
}


def test_rule_table_matches_procedure_section_3() -> None:
    assert list(RULES) == list(EXPECTED_LIMITS)
    for rule_id, (basis_en, basis_zh, actor, clause) in EXPECTED_LIMITS.items():
        rule = RULES[rule_id]
        assert isinstance(rule, Rule)
        assert rule.id == rule_id
        assert (rule.limit.basis_en, rule.limit.basis_zh, rule.actor, rule.clause) == (
            basis_en, basis_zh, actor, clause
        ), rule_id
        assert rule.what_zh and rule.what_en and rule.counted_from_zh and rule.counted_from_en


@pytest.mark.skipif(not SOURCE.exists(), reason="the Chinese source text is not available")
def test_every_limit_is_written_in_the_chinese_source() -> None:
    # The source puts spaces around numbers ("10 个工作日"); compare without whitespace.
    text = "".join(SOURCE.read_text(encoding="utf-8").split())
    for rule in RULES.values():
        assert rule.limit.basis_zh in text, rule.id


def test_unknown_rule_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownRuleError) as raised:
        get_rule("formal-review")
    assert isinstance(raised.value, ValueError)
    message = str(raised.value)
    assert "'formal-review'" in message
    for rule_id in RULES:
        assert rule_id in message


@pytest.mark.parametrize("amount", [0, -1, True, 1.5])
def test_limit_amount_must_be_a_positive_whole_number(amount: object) -> None:
    with pytest.raises(ValueError):
        Limit(amount, Unit.WORKING_DAYS)  # type: ignore[arg-type]


def test_basis_singular_and_plural() -> None:
    assert Limit(1, Unit.WORKING_DAYS).basis_en == "1 working day"
    assert Limit(1, Unit.CALENDAR_DAYS).basis_en == "1 day"
    assert Limit(2, Unit.MONTHS).basis_en == "2 months"
