"""Co-signing: each signatory signs their own field of a co-signed instrument (PROCEDURE.md §4); the
last signature (or a closure report's last monitoring update) also freezes the document (B-LTA).

Signing and freezing are one act (desk.act): the last signer's signature and the archive time-stamp
commit together, so no document is ever left complete but unfrozen, or claimed by a freeze that
a killed process will never finish (issue 9).

The freezing act also records, in its `freeze_document` event, the time of each signature's
time-stamp as the frozen PDF proves it (verified, not claimed), and each signature records how its
signer signed (`SigningMethod`): the facts the signing record prints (issue 12). The signing record
itself is issued after the act, in a unit of work of its own (`signing_record.issue_due`): sealing a
rendering must not run inside the signing transaction, and a record left unissued by a killed
process is issued by the next `sign` on the document or `casedocs issue CASE signing_record`.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cases.lifecycle import DocumentKind, DocumentState, VersionStage
from cases.models import SignedDocument, utcnow
from cases.signing_method import SigningMethod
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
from casedocs.services.rendering import Rendering
from casedocs.services.verification import verify_pdf
from signing import freeze as freeze_pdf, sign_field
from signing.pdfdoc import document_state, open_reader


def sign(desk: Desk, document_id: int, person_id: str, passphrase: str, *,
         method: SigningMethod = SigningMethod.PASSPHRASE, rendering: Rendering | None = None) -> SignedDocument:
    """`person_id` signs their field with the key their passphrase unlocks; the last signature freezes
    the document. Returns the document as it stands after. Own sessions.

    `method` is what the signer presented (the command line: the passphrase; the browser adds the
    mailed code), recorded with the signature. With `rendering`, a frozen agreement's signing record
    is then issued if it is due (issue 12), also on a retry of a signature already made.

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
        case_id, signed_before = document.case_id, next(s for s in document.slots if s.field == field).signed_at
        if signed_before is None and not document.state.is_open:
            _refuse_superseded(document)
            when = f" on {document.frozen_at:%Y-%m-%d}" if document.frozen_at else ""
            raise SigningError(f"document {document_id} was frozen{when}; no signature can be added")
    if signed_before is not None:
        _issue_signing_record(desk, rendering, case_id)
        with desk.db.session() as session:
            return get_document(session, document_id)

    proven: dict[str, list[dict[str, Any]]] = {}

    def compute(_: int, current: bytes) -> list[Revision]:
        signed = sign_field(current, field, credential, env=desk.env, field_owner=person_id)
        revisions = with_freeze_if_complete(desk, Revision(signed, VersionStage.SIGNED))
        proven["signatures"] = signature_times(desk, revisions[-1])
        return revisions

    def record(session: Session, appended: list[Appended]) -> None:
        (done,) = appended
        slot = next(s for s in done.document.slots if s.field == field)
        slot.signed_at, slot.revision = utcnow(), done.versions[0].revision
        audit_revision(desk, session, done.document, done.versions[0], "sign_document", person_id, field=field,
                       method=method.value)
        record_freeze(desk, session, done, proven.get("signatures", []))

    act(desk, person_id, [document_id], compute, record)
    _issue_signing_record(desk, rendering, case_id)
    with desk.db.session() as session:
        return get_document(session, document_id)


def _issue_signing_record(desk: Desk, rendering: Rendering | None, case_id: int) -> None:
    """Issue the case's signing record if a freeze made one due (after the act, never inside it)."""
    if rendering is not None:
        from casedocs.services import signing_record  # it issues through issuing, which imports this module

        signing_record.issue_due(desk, rendering, case_id)


def signature_times(desk: Desk, revision: Revision) -> list[dict[str, Any]]:
    """For a frozen co-signed revision, each signature's field, signer and the time of its signature
    time-stamp as verification establishes it (signing.verify, through verify_pdf: the evidence, not
    the signer's claimed time), for the freeze's audit event; [] for any other revision. No session."""
    if revision.stage is not VersionStage.FROZEN:
        return []
    report = verify_pdf(desk.pki.dir.parent, revision.data)
    return [{"field": s.field, "person": s.person_id, "timestamp": s.timestamp, "trusted": s.timestamp_trusted}
            for s in report.signatures if s.kind == "approval"]


def complete(pdf: bytes) -> bool:
    """Whether every signature field of the PDF is filled (its last signatory field or monitoring
    slot): then the document is frozen. No session."""
    return not document_state(open_reader(pdf)).empty_fields


def with_freeze_if_complete(desk: Desk, revision: Revision) -> list[Revision]:
    """The act's revision, followed by the frozen revision when it filled the last field. No session."""
    if not complete(revision.data):
        return [revision]
    return [revision, Revision(freeze_pdf(revision.data, env=desk.env), VersionStage.FROZEN)]


def record_freeze(desk: Desk, session: Session, done: Appended,
                  signatures: list[dict[str, Any]] | None = None) -> None:
    """If the act's last revision froze the document, record it so (in the act's transaction), with
    the signatures' proven time-stamp times (`signature_times`) when the act established them."""
    frozen = done.versions[-1]
    if frozen.stage is not VersionStage.FROZEN:
        return
    done.document.state, done.document.frozen_at = DocumentState.FROZEN, utcnow()
    extra = {"signatures": signatures} if signatures else {}
    audit_revision(desk, session, done.document, frozen, "freeze_document", desk.actor, **extra)


def freeze_if_due(desk: Desk, document_id: int) -> bool:
    """Freeze an open co-signed document or closure report whose every field and slot the record
    shows filled; whether this call froze it. Own sessions.

    Since signing and freezing are one act this finds nothing to do, except on a document that an
    earlier version left complete but unfrozen (see reconcile).
    """
    with desk.db.session() as session:
        document = get_document(session, document_id)
        kind = document.kind
        due = (document.state.is_open and document.kind is not DocumentKind.PLAIN
               and all(s.signed_at is not None for s in document.slots)
               and document.monitoring_used >= document.monitoring_slots)
    if not due:
        return False

    proven: list[dict[str, Any]] = []

    def compute(_: int, current: bytes) -> list[Revision]:
        frozen = Revision(freeze_pdf(current, env=desk.env), VersionStage.FROZEN)
        proven[:] = signature_times(desk, frozen) if kind is DocumentKind.CO_SIGNED else []
        return [frozen]

    act(desk, desk.actor, [document_id], compute,
        lambda session, appended: record_freeze(desk, session, appended[0], proven))
    return True


def _refuse_superseded(document: SignedDocument) -> None:
    if document.state is DocumentState.SUPERSEDED:
        raise SigningError(f"document {document.id} was re-issued as document {document.superseded_by}: "
                           "sign that one")
