"""The console's read models and generated forms (casedocs.services.console, casepage, forms, posted),
on SQLite and PostgreSQL, with the demo's cases driven through the real engine."""
from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from cases.application import parse_application
from cases.calendar import official_calendar
from cases.documents import record_version
from cases.errors import InvalidInputError, ProcedureError
from cases.lifecycle import DocumentKind, DocumentState
from cases.models import Case, SignatureSlot, SignedDocument, Signer
from cases.procedure import Action, Procedure
from cases.store import BlobStore
from cases.vocabulary import RiskLevel, SideRole, SignerRole, Stage
from casedocs.demo import run_demo_cases
from casedocs.services import acts, casepage, console, forms, posted
from conftest import TODAY
from factories import file_case, to_accepted, to_invited

A, R = SideRole.APPLICANT, SideRole.RESPONDENT


@pytest.fixture
def demo(proc: Procedure) -> list[Case]:
    return run_demo_cases(proc)


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session's connection runs inside the block."""
    statements: list[str] = []
    engine = session.get_bind()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


# -- the case page ------------------------------------------------------------------------------

def test_the_case_page_shows_the_sample_case_in_the_readers_language(proc: Procedure, demo: list[Case]) -> None:
    sample = demo[1]
    page = casepage.case_page(proc, sample.number, "zh", TODAY)
    assert page.stage is Stage.MONITORING
    applicant = next(s for s in page.sides if s.role is A)
    respondent = next(s for s in page.sides if s.role is R)
    assert applicant.representatives and respondent.agents[0].name.startswith("张伟")
    assert any("受理" in entry.text for entry in page.timeline)
    english = casepage.case_page(proc, sample.number, "en", TODAY)
    assert any("accept" in entry.text.lower() for entry in english.timeline)
    assert {row.rule for row in page.deadlines} >= {"formal_review", "invitation", "triage"}
    review = next(row for row in page.deadlines if row.rule == "formal_review")
    assert review.basis == "10个工作日" and review.what and review.urgency is None  # closed: no urgency
    assert page.audit.intact and page.audit.events == len(page.timeline)
    assert set(page.allowed) == set(Action) & {Action.RECORD_MONITORING_UPDATE, Action.RECORD_INQUIRY,
                                               Action.REPORT_PROGRESS, Action.ANSWER_INQUIRY,
                                               Action.CLOSE_MONITORING, Action.PUBLISH_SUMMARY,
                                               Action.RECORD_DELIVERY, Action.ASSESS_RISK, Action.ADD_AGENT,
                                               Action.ADD_REPRESENTATIVE, Action.REQUEST_CONFIDENTIALITY,
                                               Action.DECIDE_CONFIDENTIALITY, Action.RAISE_OBJECTION,
                                               Action.DECIDE_OBJECTION, Action.REQUEST_RECUSAL,
                                               Action.DECIDE_RECUSAL}
    assert {a.instrument for a in page.applicable} >= {"application_form", "closure_report", "agreement"}


def test_a_case_page_shows_documents_with_their_versions_deliveries_and_signature_slots(
        proc: Procedure, store: BlobStore, demo: list[Case]) -> None:
    sample = demo[1]
    for version in (1, 2):
        for fmt in ("docx", "pdf"):
            record_version(proc.session, store, f"{fmt} {version}".encode(), case_id=sample.id,
                           instrument="agreement", subject=None, edition="zh", version=version,
                           verification_code=f"CODE{version}", format=fmt, actor="officer.test")
    signer = Signer(person_id=f"{sample.number}-applicant-1", case_id=sample.id, side=A, role=SignerRole.REPRESENTATIVE,
                    name="Jean-Pierre Mwamba", certificate_serial="1", enrolled_on=TODAY, enrolled_by="officer.test")
    proc.session.add(signer)
    proc.session.flush()
    document = SignedDocument(case_id=sample.id, instrument="agreement", subject=None, edition="zh", version=2,
                              verification_code="CODE2", kind=DocumentKind.CO_SIGNED, state=DocumentState.SIGNING,
                              revision=1, latest_sha256="0" * 64)
    document.slots.append(SignatureSlot(field="sig_applicant_1", signer_id=signer.id, signer=signer))
    proc.session.add(document)
    proc.session.flush()

    page = casepage.case_page(proc, sample.number, "en", TODAY)
    [agreement] = [d for d in page.documents if d.instrument == "agreement"]
    assert agreement.latest_version == 2 and [f.version for f in agreement.files] == [2, 2, 1, 1]
    assert agreement.signed[0].slots[0].signer == "Jean-Pierre Mwamba" and agreement.signed[0].slots[0].signed_at is None
    assert next(s for s in page.sides if s.role is A).signatories == [signer]
    board = console.dashboard(proc.session, proc.calendar, TODAY)
    [awaiting] = board.awaiting_signatures
    assert awaiting.case_number == sample.number and [a.signer for a in awaiting.awaited] == ["Jean-Pierre Mwamba"]


