"""Build the instrument templates: templates/zh/<id>.docx and templates/en/<id>.docx.

Once committed, the .docx files are the source of truth: secretariat officers edit them in
Word, WPS or LibreOffice. This builder therefore only creates templates that are missing;
`--force` rebuilds them all from the specification below and throws officers' edits away.

    .venv/bin/python tools/build_templates.py [--force] [--out templates] [ID ...]

The specification (SPECS, at the end) gives each instrument's blocks with the Chinese and
English text side by side. Conventions the renderer (docxtpl) and the signing module rely on:

- every Jinja tag sits inside one run (text with tags is written as one run, never split);
  `{%p ... %}` paragraphs carry block conditionals and loops, `{%tr ... %}` rows carry row loops;
- formatting comes from named styles (Title, Heading 1, Body Text, Table Text, Seal Block, ...);
  the default run properties set "Noto Serif CJK SC" for every script and the East Asian
  language zh-CN, so LibreOffice draws Chinese in Simplified glyph forms;
- anchors for the signing module are runs of white 1 pt text: CASEDOCS-SEAL in the seal area,
  CASEDOCS-SIG-<side>-{{ row.number }} at the start of each signatory's name line in a co-signed
  instrument (the empty area under it is where that signatory's digital signature goes),
  CASEDOCS-SIG-applicant / CASEDOCS-SIG-respondent at the head of the party-signed (ink)
  signature blocks, CASEDOCS-MONITORING on the closure report's monitoring page (see
  docgen/lint.py, which checks them, and signing/placement.py, which reads them).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cases.instruments import INSTRUMENTS, Instrument, Signatory  # noqa: E402

LANGS = ("zh", "en")
FONT = "Noto Serif CJK SC"
MONO_FONT = "Noto Sans Mono CJK SC"  # digests: fixed-width hex (same Debian package as FONT)
RED = RGBColor(0xC0, 0x00, 0x00)
# The language of Latin-script runs (w:lang/@w:val). Not zh-CN even in the Chinese templates:
# LibreOffice then breaks Latin words anywhere ("Develop|ment"), and names of parties are often
# Latin. Chinese Word itself writes w:val="en-US" w:eastAsia="zh-CN". The East Asian language,
# which decides the glyph forms, is zh-CN in both editions.
LATIN_LANG = {"zh": "en-GB", "en": "en-GB"}
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6  # A4 less the left and right margins
ANCHOR_SEAL = "CASEDOCS-SEAL"
ANCHOR_MONITORING = "CASEDOCS-MONITORING"
SIDES = ("applicant", "respondent")


def anchor_sig(side: str) -> str:
    return f"CASEDOCS-SIG-{side}"


def anchor_signatory(side: str) -> str:
    """The anchor of each signatory of a co-signed instrument: CASEDOCS-SIG-<side>-1, -2, ..."""
    return f"{anchor_sig(side)}-{{{{ row.number }}}}"


# The empty area under each signatory's name line: the signature box (56 pt high, see
# signing/placement.py SIG_BOX_H) plus a little air above and below it.
SIGNATURE_AREA_PT = 66


# A text in both languages, or one text (only placeholders) used in both.
Text = Union[str, tuple[str, str]]


def pick(text: Text, lang: str) -> str:
    if isinstance(text, str):
        return text
    return text[0] if lang == "zh" else text[1]


# == specification blocks =================================================================

@dataclass(frozen=True)
class Para:
    """A paragraph; `**…**` marks a bold (Strong) part. Tags never cross a `**`."""
    text: Text
    style: str = "Body Text"


@dataclass(frozen=True)
class Heading:
    text: Text
    level: int = 1


@dataclass(frozen=True)
class If:
    """`{%p if test %}` body [`{%p else %}` orelse] `{%p endif %}`."""
    test: str
    body: Sequence["Block"]
    orelse: Sequence["Block"] = ()


@dataclass(frozen=True)
class For:
    """`{%p for spec %}` body `{%p endfor %}`."""
    spec: str
    body: Sequence["Block"]


@dataclass(frozen=True)
class Col:
    head: Text
    value: Text
    width: float  # cm


@dataclass(frozen=True)
class Grid:
    """A table with a header row and one row per item (`{%tr for loop %}`); `empty` when none."""
    loop: str
    cols: Sequence[Col]
    empty: Text | None = None
    source: str = ""  # the list tested for emptiness; defaults to the loop's iterable


@dataclass(frozen=True)
class Row:
    label: Text
    value: Text
    test: str = ""  # `{%tr if test %}` when the row only sometimes applies


@dataclass(frozen=True)
class Form:
    """A two-column label/value table, as on a paper form."""
    rows: Sequence[Row]
    label_width: float = 4.2


@dataclass(frozen=True)
class Addressee:
    zh: str = "{{ addressee }}："
    en: str = "To: {{ addressee }}"


@dataclass(frozen=True)
class Seal:
    """The secretariat's seal area: name, "(seal)", issue date; the seal anchor."""


@dataclass(frozen=True)
class CoSignatures:
    """The signatories of both sides side by side, one row per rank, each name line with its own
    anchor and an empty area under it for the digital signature (see write_co_signatures)."""


@dataclass(frozen=True)
class SideSignature:
    """The signature block of one side (`side`), or of the side named by `item.requested_by`."""
    side: str = ""  # "applicant", "respondent", or "" for the side in item.requested_by
    heading: Text = ("（签章）", " (signature or seal)")
    agents: bool = True  # a power of attorney is signed by the principal itself, not by its agents


@dataclass(frozen=True)
class MonitoringPage:
    """A new page: the heading and the empty area where monitoring updates are appended."""


Block = Union[Para, Heading, If, For, Grid, Form, Addressee, Seal, CoSignatures, SideSignature, MonitoringPage]


@dataclass(frozen=True)
class Spec:
    blocks: Sequence[Block]
    closing: Text = ""
    masthead: bool = True   # the secretariat's red masthead (instruments it issues alone)
    seal: bool = True
    extra_end: Sequence[Block] = field(default_factory=tuple)  # after the seal (monitoring page)


# == styles ===============================================================================

_PPR_SEQ = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
            "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
            "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
            "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
            "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
            "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TCPR_SEQ = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
             "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_TBLPR_SEQ = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
              "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
              "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _set_child(parent, tag: str, sequence: Sequence[str], **attrs: str):  # type: ignore[no-untyped-def]
    """Replace `tag` under `parent`, keeping the schema's element order (Word rejects disorder)."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    child = OxmlElement(tag)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    later = sequence[sequence.index(tag) + 1:]
    for index, sibling in enumerate(parent):
        if sibling.tag in {qn(t) for t in later}:
            parent.insert(index, child)
            break
    else:
        parent.append(child)
    return child


def _fonts(rpr) -> None:  # type: ignore[no-untyped-def]
    """Explicit faces for every script; theme font attributes would override them."""
    fonts = rpr.get_or_add_rFonts()
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), FONT)


def _doc_defaults(document: DocxDocument, lang: str) -> None:
    """Default run properties: the font and, for the glyph forms LibreOffice draws, the languages."""
    styles = document.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    rpr.append(OxmlElement("w:rFonts"))
    _fonts(rpr)
    for tag, value in (("w:sz", "24"), ("w:szCs", "24")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        rpr.append(element)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LATIN_LANG[lang])
    language.set(qn("w:eastAsia"), "zh-CN")
    language.set(qn("w:bidi"), "ar-SA")
    rpr.append(language)
    ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _set_child(ppr, "w:spacing", _PPR_SEQ, after="0", line="240", lineRule="auto")
    # No style may fall back to a theme font (python-docx's template uses Calibri/Cambria themes).
    for fonts in styles.iter(qn("w:rFonts")):
        for name in [n for n in fonts.attrib if n.endswith("Theme") or n.endswith("theme")]:
            del fonts.attrib[name]
    # python-docx's settings say eastAsia="ja-JP" for theme fonts: Word would then pick Japanese faces.
    for theme_lang in document.settings.element.findall(qn("w:themeFontLang")):
        theme_lang.set(qn("w:val"), LATIN_LANG[lang])
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


@dataclass(frozen=True)
class StyleDef:
    name: str
    size: float = 12
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    before: float = 0
    after: float = 0
    line: float | None = None          # exact line height in pt; None = single
    first_line_chars: int = 0          # zh body text: two-character first-line indent
    keep_next: bool = False
    keep_lines: bool = False           # never split the paragraph itself across pages
    color: RGBColor | None = None
    border_bottom: str = ""            # colour of a rule under the paragraph
    outline: int | None = None         # headings: outline level (navigation pane, table of contents)
    base: str = "Normal"


def _style_defs(lang: str) -> list[StyleDef]:
    zh = lang == "zh"
    indent = 2 if zh else 0
    body_after = 0 if zh else 6
    J, C, R, L = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    return [
        StyleDef("Normal", size=12),
        StyleDef("Header", size=9, align=C, border_bottom="808080"),
        StyleDef("Footer", size=9, align=C),
        StyleDef("Masthead", size=22 if zh else 15, bold=True, align=C, after=4, color=RED),
        StyleDef("Reference Line", size=10.5, align=C, after=14, border_bottom="C00000"),
        StyleDef("Reference", size=10.5, align=R, after=10),
        StyleDef("Title", size=18, bold=True, align=C, before=6, after=6, keep_next=True),
        StyleDef("Subtitle", size=12, align=C, after=12, keep_next=True),
        StyleDef("Heading 1", size=12, bold=True, align=L, before=10, after=4, keep_next=True, outline=0),
        StyleDef("Heading 2", size=12, bold=True, align=L, before=6, after=2, keep_next=True, outline=1),
        StyleDef("Addressee", size=12, align=L, before=6, after=4, line=22, keep_next=True),
        StyleDef("Body Text", size=12, align=J, after=body_after, line=22, first_line_chars=indent),
        StyleDef("Field Line", size=12, align=L, after=body_after, line=22),
        StyleDef("Note", size=10.5, align=J, before=4, after=body_after, line=18),
        # The last words, the closing formula and the seal stay together: a seal never stands alone on a page.
        StyleDef("Time Limit Note", size=10.5, align=J, before=4, after=body_after, line=18, keep_next=True),
        StyleDef("Closing", size=12, align=J, before=4, line=22, first_line_chars=indent, keep_next=True),
        StyleDef("Seal Block", size=12, align=R, line=22, keep_next=True),
        StyleDef("Signature Block", size=11, align=L, after=2, line=20),
        # Co-signed instruments: a signatory's name line stays with the empty area under it.
        StyleDef("Signatory Name", size=11, align=L, before=4, line=20, keep_next=True, keep_lines=True),
        StyleDef("Signature Area", size=11, align=L, line=SIGNATURE_AREA_PT),
        # Left-aligned: the unbreakable 64-digit hash would stretch a justified line before it.
        StyleDef("Continuation Note", size=10.5, align=L, after=10, line=18, keep_next=True),
        StyleDef("Table Text", size=10.5, align=L),
        StyleDef("Table Heading", size=10.5, bold=True, align=C, keep_next=True),
        StyleDef("Table Label", size=10.5, bold=True, align=L),
    ]


def _paragraph_style(document: DocxDocument, spec: StyleDef):  # type: ignore[no-untyped-def]
    styles = document.styles
    names = {s.name for s in styles}
    style = styles[spec.name] if spec.name in names else styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    if spec.name != "Normal":
        style.base_style = styles[spec.base]
        style.quick_style = True
    element = style.element
    # Reset what python-docx's template put there (theme colours, borders, italics, spacing).
    for tag in ("w:pPr", "w:rPr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = False
    font.color.rgb = spec.color or RGBColor(0, 0, 0)
    _fonts(element.get_or_add_rPr())
    fmt = style.paragraph_format
    if spec.align is not None:
        fmt.alignment = spec.align
    fmt.space_before, fmt.space_after = Pt(spec.before), Pt(spec.after)
    if spec.line:
        fmt.line_spacing = Pt(spec.line)  # python-docx writes lineRule="exact" for a Length
    fmt.keep_with_next = spec.keep_next
    if spec.keep_lines:
        fmt.keep_together = True
    fmt.widow_control = True
    ppr = element.get_or_add_pPr()
    if spec.first_line_chars:
        fmt.first_line_indent = Pt(spec.size * spec.first_line_chars)
        ppr.find(qn("w:ind")).set(qn("w:firstLineChars"), str(spec.first_line_chars * 100))
    if spec.outline is not None:
        _set_child(ppr, "w:outlineLvl", _PPR_SEQ, val=str(spec.outline))
    if spec.border_bottom:
        borders = _set_child(ppr, "w:pBdr", _PPR_SEQ)
        bottom = OxmlElement("w:bottom")
        for name, value in (("val", "single"), ("sz", "12" if spec.border_bottom == "C00000" else "4"),
                            ("space", "4"), ("color", spec.border_bottom)):
            bottom.set(qn(f"w:{name}"), value)
        borders.append(bottom)
    return style


def _character_styles(document: DocxDocument) -> None:
    styles = document.styles
    strong = styles["Strong"]
    for old in strong.element.findall(qn("w:rPr")):
        strong.element.remove(old)
    strong.font.bold = True
    digest = styles.add_style("Digest", WD_STYLE_TYPE.CHARACTER)
    digest.font.size = Pt(8)
    fonts = digest.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), MONO_FONT)
    anchor = styles.add_style("Signing Anchor", WD_STYLE_TYPE.CHARACTER)
    anchor.font.size = Pt(1)
    anchor.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    anchor.hidden = False  # shown in the style list so officers see what the white run is


def _table_style(document: DocxDocument) -> None:
    grid = document.styles["Table Grid"]
    for old in grid.element.findall(qn("w:rPr")):
        grid.element.remove(old)


def setup_styles(document: DocxDocument, lang: str) -> None:
    _doc_defaults(document, lang)
    for spec in _style_defs(lang):
        _paragraph_style(document, spec)
    _character_styles(document)
    _table_style(document)


# == page: size, margins, header and footer ===============================================

def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (PAGE, NUMPAGES) that Word, WPS and LibreOffice update."""
    def run_with(element):  # type: ignore[no-untyped-def]
        run = paragraph.add_run()
        run._r.append(element)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def setup_page(document: DocxDocument, lang: str) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.6)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.4)
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.add_run("{{ mechanism.name }}")
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.add_run("{{ doc.reference }}")
    if lang == "zh":
        footer.add_run("　·　验证码 ")
        footer.add_run("{{ doc.verification_code }}")
        footer.add_run("　·　第 ")
        _field(footer, "PAGE", "1")
        footer.add_run(" 页　共 ")
        _field(footer, "NUMPAGES", "1")
        footer.add_run(" 页")
    else:
        footer.add_run("  ·  Verification code ")
        footer.add_run("{{ doc.verification_code }}")
        footer.add_run("  ·  Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")


