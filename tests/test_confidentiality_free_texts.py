"""Free texts outside the lists of the application (issue 11): the reasons the secretariat writes for its
decisions, the triage reasoning, a tool's scope and findings are free text like the facts — each an item
(decision:objection:0, field:triage.reasoning, tool:0.scope), translatable, withholdable (第六章第2.2条) and
printed in the edition's language or marked as the original. So are the last texts an instrument printed as
written: a confidentiality request's information and duration and the decision's versions of them
(statement:confidentiality:0.information, decision:confidentiality:0.duration), an extension's reason
(extension:0) and the materials a supplement request asks for (supplement:0).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cases.confidentiality import Audience, ItemRef, RecordField, StatementOf, TextPart
from cases.confidentiality.items import DecisionOf
from cases.confidentiality.languages import Language
from cases.confidentiality.translations import pending, translations_of
from cases.errors import InvalidInputError, ProcedureError
from cases.instruments import Subject, SubjectKind
from cases.models import Case
from cases.rules import Unit
from cases.procedure import Procedure
from cases.store import BlobStore
from cases.vocabulary import (
    AppointmentRole,
    Channel,
    ObjectionGround,
    ObjectionMeasure,
    ObjectionOutcome,
    Path as CasePath,
    SideRole,
    Stage,
    ToolKind,
)
from casedocs.demo import _roster
from casedocs.services import confidentiality
from docgen.conversion import ConverterPool
from docgen.locale import Edition
from docgen.service import DocumentService, Request, TemplateSet
from test_confidentiality_rendering import docx_text, file_marked, pdf_texts, service

A, R = SideRole.APPLICANT, SideRole.RESPONDENT
BOTH = (A, R)
REASON = "The omission is established MKDECISION."
REASON_ZH = "遗漏属实。决定译文记号"
TRIAGE = "Disputed facts MKTRIAGE."
SCOPE = "Water quality of the river MKSCOPE."
DECISION = ItemRef.decision(DecisionOf.OBJECTION, 0)
PENDING_ZH = "〔原文为英文，译文待补〕"


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet()


def decided_objection(proc: Procedure) -> Case:
    """The marked case to a decided objection, its decision's reasons written in English."""
    roster = _roster(proc)
    case = file_marked(proc)
    proc.accept(case, date(2025, 3, 12))
    proc.send_invitation(case, date(2025, 3, 19), Channel.POST)
    proc.record_delivery(case, "invitation", date(2025, 3, 21), side=R)
    proc.record_response(case, True, date(2025, 5, 8), preliminary_response="The company accepts the invitation.")
    proc.send_launch_notice(case, date(2025, 5, 14))
    proc.record_delivery(case, "launch_notice", date(2025, 5, 15), side=R)
    proc.record_delivery(case, "launch_notice", date(2025, 5, 16), side=A)
    proc.recommend_triage(case, CasePath.INTERNAL_MEDIATION, [ToolKind.ASSESSMENT], TRIAGE, date(2025, 6, 4))
    proc.agree_path(case, CasePath.INTERNAL_MEDIATION, [ToolKind.ASSESSMENT], BOTH, date(2025, 6, 10))
    proc.appoint(case, roster["internal"][0], AppointmentRole.INTERNAL_PANEL, date(2025, 6, 11))
    assessment = proc.start_tool(case, ToolKind.ASSESSMENT, R, SCOPE, date(2025, 6, 16), consents=BOTH)
    proc.appoint(case, roster["assessment"], AppointmentRole.ASSESSMENT, date(2025, 6, 16), requested_by=R,
                 consents=BOTH, tool=assessment)
    objection = proc.raise_objection(case, A, ObjectionGround.FORGED_EVIDENCE, "The report omits S4.",
                                     "Laboratory report LAB-2024-1187.", date(2025, 6, 20))
    proc.decide_objection(case, objection.id, ObjectionOutcome.PARTLY_UPHELD, [ObjectionMeasure.VOID_AND_REDO],
                          REASON, date(2025, 7, 10))
    return case


