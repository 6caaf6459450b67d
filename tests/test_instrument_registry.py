"""The instrument registry (cases.instruments): one record per instrument, subjects as values,
and the procedure and docgen agreeing on the matter every instrument is issued for."""
from __future__ import annotations

from datetime import date
from pathlib import Path as FilePath

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from casedocs.demo import run_demo_cases
from cases.errors import InvalidInputError
from cases.instruments import (
    INSTRUMENTS,
    Instrument,
    InstrumentId,
    Signatory,
    SigningMode,
    Subject,
    SubjectKind,
    get_instrument,
    not_applicable,
    subjects,
)
from cases.models import Case, Delivery
from cases.procedure import Procedure
from cases.rules import Unit
from cases.vocabulary import Channel, Path, SideRole, ToolKind
from docgen.context import ContextBuilder, InstrumentContext
from docgen.locale import Localizer
from docgen.render import render_docx
from factories import BOTH, file_case, to_path

TEMPLATES = FilePath(__file__).resolve().parent.parent / "templates"
TODAY = date(2026, 11, 25)
A, R = SideRole.APPLICANT, SideRole.RESPONDENT


# == the registry ============================================================================

def test_every_instrument_id_has_one_record_and_a_template_in_chinese_and_english() -> None:
    assert list(INSTRUMENTS) == [i.value for i in InstrumentId]
    for instrument_id in InstrumentId:
        instrument = get_instrument(instrument_id)
        assert instrument.id is instrument_id and get_instrument(instrument_id.value) is instrument
        assert instrument.zh and instrument.en and instrument.clause.startswith("第")
        for lang in ("zh", "en"):
            assert (TEMPLATES / lang / f"{instrument_id.value}.docx").is_file(), (instrument_id, lang)
    with pytest.raises(ValueError, match="unknown instrument 'verdict'; valid: application_form, "):
        get_instrument("verdict")


def test_how_an_instrument_is_signed_fits_who_issues_it() -> None:
    fits = {Signatory.SECRETARIAT: SigningMode.SEALED, Signatory.CO_SIGNED: SigningMode.CO_SIGNED,
            Signatory.SECRETARIAT_AND_MONITORS: SigningMode.MONITORED, Signatory.APPLICANT: SigningMode.INK,
            Signatory.APPOINTING_SIDE: SigningMode.INK, Signatory.REQUESTING_SIDE: SigningMode.INK}
    for instrument in INSTRUMENTS.values():
        assert instrument.signing is fits[instrument.signatory], instrument.id
        assert instrument.issued_by_secretariat is (instrument.signing is not SigningMode.INK)
    by_mode = {mode: {i.id.value for i in INSTRUMENTS.values() if i.signing is mode} for mode in SigningMode}
    assert by_mode[SigningMode.CO_SIGNED] == {"triage_record", "fact_finding_terms", "agreement"}
    assert by_mode[SigningMode.MONITORED] == {"closure_report"}
    assert by_mode[SigningMode.INK] == {"application_form", "power_of_attorney", "assessment_request"}


def test_instruments_issued_per_matter_name_their_kind_of_subject() -> None:
    kinds = {i.id.value: i.subject_kind for i in INSTRUMENTS.values() if i.subject_kind is not None}
    assert kinds == {
        "power_of_attorney": SubjectKind.AGENT, "supplement_request": SubjectKind.SUPPLEMENT,
        "path_switch_decision": SubjectKind.PERIOD, "extension_decision": SubjectKind.EXTENSION,
        "appointment_letter": SubjectKind.APPOINTMENT, "fact_finding_terms": SubjectKind.TOOL,
        "assessment_request": SubjectKind.TOOL, "confidentiality_decision": SubjectKind.CONFIDENTIALITY,
        "objection_decision": SubjectKind.OBJECTION, "recusal_decision": SubjectKind.RECUSAL,
    }