# == writing blocks =======================================================================

_TAG = re.compile(r"{[{%#].*?[}%#]}")


class Container:
    """The document body or a table cell: where paragraphs and tables go."""

    def __init__(self, document: DocxDocument, target: DocxDocument | _Cell, lang: str) -> None:
        self.document, self.target, self.lang = document, target, lang
        # A new cell already holds one empty paragraph: use it before adding more.
        self._spare: Paragraph | None = target.paragraphs[0] if isinstance(target, _Cell) else None

    def paragraph(self, style: str) -> Paragraph:
        if self._spare is not None:
            paragraph, self._spare = self._spare, None
        else:
            paragraph = self.target.add_paragraph()
        paragraph.style = self.document.styles[style]
        return paragraph

    def text(self, text: str, style: str) -> Paragraph:
        paragraph = self.paragraph(style)
        add_text(paragraph, text)
        return paragraph

    def tag(self, tag: str) -> None:
        """A paragraph that holds only a `{%p … %}` tag: docxtpl removes it when rendering."""
        self.text(tag, "Body Text" if not isinstance(self.target, _Cell) else "Table Text")


def add_text(paragraph: Paragraph, text: str) -> None:
    """One run per part between marks (`**` bold, two backquotes a digest), so a tag is always
    inside one run."""
    on: set[str] = set()
    for part in re.split(r"(\*\*|``)", text):
        if part in ("**", "``"):
            on ^= {part}
            continue
        if not part:
            continue
        unbalanced = re.sub(_TAG, "", part)
        if "{{" in unbalanced or "{%" in unbalanced or "}}" in unbalanced or "%}" in unbalanced:
            raise ValueError(f"a Jinja tag crosses a ** or `` boundary in {text!r}")
        run = paragraph.add_run(part)
        if on:
            run.style = paragraph.part.document.styles["Digest" if "``" in on else "Strong"]


def add_anchor(paragraph: Paragraph, text: str) -> None:
    """White 1 pt text the signing module finds in the PDF; style and direct format so edits keep it hidden."""
    run = paragraph.add_run(text)
    run.style = paragraph.part.document.styles["Signing Anchor"]
    run.font.size = Pt(1)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _table(container: Container, cols: int, widths: Sequence[float], borders: bool = True) -> Table:
    # Column widths in the specs are proportions of the text width (so they always add up).
    widths = [w * TEXT_WIDTH_CM / sum(widths) for w in widths]
    table = container.target.add_table(rows=0, cols=cols) if isinstance(container.target, _Cell) \
        else container.document.add_table(rows=0, cols=cols)
    if borders:
        table.style = container.document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    width = _set_child(tbl_pr, "w:tblW", _TBLPR_SEQ)
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    _set_child(tbl_pr, "w:tblLayout", _TBLPR_SEQ, type="fixed")
    for grid_col, cm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(int(cm / 2.54 * 1440)))
    table._cd_widths = widths  # type: ignore[attr-defined]
    return table


def _row(table: Table, header: bool = False):  # type: ignore[no-untyped-def]
    row = table.add_row()
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))  # repeated on every page the table spans
    for cell, cm in zip(row.cells, table._cd_widths):  # type: ignore[attr-defined]
        cell.width = Cm(cm)
    return row


def _shade(cell: _Cell, fill: str = "F2F2F2") -> None:
    _set_child(cell._tc.get_or_add_tcPr(), "w:shd", _TCPR_SEQ, val="clear", color="auto", fill=fill)


def _tag_row(table: Table, tag: str) -> None:
    """A row holding only `{%tr … %}` in its first cell: docxtpl replaces the whole row."""
    row = _row(table)
    Container(table.part.document, row.cells[0], "").text(tag, "Table Text")


def write_grid(container: Container, grid: Grid) -> None:
    lang = container.lang
    source = grid.source or grid.loop.split(" in ", 1)[1].strip()
    if grid.empty is not None:
        container.tag(f"{{%p if {source} %}}")
    table = _table(container, len(grid.cols), [c.width for c in grid.cols])
    head = _row(table, header=True)
    for cell, col in zip(head.cells, grid.cols):
        Container(container.document, cell, lang).text(pick(col.head, lang), "Table Heading")
        _shade(cell)
    _tag_row(table, f"{{%tr for {grid.loop} %}}")
    data = _row(table)
    for cell, col in zip(data.cells, grid.cols):
        Container(container.document, cell, lang).text(pick(col.value, lang), "Table Text")
    _tag_row(table, "{%tr endfor %}")
    if grid.empty is not None:
        container.tag("{%p else %}")
        container.text(pick(grid.empty, lang), "Field Line")
        container.tag("{%p endif %}")


def write_form(container: Container, form: Form) -> None:
    lang = container.lang
    table = _table(container, 2, [form.label_width, TEXT_WIDTH_CM - form.label_width])
    for row_spec in form.rows:
        if row_spec.test:
            _tag_row(table, f"{{%tr if {row_spec.test} %}}")
        row = _row(table)
        Container(container.document, row.cells[0], lang).text(pick(row_spec.label, lang), "Table Label")
        _shade(row.cells[0])
        Container(container.document, row.cells[1], lang).text(pick(row_spec.value, lang), "Table Text")
        if row_spec.test:
            _tag_row(table, "{%tr endif %}")
    container.paragraph("Note")  # breathing space after a table (a table may not end a cell or body)


_SIDE_ZH = {"applicant": "申请方", "respondent": "相对方"}
_SIDE_EN = {"applicant": "Applicant", "respondent": "Respondent"}
_LINE = "________________"


def write_side_signature(container: Container, side: str, heading: Text, agents: bool = True) -> None:
    """The signatories of one side: its representatives, else each member; then its agents."""
    zh = container.lang == "zh"
    style = "Signature Block"
    first = container.paragraph(style)
    add_anchor(first, anchor_sig(side))
    add_text(first, f"**{_SIDE_ZH[side] if zh else _SIDE_EN[side]}{pick(heading, container.lang)}**")
    container.tag(f"{{%p if {side}.representatives %}}")
    container.tag(f"{{%p for r in {side}.representatives %}}")
    container.text("代表人：{{ r.name }}" if zh else "Representative: {{ r.name }}", style)
    container.text(f"签字：{_LINE}" if zh else f"Signature: {_LINE}", style)
    container.tag("{%p endfor %}")
    container.tag("{%p else %}")
    container.tag(f"{{%p for m in {side}.members %}}")
    container.text("{{ m.name }}", style)
    container.text(f"签字或盖章：{_LINE}" if zh else f"Signature or seal: {_LINE}", style)
    container.tag("{%p endfor %}")
    container.tag("{%p endif %}")
    if agents:
        container.tag(f"{{%p for a in {side}.agents %}}")
        container.text("代理人：{{ a.name }}" if zh else "Agent: {{ a.name }}", style)
        container.text(f"签字：{_LINE}" if zh else f"Signature: {_LINE}", style)
        container.tag("{%p endfor %}")
    container.text("日期：______年____月____日" if zh else "Date: ______________________", style)


def write_signatory(container: Container, side: str) -> None:
    """One side's cell of a signature row: the signatory's name line, carrying its own anchor, and
    under it the empty area of fixed height where the signing module puts their signature box."""
    zh = container.lang == "zh"
    container.tag(f"{{%p if row.{side}.name %}}")  # a side with fewer signatories leaves its cell blank
    name = container.paragraph("Signatory Name")
    add_anchor(name, anchor_signatory(side))
    add_text(name, f"{{{{ row.{side}.role }}}}：{{{{ row.{side}.name }}}}" if zh
             else f"{{{{ row.{side}.role }}}}: {{{{ row.{side}.name }}}}")
    container.tag("{%p endif %}")
    container.paragraph("Signature Area")


def write_co_signatures(container: Container) -> None:
    """Both sides' signatories side by side, one table row for the n-th of each side: a row never
    splits, so a name never parts from its signature area, and any number of rows flows over
    pages under the repeated header row."""
    zh = container.lang == "zh"
    width = TEXT_WIDTH_CM / 2
    table = _table(container, 2, [width, width], borders=False)
    head = _row(table, header=True)
    for cell, side in zip(head.cells, SIDES):
        Container(container.document, cell, container.lang).text(
            f"**{_SIDE_ZH[side]}签署人**" if zh else f"**Signatories for the {side}**", "Signatory Name")
    _tag_row(table, "{%tr for row in signature_rows %}")
    row = _row(table)
    for cell, side in zip(row.cells, SIDES):
        write_signatory(Container(container.document, cell, container.lang), side)
    _tag_row(table, "{%tr endfor %}")
    container.paragraph("Note")


def write_requesting_side_signature(container: Container, heading: Text, agents: bool) -> None:
    """Party-signed instruments of either side: the block of the side named in item.requested_by."""
    container.tag("{%p if item.requested_by == applicant.role %}")
    write_side_signature(container, "applicant", heading, agents)
    container.tag("{%p else %}")
    write_side_signature(container, "respondent", heading, agents)
    container.tag("{%p endif %}")


def write_seal(container: Container) -> None:
    zh = container.lang == "zh"
    name = container.paragraph("Seal Block")
    name.paragraph_format.space_before = Pt(30)  # room for a 4.2 cm seal over name and date
    add_anchor(name, ANCHOR_SEAL)
    add_text(name, "{{ mechanism.secretariat }}（盖章）" if zh else "{{ mechanism.secretariat }} (seal)")
    container.text("{{ doc.issue_date }}", "Seal Block").paragraph_format.keep_with_next = False


def write_monitoring_page(container: Container) -> None:
    heading = container.text("监测记录" if container.lang == "zh" else "Monitoring record", "Heading 1")
    heading.paragraph_format.page_break_before = True
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    area = container.paragraph("Body Text")
    add_anchor(area, ANCHOR_MONITORING)


def write_blocks(container: Container, blocks: Iterable[Block]) -> None:
    lang = container.lang
    for block in blocks:
        match block:
            case Para(text=text, style=style):
                container.text(pick(text, lang), style)
            case Heading(text=text, level=level):
                container.text(pick(text, lang), f"Heading {level}")
            case If(test=test, body=body, orelse=orelse):
                container.tag(f"{{%p if {test} %}}")
                write_blocks(container, body)
                if orelse:
                    container.tag("{%p else %}")
                    write_blocks(container, orelse)
                container.tag("{%p endif %}")
            case For(spec=spec, body=body):
                container.tag(f"{{%p for {spec} %}}")
                write_blocks(container, body)
                container.tag("{%p endfor %}")
            case Grid():
                write_grid(container, block)
            case Form():
                write_form(container, block)
            case Addressee(zh=zh, en=en):
                container.text(zh if lang == "zh" else en, "Addressee")
            case Seal():
                write_seal(container)
            case CoSignatures():
                write_co_signatures(container)
            case SideSignature(side=side, heading=heading, agents=agents):
                if side:
                    write_side_signature(container, side, heading, agents)
                else:
                    write_requesting_side_signature(container, heading, agents)
            case MonitoringPage():
                write_monitoring_page(container)
            case _:
                raise TypeError(f"unknown block {block!r}")


def build_document(instrument: Instrument, spec: Spec, lang: str) -> DocxDocument:
    document = Document()
    setup_styles(document, lang)
    setup_page(document, lang)
    body = Container(document, document, lang)
    body._spare = document.paragraphs[0] if document.paragraphs else None
    if spec.masthead:
        body.text("{{ mechanism.secretariat }}", "Masthead")
        body.text("{{ doc.reference }}", "Reference Line")
    body.text(instrument.zh if lang == "zh" else instrument.en, "Title")
    if not spec.masthead:
        body.text(("文书编号：" if lang == "zh" else "Reference: ") + "{{ doc.reference }}", "Reference")
    write_blocks(body, spec.blocks)
    if pick(spec.closing, lang):
        body.text(pick(spec.closing, lang), "Closing")
    if spec.seal:
        write_seal(body)
    write_blocks(body, spec.extra_end)
    properties = document.core_properties
    properties.title = instrument.zh if lang == "zh" else instrument.en
    properties.subject = f"casedocs template {instrument.id} ({lang})"
    properties.author = properties.last_modified_by = "casedocs"
    properties.language = "zh-CN" if lang == "zh" else "en-GB"
    return document


# == shared wording ========================================================================

RULES_ZH, RULES_EN = "{{ mechanism.procedural_rules }}", "{{ mechanism.procedural_rules }}"


