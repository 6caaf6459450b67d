"""Issuing, co-signing and monitoring appends: the case record, docgen and signing together.

Every revision of an issued document is stored write-once (content-addressed) and
recorded as an immutable document version; the `SignedDocument` row holds the latest
revision and is the compare-and-swap point that serialises concurrent signers.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import ContextManager

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cases import audit
from cases.db import Database
from cases.errors import CaseError, InvalidInputError, NotFoundError
from cases.instruments import get_instrument
from cases.models import (
    ISSUED,
    Case,
    DocumentVersion,
    MonitoringUpdate as MonitoringRecord,
    SignatureSlot,
    SignedDocument,
    Signer,
    utcnow,
)
from casedocs.config import DEFAULT_MONITORING_SLOTS
from cases.store import BlobStore
from cases.vocabulary import SideRole
from cases.procedure import Procedure
from cases.procedure.core import SHANGHAI
from docgen.context import Continuation, continuation_number
from docgen.locale import Edition
from docgen.service import DocumentService, Rendered, Request
from signing import (
    PKI,
    ConcurrentModification,
    InstrumentKind,
    MonitoringUpdate,
    SigningEnv,
    append_monitoring_update,
    freeze,
    seal,
    sign_field,
    signatory_field,
    update_latest,
)
from signing.pki import load_crl
from signing.placement import plan_for
from signing.serialise import document_lock
from signing.verify import VerificationReport, verify

PASSPHRASE_ENV = "CASEDOCS_SECRETARIAT_PASSPHRASE"


class SigningError(CaseError):
    pass


# Opens a unit of work that can render documents (App.documents).
OpenDocuments = Callable[[], ContextManager[tuple[Procedure, DocumentService]]]


# The certificate's role for each kind of signatory the record knows.
_PKI_ROLES = {"representative": "representative", "member": "signatory", "agent": "agent", "monitor": "monitor"}


def secretariat_passphrase(explicit: str | None = None) -> str:
    passphrase = explicit or os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        raise SigningError(f"the secretariat's passphrase is needed: set {PASSPHRASE_ENV} or enter it when asked")
    return passphrase


def pki_dir(data_dir: Path) -> Path:
    return data_dir / "pki"


def open_pki(data_dir: Path, passphrase: str, *, create: bool = False) -> PKI:
    directory = pki_dir(data_dir)
    if not (directory / "pki.json").exists():
        if not create:
            raise SigningError(f"no certificate authority in {directory}: run `casedocs init`")
        return PKI.create(directory, passphrase)
    return PKI.open(directory, passphrase)


def verify_pdf(data_dir: Path, pdf: bytes) -> VerificationReport:
    """Verify against the mechanism's public material only (CA, accepted roots, published CRLs):
    anyone holding the data directory's public files can verify, no key is unlocked."""
    directory = pki_dir(data_dir)
    root = directory / "ca" / "root.pem"
    if not root.exists():
        raise SigningError(f"no certificate authority in {directory}: run `casedocs init`")
    roots = [root.read_bytes()] + [p.read_bytes() for p in sorted((directory / "trust").glob("*.pem"))]
    crls = [p.read_bytes() for p in sorted((directory / "crl").glob("*.crl.pem"))]
    others = [p.read_bytes() for p in sorted((directory / "chains").glob("*.pem")) if p.read_bytes().strip()]
    report = verify(pdf, roots, crls, other_certs=others)
    if not report.valid:
        report.reasons[:0] = _expired_crls(crls)
    return report


def _expired_crls(crls: list[bytes]) -> list[str]:
    """The likeliest cause of "revocation status unknown", named: nobody published a fresh CRL."""
    now = datetime.now(timezone.utc)
    return [f"the CRL of {crl.issuer.rfc4514_string()} expired on {crl.next_update_utc:%Y-%m-%d %H:%M} UTC, "
            "so no revocation status can be established: publish a fresh one (`casedocs ca publish-crl`; an "
            "external CA's with `casedocs ca import-crl`)"
            for crl in map(load_crl, crls) if crl.next_update_utc is not None and crl.next_update_utc < now]


def kind_of(instrument_id: str) -> InstrumentKind:
    if instrument_id == "closure_report":
        return InstrumentKind.CLOSURE_REPORT
    return InstrumentKind.CO_SIGNED if get_instrument(instrument_id).co_signed else InstrumentKind.PLAIN


