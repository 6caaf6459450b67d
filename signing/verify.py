"""Verification: one report per document, one entry per signature.

The verdict (``valid``) is the policy of the mechanism, stricter than "pyHanko
found no error":

* at least one signature;
* every signature intact (hash and signature value), trusted (chains to a
  given root, revocation status established offline from the given CRLs,
  not revoked before the signature provably existed -- below) and carrying a
  trusted signature time-stamp;
* no later revision exceeds what the document's certification allows
  (DocMDP), and no approval signature is followed by more than form filling
  (a page, text, or an annotation added after signing invalidates);
* every document time-stamp intact and trusted; after the ``freeze``
  time-stamp only validation data and further archive time-stamps.

Revocation is read from the CRLs you pass (current ones: a stale CRL leaves the
status unknown) and judged *at the signature's proof of existence*, as AdES
does (ETSI EN 319 102-1 §5.5.4, validation of signatures with time): the
earliest trusted time-stamp covering the signature -- its own signature
time-stamp, or a later document/archive time-stamp -- is its
best-signature-time. A certificate revoked *after* that time does not
invalidate the signature: the certificate is re-validated as of that time
(:mod:`signing.pointintime`), and the report says so (``revoked`` and
``revoked_after_proof`` true, a line in ``notes``). A certificate revoked at or
before it, or a signature without a trusted time-stamp, stays invalid
("the signer's certificate is revoked since ...").

``keyCompromise`` follows the same rule. EN 319 102-1 compares the revocation
*time* with the proof of existence whatever the reason, as pyHanko and the EU
DSS library do: a trusted time-stamp from an independent TSA cannot be
back-dated by whoever stole the key, so a signature it proves older than the
compromise is the signer's. When the compromise is known to predate the
revocation, the CA says so with the RFC 5280 §5.3.2 invalidityDate of the CRL
entry; the revocation time is then the earlier of the two (pyHanko reads only
the revocationDate; :mod:`signing.pointintime` adds the invalidityDate). The
mechanism's own CA records no invalidity date: its revocation time is when
``casedocs signer revoke`` ran.

pyHanko logs every failed path with a traceback; the report states each
finding, so those records are dropped while a verification of ours runs.
"""
from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any, Iterable

from asn1crypto import crl as a_crl
from asn1crypto import x509 as a_x509
from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.sign.ades.report import AdESSubIndic
from pyhanko_certvalidator import ValidationContext

from . import _speedups
from .errors import MalformedPdf
from .pdfdoc import FREEZE_FIELD, document_state, open_reader
from .pki import build_validation_context
from .pointintime import REVOKED, LongTermResult, Proof, Revocation, judge_at_proof, long_term, reason_of
from .pointintime import revoked_problem

_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(dt.timezone.utc).isoformat()


_VERIFYING = contextvars.ContextVar("signing_verifying", default=False)


class _QuietWhileVerifying(logging.Filter):
    """Drops pyHanko's records (a warning with the traceback of every failed path or revoked
    certificate) while one of our verifications runs: the report states them. Without a handler
    configured, Python's last-resort handler printed them on stderr."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _VERIFYING.get()


_QUIET = _QuietWhileVerifying()


@contextmanager
def quiet_pyhanko() -> Iterator[None]:
    """Silence pyHanko's logging in this context (thread, task) only. A filter acts only on the
    logger a record is made on, not on its parents, so it goes on every pyHanko logger."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith(("pyhanko", "pyhanko_certvalidator")) and isinstance(logger, logging.Logger) \
                and _QUIET not in logger.filters:
            logger.addFilter(_QUIET)
    token = _VERIFYING.set(True)
    try:
        yield
    finally:
        _VERIFYING.reset(token)


