"""The secretariat's signing desk: what every signing service needs, and what they share.

Every revision of an issued document is stored write-once (content-addressed) and recorded as an
immutable document version; the `SignedDocument` row holds the latest revision and is the
compare-and-swap point that serialises concurrent signers.

Every signing act (a signature, a monitoring update, a freeze) goes through `act`, which records
the act whole or not at all: its new revisions and everything they mean (the field signed, the
slot used, the document frozen, the audit events) commit in one transaction (issue 9).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from cases import audit
from cases.crashpoints import NO_CRASH_POINTS, CrashPoints
from cases.db import Database
from cases.documents import record_version
from cases.errors import CaseError, NotFoundError
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import Case, DocumentVersion, SignedDocument
from cases.store import BlobStore
from casedocs.config import DEFAULT_MONITORING_SLOTS
from signing import PKI, ConcurrentModification, SigningEnv
from signing.pdfdoc import ensure_appended
from signing.serialise import document_lock


class SigningError(CaseError):
    """A signing act the record refuses (wrong document, wrong person, nothing left to sign)."""


@dataclass(frozen=True)
class Desk:
    """The desk of one data directory, with the mechanism's keys unlocked (App.desk builds it)."""

    db: Database
    blobs: BlobStore
    pki: PKI
    env: SigningEnv
    actor: str
    today: Callable[[], date]
    monitoring_slots: int = DEFAULT_MONITORING_SLOTS
    crash_points: CrashPoints = field(default=NO_CRASH_POINTS, compare=False)

    def acting_as(self, actor: str) -> "Desk":
        return replace(self, actor=actor)


def pki_dir(data_dir: Path) -> Path:
    """Where a data directory keeps the mechanism's CA, trusted roots and published CRLs. No session."""
    return data_dir / "pki"


def open_pki(directory: Path, passphrase: str, *, create: bool = False) -> PKI:
    """The certificate authority in `directory`, its keys unlocked; created when asked and absent.
    No session."""
    if not (directory / "pki.json").exists():
        if not create:
            raise SigningError(f"no certificate authority in {directory}: run `casedocs init`")
        return PKI.create(directory, passphrase)
    return PKI.open(directory, passphrase)


def audit_event(desk: Desk, session: Session, chain: str, action: str, actor: str | None = None, /,
                **detail: object) -> None:
    """One audit event on `chain`, dated today. Caller's session."""
    audit.append(session, chain, actor or desk.actor, action, on=desk.today(), detail=detail)


def audit_revision(desk: Desk, session: Session, document: SignedDocument, version: DocumentVersion | None,
                   action: str, actor: str, **detail: object) -> None:
    """An audit event on the document's case naming one of its revisions (`version`; None: the
    latest). Caller's session."""
    case = session.get(Case, document.case_id)
    assert case is not None
    audit_event(desk, session, case.number, action, actor, document=document.id, instrument=document.instrument,
                edition=document.edition, revision=version.revision if version else document.revision,
                sha256=version.sha256 if version else document.latest_sha256, **detail)


def get_document(session: Session, document_id: int) -> SignedDocument:
    """The issued document, or NotFoundError. Caller's session."""
    document = session.get(SignedDocument, document_id)
    if document is None:
        raise NotFoundError(f"no issued document number {document_id}")
    return document


def latest(desk: Desk, document_id: int) -> bytes:
    """The document's latest revision (the bytes to hand out); CaseError when the stored file is
    missing or corrupted. Own sessions."""
    with desk.db.session() as session:
        return desk.blobs.get(get_document(session, document_id).latest_sha256)


@dataclass(frozen=True)
class Revision:
    """A revision an act appends to a document: its bytes and the kind of act that made it."""

    data: bytes
    stage: VersionStage


@dataclass(frozen=True)
class Appended:
    """A document inside the transaction of the act that appended `versions` to it (oldest first)."""

    document: SignedDocument
    versions: list[DocumentVersion]


