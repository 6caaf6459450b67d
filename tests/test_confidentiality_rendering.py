"""Confidentiality in the documents (issue 11, 第六章第2.2条): the leak sweep.

A case whose every confidential item carries a unique marker, in Latin and in Chinese script, goes through
the whole procedure; every instrument that applies is rendered in every edition for every audience (DOCX),
and every instrument in the zh edition for every audience as PDF (LibreOffice, a warm pool of two).
Each marker must be absent from every part of every DOCX, the PDF text and the PDF metadata (Info and XMP)
of a rendering for an audience it is withheld from, and present in some rendering for an audience that may
see it.
"""
from __future__ import annotations

import copy
import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from cases.application import parse_application
from cases.calendar import official_calendar
from cases.confidentiality import Audience, ItemRef, RecordField, TextPart
from cases.confidentiality.languages import Language
from cases.instruments import INSTRUMENTS
from cases.models import Case, DocumentVersion
from cases.procedure import Procedure
from cases.rules import Unit
from cases.store import BlobStore
from cases.vocabulary import (
    AppointmentRole,
    Channel,
    ObjectionGround,
    ObjectionMeasure,
    ObjectionOutcome,
    ObligationStatus,
    Path as CasePath,
    SideRole,
    SignerRole,
    Stage,
    TerminationGround,
    ToolKind,
)
from casedocs.demo import _roster
from casedocs.services import confidentiality
from docgen.conversion import ConverterPool
from docgen.locale import Edition, to_traditional
from docgen.service import DocumentService, Rendered, Request, TemplateSet
from conftest import rolled_back_session
from factories import BASE_APPLICATION, exhibit

A, R = SideRole.APPLICANT, SideRole.RESPONDENT
BOTH = (A, R)
TODAY = date(2026, 11, 25)
KEY = b"k" * 32

# Every confidential value carries one marker in Latin and one in Chinese script.
M = {
    "exhibit_title": "MKEXTITLE 证物标题记号", "exhibit_file": "MKEXFILE", "name": "MKNAME 姓名记号",
    "address": "MKADDR 住址记号", "contact": "MKCONTACT 电话记号", "agent": "MKAGENT 代理人记号",
    "agent_org": "MKAGORG 律所记号", "reasons": "MKREASONS 理由记号", "reasons_zh": "理由译文记号",
    "claim": "MKCLAIM 诉求记号", "facts": "MKFACTS 事实记号", "facts_zh": "事实译文记号",
    "statement": "MKSTATEMENT 陈述记号", "monitor": "MKMONITOR 监测记号",
    "supplement": "MKSUPPLEMENT 补充记号", "extension": "MKEXTENSION 延期记号", "switch": "MKSWITCH 转换记号",
}
# C-1 (the applicant's, with the application; from the other side, hence the public): decided, narrowed from
# the whole claim 1 to its reasons. C-2 (the applicant's, from third parties and the public): pending.
C1 = ("exhibit_title", "exhibit_file", "name", "address", "contact", "agent", "agent_org", "reasons", "reasons_zh")
C2 = ("facts", "facts_zh", "statement", "monitor", "supplement", "extension", "switch")
WITHHELD: dict[Audience, set[str]] = {
    Audience.SECRETARIAT: set(), Audience.APPLICANT: set(), Audience.SUPPORT: set(),
    Audience.RESPONDENT: set(C1), Audience.PUBLIC: set(C1) | set(C2),
}

