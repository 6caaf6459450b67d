"""Verification by someone who holds only the PDF and the mechanism's CA certificate.

The data-directory verification (:func:`signing.verify.verify` fed by the
mechanism's published CRLs) judges revocation *now*. A recipient outside the
mechanism has only the trust roots they were given (``casedocs ca export``)
and whatever validation data the PDF carries: every signed revision embeds a
DSS with the chains and the CRL current at signing time, and a frozen
document (PAdES B-LTA) adds an archive time-stamp over fresh validation data.

The verdict uses the three status indications of ETSI EN 319 102-1 (§5.1.3)
instead of forcing a yes/no:

* ``VALID`` (TOTAL-PASSED): every mechanism check passes (integrity, a path
  to a given root, signature time-stamps, DocMDP, the freeze rule) *and* for
  every signature the revocation status is established -- by a CRL that is
  current at validation time (given with ``crls`` or still current in the
  DSS), or by PAdES-LTA validation from the embedded evidence alone
  (§5.6.3: the archive time-stamp proves the embedded CRL existed when it
  showed the certificate unrevoked).
* ``INVALID`` (TOTAL-FAILED): a check fails, including "revoked" when a CRL
  available here says so.
* ``INDETERMINATE``: nothing fails, but the revocation status of at least
  one signature cannot be established offline. AdES says INDETERMINATE, not
  FAILED, and so do we: "intact and chaining to the CA, revocation not
  checked". pyHanko reports ``AdESIndeterminate.NO_POE`` for it once the CRL
  embedded in the document is no longer current (7 days after it was
  published): for an unfrozen document there is no archive time-stamp at
  all, and for a frozen one the newest archive time-stamp must itself be
  validated *now* (§5.6.3), which needs a current CRL for the TSA's
  certificate. Likewise a certificate that has expired by the validation
  time with no such proof (``OUT_OF_BOUNDS_NO_POE``). The remedy is the
  mechanism's current CRL (``crls``, the command's ``--crl``), or
  verification where its data directory is; with it a frozen document
  verifies even after its signers' certificates expire.

Revocation is judged at the signature's proof of existence, as in the
data-directory verification (:mod:`signing.verify`, ETSI EN 319 102-1 §5.5.4):
a signer revoked *after* the earliest trusted time-stamp over the signature
leaves it VALID (``revoked_after_proof_of_existence``); revoked at or before
it (its RFC 5280 invalidity date counts), INVALID. A revocation is final, so a
CRL signed by a given root that lists the signer settles this even after that
CRL's next update.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Iterable

from asn1crypto import crl as a_crl
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from .errors import MalformedPdf, PKIError
from .pdfdoc import open_reader
from .pki import load_certs, load_crl, to_asn1_cert
from .pointintime import Revocation, revocation_entry
from .verify import (
    OUTSIDE_VALIDITY,
    REVOKED,
    UNTRUSTED_SIGNER,
    LongTermResult,
    SignatureReport,
    VerificationReport,
    quiet_pyhanko,
    verify_long_term,
    verify_with_context,
)


class Verdict(str, Enum):
    """ETSI EN 319 102-1 §5.1.3 main status indications, in our words."""

    VALID = "VALID"  # TOTAL-PASSED
    INDETERMINATE = "INDETERMINATE"
    INVALID = "INVALID"  # TOTAL-FAILED


class RevocationStatus(str, Enum):
    NOT_REVOKED = "not_revoked"
    REVOKED_AFTER_PROOF = "revoked_after_proof_of_existence"  # judged as of the proof: valid
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class RevocationSource(str, Enum):
    CURRENT_CRL = "current_crl"  # a CRL valid at validation time (given, or still current in the DSS)
    CRL_LISTING = "crl_listing"  # a CRL of a given root listing the certificate (final, even once stale)
    ARCHIVE_TIMESTAMP = "archive_timestamp"  # PAdES-LTA from the embedded evidence
    NONE = "none"


@dataclass
class RevocationCheck:
    field: str
    status: RevocationStatus
    source: RevocationSource
    as_of: str | None  # when the status holds (validation time, the archive time-stamp, or the proof of existence)
    ades: str | None  # pyHanko's EN 319 102-1 LTA indication, e.g. "AdESPassed.OK", "AdESIndeterminate.NO_POE"


@dataclass
class OfflineReport:
    """The verdict, why, how revocation was settled per signature, and the mechanism's
    checks (:class:`VerificationReport`) run against the given roots only."""

    verdict: Verdict
    reasons: list[str]
    revocation: list[RevocationCheck]
    checks: VerificationReport
    trust_roots: list[str] = field(default_factory=list)  # subject of each given root

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def exit_status(self) -> int:
        """0 VALID, 1 INVALID, 3 INDETERMINATE (2 is the command line's own "could not run")."""
        return {Verdict.VALID: 0, Verdict.INVALID: 1, Verdict.INDETERMINATE: 3}[self.verdict]

    def summary_lines(self) -> list[str]:
        """One line per signature and document time-stamp, then the verdict: what a person reads."""
        by_field = {r.field: r for r in self.revocation}
        lines = []
        for s in self.checks.signatures:
            r = by_field.get(s.field)
            revocation = "revocation not checked" if r is None or r.status is RevocationStatus.UNKNOWN else (
                f"{r.status.value.replace('_', ' ')} ({r.source.value.replace('_', ' ')}, as of {r.as_of})")
            if r is not None and r.status is RevocationStatus.REVOKED_AFTER_PROOF:
                revocation += f", revoked {s.revocation_date} ({s.revocation_reason or 'unspecified'})"
            lines.append(f"{s.field}: {s.signer} — intact {s.intact}, chains to a given root {s.trusted}, "
                         f"{revocation}, {s.modification_level}, time-stamp {s.timestamp}")
        for t in self.checks.document_timestamps:
            lines.append(f"{t.field}: document time-stamp {t.time} — intact {t.intact}, trusted {t.trusted}")
        lines.append(self.verdict.value + ("" if not self.reasons else ": " + "; ".join(self.reasons)))
        return lines

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict: ``{"verdict", "reasons", "revocation": [...], "checks": {...}, "trust_roots"}``."""
        document: dict[str, Any] = json.loads(json.dumps(asdict(self), ensure_ascii=False))
        return document


@dataclass
class _Embedded:
    certs: list[a_x509.Certificate]
    crls: list[a_crl.CertificateList]


def _embedded_validation_data(reader: PdfFileReader) -> _Embedded:
    """Chains and CRLs from the document's DSS (nothing when it has none)."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return _Embedded([], [])
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise MalformedPdf(f"unreadable document security store: {e}") from e
    crls = [a_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.crls]
    return _Embedded(list(dss.load_certs()), crls)


def _roots(trust_roots: Iterable[x509.Certificate | bytes]) -> list[x509.Certificate]:
    roots = [c for r in trust_roots for c in (load_certs(r) if isinstance(r, bytes) else [r])]
    if not roots:
        raise PKIError("at least one trust root is required")
    return roots


def _context(roots: list[x509.Certificate], crls: list[a_crl.CertificateList], embedded: _Embedded,
             mode: str, at: dt.datetime | None) -> ValidationContext:
    kwargs: dict[str, Any] = dict(
        trust_roots=[to_asn1_cert(c) for c in roots],
        other_certs=embedded.certs,
        crls=crls + embedded.crls,
        allow_fetching=False,
        revocation_mode=mode,
    )
    if at is not None:
        kwargs["moment"] = at
    return ValidationContext(**kwargs)


def verify_offline(
    pdf: bytes,
    trust_roots: Iterable[x509.Certificate | bytes],
    crls: Iterable[x509.CertificateRevocationList | bytes] = (),
    *,
    at: dt.datetime | None = None,
) -> OfflineReport:
    """Verify ``pdf`` against ``trust_roots`` only, with the revocation data the
    PDF embeds plus any ``crls`` given; nothing is fetched, no data directory
    is read. ``at`` validates as of another moment (default: now). Raises
    :class:`MalformedPdf` for input that is not a readable PDF."""
    with quiet_pyhanko():
        return _verify_offline(pdf, _roots(trust_roots), crls, at)


def _verify_offline(pdf: bytes, roots: list[x509.Certificate],
                    crls: Iterable[x509.CertificateRevocationList | bytes], at: dt.datetime | None) -> OfflineReport:
    given = [a_crl.CertificateList.load((load_crl(c) if isinstance(c, bytes) else c).public_bytes(Encoding.DER))
             for c in crls]
    reader = open_reader(pdf)
    embedded = _embedded_validation_data(reader)
    # The mechanism's checks with revocation left aside: a failure here is a
    # real failure (altered, no path to a given root, DocMDP, freeze rule).
    checks = verify_with_context(pdf, _context(roots, given, embedded, "none", at))
    # The same with revocation required to be established now ("hard-fail").
    current = {s.field: s for s in verify_with_context(pdf, _context(roots, given, embedded, "hard-fail", at)).signatures}
    listed = _listed_as_revoked(reader, roots, given + embedded.crls)
    long_term: dict[str, LongTermResult] | None = None
    revocation: list[RevocationCheck] = []
    expired: dict[str, str] = {}  # field -> AdES sub-indication, for certificates outside their validity now
    when = _iso(at or dt.datetime.now(dt.timezone.utc))
    for sig in checks.signatures:
        now_sig = current.get(sig.field)
        listing = listed.get(sig.field)
        after_proof = listing is not None and _proven_before(sig, listing)
        if now_sig is not None and now_sig.revoked and not now_sig.revoked_after_proof:
            # A current CRL lists it, dated at or before the signature's proof of existence.
            revocation.append(RevocationCheck(sig.field, RevocationStatus.REVOKED, RevocationSource.CURRENT_CRL,
                                              now_sig.revocation_date, None))
            _take_revocation(sig, now_sig)
        elif listing is not None and not after_proof:
            # Revocation is final: a CRL of a given root listing it settles it even after that CRL's
            # next update.
            revocation.append(RevocationCheck(sig.field, RevocationStatus.REVOKED, RevocationSource.CRL_LISTING,
                                              _iso(listing.date), None))
            sig.revoked, sig.revocation_date, sig.valid = True, _iso(listing.date), False
            sig.revocation_reason, sig.invalidity_date = listing.reason, _opt_iso(listing.invalid_since)
            sig.problems.append(f"{REVOKED} since {listing.describe()}, not after the earliest proof that the "
                                f"signature existed: {sig.proof_of_existence or 'none'}")
        elif now_sig is not None and now_sig.revoked_after_proof:
            revocation.append(RevocationCheck(sig.field, RevocationStatus.REVOKED_AFTER_PROOF,
                                              RevocationSource.CURRENT_CRL, now_sig.proof_of_existence, None))
            _take_revocation(sig, now_sig)
        elif after_proof and listing is not None and sig.trusted:
            # A stale CRL, but revocation is final: it dates the revocation after the proof of existence,
            # and the chain to a given root holds.
            revocation.append(RevocationCheck(sig.field, RevocationStatus.REVOKED_AFTER_PROOF,
                                              RevocationSource.CRL_LISTING, sig.proof_of_existence, None))
            sig.accept_revocation_after_proof(listing, sig.proof_of_existence)
        elif now_sig is not None and now_sig.trusted:
            revocation.append(RevocationCheck(sig.field, RevocationStatus.NOT_REVOKED, RevocationSource.CURRENT_CRL,
                                              when, None))
        else:
            if long_term is None:  # only when some signature needs it: AdES validation is the slow part
                long_term = {r.field: r for r in verify_long_term(pdf, roots, given, at=at)}
            lt = long_term.get(sig.field)
            if lt is not None and lt.passed:
                sig.accept_long_term_proof()
                status = RevocationStatus.REVOKED_AFTER_PROOF if after_proof else RevocationStatus.NOT_REVOKED
                revocation.append(RevocationCheck(sig.field, status, RevocationSource.ARCHIVE_TIMESTAMP,
                                                  lt.oldest_archive_timestamp, lt.indication))
                if after_proof and listing is not None:
                    sig.accept_revocation_after_proof(listing, sig.proof_of_existence)
            else:
                revocation.append(RevocationCheck(sig.field, RevocationStatus.UNKNOWN, RevocationSource.NONE, None,
                                                  None if lt is None else lt.indication))
                if sig.intact and sig.trust_problem in OUTSIDE_VALIDITY:
                    # AdES: an expired certificate without proof of existence is
                    # INDETERMINATE (OUT_OF_BOUNDS_NO_POE), not FAILED.
                    sig.problems = [p for p in sig.problems if not p.startswith(UNTRUSTED_SIGNER)]
                    expired[sig.field] = sig.trust_problem
    return _judge(checks, revocation, expired, roots)


def _proven_before(sig: SignatureReport, revocation: Revocation) -> bool:
    """Whether a trusted time-stamp proves the signature existed before ``revocation``."""
    proof = sig.proof_of_existence
    return proof is not None and dt.datetime.fromisoformat(proof) < revocation.time


def _take_revocation(sig: SignatureReport, judged: SignatureReport) -> None:
    """Copy the revocation findings of the hard-fail pass onto the report with revocation left aside."""
    sig.revoked, sig.revoked_after_proof = judged.revoked, judged.revoked_after_proof
    sig.revocation_date, sig.revocation_reason = judged.revocation_date, judged.revocation_reason
    sig.invalidity_date = judged.invalidity_date
    sig.notes += judged.notes
    sig.problems += [p for p in judged.problems if p.startswith(REVOKED) and p not in sig.problems]
    sig.valid = not sig.problems


def _listed_as_revoked(reader: PdfFileReader, roots: list[x509.Certificate],
                       crls: list[a_crl.CertificateList]) -> dict[str, Revocation]:
    """Signature field -> revocation, for signers whose certificate a CRL signed
    by one of ``roots`` lists as revoked (a hold is not a revocation). Only CRLs
    issued directly by a given root count: an entry in any other CRL proves
    nothing to this verifier."""
    out: dict[str, Revocation] = {}
    for emb in reader.embedded_regular_signatures:
        try:
            cert = emb.signer_cert
        except (KeyError, ValueError, PdfError):
            continue
        entry = revocation_entry(cert, crls, roots)
        if entry is not None:
            out[str(emb.field_name)] = entry
    return out


def _judge(checks: VerificationReport, revocation: list[RevocationCheck], expired: dict[str, str],
           roots: list[x509.Certificate]) -> OfflineReport:
    failures = [f"{s.field}: {p}" for s in checks.signatures for p in s.problems]
    failures += [f"{t.field}: {p}" for t in checks.document_timestamps for p in t.problems]
    if not checks.signatures:
        failures.insert(0, "the document carries no signature")
    checks.valid = not failures
    checks.reasons = failures
    checks.notes = [f"{s.field}: {n}" for s in checks.signatures for n in s.notes]
    unknown = [r for r in revocation if r.status is RevocationStatus.UNKNOWN]
    if failures:
        verdict, reasons = Verdict.INVALID, failures
    elif unknown:
        verdict = Verdict.INDETERMINATE
        reasons = [
            f"{r.field}: intact and chaining to a given root, but "
            + (f"its certificate is outside its validity period now ({expired[r.field]}) and "
               if r.field in expired else "revocation not checked: no CRL current at the validation time was "
               "available and ")
            + f"the embedded evidence does not settle it ({r.ades or 'no AdES result'}); pass the mechanism's "
            "current CRL (--crl) or verify with its data directory"
            for r in unknown
        ]
    else:
        verdict, reasons = Verdict.VALID, []
    return OfflineReport(verdict, reasons, revocation, checks, [c.subject.rfc4514_string() for c in roots])


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).isoformat()


def _opt_iso(t: dt.datetime | None) -> str | None:
    return None if t is None else _iso(t)


__all__ = ["OfflineReport", "RevocationCheck", "RevocationSource", "RevocationStatus", "Verdict", "verify_offline"]
