"""A request that changes the record, answered once per key (cases/submissions.py): the first time
it is done and its answer kept in the same transaction; a retry with the same key gets the kept
answer; the same key sent with a different request is refused, naming the problem.

Answers are kept for `KEPT_FOR` (a day: far longer than any retry of a lost answer, a reload or a
double click), then forgotten, so that the table stays small.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cases.errors import InvalidInputError
from cases.models import utcnow
from cases.submissions import Submission

KEPT_FOR = timedelta(days=1)
MAX_KEY_LENGTH = 100


class KeyReused(InvalidInputError):
    """The key was already used for a different request."""


@dataclass(frozen=True)
class Sent:
    """One request as its sender identified it: whose, which key, to where, and what it carried."""

    account_id: int
    key: str
    route: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    status: int
    location: str = ""
    body: str = ""


def fingerprint(route: str, parts: Iterable[bytes]) -> str:
    """sha256 of what was sent to `route` (the body, or the form's fields in order)."""
    digest = hashlib.sha256(route.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str) -> str:
    """A key as a sender may give it: printable ASCII, at most MAX_KEY_LENGTH characters."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInputError(f"the idempotency key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters")
    return key


@dataclass(frozen=True)
class Kept:
    answer: Answer
    same_request: bool  # False: the key came back with something else sent under it


def kept(session: Session, sent: Sent) -> Kept | None:
    """What was kept for this key, or None when it was not used yet (or was forgotten). Caller's session."""
    row = session.scalars(select(Submission).where(Submission.account_id == sent.account_id,
                                                   Submission.key == sent.key)).first()
    if row is None or row.created_at < utcnow() - KEPT_FOR:
        return None
    return Kept(Answer(row.status, row.location, row.body),
                row.route == sent.route and row.fingerprint == sent.fingerprint)


def answered(session: Session, sent: Sent) -> Answer | None:
    """The answer kept for this key, or None. Raises KeyReused when the key was used for another
    request. Caller's session."""
    found = kept(session, sent)
    if found is None:
        return None
    if not found.same_request:
        raise KeyReused(f"the idempotency key {sent.key!r} was already used for a different request; "
                        "send a new key with each new request")
    return found.answer


def remember(session: Session, sent: Sent, answer: Answer) -> None:
    """Keep `answer` for the key, in the caller's session: it commits with the act it answers for
    (two copies sent at once: the second's commit fails on the unique key, its act with it).
    Answers older than KEPT_FOR go at the same time."""
    session.execute(delete(Submission).where(Submission.created_at < utcnow() - KEPT_FOR))
    session.add(Submission(account_id=sent.account_id, key=sent.key, route=sent.route, fingerprint=sent.fingerprint,
                           status=answer.status, location=answer.location[:300], body=answer.body))
    session.flush()
