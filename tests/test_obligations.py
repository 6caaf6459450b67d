"""Performance of the agreement (第五章第1条, 第2条): the obligor's progress reports with evidence, the
obligee's inquiries with a due date in working days, the secretariat's answer; refusals in words, the
audit chain, the dashboard and what each side sees (casedocs.services.obligations)."""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path as FilePath

import pytest
from sqlalchemy import select

from cases import audit
from cases.application import FileIn
from cases.errors import InvalidInputError, NotFoundError, ProcedureError
from cases.models import AuditEvent, Case
from cases.obligation_reports import ObligationReport
from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms, Procedure
from cases.store import BlobStore
from cases.vocabulary import Path, SideRole, Stage, TerminationGround
from casedocs.services import console, obligations
from casedocs.services.posted import Upload
from factories import b64, file_case, to_path

A, R = SideRole.APPLICANT, SideRole.RESPONDENT
PDF = b"%PDF-1.7\n% lining inspection\n"


def _agreed(proc: Procedure) -> Case:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    proc.draft_agreement(case, AgreementTerms(
        "points", "stakeholders", "OECD DDG Annex II", "consensus",
        [ObligationTerms(R, A, "Repair the tailings lining", date(2025, 12, 31), "Inspection report"),
         ObligationTerms(A, R, "Use the grievance channel", date(2025, 12, 31), "Minutes")],
        "quarterly reports", "publish summary", "monthly committee"), date(2025, 6, 2))
    proc.sign_agreement(case, date(2025, 6, 10))
    proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "Signed", date(2025, 6, 11))
    return case


@pytest.fixture
def monitored(proc: Procedure) -> Case:
    case = _agreed(proc)
    proc.issue_closure_report(case, ClosureTerms("points", "course", "facts", "recommendations"), date(2025, 6, 20))
    assert case.stage is Stage.MONITORING
    return case


def _lining(case: Case) -> int:
    assert case.agreement is not None
    return case.agreement.obligations[0].id  # the respondent owes it to the applicant


def _pdf(name: str = "inspection.pdf") -> tuple[FileIn, FilePath]:
    return FileIn(title=name, name=name, content_base64=b64(PDF.decode())), FilePath(".")


def test_an_obligor_reports_steps_and_results_with_evidence_kept_in_the_store_and_in_the_audit_chain(
        proc: Procedure, monitored: Case, store: BlobStore) -> None:
    report = proc.report_progress(monitored, _lining(monitored), R, " Liner welded on cells 1-2 ",
                                  "Seepage below 1 L/min", date(2025, 9, 1), circumstances="Rainy season",
                                  evidence=[_pdf()])
    assert (report.steps, report.results, report.circumstances) == ("Liner welded on cells 1-2",
                                                                    "Seepage below 1 L/min", "Rainy season")
    [kept] = report.files
    assert kept.original_name == "inspection.pdf" and kept.media_type == "application/pdf"
    assert kept.sha256 == hashlib.sha256(PDF).hexdigest() and store.get(kept.sha256) == PDF
    event = proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == monitored.number)
                                 .order_by(AuditEvent.seq.desc())).first()
    assert event is not None and event.action == "report_progress"
    assert event.detail["files"] == [kept.sha256] and event.detail["side"] == "respondent"
    assert audit.verify_chain(proc.session, monitored.number).intact


def test_only_the_obligor_reports_on_an_obligation_and_the_refusal_says_what_the_obligee_may_do(
        proc: Procedure, monitored: Case) -> None:
    with pytest.raises(ProcedureError, match="only the obligor of obligation .*, the respondent, reports on it; "
                                             "the applicant may ask the secretariat about its progress"):
        proc.report_progress(monitored, _lining(monitored), A, "steps", "results", date(2025, 9, 1))
    with pytest.raises(ProcedureError, match="states the steps taken and their results"):
        proc.report_progress(monitored, _lining(monitored), R, "steps", "  ", date(2025, 9, 1))
    with pytest.raises(NotFoundError, match="no obligation number 999"):
        proc.report_progress(monitored, 999, R, "steps", "results", date(2025, 9, 1))
    assert proc.obligation_reports(monitored) == []


def test_only_the_obligee_asks_about_progress(proc: Procedure, monitored: Case) -> None:
    with pytest.raises(ProcedureError, match="only the obligee of obligation .*, the applicant, asks about its "
                                             "progress; the respondent reports on it"):
        proc.record_inquiry(monitored, _lining(monitored), R, "How far along?", date(2025, 9, 1))
    with pytest.raises(ProcedureError, match="an inquiry states its question"):
        proc.record_inquiry(monitored, _lining(monitored), A, " ", date(2025, 9, 1))
    assert monitored.inquiries == []


