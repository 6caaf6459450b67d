"""Invitation, delivery-driven clocks, second invitation, deemed refusal, launch, non-launch."""
from __future__ import annotations

from datetime import date

import pytest

from cases import tracker
from cases.errors import ProcedureError
from cases.vocabulary import DeadlineOutcome, DeadlineStatus, SideRole, Stage, TerminationGround
from factories import file_case, to_accepted, to_invited, to_launched

A, R = SideRole.APPLICANT, SideRole.RESPONDENT


def test_response_clock_runs_from_delivery_and_moves_with_a_corrected_delivery(proc) -> None:
    case = to_accepted(proc, file_case(proc))
    proc.send_invitation(case, date(2025, 3, 19))
    assert case.stage is Stage.INVITED
    assert tracker.find_open(case, "invitation_response") is None  # not delivered yet
    proc.record_delivery(case, "invitation", date(2025, 3, 20), side=R)
    # 20 working days after 20 March 2025, over the Qingming holiday (4 April): 18 April.
    assert tracker.find_open(case, "invitation_response").due_on == date(2025, 4, 18)
    proc.record_delivery(case, "invitation", date(2025, 3, 21), side=R)  # the post office corrects the date
    response = tracker.find_open(case, "invitation_response")
    assert response.due_on == date(2025, 4, 21) and response.trigger_on == date(2025, 3, 21)
    assert len([d for d in case.deadlines if d.rule == "invitation_response"]) == 1


def test_delivery_cannot_precede_sending(proc) -> None:
    case = to_accepted(proc, file_case(proc))
    proc.send_invitation(case, date(2025, 3, 19))
    with pytest.raises(ProcedureError, match="before 2025-03-19"):
        proc.record_delivery(case, "invitation", date(2025, 3, 18), side=R)


def test_acceptance_opens_launch_clock_and_launch_starts_on_delivery_to_both(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.record_response(case, True, date(2025, 4, 1), preliminary_response="We dispute causation.")
    assert case.stage is Stage.RESPONDENT_ACCEPTED and case.preliminary_response == "We dispute causation."
    assert tracker.status(tracker.find_latest(case, "invitation_response"), date(2026, 1, 1)) is DeadlineStatus.MET
    # 1 April 2025 + 10 working days, Qingming (4 April) off: 16 April.
    assert tracker.find_open(case, "launch_notice").due_on == date(2025, 4, 16)
    proc.send_launch_notice(case, date(2025, 4, 8))
    assert case.stage is Stage.LAUNCH_NOTICE_SENT
    proc.record_delivery(case, "launch_notice", date(2025, 4, 9), side=A)
    assert case.stage is Stage.LAUNCH_NOTICE_SENT and tracker.find_open(case, "triage") is None
    proc.record_delivery(case, "launch_notice", date(2025, 4, 10), side=R)
    assert case.stage is Stage.LAUNCHED and case.launched_on == date(2025, 4, 10)
    # 15 working days from 10 April 2025, counting Sunday 27 April (a make-up working day): 30 April.
    assert tracker.find_open(case, "triage").due_on == date(2025, 4, 30)


def test_corrected_launch_delivery_moves_the_start_and_the_triage_clock(proc) -> None:
    case = to_launched(proc, file_case(proc))
    proc.record_delivery(case, "launch_notice", date(2025, 4, 11), side=R)
    assert case.launched_on == date(2025, 4, 11)
    assert tracker.find_open(case, "triage").trigger_on == date(2025, 4, 11)


def test_refusal_leads_to_non_launch_and_closes_the_case(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.record_response(case, False, date(2025, 4, 1))
    assert case.stage is Stage.RESPONDENT_REFUSED
    assert tracker.find_open(case, "non_launch_notice").due_on == date(2025, 4, 16)
    with pytest.raises(ProcedureError, match="not allowed at stage respondent_refused"):
        proc.send_launch_notice(case, date(2025, 4, 2))
    proc.send_non_launch_notice(case, date(2025, 4, 3))
    assert case.stage is Stage.NOT_LAUNCHED and case.closed_on == date(2025, 4, 3)
    assert case.termination_ground is TerminationGround.RESPONDENT_UNRESPONSIVE
    assert [d.addressee_side for d in case.deliveries if d.instrument == "non_launch_notice"] == [A]
    # The notice's delivery may still be recorded; nothing else.
    proc.record_delivery(case, "non_launch_notice", date(2025, 4, 7), side=A)
    with pytest.raises(ProcedureError) as raised:
        proc.send_second_invitation(case, date(2025, 4, 8))
    assert "the case is closed" in str(raised.value) and case.number in str(raised.value)


def test_second_invitation_only_after_the_first_lapses(proc) -> None:
    case = to_invited(proc, file_case(proc))
    with pytest.raises(ProcedureError, match="has until 2025-04-21 to answer"):
        proc.send_second_invitation(case, date(2025, 4, 21))
    # On 22 April the answer period (due 21 April) has lapsed: a second invitation is due in 5 working
    # days, which in 2025 ends on Sunday 27 April, a make-up working day before Labour Day.
    proc.send_second_invitation(case, date(2025, 4, 24))
    lapsed = tracker.find_latest(case, "invitation_response")
    assert lapsed.outcome is DeadlineOutcome.LAPSED and lapsed.closed_on == date(2025, 4, 21)
    second = tracker.find_latest(case, "second_invitation")
    assert second.due_on == date(2025, 4, 27)
    assert tracker.status(second, date(2026, 1, 1)) is DeadlineStatus.MET
    assert case.stage is Stage.REINVITED


def test_silence_after_second_invitation_is_a_deemed_refusal(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.send_second_invitation(case, date(2025, 4, 24))
    proc.record_delivery(case, "second_invitation", date(2025, 4, 25), side=R)
    # 10 working days after 25 April 2025: 27-30 April, then 6-9 and 12-13 May (1-5 May off).
    assert tracker.find_open(case, "second_invitation_response").due_on == date(2025, 5, 13)
    happened = proc.advance(case, date(2025, 5, 14))
    assert "deemed refusal" in happened[0]
    assert case.stage is Stage.RESPONDENT_REFUSED and case.deemed_refusal
    non_launch = tracker.find_open(case, "non_launch_notice")
    assert non_launch.trigger_on == date(2025, 5, 13)  # counted from the lapse
    with pytest.raises(ProcedureError, match="not allowed at stage respondent_refused"):
        proc.record_response(case, True, date(2025, 5, 14))


def test_answer_after_first_lapse_cancels_the_second_invitation_clock(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.advance(case, date(2025, 4, 22))
    assert tracker.find_open(case, "second_invitation") is not None
    proc.record_response(case, True, date(2025, 4, 23))
    assert tracker.find_latest(case, "second_invitation").outcome is DeadlineOutcome.CANCELLED
    assert case.stage is Stage.RESPONDENT_ACCEPTED


def test_launch_needs_representatives_of_large_sides(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.record_response(case, True, date(2025, 4, 1))
    for name in ("Company B", "Company C", "Company D"):
        from cases.models import Party
        from cases.vocabulary import PartyCategory
        case.respondent.members.append(Party(category=PartyCategory.COMPANY_MINING, full_name=name, address="x"))
    with pytest.raises(ProcedureError, match="must elect 1-2 representatives"):
        proc.send_launch_notice(case, date(2025, 4, 8))
