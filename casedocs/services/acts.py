"""The procedure acts: file an application, take any action of the engine, show and list cases.

Every action of the procedure engine is reachable without a function per action: arguments given as
text are checked against the action's own signature (pydantic converts dates, enums, lists and the
agreement/closure terms), records named by id (an appointment, a roster entry, a tool) are looked up
in the case. Every function takes the caller's unit of work (a Procedure, on its session).
"""
from __future__ import annotations

import collections.abc
import inspect
import re
import typing
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from cases import audit, tracker
from cases.application import load_application_file
from cases.errors import InvalidInputError
from cases.files import load_json, read_inside, resolve_inside
from cases.models import Appointment, Base, Case, SupportResource, ToolUse
from cases.confidentiality.audiences import Audience, event_shown
from cases.procedure import Action, Procedure
from cases.views import case_as_dict, deadline_table
from casedocs.services import delivering

# Not arguments a user gives: the case comes from the command, and the folder files are read from is
# `--files` (or the web's own empty folder) — a user-given base_dir would reach any file of the server.
_HIDDEN = {"self", "case", "base_dir"}
_RECORDS: dict[type[Base], str] = {Appointment: "appointments", ToolUse: "tools"}


@dataclass(frozen=True)
class ActDone:
    case: str
    action: Action
    stage: str
    id: int | None  # the record the action made, if any (an appointment, a request...)

    def as_json(self) -> dict[str, object]:
        return {"case": self.case, "action": self.action.value, "stage": self.stage, "id": self.id}


@dataclass(frozen=True)
class CaseShown:
    document: dict[str, Any]  # cases.views.case_as_dict
    deadlines: list[str]      # cases.views.deadline_table, one line each
    happened: list[str] = field(default_factory=list)  # what the passing of time decided as it was read


def file_application(proc: Procedure, path: Path) -> Case:
    """File the application in the JSON document at `path` (exhibits relative to its folder).
    Caller's session."""
    form = load_application_file(path)
    return proc.file_application(form, base_dir=path.resolve().parent)


def action_named(name: str) -> Action:
    """The engine's action called `name`, or InvalidInputError listing them. No session."""
    try:
        return Action(name)
    except ValueError:
        raise InvalidInputError(f"unknown action {name!r}; valid: {', '.join(a.value for a in Action)}") from None


def describe_action(action: Action) -> str:
    """`accept on=<date>`: the action and its arguments, optional ones in brackets. No session."""
    hints = _hints(action)
    parts = []
    for name, parameter in _parameters(action).items():
        shown = f"{name}=<{getattr(hints.get(name), '__name__', str(hints.get(name))).replace('typing.', '')}>"
        parts.append(shown if parameter.default is inspect.Parameter.empty else f"[{shown}]")
    return f"{action.value} " + " ".join(parts)


@dataclass(frozen=True)
class Argument:
    """One argument of an action as `take_action` takes it: what a form generated for the action asks for."""

    name: str
    annotation: Any  # the resolved type hint (`date`, `Channel`, `Collection[SideRole]`, `SupportResource`...)
    default: Any     # inspect.Parameter.empty when the argument is required

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty


def arguments(action: Action) -> list[Argument]:
    """The action's arguments in signature order, with their types (the web console's forms are
    generated from these, so a form and `casedocs case act` accept the same thing). No session."""
    hints = _hints(action)
    return [Argument(name, hints[name], parameter.default) for name, parameter in _parameters(action).items()]


def check_arguments(action: Action, given: Mapping[str, str]) -> None:
    """Refuse unknown and missing arguments before anything is looked up. No session."""
    parameters = _parameters(action)
    unknown = sorted(set(given) - set(parameters))
    if unknown:
        raise InvalidInputError(f"{action.value} takes no argument {', '.join(unknown)}; "
                                f"usage: {describe_action(action)}")
    missing = [n for n, p in parameters.items() if p.default is inspect.Parameter.empty and n not in given]
    if missing:
        raise InvalidInputError(f"{action.value} needs {', '.join(missing)}; usage: {describe_action(action)}")


