"""Lint of the instrument templates (templates/zh/<id>.docx, templates/en/<id>.docx).

The DOCX files are the source of the instruments: officers edit them in Word, WPS or LibreOffice,
and an edit can break a render in ways nobody sees until a case needs the instrument: Word
splits a `{{ tag }}` over two runs, a variable is misspelt, an `{% endif %}` goes missing, a
signing anchor is deleted, the margins change under the signature boxes. Following the pattern
of adfinis/document-merge-service ("on accepting a template, render it once with stand-in values
and report syntax errors and unknown variables"), `lint_templates` checks every template of every
instrument of `cases.instruments.INSTRUMENTS`:

- both languages are present, and nothing else is in the folder;
- the file opens as DOCX, and its default East Asian language is zh-CN (else LibreOffice draws
  Chinese in Japanese glyph forms);
- no Jinja tag is split across runs (document, headers, footers);
- the Jinja syntax is valid, and every variable is one the typed context provides: statically,
  over every branch of every `if` (walking the template's syntax tree against a stand-in context
  built from the `InstrumentContext` dataclass types), and by rendering once with that stand-in
  context under StrictUndefined;
- the template keeps the contract with the signing module (docgen/contract.py, checked by
  docgen/contract_check.py): A4 pages with the margins placement lays boxes out in; the anchors
  it places signatures at, in white 1 pt text; the seal anchor on the line that says "(seal)";
  in a co-signed instrument one anchor per signatory (CASEDOCS-SIG-<side>-{{ row.number }}),
  each followed by the empty area of fixed height its signature box goes in; the closure
  report's monitoring page.
"""
from __future__ import annotations

import io
import re
import typing
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import nodes
from lxml import etree

from cases.instruments import INSTRUMENTS, Instrument
from cases.rules import RULES
from docgen.context import InstrumentContext
from docgen.contract import LANGUAGES, VERIFICATION_QR
from docgen.contract_check import W, anchor_problems, setup_problems
from docgen.errors import TemplateError
from docgen.render import jinja_env, render_docx

ALLOWED_EXTRA = {".gitkeep"}

_W = f"{{{W}}}"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_OPENERS = {"{{": "}}", "{%": "%}", "{#": "#}"}


@dataclass(frozen=True)
class LintProblem:
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


# == the folder ===========================================================================

def lint_templates(templates_dir: Path) -> list[LintProblem]:
    """Every problem of every template in `templates_dir`; an empty list means all is well."""
    templates_dir = Path(templates_dir)
    problems: list[LintProblem] = []
    if not templates_dir.is_dir():
        return [LintProblem(templates_dir, "the templates folder does not exist")]
    for entry in sorted(templates_dir.iterdir()):
        if entry.name not in LANGUAGES and entry.name not in ALLOWED_EXTRA:
            problems.append(LintProblem(entry, f"unknown file or folder (expected only {', '.join(LANGUAGES)})"))
    expected = {f"{instrument_id}.docx" for instrument_id in INSTRUMENTS}
    for lang in LANGUAGES:
        folder = templates_dir / lang
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if entry.name not in expected and entry.name not in ALLOWED_EXTRA:
                    problems.append(LintProblem(entry, "unknown file: not the template of any instrument"))
        for instrument in INSTRUMENTS.values():
            path = folder / f"{instrument.id}.docx"
            if not path.is_file():
                problems.append(LintProblem(path, f"missing: the {lang} template of {instrument.id}"))
                continue
            problems += [LintProblem(path, p) for p in lint_template(path, instrument, lang)]
    return problems


def lint_template(path: Path, instrument: Instrument, lang: str) -> list[str]:
    """The problems of one template file, as sentences."""
    data = path.read_bytes()
    try:
        parts = _xml_parts(data)
        Document(io.BytesIO(data))
    except Exception as error:  # a zip, XML or package error: all mean "not a DOCX"
        return [f"does not open as DOCX ({type(error).__name__}: {error})"]
    problems = setup_problems(parts)
    for part, xml in parts.items():
        if _PARTS.fullmatch(part):
            problems += [f"{part}: {p}" for p in split_tags(xml)]
    # docxtpl itself rejoins most split tags, so the Jinja checks still mean something after one.
    for check in (lambda: _jinja(data, f"{lang}/{path.name}"), lambda: anchor_problems(parts, instrument, lang)):
        try:
            problems += check()
        except Exception as error:  # a lint must name the file, never crash on it
            problems.append(f"cannot be checked ({type(error).__name__}: {error})")
    return problems


