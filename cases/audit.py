"""The tamper-evident audit trail: a hash chain per case.

Each event's hash covers its content and the previous event's hash, so changing,
removing or reordering any stored event breaks every hash after it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import AuditEvent, utcnow

SYSTEM_CHAIN = "system"
GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "chain": event.chain,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "on": event.on.isoformat() if event.on else None,
        "detail": event.detail,
        "prev": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _jsonable(value: Any) -> Any:
    """Details are stored as JSON; dates and enums become their string forms."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def append(session: Session, chain: str, actor: str, action: str, *,
           on: date | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEvent:
    last = session.scalars(
        select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq.desc()).limit(1)
        .with_for_update()
    ).first()
    event = AuditEvent(
        chain=chain,
        seq=(last.seq + 1) if last else 1,
        at=at or utcnow(),
        actor=actor,
        action=action,
        on=on,
        detail=_jsonable(detail or {}),
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    first_broken_seq: int | None
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(session: Session, chain: str) -> ChainReport:
    events = session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)).all()
    previous = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainReport(chain, len(events), expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != previous:
            return ChainReport(chain, len(events), event.seq,
                               f"event {event.seq} ({event.action}) does not follow the event before it")
        if event_hash(event) != event.hash:
            return ChainReport(chain, len(events), event.seq,
                               f"event {event.seq} ({event.action}) was altered after it was written")
        previous = event.hash
    return ChainReport(chain, len(events), None, None)


def chains(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.chain).distinct().order_by(AuditEvent.chain)))