def due(rule: str) -> tuple[str, str]:
    """", that is, by <due>" when the deadline is known, and the provisional note when it is one."""
    r = f"limits.{rule}"
    return (f"{{% if {r}.due %}}，即{{{{ {r}.due }}}}前{{% endif %}}{{{{ {r}.note }}}}",
            f"{{% if {r}.due %}}, that is, by {{{{ {r}.due }}}}{{% endif %}}"
            f"{{% if {r}.note %}} {{{{ {r}.note }}}}{{% endif %}}")


def complied(rule: str, what: tuple[str, str], verb: str = "作出") -> Para:
    """The time limit the instrument itself is due within, stated as the rule and the case's date."""
    r = f"limits.{rule}"
    return Para((f"依据{{{{ {r}.clause }}}}，{what[0]}应于{{{{ {r}.counted_from }}}}起{{{{ {r}.basis }}}}内{verb}"
                 f"{{% if {r}.due %}}（期限届满日：{{{{ {r}.due }}}}）{{% endif %}}{{{{ {r}.note }}}}。",
                 f"Under {{{{ {r}.clause }}}}, {what[1]} is due within {{{{ {r}.basis }}}} of "
                 f"{{{{ {r}.counted_from }}}}{{% if {r}.due %}} (by {{{{ {r}.due }}}}){{% endif %}}"
                 f"{{% if {r}.note %}} {{{{ {r}.note }}}}{{% endif %}}."), "Time Limit Note")


CASE_ROWS = (
    Row(("案件编号", "Case number"), "{{ case.number }}"),
    Row(("案件名称", "Case"), "{{ case.title }}"),
    Row(("申请方", "Applicant"), "{{ applicant.names }}"),
    Row(("相对方", "Respondent"), "{{ respondent.names }}"),
)

NATURE = Para((
    "本机制是行业协调、专家支持、各方自愿参与的非司法性质的调解磋商平台，以自愿参与为前提，以平等友好对话为原则。"
    "本机制不对争议事项进行合规审查或价值评判，不就赔偿方案和补救措施作出决定，亦不具备问题解决方案的强制执行力。",
    "The Mechanism is a non-judicial mediation and consultation platform, coordinated by the industry, supported "
    "by experts and joined voluntarily by all participants; it rests on voluntary participation and on equal and "
    "friendly dialogue. The Mechanism does not review compliance or pass judgment on the matters in dispute, "
    "does not decide on compensation or remedies, and cannot enforce a problem-solving agreement."))

RIGHTS = (
    Para((f"依据{RULES_ZH}第六章，参与各方享有以下权利：",
          f"Under Chapter VI of {RULES_EN}, every participant may:")),
    Para(("（一）认为特定信息一旦披露可能招致人身安全风险或重大经营风险的，在磋商过程中的任何时候向秘书处提出保密申请（第2条）；",
          "(a) at any time during the consultation, request the Secretariat to keep confidential information whose "
          "disclosure could endanger personal safety or cause serious business risk (Article 2);")),
    Para(("（二）认为申请受理、调解磋商进程或问题解决方案落实过程中存在损害或可能损害公正公平处理的情形的，在任何时候以书面形式"
          "向秘书处提出异议，并提供证据材料（第3条）；",
          "(b) at any time, raise a written objection with supporting evidence where it considers that the fair "
          "and impartial handling of the application, the procedure or the implementation of an agreement is or "
          "may be impaired (Article 3);")),
    Para(("（三）发现秘书处任命的专家网络成员、事实调查机构、评估验证机构与申请所涉争议存在可能影响公正处理的利害关系或其他情形的，"
          "向秘书处提出书面回避申请（第6.1条）；",
          "(c) request in writing the recusal of any member of the expert network, fact-finding body or "
          "assessment and verification body appointed by the Secretariat whose interests or circumstances may "
          "affect the impartial handling of the dispute (Article 6.1);")),
    Para(("（四）就争议事项及其主张自由充分地发表看法、提供证据及进行回应，不因提出申请、参与调解磋商或提出异议而受到任何形式的"
          "报复或迫害（第4条）。",
          "(d) state its views, provide evidence and respond freely and fully, and suffer no retaliation or "
          "persecution of any kind for applying, taking part in the procedure or objecting (Article 4).")),
    Para(("本机制的工作语言为中文和英文；使用中文或英文确有不便且自行提供翻译确有困难的，秘书处可协调提供翻译服务（第5.1条）。",
          "The working languages of the Mechanism are Chinese and English; where a participant cannot reasonably "
          "use either and cannot provide its own translation, the Secretariat will arrange for translation "
          "(Article 5.1).")),
)

PATHS_GRID_ROWS = (
    Row(("双边对话", "Bilateral dialogue"),
        ("适用于争议较小、涉及问题较简单、双方自主沟通难度不大的案件；期限原则上为1个月。",
         "For cases with limited disagreement and simple issues, where the sides can communicate directly; "
         "in principle 1 month.")),
    Row(("平台内部调解", "Internal mediation"),
        ("适用于争议较大、涉及问题较复杂、双方自主沟通难度较大的案件；期限原则上为3个月。",
         "For cases with significant disagreement and complex issues, where direct communication is "
         "difficult; in principle 3 months.")),
    Row(("外部专家调解", "External expert mediation"),
        ("适用于争议很大、涉及问题非常复杂、双方沟通难度很大的案件；期限原则上为6个月。",
         "For cases with major disagreement and very complex issues, where communication is very "
         "difficult; in principle 6 months.")),
)

CLAIMS_GRID = Grid("c in claims", (
    Col(("序号", "No."), "{{ c.number }}", 1.3),
    Col(("主张", "Claim"), "{{ c.claim }}", 6.3),
    Col(("理由", "Reasons"), "{{ c.reasons }}", 8.0),
), empty=("（未载明）", "(none stated)"))

OBLIGATIONS_GRID = Grid("o in agreement.obligations", (
    Col(("序号", "No."), "{{ o.number }}", 1.3),
    Col(("义务承担方", "Obligor"), "{{ o.obligor }}", 2.3),
    Col(("义务相对方", "Obligee"), "{{ o.obligee }}", 2.3),
    Col(("义务内容", "Obligation"), "{{ o.description }}", 4.0),
    Col(("履行时间表", "Timetable"), "{{ o.due }}", 2.4),
    Col(("成果指标", "Outcome indicators"), "{{ o.indicators }}", 3.3),
), empty=("（无）", "(none)"))


def members_grid(side: str, contact: bool) -> Grid:
    cols = [Col(("序号", "No."), "{{ loop.index }}", 1.3),
            Col(("姓名或名称", "Full name"), "{{ m.name }}", 3.4),
            Col(("主体类别", "Category"), "{{ m.category }}", 1.9)]
    if contact:
        cols += [Col(("住址或注册地址", "Address or registered address"), "{{ m.address }}", 3.5),
                 Col(("联系方式", "Contact"), "{{ m.contact }}", 3.3),
                 Col(("其他信息", "Other information"), "{{ m.other_info }}", 2.2)]
    else:
        cols[1] = Col(("姓名或名称", "Full name"), "{{ m.name }}", 9.1)
        cols[2] = Col(("主体类别", "Category"), "{{ m.category }}", 5.2)
    return Grid(f"m in {side}.members", cols)


def people_lines(side: str) -> list[Block]:
    """The representatives and agents of a side, as lines (public documents: names only)."""
    return [
        For(f"r in {side}.representatives", [Para(("代表人：{{ r.name }}", "Representative: {{ r.name }}"),
                                                   "Field Line")]),
        For(f"a in {side}.agents", [Para(("代理人：{{ a.name }}（{{ a.organisation }}）",
                                          "Agent: {{ a.name }} ({{ a.organisation }})"), "Field Line")]),
    ]


# == the instruments =======================================================================

def _application_form() -> Spec:
    return Spec(masthead=False, seal=False, blocks=[
        Addressee("致：{{ addressee }}", "To: {{ addressee }}"),
        Para((f"申请方依据{RULES_ZH}第三章第2条，以书面形式向秘书处提出调解磋商申请。申请的主要内容和材料如下：",
              f"Under Chapter III, Article 2 of {RULES_EN}, the applicant submits to the Secretariat in writing "
              "the following application for mediation and consultation:")),
        Form([
            Row(("案件编号", "Case number"), "{{ case.number }}"),
            Row(("案件名称", "Case"), "{{ case.title }}"),
            Row(("收到申请日期", "Received on"), "{{ case.received_on }}"),
            Row(("提交方式", "Submitted by"), "{{ case.channel }}"),
            Row(("原申请案件编号", "Earlier application"),
                ("{{ case.reapplication_of }}（就同一争议事项再次提出申请）",
                 "{{ case.reapplication_of }} (a new application on the same matter)"), test="case.reapplication_of"),
        ]),
        Heading(("一、申请方", "1. Applicant")),
        members_grid("applicant", contact=True),
        Heading(("二、相对方", "2. Respondent")),
        members_grid("respondent", contact=True),
        Heading(("三、代表人", "3. Representatives")),
        Para(("申请方主体超过3名的，应当推选1-2名代表人参与调解磋商（第三章第1条）。",
              "An applicant side of more than three members must elect one or two representatives to take part in "
              "the procedure (Chapter III, Article 1)."), "Note"),
        Grid("r in applicant.representatives", (
            Col(("序号", "No."), "{{ loop.index }}", 1.3),
            Col(("姓名", "Name"), "{{ r.name }}", 7.2),
            Col(("联系方式", "Contact"), "{{ r.contact }}", 7.2),
        ), empty=("无。", "None.")),
        Heading(("四、代理人", "4. Agents")),
        Para(("申请方可书面委托1-2名代理人代其参与调解磋商，并提交授权委托书（第三章第1条）。",
              "The applicant may authorise one or two agents in writing to act for it, and submits the powers of "
              "attorney (Chapter III, Article 1)."), "Note"),
        Grid("a in applicant.agents", (
            Col(("序号", "No."), "{{ loop.index }}", 1.3),
            Col(("姓名", "Name"), "{{ a.name }}", 4.4),
            Col(("工作单位", "Organisation"), "{{ a.organisation }}", 5.0),
            Col(("联系方式", "Contact"), "{{ a.contact }}", 5.0),
        ), empty=("无。", "None.")),
        Heading(("五、争议所涉地区、行业及议题", "5. Region, industry and issues")),
        Form([
            Row(("地区", "Region"), "{{ case.region }}"),
            Row(("国家", "Country"), "{{ case.country }}"),
            Row(("行业", "Industry"), "{{ case.industry }}"),
            Row(("议题类型", "Issue types"), "{{ case.issue_types }}"),
        ]),
        Heading(("六、具体的争议事实", "6. Facts in dispute")),
        Para("{{ case.facts }}"),
        Heading(("七、明确的主张及理由", "7. Claims and reasons")),
        CLAIMS_GRID,
        Heading(("八、适用的标准文件及有关条款", "8. Standards invoked and their clauses")),
        Grid("s in standards", (
            Col(("序号", "No."), "{{ loop.index }}", 1.3),
            Col(("标准文件", "Standard"), "{{ s.name }}", 8.4),
            Col(("有关条款", "Clauses"), "{{ s.clauses }}", 6.0),
        ), empty=("（未载明）", "(none stated)")),
        Heading(("九、能够初步证明争议存在的材料（证据清单）", "9. Materials showing that the dispute exists (list of exhibits)")),
        Grid("e in exhibits", (
            Col(("序号", "No."), "{{ e.number }}", 1.3),
            Col(("材料名称", "Title"), "{{ e.title }}", 4.4),
            Col(("文件", "File"), "{{ e.file }}", 3.2),
            Col(("提交方", "By"), "{{ e.submitted_by }}", 1.7),
            Col(("提交日期", "Submitted on"), "{{ e.submitted_on }}", 2.3),
            Col(("SHA-256", "SHA-256"), "{{ e.sha256 }}", 2.7),
        ), empty=("（未提交）", "(none submitted)")),
        Heading(("十、保密申请", "10. Confidentiality request")),
        Para(("是否提出保密申请：{% if case.confidentiality_requested %}■是　□否{% else %}□是　■否{% endif %}",
              "Confidentiality requested: {% if case.confidentiality_requested %}■ yes  □ no"
              "{% else %}□ yes  ■ no{% endif %}"), "Field Line"),
        Para(("保密申请应当明确请求保密的信息的具体内容、请求保密的对象、时间期限或处理阶段以及理由，另行书面提交，其内容不载于本表"
              "（第六章第2.1条）。秘书处确认收到保密申请、尚未作出保密决定之前，相关信息不向保密申请针对的对象披露（第六章第2.2条）。",
              "A confidentiality request states the information, from whom it is to be kept, for how long or until "
              "which stage, and why; it is submitted separately and its content is not repeated in this form "
              "(Chapter VI, Article 2.1). Once the Secretariat has acknowledged the request, and until it decides, "
              "the information is not disclosed to those the request names (Chapter VI, Article 2.2)."), "Note"),
        Heading(("十一、申请方声明", "11. Declaration")),
        Para(("申请方以自身名义提出本申请，确认所填内容及所附材料真实、完整，并承诺本着诚信原则参与调解磋商。本机制不接受匿名申请"
              "（第三章第2条）。",
              "The applicant makes this application in its own name, confirms that the information given and the "
              "materials attached are true and complete, and undertakes to take part in the procedure in good "
              "faith. The Mechanism does not accept anonymous applications (Chapter III, Article 2).")),
        SideSignature("applicant", ("（签字或盖章）", " (signature or seal)")),
    ])