def test_reports_and_inquiries_wait_for_the_monitoring_of_the_agreement(proc: Procedure) -> None:
    case = _agreed(proc)  # terminated, no closure report yet
    with pytest.raises(ProcedureError) as raised:
        proc.report_progress(case, _lining(case), R, "steps", "results", date(2025, 6, 12))
    assert raised.value.wrong_stage and "issue_closure_report" in raised.value.allowed


def test_an_inquiry_is_answered_within_ten_working_days_of_the_official_calendar(
        proc: Procedure, monitored: Case) -> None:
    # Received the day before National Day 2025: 1-8 October are holidays, Saturday 11 October a make-up
    # working day. Day 1 is 30 September, day 2 is 9 October, day 4 the make-up Saturday, day 10 the 20th.
    inquiry = proc.record_inquiry(monitored, _lining(monitored), A, "How far along is the lining?",
                                  date(2025, 9, 29))
    assert inquiry.due_on == date(2025, 10, 20) and not inquiry.due_provisional
    proc.inquiry_answer_days = 3  # CASEDOCS_INQUIRY_ANSWER_DAYS
    sooner = proc.record_inquiry(monitored, _lining(monitored), A, "And now?", date(2025, 9, 29))
    assert sooner.due_on == date(2025, 10, 10)


def test_the_secretariat_answers_an_inquiry_once_and_a_late_answer_is_recorded_as_late(
        proc: Procedure, monitored: Case) -> None:
    inquiry = proc.record_inquiry(monitored, _lining(monitored), A, "How far along?", date(2025, 9, 29))
    with pytest.raises(ProcedureError, match="the answer is empty"):
        proc.answer_inquiry(monitored, inquiry.id, "  ", date(2025, 10, 9))
    with pytest.raises(ProcedureError, match="before 2025-09-29"):
        proc.answer_inquiry(monitored, inquiry.id, "Done", date(2025, 9, 28))
    proc.answer_inquiry(monitored, inquiry.id, "The respondent reports the liner welded.", date(2025, 10, 21))
    assert inquiry.answer == "The respondent reports the liner welded." and inquiry.answered_by == "officer.test"
    with pytest.raises(ProcedureError, match=f"inquiry {inquiry.id} was answered on 2025-10-21"):
        proc.answer_inquiry(monitored, inquiry.id, "Again", date(2025, 10, 22))
    event = proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == monitored.number)
                                 .order_by(AuditEvent.seq.desc())).first()
    assert event is not None and event.action == "answer_inquiry" and event.detail["late"] is True


@pytest.mark.parametrize("name", ["../inspection.pdf", "photos/site.png", "..\\boot.ini", ".htaccess",
                                  "report\x07.pdf", "x" * 201 + ".pdf"])
def test_an_evidence_file_named_with_a_folder_or_a_control_character_is_refused_and_nothing_is_kept(
        proc: Procedure, monitored: Case, store: BlobStore, name: str) -> None:
    with pytest.raises(ProcedureError, match="is refused"):
        proc.report_progress(monitored, _lining(monitored), R, "steps", "results", date(2025, 9, 1),
                             evidence=[_pdf(name)])
    assert proc.obligation_reports(monitored) == [] and not store.path(hashlib.sha256(PDF).hexdigest()).exists()


def test_an_evidence_file_given_by_path_stays_inside_its_folder(proc: Procedure, monitored: Case,
                                                                tmp_path: FilePath) -> None:
    (tmp_path / "secret.txt").write_text("not for the record")
    folder = tmp_path / "evidence"
    folder.mkdir()
    with pytest.raises(InvalidInputError, match="'..' is not allowed"):
        proc.report_progress(monitored, _lining(monitored), R, "steps", "results", date(2025, 9, 1),
                             evidence=[(FileIn(title="x", file="../secret.txt"), folder)])


def test_a_pdf_that_is_not_a_pdf_is_refused(proc: Procedure, monitored: Case) -> None:
    fake = (FileIn(title="x", name="scan.pdf", content_base64=b64("hello")), FilePath("."))
    with pytest.raises(InvalidInputError, match="not a valid .pdf"):
        proc.report_progress(monitored, _lining(monitored), R, "steps", "results", date(2025, 9, 1),
                             evidence=[fake])