def withhold_the_reasons(proc: Procedure, case: Case) -> None:
    """The applicant asks that the decision's reasons be kept from the other side: withheld from the
    respondent from receipt (pending, 第六章第2.2条)."""
    proc.request_confidentiality(case, A, "The reasons of the objection decision", ["other_side"],
                                 "until the case is closed", "reprisals", date(2025, 7, 14), items=[DECISION],
                                 release_at_stage=Stage.CLOSED)


def objection_decision(docs: DocumentService, case: Case, audience: Audience, edition: Edition = Edition.ZH,
                       formats: tuple[str, ...] = ("docx",)) -> tuple[str, bytes | None]:
    rendered = docs.render(case, Request("objection_decision", edition, audience=audience), list(formats))
    return docx_text(rendered.docx), rendered.pdf


def test_the_new_free_texts_are_items_with_a_text_form_and_are_checked_against_the_case(proc: Procedure) -> None:
    for text in ("decision:objection:0", "decision:recusal:2", "decision:confidentiality:1", "tool:0.findings",
                 "tool:3", "field:triage.reasoning", "statement:confidentiality:0"):
        assert str(ItemRef.parse(text)) == text
    assert DECISION.label("zh") == "对异议1的决定理由" and DECISION.label("en") == \
        "reasons for the decision on objection 1"
    with pytest.raises(InvalidInputError, match="valid: objection, recusal, confidentiality"):
        ItemRef.parse("decision:claim:0")
    with pytest.raises(InvalidInputError, match="parts: findings, scope"):
        ItemRef.parse("tool:0.reasons")
    case = file_marked(proc)
    with pytest.raises(ProcedureError, match="has no objections"):
        proc.request_confidentiality(case, A, "x", ["other_side"], "until closed", "x", date(2025, 3, 4),
                                     items=[DECISION])
    with pytest.raises(ProcedureError, match="no triage recommendation yet"):
        proc.request_confidentiality(case, A, "x", ["other_side"], "until closed", "x", date(2025, 3, 4),
                                     items=[ItemRef.record_field(RecordField.TRIAGE_REASONING)])


def test_the_translation_worklist_lists_decision_reasons_the_triage_reasoning_a_scope_and_a_requests_reasons(
        proc: Procedure) -> None:
    case = decided_objection(proc)
    listed = {item.ref: item for item in pending(case, translations_of(proc.session, case))}
    for ref in (DECISION, ItemRef.record_field(RecordField.TRIAGE_REASONING), ItemRef.tool(0, TextPart.SCOPE),
                ItemRef.statement(StatementOf.CONFIDENTIALITY, 0, TextPart.REASONS)):
        assert ref in listed and listed[ref].needs is Language.ZH, ref
    confidentiality.translate(proc, case.number, DECISION, Language.ZH, REASON_ZH)
    assert DECISION not in {item.ref for item in pending(case, translations_of(proc.session, case))}


def test_a_decision_reason_written_in_english_prints_marked_in_the_zh_edition_until_a_translation_replaces_it(
        proc: Procedure, store: BlobStore, templates: TemplateSet) -> None:
    case = decided_objection(proc)
    docs = service(proc, store, templates)
    zh, _ = objection_decision(docs, case, Audience.SECRETARIAT)
    assert PENDING_ZH + REASON in zh
    confidentiality.translate(proc, case.number, DECISION, Language.ZH, REASON_ZH)
    zh, _ = objection_decision(docs, case, Audience.SECRETARIAT)
    en, _ = objection_decision(docs, case, Audience.SECRETARIAT, Edition.EN)
    assert f"理由：{REASON_ZH}" in zh and "MKDECISION" not in zh  # the translation, unmarked
    assert REASON in en and REASON_ZH not in en
    triage = docs.render(case, Request("triage_recommendation", Edition.ZH), ["docx"])
    assert PENDING_ZH + TRIAGE in docx_text(triage.docx)
    request = docs.render(case, Request("confidentiality_decision", Edition.ZH), ["docx"])  # its reasons: "reprisals"
    assert PENDING_ZH + "reprisals" in docx_text(request.docx)


