"""The authored templates of templates/: lint, real renders of the demo cases, escaping, PDF.

Everything here renders the committed .docx files with real contexts built from the demo
cases (no mocks), so a template an officer breaks in Word makes these tests fail.
"""
from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from PIL import Image

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from cases import views
from cases.application import parse_application
from cases.instruments import INSTRUMENTS, Subject
from cases.vocabulary import SideRole, SignerRole
from docgen.context import ContextBuilder, Continuation, subjects
from docgen.contract import ANCHOR_MONITORING, ANCHOR_SEAL, LANGUAGES
from docgen.lint import lint_templates, stand_in_context
from docgen.locale import Localizer
from docgen.render import render_docx
from factories import BASE_APPLICATION
from signing_record_support import frozen_agreement

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TODAY = date(2026, 11, 25)
LANGS = LANGUAGES


@dataclass(frozen=True)
class Rendered:
    case: str
    instrument: str
    subject: Subject | None
    lang: str
    data: dict[str, Any]
    docx: bytes

    @property
    def text(self) -> str:
        return docx_text(self.docx)


def docx_text(data: bytes) -> str:
    """Body paragraphs, table cells (nested too), headers and footers, in document order."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []

    def walk(container: Any) -> None:
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)

    walk(document)
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(lines)


def render(case: Any, instrument_id: str, subject: Subject | None, lang: str, events: list[tuple[date | None, str]],
           continuation: Continuation | None = None) -> Rendered:
    data = ContextBuilder(case, Localizer(lang), TODAY, events).build(instrument_id, subject,
                                                                      continuation=continuation).as_data()
    docx = render_docx(TEMPLATES / lang / f"{instrument_id}.docx", data,
                       name=f"{lang}/{instrument_id}.docx", strict=True)
    return Rendered(case.number, instrument_id, subject, lang, data, docx)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    application = App(Settings.load(tmp_path_factory.mktemp("data")), today=lambda: TODAY)
    application.init()
    yield application
    application.close()


SIGNING_RECORD_PEOPLE = [(SideRole.APPLICANT, SignerRole.REPRESENTATIVE, "Jean-Pierre Mwamba"),
                         (SideRole.RESPONDENT, SignerRole.AGENT, "张伟 (Zhang Wei)")]


@pytest.fixture(scope="module")
def demo(app: App) -> list[Rendered]:
    """Every applicable (instrument, subject) of the three demo cases, in zh and en."""
    rendered = []
    with app.procedure() as proc:
        cases = run_demo_cases(proc)
        for case in cases:
            events = [(e.on, e.text) for e in views.timeline(proc.session, case)]
            for instrument_id in INSTRUMENTS:
                for subject in subjects(case, instrument_id):
                    for lang in LANGS:
                        rendered.append(render(case, instrument_id, subject, lang, events))
        # The signing record applies once the co-signed agreement is frozen: made last, because the
        # signers it enrols would change the other instruments' signatories.
        for case in cases:
            if case.agreement is not None:
                frozen_agreement(proc.session, case, SIGNING_RECORD_PEOPLE, case.agreement.signed_on or case.received_on)
                events = [(e.on, e.text) for e in views.timeline(proc.session, case)]
                rendered += [render(case, "signing_record", None, lang, events) for lang in LANGS]
    return rendered


# == lint ==================================================================================

def test_lint_accepts_the_committed_templates() -> None:
    assert [str(p) for p in lint_templates(TEMPLATES)] == []


def test_stand_in_context_has_every_rule_and_one_element_per_list() -> None:
    context = stand_in_context()
    from cases.rules import RULES

    assert set(context["limits"]) == set(RULES)
    assert context["case"]["number"] == "[case.number]"
    assert len(context["agreement"]["obligations"]) == 1 and context["item"]["granted"] is True


def _edit_xml(path: Path, edit: Any, part: str = "word/document.xml") -> None:
    """Rewrite one XML part of a DOCX in place (as Word would when an officer edits)."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == part:
                new = edit(data.decode("utf-8"))
                assert new != data.decode("utf-8"), f"the edit changed nothing in {path.name}"
                data = new.encode("utf-8")
            target.writestr(info, data)


