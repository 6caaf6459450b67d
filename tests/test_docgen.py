"""The rendering pipeline: editions, escaping, glyph forms, PDF/A, metadata, versions.

Uses small templates made here, so these tests depend on the pipeline only; the authored
templates of templates/ are tested in test_templates.py and test_paperwork.py.
"""
from __future__ import annotations

import copy
import io
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image, ImageChops
from pypdf import PdfReader

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from cases.application import parse_application
from cases.errors import ImmutableVersionError
from cases.instruments import Subject, SubjectKind
from cases.models import DocumentVersion
from docgen.conversion import ConverterPool
from docgen.errors import DocgenError, TemplateError
from docgen.locale import Edition
from docgen.service import Request
from factories import BASE_APPLICATION

pytestmark = pytest.mark.slow

ZH_LINES = ["{{ mechanism.name }}", "{{ doc.title }} {{ doc.reference }}", "{{ addressee }}：",
            "贵方于{{ case.received_on }}提交的申请符合受理标准，现决定受理。相对方：{{ respondent.names }}。",
            "事实：{{ case.facts }}", "秘书处将于{{ limits.invitation.due }}前发出邀请。", "验证码 {{ doc.verification_code }}"]
EN_LINES = ["{{ mechanism.name }}", "{{ doc.title }} {{ doc.reference }}", "To {{ addressee }}:",
            "Your application of {{ case.received_on }} is accepted. Respondent: {{ respondent.names }}.",
            "Facts: {{ case.facts }}", "The invitation will be sent by {{ limits.invitation.due }}.",
            "Code {{ doc.verification_code }}"]
GLYPHS = "骨直角"


def make_template(path: Path, lines: list[str], *, lang: str, east_asia: str = "zh-CN", size_pt: int = 0) -> None:
    document = Document()
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), "Noto Serif CJK SC")
    language = defaults.find(qn("w:lang"))
    language.set(qn("w:val"), lang)
    language.set(qn("w:eastAsia"), east_asia)
    for line in lines:
        run = document.add_paragraph().add_run(line)
        if size_pt:
            from docx.shared import Pt
            run.font.size = Pt(size_pt)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterPool]:
    with ConverterPool(2, 60, tmp_path_factory.mktemp("pool")) as converter:
        yield converter


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    templates = tmp_path / "templates"
    make_template(templates / "zh" / "acceptance_decision.docx", ZH_LINES, lang="zh-CN")
    make_template(templates / "en" / "acceptance_decision.docx", EN_LINES, lang="en-GB")
    make_template(templates / "zh" / "invitation.docx", [GLYPHS], lang="zh-CN", size_pt=72)
    make_template(templates / "en" / "invitation.docx", [GLYPHS], lang="en-GB", size_pt=72)
    settings = Settings(**{**vars(Settings.load(tmp_path / "data")), "templates_dir": templates})
    application = App(settings, today=lambda: date(2026, 11, 25))
    application.init()
    yield application
    application.close()


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def render(app: App, pool: ConverterPool, number: str, request: Request, formats=("docx", "pdf")):  # type: ignore[no-untyped-def]
    from cases.documents import instance_key
    from docgen.service import DocumentService

    with app.procedure() as proc:
        docs = DocumentService(proc.session, app.store, app.templates, instance_key(app.settings.data_dir),
                               proc.actor, app.today, pool)
        return docs.render(proc.get_case(number), request, formats)


def test_four_editions_keep_names_as_entered(app: App, pool: ConverterPool, tmp_path: Path) -> None:
    with app.procedure() as proc:
        run_demo_cases(proc)
    texts = {e: docx_text(render(app, pool, "MVC-2025-0002", Request("acceptance_decision", e), ["docx"]).docx)
             for e in Edition}
    assert "现决定受理" in texts[Edition.ZH] and "2025年3月3日" in texts[Edition.ZH]
    assert "is accepted" in texts[Edition.EN] and "3 March 2025" in texts[Edition.EN]
    hant = texts[Edition.ZH_HANT]
    assert "貴方於" in hant and "現決定受理" in hant and "調解磋商機制" in hant
    assert "华钴精炼有限公司" in hant and "華鈷" not in hant  # a company's name is printed as entered
    both = texts[Edition.BILINGUAL]
    assert both.index("现决定受理") < both.index("以中文文本为准") < both.index("the Chinese text prevails") \
        < both.index("is accepted")


