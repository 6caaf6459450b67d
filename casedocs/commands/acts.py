"""`casedocs case act CASE ACTION key=value ...`, `casedocs case actions` and `casedocs roster ...`.

Every action of the procedure engine, reachable from the command line without a command per
action (casedocs.services.acts checks and converts the arguments).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from casedocs.app import App
from casedocs.commands.options import data_option, fail, json_option, pass_app, print_json
from casedocs.config import Settings
from casedocs.services import acts
from cases.procedure import Action
from cases.vocabulary import ExpertGroup, ResourceKind


@click.command("act", context_settings={"ignore_unknown_options": True})
@click.argument("number", metavar="CASE")
@click.argument("action_name", metavar="ACTION")
@click.argument("arguments", nargs=-1, metavar="KEY=VALUE...")
@click.option("--files", "base", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder that @file.json arguments and exhibit paths are relative to.")
@json_option
@pass_app()
def act(number: str, action_name: str, arguments: tuple[str, ...], base: Path, as_json: bool, app: App) -> None:
    """Take one step of the procedure on a case, as the secretariat.

    \b
    Examples:
      casedocs case act MVC-2025-0002 accept on=2025-03-12
      casedocs case act MVC-2025-0002 record_delivery instrument=invitation side=respondent delivered_on=2025-03-21
      casedocs case act MVC-2025-0002 record_response accepts=true on=2025-05-08
      casedocs case act MVC-2025-0002 agree_path path=internal_mediation tools=assessment_verification \\
          consents=applicant,respondent on=2025-06-10
      casedocs case act MVC-2025-0002 draft_agreement terms=@agreement.json on=2026-02-10
    `casedocs case actions` lists every action and its arguments.
    """
    action = acts.action_named(action_name)
    given: dict[str, str] = {}
    for argument in arguments:
        key, sep, value = argument.partition("=")
        if not sep:
            fail(f"argument {argument!r} is not KEY=VALUE; {acts.describe_action(action)}")
        if key in given:  # the later value would silently win
            fail(f"{key}= given twice; give each argument once")
        given[key] = value
    acts.check_arguments(action, given)
    with app.procedure() as proc:
        done = acts.take_action(proc, number, action, given, base)
    if as_json:
        print_json(done.as_json())
    else:
        identifier = f" (id {done.id})" if done.id is not None else ""
        click.echo(f"{done.case}: {action.value} done{identifier}; stage now {done.stage}")


@click.command("actions")
@data_option
def actions(settings: Settings) -> None:
    """Every action `case act` takes, with its arguments (the same for every data directory)."""
    for action in Action:
        click.echo(acts.describe_action(action))


@click.group("roster")
def roster_group() -> None:
    """Support resources: the expert network, fact-finding and assessment bodies, internal experts."""


@roster_group.command("add")
@click.argument("kind", type=click.Choice([k.value for k in ResourceKind]))
@click.argument("name")
@click.option("--organisation", default="")
@click.option("--group", "groups", multiple=True, type=click.Choice([g.value for g in ExpertGroup]),
              help="Expert-network group (repeatable); experts only.")
@click.option("--contact", default="")
@pass_app()
def roster_add(kind: str, name: str, organisation: str, groups: tuple[str, ...], contact: str, app: App) -> None:
    with app.procedure() as proc:
        resource = proc.add_resource(ResourceKind(kind), name, organisation=organisation,
                                     groups=[ExpertGroup(g) for g in groups], contact=contact)
        identifier = resource.id
    click.echo(f"{identifier}")


@roster_group.command("list")
@json_option
@pass_app()
def roster_list(as_json: bool, app: App) -> None:
    with app.procedure() as proc:
        rows: list[dict[str, Any]] = [{"id": r.id, "kind": r.kind.value, "name": r.name, "organisation": r.organisation,
                 "groups": r.groups} for r in proc.roster()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        groups = f" [{', '.join(row['groups'])}]" if row["groups"] else ""
        click.echo(f"{row['id']:>4}  {row['kind']:<18} {row['name']}{groups}")


CASE_COMMANDS = (act, actions)
COMMANDS = (roster_group,)