def _once(pattern: str, replacement: str) -> Any:
    return lambda xml: re.sub(pattern, replacement, xml, count=1)


def test_lint_catches_and_names_each_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    # Word split one tag over two runs.
    _edit_xml(broken / "zh" / "acceptance_decision.docx",
              _once(r"({{ case\.num)(ber }})", r"\1</w:t></w:r><w:r><w:t>\2"))
    # A misspelt variable, inside an `else` branch the stand-in render never takes.
    _edit_xml(broken / "en" / "recusal_decision.docx",
              _once(r"{{ item\.appointee }} is not recused", "{{ item.apointee }} is not recused"))
    # A misspelt variable where the render meets it.
    _edit_xml(broken / "en" / "invitation.docx", _once(r"{{ case\.accepted_on }}", "{{ case.acepted_on }}"))
    # Attribute syntax on a field named like a dict method prints the method, not the field.
    _edit_xml(broken / "zh" / "supplement_request.docx", _once(r"{{ item\['items'\] }}", "{{ item.items }}"))
    # A Jinja syntax error.
    _edit_xml(broken / "zh" / "agreement.docx", _once(r"{% endif %}", "{% endiff %}"))
    # The seal anchor deleted.
    _edit_xml(broken / "en" / "termination_notice.docx", _once(ANCHOR_SEAL, "SEAL"))
    # The monitoring page no longer starts a new page.
    _edit_xml(broken / "zh" / "closure_report.docx", _once(r"<w:pageBreakBefore/>", ""))
    # A missing language and a stray file.
    (broken / "en" / "agreement.docx").unlink()
    (broken / "zh" / "notes.txt").write_text("draft")

    problems = lint_templates(broken)
    by_file: dict[str, list[str]] = {}
    for problem in problems:
        by_file.setdefault(str(problem.path.relative_to(broken)), []).append(problem.problem)

    def one(file: str, *words: str) -> None:
        assert file in by_file, f"{file} not flagged; flagged: {by_file}"
        assert any(all(w in p for w in words) for p in by_file[file]), by_file[file]

    one("zh/acceptance_decision.docx", "split", "{{ case.number }}")
    one("en/recusal_decision.docx", "does not provide", "item.apointee")
    one("en/invitation.docx", "does not provide", "case.acepted_on")
    one("zh/agreement.docx", "syntax error")
    one("zh/supplement_request.docx", "item.items", "dict method")
    one("en/termination_notice.docx", ANCHOR_SEAL, "missing")
    one("zh/closure_report.docx", "new page")
    one("en/agreement.docx", "missing")
    one("zh/notes.txt", "unknown file")
    assert len(by_file) == 9, by_file  # nothing else is flagged


