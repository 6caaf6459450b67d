"""Read models of a case: what `case show`, the demo and the web pages display."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import tracker
from cases.events import phrase
from cases.instruments import get_instrument
from cases.confidentiality.withholding import outcome
from cases.models import AuditEvent, Case, ConfidentialityRequest
from cases.procedure.core import allowed_actions
from cases.rules import get_rule
from cases.vocabulary import (
    AppointmentRole,
    ObjectionOutcome,
    ObligationStatus,
    Path,
    RiskLevel,
    SideRole,
    TerminationGround,
    ToolKind,
)


@dataclass(frozen=True)
class TimelineEntry:
    on: date | None
    seq: int
    actor: str
    action: str
    text: str


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _label(enum_cls: Any, lang: str) -> Callable[[str], str]:
    return lambda v: enum_cls(v).zh if lang == "zh" else enum_cls(v).en.lower()


def _labelled(lang: str) -> dict[str, Callable[[str], str]]:
    """Detail keys whose stored values are vocabulary ids, shown by their labels."""
    zh = lang == "zh"
    return {
        "instrument": lambda v: get_instrument(v).zh if zh else get_instrument(v).en,
        "path": _label(Path, lang), "from_path": _label(Path, lang), "to_path": _label(Path, lang),
        "kind": _label(ToolKind, lang), "role": _label(AppointmentRole, lang),
        "ground": _label(TerminationGround, lang) if zh else (lambda v: v.replace("_", " ")),
        "outcome": _label(ObjectionOutcome, lang), "status": _label(ObligationStatus, lang),
        "level": _label(RiskLevel, lang), "side": _label(SideRole, lang), "requested_by": _label(SideRole, lang),
        "raised_by": lambda v: SideRole(v).zh if zh else v,
        "rule": lambda v: _rule_name(v, zh),
        "new_due": lambda v: _date_text(v, zh), "second_invitation_due": lambda v: _date_text(v, zh),
        "due": lambda v: _date_text(v, zh), "previous_due": lambda v: _date_text(v, zh),
        "unit": (lambda v: {"months": "个月", "working_days": "个工作日", "calendar_days": "日"}.get(v, v)) if zh
        else (lambda v: v.replace("_", " ")),
        "accepts": (lambda v: "是" if v else "否") if zh else (lambda v: v),
        "granted": (lambda v: "是" if v else "否") if zh else (lambda v: v),
        "recused": (lambda v: "是" if v else "否") if zh else (lambda v: v),
    }


def _rule_name(rule_id: str, zh: bool) -> str:
    """A path or tool by its name; any other time limit by what it requires."""
    for enum_cls in (Path, ToolKind):
        try:
            member = enum_cls(rule_id)
            return member.zh if zh else member.en
        except ValueError:
            continue
    return get_rule(rule_id).what_zh if zh else rule_id.replace("_", " ")


def _date_text(iso: str, zh: bool) -> str:
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日" if zh else iso


def _shown(labelled: dict[str, Callable[[Any], Any]], key: str, value: Any) -> Any:
    if key in labelled and (isinstance(value, (str, bool))):
        try:
            return labelled[key](value)
        except ValueError:
            return value
    return value


def describe(action: str, detail: dict[str, Any], lang: str = "en") -> str:
    """One event of the audit trail as a sentence, in English or Chinese."""
    pattern = phrase(action, lang)
    if pattern is None:
        return action.replace("_", " ")
    labelled = _labelled(lang)
    try:
        text = pattern.format(**{k: _shown(labelled, k, v) for k, v in detail.items()})
    except (KeyError, IndexError):
        return action.replace("_", " ")
    return text[:1].upper() + text[1:]


def timeline(session: Session, case: Case, lang: str = "en",
             events: Sequence[AuditEvent] | None = None) -> list[TimelineEntry]:
    """The case's events in the reader's language, by business date. `events`: the chain as the
    caller already read it (cases.audit.chain_events)."""
    if events is None:
        events = session.scalars(select(AuditEvent).where(AuditEvent.chain == case.number)
                                 .order_by(AuditEvent.seq)).all()
    entries = [TimelineEntry(e.on, e.seq, e.actor, e.action, describe(e.action, e.detail, lang)) for e in events]
    return sorted(entries, key=lambda e: (e.on or date.max, e.seq))


def _confidentiality(case: Case, r: ConfidentialityRequest) -> dict[str, Any]:
    """A request with, since issue 11, its reference, the items named and kept, and the duration in force
    (the decision's once decided, else the one asked)."""
    decided = r.decided_on is not None
    stage = r.decided_release_at_stage if decided else r.release_at_stage
    return {"id": r.id, "requested_by": r.requested_by.value, "audience": r.audience,
            "received_on": _d(r.received_on), "decided_on": _d(r.decided_on), "granted": r.granted,
            "withheld_from": r.withheld_from, "reference": f"{case.number}/C-{r.sequence}",
            "outcome": outcome(r).value, "items": [str(i) for i in r.items],
            "decided_items": [str(i) for i in r.decided_items],
            "release_after": _d(r.decided_release_after if decided else r.release_after),
            "release_at_stage": stage.value if stage else None, "released_on": _d(r.released_on)}


def case_as_dict(session: Session, case: Case, today: date) -> dict[str, Any]:
    return {
        "number": case.number,
        "title": case.title,
        "stage": {"id": case.stage.value, "zh": case.stage.zh, "en": case.stage.en},
        "allowed_actions": sorted(a.value for a in allowed_actions(case.stage)),
        "received_on": _d(case.received_on),
        "region": case.region, "country": case.country, "industry": case.industry,
        "issue_types": case.issue_types,
        "facts": case.facts,
        "path": case.path.value if case.path else None,
        "launched_on": _d(case.launched_on),
        "termination_ground": case.termination_ground.value if case.termination_ground else None,
        "terminated_on": _d(case.terminated_on),
        "closed_on": _d(case.closed_on),
        "sides": [{
            "role": side.role.value,
            "members": [{"category": m.category.value, "full_name": m.full_name, "address": m.address,
                         "contact": m.contact} for m in side.members],
            "agents": [{"name": a.name, "organisation": a.organisation, "contact": a.contact,
                        "power_of_attorney_sha256": a.power_of_attorney.sha256} for a in side.agents],
            "representatives": [{"name": r.name, "contact": r.contact} for r in side.representatives],
        } for side in case.sides],
        "claims": [{"claim": c.claim, "reasons": c.reasons} for c in case.claims],
        "standards": [{"standard": s.standard.value, "name": s.name or s.standard.en, "clauses": s.clauses}
                      for s in case.standards],
        "exhibits": [{"title": e.title, "kind": e.kind, "original_name": e.original_name,
                      "media_type": e.media_type, "sha256": e.sha256, "size": e.size,
                      "submitted_on": _d(e.submitted_on)} for e in case.exhibits],
        "deliveries": [{"instrument": d.instrument, "addressee": d.addressee,
                        "side": d.addressee_side.value if d.addressee_side else None, "channel": d.channel.value,
                        "sent_on": _d(d.sent_on), "delivered_on": _d(d.delivered_on)} for d in case.deliveries],
        "deadlines": [tracker.view(case, d, today).as_json() for d in case.deadlines],
        "path_periods": [{"path": p.path.value, "started_on": _d(p.started_on), "ended_on": _d(p.ended_on),
                          "due": _d(p.deadline.due_on), "extensions": len(p.deadline.extensions)}
                         for p in case.path_periods],
        "tools": [{"kind": t.kind.value, "requested_by": t.requested_by.value, "started_on": _d(t.started_on),
                   "completed_on": _d(t.completed_on), "due": _d(t.deadline.due_on),
                   "industry_wide": t.industry_wide} for t in case.tools],
        "appointments": [{"id": a.id, "name": a.resource.name, "role": a.role.value,
                          "appointed_on": _d(a.appointed_on), "ended_on": _d(a.ended_on),
                          "end_reason": a.end_reason} for a in case.appointments],
        "confidentiality_requests": [_confidentiality(case, r) for r in case.confidentiality_requests],
        "objections": [{"id": o.id, "raised_by": o.raised_by.value, "ground": o.ground.value,
                        "received_on": _d(o.received_on), "decided_on": _d(o.decided_on),
                        "outcome": o.outcome.value if o.outcome else None, "measures": o.measures}
                       for o in case.objections],
        "recusal_requests": [{"id": r.id, "appointee": r.appointment.resource.name,
                              "raised_by": r.raised_by.value if r.raised_by else "appointee",
                              "received_on": _d(r.received_on), "decided_on": _d(r.decided_on),
                              "recused": r.recused} for r in case.recusal_requests],
        "agreement": None if case.agreement is None else {
            "signed_on": _d(case.agreement.signed_on),
            "obligations": [{"id": o.id, "obligor": o.obligor.value, "obligee": o.obligee.value,
                             "description": o.description, "due_on": _d(o.due_on), "indicators": o.indicators,
                             "status": o.status.value} for o in case.agreement.obligations],
        },
        "monitoring_updates": [{"obligation": u.obligation_id, "monitor": u.monitor, "reported_on": _d(u.reported_on),
                                "status": u.status.value, "text": u.text} for u in case.monitoring_updates],
        "events": [{"on": _d(e.on), "seq": e.seq, "actor": e.actor, "action": e.action, "text": e.text}
                   for e in timeline(session, case)],
    }


def deadline_table(case: Case, today: date) -> list[str]:
    """One line per deadline: rule, basis, trigger, due, closed, status."""
    lines = []
    for deadline in case.deadlines:
        item = tracker.view(case, deadline, today)
        closed = f"done {_d(item.closed_on)}" if item.closed_on else "open"
        flags = " PROVISIONAL" if item.provisional else ""
        flags += f" (+{item.extensions} extension)" if item.extensions else ""
        subject = f" [{item.subject}]" if item.subject else ""
        lines.append(f"{item.rule + subject:<44} {get_rule(item.rule).limit.basis_en:<17} "
                     f"from {item.trigger_on}  due {item.due_on}  {closed:<16} {item.status.value.upper()}{flags}")
    return lines