def test_party_text_is_data_never_template_code(app: App, pool: ConverterPool, tmp_path: Path) -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    hostile = "Mines & Co <b>bold</b> \"quoted\" 'single' {{ 7*7 }} {% if true %}yes{% endif %}"
    document["respondent"]["members"][0]["full_name"] = hostile
    document["facts"] = "First line & <tag>\nSecond line {{ config }}"
    with app.procedure() as proc:
        number = proc.file_application(parse_application(document)).number
    rendered = render(app, pool, number, Request("acceptance_decision", Edition.EN))
    text = docx_text(rendered.docx)
    assert hostile in text and "49" not in text
    assert "First line & <tag>" in text and "Second line {{ config }}" in text
    xml = Document(io.BytesIO(rendered.docx)).element.xml
    assert "<w:br/>" in xml  # the newline became a line break
    pdf = " ".join(pdf_text(rendered.pdf, tmp_path).split())  # pdftotext wraps lines
    assert hostile in pdf


def test_pdf_is_pdfa2b_with_metadata_and_embedded_fonts(app: App, pool: ConverterPool, tmp_path: Path) -> None:
    with app.procedure() as proc:
        run_demo_cases(proc)
    rendered = render(app, pool, "MVC-2025-0002", Request("acceptance_decision", Edition.ZH))
    reader = PdfReader(io.BytesIO(rendered.pdf))
    xmp = reader.xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "B")  # type: ignore[union-attr]
    info = reader.metadata
    assert info.title == "受理决定书 Decision to Accept the Application"
    assert "MVC-2025-0002; instrument=acceptance_decision; lang=zh; version=1" in info.subject
    assert rendered.code in info.subject
    path = tmp_path / "doc.pdf"
    path.write_bytes(rendered.pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    text = pdf_text(rendered.pdf, tmp_path)
    assert "现决定受理" in text and rendered.code in text


def _glyph_image(pdf: bytes, tmp_path: Path, name: str) -> Image.Image:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / name)], check=True)
    image = Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L")
    box = ImageChops.invert(image).getbbox()
    assert box is not None, f"{name}: the page is blank"
    return image.crop(box)


def _differ(a: Image.Image, b: Image.Image) -> float:
    b = b.resize(a.size)
    histogram = ImageChops.difference(a, b).histogram()
    return sum(count for value, count in enumerate(histogram) if value > 64) / (a.size[0] * a.size[1])


def test_chinese_is_drawn_in_simplified_and_traditional_forms_not_japanese(app: App, pool: ConverterPool,
                                                                         tmp_path: Path) -> None:
    """骨直角 differ between the SC, TC and JP faces; the East Asian language decides which LibreOffice uses."""
    with app.procedure() as proc:
        run_demo_cases(proc)
    simplified = _glyph_image(render(app, pool, "MVC-2025-0002", Request("invitation", Edition.ZH)).pdf,
                              tmp_path, "sc")
    again = _glyph_image(render(app, pool, "MVC-2025-0002", Request("invitation", Edition.ZH)).pdf, tmp_path, "sc2")
    traditional = _glyph_image(render(app, pool, "MVC-2025-0002", Request("invitation", Edition.ZH_HANT)).pdf,
                               tmp_path, "tc")
    # The mistake the field notes describe: python-docx's default East Asian language (en-US).
    make_template(tmp_path / "jp.docx", [GLYPHS], lang="en-US", east_asia="en-US", size_pt=72)
    japanese = _glyph_image(pool.convert((tmp_path / "jp.docx").read_bytes(), name="jp"), tmp_path, "jp")
    assert _differ(simplified, again) < 0.002  # the same rendering twice is the same image
    assert _differ(simplified, traditional) > 0.01
    assert _differ(simplified, japanese) > 0.01