def test_lint_rejects_a_visible_anchor_and_a_japanese_default(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    _edit_xml(broken / "zh" / "triage_record.docx",
              _once(r'(<w:r>(?:(?!</w:r>).)*?)<w:color w:val="FFFFFF"/>((?:(?!</w:r>).)*?CASEDOCS-SIG-applicant)',
                    r'\1<w:color w:val="000000"/>\2'))  # black: the character style no longer counts
    _edit_xml(broken / "en" / "launch_notice.docx", _once(r'w:eastAsia="zh-CN"', 'w:eastAsia="ja-JP"'),
              part="word/styles.xml")
    flagged = {(str(p.path.relative_to(broken)), p.problem) for p in lint_templates(broken)}
    assert any(f == "zh/triage_record.docx" and "visible" in p for f, p in flagged), flagged
    assert any(f == "en/launch_notice.docx" and "Japanese" in p for f, p in flagged), flagged
    assert len({f for f, _ in flagged}) == 2


def test_lint_checks_each_signatorys_anchor_and_signature_area(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    # Back to one anchor for the side's block: boxes would be stacked over the printed names.
    _edit_xml(broken / "zh" / "agreement.docx",
              _once(r"CASEDOCS-SIG-respondent-\{\{ row\.number \}\}", "CASEDOCS-SIG-respondent"))
    # The empty area under the name line turned into an ordinary line (Word: "just an empty paragraph").
    _edit_xml(broken / "en" / "fact_finding_terms.docx",
              _once(r'<w:pStyle w:val="SignatureArea"/>', '<w:pStyle w:val="SignatureBlock"/>'))
    # Another expression numbering the signatories is fine.
    _edit_xml(broken / "en" / "triage_record.docx",
              _once(r"CASEDOCS-SIG-applicant-\{\{ row\.number \}\}", "CASEDOCS-SIG-applicant-{{ loop.index }}"))
    flagged = {(str(p.path.relative_to(broken)), p.problem) for p in lint_templates(broken)}
    assert {f for f, _ in flagged} == {"zh/agreement.docx", "en/fact_finding_terms.docx"}, flagged
    [(_, missing)] = [x for x in flagged if x[0] == "zh/agreement.docx"]
    assert "CASEDOCS-SIG-respondent-{{ n }} is missing" in missing and "{{ row.number }}" in missing
    [(_, area)] = [x for x in flagged if x[0] == "en/fact_finding_terms.docx"]
    assert "CASEDOCS-SIG-applicant-{{ n }}" in area and "empty paragraph of exact line height 56 pt" in area



def test_lint_holds_the_templates_to_the_page_and_the_seal_line_placement_expects(tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    # Word's "Normal" margins (2.54 cm all round): boxes would be laid out past the text.
    _edit_xml(broken / "zh" / "acceptance_decision.docx",
              _once(r'<w:pgMar w:top="1701" w:right="1474" w:bottom="1474" w:left="1587"',
                    '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"'))
    # US Letter paper.
    _edit_xml(broken / "en" / "invitation.docx", _once(r'<w:pgSz w:w="11906" w:h="16838"/>',
                                                       '<w:pgSz w:w="12240" w:h="15840"/>'))
    # "(seal)" deleted from the seal line: the seal would not know which line to sit on.
    _edit_xml(broken / "en" / "launch_notice.docx", _once(r"\(seal\)", ""))
    flagged = {(str(p.path.relative_to(broken)), p.problem) for p in lint_templates(broken)}
    assert {f for f, _ in flagged} == {"zh/acceptance_decision.docx", "en/invitation.docx",
                                       "en/launch_notice.docx"}, flagged
    [(_, margins)] = [x for x in flagged if x[0] == "zh/acceptance_decision.docx"]
    assert "margins are top 2.54, right 2.54, bottom 2.54, left 2.54 cm" in margins
    assert "top 3, right 2.6, bottom 2.6, left 2.8 cm" in margins
    [(_, paper)] = [x for x in flagged if x[0] == "en/invitation.docx"]
    assert "the page is 21.59 x 27.94 cm, not A4" in paper
    [(_, seal_line)] = [x for x in flagged if x[0] == "en/launch_notice.docx"]
    assert ANCHOR_SEAL in seal_line and "(seal)" in seal_line


def test_signing_reads_the_template_contract_without_loading_docgen_or_the_domain() -> None:
    # The contract is shared by placement and the lint; signing must not pull in docxtpl,
    # LibreOffice, Jinja or the case record through it.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, signing.placement; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, cwd=TEMPLATES.parent,
    ).stdout.split()
    assert [m for m in loaded if m.split(".")[0] in ("docgen", "cases", "casedocs", "docxtpl", "docx", "jinja2",
                                                      "unoserver", "sqlalchemy")] == ["docgen", "docgen.contract"]

# == the demo cases, rendered ===============================================================

def _expected(r: Rendered) -> list[str]:
    """Strings the rendered instrument must contain: its particular content."""
    d, item, limits = r.data, r.data["item"], r.data["limits"]
    zh = r.lang == "zh"
    by_instrument: dict[str, list[str]] = {
        "application_form": [c["claim"] for c in d["claims"]] + [c["reasons"] for c in d["claims"]]
        + [e["title"] for e in d["exhibits"]] + [m["contact"] for m in d["applicant"]["members"] if m["contact"]]
        + [m["name"] for m in d["respondent"]["members"]] + [d["case"]["facts"]],
        "power_of_attorney": [item["appointee"], item["target"], item["requested_by"]],
        "supplement_request": [item["items"], limits["formal_review"]["due"]],
        "acceptance_decision": [limits["invitation"]["due"], limits["formal_review"]["clause"]],
        "rejection_decision": [d["case"]["rejection_grounds"], "再次提出申请" if zh else "apply to the Secretariat again"],
        "invitation": [limits["invitation_response"]["due"], limits["invitation_response"]["basis"]]
        + [c["claim"] for c in d["claims"]],
        "second_invitation": [limits["second_invitation_response"]["due"], "视为贵方拒绝邀请" if zh else "deemed"],
        "launch_notice": [limits["triage"]["due"], d["case"]["preliminary_response"]],
        "non_launch_notice": [d["respondent"]["names"], d["case"]["response_on"], "不予启动" if zh else "not be launched"],
        "triage_recommendation": [d["triage"]["reasoning"], d["triage"]["recommended_path"], limits["triage"]["due"]],
        "triage_record": [d["triage"]["agreed_path"], d["triage"]["path_period"], d["triage"]["agreed_on"]],
        "path_switch_decision": [item["from_path"], item["to_path"], item["due"]],
        "extension_decision": [item["new_due"], item["previous_due"], item["extension"], item["clause"]],
        "appointment_letter": [item["appointee"], item["target"], item["decided_on"]],
        "fact_finding_terms": [item["scope"], item["due"], item["appointee"]],
        "assessment_request": [item["scope"], item["appointee"], item["due"]],
        "confidentiality_decision": [item["decision"], item["information"], item["audience"], item["duration"]],
        "objection_decision": [item["decision"], item["decision_reason"], item["measures"],
                               limits["objection_decision"]["basis"]],
        "recusal_decision": [item["appointee"], item["decision_reason"],
                             "各方不得就该决定申请复议" if zh else "no side may ask for it to be reconsidered"],
        "agreement": [o["description"] for o in d["agreement"]["obligations"]]
        + [o["due"] for o in d["agreement"]["obligations"]] + [o["indicators"] for o in d["agreement"]["obligations"]]
        + [d["agreement"]["feedback_plan"], d["agreement"]["disclosure_plan"], d["agreement"]["communication_plan"],
           "本方案不得违反适用的法律法规" if zh else "must not breach applicable laws"],
        "termination_notice": [d["case"]["termination_ground"], d["case"]["terminated_on"]],
        "closure_report": [d["closure"]["facts_established"], d["closure"]["recommendations"],
                           d["closure"]["points_in_dispute"], d["case"]["termination_ground"]]
        + [e["text"] for e in d["events"]] + ["监测记录" if zh else "Monitoring record"],
        "signing_record": [v for doc in d["signing_record"]["documents"] for v in (doc["sha256"], doc["title"])]
        + [v for s in d["signing_record"]["signatures"] for v in (s["signer"], s["role"], s["side"], s["method"])],
        "case_summary": [d["case"]["region"], d["case"]["industry"], d["applicant"]["categories"],
                         d["respondent"]["categories"], d["case"]["stage"]]
        + [u["text"] for u in d["monitoring"]] + ([d["case"]["public_summary"]] if d["case"]["public_summary"] else []),
    }
    return [s for s in by_instrument[r.instrument] if s]


def test_every_instrument_is_rendered_in_both_languages(demo: list[Rendered]) -> None:
    assert {(r.instrument, r.lang) for r in demo} == {(i, lang) for i in INSTRUMENTS for lang in LANGS}


def test_rendered_instruments_carry_their_content(demo: list[Rendered]) -> None:
    failures = []
    for r in demo:
        text = r.text
        instrument = INSTRUMENTS[r.instrument]
        wanted = [r.case, instrument.zh if r.lang == "zh" else instrument.en, r.data["doc"]["reference"],
                  r.data["addressee"], r.data["mechanism"]["name"], *_expected(r)]
        if r.instrument not in {"application_form", "power_of_attorney", "assessment_request"}:
            wanted.append(r.data["doc"]["issue_date"])  # party-signed forms are dated by hand
        wanted.append("验证码" if r.lang == "zh" else "Verification code")
        # English prose lower-cases vocabulary labels mid-sentence ("changes from internal mediation").
        missing = [w for w in wanted if w not in text and not (r.lang == "en" and w.lower() in text.lower())]
        if missing:
            failures.append(f"{r.case} {r.instrument} {r.subject} {r.lang}: missing {missing}")
        if "[" in text and re.search(r"\[(case|doc|item|limits)\.", text):
            failures.append(f"{r.case} {r.instrument} {r.lang}: a stand-in marker leaked")
    assert not failures, "\n".join(failures)


def test_signing_anchors_survive_rendering(demo: list[Rendered]) -> None:
    for r in demo:
        text, instrument = r.text, INSTRUMENTS[r.instrument]
        assert (ANCHOR_SEAL in text) == instrument.issued_by_secretariat, (r.instrument, r.lang)
        if instrument.co_signed:
            assert "CASEDOCS-SIG-applicant" in text and "CASEDOCS-SIG-respondent" in text, r.instrument
        assert (ANCHOR_MONITORING in text) == (r.instrument == "closure_report"), (r.instrument, r.lang)
    # A party-signed instrument of the respondent carries the respondent's block only.
    poa = next(r for r in demo if r.instrument == "power_of_attorney" and r.data["item"]["requested_by"]
               == r.data["respondent"]["role"])
    assert "CASEDOCS-SIG-respondent" in poa.text and "CASEDOCS-SIG-applicant" not in poa.text


@pytest.mark.parametrize("lang", LANGS)
def test_signature_blocks_list_each_signatory(demo: list[Rendered], lang: str) -> None:
    """Nobody is enrolled in the demo: a draft lists who acts for each side, each with its own anchor."""
    roles = {"zh": ("代表人", "主体", "代理人"), "en": ("Representative", "Member", "Agent")}[lang]
    for instrument in ("agreement", "triage_record", "fact_finding_terms"):
        rendered = next(r for r in demo if r.instrument == instrument and r.lang == lang)
        text, data = rendered.text, rendered.data
        # The applicant side (four members) signs by its representatives, the respondent by each member.
        expected = {
            "applicant": [(p["name"], roles[0]) for p in data["applicant"]["representatives"]],
            "respondent": [(m["name"], roles[1]) for m in data["respondent"]["members"]],
        }
        for side in expected:
            expected[side] += [(a["name"], roles[2]) for a in data[side]["agents"]]
            assert [(s["name"], s["role"]) for s in data[side]["signatories"]] == expected[side]
            for number, (name, role) in enumerate(expected[side], start=1):
                separator = "：" if lang == "zh" else ": "
                assert f"CASEDOCS-SIG-{side}-{number}{role}{separator}{name}" in text, (instrument, side, number)
            assert f"CASEDOCS-SIG-{side}-{len(expected[side]) + 1}" not in text
        rows = data["signature_rows"]
        assert [r["number"] for r in rows] == list(range(1, max(map(len, expected.values())) + 1))
        assert "签字：" not in text and "Signature:" not in text  # no lines for ink: they sign digitally


def test_the_case_summary_discloses_only_public_information(demo: list[Rendered]) -> None:
    for r in (r for r in demo if r.instrument == "case_summary"):
        text = r.text
        for side in ("applicant", "respondent"):
            for member in r.data[side]["members"]:
                for private in (member["name"], member["contact"], member["address"]):
                    assert not private or private not in text, (r.case, r.lang, private)
        assert r.data["case"]["title"] not in text  # the title names the parties
        assert r.data["case"]["facts"] not in text
        assert "testimony on skin irritation" not in text  # the information under confidentiality


def test_the_invitation_states_the_reply_deadline(demo: list[Rendered]) -> None:
    zh = next(r for r in demo if r.case == "MVC-2025-0002" and r.instrument == "invitation" and r.lang == "zh")
    en = next(r for r in demo if r.case == "MVC-2025-0002" and r.instrument == "invitation" and r.lang == "en")
    assert "请贵方自本邀请送达之日起20个工作日内，即2025年4月21日前，以书面形式告知秘书处是否接受邀请。" in zh.text
    assert "within 20 working days of the delivery of this invitation, that is, by 21 April 2025, whether" in en.text


def test_a_provisional_date_says_so(tmp_path: Path) -> None:
    """A reply due in 2027, whose official holidays are unpublished, is marked provisional."""
    application = App(Settings.load(tmp_path / "data"), today=lambda: date(2026, 12, 31))
    application.init()
    document = copy.deepcopy(BASE_APPLICATION)
    document["received_on"] = "2026-12-01"
    with application.procedure() as proc:
        case = proc.file_application(parse_application(document))
        proc.accept(case, date(2026, 12, 8))
        proc.send_invitation(case, date(2026, 12, 10))
        proc.record_delivery(case, "invitation", date(2026, 12, 11), side=SideRole.RESPONDENT)
        for lang, note in (("zh", "（暂定："), ("en", "(provisional:")):
            rendered = render(case, "invitation", None, lang, [])
            limit = rendered.data["limits"]["invitation_response"]
            assert limit["provisional"] and "2027" in limit["due"]
            assert f"{limit['due']}前{limit['note']}" in rendered.text if lang == "zh" \
                else f"by {limit['due']} {limit['note']}" in rendered.text
            assert note in rendered.text
    application.close()


# == escaping ==============================================================================

HOSTILE = "Mines & Co <b>bold</b> \"quoted\" 'single' {{ 7*7 }} {% if true %}yes{% endif %}"
FACTS = "First line & <tag> {{ 7*7 }}\nSecond line {% if x %} 'it' \"is\""


def test_party_text_prints_literally(app: App) -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    document["respondent"]["members"][0]["full_name"] = HOSTILE
    document["applicant"]["members"][0]["full_name"] = "Kawama <Village> & \"Sons\""
    document["facts"] = FACTS
    with app.procedure() as proc:
        case = proc.file_application(parse_application(document))
        proc.accept(case, date(2025, 3, 12))
        for instrument_id in ("application_form", "acceptance_decision", "invitation"):
            for lang in LANGS:
                rendered = render(case, instrument_id, None, lang, [])
                text = rendered.text  # python-docx opens it: the XML is intact
                assert HOSTILE in text, (instrument_id, lang)
                assert "Kawama <Village> & \"Sons\"" in text
                assert "{{ 7*7 }}" in text and "49" not in text
                if instrument_id != "acceptance_decision":  # the facts are printed on these two
                    assert FACTS in text, (instrument_id, lang)  # the newline is a line break in one paragraph
                    xml = Document(io.BytesIO(rendered.docx)).element.xml
                    assert re.search(r"First line &amp; &lt;tag&gt; \{\{ 7\*7 \}\}</w:t>\s*<w:br/>", xml)


# == PDF: LibreOffice, fonts, the look of the page ==========================================

def _convert(docx_files: list[Path], out: Path, profile: Path) -> None:
    """One headless soffice for a few documents (the naive way; the pool is tested elsewhere)."""
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, docx_files)],
                   check=True, capture_output=True, timeout=240)


