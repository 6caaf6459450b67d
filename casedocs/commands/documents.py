"""`casedocs render`, `casedocs render-all`, `casedocs templates lint`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from casedocs.app import App
from casedocs.commands.options import data_option, fail
from casedocs.commands.records import domain_errors
from casedocs.config import Settings
from cases.instruments import INSTRUMENTS
from docgen.conversion import ConversionError, ConverterStartError
from docgen.errors import DocgenError
from docgen.locale import Edition
from docgen.service import FORMATS, Rendered, Request


def _edition(value: str) -> Edition:
    try:
        return Edition.parse(value)
    except ValueError as error:
        fail(str(error))


@click.command("render")
@click.argument("number", metavar="CASE")
@click.argument("instrument", type=click.Choice(list(INSTRUMENTS)), metavar="INSTRUMENT")
@click.option("--lang", "edition", default="zh", show_default=True, help="zh, en, zh-Hant or bilingual")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("--subject", default="", help="The matter, for instruments issued per matter (e.g. objection:1).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@data_option
def render(number: str, instrument: str, edition: str, fmt: str, subject: str, out: Path, settings: Settings) -> None:
    """Render one instrument of a case to DOCX or PDF/A; records a new document version."""
    app = App(settings)
    with domain_errors(), _document_errors(), app.documents(pdf=fmt == "pdf") as (proc, docs):
        case = proc.get_case(number)
        rendered = docs.render(case, Request(instrument, _edition(edition), subject), [fmt])
        data = rendered.pdf if fmt == "pdf" else rendered.docx
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data or b"")
    app.close()
    click.echo(f"{out}: {instrument} {edition} v{rendered.version}, verification code {rendered.code}")


@click.command("render-all")
@click.argument("number", metavar="CASE")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@data_option
def render_all(number: str, out: Path, settings: Settings) -> None:
    """Every instrument that applies to the case, every edition, DOCX and PDF, with DIR/manifest.json."""
    app = App(settings)
    with domain_errors(), _document_errors(), app.documents() as (proc, docs):
        case = proc.get_case(number)
        manifest = write_paperwork(docs, case, out)
    app.close()
    click.echo(f"{len(manifest['documents'])} documents written to {out} (manifest.json)")


def write_paperwork(docs, case, out: Path) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """Render everything that applies to `case` into `out` and write its manifest."""
    requests = docs.requests_for(case)
    with click.progressbar(length=len(requests) * len(FORMATS), label=f"{case.number}", file=sys.stderr) as bar:
        results = docs.render_many(case, requests, FORMATS, progress=bar.update)
    out.mkdir(parents=True, exist_ok=True)
    documents = []
    for rendered in results:
        documents += _write(out, rendered)
    manifest = {"case": case.number, "documents": documents}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _write(out: Path, rendered: Rendered) -> list[dict[str, object]]:
    entries = []
    for fmt, data, version in (("docx", rendered.docx, rendered.docx_version),
                               ("pdf", rendered.pdf, rendered.pdf_version)):
        if data is None or version is None:
            continue
        relative = Path(rendered.request.edition.value) / f"{rendered.name.rsplit('.', 1)[0]}.{fmt}"
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(data)
        entries.append({"instrument": rendered.request.instrument, "subject": rendered.request.subject or None,
                        "lang": rendered.request.edition.value, "format": fmt, "path": relative.as_posix(),
                        "sha256": version.sha256, "version": rendered.version,
                        "verification_code": rendered.code})
    return entries


class _document_errors:
    """Template, conversion and applicability problems end the command with a one-line reason."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> bool:  # type: ignore[no-untyped-def]
        if isinstance(error, (DocgenError, ConversionError, ConverterStartError)):
            fail(str(error))
        return False


@click.group("templates")
def templates_group() -> None:
    """The DOCX templates."""


@templates_group.command("lint")
@data_option
def templates_lint(settings: Settings) -> None:
    """Check every template against its context; exit non-zero naming each file and problem."""
    from docgen.lint import lint_templates

    problems = lint_templates(settings.templates_dir)
    for problem in problems:
        click.echo(f"{problem.path}: {problem.problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(INSTRUMENTS) * 2} templates in {settings.templates_dir}: no problems")


def register(group: click.Group) -> None:
    for command in (render, render_all, templates_group):
        group.add_command(command)
