"""Every value an item carries: what a rendering for an audience it is withheld from must not contain.

An exhibit is its title and its file name; an identity its name, address and contact (an agent's
organisation too); a claim its text and reasons; a field, a statement, an obligation or a monitoring
update its text; a confidentiality request its reasons, the information it describes and its duration (and
the decision's versions of each); an extension and a path switch its reason; a supplement request the
materials it asks for. Used to refuse publishing a withheld value (the public summary) and by leak tests.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cases.confidentiality.items import DecisionOf, IdentityRole, ItemKind, ItemRef, StatementOf, TextPart, check_item

if TYPE_CHECKING:
    from cases.models import Case, ConfidentialityRequest, Extension, Objection, PathPeriod, RecusalRequest


def values_of(case: Case, ref: ItemRef) -> list[str]:
    """The non-empty values `ref` names in `case` (a part: only that part's)."""
    check_item(case, ref)
    index = ref.index if ref.index is not None else 0
    found: dict[TextPart | None, str] = {}
    if ref.kind is ItemKind.EXHIBIT:
        exhibit = case.exhibits[index]
        return [v for v in (exhibit.title, exhibit.original_name) if v and v.strip()]
    elif ref.kind is ItemKind.IDENTITY:
        assert ref.side is not None
        side = case.side(ref.side)
        if ref.role is IdentityRole.MEMBER:
            member = side.members[index]
            values = [member.full_name, member.address, member.contact, member.other_info]
        elif ref.role is IdentityRole.AGENT:
            agent = side.agents[index]
            values = [agent.name, agent.organisation, agent.contact]
        else:
            representative = side.representatives[index]
            values = [representative.name, representative.contact]
        return [v for v in values if v and v.strip()]
    elif ref.kind is ItemKind.CLAIM:
        claim = case.claims[index]
        found = {TextPart.CLAIM: claim.claim, TextPart.REASONS: claim.reasons}
    elif ref.kind is ItemKind.FIELD:
        assert ref.field is not None
        owner = field_owner(case, ref.field.owner)
        found = {None: getattr(owner, ref.field.attribute) or ""}
    elif ref.kind is ItemKind.STATEMENT:
        if ref.of is StatementOf.OBJECTION:
            objection = case.objections[index]
            found = {TextPart.STATEMENT: objection.statement, TextPart.EVIDENCE: objection.evidence}
        elif ref.of is StatementOf.CONFIDENTIALITY:
            request = case.confidentiality_requests[index]
            found = {TextPart.REASONS: request.reason, TextPart.INFORMATION: request.information,
                     TextPart.DURATION: request.duration}
        else:
            found = {None: case.recusal_requests[index].reasons}
    elif ref.kind is ItemKind.OBLIGATION:
        assert case.agreement is not None
        obligation = case.agreement.obligations[index]
        found = {TextPart.DESCRIPTION: obligation.description, TextPart.INDICATORS: obligation.indicators}
    elif ref.kind is ItemKind.DECISION:
        assert isinstance(ref.of, DecisionOf)
        found = decision_texts(case, ref.of, index)
    elif ref.kind is ItemKind.TOOL:
        tool = case.tools[index]
        found = {TextPart.SCOPE: tool.scope, TextPart.FINDINGS: tool.findings or ""}
    elif ref.kind is ItemKind.EXTENSION:
        found = {None: extensions(case)[index].reason}
    elif ref.kind is ItemKind.SUPPLEMENT:
        found = {None: case.supplement_requests[index].items}
    elif ref.kind is ItemKind.SWITCH:
        found = {None: switches(case)[index].switch_reason or ""}
    else:
        found = {None: case.monitoring_updates[index].text}
    chosen = found.values() if ref.part is None else [found.get(ref.part, "")]
    return [v for v in chosen if v and v.strip()]


def field_owner(case: Case, owner: str) -> object | None:
    """The record a RecordField's owner names ("case", "agreement", "closure", "triage"), None if not yet made."""
    return {"case": case, "agreement": case.agreement, "closure": case.closure_report, "triage": case.triage}[owner]


def decided(case: Case, of: DecisionOf) -> Sequence[Objection | RecusalRequest | ConfidentialityRequest]:
    """The case's matters of `of`, in the order decision:OF:N counts them."""
    return case.objections if of is DecisionOf.OBJECTION else \
        case.recusal_requests if of is DecisionOf.RECUSAL else case.confidentiality_requests


def decision_texts(case: Case, of: DecisionOf, index: int) -> dict[TextPart | None, str]:
    """What the secretariat wrote deciding the `index`-th matter of `of` (empty before): its reasons, and for
    a confidentiality request (第六章第2.2条) the information and duration as decided, each its own part."""
    if of is not DecisionOf.CONFIDENTIALITY:
        return {None: decided(case, of)[index].decision_reason or ""}
    request = case.confidentiality_requests[index]
    return {TextPart.REASONS: request.decision_reason or "", TextPart.INFORMATION: request.decided_information or "",
            TextPart.DURATION: request.decided_duration or ""}


def extensions(case: Case) -> list[Extension]:
    """The case's extensions in the order they were made, the order extension:N counts them: each deadline
    keeps its own (第四章第二节第1-3条: the secretariat may extend a path's or a tool's time limit), and a later
    extension of an earlier deadline must not renumber the others."""
    return sorted((e for deadline in case.deadlines for e in deadline.extensions), key=lambda e: e.id)


def switches(case: Case) -> list[PathPeriod]:
    """The path periods a switch opened (第四章第二节第4条), in order: switch:N is the (N+1)-th period, the first
    being the path the sides agreed at triage."""
    return list(case.path_periods[1:])


def mentions(text: str, secret: str) -> bool:
    """Whether published text repeats a protected passage (or a long stretch of it)."""
    secret = secret.strip()
    if not secret:
        return False
    if secret in text:
        return True
    window = 12  # characters: long enough to be the secret, short enough to catch a paraphrased cut
    return len(secret) > window and any(secret[i:i + window] in text for i in range(len(secret) - window + 1))