APPLICATION: dict[str, Any] = {
    **copy.deepcopy(BASE_APPLICATION),
    "title": "Kawama river seepage",
    "facts": f"Seepage from the tailings facility reached the Kawama river in January. {M['facts']}",
    "claims": [{"claim": "Independent water testing", "reasons": "No published monitoring"},
               {"claim": f"Protection of the witness {M['claim']}", "reasons": f"Reprisals {M['reasons']}"}],
    "exhibits": [exhibit("Water sampling results"),
                 exhibit(f"Statement of the witness {M['exhibit_title']}", name=f"{M['exhibit_file']}-证物.txt")],
    "applicant": {
        "members": [{"category": "community", "full_name": "Kawama Village Committee",
                     "address": "Kawama, Kolwezi", "contact": "+243 970 000 101"},
                    {"category": "individual", "full_name": f"Amani {M['name']}", "address": f"Plot {M['address']}",
                     "contact": f"+243 {M['contact']}"}],
        "agents": [{"name": f"Maître {M['agent']}", "organisation": f"Droits {M['agent_org']}",
                    "power_of_attorney": exhibit("Power of attorney", name="poa.txt")}],
    },
    "confidentiality_requests": [{
        "information": "The witness, her statement, her counsel and why she fears reprisals",
        "audience": ["other_side"], "duration": "until the case is closed", "reason": "reprisals",
        "items": ["exhibit:1", "identity:applicant:1", "identity:applicant:agent:0", "claim:1"],
        "release_at_stage": "closed",
    }],
}


# -- the record -----------------------------------------------------------------------------------

@pytest.fixture
def session(sqlite_url: str) -> Iterator[Session]:
    """SQLite only: the sweep renders hundreds of documents; the record's behaviour is tested elsewhere."""
    with rolled_back_session(sqlite_url) as db_session:
        yield db_session


@pytest.fixture
def proc(session: Session, store: BlobStore) -> Procedure:
    return Procedure(session, official_calendar(), "officer.test", store=store, today=lambda: TODAY)


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet()


def service(proc: Procedure, store: BlobStore, templates: TemplateSet, *, today: Callable[[], date] = lambda: TODAY,
            converter: ConverterPool | None = None) -> DocumentService:
    return DocumentService(proc.session, store, templates, KEY, proc.actor, today, converter)


def file_marked(proc: Procedure, **changes: Any) -> Case:
    document = copy.deepcopy(APPLICATION)
    document.update(changes)
    return proc.file_application(parse_application(document))


def narrow_c1(proc: Procedure, case: Case) -> None:
    request = case.confidentiality_requests[0]
    items = [ItemRef.claim(1, TextPart.REASONS) if ref == ItemRef.claim(1) else ref for ref in request.items]
    proc.decide_confidentiality(case, request.id, True, date(2025, 3, 6), reason="credible risk of reprisals",
                                items=items)