def test_a_case_page_issues_as_many_queries_however_many_events_and_documents_it_has(
        proc: Procedure, store: BlobStore, demo: list[Case]) -> None:
    sample = demo[1]
    proc.session.expire_all()
    with counted(proc.session) as before:
        events = len(casepage.case_page(proc, sample.number, "en", TODAY).timeline)
    for n in range(15):
        proc.assess_risk(sample, A, f"Person {n}", "Threats reported.", RiskLevel.LOW, "", date(2026, 11, 2))
        record_version(proc.session, store, f"pdf {n}".encode(), case_id=sample.id, instrument="case_summary",
                       subject=None, edition="en", version=n + 1, verification_code=f"C{n}", format="pdf",
                       actor="officer.test")
    proc.session.flush()
    proc.session.expire_all()
    with counted(proc.session) as after:
        page = casepage.case_page(proc, sample.number, "en", TODAY)
    assert len(page.timeline) == events + 15 and len(page.documents) == 1
    assert len(_selects(after)) == len(_selects(before)) <= 40, "\n".join(_selects(after))


# -- the dashboard ------------------------------------------------------------------------------

def test_the_dashboard_lists_overdue_deadlines_first_then_those_due_within_five_working_days(
        proc: Procedure) -> None:
    late = to_accepted(proc, file_case(proc))           # invitation due 10 working days after 2025-03-12
    fresh = file_case(proc, {**_application(), "received_on": "2026-11-24"})  # formal review due in December
    board = console.dashboard(proc.session, proc.calendar, TODAY)
    rows = [(d.case_number, d.rule, d.urgency) for d in board.deadlines]
    assert rows[0] == (late.number, "invitation", console.Urgency.OVERDUE)
    assert (fresh.number, "formal_review", console.Urgency.SOON) not in rows  # 10 working days away: beyond
    soon = console.dashboard(proc.session, proc.calendar, date(2026, 12, 4))
    [review] = [d for d in soon.deadlines if d.case_number == fresh.number]
    assert review.urgency is console.Urgency.URGENT and review.working_days_left <= 2
    assert review.due_on == date(2026, 12, 8) and review.basis_en == "10 working days"


def test_my_cases_are_the_open_cases_the_account_acted_on_most_recent_first(
        proc: Procedure, session: Session, store: BlobStore) -> None:
    first = file_case(proc)
    mine = Procedure(session, official_calendar(), "me@example.org (web 127.0.0.1, session 1a2b3c4d)",
                     store=store, today=lambda: TODAY)
    second = to_accepted(mine, file_case(mine))
    other = to_accepted(proc, file_case(proc))
    board = console.dashboard(session, proc.calendar, TODAY, actor="me@example.org")
    assert [line.number for line in board.my_cases] == [second.number]
    assert first.number != second.number != other.number
    assert console.dashboard(session, proc.calendar, TODAY, actor="me@example").my_cases == []