# Problems about the certificates' status at validation time (expired, revocation
# unknown, no path): a PAdES-LTA proof of their status when used supersedes them.
UNTRUSTED_SIGNER = "the signer's certificate is not trusted"
UNTRUSTED_TIMESTAMP = "the signature time-stamp is not valid or not trusted"
# AdES sub-indications (EN 319 102-1 §5.1.3) of a certificate used outside its validity period.
OUTSIDE_VALIDITY = frozenset({"OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED", "NOT_YET_VALID"})


@dataclass
class SignatureReport:
    field: str
    kind: str  # "certification" | "approval"
    revision: int
    signer: str | None  # subject CN
    person_id: str | None  # subject serialNumber (our person id)
    side: str | None  # subject OU, if one of ours
    role: str | None  # subject title, if one of ours
    issuer: str | None
    reason: str | None
    claimed_signing_time: str | None  # signer's own claim (not evidence)
    timestamp: str | None  # signature time-stamp (evidence)
    timestamp_trusted: bool
    intact: bool
    trusted: bool
    revoked: bool
    revocation_date: str | None
    docmdp: str | None  # certification permission, if this one certifies
    modification_level: str | None  # of all later revisions
    docmdp_ok: bool | None
    coverage: str | None
    covers_whole_document: bool
    valid: bool
    problems: list[str] = dataclasses.field(default_factory=list)
    trust_problem: str | None = None  # pyHanko's AdES sub-indication when not trusted, e.g. "OUT_OF_BOUNDS_NO_POE"
    revocation_reason: str | None = None  # RFC 5280 reason of the revocation, e.g. "affiliation_changed"
    invalidity_date: str | None = None  # RFC 5280 invalidityDate of the revocation (key compromised since)
    proof_of_existence: str | None = None  # best-signature-time: earliest trusted time-stamp covering it
    revoked_after_proof: bool = False  # revoked, but only after proof_of_existence: judged as of then
    notes: list[str] = dataclasses.field(default_factory=list)  # facts that do not invalidate

    def accept_revocation_after_proof(self, revocation: Revocation, proof: str | None) -> None:
        """Point-in-time validation passed: the certificate was good at ``proof`` and revoked later."""
        self.revoked, self.revoked_after_proof, self.trusted, self.trust_problem = True, True, True, None
        self.revocation_date, self.revocation_reason = _iso(revocation.date), revocation.reason
        self.invalidity_date = _iso(revocation.invalid_since)
        self.problems = [p for p in self.problems if not p.startswith((UNTRUSTED_SIGNER, REVOKED))]
        self.notes.append(f"the signer's certificate was revoked on {revocation.describe()}, after the signature's "
                          f"proof of existence at {proof}: judged as of then (ETSI EN 319 102-1 §5.5.4)")
        self.valid = not self.problems

    def accept_long_term_proof(self) -> None:
        """ETSI EN 319 102-1 §5.6.3 passed for this signature: its certificate and
        time-stamp were proven good when used, so their status *now* (expired,
        revocation no longer determinable) stops counting against it."""
        self.problems = [p for p in self.problems if not p.startswith((UNTRUSTED_SIGNER, UNTRUSTED_TIMESTAMP))]
        if self.intact:
            self.trusted = self.timestamp_trusted = True
        self.valid = not self.problems


@dataclass
class TimestampReport:
    field: str
    revision: int
    time: str | None
    intact: bool
    trusted: bool
    modification_level: str | None
    coverage: str | None
    covers_whole_document: bool
    freeze: bool
    valid: bool
    problems: list[str] = dataclasses.field(default_factory=list)