def _power_of_attorney() -> Spec:
    side_names = ("{% if item.requested_by == applicant.role %}{{ applicant.names }}"
                  "{% else %}{{ respondent.names }}{% endif %}")
    return Spec(masthead=False, seal=False, blocks=[
        Addressee("致：{{ addressee }}", "To: {{ addressee }}"),
        Form([
            Row(("案件编号", "Case number"), "{{ case.number }}"),
            Row(("案件名称", "Case"), "{{ case.title }}"),
            Row(("委托方", "Principal"), (f"{side_names}（本案{{{{ item.requested_by }}}}）",
                                         f"{side_names} (the {{{{ item.requested_by|lower }}}} in this case)")),
            Row(("受托人（代理人）", "Agent"), "{{ item.appointee }}"),
            Row(("工作单位", "Organisation"), "{{ item.target }}"),
            Row(("提交日期", "Submitted on"), "{{ item.received_on }}"),
        ]),
        Para((f"委托方作为上述案件的{{{{ item.requested_by }}}}，依据{RULES_ZH}第三章第1条，现委托{{{{ item.appointee }}}}"
              "为委托方的代理人，代为参与本案调解磋商程序。",
              f"The principal, the {{{{ item.requested_by|lower }}}} in the case above, hereby appoints "
              f"{{{{ item.appointee }}}} under Chapter III, Article 1 of {RULES_EN} as its agent to take part "
              "in the mediation and consultation procedure of this case on its behalf.")),
        Para(("代理权限：□一般授权　□特别授权（具体事项：________________________________）",
              "Authority: □ general  □ special (matters: ________________________________)"), "Field Line"),
        Para(("委托期限：自本委托书签署之日起至本案调解磋商进程终结之日止。",
              "Term: from the date of signature of this power of attorney until the procedure of this case "
              "ends."), "Field Line"),
        Para(("申请方与相对方均可书面委托1-2名代理人代其参与调解磋商（第三章第1条）。",
              "Each side may authorise one or two agents in writing to take part in the procedure on its behalf "
              "(Chapter III, Article 1)."), "Note"),
        SideSignature("", ("（委托方，签字或盖章）", " (principal: signature or seal)"), agents=False),
        Para(("受托人：{{ item.appointee }}　签字：________________",
              "Agent: {{ item.appointee }}   Signature: ________________"), "Signature Block"),
        Para(("日期：______年____月____日", "Date: ______________________"), "Signature Block"),
    ])


def _supplement_request() -> Spec:
    return Spec(closing=("特此通知。", ""), blocks=[
        Addressee(),
        Para(("你方于{{ case.received_on }}向秘书处提交的调解磋商申请（案件编号：{{ case.number }}）收悉。",
              "The Secretariat refers to your application for mediation and consultation received on "
              "{{ case.received_on }} and registered as case {{ case.number }}.")),
        Para((f"根据{RULES_ZH}{{{{ limits.formal_review.clause }}}}的规定，秘书处在形式审查过程中可视情况要求申请方补充材料或信息。"
              "经审查，请你方补充提交以下材料或信息：",
              f"Under {{{{ limits.formal_review.clause }}}} of {RULES_EN}, the Secretariat may, in the course of "
              "its formal review, ask the applicant to supplement its materials or information. Having reviewed "
              "the application, the Secretariat asks you to provide the following:")),
        Para("{{ item['items'] }}", "Field Line"),
        Para(("请通过电子邮件、邮寄或现场提交等方式，将上述材料或信息以书面形式提交秘书处，并注明案件编号。",
              "Please submit these materials or this information to the Secretariat in writing, by email, by post "
              "or in person, quoting the case number.")),
        Para(("根据第三章第3.1条，应当提交的内容和材料齐备是受理申请的标准之一。申请被驳回的，申请方可就同一争议事项向秘书处再次提出"
              "申请（第三章第3.2条）。",
              "Under Chapter III, Article 3.1, an application is accepted only when all required content and "
              "materials have been submitted. An applicant whose application is rejected may apply again on the "
              "same matter (Chapter III, Article 3.2).")),
        Para(("秘书处将于收到申请之日起{{ limits.formal_review.basis }}内" + due("formal_review")[0]
              + "，对申请进行形式审查，并向你方发出受理或驳回申请的书面决定。",
              "The Secretariat reviews the application for form and sends you a written decision to accept or "
              "reject it within {{ limits.formal_review.basis }} of its receipt" + due("formal_review")[1] + ".")),
    ])


def _acceptance_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para(("你方于{{ case.received_on }}通过{{ case.channel }}方式向秘书处提交的调解磋商申请收悉。",
              "The Secretariat has received your application for mediation and consultation of "
              "{{ case.received_on }} (submitted by: {{ case.channel }}).")),
        Para((f"经形式审查，秘书处认为：该申请符合本机制的适用范围，应当提交的内容和材料齐备，符合{RULES_ZH}第三章第3.1条"
              "规定的受理标准。根据第三章第3.2条的规定，秘书处决定：",
              "Having reviewed the application for form, the Secretariat finds that it falls within the scope of "
              "the Mechanism and that all required content and materials have been submitted, as Chapter III, "
              f"Article 3.1 of {RULES_EN} requires. Under Chapter III, Article 3.2, the Secretariat decides:")),
        Para(("**受理你方的调解磋商申请。**", "**to accept your application for mediation and consultation.**")),
        Form(CASE_ROWS),
        Heading(("后续程序", "Next steps")),
        Para(("一、秘书处将自受理申请之日起{{ limits.invitation.basis }}内，向相对方发出书面《调解磋商邀请》"
              + due("invitation")[0] + "（第四章第一节第1条）。",
              "1. The Secretariat will send the respondent a written Invitation to Mediation and Consultation "
              "within {{ limits.invitation.basis }} of the acceptance" + due("invitation")[1]
              + " (Chapter IV, Section 1, Article 1).")),
        Para(("二、相对方应在邀请送达之日起{{ limits.invitation_response.basis }}内，书面告知秘书处是否接受邀请。相对方接受邀请的，"
              "秘书处于收到其书面告知之日起{{ limits.launch_notice.basis }}内向双方发出《调解磋商程序启动通知》；相对方拒绝邀请或"
              "视为拒绝邀请的，秘书处向你方书面发出《调解磋商程序不予启动通知》（第四章第一节第1.1条、第1.2条）。",
              "2. The respondent must tell the Secretariat in writing within {{ limits.invitation_response.basis }} "
              "of the delivery of the invitation whether it accepts. If it accepts, the Secretariat sends both "
              "sides the Notice of Launch of the Procedure within {{ limits.launch_notice.basis }} of receiving its "
              "acceptance; if it refuses, or is deemed to refuse, the Secretariat sends you a written Notice of "
              "Non-Launch of the Procedure (Chapter IV, Section 1, Articles 1.1 and 1.2).")),
        Para(("三、你方有权在磋商过程中的任何时候向秘书处提出保密申请（第六章第2条），并有权在任何时候以书面形式提出异议（第六章第3条）。",
              "3. You may ask the Secretariat for confidentiality at any time during the consultation (Chapter VI, "
              "Article 2) and may raise a written objection at any time (Chapter VI, Article 3).")),
        complied("formal_review", ("本决定", "this decision")),
    ])


def _rejection_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para((f"你方于{{{{ case.received_on }}}}向秘书处提交的调解磋商申请（登记编号：{{{{ case.number }}}}）收悉。经形式审查，"
              f"秘书处认为该申请不符合{RULES_ZH}第三章第3.1条规定的受理标准，理由如下：",
              "The Secretariat has reviewed for form your application for mediation and consultation received on "
              "{{ case.received_on }} (registered as {{ case.number }}) and finds that it does not meet the "
              f"criteria for acceptance in Chapter III, Article 3.1 of {RULES_EN}, for the following reasons:")),
        Para("{{ case.rejection_grounds }}", "Field Line"),
        Para(("根据第三章第3.2条的规定，秘书处决定：**驳回你方的调解磋商申请。**",
              "Under Chapter III, Article 3.2, the Secretariat decides **to reject your application.**")),
        Para(("根据第三章第3.2条的规定，申请被驳回的，申请方可就同一争议事项向秘书处再次提出申请。再次提出申请时，请按照第三章第2条"
              "的要求，完整提交申请方和相对方的信息、具体的争议事实、明确的主张及理由，以及能够初步证明争议存在的材料。",
              "Under Chapter III, Article 3.2, an applicant whose application is rejected may apply to the "
              "Secretariat again on the same matter. A new application should give, as Chapter III, Article 2 "
              "requires, full particulars of the applicant and the respondent, the specific facts in dispute, "
              "explicit claims and reasons, and materials that show that the dispute exists.")),
        Para(("你方如认为申请受理过程中存在损害或可能损害申请公正公平处理的情形，可依据第六章第3条以书面形式向秘书处提出异议，"
              "并提供证据材料。",
              "If you consider that the fair and impartial handling of your application has been or may be "
              "impaired, you may raise a written objection with supporting evidence under Chapter VI, Article 3.")),
        complied("formal_review", ("本决定", "this decision")),
    ])


def _invitation() -> Spec:
    return Spec(closing=("特此函告，诚邀贵方参与。", "The Secretariat looks forward to your reply."), blocks=[
        Addressee(),
        Para(("{{ applicant.names }}（以下简称“申请方”）于{{ case.received_on }}向秘书处提出调解磋商申请，请求就“{{ case.title }}”"
              "争议与贵方进行调解磋商。秘书处经形式审查，已于{{ case.accepted_on }}受理该申请（案件编号：{{ case.number }}）。",
              "On {{ case.received_on }}, {{ applicant.names }} (the applicant) applied to the Secretariat for "
              "mediation and consultation with you on the dispute “{{ case.title }}”. Having reviewed the "
              "application for form, the Secretariat accepted it on {{ case.accepted_on }} (case number "
              "{{ case.number }}).")),
        Para((f"根据{RULES_ZH}{{{{ limits.invitation.clause }}}}的规定，秘书处现诚挚邀请贵方参与本机制的调解磋商程序。",
              f"Under {{{{ limits.invitation.clause }}}} of {RULES_EN}, the Secretariat invites you to take part "
              "in the mediation and consultation procedure of the Mechanism.")),
        Heading(("一、申请概要", "1. The application")),
        Form([
            Row(("申请方", "Applicant"), "{{ applicant.names }}"),
            Row(("申请方主体类别", "Applicant's category"), "{{ applicant.categories }}"),
            Row(("争议所涉地区", "Region"), ("{{ case.region }}，{{ case.country }}", "{{ case.region }}, {{ case.country }}")),
            Row(("行业", "Industry"), "{{ case.industry }}"),
            Row(("议题类型", "Issue types"), "{{ case.issue_types }}"),
            Row(("争议事实", "Facts in dispute"), "{{ case.facts }}"),
        ]),
        Para(("申请方的主张及理由：", "The applicant's claims and reasons:"), "Field Line"),
        CLAIMS_GRID,
        Para(("申请方提交的材料：", "Materials submitted by the applicant:"), "Field Line"),
        Grid("e in exhibits", (
            Col(("序号", "No."), "{{ e.number }}", 1.3),
            Col(("材料名称", "Title"), "{{ e.title }}", 10.3),
            Col(("提交日期", "Submitted on"), "{{ e.submitted_on }}", 4.0),
        ), empty=("（无）", "(none)")),
        Heading(("二、关于本机制", "2. The Mechanism")),
        NATURE,
        Heading(("三、答复期限及方式", "3. Your reply")),
        Para(("请贵方自本邀请送达之日起**{{ limits.invitation_response.basis }}**内" + due("invitation_response")[0]
              + "，以书面形式告知秘书处是否接受邀请。",
              "Please tell the Secretariat in writing, within **{{ limits.invitation_response.basis }}** of the "
              "delivery of this invitation" + due("invitation_response")[1] + ", whether you accept it.")),
        Para(("贵方接受邀请的，可同时向秘书处提供初步书面回应意见及支持贵方主张的证据材料；未提供上述材料的，不影响程序的启动"
              "（{{ limits.launch_notice.clause }}）。秘书处于收到贵方接受邀请的书面告知之日起{{ limits.launch_notice.basis }}内"
              "向双方发出《调解磋商程序启动通知》，通知送达双方之日，调解磋商程序正式启动。",
              "If you accept, you may at the same time send the Secretariat a preliminary written response and "
              "evidence supporting your position; if you do not, the procedure is launched all the same "
              "({{ limits.launch_notice.clause }}). Within {{ limits.launch_notice.basis }} of receiving your "
              "acceptance, the Secretariat sends both sides the Notice of Launch of the Procedure; the procedure "
              "starts on the day that notice has been delivered to both sides.")),
        Para(("贵方未在上述期限内书面告知是否接受邀请的，秘书处将在{{ limits.second_invitation.basis }}内再次向贵方发出书面邀请；"
              "再次邀请送达之日起{{ limits.second_invitation_response.basis }}内贵方仍未书面反馈的，视为拒绝邀请，秘书处将向申请方"
              "书面发出《调解磋商程序不予启动通知》（{{ limits.second_invitation.clause }}）。",
              "If you do not answer in writing within that time, the Secretariat will send you a second written "
              "invitation within {{ limits.second_invitation.basis }}; if you still have not answered in writing "
              "within {{ limits.second_invitation_response.basis }} of the delivery of the second invitation, you "
              "are deemed to have refused, and the Secretariat will send the applicant a written Notice of "
              "Non-Launch of the Procedure ({{ limits.second_invitation.clause }}).")),
        Heading(("四、参与方的权利", "4. Rights of participants")),
        *RIGHTS,
    ])


