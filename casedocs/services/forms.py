"""Forms generated from types: a procedure action's form from its signature, the application form
from the import schema (casedocs.services.posted turns what is posted back into what the CLI takes).

One source of truth: an action's form is made from `acts.arguments` (the signature `casedocs case act`
checks against), and what an officer posts becomes the same `key=value` text that goes through
`acts.check_arguments` and `acts.take_action`; the application form is made from
`cases.application.ApplicationForm` and what is posted becomes the JSON document `casedocs case import`
reads, checked by `parse_application`. A field's name is its path in that document (`applicant.members.0.
full_name`): built here from the types, and looked up in the posted form, never parsed back.

Structured values (an agreement's terms, a side of an application) become groups of fields; lists of
them, rows ("add a row" posts the form back: no JavaScript); files, uploads sent inline as base64
(`FileIn.content_base64`), so that nothing is ever read from a path the browser names.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path as FilePath
from types import UnionType
from typing import Any

from pydantic import BaseModel

from cases.application import ApplicationForm, FileIn
from cases.confidentiality.items import IdentityRole, ItemRef
from cases.confidentiality.translations import free_texts
from cases.models import Appointment, Base, Case, SupportResource, ToolUse
from cases.procedure import Action
from cases.vocabulary import ConfidentialityAudience, Labelled, ToolKind
from casedocs.services import acts


class FieldKind(StrEnum):
    TEXT = "text"            # one line
    LONG_TEXT = "long_text"  # a paragraph
    DATE = "date"
    BOOLEAN = "boolean"      # yes / no
    NUMBER = "number"        # a whole number
    CHOICE = "choice"        # one of `choices`
    CHOICES = "choices"      # any of `choices`
    LINES = "lines"          # a list of text, one per line
    FILE = "file"            # a title and an upload
    GROUP = "group"          # the `fields` of one structured value
    ROWS = "rows"            # a list of structured values, each with the `fields`


@dataclass(frozen=True)
class Choice:
    value: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class FormField:
    """One field; `name` is the attribute or argument name, the full name is the path to it."""

    name: str
    kind: FieldKind
    required: bool
    default: str = ""  # as the form shows it
    choices: tuple[Choice, ...] = ()
    fields: tuple[FormField, ...] = ()  # GROUP, ROWS
    rows: int = 1                       # ROWS: how many a blank form shows
    with_folder: bool = False           # FILE: taken as a (file, folder) pair (record_supplement's exhibits)

    def path(self, prefix: str) -> str:
        return f"{prefix}{self.name}"


# Text arguments shown on one line; any other text is a paragraph.
_ONE_LINE = frozenset({"name", "title", "organisation", "contact", "address", "full_name", "person", "monitor",
                       "duration", "region", "country", "industry", "instrument", "target", "reapplication_of",
                       "clauses", "other_info"})
# Text arguments that take one of a fixed set of values (the engine checks them; the form offers them).
_FIXED_TEXT: dict[str, type[Labelled]] = {"audience": ConfidentialityAudience}


# -- fields from types --------------------------------------------------------------------------

ChoicesFor = Callable[[str, Any], tuple[Choice, ...] | None]


def _no_record_choices(name: str, annotation: Any) -> tuple[Choice, ...] | None:
    return None


def _optional(annotation: Any) -> tuple[Any, bool]:
    """(X, True) for `X | None`; (annotation, False) otherwise."""
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _item_type(annotation: Any) -> Any | None:
    """X for a list, tuple, sequence or collection of X; None for anything else."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, collections.abc.Collection, collections.abc.Sequence):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return args[0] if len(args) == 1 else (annotation if origin is tuple else None)
    return None


def _is_structured(kind: Any) -> bool:
    return isinstance(kind, type) and (dataclasses.is_dataclass(kind) or issubclass(kind, BaseModel))


def _enum_choices(kind: type[Enum]) -> tuple[Choice, ...]:
    if issubclass(kind, Labelled):
        return tuple(Choice(m.value, m.zh, m.en) for m in kind)
    return tuple(Choice(str(m.value), str(m.value), str(m.value).replace("_", " ")) for m in kind)


def _text(value: Any) -> str:
    if value is None or value is dataclasses.MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(v) for v in value)
    return str(value)


