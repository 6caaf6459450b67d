"""`casedocs render`, `casedocs render-all`, `casedocs templates lint`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from casedocs.app import App
from casedocs.commands.options import check_out, data_option, domain_errors, fail, pass_app, progress_bar
from casedocs.config import Settings
from casedocs.services import rendering
from cases.confidentiality.audiences import Audience
from cases.instruments import INSTRUMENTS, Subject
from docgen.locale import Edition
from docgen.service import FORMATS, Request


def _edition(value: str) -> Edition:
    try:
        return Edition.parse(value)
    except ValueError as error:
        fail(str(error))


# Whom a rendering is for (issue 11, 第六章第2.2条): what it withholds. The secretariat sees everything.
_AUDIENCE = click.option("--audience", type=click.Choice([a.value for a in Audience]), default=Audience.SECRETARIAT.value,
                         show_default=True, help="Whom the rendering is for: what it withholds under confidentiality "
                                                 "decisions and pending requests.")


@click.command("render")
@click.argument("number", metavar="CASE")
@click.argument("instrument", type=click.Choice(list(INSTRUMENTS)), metavar="INSTRUMENT")
@click.option("--lang", "edition", default="zh", show_default=True, help="zh, en, zh-Hant or bilingual")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("--subject", default="", help="The matter, for instruments issued per matter (e.g. objection:1).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_AUDIENCE
@pass_app()
def render(number: str, instrument: str, edition: str, fmt: str, subject: str, out: Path, audience: str,
           app: App) -> None:
    """Render one instrument of a case to DOCX or PDF/A; records a new document version (unless the record
    is unchanged since the newest draft, which is then written again)."""
    check_out(out)  # before rendering: a result that cannot be written must not be recorded
    with app.documents(pdf=fmt == "pdf") as (proc, docs):
        request = Request(instrument, _edition(edition), Subject.parse_optional(subject), audience=Audience(audience))
        rendered, data = rendering.render(docs, proc.get_case(number), request, fmt)
        try:
            out.write_bytes(data)
        except OSError as error:  # inside the unit of work: nothing is recorded
            fail(f"--out {out}: writing failed ({error.strerror or error}); nothing was recorded")
    click.echo(f"{out}: {instrument} {edition} for {audience} v{rendered.version}, verification code {rendered.code}")


@click.command("render-all")
@click.argument("number", metavar="CASE")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@_AUDIENCE
@pass_app()
def render_all(number: str, out: Path, audience: str, app: App) -> None:
    """Every instrument that applies to the case, every edition, DOCX and PDF, with DIR/manifest.json
    (which records each document's audience)."""
    with app.documents() as (proc, docs):
        manifest = rendering.write_paperwork(docs, [proc.get_case(number)], out, progress=progress_bar,
                                             audience=Audience(audience))
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


@click.group("bench", invoke_without_command=True)
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data directory for the benchmark's cases (default: a temporary one).")
@click.option("--quick", is_flag=True, help="Six documents and no signing: to check that it runs, not to measure.")
@click.pass_context
def bench(ctx: click.Context, data_dir: Path | None, quick: bool) -> None:
    """The warm pool against soffice with a reused profile and one warm LibreOffice, in the same run.
    `casedocs bench web` measures the web service instead."""
    if ctx.invoked_subcommand is not None:
        return
    from casedocs.bench import run

    with domain_errors():
        run(click.echo, data_dir, quick=quick)


@bench.command("web")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A new data directory for the demo the bench serves (default: a temporary one).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="gunicorn worker processes (default: casedocs serve's).")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="Threads per worker, as casedocs serve takes them (1: sync workers; more: gthread).")
@click.option("--quick", is_flag=True, help="Forty requests per page, no paperwork: to check that it runs, not to measure.")
def bench_web(data_dir: Path | None, workers: int | None, threads: int, quick: bool) -> None:
    """The console's dashboard, a case page and the API's case read under 20 concurrent clients
    (casedocs serve on 127.0.0.1): p50, p95, throughput, errors; queries per page and where the time goes."""
    from casedocs.bench_web import BenchError, run

    try:
        run(click.echo, data_dir, quick=quick, workers=workers, threads=threads)
    except BenchError as error:
        fail(str(error))


COMMANDS = (render, render_all, templates_group, bench)