def _second_invitation() -> Spec:
    return Spec(closing=("特此函告。", ""), blocks=[
        Addressee(),
        Para(("秘书处于{{ case.invitation_sent_on }}向贵方发出《调解磋商邀请》，邀请贵方就{{ applicant.names }}提出的调解磋商申请"
              "（案件编号：{{ case.number }}，案件名称：“{{ case.title }}”）参与本机制的调解磋商程序。该邀请于"
              "{{ limits.invitation_response.start }}送达贵方。贵方未在邀请送达之日起{{ limits.invitation_response.basis }}内"
              "{% if limits.invitation_response.due %}（截至{{ limits.invitation_response.due }}）{% endif %}书面告知秘书处是否"
              "接受邀请。",
              "On {{ case.invitation_sent_on }} the Secretariat sent you an Invitation to Mediation and "
              "Consultation concerning the application of {{ applicant.names }} (case {{ case.number }}, "
              "“{{ case.title }}”). The invitation was delivered to you on {{ limits.invitation_response.start }}. "
              "You have not told the Secretariat in writing within {{ limits.invitation_response.basis }} of its "
              "delivery{% if limits.invitation_response.due %} (by {{ limits.invitation_response.due }}){% endif %} "
              "whether you accept it.")),
        Para((f"根据{RULES_ZH}{{{{ limits.second_invitation.clause }}}}的规定，秘书处现再次邀请贵方参与本案调解磋商程序。",
              f"Under {{{{ limits.second_invitation.clause }}}} of {RULES_EN}, the Secretariat invites you a "
              "second time to take part in the procedure of this case.")),
        Heading(("一、答复期限及后果", "1. Your reply and the consequence of silence")),
        Para(("请贵方自本邀请送达之日起**{{ limits.second_invitation_response.basis }}**内"
              + due("second_invitation_response")[0] + "，以书面形式告知秘书处是否接受邀请。",
              "Please tell the Secretariat in writing, within **{{ limits.second_invitation_response.basis }}** of "
              "the delivery of this second invitation" + due("second_invitation_response")[1]
              + ", whether you accept it.")),
        Para(("**逾期仍未书面反馈的，视为贵方拒绝邀请。**秘书处将在{{ limits.non_launch_notice.basis }}内向申请方书面发出"
              "《调解磋商程序不予启动通知》，本案调解磋商进程终结（{{ limits.second_invitation_response.clause }}、第四章第四节第2条）。",
              "**If you do not answer in writing within that time, you are deemed to have refused the "
              "invitation.** The Secretariat will then send the applicant a written Notice of Non-Launch of the "
              "Procedure within {{ limits.non_launch_notice.basis }}, and the procedure of this case ends "
              "({{ limits.second_invitation_response.clause }}; Chapter IV, Section 4, Article 2).")),
        Para(("贵方接受邀请的，可同时向秘书处提供初步书面回应意见及支持贵方主张的证据材料；未提供上述材料的，不影响程序的启动。",
              "If you accept, you may at the same time send a preliminary written response and supporting "
              "evidence; if you do not, the procedure is launched all the same.")),
        Heading(("二、申请概要", "2. The application")),
        Para(("争议事实：{{ case.facts }}", "Facts in dispute: {{ case.facts }}")),
        CLAIMS_GRID,
        Heading(("三、关于本机制", "3. The Mechanism")),
        NATURE,
        Para((f"贵方参与调解磋商期间享有{RULES_ZH}第六章规定的保密、异议、回避及免受报复等权利。",
              "While taking part, you enjoy the rights of confidentiality, objection, recusal and protection from "
              f"retaliation set out in Chapter VI of {RULES_EN}.")),
    ])


def _launch_notice() -> Spec:
    return Spec(closing=("特此通知。", ""), blocks=[
        Addressee(),
        Para(("秘书处于{{ case.response_on }}收到相对方{{ respondent.names }}接受调解磋商邀请的书面告知。根据" + RULES_ZH
              + "{{ limits.launch_notice.clause }}的规定，秘书处现就{{ case.number }}号案件通知如下：",
              "On {{ case.response_on }} the Secretariat received the written acceptance of the invitation by "
              "the respondent, {{ respondent.names }}. Under {{ limits.launch_notice.clause }} of " + RULES_EN
              + ", the Secretariat gives notice as follows in case {{ case.number }}:")),
        Form(CASE_ROWS),
        Para(("一、**调解磋商程序自本通知送达双方之日起正式启动。**",
              "1. **The mediation and consultation procedure starts on the day this notice has been delivered to "
              "both sides.**")),
        Para(("二、秘书处将自本通知送达之日起{{ limits.triage.basis }}内" + due("triage")[0]
              + "，根据申请方的申请主张、相对方的初步回应意见及双方提供的支持材料，就争议类型和性质、事项的范围和内容、所涉问题的"
              "复杂程度、谅解达成及问题解决的难易程度等因素进行初步评估，为双方作出处理路径选择及工具调用提出建议"
              "（{{ limits.triage.clause }}）。",
              "2. Within {{ limits.triage.basis }} of the delivery of this notice" + due("triage")[1]
              + ", the Secretariat will make a preliminary assessment, on the basis of the applicant's claims, "
              "the respondent's preliminary response and the materials of both sides, of the type and nature of "
              "the dispute, the scope of the matters, the complexity of the issues and how readily understanding "
              "and a solution may be reached, and will recommend a path and tools to both sides "
              "({{ limits.triage.clause }}).")),
        Para(("三、在秘书处的建议和指导下，双方协商一致，在双边对话、平台内部调解、外部专家调解三种处理路径中进行选择，并就是否"
              "立即启用事实调查、评估验证等可调用工具作出决定（第四章第二节、第三节）。各处理路径的适用范围和期限如下：",
              "3. With the Secretariat's recommendation and guidance, the sides agree on one of three paths — "
              "bilateral dialogue, internal mediation or external expert mediation — and decide whether to use "
              "fact-finding or assessment and verification at once (Chapter IV, Sections 2 and 3). The paths and "
              "their periods are:")),
        Form(PATHS_GRID_ROWS),
        Para(("四、由专家网络、事实调查机构、评估验证机构、翻译机构或人员等第三方提供的服务与支持可能产生合理的成本费用，由双方"
              "协商承担，直接向提供服务的机构或人员支付（第六章第5.2条）。",
              "4. Services of the expert network, fact-finding bodies, assessment and verification bodies, "
              "translators and other third parties may incur reasonable costs, which the sides share as they "
              "agree and pay directly to the provider (Chapter VI, Article 5.2).")),
        If("case.preliminary_response", [
            Para(("五、相对方在接受邀请时提交了初步书面回应意见，内容如下：",
                  "5. With its acceptance the respondent submitted the following preliminary written response:")),
            Para("{{ case.preliminary_response }}", "Field Line"),
        ]),
        Heading(("参与方的权利", "Rights of participants")),
        *RIGHTS,
        complied("launch_notice", ("本通知", "this notice"), "发出"),
    ])


def _non_launch_notice() -> Spec:
    return Spec(closing=("特此通知。", ""), blocks=[
        Addressee(),
        Para(("你方提出的调解磋商申请（案件编号：{{ case.number }}，案件名称：“{{ case.title }}”）经秘书处于{{ case.accepted_on }}"
              "受理后，秘书处于{{ case.invitation_sent_on }}向相对方{{ respondent.names }}发出《调解磋商邀请》。",
              "After accepting your application (case {{ case.number }}, “{{ case.title }}”) on "
              "{{ case.accepted_on }}, the Secretariat sent an Invitation to Mediation and Consultation to the "
              "respondent, {{ respondent.names }}, on {{ case.invitation_sent_on }}.")),
        If("case.deemed_refusal", [
            Para(("相对方未在规定期限内书面告知是否接受邀请；秘书处再次发出邀请后，相对方在再次邀请送达之日起"
                  "{{ limits.second_invitation_response.basis }}内仍未进行书面反馈。根据" + RULES_ZH
                  + "{{ limits.second_invitation_response.clause }}的规定，视为相对方拒绝邀请。",
                  "The respondent did not answer in writing within the time limit; after the Secretariat sent a "
                  "second invitation, it still did not answer in writing within "
                  "{{ limits.second_invitation_response.basis }} of its delivery. Under "
                  "{{ limits.second_invitation_response.clause }} of " + RULES_EN
                  + ", the respondent is deemed to have refused the invitation.")),
        ], orelse=[
            Para(("相对方于{{ case.response_on }}以书面形式明确告知秘书处不接受邀请。",
                  "On {{ case.response_on }} the respondent told the Secretariat in writing that it does not "
                  "accept the invitation.")),
        ]),
        Para(("根据" + RULES_ZH + "{{ limits.non_launch_notice.clause }}的规定，秘书处决定：**本案调解磋商程序不予启动。**"
              "根据第四章第四节第2条，本案调解磋商进程因相对方拒绝接受磋商邀请而终结。",
              "Under {{ limits.non_launch_notice.clause }} of " + RULES_EN + ", the Secretariat decides that **the mediation and "
              "consultation procedure of this case will not be launched.** Under Chapter IV, Section 4, "
              "Article 2, the procedure of this case ends because the respondent has refused the invitation.")),
        Para(("本机制以自愿参与为前提，无权要求相对方参与调解磋商。本通知不影响你方通过其他合法途径寻求争议解决的权利。",
              "Participation in the Mechanism is voluntary, and it cannot require the respondent to take part. "
              "This notice does not affect your right to seek a solution to the dispute by other lawful means.")),
        complied("non_launch_notice", ("本通知", "this notice"), "发出"),
    ])


def _triage_recommendation() -> Spec:
    return Spec(closing=("特此建议。", ""), blocks=[
        Addressee(),
        Para(("{{ case.number }}号案件（“{{ case.title }}”）调解磋商程序已于{{ case.launched_on }}正式启动。根据" + RULES_ZH
              + "{{ limits.triage.clause }}的规定，秘书处根据申请方的申请主张、相对方的初步回应意见及双方提供的支持材料，对本案进行了"
              "初步评估，现就处理路径选择及工具调用提出建议如下：",
              "The procedure of case {{ case.number }} (“{{ case.title }}”) started on {{ case.launched_on }}. "
              "Under {{ limits.triage.clause }} of " + RULES_EN + ", the Secretariat has made a preliminary "
              "assessment on the basis of the applicant's claims, the respondent's preliminary response and the "
              "materials of both sides, and recommends the following path and tools:")),
        Heading(("一、初步评估", "1. Preliminary assessment")),
        Para("{{ triage.reasoning }}"),
        Heading(("二、建议的处理路径", "2. Recommended path")),
        Para(("秘书处建议本案采用**{{ triage.recommended_path }}**路径。本机制提供的三种处理路径如下（第四章第二节）：",
              "The Secretariat recommends **{{ triage.recommended_path }}**. The Mechanism offers three paths "
              "(Chapter IV, Section 2):")),
        Form(PATHS_GRID_ROWS),
        Heading(("三、建议调用的工具", "3. Recommended tools")),
        Para(("{% if triage.recommended_tools %}秘书处建议启用：{{ triage.recommended_tools }}。"
              "{% else %}秘书处暂不建议立即启用可调用工具。{% endif %}",
              "{% if triage.recommended_tools %}The Secretariat recommends: {{ triage.recommended_tools }}."
              "{% else %}The Secretariat does not recommend using a tool at once.{% endif %}")),
        Para(("评估验证可在所有处理路径中启用，原则上{{ limits.assessment_verification.basis }}内完成；事实调查仅在外部专家调解路径中"
              "启用，原则上{{ limits.fact_finding.basis }}内完成（第四章第三节）。",
              "Assessment and verification may be used on any path and is completed in principle within "
              "{{ limits.assessment_verification.basis }}; fact-finding is used only on the external expert "
              "mediation path and is completed in principle within {{ limits.fact_finding.basis }} (Chapter IV, "
              "Section 3).")),
        Heading(("四、案件分流", "4. Agreeing the path")),
        Para(("请双方在秘书处的建议和指导下协商一致，共同进行案件分流，在三种处理路径中作出选择，并就是否立即启用事实调查、评估验证等"
              "工具作出决定，共同签署《案件分流确认书》。本建议书供双方协商时参考。",
              "With the Secretariat's recommendation and guidance, the sides are asked to agree together on one "
              "of the three paths and on whether to use fact-finding or assessment and verification at once, and "
              "to sign the Record of the Agreed Path and Tools. This recommendation is for the sides' reference "
              "in reaching that agreement.")),
        complied("triage", ("本建议书", "this recommendation"), "提出"),
    ])