def test_versions_are_numbered_and_issued_ones_are_immutable(app: App, pool: ConverterPool) -> None:
    with app.procedure() as proc:
        run_demo_cases(proc)
    first = render(app, pool, "MVC-2025-0002", Request("acceptance_decision", Edition.ZH))
    second = render(app, pool, "MVC-2025-0002", Request("acceptance_decision", Edition.ZH))
    assert (first.version, second.version) == (1, 2) and first.code != second.code
    assert first.docx_version.template_sha256 == second.docx_version.template_sha256
    assert app.store.get(second.pdf_version.sha256) == second.pdf
    with app.procedure() as proc:
        from cases.documents import find_by_code, issue

        versions = find_by_code(proc.session, second.code.lower().replace("-", ""))
        assert [v.format for v in versions] == ["docx", "pdf"]
        for version in versions:
            issue(proc.session, version, "officer")
    with pytest.raises(ImmutableVersionError, match="was issued and cannot change"):
        with app.procedure() as proc:
            pdf = proc.session.get(DocumentVersion, second.pdf_version.id)
            pdf.sha256 = "0" * 64
    with pytest.raises(ImmutableVersionError, match="cannot be deleted"):
        with app.procedure() as proc:
            proc.session.delete(proc.session.get(DocumentVersion, second.pdf_version.id))
    third = render(app, pool, "MVC-2025-0002", Request("acceptance_decision", Edition.ZH), ["docx"])
    assert third.version == 3 and third.docx_version.status == "draft"


def test_bad_requests_say_which_and_why(app: App, pool: ConverterPool, tmp_path: Path) -> None:
    with app.procedure() as proc:
        run_demo_cases(proc)
    with pytest.raises(DocgenError, match="rejection_decision does not apply to MVC-2025-0002 .*not rejected"):
        render(app, pool, "MVC-2025-0002", Request("rejection_decision", Edition.ZH))
    with pytest.raises(DocgenError, match="'objection:9' is not one of objection:1"):
        render(app, pool, "MVC-2025-0002", Request("objection_decision", Edition.ZH, Subject(SubjectKind.OBJECTION, 9)))
    with pytest.raises(TemplateError, match="triage_record.docx: template missing"):
        render(app, pool, "MVC-2025-0002", Request("triage_record", Edition.ZH))
    make_template(app.settings.templates_dir / "en" / "acceptance_decision.docx", ["{{ case.no_such_field }}"],
                  lang="en-GB")
    app.templates._cache.clear()
    with pytest.raises(TemplateError, match="en/acceptance_decision.docx: uses a value the context does not provide"):
        render(app, pool, "MVC-2025-0002", Request("acceptance_decision", Edition.EN))
    with pytest.raises(ValueError, match="unknown edition 'fr'"):
        Edition.parse("fr")


# == continuation closure reports ==========================================================

SHA = "3f" * 32
CONTINUATION_ZH = ["{{ doc.title }} {{ doc.reference }}",
                   "{% if continuation.number %}第{{ continuation.number }}号续报：前一份 {{ continuation.previous_code }} "
                   "{{ continuation.previous_sha256 }} {{ continuation.previous_issued_on }}{% else %}原报告{% endif %}"]
CONTINUATION_EN = ["{{ doc.title }} {{ doc.reference }}",
                   "{% if continuation.number %}Continuation no. {{ continuation.number }}: previous "
                   "{{ continuation.previous_code }} {{ continuation.previous_sha256 }} "
                   "{{ continuation.previous_issued_on }}{% else %}original{% endif %}"]


