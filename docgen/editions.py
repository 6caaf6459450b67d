"""What turns the zh and en renderings into the four editions.

- zh-Hant: the zh *template* is converted to Traditional characters (static text only; Jinja
  tags untouched), its fonts and East Asian language switched to the Traditional face and
  zh-TW/zh-HK, and it is rendered with a context whose free text is converted while names
  stay as entered. Converting the rendered document instead would also convert names.
- bilingual (PROCEDURE.md §4: every instrument in Chinese, authoritative, and English): the zh
  rendering, a clause that the Chinese text prevails, then the en rendering in a section of its
  own, whose pages carry the English header and footer (an English reader finds the reference,
  the verification code and "Page X of Y" in English; the numbers run through the whole
  document). The closure report's monitoring record (a page the signing module fills with
  monitoring slots) is not repeated: one record, headed in both languages, ends the document.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from copy import deepcopy
from functools import lru_cache
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.section import CT_SectPr
from docx.parts.hdrftr import FooterPart, HeaderPart
from docx.parts.story import StoryPart
from docx.shared import Pt
from lxml import etree

from docgen.contract import ANCHOR_MONITORING, MONITORING_HEADING
from docgen.locale import HANT_VARIANTS, to_traditional

if TYPE_CHECKING:
    from docxcompose.composer import Composer

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TEXT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_JINJA = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})", re.S)

SIMPLIFIED_FACE, TRADITIONAL_FACE = "Noto Serif CJK SC", "Noto Serif CJK TC"
PREVAILS_ZH = "本文书以中文和英文两种文字写成，两种文本如有任何差异，以中文文本为准。"
PREVAILS_EN = ("This instrument is made in Chinese and English. In case of any difference between the two "
               "texts, the Chinese text prevails.")
# Between the Chinese part's last line (often the seal's date) and the clause: the 4.2 cm seal
# reaches 40-85 pt below the date (centred on it, or lowered under the text above), and must not
# cover the clause.
PREVAILS_SPACE_BEFORE = Pt(54)


def _convert_outside_tags(text: str, variant: str) -> str:
    return "".join(part if _JINJA.fullmatch(part) else to_traditional(part, variant)
                   for part in _JINJA.split(text))


def _hant_xml(xml: bytes, variant: str) -> bytes:
    root = etree.fromstring(xml)
    for node in root.iter(f"{{{W}}}t"):
        if node.text:
            node.text = _convert_outside_tags(node.text, variant)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@lru_cache(maxsize=64)
def _traditional_template_cached(digest: str, template: bytes, variant: str) -> bytes:
    language = HANT_VARIANTS[variant]
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if _TEXT_PARTS.fullmatch(item.filename):
                data = _hant_xml(data, variant)
            if item.filename.endswith(".xml"):
                # The face and the East Asian language decide the glyph forms LibreOffice draws.
                data = (data.replace(SIMPLIFIED_FACE.encode(), TRADITIONAL_FACE.encode())
                        .replace(b'w:eastAsia="zh-CN"', f'w:eastAsia="{language}"'.encode())
                        .replace(b'w:val="zh-CN"', f'w:val="{language}"'.encode()))
            target.writestr(item, data)
    return out.getvalue()


def traditional_template(template: bytes, variant: str) -> bytes:
    return _traditional_template_cached(hashlib.sha256(template).hexdigest(), template, variant)


def _own_styles(document: DocxDocument, suffix: str) -> None:
    """Give every style of `document` its own id, so composing keeps it distinct.

    docxcompose keeps the master's definition when two documents share a style id; the
    English part would otherwise be laid out with the Chinese styles (indents, sizes).
    """
    styles = document.styles.element
    renamed = {}
    for style in styles.findall(qn("w:style")):
        old = style.get(qn("w:styleId"))
        if style.get(qn("w:default")) == "1":
            continue  # the defaults stay shared; named styles carry the layout
        renamed[old] = old + suffix
        style.set(qn("w:styleId"), old + suffix)
        name = style.find(qn("w:name"))
        if name is not None:
            name.set(qn("w:val"), name.get(qn("w:val")) + f" ({suffix})")
    references = [qn(f"w:{tag}") for tag in ("pStyle", "rStyle", "tblStyle", "basedOn", "next", "link")]
    parts = [styles, document.element.body] + [
        section_part._element for section in document.sections
        for section_part in (section.header, section.footer, section.first_page_header, section.first_page_footer)
        if not section_part.is_linked_to_previous]
    for part in parts:
        for node in part.iter(*references):
            value = node.get(qn("w:val"))
            if value in renamed:
                node.set(qn("w:val"), renamed[value])


def _monitoring_record(document: DocxDocument) -> list[etree._Element]:
    """The body elements of a closure report's monitoring record: from its heading (the last
    paragraph with text before the monitoring anchor) to the end; none in other instruments."""
    body = document.element.body
    children = [child for child in body if child.tag != qn("w:sectPr")]
    texts = ["".join(t.text or "" for t in child.iter(qn("w:t"))) for child in children]
    anchor = next((i for i, text in enumerate(texts) if ANCHOR_MONITORING in text), None)
    if anchor is None:
        return []
    heading = next((i for i in range(anchor - 1, -1, -1) if texts[i].strip()), anchor)
    return children[heading:]


def _detach(elements: list[etree._Element]) -> list[etree._Element]:
    for element in elements:
        element.getparent().remove(element)
    return elements


def _append_record(document: DocxDocument, record: list[etree._Element]) -> None:
    """The Chinese part's monitoring record at the end of the bilingual document, its heading
    followed (on a new line) by the English one."""
    heading = record[0]
    run = heading.makeelement(qn("w:r"), {})
    run.append(run.makeelement(qn("w:br"), {}))
    text = run.makeelement(qn("w:t"), {})
    text.text = MONITORING_HEADING["en"]
    run.append(text)
    heading.append(run)
    body = document.element.body
    end = body.find(qn("w:sectPr"))  # the last section's properties close the body
    for element in record:
        if end is not None:
            end.addprevious(element)
        else:
            body.append(element)


def _end_section_here(document: DocxDocument) -> None:
    """End the document's (only) section at its last paragraph: that paragraph takes a copy of the
    section properties (the part's own header, footer, paper and margins), and what is appended
    after it starts a new section on a new page, whose properties the body's closing ones become."""
    body = document.element.body
    closing = body.find(qn("w:sectPr"))
    if closing is None:  # python-docx's documents always close with one; an empty section else
        closing = body.makeelement(qn("w:sectPr"), {})
    document.paragraphs[-1]._p.get_or_add_pPr()._insert_sectPr(deepcopy(closing))


def _copy_pictures(original: Part, part: StoryPart, element: etree._Element) -> None:
    """The pictures of a copied header or footer, related to the copy. docxcompose's
    add_referenced_parts follows r:id only; a picture names its image by r:embed, and without this
    the English footer's QR code pointed at nothing (LibreOffice drew an empty frame)."""
    for blip in element.iter(qn("a:blip")):
        image_id = blip.get(qn("r:embed"))
        if image_id is None:
            continue
        rid, _ = part.get_or_add_image(io.BytesIO(original.related_parts[image_id].blob))
        blip.set(qn("r:embed"), rid)


def _take_section(composer: Composer, source: DocxDocument) -> None:
    """The composed document's last section takes the section properties of `source` (the English
    rendering): its paper and margins, and copies of its headers and footers with the parts and
    styles they use.

    docxcompose keeps only the master's section properties, so without this every page of the
    bilingual edition carried the Chinese header and footer.
    """
    document, own = composer.doc, source.element.body.find(qn("w:sectPr"))
    if own is None:
        return
    closing = document.element.body.find(qn("w:sectPr"))
    section: CT_SectPr = deepcopy(own)
    for reference in section.xpath("w:headerReference|w:footerReference"):
        header = reference.tag == qn("w:headerReference")
        original = source.part.related_parts[reference.get(qn("r:id"))]
        part_class = HeaderPart if header else FooterPart
        template = "/word/header%d.xml" if header else "/word/footer%d.xml"
        element = deepcopy(original.element)
        part = part_class(document.part.package.next_partname(template), original.content_type, element,
                          document.part.package)
        composer.add_referenced_parts(original, part, element)  # parts its r:id attributes name
        _copy_pictures(original, part, element)  # the footer's QR code (issue 13)
        composer.add_styles(source, element)
        reference.set(qn("r:id"), document.part.relate_to(part, RT.HEADER if header else RT.FOOTER))
    if closing is not None:
        closing.addprevious(section)
        document.element.body.remove(closing)
    else:
        document.element.body.append(section)


def bilingual(zh_docx: bytes, en_docx: bytes) -> bytes:
    """The Chinese text, the prevailing-language clause in both languages, then the English text in
    a section of its own: the English pages carry the English template's header and footer (its
    reference, verification code and "Page X of Y"), the Chinese pages the Chinese ones.

    A closure report's monitoring record goes once, after both texts (the Chinese part's, its
    heading followed by the English one): monitors sign updates into a single record, which the
    report says is appended after it, rather than into a page in the middle of the document while
    the English part's stays blank.
    """
    from docxcompose.composer import Composer

    master = Document(io.BytesIO(zh_docx))
    record = _detach(_monitoring_record(master))
    master.add_paragraph(PREVAILS_ZH).paragraph_format.space_before = PREVAILS_SPACE_BEFORE
    master.add_paragraph(PREVAILS_EN)
    _end_section_here(master)  # the English text starts a new page, in its own section
    english = Document(io.BytesIO(en_docx))
    _detach(_monitoring_record(english))
    _own_styles(english, "EN")
    composer = Composer(master)
    composer.append(english)
    _take_section(composer, english)
    if record:
        _append_record(composer.doc, record)
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()