def test_a_withheld_decision_reason_prints_the_placeholder_to_the_respondent_and_is_there_for_the_applicant(
        proc: Procedure, store: BlobStore, templates: TemplateSet) -> None:
    case = decided_objection(proc)
    confidentiality.translate(proc, case.number, DECISION, Language.ZH, REASON_ZH)
    withhold_the_reasons(proc, case)
    docs = service(proc, store, templates)
    placeholder = f"〔依保密申请 {case.number}/保密-2 暂不披露〕"
    for audience in (Audience.RESPONDENT, Audience.PUBLIC):
        text, _ = objection_decision(docs, case, audience)
        assert placeholder in text, audience
        assert "MKDECISION" not in text and "决定译文记号" not in text, audience  # neither the original nor its translation
    for audience in (Audience.APPLICANT, Audience.SECRETARIAT, Audience.SUPPORT):
        text, _ = objection_decision(docs, case, audience)
        assert REASON_ZH in text and placeholder not in text, audience


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterPool]:
    with ConverterPool(1, 120, tmp_path_factory.mktemp("pool")) as converter:
        yield converter


@pytest.mark.slow
def test_the_pdf_for_the_respondent_lacks_the_withheld_reason_that_the_applicants_pdf_prints(
        proc: Procedure, store: BlobStore, templates: TemplateSet, pool: ConverterPool, tmp_path: Path) -> None:
    case = decided_objection(proc)
    withhold_the_reasons(proc, case)
    docs = service(proc, store, templates, converter=pool)
    _, respondents = objection_decision(docs, case, Audience.RESPONDENT, Edition.EN, ("docx", "pdf"))
    _, applicants = objection_decision(docs, case, Audience.APPLICANT, Edition.EN, ("docx", "pdf"))
    assert respondents is not None and applicants is not None
    withheld, shown = pdf_texts(respondents, tmp_path), pdf_texts(applicants, tmp_path)
    assert "MKDECISION" not in withheld and f"[withheldpendingconfidentialityrequest{case.number}/C-2]" in withheld
    assert "MKDECISION" in shown


# -- the last free texts: a request's information and duration, an extension's reason, a supplement's items --

EXTENSION_REASON = "Time to agree on compensation MKEXTENSION."
INFORMATION = "Only the witness's identity MKINFO."
DURATION = "Until closure MKDURATION."
SUPPLEMENT = "Minutes of the assembly MKSUPPLEMENT."
EXTENSION = ItemRef.extension(0)


def extended(proc: Procedure) -> Case:
    """The decided objection's case with the path period extended at the applicant's request, its reason in
    English (第四章: a path's time limit may be extended once the secretariat agrees)."""
    case = decided_objection(proc)
    proc.extend(case, "path", 1, Unit.MONTHS, A, EXTENSION_REASON, date(2025, 7, 15))
    return case


def rendered(docs: DocumentService, case: Case, instrument: str, audience: Audience = Audience.SECRETARIAT,
             subject: Subject | None = None, edition: Edition = Edition.ZH) -> str:
    return docx_text(docs.render(case, Request(instrument, edition, subject, audience=audience), ["docx"]).docx)


def test_the_last_free_texts_are_items_with_a_text_form_and_are_checked_against_the_case(proc: Procedure) -> None:
    for text in ("statement:confidentiality:0.information", "statement:confidentiality:1.duration",
                 "decision:confidentiality:0.reasons", "decision:confidentiality:2.information", "extension:0",
                 "supplement:3"):
        assert str(ItemRef.parse(text)) == text
    assert ItemRef.parse("decision:confidentiality:0.information").label("zh") == "对保密请求1的决定中的保密信息"
    assert EXTENSION.label("en") == "reason for extension 1" and EXTENSION.label("zh") == "期限延长1的理由"
    with pytest.raises(InvalidInputError, match="has no part 'information'"):
        ItemRef.parse("decision:objection:0.information")
    assert ItemRef.decision(DecisionOf.CONFIDENTIALITY, 0).covers(
        ItemRef.decision(DecisionOf.CONFIDENTIALITY, 0, TextPart.DURATION))
    case = file_marked(proc)
    for item, missing in ((EXTENSION, "has no extensions"), (ItemRef.supplement(0), "has no supplement requests")):
        with pytest.raises(ProcedureError, match=missing):
            proc.request_confidentiality(case, A, "x", ["other_side"], "until closed", "x", date(2025, 3, 4),
                                         items=[item])