def whole_course(proc: Procedure) -> Case:
    """The marked case through every instrument the main line has (the demo's course, 第三章 to 第五章)."""
    roster = _roster(proc)
    case = file_marked(proc)
    narrow_c1(proc, case)
    proc.request_supplement(case, f"Minutes of the assembly. {M['supplement']}", date(2025, 3, 5))
    proc.accept(case, date(2025, 3, 12))
    proc.send_invitation(case, date(2025, 3, 19), Channel.POST)
    proc.record_delivery(case, "invitation", date(2025, 3, 21), side=R)
    proc.send_second_invitation(case, date(2025, 4, 24), Channel.EMAIL)
    proc.record_delivery(case, "second_invitation", date(2025, 4, 25), side=R)
    proc.record_response(case, True, date(2025, 5, 8), preliminary_response="The company accepts the invitation.")
    proc.send_launch_notice(case, date(2025, 5, 14))
    proc.record_delivery(case, "launch_notice", date(2025, 5, 15), side=R)
    proc.record_delivery(case, "launch_notice", date(2025, 5, 16), side=A)
    from cases.vocabulary import RiskLevel
    proc.assess_risk(case, A, "Kawama Village Committee", "Followed by security staff MKRISK 风险记号.",
                     RiskLevel.MEDIUM, "Meetings held in town.", date(2025, 5, 20))
    proc.recommend_triage(case, CasePath.INTERNAL_MEDIATION, [ToolKind.ASSESSMENT], "Disputed facts.",
                          date(2025, 6, 4))
    proc.agree_path(case, CasePath.INTERNAL_MEDIATION, [ToolKind.ASSESSMENT], BOTH, date(2025, 6, 10))
    proc.appoint(case, roster["internal"][0], AppointmentRole.INTERNAL_PANEL, date(2025, 6, 11))
    assessment = proc.start_tool(case, ToolKind.ASSESSMENT, R, "Water quality of the river.", date(2025, 6, 16),
                                 consents=BOTH)
    proc.appoint(case, roster["assessment"], AppointmentRole.ASSESSMENT, date(2025, 6, 16), requested_by=R,
                 consents=BOTH, tool=assessment)
    objection = proc.raise_objection(case, A, ObjectionGround.FORGED_EVIDENCE, f"The report omits S4. {M['statement']}",
                                     "Laboratory report LAB-2024-1187.", date(2025, 6, 20))
    proc.decide_objection(case, objection.id, ObjectionOutcome.PARTLY_UPHELD, [ObjectionMeasure.VOID_AND_REDO],
                          "The omission is established.", date(2025, 7, 10))
    proc.switch_path(case, CasePath.EXTERNAL_MEDIATION, A, BOTH, f"External expertise needed. {M['switch']}",
                     date(2025, 7, 22))
    first = proc.appoint(case, roster["experts"][0], AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 7, 24),
                         requested_by=A, consents=BOTH)
    recusal = proc.request_recusal(case, first, R, "Earlier advice to an NGO.", date(2025, 7, 29))
    proc.decide_recusal(case, recusal.id, True, "An appearance of partiality.", date(2025, 8, 4))
    proc.appoint(case, roster["experts"][1], AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 8, 8), requested_by=A,
                 consents=BOTH)
    fact_finding = proc.start_tool(case, ToolKind.FACT_FINDING, A, "Causes of crop loss.", date(2025, 8, 18),
                                   consents=BOTH)
    proc.appoint(case, roster["fact_finding"], AppointmentRole.FACT_FINDING, date(2025, 8, 18), requested_by=A,
                 consents=BOTH, tool=fact_finding)
    proc.complete_tool(case, ToolKind.ASSESSMENT, "Cobalt above guidance.", date(2025, 9, 12))
    proc.complete_tool(case, ToolKind.FACT_FINDING, "Crop loss on 71 ha.", date(2025, 11, 14))
    proc.extend(case, "path", 2, Unit.MONTHS, R, f"Time to agree on compensation. {M['extension']}",
                date(2025, 12, 15))
    from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms
    proc.draft_agreement(case, AgreementTerms(
        points_in_dispute="Seepage; crop losses.", stakeholders="The villages; the refinery.",
        standards_and_clauses="OECD Annex II.", process_and_consensus="Mediation.",
        obligations=[ObligationTerms(R, A, "Repair the lining.", date(2026, 9, 30), "Inspection confirms it."),
                     ObligationTerms(R, A, "Compensate the households.", date(2026, 6, 30), "Receipts.")],
        feedback_plan="Quarterly reports.", disclosure_plan="Summary and closure report.",
        communication_plan="A joint committee."), date(2026, 2, 10))
    proc.sign_agreement(case, date(2026, 3, 5))
    proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "Agreement signed.", date(2026, 3, 6))
    proc.record_delivery(case, "termination_notice", date(2026, 3, 9), side=A)
    proc.record_delivery(case, "termination_notice", date(2026, 3, 9), side=R)
    proc.issue_closure_report(case, ClosureTerms(points_in_dispute="Seepage.", course_of_process="Mediation.",
                                                 facts_established="Contamination.", recommendations="Monitor."),
                              date(2026, 3, 20))
    proc.publish_summary(case, "Communities and a refiner agreed on remediation.", date(2026, 3, 25))
    obligations = case.agreement.obligations if case.agreement else []
    proc.record_monitoring_update(case, obligations[1].id, "Monitoring officer Li Na", ObligationStatus.FULFILLED,
                                  f"Payments confirmed. {M['monitor']}", date(2026, 7, 15))
    proc.request_confidentiality(case, A, "The facts, the objection and the monitoring text",
                                 ["third_parties_and_public"], "until the case is closed", "reprisals",
                                 date(2026, 11, 2), items=[ItemRef.record_field(RecordField.FACTS),
                                                           ItemRef.parse("statement:objection:0.statement"),
                                                           ItemRef.monitoring(0), ItemRef.supplement(0),
                                                           ItemRef.extension(0), ItemRef.switch(0)],
                                 release_at_stage=Stage.CLOSED)
    confidentiality.translate(proc, case.number, ItemRef.record_field(RecordField.FACTS), Language.ZH,
                              f"尾矿设施渗漏于一月到达卡瓦马河。{M['facts_zh']}")
    confidentiality.translate(proc, case.number, ItemRef.claim(1, TextPart.REASONS), Language.ZH,
                              f"报复风险。{M['reasons_zh']}", original_language=Language.EN)
    return case


