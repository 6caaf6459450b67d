"""`casedocs case act CASE ACTION key=value ...` and `casedocs roster ...`.

Every action of the procedure engine, reachable from the command line without a
command per action: arguments are checked against the action's own signature
(pydantic converts dates, enums, lists and the agreement/closure terms), records
named by id (an appointment, a roster entry, a tool) are looked up in the case.
"""
from __future__ import annotations

import collections.abc
import inspect
import json
import typing
from pathlib import Path
from types import UnionType
from typing import Any

import click
from pydantic import TypeAdapter, ValidationError

from casedocs.commands.options import data_option, fail, json_option, print_json
from casedocs.commands.records import procedure
from casedocs.config import Settings
from cases.models import Appointment, Base, Case, SupportResource, ToolUse
from cases.procedure import Action, Procedure
from cases.vocabulary import ExpertGroup, ResourceKind

_HIDDEN = {"self", "case"}
_RECORDS: dict[type[Base], str] = {Appointment: "appointments", ToolUse: "tools"}


def _parameters(action: Action) -> dict[str, inspect.Parameter]:
    method = getattr(Procedure, action.value)
    return {name: p for name, p in inspect.signature(method).parameters.items() if name not in _HIDDEN}


def _hints(action: Action) -> dict[str, Any]:
    return typing.get_type_hints(getattr(Procedure, action.value))


def _record_type(annotation: Any) -> type[Base] | None:
    candidates = typing.get_args(annotation) if isinstance(annotation, UnionType) or typing.get_origin(annotation) \
        is typing.Union else (annotation,)
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, Base)), None)


def _raw(value: str, base: Path) -> Any:
    """`@file.json` reads a JSON file; `[...]`/`{...}` is JSON; anything else a string."""
    if value.startswith("@"):
        return json.loads((base / value[1:]).read_text(encoding="utf-8"))
    if value[:1] in "[{":
        return json.loads(value)
    return value


def _convert(proc: Procedure, case: Case, name: str, annotation: Any, value: str, base: Path) -> Any:
    record = _record_type(annotation)
    if record is not None:
        if record is SupportResource:
            found = proc.session.get(SupportResource, int(value))
        else:
            found = next((r for r in getattr(case, _RECORDS[record]) if r.id == int(value)), None)
        if found is None:
            raise ValueError(f"{name}={value}: no {record.__name__} with that id in {case.number}")
        return found
    raw = _raw(value, base)
    if typing.get_origin(annotation) in (list, tuple, collections.abc.Collection, collections.abc.Sequence):
        # Actions accept any collection; on the command line it is a comma-separated list.
        annotation = list[typing.get_args(annotation)]  # type: ignore[misc]
        if isinstance(raw, str):
            raw = [item for item in raw.split(",") if item]
    try:
        return TypeAdapter(annotation).validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or name}: {e['msg']}" for e in error.errors())
        raise ValueError(f"{name}={value}: {problems}") from None


def describe_action(action: Action) -> str:
    hints = _hints(action)
    parts = []
    for name, parameter in _parameters(action).items():
        shown = f"{name}=<{getattr(hints.get(name), '__name__', str(hints.get(name))).replace('typing.', '')}>"
        parts.append(shown if parameter.default is inspect.Parameter.empty else f"[{shown}]")
    return f"{action.value} " + " ".join(parts)


@click.command("act", context_settings={"ignore_unknown_options": True})
@click.argument("number", metavar="CASE")
@click.argument("action_name", metavar="ACTION")
@click.argument("arguments", nargs=-1, metavar="KEY=VALUE...")
@click.option("--files", "base", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Folder that @file.json arguments and exhibit paths are relative to.")
@json_option
@data_option
def act(number: str, action_name: str, arguments: tuple[str, ...], base: Path, as_json: bool,
        settings: Settings) -> None:
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
    try:
        action = Action(action_name)
    except ValueError:
        fail(f"unknown action {action_name!r}; valid: {', '.join(a.value for a in Action)}")
    given: dict[str, str] = {}
    for argument in arguments:
        key, sep, value = argument.partition("=")
        if not sep:
            fail(f"argument {argument!r} is not KEY=VALUE; {describe_action(action)}")
        given[key] = value
    parameters, hints = _parameters(action), _hints(action)
    unknown = sorted(set(given) - set(parameters))
    if unknown:
        fail(f"{action.value} takes no argument {', '.join(unknown)}; usage: {describe_action(action)}")
    missing = [n for n, p in parameters.items() if p.default is inspect.Parameter.empty and n not in given]
    if missing:
        fail(f"{action.value} needs {', '.join(missing)}; usage: {describe_action(action)}")
    with procedure(settings) as (_, proc):
        case = proc.get_case(number)
        values = {name: _convert(proc, case, name, hints[name], value, base) for name, value in given.items()}
        if "base_dir" in parameters:
            values.setdefault("base_dir", base)
        result = getattr(proc, action.value)(case, **values)
        summary = {"case": case.number, "action": action.value, "stage": case.stage.value,
                   "id": getattr(result, "id", None)}
    if as_json:
        print_json(summary)
    else:
        identifier = f" (id {summary['id']})" if summary["id"] is not None else ""
        click.echo(f"{summary['case']}: {action.value} done{identifier}; stage now {summary['stage']}")


@click.command("actions")
def actions() -> None:
    """Every action `case act` takes, with its arguments."""
    for action in Action:
        click.echo(describe_action(action))


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
@data_option
def roster_add(kind: str, name: str, organisation: str, groups: tuple[str, ...], contact: str,
               settings: Settings) -> None:
    with procedure(settings) as (_, proc):
        resource = proc.add_resource(ResourceKind(kind), name, organisation=organisation,
                                     groups=[ExpertGroup(g) for g in groups], contact=contact)
        identifier = resource.id
    click.echo(f"{identifier}")


@roster_group.command("list")
@json_option
@data_option
def roster_list(as_json: bool, settings: Settings) -> None:
    with procedure(settings) as (_, proc):
        rows = [{"id": r.id, "kind": r.kind.value, "name": r.name, "organisation": r.organisation,
                 "groups": r.groups} for r in proc.roster()]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        groups = f" [{', '.join(row['groups'])}]" if row["groups"] else ""
        click.echo(f"{row['id']:>4}  {row['kind']:<18} {row['name']}{groups}")


def register(group: click.Group) -> None:
    case_group = group.commands["case"]
    assert isinstance(case_group, click.Group)
    case_group.add_command(act)
    case_group.add_command(actions)
    group.add_command(roster_group)