def test_a_continuation_report_is_its_own_subject_and_names_the_previous_one(
        app: App, pool: ConverterPool, tmp_path: Path) -> None:
    from docgen.context import Continuation

    templates = app.settings.templates_dir
    make_template(templates / "zh" / "closure_report.docx", CONTINUATION_ZH, lang="zh-CN")
    make_template(templates / "en" / "closure_report.docx", CONTINUATION_EN, lang="en-GB")
    with app.procedure() as proc:
        run_demo_cases(proc)
    original = render(app, pool, "MVC-2025-0002", Request("closure_report", Edition.ZH), ["docx"])
    continuation = Continuation(2, SHA.upper(), original.code.lower(), date(2026, 3, 20))
    assert (continuation.previous_sha256, continuation.previous_code) == (SHA, original.code)  # normalised
    request = Request("closure_report", Edition.ZH, continuation=continuation)
    assert request.subject == Subject(SubjectKind.CONTINUATION, 2)
    second = render(app, pool, "MVC-2025-0002", request)
    assert f"第2号续报：前一份 {original.code} {SHA} 2026年3月20日" in docx_text(second.docx)
    assert "原报告" in docx_text(original.docx) and "续报" not in docx_text(original.docx)
    assert "MVC-2025-0002/closure_report/2" in docx_text(second.docx)
    compact = "".join(pdf_text(second.pdf, tmp_path).split())  # a 64-digit hash may wrap
    assert SHA in compact and "第2号续报" in compact and original.code in compact
    english = render(app, pool, "MVC-2025-0002", Request("closure_report", Edition.EN, continuation=continuation))
    assert f"Continuation no. 2: previous {original.code} {SHA} 20 March 2026" in docx_text(english.docx)
    assert SHA in "".join(pdf_text(english.pdf, tmp_path).split())
    # Versions are numbered per subject: the continuation's own series, the original's unchanged.
    assert second.version == 1
    assert second.docx_version.subject == second.pdf_version.subject == Subject(SubjectKind.CONTINUATION, 2)
    again = render(app, pool, "MVC-2025-0002", request, ["docx"])
    assert again.version == 2 and again.code != second.code
    assert render(app, pool, "MVC-2025-0002", Request("closure_report", Edition.ZH), ["docx"]).version == 2
    assert again.name == "closure_report-continuation-2.zh"


def test_continuation_requests_that_do_not_fit_are_refused(app: App, pool: ConverterPool) -> None:
    from cases.errors import InvalidInputError
    from docgen.context import Continuation

    with app.procedure() as proc:
        run_demo_cases(proc)
    continuation = Continuation(2, SHA, "ABCD-EFGH-IJ", date(2026, 3, 20))
    refusals = {
        "only a closure report has continuation reports \\(acceptance_decision has none\\)":
            Request("acceptance_decision", Edition.ZH, continuation=continuation),
        "continuation:2 is a continuation report: it needs the previous report's details":
            Request("closure_report", Edition.ZH, Subject(SubjectKind.CONTINUATION, 2)),
        "the subject is continuation:3 but the continuation details are for number 2":
            Request("closure_report", Edition.ZH, Subject(SubjectKind.CONTINUATION, 3),
                    continuation=continuation),
        "'continuation:1' is not a matter of a closure_report: it is issued for the case as a whole or "
        "continuation:<2, 3, ...>": Request("closure_report", Edition.ZH, Subject(SubjectKind.CONTINUATION, 1)),
        "'objection:1' is not a matter of a acceptance_decision": Request("acceptance_decision", Edition.ZH,
                                                                           Subject(SubjectKind.OBJECTION, 1)),
    }
    for message, request in refusals.items():
        with pytest.raises(DocgenError, match=message):
            render(app, pool, "MVC-2025-0002", request, ["docx"])
    with pytest.raises(DocgenError, match="closure_report does not apply to MVC-2025-0001 .*not been terminated"):
        render(app, pool, "MVC-2025-0001", Request("closure_report", Edition.ZH, continuation=continuation), ["docx"])
    for bad, message in (((1, SHA, "ABCD-EFGH-IJ"), "number 2 or later"), ((2, SHA[:-1], "ABCD-EFGH-IJ"), "64 hex"),
                         ((2, SHA, "ABC"), "XXXX-XXXX-XX")):
        with pytest.raises(InvalidInputError, match=message):
            Continuation(*bad, date(2026, 3, 20))  # type: ignore[arg-type]
