"""What a party does itself through the portal (issue 12), and an application filed online.

A party's act is one of the procedure engine's actions (cases.procedure), taken through the same
`acts.take_action` as the console and `casedocs case act`, with its form generated from the action's
typed signature (casedocs.services.forms). Only three things are the portal's own, and none is a rule
of the procedure:

- which actions a party may take at all, and for which side (`PARTY_ACTS`): answering the invitation
  is the respondent's (第四章第一节第1.2条), supplementary materials the applicant's (第三章第3条); the
  rights of 第六章 (confidentiality, objection, recusal) belong to either side;
- the side and the date are not asked: the side is the one the party's grant speaks for, the date is
  today (a party acts now; only the secretariat records an act of another day);
- a consent (to the path and tools, a tool, an appointment: 第二章第3.3条, 第四章第二节) is one side's
  half of an act the secretariat takes with both: the engine is asked whether the act would be
  allowed with both consents (on a savepoint rolled back), and the consent is recorded in the audit
  chain for the secretariat to act on.
"""
from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cases.application import parse_application
from cases.confidentiality.audiences import Audience
from cases.confidentiality.items import IdentityRole, ItemRef, RecordField
from cases.errors import InvalidInputError, ProcedureError
from cases.instruments import InstrumentId
from cases.models import Case
from cases.procedure import Action, Procedure
from cases.vocabulary import SideRole
from casedocs.jobs import JobContext, job
from casedocs.services import acts, forms, rendering
from casedocs.services.forms import ActionForm, Choice, FieldKind, FormField
from docgen.locale import Edition
from docgen.service import Request

# Arguments a party never gives: the day (today), how the secretariat sends (a party sends nothing),
# the consents (its own is the act itself).
_NOT_ASKED = frozenset({"on", "channel", "consents"})
APPLICATION_PDF = "public.application_form"  # the job that renders the application form to keep


class PartyAct(StrEnum):
    """The acts of 第十二号议题 "Acts a party can take", each one engine action."""

    RESPOND = "respond"
    CONFIDENTIALITY = "confidentiality"
    OBJECTION = "objection"
    RECUSAL = "recusal"
    CONSENT_PATH = "consent_path"
    CONSENT_TOOL = "consent_tool"
    CONSENT_APPOINTMENT = "consent_appointment"
    SUPPLEMENT = "supplement"


@dataclass(frozen=True)
class PartyActRule:
    action: Action
    side_argument: str | None         # the argument that names the acting side, set from the grant
    only: SideRole | None = None      # the one side that may take it (None: either)
    consent: bool = False             # one side's consent to an act the secretariat takes with both


PARTY_ACTS: dict[PartyAct, PartyActRule] = {
    PartyAct.RESPOND: PartyActRule(Action.RECORD_RESPONSE, None, only=SideRole.RESPONDENT),
    PartyAct.CONFIDENTIALITY: PartyActRule(Action.REQUEST_CONFIDENTIALITY, "requested_by"),
    PartyAct.OBJECTION: PartyActRule(Action.RAISE_OBJECTION, "raised_by"),
    PartyAct.RECUSAL: PartyActRule(Action.REQUEST_RECUSAL, "raised_by"),
    PartyAct.CONSENT_PATH: PartyActRule(Action.AGREE_PATH, None, consent=True),
    PartyAct.CONSENT_TOOL: PartyActRule(Action.START_TOOL, "requested_by", consent=True),
    PartyAct.CONSENT_APPOINTMENT: PartyActRule(Action.APPOINT, "requested_by", consent=True),
    PartyAct.SUPPLEMENT: PartyActRule(Action.RECORD_SUPPLEMENT, None, only=SideRole.APPLICANT),
}


class WrongSide(InvalidInputError):
    """The act belongs to the other side (the refusal names whose it is)."""


def party_act(name: str) -> PartyAct:
    """The act called `name`, or InvalidInputError. No session."""
    try:
        return PartyAct(name)
    except ValueError:
        raise InvalidInputError(f"unknown act {name!r}; valid: {', '.join(a.value for a in PartyAct)}") from None


