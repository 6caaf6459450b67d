"""A case's audit trail as the console shows it: every event in the reader's language, and whether
the chain holds against its latest checkpoint (cases.audit)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases import audit
from cases.models import AuditEvent
from cases.views import describe


@dataclass(frozen=True)
class AuditTrail:
    rows: list[tuple[AuditEvent, str]]  # each event and what it says in the reader's language
    report: audit.ChainReport
    anchor: audit.Anchor | None


def audit_trail(session: Session, number: str, lang: str, checkpoints: audit.Checkpointer) -> AuditTrail:
    """The chain of case `number`, read once, verified and told. Caller's session."""
    events = audit.chain_events(session, number)
    anchor = checkpoints.anchor(number)
    return AuditTrail([(e, describe(e.action, e.detail, lang)) for e in events],
                      audit.verify_chain(session, number, anchor, events), anchor)