def _triage_record() -> Spec:
    return Spec(masthead=False, blocks=[
        Addressee("当事双方：{{ addressee }}", "Parties: {{ addressee }}"),
        Para((f"根据{RULES_ZH}{{{{ limits.triage.clause }}}}的规定，秘书处于{{{{ triage.recommended_on }}}}就{{{{ case.number }}}}号"
              "案件向双方提出评估分流建议（建议路径：{{ triage.recommended_path }}；建议工具：{% if triage.recommended_tools %}"
              "{{ triage.recommended_tools }}{% else %}无{% endif %}）。在秘书处的建议和指导下，申请方与相对方经协商一致，确认如下：",
              f"Under {{{{ limits.triage.clause }}}} of {RULES_EN}, the Secretariat made its assessment and triage "
              "recommendation in case {{ case.number }} on {{ triage.recommended_on }} (path: "
              "{{ triage.recommended_path }}; tools: {% if triage.recommended_tools %}{{ triage.recommended_tools }}"
              "{% else %}none{% endif %}). With the Secretariat's recommendation and guidance, the applicant and the "
              "respondent have agreed as follows:")),
        Form([
            Row(("案件编号", "Case number"), "{{ case.number }}"),
            Row(("申请方", "Applicant"), "{{ applicant.names }}"),
            Row(("相对方", "Respondent"), "{{ respondent.names }}"),
            Row(("确认的处理路径", "Agreed path"), "{{ triage.agreed_path }}"),
            Row(("立即启用的工具", "Tools used at once"),
                ("{% if triage.agreed_tools %}{{ triage.agreed_tools }}{% else %}暂不启用{% endif %}",
                 "{% if triage.agreed_tools %}{{ triage.agreed_tools }}{% else %}none for now{% endif %}")),
            Row(("分流确认日期", "Agreed on"), "{{ triage.agreed_on }}"),
            Row(("路径期限届满日", "Path period ends"), "{{ triage.path_period }}"),
        ]),
        Para(("双方同意：", "The sides agree that:"), "Field Line"),
        Para(("一、处理路径的期限原则上为：双边对话1个月，平台内部调解3个月，外部专家调解6个月；经参与方申请，秘书处可以决定适当延长"
              "（第四章第二节）。",
              "1. The period of the path is in principle 1 month for bilateral dialogue, 3 months for internal "
              "mediation and 6 months for external expert mediation; at a side's request the Secretariat may "
              "extend it (Chapter IV, Section 2).")),
        Para(("二、案件调解与磋商过程中，任何一方均可向秘书处申请路径转换，秘书处在双方一致同意的基础上作出是否转换的决定"
              "（第四章第二节第4条）。",
              "2. Either side may ask the Secretariat to change the path; the Secretariat decides with the "
              "consent of both sides (Chapter IV, Section 2, Article 4).")),
        Para(("三、事实调查仅在外部专家调解路径中启用；评估验证可在所有处理路径中启用（第四章第三节）。",
              "3. Fact-finding is used only on the external expert mediation path; assessment and verification "
              "may be used on any path (Chapter IV, Section 3).")),
        Para(("四、外部专家和机构提供服务与支持的费用，由双方协商承担（第六章第5.2条）。",
              "4. The costs of services of external experts and bodies are shared as the sides agree (Chapter VI, "
              "Article 5.2).")),
        CoSignatures(),
    ])


def _path_switch_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para(("{{ case.number }}号案件（“{{ case.title }}”）目前采用{{ item.from_path }}路径进行调解磋商。{{ item.requested_by }}"
              "向秘书处申请将处理路径转换为{{ item.to_path }}。",
              "Case {{ case.number }} (“{{ case.title }}”) has been handled on the path of "
              "{{ item.from_path|lower }}. The {{ item.requested_by|lower }} asked the Secretariat to change the path to "
              "{{ item.to_path|lower }}.")),
        Para((f"秘书处综合考量案件具体情况，与当前负责案件处理的平台内部调解组或外部专家调解员/组进行了沟通，并取得双方一致同意。根据"
              f"{RULES_ZH}第四章第二节第4条的规定，秘书处决定：",
              "Having considered the circumstances of the case, consulted the internal mediation panel or "
              "external expert mediator or panel now handling it, and obtained the consent of both sides, the "
              f"Secretariat decides under Chapter IV, Section 2, Article 4 of {RULES_EN}:")),
        Para(("**自{{ item.decided_on }}起，本案处理路径由{{ item.from_path }}转换为{{ item.to_path }}。**",
              "**from {{ item.decided_on }}, the path of this case changes from {{ item.from_path|lower }} to "
              "{{ item.to_path|lower }}.**")),
        Para(("{{ item.to_path }}的期限至{{ item.due }}届满；经参与方申请，秘书处可以决定适当延长（第四章第二节）。",
              "The period of {{ item.to_path|lower }} ends on {{ item.due }}; at a side's request the Secretariat may "
              "extend it (Chapter IV, Section 2).")),
        Para(("路径转换前已启用的评估验证继续进行；事实调查仅在外部专家调解路径中启用（第四章第三节）。",
              "Assessment and verification already under way continues; fact-finding is used only on the "
              "external expert mediation path (Chapter IV, Section 3).")),
    ])


def _extension_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para(("{{ item.requested_by }}向秘书处申请延长{{ case.number }}号案件（“{{ case.title }}”）的下列期限：",
              "The {{ item.requested_by|lower }} asked the Secretariat to extend the following time limit in case "
              "{{ case.number }} (“{{ case.title }}”):")),
        Form([
            Row(("延长事项", "Time limit"), "{{ item.target }}"),
            Row(("申请理由", "Reasons given"), "{{ item.reasons }}"),
            Row(("原期限届满日", "Previous end"), "{{ item.previous_due }}"),
        ]),
        Para((f"根据{RULES_ZH}{{{{ item.clause }}}}的规定，经参与方申请，秘书处可以决定适当延长。秘书处经审查，决定：",
              f"Under {{{{ item.clause }}}} of {RULES_EN}, the Secretariat may extend the period at a side's "
              "request. Having considered the request, the Secretariat decides:")),
        Para(("**将上述期限延长{{ item.extension }}，延长后的期限至{{ item.new_due }}届满{{ item.note }}。**",
              "**to extend the time limit by {{ item.extension }}; it now ends on {{ item.new_due }}"
              "{% if item.note %} {{ item.note }}{% endif %}.**")),
        Para(("延长期限内，双方应继续积极推进调解磋商。", "The sides continue the procedure actively during the "
              "extended period.")),
    ])


def _appointment_letter() -> Spec:
    return Spec(closing=("特此任命。", ""), blocks=[
        Addressee(),
        If("item.requested_by", [
            Para((f"根据{RULES_ZH}第二章第3.3条的规定，基于{{{{ item.requested_by }}}}的申请，经{{{{ case.number }}}}号案件双方一致同意，"
                  "秘书处决定任命{{ item.appointee }}为本案{{ item.target }}。",
                  f"Under Chapter II, Article 3.3 of {RULES_EN}, at the request of the {{{{ item.requested_by|lower }}}} "
                  "and with the consent of both sides of case {{ case.number }}, the Secretariat appoints "
                  "{{ item.appointee }} as {{ item.target|lower }} in this case.")),
        ], orelse=[
            Para((f"根据{RULES_ZH}第四章第二节第2条的规定，秘书处决定指定{{{{ item.appointee }}}}为{{{{ case.number }}}}号案件"
                  "{{ item.target }}。",
                  f"Under Chapter IV, Section 2, Article 2 of {RULES_EN}, the Secretariat designates "
                  "{{ item.appointee }} as {{ item.target|lower }} in case {{ case.number }}.")),
        ]),
        Form([
            *CASE_ROWS,
            Row(("任命职责", "Appointed as"), "{{ item.target }}"),
            Row(("任命日期", "Appointed on"), "{{ item.decided_on }}"),
            Row(("工作范围", "Scope of work"), "{{ item.scope }}", test="item.scope"),
            Row(("完成期限", "To be completed by"), ("原则上于{{ item.due }}前完成", "in principle by {{ item.due }}"),
                test="item.due"),
        ]),
        Para(("请注意以下事项：", "Please note:"), "Field Line"),
        Para(("一、秘书处为受任命的专家和机构的工作提供协调和协助，但不发表立场意见或以任何其他形式进行干预（第六章第6.2条）。",
              "1. The Secretariat coordinates and assists the work of appointed experts and bodies but takes no "
              "position and does not intervene in any other way (Chapter VI, Article 6.2).")),
        Para(("二、因处理案件需要掌握或接触保密信息的，应仅限在案件处理所必须的范围内使用；在整个磋商过程直至进程终结后任何时候，"
              "均不得违反保密措施使用和披露相关信息，保密申请方同意的除外（第六章第2.2条）。",
              "2. Confidential information learned in handling the case may be used only as far as the case "
              "requires, and may never be used or disclosed in breach of the confidentiality measures, during "
              "or after the procedure, unless the side that requested confidentiality agrees (Chapter VI, "
              "Article 2.2).")),
        Para(("三、接受任命后，发现自身与申请所涉争议存在可能影响公正处理的利害关系或其他情形的，应当立即自行向秘书处提出书面回避申请"
              "（第六章第6.1条）。",
              "3. If, after accepting the appointment, you find any interest or circumstance that may affect the "
              "impartial handling of the dispute, you must at once ask the Secretariat in writing to be recused "
              "(Chapter VI, Article 6.1).")),
        Para(("四、在参与过程中发表的一切意见、看法和事实结论，仅供双方寻求问题解决参考，不应被视为对任何一方的对错评判（第六章第7条）。",
              "4. Every opinion, view and finding of fact you express is for the sides' reference in seeking a "
              "solution and is not a judgment on either side (Chapter VI, Article 7).")),
        Para(("五、提供服务产生的合理成本费用，由双方协商承担，直接向提供服务的机构或人员支付（第六章第5.2条）。",
              "5. Reasonable costs of your services are shared as the sides agree and paid by them directly to "
              "you (Chapter VI, Article 5.2).")),
        Para(("抄送：本案申请方、相对方", "Copy to: the applicant and the respondent in this case"), "Note"),
    ])


def _fact_finding_terms() -> Spec:
    return Spec(masthead=False, blocks=[
        Addressee("当事双方：{{ addressee }}", "Parties: {{ addressee }}"),
        Para((f"根据{RULES_ZH}第四章第三节第1条的规定，事实调查仅在外部专家调解路径中启用。在外部专家调解员/组的指导和建议下，经"
              "{{ item.requested_by }}申请，{{ case.number }}号案件申请方与相对方一致同意就特定争议事项开展事实调查，并确认调查的"
              "范围和安排如下：",
              f"Under Chapter IV, Section 3, Article 1 of {RULES_EN}, fact-finding is used only on the external "
              "expert mediation path. With the guidance and advice of the external expert mediator or panel, and "
              "at the request of the {{ item.requested_by|lower }}, the applicant and the respondent in case "
              "{{ case.number }} agree to a fact-finding on particular matters in dispute, on the following "
              "terms:")),
        Form([
            Row(("申请方", "Applicant"), "{{ applicant.names }}"),
            Row(("相对方", "Respondent"), "{{ respondent.names }}"),
            Row(("事实调查组", "Fact-finding team"), "{{ item.appointee }}"),
            Row(("调查范围", "Scope"), "{{ item.scope }}"),
            Row(("启动日期", "Started on"), "{{ item.received_on }}"),
            Row(("完成期限", "Time limit"),
                ("原则上{{ limits.fact_finding.basis }}内完成，即{{ item.due }}前{{ limits.fact_finding.note }}",
                 "in principle within {{ limits.fact_finding.basis }}, that is, by {{ item.due }}"
                 "{% if limits.fact_finding.note %} {{ limits.fact_finding.note }}{% endif %}")),
        ]),
        Para(("双方确认：", "The sides confirm that:"), "Field Line"),
        Para(("一、事实调查限于申请涉及的争议事项，以上述范围为限（第四章第三节第1.1条）。",
              "1. The fact-finding is limited to the matters in dispute in the application, within the scope "
              "above (Chapter IV, Section 3, Article 1.1).")),
        Para(("二、事实调查的方式由事实调查组根据具体情况和需要确定，包括但不限于文件审查、桌面研究、实地调查、相关方访谈、调查会议"
              "或其他有利于厘清争议事实的方式；双方对调查行动应当给予积极支持和配合（第1.2条）。",
              "2. The fact-finding team decides its methods as the case requires, including document review, "
              "desk research, field visits, interviews of those concerned, fact-finding meetings or any other "
              "method that helps to establish the facts; both sides support and cooperate actively (Article 1.2).")),
        Para(("三、双方在事实调查过程中充分享有陈述事实、表达观点、提供信息的权利（第1.1条）。",
              "3. Both sides have the full right to state facts, express views and provide information during "
              "the fact-finding (Article 1.1).")),
        Para(("四、事实调查的启动不自动中止正在进行的外部专家调解，双方认为必要的除外（第1.1条）。",
              "4. The fact-finding does not of itself suspend the external expert mediation, unless both sides "
              "consider this necessary (Article 1.1).")),
        Para(("五、事实调查组发表的意见、看法和事实结论仅供双方寻求问题解决参考，不应被视为对任何一方的对错评判（第六章第7条）。",
              "5. The opinions, views and findings of the fact-finding team are for the sides' reference in "
              "seeking a solution and are not a judgment on either side (Chapter VI, Article 7).")),
        Para(("六、事实调查的费用由双方协商承担（第六章第5.2条）。",
              "6. The costs of the fact-finding are shared as the sides agree (Chapter VI, Article 5.2).")),
        CoSignatures(),
    ])


