"""The public documents of a case (issue 13; 第六章第1.1条): the sealed `public` renderings of the
instruments the procedure publishes (the case summary and the closure report, PROCEDURE.md §4), for
download from the register's case page and from the verification page of their code.

What may be downloaded is decided by one rule, casedocs.services.verification.is_public (issued, sealed,
rendered for the public audience, of a published instrument); this module only lists and serves what
that rule lets through, and answers None for anything else, alike whether it exists (a file number is
no way to learn of a document the public may not have).

Caller's session, read only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.instruments import Subject, subject_text
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import Case, DocumentVersion
from cases.procedure.core import SHANGHAI
from cases.store import BlobStore
from casedocs.services.verification import PDF, PUBLISHED_INSTRUMENTS, is_public


@dataclass(frozen=True)
class PublicDocument:
    """One downloadable file: the latest sealed revision of the newest public version of a document."""

    id: int
    instrument: str
    subject: Subject | None
    edition: str
    version: int
    revision: int
    code: str
    sha256: str
    size: int
    issued_on: date | None


@dataclass(frozen=True)
class PublicFile:
    data: bytes
    name: str


def public_documents(session: Session, number: str) -> list[PublicDocument]:
    """The case's public documents, one per instrument, matter and edition (the newest version, its latest
    revision: monitoring updates append revisions), in the order of the instrument registry. One query."""
    rows = session.scalars(
        select(DocumentVersion).join(Case, Case.id == DocumentVersion.case_id)
        .where(Case.number == number, DocumentVersion.format == PDF, DocumentVersion.status == VersionStatus.ISSUED,
               DocumentVersion.audience == Audience.PUBLIC, DocumentVersion.stage != VersionStage.RENDERED,
               DocumentVersion.instrument.in_(sorted(PUBLISHED_INSTRUMENTS)))
        .order_by(DocumentVersion.version.desc(), DocumentVersion.revision.desc(), DocumentVersion.id.desc()))
    newest: dict[tuple[str, str, str], DocumentVersion] = {}
    for row in rows:
        if is_public(row):
            newest.setdefault((row.instrument, subject_text(row.subject), row.edition), row)
    order = {"case_summary": 0, "closure_report": 1}
    found = [PublicDocument(row.id, row.instrument, row.subject, row.edition, row.version, row.revision,
                            row.verification_code, row.sha256, row.size, _day(row)) for row in newest.values()]
    return sorted(found, key=lambda d: (order.get(d.instrument, len(order)), subject_text(d.subject), d.edition))


def _day(row: DocumentVersion) -> date | None:
    made = row.issued_at or row.created_at
    return None if made is None else made.astimezone(SHANGHAI).date()


def public_file(session: Session, store: BlobStore, number: str, file_id: int) -> PublicFile | None:
    """The stored bytes of file `file_id` of case `number` when the public may download it (is_public),
    else None. A stored file that is missing or corrupted raises the store's CaseError."""
    row = session.get(DocumentVersion, file_id)
    if row is None or not is_public(row) or row.case.number != number:
        return None
    return PublicFile(store.get(row.sha256), file_name(row))


def file_name(row: DocumentVersion) -> str:
    """The download's name: identifiers only (case, instrument, edition, version, revision), never a
    word of the document's content."""
    return f"{row.case.number}-{row.instrument}-{row.edition}-public-v{row.version}r{row.revision}.pdf"
