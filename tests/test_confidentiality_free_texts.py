"""Free texts outside the lists of the application (issue 11): the reasons the secretariat writes for its
decisions, the triage reasoning, a tool's scope and findings are free text like the facts — each an item
(decision:objection:0, field:triage.reasoning, tool:0.scope), translatable, withholdable (第六章第2.2条) and
printed in the edition's language or marked as the original.
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
from cases.models import Case
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
                ItemRef.statement(StatementOf.CONFIDENTIALITY, 0)):
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