def field_for(name: str, annotation: Any, required: bool, default: Any = None,
              choices_for: ChoicesFor = _no_record_choices) -> FormField | None:
    """The field that asks for a value of type `annotation`; None for a type no form gives (a folder,
    which take_action supplies). No session."""
    kind, optional = _optional(annotation)
    required = required and not optional
    shown = "" if default is None or default is inspect.Parameter.empty else _text(default)
    if kind is FileIn:
        return FormField(name, FieldKind.FILE, required)
    if typing.get_origin(kind) is tuple and typing.get_args(kind) == (FileIn, FilePath):
        return FormField(name, FieldKind.FILE, required, with_folder=True)
    if isinstance(kind, type) and issubclass(kind, Base):
        return FormField(name, FieldKind.CHOICE, required, shown, choices_for(name, kind) or ())
    if kind is FilePath:
        return None
    records = choices_for(name, kind)
    item = _item_type(kind)
    if records is not None:  # several of them where the argument takes a collection (the items of a request)
        return FormField(name, FieldKind.CHOICES if item is not None else FieldKind.CHOICE, required, shown, records)
    if item is not None:
        if _is_structured(item) or typing.get_origin(item) is tuple:
            row = field_for("file", item, True)
            rows = 1 if required else 0  # an optional list starts empty: "add a row" when there is one
            if row is not None and row.kind is FieldKind.FILE:  # a list of files: each row is one file
                return FormField(name, FieldKind.ROWS, required, fields=(row,), rows=rows)
            return FormField(name, FieldKind.ROWS, required, fields=_fields_of(item), rows=rows)
        fixed = _FIXED_TEXT.get(name)
        if isinstance(item, type) and issubclass(item, Enum):
            return FormField(name, FieldKind.CHOICES, required, shown, _enum_choices(item))
        if fixed is not None:
            return FormField(name, FieldKind.CHOICES, required, shown, _enum_choices(fixed))
        return FormField(name, FieldKind.LINES, required, shown)
    if _is_structured(kind):
        return FormField(name, FieldKind.GROUP, required, fields=_fields_of(kind))
    if kind is date:
        return FormField(name, FieldKind.DATE, required, shown)
    if kind is bool:
        return FormField(name, FieldKind.BOOLEAN, required, shown)
    if kind is int:
        return FormField(name, FieldKind.NUMBER, required, shown)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return FormField(name, FieldKind.CHOICE, required, shown, _enum_choices(kind))
    return FormField(name, FieldKind.TEXT if name in _ONE_LINE else FieldKind.LONG_TEXT, required, shown)


def _fields_of(kind: Any) -> tuple[FormField, ...]:
    """The fields of a dataclass or a pydantic model, in declaration order (records are named by id
    only at an action's top level, so nested fields offer no record choices)."""
    found: list[FormField | None] = []
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        for name, info in kind.model_fields.items():
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            found.append(field_for(name, info.annotation, info.is_required(), default))
    else:
        hints = typing.get_type_hints(kind)
        for item in dataclasses.fields(kind):
            required = item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
            found.append(field_for(item.name, hints[item.name], required, None if required else item.default))
    return tuple(f for f in found if f is not None)


# -- the forms ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionForm:
    action: Action
    usage: str  # `accept on=<date> [channel=<Channel>]`, as `casedocs case actions` prints it
    fields: tuple[FormField, ...]


def action_form(action: Action, case: Case | None = None) -> ActionForm:
    """The form for one action, its record choices (an appointment, a request to decide...) taken from
    `case`. No session (the case's relationships are read as loaded)."""
    choices_for = _RecordChoices(case, action) if case is not None else _no_record_choices
    fields = [field_for(a.name, a.annotation, a.required, None if a.required else a.default, choices_for)
              for a in acts.arguments(action)]
    return ActionForm(action, acts.describe_action(action), tuple(f for f in fields if f is not None))


def action_forms(case: Case | None = None) -> dict[Action, ActionForm]:
    """Every action's form. No session."""
    return {action: action_form(action, case) for action in Action}


def application_form() -> tuple[FormField, ...]:
    """The application form's fields: those of the import schema (cases.application.ApplicationForm).
    No session."""
    return _fields_of(ApplicationForm)


class _RecordChoices:
    """The records of a case an argument names by id, offered as choices with a label in each language.
    Metadata for the form only: the engine still looks every id up and refuses a wrong one."""

    def __init__(self, case: Case, action: Action) -> None:
        self.case, self.action = case, action

    def __call__(self, name: str, annotation: Any) -> tuple[Choice, ...] | None:
        case = self.case
        if annotation is SupportResource:
            return ()  # filled by the caller from the roster (a query): see with_roster
        if annotation is Appointment:
            return tuple(Choice(str(a.id), f"{a.resource.name}（{a.role.zh}）", f"{a.resource.name} ({a.role.en})")
                         for a in case.appointments if a.is_active)
        if annotation is ToolUse:
            return tuple(Choice(str(t.id), f"{t.kind.zh}（{t.started_on}）", f"{t.kind.en} ({t.started_on})")
                         for t in case.tools)
        table = _ID_CHOICES.get((self.action, name))
        return None if table is None else table(case)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _pending_first(items: Sequence[Any], pending: Callable[[Any], bool]) -> list[Any]:
    return sorted(items, key=lambda item: not pending(item))