@dataclass
class VerificationReport:
    valid: bool
    reasons: list[str]
    signatures: list[SignatureReport]
    document_timestamps: list[TimestampReport]
    certified: bool
    docmdp: str | None
    frozen: bool
    revisions: int
    empty_fields: list[str]
    notes: list[str] = dataclasses.field(default_factory=list)  # "<field>: <note>", e.g. revoked after proof

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: ``{"valid", "signatures": [{"field", "signer",
        "intact", "trusted", "modification_level", "docmdp_ok",
        "timestamp", ...}], ...}``."""
        return json.loads(json.dumps(asdict(self), ensure_ascii=False))


def _attr(name: a_x509.Name, key: str) -> str | None:
    v = name.native.get(key)
    if isinstance(v, list):
        v = v[0] if v else None
    return None if v is None else str(v)


def _level(level: ModificationLevel | None) -> str | None:
    return None if level is None else level.name


def _coverage(c: SignatureCoverageLevel | None) -> str | None:
    return None if c is None else c.name


def _certification_ref(reader: PdfFileReader) -> object | None:
    try:
        return reader.root["/Perms"].raw_get("/DocMDP").reference
    except (KeyError, AttributeError):
        return None


def _sig_value_ref(emb: EmbeddedPdfSignature) -> object | None:
    try:
        return emb.sig_field.raw_get("/V").reference
    except (KeyError, AttributeError):
        return None


def verify(
    pdf: bytes,
    trust_roots: Iterable[x509.Certificate | bytes],
    crls: Iterable[x509.CertificateRevocationList | bytes] = (),
    *,
    other_certs: Iterable[x509.Certificate | bytes] = (),
) -> VerificationReport:
    """Verify every signature and document time-stamp of ``pdf`` offline
    against ``trust_roots`` and ``crls``. Raises :class:`MalformedPdf` for
    input that is not a readable PDF; everything else ends up in the report."""
    vc = build_validation_context(trust_roots, crls, other_certs)
    return verify_with_context(pdf, vc)


def verify_with_context(pdf: bytes, vc: ValidationContext) -> VerificationReport:
    _speedups.install()
    with quiet_pyhanko():
        return _verify(pdf, vc)


def _verify(pdf: bytes, vc: ValidationContext) -> VerificationReport:
    reader = open_reader(pdf)
    try:
        state = document_state(reader)
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise MalformedPdf(f"cannot enumerate signatures: {e}") from e
    try:
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError):
        # A PDF whose signature value is not a CMS signature any more: the bytes of a signature were
        # altered. That is a verdict on the document (INVALID), not bad input.
        return VerificationReport(
            valid=False, reasons=["a signature's value is corrupted (it is no longer a CMS signature): the file "
                                  "was altered after it was signed"],
            signatures=[], document_timestamps=[], certified=state.docmdp is not None,
            docmdp=None if state.docmdp is None else state.docmdp.name, frozen=state.frozen,
            revisions=state.revisions, empty_fields=state.empty_fields)

    cert_ref = _certification_ref(reader)
    reasons: list[str] = []
    tss: dict[int, TimestampReport] = {}  # by position, to keep the document's order
    freeze_revision: int | None = None
    for i, emb in enumerate(embedded):
        try:
            is_ts = emb.sig_object_type == "/DocTimeStamp"
        except (KeyError, PdfError):
            is_ts = False
        if is_ts:
            tss[i] = _timestamp_report(emb, vc)
            if emb.field_name == FREEZE_FIELD:
                freeze_revision = emb.signed_revision
    # Document time-stamps prove that every earlier revision existed when they were made.
    archive = [(t.revision, Proof(dt.datetime.fromisoformat(t.time), f"document time-stamp {t.field}"))
               for t in tss.values() if t.intact and t.trusted and t.time is not None]
    sigs = [
        _signature_report(emb, vc, certifying=_sig_value_ref(emb) == cert_ref and cert_ref is not None,
                          archive=[proof for revision, proof in archive if revision > emb.signed_revision])
        for i, emb in enumerate(embedded) if i not in tss
    ]

    if not sigs:
        reasons.append("the document carries no signature")
    for s in sigs:
        if freeze_revision is not None and s.revision > freeze_revision:
            s.problems.append("signed after the document was frozen")
            s.valid = False
        for p in s.problems:
            reasons.append(f"{s.field}: {p}")
    for t in tss.values():
        for p in t.problems:
            reasons.append(f"{t.field}: {p}")

    valid = bool(sigs) and all(s.valid for s in sigs) and all(t.valid for t in tss.values())
    return VerificationReport(
        valid=valid,
        reasons=reasons,
        signatures=sigs,
        document_timestamps=list(tss.values()),
        certified=state.docmdp is not None,
        docmdp=None if state.docmdp is None else state.docmdp.name,
        frozen=state.frozen,
        revisions=state.revisions,
        empty_fields=state.empty_fields,
        notes=[f"{s.field}: {n}" for s in sigs for n in s.notes],
    )


def _signature_report(emb: EmbeddedPdfSignature, vc: ValidationContext, *, certifying: bool,
                      archive: list[Proof]) -> SignatureReport:
    problems: list[str] = []
    field_name = str(emb.field_name)
    try:
        subject = emb.signer_cert.subject
        signer, person_id = _attr(subject, "common_name"), _attr(subject, "serial_number")
        side, role = _attr(subject, "organizational_unit_name"), _attr(subject, "title")
        issuer = emb.signer_cert.issuer.human_friendly
    except Exception:  # noqa: BLE001 - a mangled CMS blob must not abort the report
        signer = person_id = side = role = issuer = None
    reason = emb.sig_object.get("/Reason")
    try:
        st = validate_pdf_signature(emb, signer_validation_context=vc, key_usage_settings=_KEY_USAGE)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as e:
        problems.append(f"signature could not be validated: {e}")
        return SignatureReport(
            field=field_name, kind="certification" if certifying else "approval", revision=emb.signed_revision,
            signer=signer, person_id=person_id, side=side, role=role, issuer=issuer,
            reason=None if reason is None else str(reason), claimed_signing_time=None, timestamp=None,
            timestamp_trusted=False, intact=False, trusted=False, revoked=False, revocation_date=None,
            docmdp=None, modification_level=None, docmdp_ok=None, coverage=None, covers_whole_document=False,
            valid=False, problems=problems,
        )  # fmt: skip

    intact = bool(st.intact and st.valid)
    tsv = st.timestamp_validity
    ts_ok = bool(tsv is not None and tsv.intact and tsv.valid and tsv.trusted)
    level = st.modification_level
    docmdp = emb.docmdp_level if certifying else None
    proofs = archive + ([Proof(tsv.timestamp, "its signature time-stamp")] if ts_ok and tsv is not None else [])
    proof = min(proofs, key=lambda p: p.time, default=None)

    if not intact:
        problems.append("the signed content was altered (hash or signature value does not match)")
    if st.revoked:
        problems.append(revoked_problem(st, proof))
    elif not st.trusted and intact:
        indic = st.trust_problem_indic
        problems.append(f"{UNTRUSTED_SIGNER} ({_indic_name(indic) + ': ' if indic else ''}{_trust_hint(indic)})")
    if tsv is None:
        problems.append("no signature time-stamp")
    elif not ts_ok:
        problems.append(UNTRUSTED_TIMESTAMP)
    if st.docmdp_ok is False:
        problems.append(
            f"later changes ({_level(level)}) exceed what the signature allows"
            + (f" (certification: {docmdp.name})" if docmdp is not None else "")
        )
    elif level is not None and level.value > ModificationLevel.FORM_FILLING.value:
        # pyHanko tolerates annotations after an approval signature; our
        # instruments do not.
        problems.append(f"changes after signing beyond form filling ({level.name})")

    rd = st.revocation_details
    report = SignatureReport(
        field=field_name,
        kind="certification" if certifying else "approval",
        revision=emb.signed_revision,
        signer=signer,
        person_id=person_id,
        side=side,
        role=role,
        issuer=issuer,
        reason=None if reason is None else str(reason),
        claimed_signing_time=_iso(st.signer_reported_dt),
        timestamp=_iso(tsv.timestamp) if tsv is not None else None,
        timestamp_trusted=ts_ok,
        intact=intact,
        trusted=bool(st.trusted),
        revoked=bool(st.revoked),
        revocation_date=_iso(rd.revocation_date) if rd else None,
        docmdp=None if docmdp is None else docmdp.name,
        modification_level=_level(level),
        docmdp_ok=st.docmdp_ok,
        coverage=_coverage(st.coverage),
        covers_whole_document=st.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        valid=not problems,
        problems=problems,
        trust_problem=None if st.trusted else _indic_name(st.trust_problem_indic) or None,
        revocation_reason=reason_of(st),
        proof_of_existence=None if proof is None else _iso(proof.time),
    )
    if st.revoked and intact and proof is not None:
        past = judge_at_proof(emb, vc, st, proof, _KEY_USAGE)
        if past is not None and past.problem is None:
            report.accept_revocation_after_proof(past.revocation, proof.describe())
        elif past is not None and past.problem is not None:
            report.revocation_reason, report.invalidity_date = past.revocation.reason, _iso(past.revocation.invalid_since)
            report.problems = [past.problem] + [p for p in report.problems if not p.startswith(REVOKED)]
    return report


def _indic_name(indic: AdESSubIndic | None) -> str:
    return indic.name if isinstance(indic, Enum) else ""


def _trust_hint(indic: AdESSubIndic | None) -> str:
    """What a trust failure most likely means, in the reader's terms. pyHanko reports a missing
    CRL as a general chain failure, so only an expired certificate is told apart."""
    if _indic_name(indic) in OUTSIDE_VALIDITY:
        return "used outside its validity period"
    return "no path to a given trust root, or its revocation status is unknown -- is the issuer's current CRL supplied?"


def _timestamp_report(emb: EmbeddedPdfSignature, vc: ValidationContext) -> TimestampReport:
    problems: list[str] = []
    field_name = str(emb.field_name)
    is_freeze = field_name == FREEZE_FIELD
    try:
        st = validate_pdf_timestamp(emb, validation_context=vc)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as e:
        return TimestampReport(
            field=field_name, revision=emb.signed_revision, time=None, intact=False, trusted=False,
            modification_level=None, coverage=None, covers_whole_document=False, freeze=is_freeze,
            valid=False, problems=[f"document time-stamp could not be validated: {e}"],
        )  # fmt: skip
    intact = bool(st.intact and st.valid)
    level = st.modification_level
    if not intact:
        problems.append("the time-stamped content was altered")
    elif not st.trusted:
        problems.append("the document time-stamp is not trusted")
    if is_freeze and level is not None and level.value > ModificationLevel.LTA_UPDATES.value:
        problems.append(f"changed after the document was frozen ({level.name})")
    elif level is ModificationLevel.OTHER:
        problems.append("changes after this time-stamp that no signature permits (OTHER)")
    return TimestampReport(
        field=field_name,
        revision=emb.signed_revision,
        time=_iso(st.timestamp),
        intact=intact,
        trusted=bool(st.trusted),
        modification_level=_level(level),
        coverage=_coverage(st.coverage),
        covers_whole_document=st.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        freeze=is_freeze,
        valid=not problems,
        problems=problems,
    )


def verify_long_term(
    pdf: bytes,
    trust_roots: Iterable[x509.Certificate | bytes],
    crls: Iterable[x509.CertificateRevocationList | bytes | a_crl.CertificateList] = (),
    *,
    at: dt.datetime | None = None,
) -> list[LongTermResult]:
    """ETSI EN 319 102-1 §5.6.3 (PAdES-LTA) validation of every signature,
    using the evidence embedded in the document (DSS + document time-stamps)
    plus any ``crls`` given; nothing is fetched. This is the check that still
    works after the signers' certificates have expired: it is what freeze()
    and archive_timestamp() exist for. ``at``: validate as of that moment
    (default now)."""
    _speedups.install()
    with quiet_pyhanko():
        return long_term(pdf, trust_roots, crls, at=at, key_usage=_KEY_USAGE)