def test_whether_an_instrument_applies_comes_with_the_reason_when_it_does_not(proc: Procedure) -> None:
    case = file_case(proc)
    assert subjects(case, "application_form") == [None] and subjects(case, "objection_decision") == []
    assert not_applicable(case, "acceptance_decision") is None
    assert not_applicable(case, "launch_notice") == "the respondent has not accepted the invitation"
    assert not_applicable(case, "objection_decision") == "the case has no matter a objection_decision is issued for"
    assert not_applicable(case, "acceptance_decision", Subject(SubjectKind.OBJECTION, 1)) == \
        "'objection:1' is not a matter of a acceptance_decision: it is issued for the case as a whole"
    proc.reject(case, "Out of scope", date(2025, 3, 10))
    assert not_applicable(case, "acceptance_decision") == "the application was not accepted"
    rejection = get_instrument(InstrumentId.REJECTION_DECISION)
    assert rejection.act_date(case, None) == date(2025, 3, 10)


# == subjects ================================================================================

def test_a_subject_has_one_text_form_read_and_written_at_the_edges() -> None:
    extension = Subject.parse("extension:3")
    assert extension == Subject(SubjectKind.EXTENSION, 3) and str(extension) == "extension:3"
    assert Subject.parse_optional("") is None and Subject.parse_optional(" objection:12 ") == Subject(
        SubjectKind.OBJECTION, 12)
    for bad, message in (("extension", "a subject is kind:number"), ("extension:0", "a subject is kind:number"),
                         ("extension:03", "a subject is kind:number"),
                         ("verdict:1", "unknown kind of subject 'verdict'"),
                         ("", "a subject is kind:number")):
        with pytest.raises(InvalidInputError, match=message):
            Subject.parse(bad)
    with pytest.raises(InvalidInputError, match="positive whole number"):
        Subject(SubjectKind.TOOL, 0)


def test_subject_columns_store_the_text_earlier_versions_wrote(proc: Procedure, session: Session) -> None:
    case = file_case(proc)
    case.deliveries.append(Delivery(instrument=InstrumentId.OBJECTION_DECISION, addressee="x", channel=Channel.EMAIL,
                                    subject=Subject(SubjectKind.OBJECTION, 2), sent_on=date(2025, 3, 5)))
    case.deliveries.append(Delivery(instrument=InstrumentId.INVITATION, addressee="y", channel=Channel.EMAIL,
                                    sent_on=date(2025, 3, 6)))
    session.flush()
    stored = session.execute(text("select instrument, subject from deliveries where case_id = :id order by id"),
                             {"id": case.id}).all()
    assert [tuple(row) for row in stored] == [("objection_decision", "objection:2"), ("invitation", "")]
    # The case as a whole is None in Python and "" in the database, also in queries.
    found = session.scalars(select(Delivery.instrument).where(Delivery.case_id == case.id,
                                                              Delivery.subject == None)).all()  # noqa: E711
    assert found == ["invitation"]
    with pytest.raises(StatementError, match="takes a Subject or None, not 'objection:2'"):
        session.execute(select(Delivery).where(Delivery.subject == "objection:2")).all()


def test_an_extension_delivery_stored_by_earlier_versions_still_loads(proc: Procedure, session: Session) -> None:
    """Before issue 8, extension decisions were delivered under "deadline:<deadline id>"; such rows
    load (as a legacy kind docgen renders nothing for) instead of breaking the case."""
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    deadline = proc.extend(case, "path", 1, Unit.MONTHS, A, "More time", date(2025, 6, 3))
    session.flush()
    session.execute(text("update deliveries set subject = 'deadline:' || :deadline "
                         "where case_id = :case and instrument = 'extension_decision'"),
                    {"deadline": deadline.id, "case": case.id})
    session.expire_all()
    reloaded = session.get(Case, case.id)
    assert reloaded is not None
    legacy = [d.subject for d in reloaded.deliveries if d.instrument == "extension_decision"]
    assert legacy == [Subject(SubjectKind.DEADLINE, deadline.id)] * 2
    assert "is not one of extension:" in (not_applicable(reloaded, "extension_decision", legacy[0]) or "")


# == the procedure's deliveries and docgen ==================================================

def _context(case: Case, instrument: str, subject: Subject | None, lang: str = "en") -> InstrumentContext:
    return ContextBuilder(case, Localizer(lang), TODAY).build(instrument, subject)


