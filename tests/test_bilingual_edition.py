"""The bilingual edition as a reader holds it, and the path switch decision's reasons (issue 14), on
instruments the real pipeline renders (the committed templates, LibreOffice) for the demo's sample
case:

- the Chinese part's pages carry the Chinese header and footer, the English part's pages (from the
  page after the prevailing-language clause) the English ones: mechanism name, reference,
  verification code and page X of Y, the numbers running through the whole document;
- a path switch decision (第四章第二节第 4 条) quotes the reason the switch was decided for, in zh,
  en and both, in the DOCX and in the PDF.
"""
from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from cases.instruments import get_instrument
from docgen.context.builder import MECHANISM_EN, MECHANISM_ZH
from docgen.locale import Edition
from docgen.service import Rendered
from signing.pdftext import read_pages

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed"),
]

CASE = "MVC-2025-0002"
BILINGUAL = ("agreement", "termination_notice", "closure_report")
# The reason casedocs/demo.py gives when the sample case switches to external expert mediation.
SWITCH_REASON = "The hydrogeological questions need an external expert mediator."
# The reason is free text (issue 11, item switch:0): the zh part prints the English original marked as such.
SWITCH_LEAD = {"zh": "转换理由：〔原文为英文，译文待补〕", "en": "Reasons for the switch: "}

Key = tuple[str, str]  # instrument, edition


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Key, Rendered]]:
    """The sample case's bilingual agreement, termination notice and closure report, and its path
    switch decision in every edition but zh-Hant, as DOCX and PDF."""
    app = App(Settings.load(tmp_path_factory.mktemp("data")), today=lambda: date(2026, 11, 25))
    app.init()
    try:
        with app.procedure(actor="bilingual edition test") as proc:
            run_demo_cases(proc)
        with app.documents(actor="bilingual edition test") as (proc, docs):
            case = proc.get_case(CASE)
            requests = [r for r in docs.requests_for(case, (Edition.ZH, Edition.EN, Edition.BILINGUAL))
                        if (r.instrument in BILINGUAL and r.edition is Edition.BILINGUAL)
                        or r.instrument == "path_switch_decision"]
            out = {(r.request.instrument, r.request.edition.value): r
                   for r in docs.render_many(case, requests, ["docx", "pdf"])}
    finally:
        app.close()
    assert len(out) == len(BILINGUAL) + 3, sorted(out)  # one path switch in the sample case
    yield out


def squeezed(text: str) -> str:
    """Without any white space: LibreOffice spaces out justified CJK lines (转 换 理 由), pdf text
    breaks lines, and the templates use ideographic spaces around the footer's dots."""
    return re.sub(r"\s+", "", text)


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.mark.parametrize("instrument", BILINGUAL)
def test_the_english_part_of_the_bilingual_edition_has_the_english_header_and_footer(
    rendered: dict[Key, Rendered], instrument: str
) -> None:
    result = rendered[instrument, "bilingual"]
    assert result.pdf is not None
    pages = read_pages(result.pdf)
    total, reference = len(pages), f"{CASE}/{instrument}"
    texts = [squeezed("".join(line.text for line in page.lines())) for page in pages]
    last_chinese = max(i for i, text in enumerate(texts) if "以中文文本为准" in text)
    assert 0 < last_chinese + 1 < total, "the English part starts on a page of its own"
    assert squeezed(get_instrument(instrument).en) in texts[last_chinese + 1]  # ...and opens it
    for page in pages:
        lines = page.lines()
        header, footer, number = lines[0].text, lines[-1].text, page.index + 1
        if page.index <= last_chinese:
            assert header == MECHANISM_ZH, f"page {number}"
            assert squeezed(footer) == squeezed(f"{reference}·验证码{result.code}·第{number}页共{total}页")
        else:
            assert header == MECHANISM_EN, f"page {number}"
            assert " ".join(footer.split()) == \
                f"{reference} · Verification code {result.code} · Page {number} of {total}"


def test_the_bilingual_docx_has_a_chinese_and_an_english_section_each_with_its_own_header_and_footer(
    rendered: dict[Key, Rendered]
) -> None:
    """What Word shows: the section break after the prevailing-language clause, and the English
    section's own header and footer rather than the Chinese ones linked to it."""
    result = rendered["termination_notice", "bilingual"]
    document = Document(io.BytesIO(result.docx))
    chinese, english = document.sections
    assert [p.text for p in chinese.header.paragraphs] == [MECHANISM_ZH]
    assert [p.text for p in english.header.paragraphs] == [MECHANISM_EN]
    assert not english.header.is_linked_to_previous and not english.footer.is_linked_to_previous
    assert f"验证码 {result.code}" in chinese.footer.paragraphs[0].text
    assert f"Verification code {result.code}" in english.footer.paragraphs[0].text
    assert "验证码" not in english.footer.paragraphs[0].text
    clause = next(p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.sectPr is not None)
    assert clause.text.startswith("This instrument is made in Chinese and English")


@pytest.mark.parametrize("edition", ["zh", "en", "bilingual"])
def test_a_path_switch_decision_quotes_the_reason_for_the_switch(
    rendered: dict[Key, Rendered], edition: str
) -> None:
    result = rendered["path_switch_decision", edition]
    assert result.pdf is not None
    langs = ["zh", "en"] if edition == "bilingual" else [edition]
    docx = docx_text(result.docx)
    pdf = squeezed("".join(line.text for page in read_pages(result.pdf) for line in page.lines()))
    for lang in langs:
        quoted = SWITCH_LEAD[lang] + SWITCH_REASON
        assert quoted in docx, f"{lang}: {docx}"
        assert squeezed(quoted) in pdf, lang
