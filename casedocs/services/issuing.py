"""Issuing: the secretariat seals a rendering (PROCEDURE.md §4), continues a full closure report, and
re-issues a document a revoked signer can no longer complete.

A sealed instrument is sealed per audience that receives it (issue 11, 第六章第2.2条): `issue` seals the
rendering of the request's audience (docgen Request.audience; the secretariat's by default), and the
issued document (SignedDocument.audience) is that audience's, numbered and coded apart. A continuation
and a re-issue keep the audience of the document they follow."""
from __future__ import annotations

from sqlalchemy.orm import Session

from cases import documents as versions
from cases.instruments import SigningMode, get_instrument
from cases.lifecycle import DocumentKind, DocumentState, VersionStage, VersionStatus
from cases.models import Case, SignatureSlot, SignedDocument, Signer
from cases.procedure.core import SHANGHAI
from cases.vocabulary import SideRole
from casedocs.services.desk import Desk, SigningError, audit_event, get_document
from casedocs.services.enrolment import current_signers, revocation
from casedocs.services.reconcile import reconcile
from docgen.context import Continuation, continuation_number
from docgen.contract import CROSS_PAGE_SEAL_INSTRUMENTS
from docgen.locale import Edition
from docgen.service import DocumentService, Rendered, Request
from signing import InstrumentKind, seal, signatory_field
from signing.placement import plan_for


# What the record stores for each way the registry says an instrument is signed (values kept from before
# the registry had SigningMode, so existing rows stay valid).
_KINDS = {SigningMode.SEALED: DocumentKind.PLAIN, SigningMode.CO_SIGNED: DocumentKind.CO_SIGNED,
          SigningMode.MONITORED: DocumentKind.CLOSURE_REPORT}


def document_kind(instrument_id: str) -> DocumentKind:
    """How the instrument is signed once sealed, from the instrument registry; SigningError for one a
    party signs in ink (the secretariat seals only what it issues, PROCEDURE.md §4). No session."""
    signing = get_instrument(instrument_id).signing
    if signing is SigningMode.INK:
        raise SigningError(f"{instrument_id} is signed by a party, not sealed by the secretariat")
    return _KINDS[signing]


def issue(desk: Desk, session: Session, docs: DocumentService, case: Case, request: Request) -> SignedDocument:
    """Render the instrument as PDF/A, seal it over its seal area, record it as issued.
    Caller's session (the document service's)."""
    return issue_rendering(desk, session, docs, case, request)[0]


def issue_rendering(desk: Desk, session: Session, docs: DocumentService, case: Case,
                    request: Request) -> tuple[SignedDocument, Rendered]:
    """`issue`, with the rendering it sealed (its name, version and code: what a paperwork folder lists)."""
    fields_for(desk, session, case, document_kind(request.instrument), request.instrument)  # refused before rendering
    rendered = docs.render(case, request, ["pdf"])
    return seal_rendered(desk, session, case, rendered), rendered


def fields_for(desk: Desk, session: Session, case: Case, kind: DocumentKind,
               instrument: str) -> dict[SideRole, list[Signer]]:
    """Who gets a field on a new document: on a co-signed instrument, every signatory of each side
    who can sign now (PROCEDURE.md §4: both sides sign), never one whose certificate was revoked
    (issue 9: such a field could never be filled, so the document could never be frozen); nobody
    on other instruments. SigningError if a side has nobody. Caller's session."""
    if kind is not DocumentKind.CO_SIGNED:
        return {}
    by_side, revoked = current_signers(desk, session, case)
    missing = [side.value for side in SideRole if not by_side.get(side)]
    if missing:
        raise SigningError(f"{instrument} of {case.number} is co-signed: enrol the signatories of the "
                           f"{' and the '.join(missing)} first (`casedocs signer enrol`)"
                           + (f"; cannot sign: {'; '.join(revoked)}" if revoked else ""))
    return by_side