def _pdf_text(path: Path, *pages: int) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", *span, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdffonts"),
                    reason="LibreOffice or poppler-utils is not installed")
def test_pdfs_show_the_chinese_title_embed_their_fonts_and_look_like_a_notice(
        demo: list[Rendered], tmp_path: Path) -> None:
    chosen = {("MVC-2025-0002", "acceptance_decision", "zh"), ("MVC-2025-0002", "closure_report", "zh"),
              ("MVC-2025-0002", "agreement", "en"), ("MVC-2025-0003", "non_launch_notice", "zh")}
    files = []
    for r in demo:
        if (r.case, r.instrument, r.lang) in chosen:
            path = tmp_path / f"{r.case}-{r.instrument}-{r.lang}.docx"
            path.write_bytes(r.docx)
            files.append(path)
    assert len(files) == len(chosen)
    _convert(files, tmp_path, tmp_path / "profile")
    for docx_path in files:
        pdf = docx_path.with_suffix(".pdf")
        case, instrument_id, lang = docx_path.stem.rsplit("-", 2)
        text = " ".join(_pdf_text(pdf).split())
        title = INSTRUMENTS[instrument_id].zh if lang == "zh" else INSTRUMENTS[instrument_id].en
        assert title in text and case in text, pdf.name
        assert ANCHOR_SEAL in text  # the signing module finds the seal area in the PDF
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
        assert all("NotoSerifCJK" in line for line in fonts), fonts
    closure = tmp_path / "MVC-2025-0002-closure_report-zh.pdf"
    last = _pdf_text(closure, _pages(closure))
    assert "监测记录" in last and ANCHOR_MONITORING in last and "结案报告" not in last
    # Page 1 of a notice: the red masthead and rule at the top, black text below, in the footer
    # "第 1 页 共 N 页". (The PNG is also there to look at: pdftoppm -r 50.)
    notice = tmp_path / "MVC-2025-0002-acceptance_decision-zh.pdf"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(notice), str(tmp_path / "page")],
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    top = image.crop((0, 0, image.width, image.height // 5))
    colours = top.getcolors(maxcolors=top.width * top.height) or []
    red = sum(count for count, (r, g, b) in colours if r > 150 and g < 90 and b < 90)
    assert red > 200, f"no red masthead on page 1 ({red} red pixels)"
    first_page = re.sub(r"\s", "", _pdf_text(notice, 1))
    assert re.search(r"第1页共\d+页", first_page) and "受理决定书" in first_page


# == continuation closure reports ==========================================================

SHA = "9d5ed678fe57bcca610140957afab571" * 2
STATEMENTS = {
    "zh": f"本报告为结案报告第2号续报。前一份结案报告（核验码 ABCD-EFGH-IJ，SHA-256 {SHA}，签发日期 2026年3月20日）"
          "的监测记录栏已用满，此后的监测记录在本报告中签署。",
    "en": "This is continuation report no. 2 of the closure report. The monitoring record of the previous report "
          f"(verification code ABCD-EFGH-IJ, SHA-256 {SHA}, issued 20 March 2026) is full; later monitoring "
          "updates are signed on this report.",
}


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice or poppler-utils is not installed")
def test_a_continuation_closure_report_states_under_its_title_what_it_continues(
        app: App, demo: list[Rendered], tmp_path: Path) -> None:
    continuation = Continuation(2, SHA, "ABCD-EFGH-IJ", date(2026, 3, 20))
    files = []
    with app.procedure() as proc:
        case = proc.get_case("MVC-2025-0002")
        for lang in LANGS:
            rendered = render(case, "closure_report", continuation.subject, lang, [], continuation)
            text, statement = rendered.text, STATEMENTS[lang]
            title = INSTRUMENTS["closure_report"].zh if lang == "zh" else INSTRUMENTS["closure_report"].en
            assert text.index(title) < text.index(statement) < text.index(rendered.data["addressee"]), lang
            assert rendered.data["doc"]["reference"] == "MVC-2025-0002/closure_report/2"
            # the digest in its fixed-width character style, whole in one run
            xml = Document(io.BytesIO(rendered.docx)).element.xml
            assert re.search(r'<w:rStyle w:val="Digest"/>\s*</w:rPr>\s*<w:t[^>]*>' + SHA + "</w:t>", xml), lang
            original = next(r for r in demo if r.case == case.number and r.instrument == "closure_report"
                            and r.lang == lang)
            assert SHA not in original.text and ("续报" if lang == "zh" else "continuation report") not in original.text
            path = tmp_path / f"continuation-{lang}.docx"
            path.write_bytes(rendered.docx)
            files.append(path)
    _convert(files, tmp_path, tmp_path / "profile")
    for lang in LANGS:
        compact = "".join(_pdf_text(tmp_path / f"continuation-{lang}.pdf", 1).split())  # the hash may wrap
        assert SHA in compact and "".join(STATEMENTS[lang].split()) in compact, lang
