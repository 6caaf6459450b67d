"""Confidentiality, objections, recusal, retaliation risk; agreement, termination, closure, monitoring."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from cases import tracker
from cases.errors import NotFoundError, ProcedureError
from cases.instruments import Subject, SubjectKind
from cases.models import AuditEvent
from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms
from cases.vocabulary import (
    AppointmentRole,
    ObjectionGround,
    ObjectionMeasure,
    ObjectionOutcome,
    ObligationStatus,
    Path,
    ResourceKind,
    RiskLevel,
    SideRole,
    Stage,
    TerminationGround,
)
from factories import BOTH, file_case, to_path

A, R = SideRole.APPLICANT, SideRole.RESPONDENT

CLOSURE = ClosureTerms("points", "course", "facts", "recommendations")


def _terms(*obligations: ObligationTerms) -> AgreementTerms:
    return AgreementTerms("points", "stakeholders", "OECD DDG Annex II", "consensus", obligations,
                          "quarterly reports", "publish summary", "monthly committee")


def test_confidential_information_is_withheld_until_decided_then_as_decided(proc) -> None:
    case = file_case(proc)
    with pytest.raises(ProcedureError, match="valid audiences"):
        proc.request_confidentiality(case, A, "names", ["neighbours"], "forever", "fear", date(2025, 3, 4))
    request = proc.request_confidentiality(case, A, "Names of three witnesses", ["other_side",
                                           "third_parties_and_public"], "until closure", "reprisals",
                                           date(2025, 3, 4))
    assert request.withheld_from == ["other_side", "third_parties_and_public"]
    deadline = tracker.find_open(case, "confidentiality_decision", Subject(SubjectKind.CONFIDENTIALITY, request.id))
    assert deadline.due_on == date(2025, 3, 7)  # 3 working days
    proc.decide_confidentiality(case, request.id, True, date(2025, 3, 6), audience=["third_parties_and_public"],
                                reason="risk to the public only")
    assert request.withheld_from == ["third_parties_and_public"]
    with pytest.raises(ProcedureError, match="was decided on 2025-03-06"):
        proc.decide_confidentiality(case, request.id, False, date(2025, 3, 7))
    refused = proc.request_confidentiality(case, R, "Sales volumes", ["third_parties_and_public"], "5 years",
                                           "commercial", date(2025, 3, 7))
    proc.decide_confidentiality(case, refused.id, False, date(2025, 3, 10), reason="already public")
    assert refused.withheld_from == []
    # What is protected never enters the audit trail.
    assert not any("Names of three witnesses" in str(e.detail) for e in proc.session.scalars(select(AuditEvent)))


def test_published_summary_never_repeats_withheld_information(proc) -> None:
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    proc.request_confidentiality(case, A, "Jean Mwamba of Kawama testified about reprisals", ["third_parties_and_public"],
                                 "permanent", "reprisals", date(2025, 5, 7))
    with pytest.raises(ProcedureError, match="repeats information withheld from the public"):
        proc.publish_summary(case, "Witness Jean Mwamba of Kawama testified about reprisals.", date(2025, 5, 8))
    proc.publish_summary(case, "A community and a refiner are in dialogue about river pollution.", date(2025, 5, 8))
    assert case.published_on == date(2025, 5, 8)


def test_objection_decided_within_thirty_calendar_days_with_measures(proc) -> None:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    body = proc.add_resource(ResourceKind.ASSESSMENT_BODY, "Water Lab")
    appointment = proc.appoint(case, body, AppointmentRole.ASSESSMENT, date(2025, 5, 7), requested_by=R,
                               consents=BOTH)
    with pytest.raises(ProcedureError, match="with evidence"):
        proc.raise_objection(case, A, ObjectionGround.MISCONDUCT_OR_CONFLICT, "conflict", "", date(2025, 5, 8))
    objection = proc.raise_objection(case, A, ObjectionGround.MISCONDUCT_OR_CONFLICT, "The lab is owned by the "
                                     "respondent's parent", "Company register extract", date(2025, 5, 8),
                                     target_appointment=appointment)
    # 8 May 2025 + 30 days = 7 June, a Saturday: the next working day, 9 June.
    decision = tracker.find_open(case, "objection_decision", Subject(SubjectKind.OBJECTION, objection.id))
    assert decision is not None and decision.due_on == date(2025, 6, 9)
    with pytest.raises(ProcedureError, match="takes no measures"):
        proc.decide_objection(case, objection.id, ObjectionOutcome.DISMISSED, [ObjectionMeasure.REMIND_OBLIGOR],
                              "no", date(2025, 5, 20))
    proc.decide_objection(case, objection.id, ObjectionOutcome.UPHELD, [ObjectionMeasure.REMOVE_APPOINTEE],
                          "Ownership link established", date(2025, 5, 20))
    assert appointment.ended_on == date(2025, 5, 20) and "objection" in appointment.end_reason
    assert case.stage is Stage.INTERNAL_MEDIATION


def test_bad_faith_application_dismissed_on_objection_closes_everything(proc) -> None:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    objection = proc.raise_objection(case, R, ObjectionGround.BAD_FAITH, "Filed to delay a permit",
                                     "Emails", date(2025, 5, 8))
    proc.decide_objection(case, objection.id, ObjectionOutcome.UPHELD, [ObjectionMeasure.DISMISS_APPLICATION],
                          "Abuse of the mechanism established", date(2025, 5, 20))
    assert case.stage is Stage.DISMISSED and case.closed_on == date(2025, 5, 20)
    assert not [d for d in case.deadlines if d.is_open]
    with pytest.raises(ProcedureError, match="the case is closed"):
        proc.terminate(case, TerminationGround.NO_UNDERSTANDING, "x", date(2025, 5, 21), declared_by=[A])


def test_recusal_decided_in_five_working_days_and_final(proc) -> None:
    case = to_path(proc, file_case(proc), Path.EXTERNAL_MEDIATION)
    expert = proc.add_resource(ResourceKind.EXPERT, "Dr. Laurent")
    appointment = proc.appoint(case, expert, AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 5, 7),
                               requested_by=A, consents=BOTH)
    request = proc.request_recusal(case, appointment, R, "Advised an NGO campaign", date(2025, 5, 8))
    decision = tracker.find_open(case, "recusal_decision", Subject(SubjectKind.RECUSAL, request.id))
    assert decision is not None and decision.due_on == date(2025, 5, 15)
    proc.decide_recusal(case, request.id, False, "The advice concerned another company", date(2025, 5, 12))
    with pytest.raises(ProcedureError, match="the decision is final"):
        proc.request_recusal(case, appointment, R, "Same grounds again", date(2025, 5, 13))
    self_recusal = proc.request_recusal(case, appointment, None, "New conflict found", date(2025, 5, 13))
    proc.decide_recusal(case, self_recusal.id, True, "Conflict confirmed", date(2025, 5, 14))
    assert not appointment.is_active
    assert [d.addressee for d in case.deliveries if d.instrument == "recusal_decision"][-1] == "Dr. Laurent"
    with pytest.raises(ProcedureError, match="was recused from this case"):
        proc.appoint(case, expert, AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 5, 15), requested_by=A,
                     consents=BOTH)
    with pytest.raises(NotFoundError, match="no recusal request number 99"):
        proc.decide_recusal(case, 99, True, "x", date(2025, 5, 15))


def test_retaliation_risk_is_recorded(proc) -> None:
    case = file_case(proc)
    risk = proc.assess_risk(case, A, "Jean Mwamba", "Followed by security staff", RiskLevel.HIGH,
                            "Meetings in town", date(2025, 3, 5))
    assert case.risks == [risk] and risk.level is RiskLevel.HIGH


def test_termination_grounds_are_checked(proc) -> None:
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    with pytest.raises(ProcedureError, match="exactly one of the four grounds"):
        proc.terminate(case, "agreement", "x", date(2025, 5, 20))  # type: ignore[arg-type]
    with pytest.raises(ProcedureError, match="needs an agreement co-signed"):
        proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "x", date(2025, 5, 20))
    with pytest.raises(ProcedureError, match="needs the side"):
        proc.terminate(case, TerminationGround.NO_UNDERSTANDING, "x", date(2025, 5, 20))
    with pytest.raises(ProcedureError, match="no drafted agreement"):
        proc.sign_agreement(case, date(2025, 5, 20))
    proc.terminate(case, TerminationGround.NO_UNDERSTANDING, "The respondent declared it will not continue.",
                   date(2025, 5, 20), declared_by=[R])
    assert case.stage is Stage.TERMINATED and case.current_period is None
    proc.issue_closure_report(case, CLOSURE, date(2025, 5, 30))
    assert case.stage is Stage.CLOSED and case.closed_on == date(2025, 5, 30)
    assert [d.instrument for d in case.deliveries][-2:] == ["closure_report", "closure_report"]


def test_understanding_without_agreement_cannot_hide_a_signed_agreement(proc) -> None:
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    proc.draft_agreement(case, _terms(ObligationTerms(R, A, "Test wells", date(2025, 12, 31), "Report")),
                         date(2025, 5, 20))
    proc.sign_agreement(case, date(2025, 5, 21))
    with pytest.raises(ProcedureError, match="the ground is agreement_signed"):
        proc.terminate(case, TerminationGround.UNDERSTANDING_WITHOUT_AGREEMENT, "x", date(2025, 5, 22))
    with pytest.raises(ProcedureError, match="a signed agreement is not redrafted"):
        proc.draft_agreement(case, _terms(), date(2025, 5, 22))


def test_agreement_monitoring_and_closure(proc) -> None:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    with pytest.raises(ProcedureError, match="obligor and the obligee must be different"):
        proc.draft_agreement(case, _terms(ObligationTerms(R, R, "x", date(2025, 12, 31), "y")), date(2025, 6, 2))
    proc.draft_agreement(case, _terms(
        ObligationTerms(R, A, "Repair the tailings lining", date(2025, 12, 31), "Inspection report"),
        ObligationTerms(A, R, "Use the grievance channel", date(2025, 12, 31), "Minutes"),
    ), date(2025, 6, 2))
    proc.sign_agreement(case, date(2025, 6, 10))
    proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "Signed", date(2025, 6, 11))
    proc.issue_closure_report(case, CLOSURE, date(2025, 6, 20))
    assert case.stage is Stage.MONITORING
    first, second = case.agreement.obligations
    with pytest.raises(ProcedureError, match="the obligee of obligation"):
        proc.record_inquiry(case, first.id, R, "progress?", date(2025, 9, 1))
    proc.record_inquiry(case, first.id, A, "progress?", date(2025, 9, 1))
    with pytest.raises(ProcedureError, match="before 2025-06-20"):
        proc.record_monitoring_update(case, first.id, "Li Na", ObligationStatus.IN_PROGRESS, "x", date(2025, 6, 19))
    proc.record_monitoring_update(case, first.id, "Li Na", ObligationStatus.FULFILLED, "Repaired", date(2025, 10, 1))
    assert first.status is ObligationStatus.FULFILLED
    with pytest.raises(ProcedureError, match="1 obligation\\(s\\) are not fulfilled"):
        proc.close_monitoring(case, date(2025, 10, 2), "")
    proc.close_monitoring(case, date(2025, 10, 2), "The applicant's obligation is continuing by nature.")
    assert case.stage is Stage.CLOSED
    with pytest.raises(ProcedureError) as raised:
        proc.record_monitoring_update(case, second.id, "Li Na", ObligationStatus.FULFILLED, "x", date(2025, 10, 3))
    assert raised.value.stage == "closed" and "record_delivery" in raised.value.allowed


def test_termination_cancels_unfinished_tools_and_ends_appointments(proc) -> None:
    from cases.vocabulary import ToolKind

    case = to_path(proc, file_case(proc), Path.EXTERNAL_MEDIATION)
    tool = proc.start_tool(case, ToolKind.ASSESSMENT, A, "water", date(2025, 5, 7))
    expert = proc.add_resource(ResourceKind.EXPERT, "Dr. Laurent")
    appointment = proc.appoint(case, expert, AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 5, 7), requested_by=A,
                               consents=BOTH)
    proc.terminate(case, TerminationGround.RESPONDENT_UNRESPONSIVE, "No contact for two months",
                   date(2025, 7, 10))
    assert tracker.status(tool.deadline, date(2026, 1, 1)).value == "cancelled"
    assert appointment.ended_on == date(2025, 7, 10)
