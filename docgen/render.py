"""DOCX rendering with docxtpl: a fresh template object per render, autoescape on."""
from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate, Listing

from docgen.errors import TemplateError


def _docx_values(value: Any) -> Any:
    """Multi-line text keeps its line breaks (Listing escapes it itself); all else stays data."""
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, Mapping):
        return {k: _docx_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_docx_values(v) for v in value]
    return value


def jinja_env(strict: bool = False) -> jinja2.Environment:
    # Party text is data: autoescape makes & < > print literally and is never evaluated.
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)


def render_docx(template: bytes | Path, data: Mapping[str, Any], *, name: str, strict: bool = True,
                properties: Mapping[str, str] | None = None) -> bytes:
    """Render one DOCX. A fresh DocxTemplate each time: re-rendering one duplicates table rows.

    `properties` are core properties (title, subject, ...) set on the same document before saving.
    """
    source = io.BytesIO(template.read_bytes() if isinstance(template, Path) else template)
    try:
        document = DocxTemplate(source)
        document.render(_docx_values(dict(data)), jinja_env=jinja_env(strict), autoescape=True)
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