class _DatabaseDocuments:
    """signing.serialise.DocumentStore over the SignedDocument rows: compare-and-swap in SQL."""

    def __init__(self, db: Database, blobs: BlobStore, actor: str, stage: str) -> None:
        self.db, self.blobs, self.actor, self.stage = db, blobs, actor, stage

    def read(self, doc_id: str) -> bytes:
        with self.db.session() as session:
            return self.blobs.get(self._row(session, doc_id).latest_sha256)

    def replace(self, doc_id: str, data: bytes, *, expected_sha256: str) -> None:
        digest = self.blobs.put(data)
        with self.db.session() as session:
            row = self._row(session, doc_id, lock=True)
            moved = session.execute(update(SignedDocument)
                                    .where(SignedDocument.id == row.id, SignedDocument.latest_sha256 == expected_sha256)
                                    .values(latest_sha256=digest, revision=row.revision + 1))
            if moved.rowcount != 1:
                raise ConcurrentModification(f"document {doc_id} changed while it was being signed")
            session.add(DocumentVersion(case_id=row.case_id, instrument=row.instrument, subject=row.subject,
                                        edition=row.edition, version=row.version, format="pdf",
                                        revision=row.revision + 1, stage=self.stage, status=ISSUED,
                                        verification_code=row.verification_code, template_sha256="",
                                        context_sha256="", sha256=digest, size=len(data), created_by=self.actor,
                                        issued_at=utcnow(), issued_by=self.actor))

    def lock(self, doc_id: str) -> ContextManager[None]:
        return document_lock(f"signed-document:{doc_id}")

    @staticmethod
    def _row(session: Session, doc_id: str, lock: bool = False) -> SignedDocument:
        query = select(SignedDocument).where(SignedDocument.id == int(doc_id))
        row = session.scalars(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFoundError(f"no issued document number {doc_id}")
        return row


class Signatures:
    """The secretariat's signing desk for one data directory."""

    def __init__(self, db: Database, blobs: BlobStore, pki: PKI, actor: str,
                 today: Callable[[], date], env: SigningEnv | None = None, *,
                 monitoring_slots: int = DEFAULT_MONITORING_SLOTS) -> None:
        self.db, self.blobs, self.pki, self.actor, self.today = db, blobs, pki, actor, today
        self.env = env or SigningEnv.from_pki(pki)
        self.monitoring_slots = monitoring_slots

    def _audit(self, session: Session, chain: str, action: str, actor: str | None = None, **detail: object) -> None:
        audit.append(session, chain, actor or self.actor, action, on=self.today(), detail=detail)

    def _audit_document(self, document_id: int, action: str, actor: str, **detail: object) -> None:
        with self.db.session() as session:
            document = self._document(session, document_id)
            case = session.get(Case, document.case_id)
            assert case is not None
            self._audit(session, case.number, action, actor, document=document_id, instrument=document.instrument,
                        edition=document.edition, revision=document.revision, sha256=document.latest_sha256, **detail)

    # -- people -------------------------------------------------------------------------

    def enrol(self, session: Session, case: Case | None, side: SideRole | None, role: str, name: str,
              passphrase: str, *, organisation: str | None = None) -> Signer:
        """Issue a signing certificate; the key is encrypted with the person's own passphrase."""
        person_id = self._new_person_id(session, case, side, role)
        record = self.pki.issue_person(person_id=person_id, name=name, side=side.value if side else "secretariat",
                                       role=_PKI_ROLES[role], passphrase=passphrase, organisation=organisation)
        return self._add_signer(session, case, side, role, name, person_id, record.serial, "enrol_signer")

    def import_signer(self, session: Session, case: Case | None, side: SideRole | None, role: str, name: str,
                      p12: bytes, p12_password: str | None, passphrase: str) -> Signer:
        """Accept a person's own PKCS#12 (from a CA the secretariat trusts, see `trust_root`); the key is
        re-encrypted with their passphrase, as for an enrolled person."""
        person_id = self._new_person_id(session, case, side, role)
        record = self.pki.import_pkcs12(p12, p12_password, person_id=person_id, name=name,
                                        side=side.value if side else "secretariat", role=_PKI_ROLES[role],
                                        passphrase=passphrase)
        return self._add_signer(session, case, side, role, name, person_id, record.serial, "import_signer",
                                fingerprint=record.fingerprint, revocable=self.revocable(person_id))

    def revocable(self, person_id: str) -> bool:
        """Whether the person's certificate says where its CA publishes revocations. Without a CRL
        distribution point no validator checks revocation (RFC 5280; pyHanko skips even CRLs at hand)."""
        from cryptography import x509

        certificate = self.pki.certificate(self.pki.find_person(person_id).serial)
        try:
            certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
        except x509.ExtensionNotFound:
            return False
        return True

    def _new_person_id(self, session: Session, case: Case | None, side: SideRole | None, role: str) -> str:
        if (case is None) != (side is None) or (case is None) != (role == "monitor"):
            raise InvalidInputError("a signatory belongs to a side of a case; a monitor to neither")
        if role not in _PKI_ROLES:
            raise InvalidInputError(f"unknown signatory role {role!r}; valid: {', '.join(_PKI_ROLES)}")
        if case is not None and side is not None:
            return f"{case.number}-{side.value}-{len(self.signers(session, case)[side]) + 1}"
        return f"MONITOR-{len(session.scalars(select(Signer.id).where(Signer.case_id.is_(None))).all()) + 1}"

    def _add_signer(self, session: Session, case: Case | None, side: SideRole | None, role: str, name: str,
                    person_id: str, serial: str, action: str, **detail: object) -> Signer:
        signer = Signer(person_id=person_id, case_id=case.id if case else None, side=side, role=role, name=name,
                        certificate_serial=serial, enrolled_on=self.today(), enrolled_by=self.actor)
        session.add(signer)
        session.flush()
        self._audit(session, case.number if case else audit.SYSTEM_CHAIN, action, person=person_id,
                    side=side.value if side else None, role=role, name=name, certificate=serial, **detail)
        return signer

    # -- trust --------------------------------------------------------------------------

    def trust_root(self, pem: bytes) -> str:
        """Accept an external CA (a side's corporate PKI, an external TSA's CA) as a trust root."""
        fingerprint = self.pki.add_trust_root(pem)
        with self.db.session() as session:
            self._audit(session, audit.SYSTEM_CHAIN, "trust_root", fingerprint=fingerprint)
        return fingerprint

    def import_crl(self, data: bytes) -> str:
        """Store an external CA's current CRL: its revocations count from now on. Returns the issuer."""
        issuer = self.pki.add_crl(data)
        with self.db.session() as session:
            self._audit(session, audit.SYSTEM_CHAIN, "import_crl", issuer=issuer)
        return issuer

    def revoke(self, person_id: str, reason: str) -> str:
        """Revoke the person's usable certificate and publish the CRL: they can no longer sign,
        and verification reports their signatures as revoked. Returns the certificate serial."""
        from cryptography import x509

        record = self.pki.find_person(person_id)
        with self.db.session() as session:
            signer = session.scalars(select(Signer).where(Signer.person_id == person_id)).first()
            chain = audit.SYSTEM_CHAIN
            if signer is not None and signer.case_id is not None:
                chain = session.get(Case, signer.case_id).number  # type: ignore[union-attr]
        usable = [f.name for f in x509.ReasonFlags if f.name != "remove_from_crl"]
        if reason not in usable:
            raise InvalidInputError(f"unknown revocation reason {reason!r}; valid: {', '.join(usable)}")
        flag = x509.ReasonFlags[reason]
        self.pki.revoke(record.serial, flag)
        with self.db.session() as session:
            self._audit(session, chain, "revoke_certificate", person=person_id, certificate=record.serial,
                        reason=reason)
        return record.serial

    def signers(self, session: Session, case: Case) -> dict[SideRole, list[Signer]]:
        rows = session.scalars(select(Signer).where(Signer.case_id == case.id).order_by(Signer.id)).all()
        return {role: [s for s in rows if s.side is role] for role in SideRole}

    # -- issuing ------------------------------------------------------------------------

    def issue(self, session: Session, docs: DocumentService, case: Case, request: Request) -> SignedDocument:
        """Render the instrument as PDF/A, seal it over its seal area, record it as issued."""
        return self.seal_rendered(session, case, docs.render(case, request, ["pdf"]))

    def seal_rendered(self, session: Session, case: Case, rendered: Rendered) -> SignedDocument:
        """Seal a rendering already made (and recorded) by the document service."""
        request = rendered.request
        kind = kind_of(request.instrument)
        if not get_instrument(request.instrument).issued_by_secretariat:
            raise SigningError(f"{request.instrument} is signed by a party, not sealed by the secretariat")
        by_side = self.signers(session, case) if kind is InstrumentKind.CO_SIGNED else {}
        if kind is InstrumentKind.CO_SIGNED:
            missing = [role.value for role in SideRole if not by_side.get(role)]
            if missing:
                raise SigningError(f"{request.instrument} of {case.number} is co-signed: enrol the signatories of "
                                   f"the {' and the '.join(missing)} first (`casedocs signer enrol`)")
        if rendered.pdf is None or rendered.pdf_version is None:
            raise SigningError(f"{request.instrument} was not rendered as PDF")
        plan = plan_for(rendered.pdf, instrument_kind=kind, instrument=request.instrument,
                        signatories={role.value: len(people) for role, people in by_side.items()},
                        monitoring_slots=self.monitoring_slots if kind is InstrumentKind.CLOSURE_REPORT else 0)
        sealed = seal(rendered.pdf, env=self.env, sealer=self.pki.seal_credential(), kind=kind,
                      seal_page=plan.seal_page, seal_box=plan.seal_box, signatory_fields=plan.signatory_fields,
                      monitoring_slots=plan.monitoring_slots)
        digest = self.blobs.put(sealed)
        for version in (rendered.docx_version, rendered.pdf_version):
            version.status, version.issued_at, version.issued_by = ISSUED, utcnow(), self.actor
        session.add(DocumentVersion(case_id=case.id, instrument=request.instrument, subject=request.subject,
                                    edition=request.edition.value, version=rendered.version, format="pdf",
                                    revision=1, stage="sealed", status=ISSUED, verification_code=rendered.code,
                                    template_sha256=rendered.pdf_version.template_sha256,
                                    context_sha256=rendered.pdf_version.context_sha256, sha256=digest,
                                    size=len(sealed), created_by=self.actor, issued_at=utcnow(), issued_by=self.actor))
        document = SignedDocument(case_id=case.id, instrument=request.instrument, subject=request.subject,
                                  edition=request.edition.value, version=rendered.version,
                                  verification_code=rendered.code, kind=kind.value,
                                  state="signing" if kind is InstrumentKind.CO_SIGNED else "sealed",
                                  revision=1, latest_sha256=digest, monitoring_slots=len(plan.monitoring_slots))
        for role, people in by_side.items():
            for index, person in enumerate(people, start=1):
                document.slots.append(SignatureSlot(field=signatory_field(role.value, index), signer_id=person.id,
                                                    signer=person))
        session.add(document)
        session.flush()
        self._audit(session, case.number, "seal_document", document=document.id, instrument=request.instrument,
                    edition=request.edition.value, version=rendered.version, sha256=digest,
                    fields=[slot.field for slot in document.slots], monitoring_slots=document.monitoring_slots)
        return document

    # -- co-signing -----------------------------------------------------------------------

    def sign(self, document_id: int, person_id: str, passphrase: str) -> SignedDocument:
        """One signatory signs their own field; when the last one has, the document is frozen (B-LTA)."""
        with self.db.session() as session:
            document = self._document(session, document_id)
            slot = next((s for s in document.slots if s.signer.person_id == person_id), None)
            if slot is None:
                fields = ", ".join(f"{s.field} ({s.signer.name})" for s in document.slots) or "none"
                raise SigningError(f"{person_id} has no signature field on document {document_id}; its fields: {fields}")
            if document.state in ("freezing", "frozen"):
                when = f" on {document.frozen_at:%Y-%m-%d}" if document.frozen_at else ""
                raise SigningError(f"document {document_id} was frozen{when}; no signature can be added")
            field = slot.field
        credential = self.pki.unlock_person(person_id, passphrase)
        store = _DatabaseDocuments(self.db, self.blobs, person_id, "signed")
        update_latest(store, str(document_id),
                      lambda current: sign_field(current, field, credential, env=self.env, field_owner=person_id))
        with self.db.session() as session:
            document = self._document(session, document_id)
            slot = next(s for s in document.slots if s.field == field)
            slot.signed_at, slot.revision = utcnow(), document.revision
        self._audit_document(document_id, "sign_document", person_id, field=field)
        if self._claim_freeze(document_id):
            self._freeze(document_id)
        with self.db.session() as session:
            return self._document(session, document_id)

    def _claim_freeze(self, document_id: int) -> bool:
        """Whether this caller is the one to freeze: every signatory field and monitoring slot filled,
        and nobody claimed it yet.

        One conditional UPDATE decides, after this signer's slot is committed, so concurrent
        last signers (each reading before the other committed) cannot both skip or both freeze.
        """
        with self.db.session() as session:
            unsigned = select(SignatureSlot.id).where(SignatureSlot.document_id == document_id,
                                                      SignatureSlot.signed_at.is_(None)).exists()
            claimed = session.execute(update(SignedDocument)
                                      .where(SignedDocument.id == document_id,
                                             SignedDocument.state.in_(("signing", "sealed")),
                                             SignedDocument.monitoring_used >= SignedDocument.monitoring_slots,
                                             ~unsigned)
                                      .values(state="freezing"))
            return claimed.rowcount == 1

    def _freeze(self, document_id: int) -> None:
        with self.db.session() as session:
            document = self._document(session, document_id)
            open_state = "sealed" if document.kind == InstrumentKind.CLOSURE_REPORT.value else "signing"
        store = _DatabaseDocuments(self.db, self.blobs, self.actor, "frozen")
        try:
            update_latest(store, str(document_id), lambda current: freeze(current, env=self.env))
        except BaseException:
            with self.db.session() as session:  # release the claim so the freeze can be retried
                self._document(session, document_id).state = open_state
            raise
        with self.db.session() as session:
            document = self._document(session, document_id)
            document.state, document.frozen_at = "frozen", utcnow()
        self._audit_document(document_id, "freeze_document", self.actor)

    # -- monitoring -----------------------------------------------------------------------

    def append_update(self, document_id: int, record: MonitoringRecord, obligation_number: int,
                      monitor_person_id: str, passphrase: str) -> SignedDocument:
        """A monitor's signed, time-stamped update in the closure report's next empty slot."""
        with self.db.session() as session:
            document = self._document(session, document_id)
            if document.kind != InstrumentKind.CLOSURE_REPORT.value:
                raise SigningError(f"document {document_id} is a {document.instrument}, not a closure report")
            if document.monitoring_used >= document.monitoring_slots or document.state != "sealed":
                raise SigningError(f"the closure report (document {document_id}) has no monitoring slot left "
                                   f"(state {document.state}): append to its continuation report")
        credential = self.pki.unlock_person(monitor_person_id, passphrase)
        update_data = MonitoringUpdate(date=record.reported_on, obligation=str(obligation_number),
                                       status=f"{record.status.zh} {record.status.en}",
                                       summary_lines=_summary(record.text), full_text=record.text)
        store = _DatabaseDocuments(self.db, self.blobs, monitor_person_id, "monitoring")
        update_latest(store, str(document_id),
                      lambda current: append_monitoring_update(current, None, credential, update_data, env=self.env))
        with self.db.session() as session:  # in SQL: concurrent monitors must not lose a count
            session.execute(update(SignedDocument).where(SignedDocument.id == document_id)
                            .values(monitoring_used=SignedDocument.monitoring_used + 1))
        self._audit_document(document_id, "append_monitoring_update", monitor_person_id, update=record.id,
                             text_sha256=update_data.sha256)
        if self._claim_freeze(document_id):  # the last slot: the full report is archived as it stands
            self._freeze(document_id)
        with self.db.session() as session:
            return self._document(session, document_id)

    def monitors(self, session: Session) -> list[Signer]:
        return list(session.scalars(select(Signer).where(Signer.role == "monitor").order_by(Signer.id)))

    def append_to_closure_reports(self, number: str, record_id: int, monitor_person_id: str, passphrase: str,
                                  documents: OpenDocuments | None = None) -> list[int]:
        """Append one monitoring update to the open closure report of every edition of the case; where its
        slots are used up, first issue (through ``documents``) the continuation report that takes over."""
        with self.db.session() as session:
            case = session.scalars(select(Case).where(Case.number == number)).one()
            record = session.get(MonitoringRecord, record_id)
            if record is None or record.case_id != case.id:
                raise NotFoundError(f"{number} has no monitoring update number {record_id}")
            obligations = case.agreement.obligations if case.agreement else []
            number_of = next(i + 1 for i, o in enumerate(obligations) if o.id == record.obligation_id)
            reports = [(r.id, r.monitoring_used >= r.monitoring_slots) for r in self.open_closure_reports(session, case)]
        if not reports:
            raise SigningError(f"{number} has no issued closure report to append to (`casedocs issue {number} "
                               "closure_report`)")
        appended = []
        for document_id, full in reports:
            if full:
                if documents is None:
                    raise SigningError(f"closure report document {document_id} is full and no document service "
                                       "was given to issue its continuation")
                with documents() as (proc, docs):
                    previous = self._document(proc.session, document_id)
                    document_id = self.issue_continuation(proc.session, docs, proc.get_case(number), previous).id
            self.append_update(document_id, record, number_of, monitor_person_id, passphrase)
            appended.append(document_id)
        return appended

    @staticmethod
    def open_closure_reports(session: Session, case: Case) -> list[SignedDocument]:
        """Per edition, the closure report that takes monitoring updates: the newest of its chain."""
        newest: dict[str, SignedDocument] = {}
        for row in session.scalars(select(SignedDocument).where(SignedDocument.case_id == case.id,
                                                               SignedDocument.instrument == "closure_report")
                                   .order_by(SignedDocument.id)):
            newest[row.edition] = row
        return list(newest.values())

    def issue_continuation(self, session: Session, docs: DocumentService, case: Case,
                           previous: SignedDocument) -> SignedDocument:
        """A continuation closure report with fresh monitoring slots, naming the sha256 of the full,
        frozen report it continues (which stays as it is, verifiable on its own)."""
        if previous.instrument != "closure_report":
            raise SigningError(f"document {previous.id} is a {previous.instrument}, not a closure report")
        if previous.monitoring_used < previous.monitoring_slots:
            raise SigningError(f"closure report document {previous.id} still has "
                               f"{previous.monitoring_slots - previous.monitoring_used} empty monitoring slot(s)")
        if previous.state != "frozen" and self._claim_freeze(previous.id):  # its freeze on the last slot failed
            self._freeze(previous.id)
            session.refresh(previous)
        if previous.state != "frozen":  # the continuation must name the final bytes, not ones about to grow
            raise SigningError(f"closure report document {previous.id} is being frozen ({previous.state}); "
                               "try again in a moment")
        number = (continuation_number(previous.subject) or 1) + 1  # the original report is number 1
        continuation = Continuation(number=number, previous_sha256=previous.latest_sha256,
                                    previous_code=previous.verification_code,
                                    previous_issued_on=previous.sealed_at.astimezone(SHANGHAI).date())
        request = Request("closure_report", Edition.parse(previous.edition), continuation=continuation)
        document = self.seal_rendered(session, case, docs.render(case, request, ["pdf"]))
        document.continues_sha256 = previous.latest_sha256
        self._audit(session, case.number, "issue_continuation", document=document.id, continues=previous.id,
                    continues_sha256=previous.latest_sha256, number=number)
        return document

    # -- reading --------------------------------------------------------------------------

    def latest(self, document_id: int) -> bytes:
        with self.db.session() as session:
            return self.blobs.get(self._document(session, document_id).latest_sha256)

    def verify(self, pdf: bytes) -> VerificationReport:
        return verify(pdf, self.pki.trust_roots(), self.pki.crls(), other_certs=self.pki.intermediates())

    @staticmethod
    def _document(session: Session, document_id: int) -> SignedDocument:
        document = session.get(SignedDocument, document_id)
        if document is None:
            raise NotFoundError(f"no issued document number {document_id}")
        return document


def _summary(text: str, limit: int = 400) -> list[str]:
    """The appearance wraps (and cuts with an ellipsis) the summary itself; the full text stays in the
    record and its sha256 is shown. Only a generous prefix is passed: three lines is all that shows."""
    return [re.sub(r"\s+", " ", text).strip()[:limit]]