def test_monitoring_is_due_for_obligations_past_their_timetable_or_asked_about(
        proc: Procedure, demo: list[Case]) -> None:
    sample = demo[1]
    due = console.monitoring_due(proc.session, proc.calendar, TODAY)
    by_obligation = {m.description[:20]: m for m in due if m.case_number == sample.number}
    lining = next(m for m in due if m.description.startswith("Repair the lining"))
    # Due 2026-09-30, still in progress on 2026-11-25; the obligee asked on 2026-09-01 and the
    # secretariat answered on 2026-09-14.
    assert console.MonitoringReason.OBLIGATION_OVERDUE in lining.reasons
    assert console.MonitoringReason.INQUIRY not in lining.reasons
    assert lining.urgency is console.Urgency.OVERDUE and lining.last_update_on == date(2026, 10, 20)
    assert not any(m.description.startswith("Compensate") for m in due)  # fulfilled
    assert by_obligation


# -- the case list ------------------------------------------------------------------------------

def test_the_case_list_filters_by_stage_year_and_overdue_and_searches_names(proc: Procedure,
                                                                            demo: list[Case]) -> None:
    rejected, sample, refused = demo
    everything = console.case_list(proc.session, TODAY, console.CaseFilters())
    assert everything.total == 3 and everything.years == [2025]
    assert [line.number for line in everything.lines] == [refused.number, sample.number, rejected.number]
    monitoring = console.case_list(proc.session, TODAY, console.CaseFilters(stage=Stage.MONITORING))
    assert [line.number for line in monitoring.lines] == [sample.number]
    assert console.case_list(proc.session, TODAY, console.CaseFilters(year=2024)).total == 0
    for text in ("华钴", "hengyuan"[:0] or "张伟", "droits & mines", sample.number[-4:], "MUSONOIE"):
        found = console.case_list(proc.session, TODAY, console.CaseFilters(text=text))
        assert found.total >= 1, text
    assert console.case_list(proc.session, TODAY, console.CaseFilters(text="%")).total == 0
    late = to_accepted(proc, file_case(proc))
    overdue = console.case_list(proc.session, TODAY, console.CaseFilters(overdue=True))
    assert [line.number for line in overdue.lines] == [late.number] and overdue.lines[0].overdue == 1


# -- working days -------------------------------------------------------------------------------

def test_a_month_marks_the_official_calendars_working_days_with_make_up_days() -> None:
    month = console.month(official_calendar(), date(2025, 10, 15), date(2025, 10, 15))
    days = {d.day: d for week in month.weeks for d in week}
    assert not days[date(2025, 10, 1)].working        # National Day
    assert days[date(2025, 10, 11)].working           # a Saturday worked in exchange (调休)
    assert all(len(week) == 7 for week in month.weeks) and month.weeks[0][0].day.weekday() == 0
    assert days[date(2025, 10, 15)].today and month.published
    assert console.next_working_days(official_calendar(), date(2025, 9, 30), 2) == [date(2025, 10, 9),
                                                                                     date(2025, 10, 10)]


# -- forms --------------------------------------------------------------------------------------

def test_every_action_has_a_form_whose_fields_are_the_arguments_case_act_takes() -> None:
    for action in Action:
        form = forms.action_form(action)
        names = {f.name for f in form.fields}
        expected = {a.name for a in acts.arguments(action) if a.name != "base_dir"}
        assert names == expected, action
        assert form.usage == acts.describe_action(action)


