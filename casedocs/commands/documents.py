"""`casedocs render`, `casedocs render-all`, `casedocs templates lint`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from casedocs.app import App
from casedocs.commands.options import data_option, domain_errors, fail
from casedocs.config import Settings
from casedocs.paperwork import write_paperwork
from cases.instruments import INSTRUMENTS
from docgen.locale import Edition
from docgen.service import FORMATS, Request


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
    with domain_errors(), app.documents(pdf=fmt == "pdf") as (proc, docs):
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
    with domain_errors(), app.documents() as (proc, docs):
        case = proc.get_case(number)
        manifest = write_paperwork(docs, [case], out)
    app.close()
    click.echo(f"{len(manifest['documents'])} documents written to {out} (manifest.json)")


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


@click.command("bench")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory for the benchmark's cases (default: a temporary one).")
def bench(data_dir: Path | None) -> None:
    """Measure rendering and conversion against the naive way, in the same run."""
    from casedocs.bench import run

    with domain_errors():
        run(click.echo, data_dir)


def register(group: click.Group) -> None:
    for command in (render, render_all, templates_group, bench):
        group.add_command(command)