def seal_rendered(desk: Desk, session: Session, case: Case, rendered: Rendered) -> SignedDocument:
    """Seal a rendering already made (and recorded) by the document service: its DOCX and PDF become
    issued, the sealed PDF is revision 1, and a co-signed instrument gets one empty field per current
    signatory (a closure report, its empty monitoring slots). Caller's session."""
    request = rendered.request
    kind = document_kind(request.instrument)
    by_side = fields_for(desk, session, case, kind, request.instrument)
    if rendered.pdf is None or rendered.pdf_version is None:
        raise SigningError(f"{request.instrument} was not rendered as PDF")
    signing_kind = InstrumentKind(kind.value)
    plan = plan_for(rendered.pdf, instrument_kind=signing_kind, instrument=request.instrument,
                    signatories={side.value: len(people) for side, people in by_side.items() if people},
                    monitoring_slots=desk.monitoring_slots if kind is DocumentKind.CLOSURE_REPORT else 0,
                    cross_page_seal=request.instrument in CROSS_PAGE_SEAL_INSTRUMENTS)
    # The cross-page seal's strips are drawn in the sealed revision, before the certification
    # signature is computed: it covers them (issue 14).
    sealed = seal(rendered.pdf, env=desk.env, sealer=desk.pki.seal_credential(), kind=signing_kind,
                  seal_page=plan.seal_page, seal_box=plan.seal_box, signatory_fields=plan.signatory_fields,
                  monitoring_slots=plan.monitoring_slots, cross_page_strips=plan.strips)
    for version in (rendered.docx_version, rendered.pdf_version):
        versions.issue(session, version, desk.actor)
    revision = versions.record_version(
        session, desk.blobs, sealed, case_id=case.id, instrument=request.instrument, subject=request.subject,
        edition=request.edition.value, version=rendered.version, verification_code=rendered.code, format="pdf",
        audience=request.audience, actor=desk.actor, revision=1, stage=VersionStage.SEALED,
        status=VersionStatus.ISSUED,
        template_sha256=rendered.pdf_version.template_sha256, context_sha256=rendered.pdf_version.context_sha256)
    document = SignedDocument(case_id=case.id, instrument=request.instrument, subject=request.subject,
                              edition=request.edition.value, audience=request.audience, version=rendered.version,
                              verification_code=rendered.code, kind=kind, state=DocumentState.opened_for(kind),
                              revision=1, latest_sha256=revision.sha256, monitoring_slots=len(plan.monitoring_slots))
    for side, people in by_side.items():
        for index, person in enumerate(people, start=1):
            document.slots.append(SignatureSlot(field=signatory_field(side.value, index), signer_id=person.id,
                                                signer=person))
    session.add(document)
    session.flush()
    audit_event(desk, session, case.number, "seal_document", document=document.id, instrument=request.instrument,
                edition=request.edition.value, audience=request.audience.value, version=rendered.version,
                sha256=revision.sha256,
                fields=[slot.field for slot in document.slots], monitoring_slots=document.monitoring_slots)
    desk.crash_points.reach("issue.recorded")
    return document


def issue_continuation(desk: Desk, session: Session, docs: DocumentService, case: Case,
                       previous: SignedDocument) -> SignedDocument:
    """A continuation closure report with fresh monitoring slots, naming the sha256 of the full, frozen
    report it continues (which stays as it is, verifiable on its own). Caller's session; the previous
    report must already be frozen (its last monitoring update froze it). The continuation is for the
    audience of the report it continues (issue 11)."""
    if previous.kind != DocumentKind.CLOSURE_REPORT:
        raise SigningError(f"document {previous.id} is a {previous.instrument}, not a closure report")
    if previous.monitoring_used < previous.monitoring_slots:
        raise SigningError(f"closure report document {previous.id} still has "
                           f"{previous.monitoring_slots - previous.monitoring_used} empty monitoring slot(s)")
    if previous.state != DocumentState.FROZEN:  # the continuation must name the final bytes
        raise SigningError(f"closure report document {previous.id} is full but not frozen ({previous.state})")
    number = (continuation_number(previous.subject) or 1) + 1  # the original report is number 1
    continuation = Continuation(number=number, previous_sha256=previous.latest_sha256,
                                previous_code=previous.verification_code,
                                previous_issued_on=previous.sealed_at.astimezone(SHANGHAI).date())
    request = Request(previous.instrument, Edition.parse(previous.edition), continuation=continuation,
                      audience=previous.audience)
    document = seal_rendered(desk, session, case, docs.render(case, request, ["pdf"]))
    document.continues_sha256 = previous.latest_sha256
    audit_event(desk, session, case.number, "issue_continuation", document=document.id, continues=previous.id,
                continues_sha256=previous.latest_sha256, number=number)
    return document


