"""Triage, the three paths, path switches, extensions, tools and appointments."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from cases import tracker
from cases.errors import ProcedureError
from cases.rules import Unit
from cases.vocabulary import AppointmentRole, ExpertGroup, Path, ResourceKind, SideRole, Stage, ToolKind
from factories import BASE_APPLICATION, BOTH, file_case, member, to_launched, to_path

A, R = SideRole.APPLICANT, SideRole.RESPONDENT


@pytest.mark.parametrize(("path", "due"), [
    (Path.BILATERAL_DIALOGUE, date(2025, 6, 6)),   # 1 month after 6 May 2025
    (Path.INTERNAL_MEDIATION, date(2025, 8, 6)),   # 3 months
    (Path.EXTERNAL_MEDIATION, date(2025, 11, 6)),  # 6 months
])
def test_agreed_path_opens_its_period(proc, path: Path, due: date) -> None:
    case = to_path(proc, file_case(proc), path)
    assert case.stage is path.stage and case.path is path
    assert case.current_period.deadline.rule == path.value
    assert case.current_period.deadline.due_on == due
    assert tracker.status(tracker.find_latest(case, "triage"), date(2026, 1, 1)).value == "met"
    assert {d.instrument for d in case.deliveries} >= {"triage_recommendation"}


def test_triage_refuses_fact_finding_outside_external_path(proc) -> None:
    case = to_launched(proc, file_case(proc))
    with pytest.raises(ProcedureError, match="fact-finding is used only on the external expert mediation path"):
        proc.recommend_triage(case, Path.INTERNAL_MEDIATION, [ToolKind.FACT_FINDING], "x", date(2025, 4, 24))
    proc.recommend_triage(case, Path.EXTERNAL_MEDIATION, [ToolKind.FACT_FINDING], "complex", date(2025, 4, 24))
    with pytest.raises(ProcedureError, match="without the consent of the respondent"):
        proc.agree_path(case, Path.EXTERNAL_MEDIATION, [ToolKind.FACT_FINDING], [A], date(2025, 5, 6))
    with pytest.raises(ProcedureError, match="fact-finding is used only"):
        proc.agree_path(case, Path.BILATERAL_DIALOGUE, [ToolKind.FACT_FINDING], BOTH, date(2025, 5, 6))
    proc.agree_path(case, Path.EXTERNAL_MEDIATION, [ToolKind.FACT_FINDING], BOTH, date(2025, 5, 6))
    assert case.triage.agreed_tools == ["fact_finding"]


def test_path_switch_needs_both_sides_and_a_different_path(proc) -> None:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    with pytest.raises(ProcedureError, match="needs both sides' consent; without the consent of the applicant"):
        proc.switch_path(case, Path.EXTERNAL_MEDIATION, R, [R], "complexity", date(2025, 6, 2))
    with pytest.raises(ProcedureError, match="already on the internal_mediation path"):
        proc.switch_path(case, Path.INTERNAL_MEDIATION, R, BOTH, "complexity", date(2025, 6, 3))
    proc.switch_path(case, Path.EXTERNAL_MEDIATION, R, BOTH, "complexity", date(2025, 6, 3))
    old, new = case.path_periods
    assert (old.ended_on, old.end_reason) == (date(2025, 6, 3), "switched")
    assert tracker.status(old.deadline, date(2026, 1, 1)).value == "met"
    assert new.path is Path.EXTERNAL_MEDIATION and new.requested_by is R
    assert new.deadline.due_on == date(2025, 12, 3)
    assert case.stage is Stage.EXTERNAL_MEDIATION


def test_extension_moves_the_due_date_and_records_who_and_why(proc) -> None:
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    with pytest.raises(ProcedureError, match="must be positive"):
        proc.extend(case, "path", 0, Unit.MONTHS, A, "more time", date(2025, 6, 3))
    with pytest.raises(ProcedureError, match="must give its reasons"):
        proc.extend(case, "path", 1, Unit.MONTHS, A, " ", date(2025, 6, 3))
    with pytest.raises(ProcedureError, match="unknown extension target 'dialogue'"):
        proc.extend(case, "dialogue", 1, Unit.MONTHS, A, "more time", date(2025, 6, 3))
    deadline = proc.extend(case, "path", 1, Unit.MONTHS, A, "Sides close to agreement", date(2025, 6, 3))
    # 6 June 2025 + 1 month = 6 July, a Sunday: the next working day.
    assert deadline.due_on == date(2025, 7, 7) and deadline.original_due_on == date(2025, 6, 6)
    [extension] = deadline.extensions
    assert (extension.requested_by, extension.decided_by, extension.reason) == (A, "officer.test",
                                                                                "Sides close to agreement")
    assert any(d.instrument == "extension_decision" for d in case.deliveries)
    proc.extend(case, "path", 10, Unit.WORKING_DAYS, R, "Community assembly", date(2025, 7, 1))
    assert deadline.due_on == date(2025, 7, 21) and len(deadline.extensions) == 2


def test_fact_finding_only_on_external_path_and_with_consent(proc) -> None:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    with pytest.raises(ProcedureError, match="fact-finding is used only on the external expert mediation path"):
        proc.start_tool(case, ToolKind.FACT_FINDING, A, "crop loss", date(2025, 6, 3), consents=BOTH)
    proc.switch_path(case, Path.EXTERNAL_MEDIATION, A, BOTH, "complexity", date(2025, 6, 3))
    with pytest.raises(ProcedureError, match="agreed by both sides"):
        proc.start_tool(case, ToolKind.FACT_FINDING, A, "crop loss", date(2025, 6, 4), consents=[A])
    tool = proc.start_tool(case, ToolKind.FACT_FINDING, A, "crop loss", date(2025, 6, 4), consents=BOTH)
    assert tool.deadline.due_on == date(2025, 9, 4) and not tool.suspends_mediation
    assert any(d.instrument == "fact_finding_terms" for d in case.deliveries)
    with pytest.raises(ProcedureError, match="fact-finding is still under way"):
        proc.switch_path(case, Path.INTERNAL_MEDIATION, A, BOTH, "simpler now", date(2025, 6, 5))
    proc.extend(case, "fact_finding", 1, Unit.MONTHS, A, "rainy season", date(2025, 8, 1))
    assert tool.deadline.due_on == date(2025, 10, 9)  # 4 Oct is in the National Day holiday; 9 Oct is a working day
    proc.complete_tool(case, ToolKind.FACT_FINDING, "findings", date(2025, 9, 30))
    assert tracker.status(tool.deadline, date(2026, 1, 1)).value == "met"
    proc.switch_path(case, Path.INTERNAL_MEDIATION, A, BOTH, "simpler now", date(2025, 10, 9))
    with pytest.raises(ProcedureError, match="no fact_finding is under way"):
        proc.complete_tool(case, ToolKind.FACT_FINDING, "again", date(2025, 10, 10))


def test_assessment_on_any_path_and_industry_wide_needs_three_on_a_side(proc) -> None:
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    with pytest.raises(ProcedureError, match="at least 3 applicants or respondents; the largest side has 1"):
        proc.start_tool(case, ToolKind.ASSESSMENT, A, "audit method", date(2025, 5, 7), industry_wide=True)
    tool = proc.start_tool(case, ToolKind.ASSESSMENT, A, "water quality", date(2025, 5, 7))
    assert tool.deadline.rule == "assessment_verification" and tool.deadline.due_on == date(2025, 8, 7)

    document = copy.deepcopy(BASE_APPLICATION)
    document["applicant"]["members"] = [member(f"Smelter {i}", "company_smelting") for i in range(3)]
    big = to_path(proc, file_case(proc, document), Path.INTERNAL_MEDIATION)
    assert proc.start_tool(big, ToolKind.ASSESSMENT, A, "audit method", date(2025, 5, 7), industry_wide=True)


def test_appointments_need_a_request_and_both_consents_except_the_internal_panel(proc) -> None:
    expert = proc.add_resource(ResourceKind.EXPERT, "Dr. Laurent", groups=[ExpertGroup.DISPUTE_RESOLUTION,
                                                                          ExpertGroup.REGIONAL])
    internal = proc.add_resource(ResourceKind.INTERNAL_EXPERT, "王芳")
    body = proc.add_resource(ResourceKind.ASSESSMENT_BODY, "Water Lab")
    assert expert.groups == ["dispute_resolution", "regional"]
    with pytest.raises(ValueError, match="only experts"):
        proc.add_resource(ResourceKind.ASSESSMENT_BODY, "Lab", groups=[ExpertGroup.THEMATIC])

    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    proc.appoint(case, internal, AppointmentRole.INTERNAL_PANEL, date(2025, 5, 7))
    with pytest.raises(ProcedureError, match="serves on the external mediation path"):
        proc.appoint(case, expert, AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 5, 7), requested_by=A, consents=BOTH)
    with pytest.raises(ProcedureError, match="comes from assessment_body"):
        proc.appoint(case, expert, AppointmentRole.ASSESSMENT, date(2025, 5, 7), requested_by=A, consents=BOTH)
    with pytest.raises(ProcedureError, match="appointed at a side's request"):
        proc.appoint(case, body, AppointmentRole.ASSESSMENT, date(2025, 5, 7), consents=BOTH)
    with pytest.raises(ProcedureError, match="without the consent of the applicant"):
        proc.appoint(case, body, AppointmentRole.ASSESSMENT, date(2025, 5, 7), requested_by=R, consents=[R])
    appointment = proc.appoint(case, body, AppointmentRole.ASSESSMENT, date(2025, 5, 7), requested_by=R,
                               consents=BOTH)
    assert appointment.applicant_consent and appointment.respondent_consent
    with pytest.raises(ProcedureError, match="already serves"):
        proc.appoint(case, body, AppointmentRole.ASSESSMENT, date(2025, 5, 8), requested_by=R, consents=BOTH)
    letters = [d for d in case.deliveries if d.instrument == "appointment_letter"]
    assert [d.addressee for d in letters] == ["王芳", "Water Lab"] and letters[0].addressee_side is None
    proc.record_delivery(case, "appointment_letter", date(2025, 5, 9), delivery_id=letters[1].id)
    assert letters[1].delivered_on == date(2025, 5, 9)
    assert [r.name for r in proc.roster(ResourceKind.EXPERT)] == ["Dr. Laurent"]
