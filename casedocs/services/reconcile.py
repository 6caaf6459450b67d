"""Bringing a document's record in line with its latest stored revision (issue 9).

Since every signing act records its revision and what it means in one transaction (desk.act), the
two cannot diverge. Earlier versions committed them in steps, and a command killed between the
steps left documents stuck for good: a signature in the PDF but not in the record (a retry was
refused: "field is already signed"), a monitoring slot used but not counted, or the state
`freezing` that no process would ever finish. For such a document the stored revision is the truth:
the next command that touches it reads the latest PDF's fields and brings the slots, the count and
the state in line, auditing each correction with `reconciled: true`. The check that decides whether
to read the PDF at all is one query, so documents recorded whole cost nothing more.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cases.lifecycle import DocumentState, VersionStage
from cases.models import DocumentVersion, SignedDocument, utcnow
from casedocs.services.desk import Desk, audit_revision, get_document
from signing.pdfdoc import document_state, open_reader


def reconcile(desk: Desk, document_id: int) -> list[str]:
    """Correct the record of the document from its latest revision; the fields (or "monitoring",
    "frozen", "open") corrected. Own sessions."""
    with desk.db.session() as session:
        if not _diverges(session, get_document(session, document_id)):
            return []  # the usual case: read only
    with desk.db.session() as session:
        # Lock the row first (a no-op UPDATE: SQLite has no SELECT ... FOR UPDATE), so that two
        # commands repairing the same document at once do not both audit the repair.
        session.execute(update(SignedDocument).where(SignedDocument.id == document_id)
                        .values(revision=SignedDocument.revision).execution_options(synchronize_session=False))
        document = get_document(session, document_id)
        if not _diverges(session, document):
            return []
        pdf = document_state(open_reader(desk.blobs.get(document.latest_sha256)))
        corrected = []
        filled = {f.name for f in pdf.fields if f.filled}
        for slot in document.slots:
            if slot.signed_at is None and slot.field in filled:
                slot.signed_at, slot.revision = utcnow(), document.revision
                audit_revision(desk, session, document, None, "sign_document", slot.signer.person_id,
                               field=slot.field, reconciled=True)
                corrected.append(slot.field)
        used = sum(1 for f in pdf.monitoring_slots if f.filled)
        if used != document.monitoring_used:
            document.monitoring_used = used
            audit_revision(desk, session, document, None, "append_monitoring_update", desk.actor,
                           monitoring_used=used, reconciled=True)
            corrected.append("monitoring")
        if pdf.frozen and document.state is not DocumentState.FROZEN:
            document.state, document.frozen_at = DocumentState.FROZEN, utcnow()
            audit_revision(desk, session, document, None, "freeze_document", desk.actor, reconciled=True)
            corrected.append("frozen")
        elif not pdf.frozen and document.state is DocumentState.FREEZING:
            document.state = DocumentState.opened_for(document.kind)  # freeze_if_due finishes it
            corrected.append("open")
        return corrected


def _diverges(session: Session, document: SignedDocument) -> bool:
    """Whether the record may disagree with the PDF: a leftover `freezing`, or more signing,
    monitoring or freezing revisions stored than the record counts."""
    if document.state is DocumentState.FREEZING:
        return True
    counts: dict[VersionStage, int] = {stage: n for stage, n in session.execute(
        select(DocumentVersion.stage, func.count()).where(
            DocumentVersion.case_id == document.case_id, DocumentVersion.instrument == document.instrument,
            DocumentVersion.subject == document.subject, DocumentVersion.edition == document.edition,
            DocumentVersion.audience == document.audience, DocumentVersion.version == document.version,
            DocumentVersion.format == "pdf")
        .group_by(DocumentVersion.stage))}
    signed = sum(1 for s in document.slots if s.signed_at is not None)
    return (counts.get(VersionStage.SIGNED, 0) != signed
            or counts.get(VersionStage.MONITORING, 0) != document.monitoring_used
            or bool(counts.get(VersionStage.FROZEN, 0)) != (document.state is DocumentState.FROZEN))