def _assessment_request() -> Spec:
    return Spec(masthead=False, seal=False, blocks=[
        Addressee("致：{{ addressee }}", "To: {{ addressee }}"),
        Form([
            *CASE_ROWS,
            Row(("提出申请的一方", "Requesting side"),
                ("{{ item.requested_by }}：{% if item.requested_by == applicant.role %}{{ applicant.names }}"
                 "{% else %}{{ respondent.names }}{% endif %}",
                 "{{ item.requested_by }}: {% if item.requested_by == applicant.role %}{{ applicant.names }}"
                 "{% else %}{{ respondent.names }}{% endif %}")),
        ]),
        Para((f"根据{RULES_ZH}第四章第三节第2条的规定，我方申请就下列特定事项进行评估验证：",
              f"Under Chapter IV, Section 3, Article 2 of {RULES_EN}, we request an assessment and verification "
              "of the following particular matters:")),
        Form([
            Row(("评估议题及边界", "Subject and boundaries"), "{{ item.scope }}"),
            Row(("选择的评估验证机构", "Assessment body chosen"), "{{ item.appointee }}"),
            Row(("适用的评估标准", "Assessment standards"),
                ("（由申请的一方填写）", "(to be completed by the requesting side)")),
            Row(("评估程序和方法", "Procedure and methods"),
                ("（由申请的一方填写）", "(to be completed by the requesting side)")),
            Row(("完成期限", "Time limit"),
                ("原则上{{ limits.assessment_verification.basis }}内完成{% if item.due %}，即{{ item.due }}前{% endif %}"
                 "{{ limits.assessment_verification.note }}",
                 "in principle within {{ limits.assessment_verification.basis }}{% if item.due %}, that is, by "
                 "{{ item.due }}{% endif %}{% if limits.assessment_verification.note %} "
                 "{{ limits.assessment_verification.note }}{% endif %}")),
        ]),
        Para(("本案援引的标准文件：", "Standards invoked in this case:"), "Field Line"),
        Grid("s in standards", (
            Col(("序号", "No."), "{{ loop.index }}", 1.3),
            Col(("标准文件", "Standard"), "{{ s.name }}", 8.4),
            Col(("有关条款", "Clauses"), "{{ s.clauses }}", 6.0),
        ), empty=("（无）", "(none)")),
        Para(("评估验证可在双边对话、平台内部调解、外部专家调解等所有处理路径中启用。为应对行业内与评估标准、程序、方法及结论相关的"
              "具有共性和普遍性的问题而申请评估验证的，申请方或相对方的数量原则上不得低于3家（第四章第三节第2条）。评估验证机构经双方"
              "一致同意后由秘书处任命（第二章第3.3条），费用由双方协商承担（第六章第5.2条）。",
              "Assessment and verification may be used on every path. Where it addresses a question common to "
              "the industry about the standards, procedures, methods or conclusions of assessments, the "
              "applicants or the respondents should in principle number at least three (Chapter IV, Section 3, "
              "Article 2). The Secretariat appoints the assessment and verification body with the consent of "
              "both sides (Chapter II, Article 3.3); its costs are shared as the sides agree (Chapter VI, "
              "Article 5.2)."), "Note"),
        SideSignature("", ("（申请的一方，签字或盖章）", " (requesting side: signature or seal)")),
    ])


def _confidentiality_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para(("你方（本案{{ item.requested_by }}）于{{ item.received_on }}向秘书处提出保密申请。根据" + RULES_ZH
              + "{{ limits.confidentiality_decision.clause }}的规定，秘书处视信息类型、性质及具体保密请求，作出决定如下：",
              "On {{ item.received_on }} you (the {{ item.requested_by|lower }} in this case) asked the Secretariat "
              "for confidentiality. Under {{ limits.confidentiality_decision.clause }} of " + RULES_EN
              + ", having regard to the type and nature of the information and to the request, the Secretariat "
              "decides as follows:")),
        Para("**{{ item.decision }}**"),
        If("item.granted", [
            Form([
                Row(("保密的具体信息", "Information kept confidential"), "{{ item.information }}"),
                Row(("保密对象", "Kept from"), "{{ item.audience }}"),
                Row(("保密期限或处理阶段", "Duration or stage"), "{{ item.duration }}"),
            ]),
        ], orelse=[
            Form([
                Row(("申请保密的信息", "Information concerned"), "{{ item.information }}"),
                Row(("申请保密的对象", "Requested to be kept from"), "{{ item.audience }}"),
                Row(("申请的期限或阶段", "Requested duration or stage"), "{{ item.duration }}"),
            ]),
        ]),
        Para(("申请理由：{{ item.reasons }}", "Reasons of the request: {{ item.reasons }}"), "Field Line"),
        If("item.decision_reason", [
            Para(("决定理由：{{ item.decision_reason }}", "Reasons of the decision: {{ item.decision_reason }}"),
                 "Field Line"),
        ]),
        Para(("本机制工作人员、参与案件处理的专家、事实调查机构和评估验证机构因处理案件需要掌握或接触保密信息的，应仅限在案件处理"
              "所必须的范围内使用。任何人员或机构在整个磋商过程，直至进程终结后任何时候，均不得违反保密措施进行使用和披露，保密申请方"
              "同意的除外（第六章第2.2条）。",
              "Staff of the Mechanism, experts, fact-finding bodies and assessment and verification bodies who "
              "need confidential information to handle the case may use it only as far as the case requires. No "
              "person or body may use or disclose it in breach of the confidentiality measures, during the "
              "consultation or at any time after the procedure ends, unless the requesting side agrees "
              "(Chapter VI, Article 2.2).")),
        Para(("保密申请应当出于善意，不得滥用保密申请达到拖延和妨碍调解磋商进程等不正当目的（第六章第2.1条）。",
              "A confidentiality request must be made in good faith and may not be abused to delay or obstruct "
              "the procedure (Chapter VI, Article 2.1).")),
        complied("confidentiality_decision", ("本决定", "this decision")),
    ])


def _objection_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para(("你方（本案{{ item.requested_by }}）于{{ item.received_on }}就{{ case.number }}号案件以书面形式向秘书处提出异议：",
              "On {{ item.received_on }} you (the {{ item.requested_by|lower }}) raised a written objection with the "
              "Secretariat in case {{ case.number }}:")),
        Form([
            Row(("异议事由", "Ground"), "{{ item.ground }}"),
            Row(("异议内容", "Objection"), "{{ item.statement }}"),
            Row(("证据材料", "Evidence"), "{{ item.evidence }}"),
        ]),
        Para(("秘书处收到异议后进行了内部调查评估。根据" + RULES_ZH + "{{ limits.objection_decision.clause }}的规定，作出决定如下：",
              "The Secretariat has investigated the objection internally. Under "
              "{{ limits.objection_decision.clause }} of " + RULES_EN + ", it decides as follows:")),
        Para(("一、**{{ item.decision }}。**", "1. **{{ item.decision }}.**")),
        Para(("二、理由：{{ item.decision_reason }}", "2. Reasons: {{ item.decision_reason }}")),
        If("item.measures", [
            Para(("三、秘书处采取以下措施：{{ item.measures }}。",
                  "3. The Secretariat takes the following measures: {{ item.measures }}.")),
        ]),
        Para(("异议成立或部分成立的，秘书处视情况采取的措施包括：驳回恶意提出的申请；撤销存在不当行为或不正当利益关联的专家、机构或"
              "工作人员参与案件处理的资格；将基于伪造的证据材料和存在重大隐瞒的事实作出的处理行为和结论视为无效并重新作出处理决定；对违背"
              "问题解决方案约定和诚信原则的义务承担方进行提醒、建议和督促（第六章第3.3条）。",
              "Where an objection is upheld in whole or in part, the measures the Secretariat may take include: "
              "dismissing an application made in bad faith; removing from the case an expert, body or member of "
              "staff who acted improperly or has an improper interest; treating as void, and redoing, acts and "
              "conclusions based on forged evidence or concealed material facts; and reminding, advising and "
              "urging an obligor that breaches the agreement or good faith (Chapter VI, Article 3.3)."), "Note"),
        complied("objection_decision", ("本决定", "this decision")),
    ])


def _recusal_decision() -> Spec:
    return Spec(closing=("特此决定。", ""), blocks=[
        Addressee(),
        Para(("秘书处于{{ item.received_on }}收到{{ case.number }}号案件（“{{ case.title }}”）的书面回避申请：",
              "On {{ item.received_on }} the Secretariat received a written request for recusal in case "
              "{{ case.number }} (“{{ case.title }}”):")),
        Form([
            Row(("申请人", "Requested by"), "{{ item.requested_by }}"),
            Row(("申请回避的专家或机构", "Expert or body concerned"), "{{ item.appointee }}"),
            Row(("申请理由", "Reasons given"), "{{ item.reasons }}"),
        ], label_width=5.0),
        Para(("根据" + RULES_ZH + "{{ limits.recusal_decision.clause }}的规定，秘书处作出决定如下：",
              "Under {{ limits.recusal_decision.clause }} of " + RULES_EN + ", the Secretariat decides as "
              "follows:")),
        If("item.granted", [
            Para(("**{{ item.appointee }}回避，自本决定作出之日起不再参与本案处理。**秘书处将依照第二章第3.3条的规定，经双方一致同意后"
                  "另行任命。",
                  "**{{ item.appointee }} is recused and takes no further part in the case from the date of this "
                  "decision.** The Secretariat will appoint a replacement with the consent of both sides under "
                  "Chapter II, Article 3.3.")),
        ], orelse=[
            Para(("**{{ item.appointee }}不予回避，继续参与本案处理。**",
                  "**{{ item.appointee }} is not recused and continues to take part in the case.**")),
        ]),
        If("item.decision_reason", [
            Para(("理由：{{ item.decision_reason }}", "Reasons: {{ item.decision_reason }}")),
        ]),
        Para(("**根据第六章第6.1条的规定，本决定为最终决定，各方不得就该决定申请复议。**",
              "**Under Chapter VI, Article 6.1, this decision is final: no side may ask for it to be "
              "reconsidered.**")),
        complied("recusal_decision", ("本决定", "this decision")),
    ])


def _agreement() -> Spec:
    return Spec(masthead=False, blocks=[
        Addressee("当事双方：{{ addressee }}", "Parties: {{ addressee }}"),
        Heading(("申请方", "Applicant")),
        members_grid("applicant", contact=False),
        *people_lines("applicant"),
        Heading(("相对方", "Respondent")),
        members_grid("respondent", contact=False),
        *people_lines("respondent"),
        Para(("申请方与相对方（以下合称“双方”）在" + "{{ mechanism.name }}" + "（案件编号：{{ case.number }}）通过"
              "{{ case.path }}等处理路径进行调解磋商，在自愿、平等的基础上达成谅解。根据" + RULES_ZH
              + "第四章第四节第1条，双方共同签署本问题解决方案如下：",
              "The applicant and the respondent (together, the sides) have held mediation and consultation under "
              "the {{ mechanism.name }} (case {{ case.number }}), most recently on the path of {{ case.path|lower }}, and "
              "have reached an understanding freely and as equals. Under Chapter IV, Section 4, Article 1 of "
              + RULES_EN + ", they sign this problem-solving agreement:")),
        Heading(("一、主要争议焦点和主张", "1. Main points in dispute and claims")),
        Para("{{ agreement.points_in_dispute }}"),
        Heading(("二、所涉及的主要利益相关方", "2. Main stakeholders")),
        Para("{{ agreement.stakeholders }}"),
        Heading(("三、适用的标准文件、国际准则及法律法规有关条款", "3. Applicable standards, international guidelines and laws (clauses)")),
        Para("{{ agreement.standards_and_clauses }}"),
        Heading(("四、调解磋商的主要过程及双方达成的共识", "4. Course of the process and consensus reached")),
        Para("{{ agreement.process_and_consensus }}"),
        Heading(("五、义务承担方、义务内容、履行时间表和成果指标", "5. Obligors, obligations, timetable and outcome indicators")),
        OBLIGATIONS_GRID,
        Para(("在本方案中负有特定义务的一方为“义务承担方”，特定义务相对的一方为“义务相对方”（第五章第1条）。",
              "The side that bears an obligation under this agreement is the obligor; the side to which it is "
              "owed is the obligee (Chapter V, Article 1)."), "Note"),
        Heading(("六、落实进度及成果的反馈计划", "6. Feedback on implementation")),
        Para("{{ agreement.feedback_plan }}"),
        Para(("义务承担方应积极向义务相对方及秘书处反馈方案实施的主要步骤、成果及影响义务履行的情形。义务相对方未在合理时间内获得"
              "反馈，且尝试主动沟通未能取得满意效果时，可向秘书处问询方案实施进度；秘书处对方案实施进度及效果进行定期或不定期监测，并"
              "根据监测结果适时更新并公开结案报告（第五章）。",
              "Obligors report to the obligees and to the Secretariat the main steps and results of "
              "implementation and anything that affects it. An obligee that receives no report within a "
              "reasonable time, and whose own attempts to communicate fail, may ask the Secretariat about "
              "progress; the Secretariat monitors implementation periodically or ad hoc and updates and publishes "
              "the closure report accordingly (Chapter V).")),
        Heading(("七、信息披露的范围、途径、方法和步骤", "7. Disclosure: scope, channels, method and steps")),
        Para("{{ agreement.disclosure_plan }}"),
        Heading(("八、持续沟通的方法、途径与计划", "8. Continued communication")),
        Para("{{ agreement.communication_plan }}"),
        Heading(("九、其他", "9. Other terms")),
        Para(("{% if agreement.other_terms %}{{ agreement.other_terms }}{% else %}无。{% endif %}",
              "{% if agreement.other_terms %}{{ agreement.other_terms }}{% else %}None.{% endif %}")),
        Heading(("十、合规与诚信", "10. Compliance and good faith")),
        Para(("本方案不得违反适用的法律法规、国际公认的原则及有关标准要求（第四章第四节第1条）。本方案在自愿、平等的基础上达成，"
              "双方均应保持诚信，切实履行义务（第五章第1条）。",
              "This agreement must not breach applicable laws and regulations, internationally recognised "
              "principles or the requirements of the relevant standards (Chapter IV, Section 4, Article 1). It is "
              "made freely and as equals; both sides act in good faith and perform their obligations in full "
              "(Chapter V, Article 1).")),
        CoSignatures(),
    ])


