"""`casedocs init`, `casedocs case ...`, `casedocs deadlines`, `casedocs audit verify`."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click

from cases import audit, tracker
from cases.application import load_application_file
from cases.procedure import Procedure
from cases.views import case_as_dict, deadline_table
from casedocs.app import App
from casedocs.commands.options import data_option, domain_errors, json_option, print_json
from casedocs.config import Settings


@contextmanager
def procedure(settings: Settings) -> Iterator[tuple[App, Procedure]]:
    app = App(settings)
    try:
        with domain_errors(), app.procedure() as proc:
            yield app, proc
    finally:
        app.close()


@click.command("init")
@data_option
def init(settings: Settings) -> None:
    """Create the data directory and the database (or upgrade its schema), and the mechanism's
    certificate authority, time-stamping and seal certificates (keys encrypted with the
    secretariat's passphrase: $CASEDOCS_SECRETARIAT_PASSPHRASE, else asked for)."""
    from casedocs.issuing import PASSPHRASE_ENV, pki_dir

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase and not (pki_dir(settings.data_dir) / "pki.json").exists() and sys.stdin.isatty():
        passphrase = click.prompt("Secretariat passphrase for the new certificate authority", hide_input=True,
                                  confirmation_prompt=True)
    app = App(settings)
    with domain_errors():
        has_pki = app.init(passphrase)
    click.echo(f"casedocs: database ready at {settings.database_url}")
    click.echo(f"casedocs: certificate authority {'ready' if has_pki else 'NOT created'} in {pki_dir(settings.data_dir)}"
               + ("" if has_pki else f" (set {PASSPHRASE_ENV} and run init again to sign documents)"))
    app.close()


@click.group("case")
def case_group() -> None:
    """File and inspect cases."""


@case_group.command("import")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@data_option
def case_import(document: Path, settings: Settings) -> None:
    """File an application from a JSON document (schema in the README); prints the case number."""
    with domain_errors():
        form = load_application_file(document)
    with procedure(settings) as (_, proc):
        case = proc.file_application(form, base_dir=document.resolve().parent)
        number = case.number
    click.echo(number)


@case_group.command("show")
@click.argument("number")
@json_option
@data_option
def case_show(number: str, as_json: bool, settings: Settings) -> None:
    """A case with its stage, parties, events and deadlines."""
    with procedure(settings) as (app, proc):
        case = proc.get_case(number)
        proc.advance(case, app.today())
        document = case_as_dict(proc.session, case, app.today())
        lines = deadline_table(case, app.today())
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
    for line in lines:
        click.echo(f"  {line}")
    click.echo(f"\nallowed now: {', '.join(document['allowed_actions'])}")


@case_group.command("list")
@json_option
@data_option
def case_list(as_json: bool, settings: Settings) -> None:
    """Every case with its stage."""
    with procedure(settings) as (_, proc):
        rows = [{"number": c.number, "stage": c.stage.value, "title": c.title, "received_on": c.received_on.isoformat()}
                for c in proc.all_cases()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['number']}  {row['stage']:<20} {row['received_on']}  {row['title']}")


@click.command("deadlines")
@click.option("--overdue", is_flag=True, help="Only deadlines already past.")
@click.option("--within", "within_days", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Only deadlines due within DAYS calendar days (overdue ones included).")
@json_option
@data_option
def deadlines(overdue: bool, within_days: int | None, as_json: bool, settings: Settings) -> None:
    """Open deadlines of all cases, soonest first."""
    with procedure(settings) as (app, proc):
        today = app.today()
        items = []
        for case in proc.all_cases():
            proc.advance(case, today)
            items += [tracker.view(case, d, today) for d in case.deadlines if d.is_open]
    if overdue:
        items = [i for i in items if i.due_on < today]
    if within_days is not None:
        items = [i for i in items if i.due_on <= today + timedelta(days=within_days)]
    items.sort(key=lambda i: (i.due_on, i.case_number, i.rule))
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
@data_option
def audit_verify(number: str | None, as_json: bool, settings: Settings) -> None:
    """Recompute the hash chain of one case (or all) and name the first broken event."""
    with procedure(settings) as (_, proc):
        names = [proc.get_case(number).number] if number else audit.chains(proc.session)
        reports = [audit.verify_chain(proc.session, name) for name in names]
    if as_json:
        print_json([{"chain": r.chain, "events": r.events, "intact": r.intact,
                     "first_broken_event": r.first_broken_seq, "problem": r.problem} for r in reports])
    else:
        for report in reports:
            verdict = "intact" if report.intact else f"BROKEN at event {report.first_broken_seq}: {report.problem}"
            click.echo(f"{report.chain}: {report.events} events, {verdict}")
    if not all(r.intact for r in reports):
        raise SystemExit(1)


def register(group: click.Group) -> None:
    for command in (init, case_group, deadlines, audit_group):
        group.add_command(command)