def _xml_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name.endswith(".xml")}
    if "word/document.xml" not in parts:
        raise ValueError("no word/document.xml")
    return parts


# == tags split across runs ===============================================================

def _paragraph_texts(root: etree._Element) -> Iterator[list[etree._Element]]:
    """The w:t elements of each paragraph, in order."""
    for paragraph in root.iter(f"{_W}p"):
        yield [t for t in paragraph.iter(f"{_W}t")]


def split_tags(xml: bytes) -> list[str]:
    """Each `{{ }}`, `{% %}` or `{# #}` whose pieces lie in more than one w:t (or never close)."""
    problems = []
    for texts in _paragraph_texts(etree.fromstring(xml)):
        owner: list[int] = []  # which w:t each character of the paragraph's text comes from
        for index, t in enumerate(texts):
            owner += [index] * len(t.text or "")
        joined = "".join(t.text or "" for t in texts)
        position = 0
        while True:
            match = re.search(r"{[{%#]", joined[position:])
            if match is None:
                break
            start = position + match.start()
            closer = _OPENERS[joined[start:start + 2]]
            end = joined.find(closer, start + 2)
            if end < 0:
                problems.append(f"the tag starting {joined[start:start + 40]!r} is not closed in its paragraph "
                                "(a tag may not span paragraphs)")
                break
            end += 2
            pieces = sorted(set(owner[start:end]))
            if len(pieces) > 1:
                shown = " | ".join(repr(texts[i].text) for i in pieces)
                problems.append(f"the tag {joined[start:end]!r} is split across {len(pieces)} runs ({shown}); "
                                "delete it and type it again in one go, or paste it as plain text")
            position = end
    return problems


# == Jinja: syntax, variables, a render with stand-in values ===============================

def stand_in_context() -> dict[str, Any]:
    """A context of the shape `InstrumentContext.as_data()` gives, with a marker for every value.

    Every str is "[path]", every list has one element, bools are True, ints 1, and `limits`
    has every rule of cases.rules.RULES.
    """
    return _stand_in(InstrumentContext, "")


def _stand_in(kind: Any, path: str) -> Any:
    if is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return {f.name: _stand_in(hints[f.name], f"{path}.{f.name}".lstrip(".")) for f in fields(kind)}
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is str:
        return f"[{path}]"
    if kind is bool:
        return True
    if kind is int:
        return 1
    if origin is list:
        return [_stand_in(args[0], f"{path}[0]")]
    if origin is dict and path == "limits":
        return {rule: _stand_in(args[1], f"{path}.{rule}") for rule in RULES}
    raise TypeError(f"no stand-in value for {path}: {kind!r}")


def _jinja(data: bytes, name: str) -> list[str]:
    source = _jinja_source(data)
    try:
        tree = jinja_env(strict=True).parse(source)
    except jinja2.TemplateSyntaxError as error:
        return [f"Jinja syntax error: {error.message}" + _near(source, error.lineno)]
    # Besides the context, rendering supplies the QR code of doc.verification_url (docgen.render).
    supplied = {**stand_in_context(), VERIFICATION_QR: f"[{VERIFICATION_QR}]"}
    static = sorted(set(undefined_references(tree, supplied)))
    problems = list(static)
    try:
        rendered = render_docx(data, stand_in_context(), name=name, strict=True)
        Document(io.BytesIO(rendered))
    except TemplateError as error:
        if not (static and "does not provide" in error.problem):  # the same fault, named above
            problems.append(f"rendering with stand-in values fails: {error.problem}")
    except Exception as error:  # the rendered XML is broken
        problems.append(f"the rendered document does not open ({type(error).__name__}: {error})")
    return problems


