"""Validation as of a past moment: what :mod:`signing.verify` uses to judge a signature when it
provably existed rather than now (issue 9, "Revocation"). The policy -- which time-stamps count,
what a keyCompromise revocation does -- is stated once, in :mod:`signing.verify`.

* :func:`judge_at_proof`: ETSI EN 319 102-1 §5.5.4 for a signer revoked now. The revocation time
  is compared with the proof of existence (best-signature-time); when it is later, the signature
  is validated again as of that proof (:func:`context_at`).
* :func:`revocation_entry`: the CRL entry behind a revocation, with its RFC 5280 §5.3.2
  invalidityDate (when the key was known or suspected compromised), which pyHanko does not read.
* :func:`long_term`: EN 319 102-1 §5.6.3 (PAdES-LTA) from the document's embedded evidence.

CRLs date revocations to the second (truncated): a revocation in the same second as the
time-stamp counts as before it, the safe side.
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import crl as a_crl
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.validation import ades, validate_pdf_signature
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
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule
from pyhanko_certvalidator.registry import SimpleTrustManager
from pyhanko_certvalidator.revinfo.archival import CRLContainer

from .pdfdoc import open_reader
from .pki import load_certs, load_crl, to_asn1_cert

REVOKED = "the signer's certificate is revoked"
# A hold suspends, it does not revoke; removeFromCRL lifts a hold.
_NOT_REVOCATIONS = frozenset({"certificate_hold", "remove_from_crl"})


@dataclass(frozen=True)
class Proof:
    """A trusted time-stamp over a signature: proof it existed at ``time`` (EN 319 102-1 POE)."""

    time: dt.datetime
    by: str  # "its signature time-stamp" or "document time-stamp <field>"

    def describe(self) -> str:
        return f"{_iso(self.time)} ({self.by})"


@dataclass(frozen=True)
class Revocation:
    """One CRL entry for a certificate, from a CRL its issuer signed."""

    date: dt.datetime  # revocationDate: when the CA processed it
    reason: str | None  # RFC 5280 reason name, e.g. "key_compromise"; None when the entry has none
    invalid_since: dt.datetime | None  # invalidityDate, when the CA states one

    @property
    def time(self) -> dt.datetime:
        """The revocation time a proof of existence must precede."""
        return self.date if self.invalid_since is None else min(self.date, self.invalid_since)

    def describe(self) -> str:
        """E.g. "2026-03-02T14:21:52+00:00 (affiliation_changed)", with the compromise date if any."""
        text = f"{_iso(self.date)} ({self.reason or 'unspecified'})"
        if self.invalid_since is not None and self.invalid_since < self.date:
            text += f"; its key is reported compromised since {_iso(self.invalid_since)}"
        return text


def revocation_entry(cert: a_x509.Certificate, crls: Iterable[a_crl.CertificateList],
                     issuers: Iterable[x509.Certificate]) -> Revocation | None:
    """The earliest revocation of ``cert`` listed by a CRL that one of ``issuers`` signed (a CRL
    nobody here can authenticate proves nothing); None when no such CRL lists it."""
    issuers = [i for i in issuers if a_x509.Name.load(i.subject.public_bytes()) == cert.issuer]
    found: list[Revocation] = []
    for certificate_list in crls:
        tbs = certificate_list["tbs_cert_list"]
        if tbs["issuer"] != cert.issuer or not _signed_by_one_of(certificate_list, issuers):
            continue
        for entry in tbs["revoked_certificates"]:
            if entry["user_certificate"].native != cert.serial_number:
                continue
            reason = entry.crl_reason_value.native if entry.crl_reason_value is not None else None
            if reason in _NOT_REVOCATIONS:
                continue
            invalid = entry.invalidity_date_value
            found.append(Revocation(entry["revocation_date"].native, reason,
                                    None if invalid is None else invalid.native))
    return min(found, key=lambda r: r.time, default=None)


@dataclass(frozen=True)
class PastJudgement:
    """The outcome of :func:`judge_at_proof`: ``problem`` is None when the signature passes as of
    its proof of existence."""

    revocation: Revocation
    problem: str | None


def reason_of(status: PdfSignatureStatus) -> str | None:
    details = status.revocation_details
    return None if details is None or details.revocation_reason is None else str(details.revocation_reason.native)


def revoked_problem(now: PdfSignatureStatus, proof: Proof | None) -> str:
    """What to say of a signer revoked now, before :func:`judge_at_proof` has looked further."""
    details = now.revocation_details
    if details is None:
        return REVOKED
    text = f"{REVOKED} since {_iso(details.revocation_date)} ({reason_of(now) or 'unspecified'})"
    if details.ca_revoked:
        text += " (a certificate authority of its chain)"
    if proof is None:
        return text + "; no trusted time-stamp proves the signature existed before"
    return text + f", not after the earliest proof that the signature existed: {proof.describe()}"


def judge_at_proof(emb: EmbeddedPdfSignature, vc: ValidationContext, now: PdfSignatureStatus, proof: Proof,
                   key_usage: KeyUsageConstraints) -> PastJudgement | None:
    """EN 319 102-1 §5.5.4 for a signer revoked ``now``: when the revocation time is after the
    proof of existence, validate the signature as of that proof; it passes if it validates there
    and no invalidity date (key compromised since) reaches back before the proof. None when the
    revocation date itself is not after the proof (nothing to re-examine)."""
    details = now.revocation_details
    if details is None or details.revocation_date <= proof.time:
        return None
    past = validate_pdf_signature(emb, signer_validation_context=context_at(vc, proof.time),
                                  key_usage_settings=key_usage)
    stated = Revocation(details.revocation_date, reason_of(now), None)
    path = past.validation_path
    if not (past.intact and past.valid and past.trusted) or past.revoked or path is None:
        indic = getattr(past.trust_problem_indic, "name", None) or "no valid path"
        return PastJudgement(stated, f"{revoked_problem(now, proof)}; as of that proof the certificate does "
                                     f"not validate either ({indic})")
    issuers = [x509.load_der_x509_certificate(c.dump()) for c in list(path.iter_certs(include_root=True))[:-1]]
    entry = revocation_entry(now.signing_cert, vc.crls, issuers) or stated
    if entry.time <= proof.time:
        return PastJudgement(entry, f"{REVOKED} since {entry.describe()}, not after the earliest proof that the "
                                    f"signature existed: {proof.describe()}")
    return PastJudgement(entry, None)


def _signed_by_one_of(certificate_list: a_crl.CertificateList, issuers: list[x509.Certificate]) -> bool:
    try:
        crl = x509.load_der_x509_crl(certificate_list.dump())
    except ValueError:
        return False
    for issuer in issuers:
        try:
            if crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]  # any CA key type
                return True
        except (TypeError, ValueError):
            continue
    return False


def context_at(vc: ValidationContext, moment: dt.datetime) -> ValidationContext:
    """``vc`` (same roots, certificates and revocation data, nothing fetched) as of ``moment``.

    Revocation data issued *after* ``moment`` is accepted ("retroactive"): a CRL published after
    the proof of existence is exactly what establishes the status at that time (EN 319 102-1
    §5.2.5 asks revocation data to be issued after the best-signature-time, not before)."""
    trust_manager = vc.path_builder.trust_manager
    assert isinstance(trust_manager, SimpleTrustManager)  # what every context of ours is built with
    return ValidationContext(
        trust_manager=trust_manager,
        certificate_registry=vc.certificate_registry,
        crls=vc.crls,
        ocsps=vc.ocsps,
        revinfo_policy=dataclasses.replace(vc.revinfo_policy, retroactive_revinfo=True),
        moment=moment,
        best_signature_time=moment,
        allow_fetching=False,
        algorithm_usage_policy=vc.algorithm_policy,
        time_tolerance=vc.time_tolerance,
    )


def _asn1_crl(c: x509.CertificateRevocationList | bytes | a_crl.CertificateList) -> a_crl.CertificateList:
    if isinstance(c, a_crl.CertificateList):
        return c
    return a_crl.CertificateList.load((load_crl(c) if isinstance(c, bytes) else c).public_bytes(Encoding.DER))


@dataclass
class LongTermResult:
    field: str
    passed: bool
    indication: str  # ETSI EN 319 102-1 (sub)indication, e.g. "AdESPassed.OK"
    oldest_archive_timestamp: str | None


def long_term(
    pdf: bytes,
    trust_roots: Iterable[x509.Certificate | bytes],
    crls: Iterable[x509.CertificateRevocationList | bytes | a_crl.CertificateList] = (),
    *,
    at: dt.datetime | None = None,
    key_usage: KeyUsageConstraints,
) -> list[LongTermResult]:
    """EN 319 102-1 §5.6.3 (PAdES-LTA) validation of every signature of ``pdf`` as of ``at``
    (default now); see :func:`signing.verify.verify_long_term`, which quiets pyHanko around it."""
    roots = [
        to_asn1_cert(c) for r in trust_roots for c in (load_certs(r) if isinstance(r, bytes) else [r])
    ]
    known_crls = [CRLContainer(_asn1_crl(c)) for c in crls]
    timing = None if at is None else ValidationTimingInfo(at, at, point_in_time_validation=False)
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
            key_usage_settings=key_usage,
        )
    )
    reader = open_reader(pdf)
    out = []
    for sig in reader.embedded_regular_signatures:
        try:
            res = asyncio.run(ades.ades_lta_validation(sig, spec, timing_info=timing))
            ind = f"{type(res.ades_subindic).__name__}.{getattr(res.ades_subindic, 'name', '')}"
            out.append(
                LongTermResult(
                    field=str(sig.field_name),
                    passed=ind == "AdESPassed.OK",
                    indication=ind,
                    oldest_archive_timestamp=None if res.oldest_evidence_record_timestamp is None
                    else _iso(res.oldest_evidence_record_timestamp),
                )
            )
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as e:
            out.append(LongTermResult(str(sig.field_name), False, f"error: {e}", None))
    return out


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat()