# -- searching ------------------------------------------------------------------------------------

def forms(marker: str) -> list[str]:
    """The marker's Latin and Chinese parts, each as entered and in Traditional characters (zh-Hant)."""
    parts = marker.split(" ")
    return list(dict.fromkeys(p for part in parts for p in (part, to_traditional(part))))


def docx_text(data: bytes) -> str:
    """Every part of the package (document, headers, footers, core and custom properties...), as stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def pdf_texts(data: bytes, tmp_path: Path) -> str:
    """The PDF's text (pdftotext), its Info dictionary and its XMP packet, whitespace removed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    reader = PdfReader(io.BytesIO(data))
    info = " ".join(str(value) for value in (reader.metadata or {}).values())
    xmp = reader.xmp_metadata
    packet = xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
    assert "pdfaid" in packet and "audience=" in packet and "audience=" in info  # both were read
    return re.sub(r"\s+", "", text + info + packet)


def leaks(text: str, audience: Audience, only: tuple[str, ...] = tuple(M)) -> list[str]:
    """The markers withheld from `audience` (of those in `only`) that `text` contains."""
    return [name for name in WITHHELD[audience] & set(only)
            if any(form.replace(" ", "") in text for form in forms(M[name]))]


def found(text: str, name: str) -> bool:
    return any(form in text for form in forms(M[name]))


# -- the sweep ------------------------------------------------------------------------------------

# Which case of this module renders each instrument for every audience. An instrument added to the registry
# without an audience test here fails test_every_instrument_has_an_audience_test.
COURSE, REJECTED, NOT_LAUNCHED = "whole course", "rejected", "not launched"
SIGNED = "whole course, agreement frozen"  # test_the_signing_record_leaks_no_withheld_signatory
AUDIENCE_TESTS: dict[str, str] = {
    **{instrument: COURSE for instrument in INSTRUMENTS},
    "rejection_decision": REJECTED, "non_launch_notice": NOT_LAUNCHED, "signing_record": SIGNED,
}


def test_every_instrument_has_an_audience_test() -> None:
    assert set(AUDIENCE_TESTS) == set(INSTRUMENTS)


def sweep(docs: DocumentService, case: Case, instruments: set[str]) -> dict[Audience, list[Rendered]]:
    done: dict[Audience, list[Rendered]] = {}
    for audience in Audience:
        requests = [r for r in docs.requests_for(case, audience=audience) if r.instrument in instruments]
        done[audience] = docs.render_many(case, requests, ["docx"])
    return done


def test_no_rendering_of_the_whole_course_leaks_a_withheld_item_in_any_edition(proc, store, templates) -> None:
    case = whole_course(proc)
    assert case.stage is Stage.MONITORING
    docs = service(proc, store, templates)
    course = {i for i, where in AUDIENCE_TESTS.items() if where == COURSE}
    done = sweep(docs, case, course)
    for audience, renderings in done.items():
        assert {r.request.instrument for r in renderings} == course, audience
        assert {r.request.edition for r in renderings} == set(Edition)
        texts = {}
        for rendered in renderings:
            text = docx_text(rendered.docx)
            texts[rendered.name] = text
            assert leaks(text, audience) == [], (audience, rendered.name)
            assert rendered.docx_version.audience is audience
            assert "MKRISK" not in text or audience is Audience.SECRETARIAT, rendered.name
        everything = "\n".join(texts.values())
        for name in set(M) - WITHHELD[audience]:
            assert found(everything, name), (audience, name)
        if WITHHELD[audience]:
            assert "〔依保密决定 MVC-2025-0001/保密-1 不予披露〕" in everything
            assert "[withheld under confidentiality decision MVC-2025-0001/C-1]" in everything
    assert "〔依保密申请 MVC-2025-0001/保密-2 暂不披露〕" in "".join(docx_text(r.docx) for r in done[Audience.PUBLIC])


