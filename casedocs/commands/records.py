"""`casedocs init`, `casedocs case import|show|list`, `casedocs deadlines`, `casedocs audit verify`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cases import audit
from casedocs.app import App
from casedocs.checkpoints import checkpoint_dir
from casedocs.commands.options import json_option, pass_app, print_json
from casedocs.config import PASSPHRASE_ENV
from casedocs.services import acts
from casedocs.services.desk import pki_dir


@click.command("init")
@pass_app()
def init(app: App) -> None:
    """Create the data directory and the database (or upgrade its schema), and the mechanism's
    certificate authority, time-stamping and seal certificates (keys encrypted with the
    secretariat's passphrase: $CASEDOCS_SECRETARIAT_PASSPHRASE, else asked for)."""
    settings = app.settings
    passphrase = settings.secretariat_passphrase
    if not passphrase and not (pki_dir(settings.data_dir) / "pki.json").exists() and sys.stdin.isatty():
        passphrase = click.prompt("Secretariat passphrase for the new certificate authority", hide_input=True,
                                  confirmation_prompt=True)
    has_pki = app.init(passphrase)
    click.echo(f"casedocs: database ready at {settings.database_url}")
    click.echo(f"casedocs: certificate authority {'ready' if has_pki else 'NOT created'} in "
               f"{pki_dir(settings.data_dir)}"
               + ("" if has_pki else f" (set {PASSPHRASE_ENV} and run init again to sign documents)"))
    certified = app.checkpoints.certificate() is not None
    click.echo(f"casedocs: audit checkpoints signed in {checkpoint_dir(settings.data_dir)}"
               + (" (key certified by the CA)" if certified else
                  " (key certified by the CA at the first signing act)" if has_pki else ""))


@click.command("import")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@pass_app()
def case_import(document: Path, app: App) -> None:
    """File an application from a JSON document (schema in the README); prints the case number."""
    with app.procedure() as proc:
        number = acts.file_application(proc, document).number
    click.echo(number)


@click.command("show")
@click.argument("number")
@json_option
@pass_app()
def case_show(number: str, as_json: bool, app: App) -> None:
    """A case with its stage, parties, events and deadlines."""
    with app.procedure() as proc:
        shown = acts.show_case(proc, number, app.today())
    document = shown.document
    if as_json:
        print_json(document)
        return
    click.echo(f"{document['number']}  {document['title']}")
    click.echo(f"stage: {document['stage']['id']} ({document['stage']['zh']} / {document['stage']['en']})")
    click.echo(f"received {document['received_on']} · {document['region']}, {document['country']} · "
               f"{document['industry']}")
    for side in document["sides"]:
        click.echo(f"{side['role']}: " + "; ".join(f"{m['full_name']} ({m['category']})" for m in side["members"]))
        for agent in side["agents"]:
            click.echo(f"  agent: {agent['name']} {agent['organisation']}".rstrip())
        for rep in side["representatives"]:
            click.echo(f"  representative: {rep['name']}")
    click.echo("\nevents:")
    for event in document["events"]:
        click.echo(f"  {event['on'] or '':<10}  {event['text']}  [{event['actor']}]")
    click.echo("\ndeadlines:")
    for line in shown.deadlines:
        click.echo(f"  {line}")
    click.echo(f"\nallowed now: {', '.join(document['allowed_actions'])}")


@click.command("list")
@json_option
@pass_app()
def case_list(as_json: bool, app: App) -> None:
    """Every case with its stage."""
    with app.procedure() as proc:
        rows = acts.list_cases(proc)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['number']}  {row['stage']:<20} {row['received_on']}  {row['title']}")


@click.command("deadlines")
@click.option("--overdue", is_flag=True, help="Only deadlines already past.")
@click.option("--within", "within_days", type=click.IntRange(min=0, max=36_500), default=None, metavar="DAYS",
              help="Only deadlines due within DAYS calendar days (overdue ones included).")
@json_option
@pass_app()
def deadlines(overdue: bool, within_days: int | None, as_json: bool, app: App) -> None:
    """Open deadlines of all cases, soonest first."""
    with app.procedure() as proc:
        items = acts.open_deadlines(proc, app.today(), overdue=overdue, within_days=within_days)
    if as_json:
        print_json([i.as_json() for i in items])
        return
    if not items:
        click.echo("no open deadlines")
    for item in items:
        flag = " PROVISIONAL" if item.provisional else ""
        click.echo(f"{item.due_on}  {item.status.value.upper():<8} {item.case_number}  {item.rule:<28} "
                   f"{item.actor:<18} {item.what_en}{flag}")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@click.argument("number", required=False)
@json_option
@pass_app()
def audit_verify(number: str | None, as_json: bool, app: App) -> None:
    """Recompute the hash chain of one case (or all) and check it against its latest signed checkpoint
    (in the data directory, outside the database): name the first broken event, a cut or deleted
    chain, a rewritten one, and events no checkpoint vouches for yet."""
    with app.procedure() as proc:
        reports = acts.verify_audit(proc, number, app.checkpoints.anchors())
    if as_json:
        print_json([{"chain": r.chain, "events": r.events, "intact": r.intact, "checkpointed": r.anchored,
                     "first_broken_event": r.first_broken_seq, "problem": r.problem} for r in reports])
    else:
        for report in reports:
            click.echo(f"{report.chain}: {report.events} events, {_verdict(report)}")
    if not all(r.intact for r in reports):
        raise SystemExit(1)


def _verdict(report: audit.ChainReport) -> str:
    if not report.intact:
        return f"BROKEN at event {report.first_broken_seq}: {report.problem}"
    if report.anchored == report.events:
        return "intact, checkpointed"
    if report.anchored == 0:
        return "intact; not checkpointed (`casedocs init` checkpoints it)"
    later = f"event {report.events}" if report.anchored + 1 == report.events \
        else f"events {report.anchored + 1}-{report.events}"
    return f"intact; {later} not yet checkpointed (the next act on it, or `casedocs init`, checkpoints it)"


CASE_COMMANDS = (case_import, case_show, case_list)
COMMANDS = (init, deadlines, audit_group)