def take_action(proc: Procedure, number: str, action: Action, given: Mapping[str, str], base: Path, *,
                literal_text: bool = False) -> ActDone:
    """Take one step of the procedure on a case, as the acting user. Values are text: `@file.json` reads
    a JSON file under `base`, `[...]`/`{...}` is JSON, a list may be comma-separated. With `literal_text`
    (a web form's text field) an argument of type str is taken as typed, so that a reason may begin
    with "[" or "@". Caller's session."""
    check_arguments(action, given)
    parameters, hints = _parameters(action), _hints(action)
    case = proc.get_case(number)
    values = {name: value if literal_text and _scalar(hints[name]) is str
              else _convert(proc, case, name, hints[name], value, base) for name, value in given.items()}
    if "base_dir" in inspect.signature(getattr(Procedure, action.value)).parameters:
        values["base_dir"] = base
    result = getattr(proc, action.value)(case, **values)
    if action is Action.RECORD_DELIVERY:  # the delivery names the side's own sealed rendering (issue 11)
        delivering.name_sealed(proc, case, result)
    return ActDone(case.number, action, case.stage.value, getattr(result, "id", None))


def show_case(proc: Procedure, number: str, today: date, audience: Audience = Audience.SECRETARIAT) -> CaseShown:
    """A case with its stage, parties, events and deadlines, brought up to `today` first (lapsed
    deadlines close), as `audience` may see it (issue 11: a party's token reads its side's view —
    the events only the secretariat sees left out, every withheld value replaced by its placeholder).
    Caller's session. The case is read with everything the JSON shows (a fixed number of queries, as
    the console's case page: not one per deadline, side or appointment)."""
    from casedocs.services.casepage import load_case  # here: casepage reads the console's services
    from casedocs.services.confidentiality import view_of

    case = load_case(proc.session, number)
    happened = proc.advance(case, today)
    document = case_as_dict(proc.session, case, today)
    if audience is not Audience.SECRETARIAT:
        shown = view_of(proc, case, audience, today)
        document["events"] = [e for e in document["events"] if event_shown(e["action"], audience)]
        document["title"] = shown.title("en")
        document = shown.scrub(document, "en")
    return CaseShown(document, deadline_table(case, today), happened)


def list_cases(proc: Procedure) -> list[dict[str, str]]:
    """Every case with its stage. Caller's session."""
    return [case_line(c) for c in proc.all_cases()]


def case_line(case: Case) -> dict[str, str]:
    """A case as `casedocs case list --json` prints it. No session (the case as loaded)."""
    return {"number": case.number, "stage": case.stage.value, "title": case.title,
            "received_on": case.received_on.isoformat()}


def open_deadlines(proc: Procedure, today: date, *, numbers: Collection[str] | None = None, overdue: bool = False,
                   within_days: int | None = None) -> list[tracker.DeadlineView]:
    """The open deadlines of every case (or of the cases numbered `numbers`: what an account may
    see), each case brought up to `today` first, soonest first; `overdue` keeps those already past,
    `within_days` those due within that many calendar days (overdue ones included). What
    `casedocs deadlines` and the API's deadlines show. Caller's session."""
    if numbers is None:
        cases = proc.all_cases()
    else:
        cases = list(proc.session.scalars(select(Case).where(Case.number.in_(list(numbers)))
                                          .order_by(Case.year, Case.sequence)))
    items = []
    for case in cases:
        proc.advance(case, today)
        items += [tracker.view(case, d, today) for d in case.deadlines if d.is_open]
    if overdue:
        items = [i for i in items if i.due_on < today]
    if within_days is not None:
        items = [i for i in items if i.due_on <= today + timedelta(days=within_days)]
    return sorted(items, key=lambda i: (i.due_on, i.case_number, i.rule))


def verify_audit(proc: Procedure, number: str | None = None,
                 anchors: Mapping[str, audit.Anchor] | None = None) -> list[audit.ChainReport]:
    """Recompute the hash chain of one case (or of every chain, a deleted one included) and check each
    against its latest checkpoint in `anchors` (App.checkpoints.anchors()). Caller's session."""
    anchors = anchors or {}
    names = None if number is None else [number if number in anchors else proc.get_case(number).number]
    return audit.verify_chains(proc.session, anchors, names)


def _parameters(action: Action) -> dict[str, inspect.Parameter]:
    method = getattr(Procedure, action.value)
    return {name: p for name, p in inspect.signature(method).parameters.items() if name not in _HIDDEN}


def _hints(action: Action) -> dict[str, Any]:
    return typing.get_type_hints(getattr(Procedure, action.value))