def test_each_audience_has_its_own_versions_and_codes(proc, store, templates) -> None:
    case = file_marked(proc)
    docs = service(proc, store, templates)
    made = {a: docs.render(case, Request("application_form", Edition.ZH, audience=a), ["docx"]) for a in Audience}
    assert {r.version for r in made.values()} == {1}
    assert len({r.code for r in made.values()}) == len(Audience)
    again = docs.render(case, Request("application_form", Edition.ZH, audience=Audience.RESPONDENT), ["docx"])
    assert again.version == 2
    rows = proc.session.query(DocumentVersion).filter_by(case_id=case.id).all()
    assert sorted((row.audience.value, row.version) for row in rows) == sorted(
        [(a.value, 1) for a in Audience] + [("respondent", 2)])


def test_the_render_cache_never_gives_one_audience_another_audiences_rendering(proc, store, templates,
                                                                                tmp_path) -> None:
    from docgen.cache import DirectoryCache

    case = file_marked(proc)
    docs = DocumentService(proc.session, store, templates, KEY, proc.actor, lambda: TODAY,
                           cache=DirectoryCache(tmp_path / "cache"))
    first = {a: docs.render(case, Request("application_form", Edition.ZH, audience=a), ["docx"])
             for a in (Audience.SECRETARIAT, Audience.RESPONDENT)}
    again = {a: docs.render(case, Request("application_form", Edition.ZH, audience=a), ["docx"])
             for a in (Audience.SECRETARIAT, Audience.RESPONDENT)}
    for audience in first:
        assert again[audience].docx_version.id == first[audience].docx_version.id  # unchanged: found again
    assert first[Audience.SECRETARIAT].docx_version.sha256 != first[Audience.RESPONDENT].docx_version.sha256
    assert "MKNAME" not in docx_text(again[Audience.RESPONDENT].docx)
    assert "MKNAME" in docx_text(again[Audience.SECRETARIAT].docx)


def ended_early(proc: Procedure, where: str) -> Case:
    """The marked case (C-1 decided) rejected after a supplement request, or not launched after a refusal."""
    case = file_marked(proc)
    narrow_c1(proc, case)
    if where == REJECTED:
        proc.request_supplement(case, "Minutes of the assembly.", date(2025, 3, 5))
        proc.reject(case, "Nothing shows the dispute exists.", date(2025, 4, 5))
    else:
        proc.accept(case, date(2025, 3, 12))
        proc.send_invitation(case, date(2025, 3, 19))
        proc.record_delivery(case, "invitation", date(2025, 3, 21), side=R)
        proc.record_response(case, False, date(2025, 4, 2))
        proc.send_non_launch_notice(case, date(2025, 4, 9))
    return case


@pytest.mark.parametrize("where", [REJECTED, NOT_LAUNCHED])
def test_the_instruments_of_a_case_that_ends_early_leak_nothing(proc, store, templates, where: str) -> None:
    case = ended_early(proc, where)
    instruments = {i for i, w in AUDIENCE_TESTS.items() if w == where} | {"application_form"}
    for audience, renderings in sweep(service(proc, store, templates), case, instruments).items():
        assert {r.request.instrument for r in renderings} == instruments
        for rendered in renderings:
            assert leaks(docx_text(rendered.docx), audience, C1) == [], (audience, rendered.name)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterPool]:
    with ConverterPool(2, 120, tmp_path_factory.mktemp("pool")) as converter:
        yield converter


SIGNATORIES = [(A, SignerRole.MEMBER, f"Amani {M['name']}"), (A, SignerRole.AGENT, f"Maître {M['agent']}"),
               (R, SignerRole.REPRESENTATIVE, "Zhang Wei 张伟")]


def every_edition_for_everyone(docs: DocumentService, case: Case, instruments: set[str]) -> list[Rendered]:
    """Every matter of `instruments` in every edition for every audience, DOCX and PDF, in one batch: the
    pool converts while the next documents are rendered, so the audiences and editions share its pipeline."""
    requests = [r for audience in Audience for r in docs.requests_for(case, list(Edition), audience)
                if r.instrument in instruments]
    return docs.render_many(case, requests, ["docx", "pdf"])


