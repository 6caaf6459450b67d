"""How far the record has come: a fingerprint that moves whenever something a reader is shown of a
case (or of the whole record) changes, read with one query.

Why it can be this small: every act on a case appends to the case's audit chain (an act happens
completely or not at all, its event with it), and the only records made without an event are the
renderings of drafts, which are document versions with ids of their own. So the newest event of the
chain and the newest document version of the case together change whenever the case's page, its
JSON or its documents would. Pages built from a fingerprint are still only kept for a short time
(web.pagecache): what no act records — a row edited with plain SQL, which the audit status exists to
reveal — shows up within that time.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.models import AuditEvent, Case, DocumentVersion


@dataclass(frozen=True, order=True)
class Revision:
    """The newest audit event and the newest document version in scope (0 when there is none)."""

    event: int
    file: int


def case_revision(session: Session, number: str) -> Revision:
    """The revision of one case (its chain is named by its number). Caller's session, one query."""
    newest_event = select(func.coalesce(func.max(AuditEvent.id), 0)).where(AuditEvent.chain == number)
    newest_file = select(func.coalesce(func.max(DocumentVersion.id), 0)) \
        .where(DocumentVersion.case_id == select(Case.id).where(Case.number == number).scalar_subquery())
    event, file = session.execute(select(newest_event.scalar_subquery(), newest_file.scalar_subquery())).one()
    return Revision(int(event), int(file))


def record_revision(session: Session) -> Revision:
    """The revision of the whole record (every chain and every case). Caller's session, one query."""
    event, file = session.execute(select(
        select(func.coalesce(func.max(AuditEvent.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(DocumentVersion.id), 0)).scalar_subquery())).one()
    return Revision(int(event), int(file))