def acts_for(side: SideRole, allowed: frozenset[Action]) -> list[tuple[PartyAct, bool]]:
    """The acts this side may take, each with whether the case's stage allows it now. No session."""
    return [(act, rule.action in allowed) for act, rule in PARTY_ACTS.items() if rule.only in (None, side)]


def party_form(act: PartyAct, case: Case, side: SideRole, roster: Any = ()) -> ActionForm:
    """The action's generated form without what a party does not give (its side, the day, the
    channel, the consents), the items of a confidentiality request offered from the case. No session
    (the case as loaded)."""
    rule = PARTY_ACTS[act]
    form = forms.with_roster(forms.action_form(rule.action, case), roster)
    hidden = _NOT_ASKED | ({rule.side_argument} if rule.side_argument else set())
    fields = tuple(_picker(f, case, side) if f.name == "items" else f for f in form.fields if f.name not in hidden)
    return dataclasses.replace(form, fields=fields)


def _picker(item: FormField, case: Case, side: SideRole) -> FormField:
    """The items a side may name (cases.confidentiality.items): the exhibits it gave, the identities
    of its own side, the claims and the facts. The engine checks each against the case again."""
    choices: list[Choice] = []
    for index, exhibit in enumerate(case.exhibits):
        if exhibit.submitted_by is side:
            choices.append(Choice(str(ItemRef.exhibit(index)), f"证据材料：{exhibit.title}", f"Exhibit: {exhibit.title}"))
    own = case.side(side)
    for role, people in ((IdentityRole.MEMBER, own.members), (IdentityRole.AGENT, own.agents),
                         (IdentityRole.REPRESENTATIVE, own.representatives)):
        for index, person in enumerate(people):
            name = getattr(person, "full_name", None) or getattr(person, "name", "")
            choices.append(Choice(str(ItemRef.identity(side, index, role)), f"身份信息（{role.zh}）：{name}",
                                  f"Identity ({role.en}): {name}"))
    for index, claim in enumerate(case.claims):
        choices.append(Choice(str(ItemRef.claim(index)), f"诉求：{forms._short(claim.claim)}",
                              f"Claim: {forms._short(claim.claim)}"))
    if case.facts:
        choices.append(Choice(str(ItemRef.record_field(RecordField.FACTS)), "事实", "Facts"))
    return FormField(item.name, FieldKind.CHOICES, item.required, choices=tuple(choices))


def take(proc: Procedure, number: str, act: PartyAct, sides: frozenset[SideRole], given: Mapping[str, str]) \
        -> acts.ActDone:
    """Take the act for the side the grant speaks for, dated today. A consent is checked by the engine
    as the act taken with both consents, undone, and recorded as this side's consent. Raises
    WrongSide, ProcedureError (the engine's refusal) or InvalidInputError; nothing is recorded then.
    Caller's session (the view's unit of work)."""
    rule = PARTY_ACTS[act]
    side = acting_side(act, sides)
    hidden = _NOT_ASKED | ({rule.side_argument} if rule.side_argument else set())
    given = {k: v for k, v in given.items() if k not in hidden}  # never from the form
    if rule.side_argument:
        given[rule.side_argument] = side.value
    given["on"] = proc.today().isoformat()
    if rule.consent:
        return _consent(proc, number, rule.action, side, given)
    with tempfile.TemporaryDirectory() as nowhere:
        return acts.take_action(proc, number, rule.action, given, Path(nowhere), literal_text=True)


def acting_side(act: PartyAct, sides: frozenset[SideRole]) -> SideRole:
    """The side the party acts for in this act; WrongSide when the act is the other side's."""
    rule = PARTY_ACTS[act]
    if rule.only is not None:
        if rule.only not in sides:
            raise WrongSide(f"only the {rule.only.en.lower()} can take this act "
                            f"({rule.only.zh}方的行为)")
        return rule.only
    return min(sides)


_CONSENTS: dict[Action, tuple[str, str]] = {
    Action.AGREE_PATH: ("处理路径及工具", "the path and tools"),
    Action.START_TOOL: ("启用工具", "the use of a tool"),
    Action.APPOINT: ("委任", "an appointment"),
}