def test_a_posted_action_form_goes_through_the_same_checks_as_the_command_line(proc: Procedure) -> None:
    case = to_invited(proc, file_case(proc))
    form = forms.action_form(Action.RECORD_RESPONSE, case)
    given = posted.action_arguments(form, posted.Posted({"accepts": "true", "on": "2025-04-01",
                                                          "preliminary_response": "[draft] we accept"}, {}, {}))
    assert given == {"accepts": "true", "on": "2025-04-01", "preliminary_response": "[draft] we accept"}
    done = acts.take_action(proc, case.number, Action.RECORD_RESPONSE, given, _nowhere(), literal_text=True)
    assert done.stage == Stage.RESPONDENT_ACCEPTED.value
    assert case.preliminary_response == "[draft] we accept"
    launch = forms.action_form(Action.SEND_LAUNCH_NOTICE, case)
    refused = posted.action_arguments(launch, posted.Posted({"on": "", "channel": "post"}, {}, {}))
    assert refused == {"on": "", "channel": "post"}
    with pytest.raises(InvalidInputError, match="on= is empty: expected a date"):
        acts.take_action(proc, case.number, Action.SEND_LAUNCH_NOTICE, refused, _nowhere(), literal_text=True)
    with pytest.raises(ProcedureError, match="future"):
        acts.take_action(proc, case.number, Action.SEND_LAUNCH_NOTICE, {"on": "2030-01-02"}, _nowhere())


def test_record_choices_name_the_cases_own_deliveries_and_requests(proc: Procedure, demo: list[Case]) -> None:
    sample = demo[1]
    delivery = forms.action_form(Action.RECORD_DELIVERY, sample)
    instrument = next(f for f in delivery.fields if f.name == "instrument")
    assert instrument.kind is forms.FieldKind.CHOICE and "launch_notice" in {c.value for c in instrument.choices}
    recusal = forms.action_form(Action.DECIDE_RECUSAL, sample)
    [request] = next(f for f in recusal.fields if f.name == "request_id").choices
    assert "Amélie Laurent" in request.en
    appoint = forms.with_roster(forms.action_form(Action.APPOINT, sample), proc.roster())
    assert len(next(f for f in appoint.fields if f.name == "resource").choices) == 6


def test_an_agreement_posted_as_groups_and_rows_is_the_json_the_command_line_reads() -> None:
    form = forms.action_form(Action.DRAFT_AGREEMENT)
    values = {"on": "2026-02-10", "terms.points_in_dispute": "Seepage", "terms.stakeholders": "Villages",
              "terms.standards_and_clauses": "OECD", "terms.process_and_consensus": "Mediation",
              "terms.obligations._rows": "2", "terms.obligations.0.obligor": "respondent",
              "terms.obligations.0.obligee": "applicant", "terms.obligations.0.description": "Repair",
              "terms.obligations.0.due_on": "2026-09-30", "terms.obligations.0.indicators": "Inspection",
              "terms.feedback_plan": "Quarterly", "terms.disclosure_plan": "Register",
              "terms.communication_plan": "Monthly"}
    given = posted.action_arguments(form, posted.Posted(values, {}, {}))
    terms = json.loads(given["terms"])
    assert len(terms["obligations"]) == 1 and "other_terms" not in terms  # the blank second row is left out
    acts.check_arguments(Action.DRAFT_AGREEMENT, given)
    counts = posted.row_counts(form.fields, values, add="terms.obligations")
    assert counts["terms.obligations"] == 3


def test_the_application_form_has_the_import_schemas_fields_and_files_its_document(
        proc: Procedure, store: BlobStore) -> None:
    fields = forms.application_form()
    assert [f.name for f in fields][:3] == ["received_on", "channel", "title"]
    values = {"received_on": "2026-11-20", "channel": "email", "region": "Lualaba", "country": "DRC",
              "industry": "Cobalt", "issue_types": "environment\nlabour\n", "facts": "Seepage.",
              "claims._rows": "1", "claims.0.claim": "Testing", "claims.0.reasons": "No data",
              "standards._rows": "1", "standards.0.standard": "ungp",
              "exhibits._rows": "1", "exhibits.0.file.title": "Sampling results",
              "applicant.members.0.category": "community", "applicant.members.0.full_name": "Kawama Committee",
              "applicant.members.0.address": "Kawama", "applicant.members.0.contact": "+243 970 000 101",
              "respondent.members.0.category": "company_refining", "respondent.members.0.full_name": "华钴精炼",
              "confidentiality_requests._rows": "1", "confidentiality_requests.0.information": "Names",
              "confidentiality_requests.0.duration": "Until closure", "confidentiality_requests.0.reason": "Risk"}
    lists = {"confidentiality_requests.0.audience": ["other_side"]}
    files = {"exhibits.0.file.upload": posted.Upload("results.txt", "样本结果".encode())}
    document = posted.application_document(fields, posted.Posted(values, lists, files))
    assert document["issue_types"] == ["environment", "labour"]
    assert base64.b64decode(document["exhibits"][0]["content_base64"]).decode() == "样本结果"
    case = proc.file_application(parse_application(document))
    assert case.exhibits[0].title == "Sampling results" and case.confidentiality_requests[0].audience == ["other_side"]