# (document id, its latest bytes) -> the revisions to append, each an incremental update of the one before.
Compute = Callable[[int, bytes], list[Revision]]
# (the act's session, the documents as appended) -> record what the act means: slots, counts, states, audit.
Record = Callable[[Session, list[Appended]], None]


def act(desk: Desk, actor: str, document_ids: Sequence[int], compute: Compute, record: Record, *,
        retries: int = 3) -> list[Appended]:
    """One signing act on one or more open documents, recorded whole or not at all. Own sessions.

    Under each document's lock (taken in id order, so two acts never wait on each other crosswise):
    read the latest revisions; compute the new ones (signing, time-stamping: the slow part, outside
    any transaction); store their bytes (write-once and content-addressed, so bytes a crash leaves
    unrecorded are never named by anything); then ONE transaction swaps each document's latest
    revision if nobody changed it since it was read (compare-and-swap on latest_sha256, which also
    catches writers in other processes, whom the lock cannot see), records the revisions as document
    versions, and lets `record` write what they mean. Killed before the commit, the act never
    happened; after it, it is complete. A lost swap rolls everything back; it is read and done again.
    """
    ids = sorted(set(document_ids))
    for attempt in range(retries + 1):
        with ExitStack() as held:
            for document_id in ids:
                held.enter_context(document_lock(f"signed-document:{document_id}"))
            with desk.db.session() as session:
                read = {i: get_document(session, i).latest_sha256 for i in ids}
            made = {i: _chained(desk.blobs.get(read[i]), compute, i) for i in ids}
            desk.crash_points.reach("act.computed")
            for revisions in made.values():
                for revision in revisions:
                    desk.blobs.put(revision.data)
            desk.crash_points.reach("act.stored")
            try:
                with desk.db.session() as session:
                    appended = [_swap(desk, session, i, read[i], made[i], actor) for i in ids]
                    record(session, appended)
                    session.flush()
                    desk.crash_points.reach("act.recorded")
            except ConcurrentModification:
                if attempt == retries:
                    raise
                continue
            desk.crash_points.reach("act.committed")
            return appended
    raise AssertionError("unreachable")  # pragma: no cover


def _chained(current: bytes, compute: Compute, document_id: int) -> list[Revision]:
    """The act's revisions, each checked to append to the one before (signed bytes never change)."""
    revisions = compute(document_id, current)
    if not revisions:
        raise AssertionError(f"an act on document {document_id} made no revision")
    for revision in revisions:
        ensure_appended(current, revision.data)
        current = revision.data
    return revisions


def _swap(desk: Desk, session: Session, document_id: int, expected_sha256: str, revisions: list[Revision],
          actor: str) -> Appended:
    """Move the document's latest revision from `expected_sha256` to the act's last revision and
    record each revision as a version; ConcurrentModification if it moved meanwhile."""
    last = hashlib.sha256(revisions[-1].data).hexdigest()
    moved = cast(CursorResult[Any], session.execute(
        update(SignedDocument)
        .where(SignedDocument.id == document_id, SignedDocument.latest_sha256 == expected_sha256)
        .values(latest_sha256=last, revision=SignedDocument.revision + len(revisions))
        .execution_options(synchronize_session=False)))
    if moved.rowcount != 1:
        raise ConcurrentModification(f"document {document_id} changed while it was being signed")
    document = get_document(session, document_id)
    session.refresh(document)
    if not document.state.is_open:  # superseded (or frozen) by another command meanwhile
        raise SigningError(f"document {document_id} is {document.state} now; nothing can be added to it")
    first = document.revision - len(revisions) + 1
    versions = [record_version(session, desk.blobs, revision.data, case_id=document.case_id,
                               instrument=document.instrument, subject=document.subject, edition=document.edition,
                               version=document.version, verification_code=document.verification_code,
                               format="pdf", actor=actor, revision=first + n, stage=revision.stage,
                               status=VersionStatus.ISSUED, audience=document.audience)
                for n, revision in enumerate(revisions)]
    session.flush()
    return Appended(document, versions)