def _record_type(annotation: Any) -> type[Base] | None:
    candidates = typing.get_args(annotation) if isinstance(annotation, UnionType) or typing.get_origin(annotation) \
        is typing.Union else (annotation,)
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, Base)), None)


def _raw(name: str, value: str, base: Path) -> Any:
    """`@file.json` reads a JSON file inside `base` (cases.files: never outside it); `[...]`/`{...}` is
    JSON; anything else a string."""
    if value.startswith("@"):
        try:
            data = read_inside(base, value[1:])
        except InvalidInputError as error:
            raise InvalidInputError(f"{name}: {error}") from None
        return load_json(data, f"{name}={value}")
    if value.startswith(("[", "{")):
        return load_json(value, f"{name}=")
    return value


# Ids and amounts end in database integer columns (32-bit on PostgreSQL); none is negative.
_WHOLE_NUMBERS = range(0, 2**31)


def _whole_number(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:  # also a number of more digits than int() converts
        number = -1
    if number not in _WHOLE_NUMBERS:
        shown = value if len(value) <= 24 else value[:20] + "..."
        raise InvalidInputError(f"{name}={shown}: expected a whole number from 0 to {_WHOLE_NUMBERS[-1]}")
    return number


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(name: str, value: str) -> date:
    """A date written YYYY-MM-DD, and a day of the calendar (not 2025-02-30)."""
    shown = value if len(value) <= 24 else value[:20] + "..."
    if not _ISO_DAY.fullmatch(value):
        raise InvalidInputError(f"{name}={shown}: expected a date written YYYY-MM-DD, e.g. 2025-03-12")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{name}={shown}: there is no such day in the calendar") from None


def _scalar(annotation: Any) -> Any:
    """X for `X` and `X | None`; None for anything else (a list, a union of several types)."""
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else None
    return annotation


def _expected(annotation: Any) -> str | None:
    """What an empty value should have been; None where empty text is a value (text, an empty list)."""
    kind = _scalar(annotation)
    if kind is date:
        return "a date YYYY-MM-DD"
    if kind is bool:
        return "true or false"
    if kind is int or _record_type(annotation) is not None:
        return f"a whole number from 0 to {_WHOLE_NUMBERS[-1]}"
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "one of " + ", ".join(str(member.value) for member in kind)
    return None


def _convert(proc: Procedure, case: Case, name: str, annotation: Any, value: str, base: Path) -> Any:
    expected = _expected(annotation)
    if value == "" and expected is not None:
        raise InvalidInputError(f"{name}= is empty: expected {expected} for {name}")
    record = _record_type(annotation)
    if record is not None:
        number = _whole_number(name, value)
        if record is SupportResource:
            found = proc.session.get(SupportResource, number)
        else:
            found = next((r for r in getattr(case, _RECORDS[record]) if r.id == number), None)
        if found is None:
            raise InvalidInputError(f"{name}={value}: no {record.__name__} with that id in {case.number}")
        return found
    if _scalar(annotation) is int:
        return _whole_number(name, value)
    if _scalar(annotation) is date:
        return _day(name, value)
    raw = _raw(name, value, base)
    if typing.get_origin(annotation) in (list, tuple, collections.abc.Collection, collections.abc.Sequence):
        # Actions accept any collection; as text it is a comma-separated list.
        annotation = list[typing.get_args(annotation)]  # type: ignore[misc]  # a runtime-built generic alias
        if isinstance(raw, str):
            raw = [item for item in raw.split(",") if item]
    try:
        converted = TypeAdapter(annotation).validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or name}: {e['msg']}" for e in error.errors())
        raise InvalidInputError(f"{name}={value}: {problems}") from None
    return _confined(converted, base, name)


def _confined(value: Any, base: Path, name: str) -> Any:
    """Every folder inside a converted value (an exhibit's (file, folder) pair) resolved inside `base`:
    a folder given as `/etc` or `../..` is refused like a file reference (cases/files.py)."""
    if isinstance(value, Path):
        try:
            return resolve_inside(base, str(value))
        except InvalidInputError as refused:
            raise InvalidInputError(f"{name}: {refused}") from None
    if isinstance(value, (list, tuple)):
        return type(value)(_confined(item, base, name) for item in value)
    return value
