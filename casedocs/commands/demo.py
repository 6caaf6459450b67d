"""`casedocs demo`: the sample case through the whole procedure, with its timeline."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import click

from cases import tracker
from cases.views import deadline_table, timeline
from casedocs.app import App
from casedocs.demo_signing import DEMO_SECRETARIAT_PASSPHRASE, write_signed_paperwork
from casedocs.commands.options import pass_app, progress_bar
from casedocs.demo import run_demo_cases


def _fresh_data_dir() -> Path:
    return Path("var") / f"demo-{datetime.now():%Y%m%d-%H%M%S}"


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the paperwork of the demo's cases here, with manifest.json.")
@pass_app(data_help="Data directory (default: a fresh one under ./var).", default_data=_fresh_data_dir)
def demo(out: Path | None, app: App) -> None:
    """File the sample case and drive it through the whole procedure; print its timeline
    and, with --out, write every instrument in every edition as DOCX and PDF/A."""
    settings = app.settings
    app.init()
    with app.procedure(actor="demo officer") as proc:
        first, case, refused = run_demo_cases(proc)
        related = [(c.number, c.title, c.stage) for c in (first, refused)]
        today = app.today()
        entries = timeline(proc.session, case)
        lines = deadline_table(case, today)
        statuses = Counter(tracker.status(d, today).value for d in case.deadlines)
        number, stage = case.number, case.stage
    if out is not None:
        manifest = write_signed_paperwork(app, [number, *[r[0] for r in related]], out, progress=progress_bar)
    click.echo(f"{number} — sample case filed and driven through the procedure (data: {settings.data_dir})")
    for other, title, other_stage in related:
        click.echo(f"  related: {other} {title} — {other_stage.en.lower()}")
    click.echo("")
    click.echo("Timeline")
    for entry in entries:
        click.echo(f"  {entry.on}  {entry.text}")
    click.echo(f"\nDeadlines ({sum(statuses.values())}: "
               + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) + ")")
    for line in lines:
        click.echo(f"  {line}")
    click.echo(f"\nStage now: {stage.value} ({stage.zh} / {stage.en})")
    if out is not None:
        instruments = {d["instrument"] for d in manifest["documents"]}
        signed = [d for d in manifest["documents"] if d.get("signed")]
        click.echo(f"\nPaperwork: {len(manifest['documents'])} files, {len(instruments)} instruments, "
                   f"written to {out} (manifest.json); {len(signed)} sealed or signed PDFs, all verified; "
                   f"CA certificate {out / 'ca.pem'}")
        click.echo(f"Demo passphrases (demo only): secretariat {DEMO_SECRETARIAT_PASSPHRASE!r}; "
                   f"each signatory's is 'demo passphrase of <name>'")


COMMANDS = (demo,)
