"""DOCX rendering with docxtpl: a fresh template object per render, autoescape on.

Two things make it cheap enough to keep up with the converter pool (measured on
the 46 sample documents, see ``casedocs bench``):

- Compiled Jinja templates are kept: docxtpl compiles every XML part of every
  render from source (9 compilations per document, a third of its time), and
  the source is the same for every render of one template.
- The templates' unused styles are left out of what is rendered. They carry
  python-docx's whole default style catalogue (``styles.xml`` of 350 KB, 178
  styles and 376 latent ones, plus a 438 KB ``stylesWithEffects.xml`` only
  Word 2010 reads), which LibreOffice parses and instantiates for every
  document: 35 of its 75 ms of loading. The PDFs are the same page for page
  (compared as images), and Word supplies its built-in styles by itself.
"""
from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage, Listing
from lxml import etree

from docgen.contract import VERIFICATION_QR, VERIFICATION_QR_CM
from docgen.errors import TemplateError
from docgen.qr import qr_png

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STYLES = "word/styles.xml"
_STYLES_WITH_EFFECTS = "word/stylesWithEffects.xml"
# Attributes outside styles.xml that name a style (all the templates use: pStyle, rStyle, tblStyle).
_STYLE_REFERENCE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"')


def _docx_values(value: Any) -> Any:
    """Multi-line text keeps its line breaks (Listing escapes it itself); all else stays data."""
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, Mapping):
        return {k: _docx_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_docx_values(v) for v in value]
    return value


class _CompilingEnvironment(jinja2.Environment):
    """An Environment that compiles each distinct source once (docxtpl calls ``from_string``).

    Compiled templates are immutable and safe to render from several threads.
    """

    _SIZE = 512  # ~10 parts per template, 23 instruments, 2 languages, and room for Hant

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()
        self._compiled_lock = threading.Lock()

    def from_string(self, source: str | jinja2.nodes.Template, globals: MutableMapping[str, Any] | None = None,
                    template_class: type[jinja2.Template] | None = None) -> jinja2.Template:
        if not isinstance(source, str) or globals or template_class:
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            template = self._compiled.get(source)
            if template is not None:
                self._compiled.move_to_end(source)
                return template
        template = super().from_string(source)
        with self._compiled_lock:
            self._compiled[source] = template
            while len(self._compiled) > self._SIZE:
                self._compiled.popitem(last=False)
        return template


@lru_cache(maxsize=2)
def jinja_env(strict: bool = False) -> jinja2.Environment:
    # Party text is data: autoescape makes & < > print literally and is never evaluated.
    return _CompilingEnvironment(autoescape=True,
                                 undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)


def render_docx(template: bytes | Path, data: Mapping[str, Any], *, name: str, strict: bool = True,
                properties: Mapping[str, str] | None = None) -> bytes:
    """Render one DOCX. A fresh DocxTemplate each time: re-rendering one duplicates table rows.

    `properties` are core properties (title, subject, ...) set on the same document before saving.
    """
    source = io.BytesIO(without_unused_styles(template.read_bytes() if isinstance(template, Path) else template))
    try:
        document = DocxTemplate(source)
        context = _docx_values(dict(data))
        context[VERIFICATION_QR] = _verification_qr(document, data)
        document.render(context, jinja_env=jinja_env(strict), autoescape=True)
    except jinja2.UndefinedError as error:
        raise TemplateError(name, f"uses a value the context does not provide: {error.message}") from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(name, f"Jinja syntax error: {error.message} (line {error.lineno} of the XML)") from None
    except Exception as error:  # docxtpl wraps XML and zip problems in many types
        raise TemplateError(name, f"cannot be rendered: {type(error).__name__}: {error}") from None
    for key, value in (properties or {}).items():
        setattr(document.docx.core_properties, key, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class _TightImage(InlineImage):
    """An InlineImage with no space around it. python-docx writes <wp:inline> without the distances
    to the text, and LibreOffice then keeps 0.32 cm either side of the picture: 18 pt of the
    footer's line, enough to break a long reference's footer over two lines."""

    def _insert_image(self) -> str:
        xml: str = super()._insert_image()
        return xml.replace("<wp:inline ", '<wp:inline distT="0" distB="0" distL="0" distR="0" ', 1)


def _verification_qr(document: DocxTemplate, data: Mapping[str, Any]) -> _TightImage | str:
    """The QR code of the instrument's verification page (issue 13), for the footer to print beside
    the code; nothing for a context without one. docxtpl adds the image to the part that prints it
    (each footer its own copy, which is what Word expects)."""
    doc = data.get("doc")
    url = doc.get("verification_url") if isinstance(doc, Mapping) else None
    if not isinstance(url, str) or not url:
        return ""
    side = Cm(VERIFICATION_QR_CM)
    return _TightImage(document, io.BytesIO(qr_png(url)), width=side, height=side)


@lru_cache(maxsize=96)
def without_unused_styles(docx: bytes) -> bytes:
    """The DOCX with only the styles its parts name (and those they are based on, link to or
    are followed by), no latent styles and no stylesWithEffects.xml.

    Cached: the templates are read once per process (TemplateSet) and pass here as the same
    bytes objects, whose hash Python keeps. Anything unexpected returns the input unchanged.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            parts = {info.filename: archive.read(info) for info in archive.infolist()}
        if _STYLES not in parts:
            return docx
        parts[_STYLES] = _prune_styles(parts[_STYLES], [data for part, data in parts.items()
                                                        if part.endswith(".xml") and part != _STYLES])
        if parts.pop(_STYLES_WITH_EFFECTS, None) is not None:
            for listing in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                parts[listing] = re.sub(rb"<(?:Relationship|Override) [^>]*stylesWithEffects[^>]*/>", b"",
                                        parts[listing])
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return docx  # not ours to judge here: rendering reports what is wrong with it
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _prune_styles(styles_xml: bytes, other_parts: list[bytes]) -> bytes:
    root = etree.fromstring(styles_xml)
    by_id = {style.get(f"{{{_W}}}styleId"): style for style in root.iterfind(f"{{{_W}}}style")}
    keep = {match.decode() for part in other_parts for match in _STYLE_REFERENCE.findall(part)}
    keep |= {style_id for style_id, style in by_id.items() if style.get(f"{{{_W}}}default") == "1"}
    pending = list(keep)
    while pending:
        style = by_id.get(pending.pop())
        if style is None:
            continue
        for tag in ("basedOn", "link", "next"):
            node = style.find(f"{{{_W}}}{tag}")
            target = None if node is None else node.get(f"{{{_W}}}val")
            if target is not None and target not in keep:
                keep.add(target)
                pending.append(target)
    for style_id, style in by_id.items():
        if style_id not in keep:
            root.remove(style)
    latent = root.find(f"{{{_W}}}latentStyles")
    if latent is not None:
        root.remove(latent)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