@pytest.mark.slow
def test_no_pdf_of_any_instrument_leaks_for_any_audience_in_its_text_or_metadata(proc, store, templates, pool,
                                                                                 tmp_path) -> None:
    """Every instrument of the registry (AUDIENCE_TESTS: the whole course, the agreement frozen for the signing
    record, a rejected and a not-launched case) in every edition as PDF/A for every audience: the PDF text,
    Info dictionary and XMP packet hold no marker withheld from that audience (第六章第2.2条), and the public's
    names no natural person of the signing record (第六章第1.1条). The DOCX is swept above too."""
    from signing_record_support import frozen_agreement

    docs = service(proc, store, templates, converter=pool)
    case = whole_course(proc)
    course = {i for i, where in AUDIENCE_TESTS.items() if where == COURSE}
    batches: list[tuple[list[Rendered], tuple[str, ...]]] = [(every_edition_for_everyone(docs, case, course), tuple(M))]
    frozen_agreement(proc.session, case, SIGNATORIES, TODAY)
    batches.append((every_edition_for_everyone(docs, case, {"signing_record"}), tuple(M)))
    for where in (REJECTED, NOT_LAUNCHED):  # C-2 is the whole course's: only C-1 is withheld here
        early = ended_early(proc, where)
        batches.append((every_edition_for_everyone(docs, early, {i for i, w in AUDIENCE_TESTS.items() if w == where}), C1))
    texts: dict[Audience, list[str]] = {audience: [] for audience in Audience}
    for renderings, markers in batches:
        for rendered in renderings:
            audience = rendered.request.audience
            assert rendered.pdf is not None, rendered.name
            text = pdf_texts(rendered.pdf, tmp_path)
            texts[audience].append(text)
            assert leaks(text, audience, markers) == [], (audience, rendered.name)
            assert f"audience={audience.value}" in text  # the metadata was searched
            assert "MKRISK" not in text or audience is Audience.SECRETARIAT, (audience, rendered.name)
            if rendered.request.instrument == "signing_record":
                assert ("张伟" in text) is (audience is not Audience.PUBLIC), audience
    assert {r.request.instrument for renderings, _ in batches for r in renderings} == set(INSTRUMENTS)
    for audience, found_texts in texts.items():
        joined = "".join(found_texts)
        for name in set(M) - WITHHELD[audience] - {"exhibit_file"}:
            if name.endswith("_zh") or name in ("facts", "reasons"):
                continue  # zh prints the translation of these (checked in the DOCX sweep)
            assert found(joined, name.replace(" ", "")), (audience, name)
        assert ("依保密决定MVC-2025-0001/保密-1不予披露" in joined) is bool(WITHHELD[audience]), audience


# -- release and translations -------------------------------------------------------------------------

def test_an_item_appears_once_its_decision_runs_out_and_the_release_is_audited(proc, store, templates) -> None:
    case = file_marked(proc, confidentiality_requests=[{
        "information": "The witness", "audience": ["other_side"], "duration": "until the end of March",
        "reason": "reprisals", "items": ["identity:applicant:1"], "release_after": "2025-03-31"}])
    proc.decide_confidentiality(case, case.confidentiality_requests[0].id, True, date(2025, 3, 6))
    day = [date(2025, 3, 31)]
    docs = service(proc, store, templates, today=lambda: day[0])
    request = Request("application_form", Edition.ZH, audience=Audience.RESPONDENT)
    before = docx_text(docs.render(case, request, ["docx"]).docx)
    assert "MKNAME" not in before and "〔依保密决定 MVC-2025-0001/保密-1 不予披露〕" in before
    day[0] = date(2025, 4, 1)
    after = docx_text(docs.render(case, request, ["docx"]).docx)
    assert "MKNAME" in after and "MKADDR" in after and "保密-1 不予披露" not in after
    from confidentiality_support import actions
    assert [e.action for e in actions(proc, case)].count("confidentiality_released") == 1