def test_an_unanswered_inquiry_is_on_the_dashboard_with_its_due_date_until_it_is_answered(
        proc: Procedure, monitored: Case) -> None:
    inquiry = proc.record_inquiry(monitored, _lining(monitored), A, "How far along?", date(2025, 9, 29))
    board = console.dashboard(proc.session, proc.calendar, date(2025, 10, 14))
    [row] = [d for d in board.deadlines if d.rule == "inquiry_answer"]
    assert (row.case_number, row.due_on, row.actor, row.basis_en, row.basis_zh) == (
        monitored.number, date(2025, 10, 20), "secretariat", "10 working days", "10个工作日")
    assert row.urgency is console.Urgency.SOON and row.working_days_left == 4
    assert "inquiry about obligation" in row.what_en and "问询" in row.what_zh
    [due] = [m for m in board.monitoring if m.obligation_id == inquiry.obligation_id]
    assert console.MonitoringReason.INQUIRY in due.reasons
    proc.answer_inquiry(monitored, inquiry.id, "Liner welded.", date(2025, 10, 14))
    board = console.dashboard(proc.session, proc.calendar, date(2025, 10, 14))
    assert not [d for d in board.deadlines if d.rule == "inquiry_answer"]
    assert all(console.MonitoringReason.INQUIRY not in m.reasons for m in board.monitoring)


def test_the_obligee_sees_the_obligors_reports_and_its_own_inquiries_the_obligor_not_the_inquiries(
        proc: Procedure, monitored: Case) -> None:
    lining = _lining(monitored)
    obligations.report(proc, monitored.number, R, lining, "Liner welded", "Seepage down", "", [
        Upload("inspection.pdf", PDF)], date(2025, 9, 1))
    inquiry = obligations.inquire(proc, monitored.number, A, lining, "Is the trench dug?", date(2025, 9, 2))
    obligations.answer(proc, monitored.number, inquiry.id, "Half of it.", date(2025, 9, 3))
    today = date(2025, 9, 3)
    obligee = {o.id: o for o in obligations.page(proc, monitored.number, today, "en", A).obligations}
    obligor = {o.id: o for o in obligations.page(proc, monitored.number, today, "en", R).obligations}
    secretariat = {o.id: o for o in obligations.page(proc, monitored.number, today, "en").obligations}
    assert [r.steps for r in obligee[lining].reports] == ["Liner welded"]
    assert obligee[lining].reports[0].files[0].name == "inspection.pdf"
    assert [(i.question, i.answer) for i in obligee[lining].inquiries] == [("Is the trench dug?", "Half of it.")]
    assert obligor[lining].reports and obligor[lining].inquiries == ()
    assert secretariat[lining].inquiries and secretariat[lining].reports


def test_an_evidence_file_is_given_only_within_its_own_case(proc: Procedure, monitored: Case,
                                                           store: BlobStore) -> None:
    report = obligations.report(proc, monitored.number, R, _lining(monitored), "Liner welded", "Seepage down",
                                "", [Upload("inspection.pdf", PDF)], date(2025, 9, 1))
    file_id = report.files[0].id
    given = obligations.evidence_file(proc.session, store, monitored.number, file_id, A)
    assert given is not None and given.data == PDF and given.name == "inspection.pdf"
    other = file_case(proc)
    assert obligations.evidence_file(proc.session, store, other.number, file_id, A) is None
    assert obligations.evidence_file(proc.session, store, monitored.number, file_id + 1000) is None
    assert proc.session.scalars(select(ObligationReport)).all() == [report]


def test_an_evidence_file_without_a_name_is_refused_in_words(proc: Procedure, monitored: Case) -> None:
    with pytest.raises(InvalidInputError, match="has no name"):
        obligations.report(proc, monitored.number, R, _lining(monitored), "s", "r", "", [Upload(" ", PDF)],
                           date(2025, 9, 1))


def test_an_obligation_withheld_from_a_side_shows_it_the_placeholder_not_the_text(
        proc: Procedure, monitored: Case) -> None:
    from cases.confidentiality.items import ItemRef

    proc.request_confidentiality(monitored, R, "the lining works", ["other_side"], "until closed", "trade secret",
                                 date(2025, 9, 1), items=[ItemRef.obligation(0)])
    today = date(2025, 9, 2)
    [shown] = [o for o in obligations.page(proc, monitored.number, today, "en", A).obligations
               if o.id == _lining(monitored)]
    assert "Repair the tailings lining" not in shown.description and "withheld" in shown.description
    assert "Inspection report" not in shown.indicators
    [own] = [o for o in obligations.page(proc, monitored.number, today, "en", R).obligations
             if o.id == _lining(monitored)]
    assert own.description == "Repair the tailings lining"