def _termination_notice() -> Spec:
    return Spec(closing=("特此通知。", ""), blocks=[
        Addressee(),
        Para(("{{ case.number }}号案件（“{{ case.title }}”）调解磋商程序于{{ case.launched_on }}启动。根据" + RULES_ZH
              + "第四章第四节第2条的规定，秘书处确认，本案调解磋商进程于**{{ case.terminated_on }}**因下列情形终结：",
              "The procedure of case {{ case.number }} (“{{ case.title }}”) started on {{ case.launched_on }}. "
              "Under Chapter IV, Section 4, Article 2 of " + RULES_EN + ", the Secretariat confirms that it ended "
              "on **{{ case.terminated_on }}** on the following ground:")),
        Para("**{{ case.termination_ground }}**"),
        If("case.termination_statement", [
            Para(("说明：{{ case.termination_statement }}", "Statement: {{ case.termination_statement }}"),
                 "Field Line"),
        ]),
        Para(("根据第四章第四节第3条的规定，秘书处将向双方发出结案报告，对双方基本信息、争议事项与焦点、调解磋商过程、双方共同查清的"
              "事实、进程终结方式等进行梳理总结，并提出建议。",
              "Under Chapter IV, Section 4, Article 3, the Secretariat will send both sides a closure report "
              "summarising the particulars of both sides, the matters and points in dispute, the course of the "
              "process, the facts jointly established and how the process ended, with its recommendations.")),
        If("agreement.signed_on", [
            Para(("双方已于{{ agreement.signed_on }}共同签署问题解决方案。义务承担方应积极向义务相对方及秘书处反馈方案实施的主要步骤和"
                  "成果；秘书处将对方案实施进度及效果进行定期或不定期监测，并根据监测结果适时更新并公开结案报告（第五章）。",
                  "The sides signed a problem-solving agreement on {{ agreement.signed_on }}. Obligors report the "
                  "main steps and results of implementation to the obligees and the Secretariat; the Secretariat "
                  "monitors implementation periodically or ad hoc and updates and publishes the closure report "
                  "accordingly (Chapter V).")),
        ]),
        If("not agreement.signed_on", [
            Para(("双方经过努力无法达成谅解而终结的，秘书处可为双方提出进程终结后继续沟通的建议，并根据双方意愿为其提供政策解读、"
                  "顾问咨询等其他形式的支持（第四章第四节第2条）。",
                  "Where the process ends because no understanding could be reached, the Secretariat may suggest "
                  "how the sides might continue to communicate and, if they wish, offer other support such as "
                  "policy explanation and advice (Chapter IV, Section 4, Article 2).")),
        ]),
        Para(("保密措施在进程终结后继续有效（第六章第2.2条）。",
              "Confidentiality measures remain in force after the procedure ends (Chapter VI, Article 2.2).")),
    ])


CONTINUATION = If("continuation.number", [Para((
    "本报告为结案报告第{{ continuation.number }}号续报。前一份结案报告（核验码 {{ continuation.previous_code }}，"
    "SHA-256 ``{{ continuation.previous_sha256 }}``，签发日期 {{ continuation.previous_issued_on }}）的监测记录栏已用满，"
    "此后的监测记录在本报告中签署。",
    "This is continuation report no. {{ continuation.number }} of the closure report. The monitoring record of "
    "the previous report (verification code {{ continuation.previous_code }}, SHA-256 "
    "``{{ continuation.previous_sha256 }}``, issued {{ continuation.previous_issued_on }}) is full; later "
    "monitoring updates are signed on this report."), "Continuation Note")])


def _closure_report() -> Spec:
    return Spec(extra_end=[MonitoringPage()], blocks=[
        CONTINUATION,
        Addressee(),
        Para(("根据" + RULES_ZH + "第四章第四节第3条的规定，{{ case.number }}号案件调解磋商进程已于{{ case.terminated_on }}终结，"
              "秘书处现出具结案报告如下。",
              "Under Chapter IV, Section 4, Article 3 of " + RULES_EN + ", the procedure of case {{ case.number }} "
              "ended on {{ case.terminated_on }}; the Secretariat issues this closure report.")),
        Heading(("一、双方基本信息", "1. Particulars of both sides")),
        Form([
            Row(("案件编号", "Case number"), "{{ case.number }}"),
            Row(("案件名称", "Case"), "{{ case.title }}"),
            Row(("争议所涉地区", "Region"), ("{{ case.region }}，{{ case.country }}", "{{ case.region }}, {{ case.country }}")),
            Row(("行业", "Industry"), "{{ case.industry }}"),
            Row(("收到申请日期", "Received on"), "{{ case.received_on }}"),
            Row(("受理日期", "Accepted on"), "{{ case.accepted_on }}"),
            Row(("程序启动日期", "Procedure started on"), "{{ case.launched_on }}"),
        ]),
        Heading(("申请方", "Applicant"), 2),
        members_grid("applicant", contact=False),
        *people_lines("applicant"),
        Heading(("相对方", "Respondent"), 2),
        members_grid("respondent", contact=False),
        *people_lines("respondent"),
        Heading(("二、争议事项与焦点", "2. Matters and points in dispute")),
        Para("{{ closure.points_in_dispute }}"),
        Para(("申请方的主张：", "The applicant's claims:"), "Field Line"),
        CLAIMS_GRID,
        Heading(("三、调解磋商过程", "3. Course of the process")),
        Para("{{ closure.course_of_process }}"),
        Para(("处理路径：", "Paths:"), "Field Line"),
        Grid("p in periods", (
            Col(("处理路径", "Path"), "{{ p.path }}", 4.6),
            Col(("开始日期", "Started"), "{{ p.started_on }}", 3.6),
            Col(("结束日期", "Ended"), "{{ p.ended_on }}", 3.6),
            Col(("期限届满日", "Period ended"), "{{ p.due }}", 3.8),
        ), empty=("（无）", "(none)")),
        Para(("可调用工具：", "Tools:"), "Field Line"),
        Grid("t in tools", (
            Col(("工具", "Tool"), "{{ t.kind }}", 2.4),
            Col(("申请方", "Requested by"), "{{ t.requested_by }}", 1.9),
            Col(("范围", "Scope"), "{{ t.scope }}", 4.6),
            Col(("执行机构", "Carried out by"), "{{ t.team }}", 2.7),
            Col(("启动", "Started"), "{{ t.started_on }}", 2.0),
            Col(("完成", "Completed"), "{{ t.completed_on }}", 2.0),
        ), empty=("（未启用）", "(none used)")),
        Para(("主要程序事项：", "Main steps of the procedure:"), "Field Line"),
        Grid("e in events", (
            Col(("日期", "Date"), "{{ e.on }}", 3.4),
            Col(("事项", "Step"), "{{ e.text }}", 12.2),
        ), empty=("（无）", "(none)")),
        Heading(("四、双方共同查清的事实", "4. Facts jointly established")),
        Para("{{ closure.facts_established }}"),
        Heading(("五、进程终结方式", "5. How the process ended")),
        Para(("本案调解磋商进程于{{ case.terminated_on }}终结，终结情形为：{{ case.termination_ground }}。",
              "The procedure ended on {{ case.terminated_on }} on the following ground: "
              "{{ case.termination_ground }}.")),
        If("agreement.signed_on", [
            Para(("双方于{{ agreement.signed_on }}共同签署问题解决方案，确定的义务如下：",
                  "The sides signed a problem-solving agreement on {{ agreement.signed_on }} with the following "
                  "obligations:")),
            OBLIGATIONS_GRID,
        ]),
        Heading(("六、建议", "6. Recommendations")),
        Para("{{ closure.recommendations }}"),
        Para(("秘书处将对问题解决方案的实施进度及效果进行监测，并根据监测结果适时更新并公开本报告（第五章第2条）。监测记录附于本报告"
              "之后，不改动本报告已签署的内容。",
              "The Secretariat monitors the implementation of the agreement and updates and publishes this report "
              "according to the results (Chapter V, Article 2). Monitoring records are appended after this "
              "report and never change its signed content."), "Note"),
    ])


def _case_summary() -> Spec:
    return Spec(blocks=[
        Addressee("披露对象：{{ addressee }}", "Disclosed to: {{ addressee }}"),
        Para(("根据" + RULES_ZH + "第六章第1.1条的规定，秘书处遵循真实、适时、谨慎的原则，披露本案下列信息。依保密决定不予披露的信息"
              "不在本摘要之列。",
              "Under Chapter VI, Article 1.1 of " + RULES_EN + ", and on the principles of truthfulness, "
              "timeliness and prudence, the Secretariat discloses the following information on this case. "
              "Nothing kept confidential under a confidentiality decision is included.")),
        Form([
            Row(("案件编号", "Case number"), "{{ case.number }}"),
            Row(("争议所涉地区", "Region"), ("{{ case.region }}，{{ case.country }}", "{{ case.region }}, {{ case.country }}")),
            Row(("行业", "Industry"), "{{ case.industry }}"),
            Row(("议题类型", "Issue types"), "{{ case.issue_types }}"),
            Row(("参与主体类别", "Party categories"),
                ("申请方：{{ applicant.categories }}；相对方：{{ respondent.categories }}",
                 "applicant: {{ applicant.categories }}; respondent: {{ respondent.categories }}")),
            Row(("处理状态", "Status"), "{{ case.stage }}"),
            Row(("受理日期", "Accepted on"), "{{ case.accepted_on }}"),
            Row(("处理路径", "Path"), "{{ case.path }}", test="case.path"),
            Row(("进程终结", "Procedure ended"),
                ("{{ case.terminated_on }}：{{ case.termination_ground }}",
                 "{{ case.terminated_on }}: {{ case.termination_ground }}"), test="case.terminated_on"),
        ]),
        Heading(("一、争议焦点概要", "1. Summary of the points in dispute")),
        Para(("{% if case.public_summary %}{{ case.public_summary }}{% else %}（暂无可披露的概要。）{% endif %}",
              "{% if case.public_summary %}{{ case.public_summary }}{% else %}(No summary has been released yet.)"
              "{% endif %}")),
        Heading(("二、结案报告摘要", "2. Summary of the closure report")),
        Para(("{% if closure.recommendations %}结案报告建议：{{ closure.recommendations }}{% else %}（尚未出具结案报告。）{% endif %}",
              "{% if closure.recommendations %}Recommendations of the closure report: {{ closure.recommendations }}"
              "{% else %}(No closure report has been issued yet.){% endif %}")),
        Heading(("三、问题解决方案落实进度", "3. Implementation of the agreement")),
        Grid("u in monitoring", (
            Col(("日期", "Date"), "{{ u.reported_on }}", 3.6),
            Col(("义务序号", "Obligation"), "{{ u.obligation }}", 2.0),
            Col(("状态", "Status"), "{{ u.status }}", 2.4),
            Col(("进展", "Progress"), "{{ u.text }}", 7.6),
        ), empty=("（暂无监测记录。）", "(No monitoring results yet.)")),
    ])


SPECS: dict[str, Spec] = {
    "application_form": _application_form(),
    "power_of_attorney": _power_of_attorney(),
    "supplement_request": _supplement_request(),
    "acceptance_decision": _acceptance_decision(),
    "rejection_decision": _rejection_decision(),
    "invitation": _invitation(),
    "second_invitation": _second_invitation(),
    "launch_notice": _launch_notice(),
    "non_launch_notice": _non_launch_notice(),
    "triage_recommendation": _triage_recommendation(),
    "triage_record": _triage_record(),
    "path_switch_decision": _path_switch_decision(),
    "extension_decision": _extension_decision(),
    "appointment_letter": _appointment_letter(),
    "fact_finding_terms": _fact_finding_terms(),
    "assessment_request": _assessment_request(),
    "confidentiality_decision": _confidentiality_decision(),
    "objection_decision": _objection_decision(),
    "recusal_decision": _recusal_decision(),
    "agreement": _agreement(),
    "termination_notice": _termination_notice(),
    "closure_report": _closure_report(),
    "case_summary": _case_summary(),
}


def _check_specs() -> None:
    """Every instrument has a spec; the masthead goes on what the secretariat issues alone."""
    if set(SPECS) != set(INSTRUMENTS):
        raise SystemExit(f"SPECS and INSTRUMENTS differ: {sorted(set(SPECS) ^ set(INSTRUMENTS))}")
    for instrument_id, spec in SPECS.items():
        signatory = INSTRUMENTS[instrument_id].signatory
        alone = signatory in (Signatory.SECRETARIAT, Signatory.SECRETARIAT_AND_MONITORS)
        if spec.masthead != alone or spec.seal != INSTRUMENTS[instrument_id].issued_by_secretariat:
            raise SystemExit(f"{instrument_id}: masthead/seal do not match its signatory {signatory.value}")


def build(out: Path, ids: Sequence[str], force: bool) -> list[Path]:
    _check_specs()
    written = []
    for instrument_id in ids or list(INSTRUMENTS):
        instrument = INSTRUMENTS[instrument_id]
        for lang in LANGS:
            path = out / lang / f"{instrument_id}.docx"
            if path.exists() and not force:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            build_document(instrument, SPECS[instrument_id], lang).save(str(path))
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", metavar="ID", help="instrument ids (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "templates", help="templates folder")
    parser.add_argument("--force", action="store_true",
                        help="overwrite existing templates (loses officers' edits made in Word)")
    args = parser.parse_args(argv)
    unknown = [i for i in args.ids if i not in INSTRUMENTS]
    if unknown:
        parser.error(f"unknown instrument(s) {', '.join(unknown)}; valid: {', '.join(INSTRUMENTS)}")
    written = build(args.out, args.ids, args.force)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("all templates exist; nothing written (use --force to rebuild)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
