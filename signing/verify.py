"""Verification: one report per document, one entry per signature.

The verdict (``valid``) is the policy of the mechanism, stricter than "pyHanko
found no error":

* at least one signature;
* every signature intact (hash and signature value), trusted (chains to a
  given root, revocation status established offline from the given CRLs,
  not revoked) and carrying a trusted signature time-stamp;
* no later revision exceeds what the document's certification allows
  (DocMDP), and no approval signature is followed by more than form filling
  (a page, text, or an annotation added after signing invalidates);
* every document time-stamp intact and trusted; after the ``freeze``
  time-stamp only validation data and further archive time-stamps.

Revocation is judged *now* (the CRL you pass): a certificate revoked after it
signed still makes the signature invalid, with the revocation date reported
so a caller can distinguish "revoked before/after signing".
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from asn1crypto import crl as a_crl
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import ades, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from . import _speedups
from .errors import MalformedPdf
from .pdfdoc import FREEZE_FIELD, document_state, open_reader
from .pki import build_validation_context, load_certs, load_crl, to_asn1_cert

_KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False)


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(dt.timezone.utc).isoformat()


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
    problems: list[str] = field(default_factory=list)


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
    problems: list[str] = field(default_factory=list)


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
    reader = open_reader(pdf)
    try:
        state = document_state(reader)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise MalformedPdf(f"cannot enumerate signatures: {e}") from e

    cert_ref = _certification_ref(reader)
    reasons: list[str] = []
    sigs: list[SignatureReport] = []
    tss: list[TimestampReport] = []
    freeze_revision: int | None = None

    for emb in embedded:
        try:
            is_ts = emb.sig_object_type == "/DocTimeStamp"
        except (KeyError, PdfError):
            is_ts = False
        if is_ts:
            tss.append(_timestamp_report(emb, vc))
            if emb.field_name == FREEZE_FIELD:
                freeze_revision = emb.signed_revision
        else:
            sigs.append(_signature_report(emb, vc, certifying=_sig_value_ref(emb) == cert_ref and cert_ref is not None))

    if not sigs:
        reasons.append("the document carries no signature")
    for s in sigs:
        if freeze_revision is not None and s.revision > freeze_revision:
            s.problems.append("signed after the document was frozen")
            s.valid = False
        for p in s.problems:
            reasons.append(f"{s.field}: {p}")
    for t in tss:
        for p in t.problems:
            reasons.append(f"{t.field}: {p}")

    valid = bool(sigs) and all(s.valid for s in sigs) and all(t.valid for t in tss)
    return VerificationReport(
        valid=valid,
        reasons=reasons,
        signatures=sigs,
        document_timestamps=tss,
        certified=state.docmdp is not None,
        docmdp=None if state.docmdp is None else state.docmdp.name,
        frozen=state.frozen,
        revisions=state.revisions,
        empty_fields=state.empty_fields,
    )


def _signature_report(emb: EmbeddedPdfSignature, vc: ValidationContext, *, certifying: bool) -> SignatureReport:
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

    if not intact:
        problems.append("the signed content was altered (hash or signature value does not match)")
    if st.revoked:
        rd = st.revocation_details
        problems.append(
            "the signer's certificate is revoked"
            + (f" since {_iso(rd.revocation_date)}" if rd is not None else "")
        )
    elif not st.trusted and intact:
        why = st.trust_problem_indic.name if st.trust_problem_indic is not None else "no path to a trust root"
        problems.append(
            f"the signer's certificate is not trusted ({why}: no path to a given trust root, "
            "or its revocation status is unknown -- is the issuer's current CRL supplied?)"
        )
    if tsv is None:
        problems.append("no signature time-stamp")
    elif not ts_ok:
        problems.append("the signature time-stamp is not valid or not trusted")
    if st.docmdp_ok is False:
        problems.append(
            f"later changes ({_level(level)}) exceed what the signature allows"
            + (f" (certification: {docmdp.name})" if docmdp is not None else "")
        )
    elif level is not None and level.value > ModificationLevel.FORM_FILLING.value:
        # pyHanko tolerates annotations after an approval signature; our
        # instruments do not.
        problems.append(f"changes after signing beyond form filling ({level.name})")

    return SignatureReport(
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
        revocation_date=_iso(st.revocation_details.revocation_date) if st.revocation_details else None,
        docmdp=None if docmdp is None else docmdp.name,
        modification_level=_level(level),
        docmdp_ok=st.docmdp_ok,
        coverage=_coverage(st.coverage),
        covers_whole_document=st.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        valid=not problems,
        problems=problems,
    )


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


@dataclass
class LongTermResult:
    field: str
    passed: bool
    indication: str  # ETSI EN 319 102-1 (sub)indication, e.g. "AdESPassed.OK"
    oldest_archive_timestamp: str | None


def verify_long_term(
    pdf: bytes,
    trust_roots: Iterable[x509.Certificate | bytes],
    crls: Iterable[x509.CertificateRevocationList | bytes] = (),
) -> list[LongTermResult]:
    """ETSI EN 319 102-1 §5.6.3 (PAdES-LTA) validation of every signature,
    using the evidence embedded in the document (DSS + document time-stamps)
    plus any ``crls`` given; nothing is fetched. This is the check that still
    works after the signers' certificates have expired: it is what freeze()
    and archive_timestamp() exist for."""
    _speedups.install()
    roots = [
        to_asn1_cert(c) for r in trust_roots for c in (load_certs(r) if isinstance(r, bytes) else [r])
    ]
    known_crls = [
        CRLContainer(a_crl.CertificateList.load((load_crl(c) if isinstance(c, bytes) else c).public_bytes(Encoding.DER)))
        for c in crls
    ]
    required = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=roots),
                revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(required, required)),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=LocalKnowledge(known_crls=known_crls),
            key_usage_settings=_KEY_USAGE,
        )
    )
    reader = open_reader(pdf)
    out = []
    for sig in reader.embedded_regular_signatures:
        try:
            res = asyncio.run(ades.ades_lta_validation(sig, spec))
            ind = f"{type(res.ades_subindic).__name__}.{res.ades_subindic.name}"
            out.append(
                LongTermResult(
                    field=str(sig.field_name),
                    passed=ind == "AdESPassed.OK",
                    indication=ind,
                    oldest_archive_timestamp=_iso(res.oldest_evidence_record_timestamp),
                )
            )
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as e:
            out.append(LongTermResult(str(sig.field_name), False, f"error: {e}", None))
    return out