def test_the_worklist_lists_a_requests_information_and_duration_the_decided_ones_an_extension_and_a_supplement(
        proc: Procedure) -> None:
    case = file_marked(proc)
    proc.request_supplement(case, SUPPLEMENT, date(2025, 3, 5))
    proc.decide_confidentiality(case, case.confidentiality_requests[0].id, True, date(2025, 3, 6),
                                information=INFORMATION, duration=DURATION, reason="credible risk")
    proc.accept(case, date(2025, 3, 12))
    listed = {item.ref: item for item in pending(case, translations_of(proc.session, case))}
    for part in (TextPart.INFORMATION, TextPart.DURATION, TextPart.REASONS):
        assert ItemRef.statement(StatementOf.CONFIDENTIALITY, 0, part) in listed, part
        assert listed[ItemRef.decision(DecisionOf.CONFIDENTIALITY, 0, part)].needs is Language.ZH, part
    assert listed[ItemRef.supplement(0)].excerpt == SUPPLEMENT  # an extension: in the test below


def test_an_english_extension_reason_prints_marked_in_zh_until_a_translation_replaces_it(
        proc: Procedure, store: BlobStore, templates: TemplateSet) -> None:
    case = extended(proc)
    assert EXTENSION in {item.ref for item in pending(case, translations_of(proc.session, case))}
    docs = service(proc, store, templates)
    assert PENDING_ZH + EXTENSION_REASON in rendered(docs, case, "extension_decision")
    confidentiality.translate(proc, case.number, EXTENSION, Language.ZH, "需要时间商定补偿。延期译文记号")
    zh = rendered(docs, case, "extension_decision")
    assert "需要时间商定补偿。延期译文记号" in zh and "MKEXTENSION" not in zh
    assert EXTENSION_REASON in rendered(docs, case, "extension_decision", edition=Edition.EN)


def test_a_withheld_extension_reason_prints_the_placeholder_for_the_respondent_and_the_public_only(
        proc: Procedure, store: BlobStore, templates: TemplateSet) -> None:
    case = extended(proc)
    confidentiality.translate(proc, case.number, EXTENSION, Language.ZH, "需要时间商定补偿。延期译文记号")
    proc.request_confidentiality(case, A, "Why the path was extended", ["other_side"], "until the case is closed",
                                 "reprisals", date(2025, 7, 16), items=[EXTENSION], release_at_stage=Stage.CLOSED)
    docs = service(proc, store, templates)
    placeholder = f"〔依保密申请 {case.number}/保密-2 暂不披露〕"
    for audience in (Audience.RESPONDENT, Audience.PUBLIC):
        text = rendered(docs, case, "extension_decision", audience)
        assert placeholder in text and "MKEXTENSION" not in text and "延期译文记号" not in text, audience
    for audience in (Audience.APPLICANT, Audience.SECRETARIAT, Audience.SUPPORT):
        text = rendered(docs, case, "extension_decision", audience)
        assert "延期译文记号" in text and placeholder not in text, audience


def test_a_decided_information_and_duration_and_a_supplements_items_print_marked_and_withheld_like_any_text(
        proc: Procedure, store: BlobStore, templates: TemplateSet) -> None:
    case = file_marked(proc)
    proc.request_supplement(case, SUPPLEMENT, date(2025, 3, 5))
    first = case.confidentiality_requests[0]
    proc.decide_confidentiality(case, first.id, True, date(2025, 3, 6), information=INFORMATION, duration=DURATION,
                                reason="credible risk")
    docs = service(proc, store, templates)
    decision = Subject(SubjectKind.CONFIDENTIALITY, first.id)
    zh = rendered(docs, case, "confidentiality_decision", subject=decision)
    assert PENDING_ZH + INFORMATION in zh and PENDING_ZH + DURATION in zh
    assert "The witness, her statement" not in zh  # the decision's version replaces the request's
    assert PENDING_ZH + SUPPLEMENT in rendered(docs, case, "supplement_request")
    proc.request_confidentiality(case, A, "What the first decision protects", ["other_side"],
                                 "until the case is closed", "reprisals", date(2025, 3, 9),
                                 items=[ItemRef.decision(DecisionOf.CONFIDENTIALITY, 0), ItemRef.supplement(0)],
                                 release_at_stage=Stage.CLOSED)
    placeholder = f"〔依保密申请 {case.number}/保密-2 暂不披露〕"
    for audience in (Audience.RESPONDENT, Audience.PUBLIC):
        text = rendered(docs, case, "confidentiality_decision", audience, decision) + \
            rendered(docs, case, "supplement_request", audience)
        assert text.count(placeholder) >= 3, audience
        assert [m for m in ("MKINFO", "MKDURATION", "MKSUPPLEMENT") if m in text] == [], audience
    text = rendered(docs, case, "confidentiality_decision", Audience.APPLICANT, decision)
    assert "MKINFO" in text and "MKDURATION" in text and placeholder not in text


