"""The tamper-evident audit trail: a hash chain per case.

Each event's hash covers its content and the previous event's hash, so changing,
removing or reordering any stored event breaks every hash after it.

A chain alone cannot show that its newest events were cut off, that the whole chain was deleted,
or that someone rewrote an event and recomputed every later hash (plain sha256 needs no key).
So each committed head is also anchored outside the database by a `Checkpointer` (the app layer
signs it: casedocs.checkpoints), and `verify_chain` checks the chain against its latest anchor.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import event as sa_event, select
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from cases.models import AuditEvent, utcnow

SYSTEM_CHAIN = "system"
GENESIS = "0" * 64
# session.info keys: the chains a unit of work appended to, and their heads as it commits.
_TOUCHED = "casedocs.audit.touched"
_HEADS = "casedocs.audit.heads"
_log = logging.getLogger(__name__)


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
    session.info.setdefault(_TOUCHED, set()).add(chain)
    return event


@dataclass(frozen=True)
class ChainHead:
    """What a checkpoint vouches for: the chain had `length` events, the last with hash `head`."""

    chain: str
    length: int
    head: str


@dataclass(frozen=True)
class Anchor:
    """A chain's latest checkpoint as read back; `problem` says why it cannot be trusted (its
    signature does not verify, an unknown key signed it), and then it anchors nothing."""

    head: ChainHead
    at: datetime
    problem: str | None = None


class Checkpointer(Protocol):
    """Anchors committed chain heads somewhere an attacker who can edit the database cannot."""

    def checkpoint(self, heads: Sequence[ChainHead]) -> None:
        """Record these heads, each only if it is newer (longer) than the chain's latest checkpoint."""

    def anchor(self, chain: str) -> Anchor | None:
        """The chain's latest checkpoint, or None when it has none."""

    def anchors(self) -> Mapping[str, Anchor]:
        """The latest checkpoint of every chain ever checkpointed, by chain name."""


def head(session: Session, chain: str) -> ChainHead:
    """The chain's current length and head hash as this session sees it. Caller's session."""
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain)
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()
    return ChainHead(chain, last.seq, last.hash) if last else ChainHead(chain, 0, GENESIS)


def extends(session: Session, current: ChainHead, anchor: Anchor | None) -> bool:
    """Whether the chain's head `current` extends its latest checkpoint: the checkpointed event is
    still there, unchanged, and no event after it is dated before the checkpoint. A checkpoint that does not is never replaced by a newer one, which would
    vouch for the cut or rewritten chain. Caller's session."""
    if anchor is None:
        return True
    if anchor.problem is not None or anchor.head.length > current.length:
        return False
    earliest_new = session.scalars(select(AuditEvent.at).where(AuditEvent.chain == current.chain,
                                                               AuditEvent.seq > anchor.head.length)
                                   .order_by(AuditEvent.at).limit(1)).first()
    if earliest_new is not None and _utc(earliest_new) < _utc(anchor.at) - BACKDATING_TOLERANCE:
        return False  # an event slipped in behind the checkpoint: verify_chain names it
    if anchor.head.length == 0:
        return True
    held = session.scalars(select(AuditEvent.hash).where(AuditEvent.chain == current.chain,
                                                         AuditEvent.seq == anchor.head.length)).first()
    return held == anchor.head.head


def anchor_commits(sessions: sessionmaker[Session], checkpointer: Checkpointer) -> None:
    """Checkpoint, after each commit of a session from `sessions`, the chains it appended to.

    The heads are read just before the commit, inside the transaction (so they are exactly what
    commits: the appending writer still holds the chain's lock), and handed to the checkpointer
    after it: a checkpoint never names an event that was rolled back. A crash between the two
    leaves the newest events without a checkpoint; verify_chain names them and the next commit on
    the chain covers them. A failing checkpointer is logged, not raised: the act has committed.
    """

    @sa_event.listens_for(sessions, "before_commit")
    def _read_heads(session: Session) -> None:
        if session.in_nested_transaction():
            return
        touched = session.info.pop(_TOUCHED, None)
        if not touched:
            return
        heads = session.info.setdefault(_HEADS, {})
        for chain in sorted(touched):
            try:
                current, anchor = head(session, chain), checkpointer.anchor(chain)
                if extends(session, current, anchor):
                    heads[chain] = current
                else:  # keep the evidence: the old checkpoint stays, audit verify names the chain
                    _log.warning("audit chain %s no longer holds its checkpoint: not checkpointed again "
                                 "(run `casedocs audit verify`)", chain)
            except Exception:
                _log.exception("audit chain %s: its head could not be read for its checkpoint", chain)

    @sa_event.listens_for(sessions, "after_commit")
    def _checkpoint(session: Session) -> None:
        heads = session.info.pop(_HEADS, None)
        if heads:
            try:
                checkpointer.checkpoint(list(heads.values()))
            except Exception:
                _log.exception("audit chains %s committed but not checkpointed", ", ".join(heads))

    @sa_event.listens_for(sessions, "after_transaction_end")
    def _forget(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # the unit of work ended (committed or rolled back)
            session.info.pop(_TOUCHED, None)
            session.info.pop(_HEADS, None)


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    first_broken_seq: int | None
    problem: str | None
    # How many events the chain's latest (trusted) checkpoint vouches for; when intact, the events
    # after those verify as a chain only.
    anchored: int = 0

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def chain_events(session: Session, chain: str) -> Sequence[AuditEvent]:
    """The chain's events in order. Caller's session, one query."""
    return session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)).all()