def _consent(proc: Procedure, number: str, action: Action, side: SideRole, given: dict[str, str]) -> acts.ActDone:
    from cases import audit

    both = json.dumps([s.value for s in SideRole])
    savepoint = proc.session.begin_nested()
    try:
        with tempfile.TemporaryDirectory() as nowhere:
            acts.take_action(proc, number, action, {**given, "consents": both}, Path(nowhere), literal_text=True)
    finally:
        savepoint.rollback()  # only the question was asked: the act is the secretariat's
    proc.session.expire_all()
    case = proc.get_case(number)
    terms = {k: v for k, v in given.items() if k not in ("on", "requested_by")}
    what = _CONSENTS[action]
    audit.append(proc.session, case.number, proc.actor, "party_consent", on=proc.today(),
                 detail={"side": side.value, "to": action.value, "what_zh": what[0], "what_en": what[1],
                         "terms": terms})
    return acts.ActDone(case.number, action, case.stage.value, None)


@dataclass(frozen=True)
class Consent:
    """One side's consent given through the portal, as the console reads it back."""

    on: date | None  # the day it was given
    side: SideRole
    to: Action
    what_zh: str
    what_en: str
    terms: dict[str, str]
    acted_on: bool  # the secretariat took that act since


def consents(session: Session, number: str) -> list[Consent]:
    """The consents the sides gave through the portal, oldest first, each marked once the secretariat
    has taken the act since: the secretariat takes the act with both sides' consents (第二章第3.3条,
    第四章第二节), so its case page shows what each side consented to. Caller's session."""
    from cases import audit

    events = audit.chain_events(session, number)
    found = []
    for index, event in enumerate(events):
        if event.action != "party_consent":
            continue
        to = Action(event.detail["to"])
        found.append(Consent(event.on, SideRole(event.detail["side"]), to, str(event.detail["what_zh"]),
                             str(event.detail["what_en"]), {str(k): str(v) for k, v in event.detail["terms"].items()},
                             any(later.action == to.value for later in events[index + 1:])))
    return found


# -- applying online ---------------------------------------------------------------------------

def check_online(document: dict[str, Any]) -> None:
    """Refuse, naming every problem, an application that would not be filed. No session."""
    parse_application(json.dumps(document, ensure_ascii=False))


def file_online(proc: Procedure, document: dict[str, Any]) -> Case:
    """File an application sent from the public form: the JSON document `casedocs case import` reads
    (files inline), checked by the same `parse_application` (no anonymous application, who applies
    against whom: 第三章第1-2条). Caller's session."""
    form = parse_application(json.dumps(document, ensure_ascii=False))
    with tempfile.TemporaryDirectory() as nowhere:
        return proc.file_application(form, base_dir=Path(nowhere))


@job(APPLICATION_PDF)
def application_pdf_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """The application form as the applicant's rendering (issue 11: what the applicant may read), to
    keep: a PDF in the language the applicant applied in."""
    ctx.progress(0.1, "rendering")
    with ctx.app.documents(actor=ctx.who) as (proc, docs):
        request = Request(InstrumentId.APPLICATION_FORM.value, Edition.parse(params["edition"]), None,
                          audience=Audience.APPLICANT)
        rendered, _data = rendering.render(docs, proc.get_case(params["case"]), request, "pdf")
        proc.session.flush()
        assert rendered.pdf_version is not None
        return {"file": rendered.pdf_version.id, "instrument": InstrumentId.APPLICATION_FORM.value,
                "edition": params["edition"], "verification_code": rendered.code}


def application_pdf(session: Any, store: Any, number: str, version_id: int) -> bytes:
    """The bytes of the application form rendered by the job for case `number` (checked to be that
    case's application form, so that a receipt opens nothing else). Caller's session."""
    from cases.errors import NotFoundError
    from cases.models import DocumentVersion

    version = session.get(DocumentVersion, version_id)
    if version is None or version.instrument != InstrumentId.APPLICATION_FORM.value or version.case.number != number:
        raise NotFoundError(f"no application form {version_id} for {number}")
    data: bytes = store.get(version.sha256)
    return data


__all__ = ["APPLICATION_PDF", "Consent", "PARTY_ACTS", "PartyAct", "ProcedureError", "WrongSide", "acting_side", "acts_for", "check_online", "consents",
           "file_online", "party_act", "party_form", "take"]