def test_an_extension_decision_is_delivered_under_its_extension_subject(proc: Procedure) -> None:
    case = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    deadline = proc.extend(case, "path", 1, Unit.MONTHS, A, "Sides close to agreement", date(2025, 6, 3))
    proc.extend(case, "path", 10, Unit.WORKING_DAYS, R, "Community assembly", date(2025, 7, 1))
    first, second = deadline.extensions
    delivered = [d.subject for d in case.deliveries if d.instrument == InstrumentId.EXTENSION_DECISION]
    assert delivered == [Subject(SubjectKind.EXTENSION, first.id)] * 2 + [Subject(SubjectKind.EXTENSION, second.id)] * 2
    # Each decision renders for its own extension: the due date it set, dated the day it was decided.
    for extension in (first, second):
        context = _context(case, "extension_decision", Subject(SubjectKind.EXTENSION, extension.id))
        assert context.item.new_due == Localizer("en").date(extension.new_due_on)
        assert context.doc.issue_date == Localizer("en").date(extension.decided_on)


def test_a_path_switch_decision_is_delivered_under_the_period_it_starts(proc: Procedure) -> None:
    case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
    period = proc.switch_path(case, Path.EXTERNAL_MEDIATION, R, BOTH, "complexity", date(2025, 6, 3))
    delivered = [(d.addressee_side, d.subject) for d in case.deliveries
                 if d.instrument == InstrumentId.PATH_SWITCH_DECISION]
    assert delivered == [(A, Subject(SubjectKind.PERIOD, period.id)), (R, Subject(SubjectKind.PERIOD, period.id))]
    context = _context(case, "path_switch_decision", delivered[0][1])
    assert (context.item.from_path, context.item.to_path) == ("Internal mediation", "External expert mediation")


def _more_matters(proc: Procedure) -> Case:
    """A case that reaches what the demo does not: an extended tool and two path switches."""
    case = to_path(proc, file_case(proc), Path.EXTERNAL_MEDIATION, (ToolKind.ASSESSMENT,))
    proc.start_tool(case, ToolKind.ASSESSMENT, A, "Water quality at S1-S4", date(2025, 5, 12), consents=BOTH)
    proc.extend(case, ToolKind.ASSESSMENT.value, 1, Unit.MONTHS, A, "Laboratory backlog", date(2025, 6, 2))
    proc.switch_path(case, Path.INTERNAL_MEDIATION, A, BOTH, "simpler than thought", date(2025, 6, 10))
    proc.extend(case, "path", 15, Unit.WORKING_DAYS, R, "Holidays", date(2025, 6, 20))
    proc.switch_path(case, Path.BILATERAL_DIALOGUE, R, BOTH, "direct talks", date(2025, 7, 1))
    return case


def test_every_delivery_the_procedure_records_names_a_subject_docgen_can_render(proc: Procedure) -> None:
    cases = run_demo_cases(proc) + [_more_matters(proc)]
    proc.session.flush()
    rendered = set()
    for case in cases:
        for delivery in case.deliveries:
            instrument: Instrument = get_instrument(delivery.instrument)
            where = f"{case.number} {delivery.instrument} [{delivery.subject}]"
            assert (delivery.subject is None) is (instrument.subject_kind is None), where
            assert delivery.subject is None or delivery.subject.kind is instrument.subject_kind, where
            assert instrument.not_applicable(case, delivery.subject) is None, where
            if (case.number, delivery.instrument, delivery.subject) in rendered:
                continue  # the same decision sent to several addressees
            rendered.add((case.number, delivery.instrument, delivery.subject))
            for lang in ("zh", "en"):
                context = _context(case, delivery.instrument, delivery.subject, lang)
                assert context.doc.subject == (str(delivery.subject) if delivery.subject else ""), where
                if delivery.subject is not None:
                    assert context.item.number == delivery.subject.id, where
                docx = render_docx(TEMPLATES / lang / f"{delivery.instrument}.docx", context.as_data(),
                                   name=f"{lang}/{delivery.instrument}.docx", strict=True)
                assert docx.startswith(b"PK"), where
    kinds = {subject.kind for _, _, subject in rendered if subject is not None}
    assert {SubjectKind.EXTENSION, SubjectKind.PERIOD, SubjectKind.TOOL, SubjectKind.OBJECTION,
            SubjectKind.RECUSAL, SubjectKind.CONFIDENTIALITY, SubjectKind.APPOINTMENT, SubjectKind.SUPPLEMENT} <= kinds