# -- the path switch's reason: once only in the audit chain, now on the period it opened (migration 0013) --

SWITCH_REASON = "External expertise needed MKSWITCH."
SWITCH = ItemRef.switch(0)


def switched(proc: Procedure) -> Case:
    """The decided objection's case switched to the external path (第四章第二节第4条), the reason in English."""
    case = decided_objection(proc)
    proc.switch_path(case, CasePath.EXTERNAL_MEDIATION, A, BOTH, SWITCH_REASON, date(2025, 7, 22))
    return case


def test_a_path_switchs_reason_is_an_item_printed_marked_and_withheld_like_any_free_text(
        proc: Procedure, store: BlobStore, templates: TemplateSet) -> None:
    case = switched(proc)
    assert SWITCH.label("zh") == "路径转换1的理由" and SWITCH.label("en") == "reason for path switch 1"
    assert SWITCH in {item.ref for item in pending(case, translations_of(proc.session, case))}
    docs = service(proc, store, templates)
    assert PENDING_ZH + SWITCH_REASON in rendered(docs, case, "path_switch_decision")
    proc.request_confidentiality(case, A, "Why the path changed", ["other_side"], "until the case is closed",
                                 "reprisals", date(2025, 7, 23), items=[SWITCH], release_at_stage=Stage.CLOSED)
    placeholder = f"〔依保密申请 {case.number}/保密-2 暂不披露〕"
    respondents = rendered(docs, case, "path_switch_decision", Audience.RESPONDENT)
    assert placeholder in respondents and "MKSWITCH" not in respondents
    applicants = rendered(docs, case, "path_switch_decision", Audience.APPLICANT)
    assert "MKSWITCH" in applicants and placeholder not in applicants
    with pytest.raises(ProcedureError, match="has 1 path switches"):
        proc.request_confidentiality(case, A, "x", ["other_side"], "until closed", "x", date(2025, 7, 24),
                                     items=[ItemRef.switch(1)])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of the test's own (it commits, downgrades and upgrades)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'switched.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres_url"))


def test_the_migration_takes_a_switch_reason_from_the_audit_chain_and_renames_a_requests_reasons(
        own_database_url: str, store: BlobStore) -> None:
    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from cases.calendar import official_calendar
    from cases.db import alembic_config, make_engine, upgrade

    url = own_database_url
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        proc = Procedure(session, official_calendar(), "officer.test", store=store, today=lambda: date(2025, 8, 1))
        number = switched(proc).number
        confidentiality.translate(proc, number, ItemRef.statement(StatementOf.CONFIDENTIALITY, 0, TextPart.REASONS),
                                  Language.ZH, "报复风险")
        session.commit()
    engine.dispose()
    command.downgrade(alembic_config(url), "0012")  # as a database made before the reason had a column
    engine = make_engine(url)
    with engine.connect() as connection:  # the request's reasons had no part's name before
        assert connection.execute(text("SELECT item FROM translations")).scalars().all() == \
            ["statement:confidentiality:0"]
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT p.switch_reason FROM path_periods p JOIN cases c ON c.id = p.case_id "
                                       "WHERE c.number = :number ORDER BY p.id"), {"number": number}).all()
        items = connection.execute(text("SELECT item FROM translations")).scalars().all()
    engine.dispose()
    assert [row[0] for row in rows] == [None, SWITCH_REASON]
    assert items == ["statement:confidentiality:0.reasons"]
