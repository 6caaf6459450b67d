"""Co-signing: each signatory signs their own field of a co-signed instrument (PROCEDURE.md §4); the
last signature (or a closure report's last monitoring update) also freezes the document (B-LTA).

Signing and freezing are one act (desk.act): the last signer's signature and the archive time-stamp
commit together, so no document is ever left complete but unfrozen, or claimed by a freeze that
a killed process will never finish (issue 9).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from cases.lifecycle import DocumentKind, DocumentState, VersionStage
from cases.models import SignedDocument, utcnow
from casedocs.services.desk import (
    Appended,
    Desk,
    Revision,
    SigningError,
    act,
    audit_revision,
    get_document,
)
from casedocs.services.enrolment import unlock
from casedocs.services.reconcile import reconcile
from signing import freeze as freeze_pdf, sign_field
from signing.pdfdoc import document_state, open_reader


def sign(desk: Desk, document_id: int, person_id: str, passphrase: str) -> SignedDocument:
    """`person_id` signs their field with the key their passphrase unlocks; the last signature freezes
    the document. Returns the document as it stands after. Own sessions.

    A signatory whose field already holds their signature is told the document's state and nothing
    is signed twice: a retry after a crash (did it sign?) must succeed, not fail.
    """
    with desk.db.session() as session:
        document = get_document(session, document_id)
        slot = next((s for s in document.slots if s.signer.person_id == person_id), None)
        if slot is None:
            fields = ", ".join(f"{s.field} ({s.signer.name})" for s in document.slots) or "none"
            raise SigningError(f"{person_id} has no signature field on document {document_id}; its fields: {fields}")
        _refuse_superseded(document)
        field = slot.field
    credential = unlock(desk, person_id, passphrase)  # passphrase and revocation, before anything
    reconcile(desk, document_id)
    freeze_if_due(desk, document_id)
    with desk.db.session() as session:
        document = get_document(session, document_id)
        if next(s for s in document.slots if s.field == field).signed_at is not None:
            return document
        if not document.state.is_open:
            _refuse_superseded(document)
            when = f" on {document.frozen_at:%Y-%m-%d}" if document.frozen_at else ""
            raise SigningError(f"document {document_id} was frozen{when}; no signature can be added")

    def compute(_: int, current: bytes) -> list[Revision]:
        signed = sign_field(current, field, credential, env=desk.env, field_owner=person_id)
        return with_freeze_if_complete(desk, Revision(signed, VersionStage.SIGNED))

    def record(session: Session, appended: list[Appended]) -> None:
        (done,) = appended
        slot = next(s for s in done.document.slots if s.field == field)
        slot.signed_at, slot.revision = utcnow(), done.versions[0].revision
        audit_revision(desk, session, done.document, done.versions[0], "sign_document", person_id, field=field)
        record_freeze(desk, session, done)

    act(desk, person_id, [document_id], compute, record)
    with desk.db.session() as session:
        return get_document(session, document_id)


def complete(pdf: bytes) -> bool:
    """Whether every signature field of the PDF is filled (its last signatory field or monitoring
    slot): then the document is frozen. No session."""
    return not document_state(open_reader(pdf)).empty_fields


def with_freeze_if_complete(desk: Desk, revision: Revision) -> list[Revision]:
    """The act's revision, followed by the frozen revision when it filled the last field. No session."""
    if not complete(revision.data):
        return [revision]
    return [revision, Revision(freeze_pdf(revision.data, env=desk.env), VersionStage.FROZEN)]


def record_freeze(desk: Desk, session: Session, done: Appended) -> None:
    """If the act's last revision froze the document, record it so (in the act's transaction)."""
    frozen = done.versions[-1]
    if frozen.stage is not VersionStage.FROZEN:
        return
    done.document.state, done.document.frozen_at = DocumentState.FROZEN, utcnow()
    audit_revision(desk, session, done.document, frozen, "freeze_document", desk.actor)


def freeze_if_due(desk: Desk, document_id: int) -> bool:
    """Freeze an open co-signed document or closure report whose every field and slot the record
    shows filled; whether this call froze it. Own sessions.

    Since signing and freezing are one act this finds nothing to do, except on a document that an
    earlier version left complete but unfrozen (see reconcile).
    """
    with desk.db.session() as session:
        document = get_document(session, document_id)
        due = (document.state.is_open and document.kind is not DocumentKind.PLAIN
               and all(s.signed_at is not None for s in document.slots)
               and document.monitoring_used >= document.monitoring_slots)
    if not due:
        return False

    def compute(_: int, current: bytes) -> list[Revision]:
        return [Revision(freeze_pdf(current, env=desk.env), VersionStage.FROZEN)]

    act(desk, desk.actor, [document_id], compute, lambda session, appended: record_freeze(desk, session, appended[0]))
    return True


def _refuse_superseded(document: SignedDocument) -> None:
    if document.state is DocumentState.SUPERSEDED:
        raise SigningError(f"document {document.id} was re-issued as document {document.superseded_by}: "
                           "sign that one")