def _delivery_instruments(case: Case) -> tuple[Choice, ...]:
    from cases.instruments import get_instrument

    seen: dict[str, Choice] = {}
    for delivery in _pending_first(case.deliveries, lambda d: d.delivered_on is None):
        if delivery.instrument not in seen:
            instrument = get_instrument(delivery.instrument)
            seen[delivery.instrument] = Choice(delivery.instrument, instrument.zh, instrument.en)
    return tuple(seen.values())


def _deliveries(case: Case) -> tuple[Choice, ...]:
    from cases.instruments import get_instrument

    return tuple(Choice(str(d.id), f"{get_instrument(d.instrument).zh} → {d.addressee}（{d.sent_on}）",
                        f"{get_instrument(d.instrument).en} → {d.addressee} ({d.sent_on})") for d in case.deliveries)


def _extension_targets(case: Case) -> tuple[Choice, ...]:
    targets = [Choice("path", "当前路径期限", "the current path's period")]
    targets += [Choice(kind.value, kind.zh, kind.en) for kind in ToolKind
                if any(t.kind is kind and t.completed_on is None for t in case.tools)]
    return tuple(targets)


def _confidential_items(case: Case) -> tuple[Choice, ...]:
    """Every item of the record a confidentiality request or decision may name (第六章第2.2条), for
    the secretariat, who sees everything: the exhibits, each person of either side, every free text
    that has text — each by what it is and the start of what it says."""
    choices = [Choice(str(ItemRef.exhibit(i)), f"{ItemRef.exhibit(i).label('zh')}：{_short(e.title)}",
                      f"{ItemRef.exhibit(i).label('en')}: {_short(e.title)}") for i, e in enumerate(case.exhibits)]
    for own in case.sides:
        side = own.role
        for role, people in ((IdentityRole.MEMBER, own.members), (IdentityRole.AGENT, own.agents),
                             (IdentityRole.REPRESENTATIVE, own.representatives)):
            for i, person in enumerate(people):
                ref, name = ItemRef.identity(side, i, role), getattr(person, "full_name", None) or getattr(person, "name", "")
                choices.append(Choice(str(ref), f"{ref.label('zh')}：{name}", f"{ref.label('en')}: {name}"))
    choices += [Choice(str(ref), f"{ref.label('zh')}：{_short(text)}", f"{ref.label('en')}: {_short(text)}")
                for ref, text in free_texts(case) if text]
    return tuple(choices)


_ID_CHOICES: dict[tuple[Action, str], Callable[[Case], tuple[Choice, ...]]] = {
    (Action.REQUEST_CONFIDENTIALITY, "items"): _confidential_items,
    (Action.DECIDE_CONFIDENTIALITY, "items"): _confidential_items,
    (Action.RECORD_DELIVERY, "instrument"): _delivery_instruments,
    (Action.RECORD_DELIVERY, "delivery_id"): _deliveries,
    (Action.EXTEND, "target"): _extension_targets,
    (Action.DECIDE_CONFIDENTIALITY, "request_id"): lambda case: tuple(
        Choice(str(r.id), f"#{r.id} {r.requested_by.zh}（{r.received_on}）：{_short(r.information)}",
               f"#{r.id} {r.requested_by.en} ({r.received_on}): {_short(r.information)}")
        for r in _pending_first(case.confidentiality_requests, lambda r: r.decided_on is None)),
    (Action.DECIDE_OBJECTION, "objection_id"): lambda case: tuple(
        Choice(str(o.id), f"#{o.id} {o.raised_by.zh}：{o.ground.zh}（{o.received_on}）",
               f"#{o.id} {o.raised_by.en}: {o.ground.en} ({o.received_on})")
        for o in _pending_first(case.objections, lambda o: o.decided_on is None)),
    (Action.DECIDE_RECUSAL, "request_id"): lambda case: tuple(
        Choice(str(r.id), f"#{r.id} {r.appointment.resource.name}（{r.received_on}）",
               f"#{r.id} {r.appointment.resource.name} ({r.received_on})")
        for r in _pending_first(case.recusal_requests, lambda r: r.decided_on is None)),
    **{(action, "obligation_id"): lambda case: tuple(
        Choice(str(o.id), f"#{o.id} {_short(o.description)}", f"#{o.id} {_short(o.description)}")
        for o in (case.agreement.obligations if case.agreement else []))
       for action in (Action.RECORD_MONITORING_UPDATE, Action.RECORD_INQUIRY)},
}


def with_roster(form: ActionForm, roster: Sequence[SupportResource]) -> ActionForm:
    """The form with the active support resources offered where an argument names one. No session
    (the caller reads the roster)."""
    choices = tuple(Choice(str(r.id), f"{r.name}（{r.kind.zh}）", f"{r.name} ({r.kind.en})")
                    for r in roster if r.active)
    fields = tuple(dataclasses.replace(f, choices=choices) if f.kind is FieldKind.CHOICE and not f.choices
                   and f.name == "resource" else f for f in form.fields)
    return dataclasses.replace(form, fields=fields)