def test_an_upload_whose_content_is_not_what_its_name_says_is_refused_naming_it() -> None:
    fields = forms.action_form(Action.RECORD_SUPPLEMENT).fields
    sent = posted.Posted({"on": "2025-03-10", "note": "n", "exhibits._rows": "1"}, {},
                         {"exhibits.0.file.upload": posted.Upload("scan.pdf", b"MZ\x90\x00 not a pdf")})
    with pytest.raises(InvalidInputError, match=r"scan\.pdf: the content is not a valid \.pdf file"):
        posted.action_arguments(forms.ActionForm(Action.RECORD_SUPPLEMENT, "", fields), sent)


def test_a_file_sent_with_a_refused_form_is_kept_for_the_form_shown_again(store: BlobStore) -> None:
    fields = forms.application_form()
    first = posted.Posted({"exhibits._rows": "1", "exhibits.0.file.title": "Minutes"}, {},
                          {"exhibits.0.file.upload": posted.Upload("minutes.txt", b"assembly minutes")})
    kept = posted.keep_uploads(fields, first, store)
    sha256, name = kept["exhibits.0.file"]
    again = posted.Posted({"exhibits._rows": "1", "exhibits.0.file.title": "Minutes",
                           "exhibits.0.file" + posted.KEPT_SHA256: sha256,
                           "exhibits.0.file" + posted.KEPT_NAME: name}, {}, {})
    restored = posted.with_kept_uploads(fields, again, store)
    assert restored.files["exhibits.0.file.upload"] == posted.Upload("minutes.txt", b"assembly minutes")
    with pytest.raises(InvalidInputError, match="no longer at hand"):
        posted.with_kept_uploads(fields, posted.Posted({"exhibits._rows": "1",
                                                        "exhibits.0.file" + posted.KEPT_SHA256: "f" * 64,
                                                        "exhibits.0.file" + posted.KEPT_NAME: "x.txt"}, {}, {}),
                                 store)


def _application() -> dict[str, Any]:
    from factories import BASE_APPLICATION

    return json.loads(json.dumps(BASE_APPLICATION))


def _nowhere() -> Any:
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp())


def test_an_obligation_whose_only_due_thing_is_its_next_update_is_not_called_overdue(
        proc: Procedure, demo: list[Case]) -> None:
    sample = demo[1]
    rows = {m.obligation_id: m for m in console.monitoring_due(proc.session, proc.calendar, TODAY)
            if m.case_number == sample.number}
    for row in rows.values():
        if console.Urgency.OVERDUE is row.urgency:
            # something of it is past: its timetable, or its quarterly update
            assert row.due_on < TODAY or console.MonitoringReason.UPDATE_OVERDUE in row.reasons, row
        if row.due_on >= TODAY and console.MonitoringReason.UPDATE_OVERDUE not in row.reasons \
                and console.MonitoringReason.INQUIRY not in row.reasons:
            assert row.urgency is not console.Urgency.OVERDUE, row
    # Its timetable ends on 2026-12-31, a month away; no update since the closure report: what is late
    # is the update, and the reasons say so (the badge's "overdue" is the update's).
    [next_month] = [m for m in rows.values() if m.due_on == date(2026, 12, 31)]
    assert next_month.reasons == (console.MonitoringReason.UPDATE_OVERDUE,)
    assert next_month.urgency is console.Urgency.OVERDUE
