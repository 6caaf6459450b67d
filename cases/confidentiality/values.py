"""Every value an item carries: what a rendering for an audience it is withheld from must not contain.

An exhibit is its title and its file name; an identity its name, address and contact (an agent's
organisation too); a claim its text and reasons; a field, a statement, an obligation or a monitoring
update its text. Used to refuse publishing a withheld value (the public summary) and by leak tests.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cases.confidentiality.items import DecisionOf, IdentityRole, ItemKind, ItemRef, StatementOf, TextPart, check_item

if TYPE_CHECKING:
    from cases.models import Case, ConfidentialityRequest, Objection, RecusalRequest


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
            found = {None: case.confidentiality_requests[index].reason}
        else:
            found = {None: case.recusal_requests[index].reasons}
    elif ref.kind is ItemKind.OBLIGATION:
        assert case.agreement is not None
        obligation = case.agreement.obligations[index]
        found = {TextPart.DESCRIPTION: obligation.description, TextPart.INDICATORS: obligation.indicators}
    elif ref.kind is ItemKind.DECISION:
        assert isinstance(ref.of, DecisionOf)
        found = {None: decision_reason(case, ref.of, index)}
    elif ref.kind is ItemKind.TOOL:
        tool = case.tools[index]
        found = {TextPart.SCOPE: tool.scope, TextPart.FINDINGS: tool.findings or ""}
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


def decision_reason(case: Case, of: DecisionOf, index: int) -> str:
    """The reasons the secretariat wrote for its decision on the `index`-th matter of `of` (empty before)."""
    return decided(case, of)[index].decision_reason or ""


def mentions(text: str, secret: str) -> bool:
    """Whether published text repeats a protected passage (or a long stretch of it)."""
    secret = secret.strip()
    if not secret:
        return False
    if secret in text:
        return True
    window = 12  # characters: long enough to be the secret, short enough to catch a paraphrased cut
    return len(secret) > window and any(secret[i:i + window] in text for i in range(len(secret) - window + 1))