def test_the_zh_edition_prints_the_translation_or_the_marked_original(proc, store, templates) -> None:
    case = file_marked(proc, confidentiality_requests=[])
    confidentiality.translate(proc, case.number, ItemRef.claim(0, TextPart.CLAIM), Language.ZH, "独立水质检测")
    docs = service(proc, store, templates)
    zh = docx_text(docs.render(case, Request("application_form", Edition.ZH), ["docx"]).docx)
    assert "独立水质检测" in zh and "Independent water testing" not in zh
    assert "〔原文为英文，译文待补〕No published monitoring" in zh
    en = docx_text(docs.render(case, Request("application_form", Edition.EN), ["docx"]).docx)
    assert "Independent water testing" in en and "独立水质检测" not in en
    both = docx_text(docs.render(case, Request("application_form", Edition.BILINGUAL), ["docx"]).docx)
    assert "独立水质检测" in both and "Independent water testing" in both
    hant = docx_text(docs.render(case, Request("application_form", Edition.ZH_HANT), ["docx"]).docx)
    assert "獨立水質檢測" in hant and "〔原文為英文，譯文待補〕No published monitoring" in hant


# -- the command line ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_render_and_render_all_take_the_audience_and_the_manifest_records_it(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from casedocs.app import App
    from casedocs.cli import main
    from casedocs.config import Settings

    data = tmp_path / "data"
    app = App(Settings.load(data), today=lambda: TODAY)
    app.init()
    with app.procedure() as proc:
        number = file_marked(proc).number
    app.close()
    runner = CliRunner()
    env = {"CASEDOCS_CONVERTERS": "1"}
    one = runner.invoke(main, ["render", number, "application_form", "--format", "docx", "--audience", "respondent",
                               "--out", str(tmp_path / "a.docx"), "--data", str(data)], env=env)
    assert one.exit_code == 0, one.output
    assert "for respondent" in one.output
    text = docx_text((tmp_path / "a.docx").read_bytes())
    assert leaks(text, Audience.RESPONDENT, C1) == [] and "保密申请 MVC-2025-0001/保密-1" in text
    wrong = runner.invoke(main, ["render", number, "application_form", "--audience", "everyone",
                                 "--out", str(tmp_path / "b.pdf"), "--data", str(data)], env=env)
    assert wrong.exit_code != 0 and "'everyone' is not one of" in wrong.output
    every = runner.invoke(main, ["render-all", number, "--audience", "public", "--out", str(tmp_path / "all"),
                                 "--data", str(data)], env=env)
    assert every.exit_code == 0, every.output
    manifest = json.loads((tmp_path / "all" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] and {d["audience"] for d in manifest["documents"]} == {"public"}
    for document in manifest["documents"]:
        data_bytes = (tmp_path / "all" / document["path"]).read_bytes()
        text = docx_text(data_bytes) if document["format"] == "docx" else pdf_texts(data_bytes, tmp_path)
        assert leaks(text, Audience.PUBLIC, C1) == [], document["path"]
        assert "MKNAME" not in document["path"] and "MKEXFILE" not in document["path"]


def test_the_signing_record_leaks_no_withheld_signatory(proc, store, templates) -> None:
    """The signing record (issue 12) names each signatory of the frozen agreement as the agreement's own
    signature table does: a signatory whose identity is withheld from an audience (the witness and her
    counsel, from the respondent and the public) is the placeholder there, and the public rendering names
    no natural person at all (第六章第1.1条). The frozen agreement is put in the record as the signing desk
    leaves it (the desk itself is tested in test_signing_record.py)."""
    from signing_record_support import frozen_agreement

    case = whole_course(proc)
    frozen_agreement(proc.session, case, SIGNATORIES, TODAY)
    done = sweep(service(proc, store, templates), case, {"signing_record"})
    for audience, renderings in done.items():
        assert {r.request.edition for r in renderings} == set(Edition), audience
        text = "\n".join(docx_text(r.docx) for r in renderings)
        assert leaks(text, audience) == [], audience
        assert ("张伟" in text) is (audience is not Audience.PUBLIC), audience
        assert found(text, "name") is (audience in (Audience.SECRETARIAT, Audience.APPLICANT, Audience.SUPPORT))