def verify_chain(session: Session, chain: str, anchor: Anchor | None = None,
                 events: Sequence[AuditEvent] | None = None) -> ChainReport:
    """Recompute the chain's hashes, then check it still holds its latest checkpoint's head:
    as many events at least, and the same hash at that length. `events`: the chain as the caller
    already read it (chain_events), so that a page showing them reads them once. Caller's session."""
    if events is None:
        events = chain_events(session, chain)
    anchored = anchor.head.length if anchor is not None and anchor.problem is None else 0

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(chain, len(events), seq, problem, anchored)

    previous = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return broken(expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != previous:
            return broken(event.seq, f"event {event.seq} ({event.action}) does not follow the event before it")
        if event_hash(event) != event.hash:
            return broken(event.seq, f"event {event.seq} ({event.action}) was altered after it was written")
        previous = event.hash
    if anchor is None:
        return ChainReport(chain, len(events), None, None)
    expected, when = anchor.head, f"{anchor.at:%Y-%m-%d %H:%M:%S} UTC"
    if anchor.problem is not None:
        return broken(1, f"its checkpoint of {when} cannot be trusted: {anchor.problem}")
    if not events and expected.length:
        return broken(1, f"the chain has no events, but its checkpoint of {when} vouches for {expected.length}")
    if len(events) < expected.length:
        missing = f"event {expected.length} is" if len(events) + 1 == expected.length \
            else f"events {len(events) + 1}-{expected.length} are"
        return broken(len(events) + 1, f"{missing} missing: its checkpoint of {when} vouches for "
                                       f"{expected.length} events")
    if expected.length and events[expected.length - 1].hash != expected.head:
        return broken(expected.length, f"event {expected.length} differs from its checkpoint of {when}: it or an "
                                       "event before it was rewritten and the later hashes recomputed")
    for event in events[expected.length:]:
        if _utc(event.at) < _utc(anchor.at) - BACKDATING_TOLERANCE:
            return broken(event.seq, f"event {event.seq} ({event.action}) is dated {_utc(event.at):%Y-%m-%d %H:%M:%S} "
                                     f"UTC, before the checkpoint of {when} that does not include it: it was added "
                                     "to the chain afterwards")
    return ChainReport(chain, len(events), None, None, anchored)


# An event committed but not yet checkpointed (a crash between the two) was written after the chain's
# latest checkpoint, give or take the milliseconds between a commit and its checkpoint and the clocks of
# several web workers. One written earlier than this before the checkpoint was slipped in afterwards.
# (An event forged with a current date cannot be told from a real one by its date: the published
# checkpoints, issue 13, are what a reader holds it against.)
BACKDATING_TOLERANCE = timedelta(seconds=60)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def verify_chains(session: Session, anchors: Mapping[str, Anchor], names: Sequence[str] | None = None
                  ) -> list[ChainReport]:
    """Verify the named chains (else every chain with events or a checkpoint: a deleted chain
    still has its checkpoint) against their checkpoints. Caller's session."""
    every = sorted(set(chains(session)) | set(anchors)) if names is None else names
    return [verify_chain(session, name, anchors.get(name)) for name in every]


def catch_up(session: Session, checkpointer: Checkpointer) -> list[str]:
    """Checkpoint every intact chain that has events no checkpoint covers (a database from before
    checkpoints; a crash between a commit and its checkpoint). A broken chain is left as it is,
    so that this never vouches for a forgery verify would name. Returns the chains checkpointed.
    Caller's session."""
    reports = verify_chains(session, checkpointer.anchors())
    behind = [r for r in reports if r.intact and r.anchored < r.events]
    checkpointer.checkpoint([head(session, r.chain) for r in behind])
    return [r.chain for r in behind]


def chains(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.chain).distinct().order_by(AuditEvent.chain)))