def _near(source: str, lineno: int | None) -> str:
    """The text (without XML) of the source line an error points at, to find it in Word."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()
    return f" near {text[:100]!r}" if text else ""


def _jinja_source(data: bytes) -> str:
    """The Jinja source docxtpl renders: document, headers and footers after its XML clean-up."""
    template = DocxTemplate(io.BytesIO(data))
    document = Document(io.BytesIO(data))
    # docxtpl puts each paragraph on its own line before rendering: error line numbers then point at one.
    source = template.patch_xml(template.xml_to_string(document._element.body))
    for rel in document.part.rels.values():
        if rel.reltype in (template.HEADER_URI, template.FOOTER_URI):
            source += template.patch_xml(template.xml_to_string(etree.fromstring(rel.target_part.blob)))
    return source


_ANY = object()  # a value whose shape is not known (an expression's result)
_UNKNOWN = "uses a value the context does not provide: "
_LOOP = {name: _ANY for name in ("index", "index0", "revindex", "revindex0", "first", "last", "length",
                                 "cycle", "depth", "depth0", "previtem", "nextitem", "changed")}


def undefined_references(tree: nodes.Template, context: dict[str, Any]) -> list[str]:
    """A sentence for every variable path the template uses that `context` lacks, over every branch."""
    problems: list[str] = []
    _walk(tree, dict(context), problems)
    return problems


def _walk(node: nodes.Node, scope: dict[str, Any], problems: list[str]) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, scope, problems)
        items = _resolve(node.iter, scope, problems)
        element = items[0] if isinstance(items, list) and items else _ANY
        inner = {**scope, "loop": _LOOP}
        _bind(node.target, element, inner)
        if node.test is not None:
            _walk(node.test, inner, problems)
        for child in node.body:
            _walk(child, inner, problems)
        for child in node.else_:
            _walk(child, scope, problems)
        return
    if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
        for child in node.iter_child_nodes(exclude=("target",)):
            _walk(child, scope, problems)
        _bind(node.target, _ANY, scope)
        return
    if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
        _resolve(node, scope, problems)
        return
    for child in node.iter_child_nodes():
        _walk(child, scope, problems)


def _bind(target: nodes.Node, value: Any, scope: dict[str, Any]) -> None:
    if isinstance(target, nodes.Name):
        scope[target.name] = value
    elif isinstance(target, nodes.Tuple):
        for item in target.items:
            _bind(item, _ANY, scope)


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_dotted(node.node)}[{node.arg.value!r}]"
    return "(expression)"


def _resolve(node: nodes.Node, scope: dict[str, Any], problems: list[str]) -> Any:
    """The stand-in value an expression stands for; names a problem when a step is missing."""
    if isinstance(node, nodes.Name):
        if node.name in scope:
            return scope[node.name]
        if node.name not in jinja2.Environment().globals:
            problems.append(_UNKNOWN + node.name)
        return _ANY
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        base = _resolve(node.node, scope, problems)
        key: Any
        if isinstance(node, nodes.Getattr):
            key = node.attr
        elif isinstance(node.arg, nodes.Const):
            key = node.arg.value
        else:
            _walk(node.arg, scope, problems)
            return _ANY
        if base is _ANY:
            return _ANY
        if isinstance(base, dict):
            if isinstance(node, nodes.Getattr) and hasattr(dict, key):
                # Jinja tries getattr first: `item.items` is the dict method, never the field.
                problems.append(f"{_dotted(node)} prints the dict method {key}(), not the field: write "
                                f"{_dotted(node.node)}['{key}']")
                return base.get(key, _ANY)
            if key in base:
                return base[key]
            problems.append(_UNKNOWN + _dotted(node))
            return _ANY
        if isinstance(base, list) and isinstance(key, int):
            return base[0] if base else _ANY
        problems.append(f"{_UNKNOWN}{_dotted(node)} ({_dotted(node.node)} is a {type(base).__name__}, "
                        "not a record)")
        return _ANY
    _walk(node, scope, problems)
    return _ANY


