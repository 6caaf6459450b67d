"""A new draft after a signatory declined (issue 12, "Declining"; 第四章: the agreement binds only once
both sides' signatories have signed it).

A signatory who declines to sign a co-signed instrument leaves it open but never completed: their
field stays empty. The secretariat answers the decline — it amends the record (the agreement's terms,
through the procedure's acts) or not — and issues the instrument again from the record as it now
stands: a new version, sealed, with a fresh empty field for each signatory who can sign now. The
declined document becomes SUPERSEDED, naming its successor (as `issuing.reissue` does for a revoked
signer), so it takes no more signatures; whoever had signed it signs the new draft. This is what
`casedocs redraft DOCUMENT` runs, and the console's "Issue a new draft" (a job, REDRAFT). Refused for a
document nobody declined, or one no longer open.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit
from cases.lifecycle import DocumentKind, DocumentState
from cases.models import Case, DocumentVersion, SignedDocument
from casedocs.jobs import JobContext, job
from casedocs.services.desk import Desk, SigningError, get_document
from casedocs.services.issuing import issue_anew, require_open
from casedocs.services.reconcile import reconcile
from docgen.service import DocumentService


REDRAFT = "console.redraft"  # the job the console submits


@dataclass(frozen=True)
class Standing:
    """A decline that still stands: its signatory has not signed the document since."""

    person: str
    name: str
    revision: int
    reason: str


def standing_declines(session: Session, document: SignedDocument) -> list[Standing]:
    """The declines of this document whose signatory's field is still empty. Caller's session."""
    case = session.get(Case, document.case_id)
    assert case is not None  # a document belongs to its case
    empty = {s.signer.person_id for s in document.slots if s.signed_at is None}
    return [Standing(str(e.detail["person"]), str(e.detail.get("name", e.detail["person"])),
                     int(e.detail["revision"]), str(e.detail["reason"]))
            for e in audit.chain_events(session, case.number)
            if e.action == "decline_signature" and int(e.detail["document"]) == document.id
            and e.detail["person"] in empty]


def check_redraftable(desk: Desk, document_id: int) -> list[Standing]:
    """Refuse, before anything is rendered, what `redraft` would refuse; the declines it answers.
    Own sessions (it first brings the record in line with the stored PDF, see reconcile)."""
    reconcile(desk, document_id)
    with desk.db.session() as session:
        return _refusal_or_declines(session, get_document(session, document_id))


def _refusal_or_declines(session: Session, document: SignedDocument) -> list[Standing]:
    if document.kind is not DocumentKind.CO_SIGNED:
        raise SigningError(f"document {document.id} is not co-signed: nobody declines to sign it")
    require_open(document, "gets a new draft")
    declines = standing_declines(session, document)
    if not declines:
        raise SigningError(f"nobody declined to sign document {document.id} (or whoever did has signed since): "
                           "no new draft is needed")
    return declines


def redraft(desk: Desk, session: Session, docs: DocumentService, document_id: int) -> SignedDocument:
    """Issue the declined document again from the record as it stands, as a new version with a field
    for each current signatory, and mark the declined one SUPERSEDED by it. Recorded as
    `redraft_after_decline` on the case's chain, naming the declines it answers. Caller's session
    (the document service's); call check_redraftable first."""
    old = get_document(session, document_id)
    declines = _refusal_or_declines(session, old)
    return issue_anew(desk, session, docs, old, "redraft_after_decline", declined_by=[d.person for d in declines])


def redraftable(session: Session, number: str) -> set[int]:
    """The case's open co-signed documents with a standing decline: those the console offers a new
    draft of. Caller's session."""
    rows = session.scalars(select(SignedDocument).join(Case, Case.id == SignedDocument.case_id).where(
        Case.number == number, SignedDocument.kind == DocumentKind.CO_SIGNED,
        SignedDocument.state == DocumentState.SIGNING))
    return {document.id for document in rows if standing_declines(session, document)}


@job(REDRAFT)
def redraft_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """`redraft` as the console's job (rendering and sealing are long work), answered as an issue is
    (casedocs.services.document_jobs), with the document it supersedes and who had declined."""
    ctx.progress(0.1, "unlocking the seal")
    desk = ctx.app.desk(actor=ctx.who)
    declined = check_redraftable(desk, int(params["document"]))
    ctx.progress(0.3, "rendering and sealing")
    with ctx.app.documents(actor=ctx.who) as (proc, docs):
        document = redraft(desk, proc.session, docs, int(params["document"]))
        sealed = proc.session.scalars(select(DocumentVersion.id).where(
            DocumentVersion.case_id == document.case_id, DocumentVersion.sha256 == document.latest_sha256)).first()
        return {"file": sealed, "document": document.id, "instrument": document.instrument,
                "edition": document.edition, "audience": document.audience.value, "version": document.version,
                "verification_code": document.verification_code, "state": document.state.value,
                "awaiting": [slot.field for slot in document.slots if slot.signed_at is None],
                "supersedes": int(params["document"]), "declined_by": [d.name for d in declined]}