def revoked_empty_fields(desk: Desk, document: SignedDocument) -> list[str]:
    """The empty fields of the document whose signer can no longer sign, as "field: why".
    Caller's session (the document's)."""
    return [f"{slot.field}: {reason}" for slot in document.slots
            if slot.signed_at is None and (reason := revocation(desk, slot.signer)) is not None]


def check_reissuable(desk: Desk, document_id: int) -> list[str]:
    """Refuse, before anything is rendered, a document that `reissue` would refuse; the revoked
    signers' empty fields it would replace. Own sessions (it first brings the record in line with the
    stored PDF, see reconcile)."""
    reconcile(desk, document_id)
    with desk.db.session() as session:
        return _revoked_or_refusal(desk, get_document(session, document_id))


def require_open(document: SignedDocument, act: str) -> None:
    """Refuse to issue anew a document that is frozen or already superseded (its signatures are
    final, or another version took its place): `act` says what only an open document does."""
    if not document.state.is_open:
        raise SigningError(f"document {document.id} is {document.state.value}: only an open document {act}")


def _revoked_or_refusal(desk: Desk, document: SignedDocument) -> list[str]:
    require_open(document, "can be re-issued")
    revoked = revoked_empty_fields(desk, document)
    if not revoked:
        raise SigningError(f"document {document.id} has no empty field of a signer who can no longer sign: "
                           "nothing to re-issue")
    return revoked


def issue_anew(desk: Desk, session: Session, docs: DocumentService, old: SignedDocument, action: str,
               **detail: object) -> SignedDocument:
    """Issue `old` again from the record as it stands, as a new version with a field for each current
    signatory (PROCEDURE.md §4: every signatory signs the same text), mark `old` SUPERSEDED by it and
    record `action` on the case's chain with `detail`. Caller's session (the document service's)."""
    case = session.get(Case, old.case_id)
    assert case is not None
    new = issue(desk, session, docs, case, Request(old.instrument, Edition.parse(old.edition), old.subject,
                                                   audience=old.audience))
    old.state, old.superseded_by = DocumentState.SUPERSEDED, new.id
    audit_event(desk, session, case.number, action, document=new.id, supersedes=old.id, instrument=old.instrument,
                edition=old.edition, version=new.version, superseded_version=old.version,
                fields=[s.field for s in new.slots], **detail)
    return new


def reissue(desk: Desk, session: Session, docs: DocumentService, document_id: int) -> SignedDocument:
    """Issue an open document again as a new version, with fields for the signatories who can sign
    now, because a signer whose certificate was revoked still has an empty field on it (issue 9: it
    could never be completed). The old document becomes SUPERSEDED, naming its successor, and takes
    no more signatures; its signatures stay verifiable, and whoever signed it signs the new one.
    Recorded as `reissue_document` on the case's chain. Caller's session (the document service's);
    call check_reissuable first (it also repairs what an earlier version left inconsistent)."""
    old = get_document(session, document_id)
    return issue_anew(desk, session, docs, old, "reissue_document", revoked=_revoked_or_refusal(desk, old))
