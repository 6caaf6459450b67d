"""Verification against the mechanism's public material only: no key is unlocked, no session opened."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from casedocs.services.desk import SigningError, pki_dir
from signing.pki import load_crl
from signing.verify import VerificationReport, verify


def verify_pdf(data_dir: Path, pdf: bytes) -> VerificationReport:
    """Verify every signature of `pdf` against the CA, the accepted roots and the published CRLs of the
    data directory: anyone holding those public files can verify. No session."""
    directory = pki_dir(data_dir)
    root = directory / "ca" / "root.pem"
    if not root.exists():
        raise SigningError(f"no certificate authority in {directory}: run `casedocs init`")
    roots = [root.read_bytes()] + [p.read_bytes() for p in sorted((directory / "trust").glob("*.pem"))]
    crls = [p.read_bytes() for p in sorted((directory / "crl").glob("*.crl.pem"))]
    others = [p.read_bytes() for p in sorted((directory / "chains").glob("*.pem")) if p.read_bytes().strip()]
    report = verify(pdf, roots, crls, other_certs=others)
    if not report.valid:
        report.reasons[:0] = expired_crls(crls)
    return report


def expired_crls(crls: list[bytes]) -> list[str]:
    """The likeliest cause of "revocation status unknown", named: nobody published a fresh CRL. No session."""
    now = datetime.now(timezone.utc)
    return [f"the CRL of {crl.issuer.rfc4514_string()} expired on {crl.next_update_utc:%Y-%m-%d %H:%M} UTC, "
            "so no revocation status can be established: publish a fresh one (`casedocs ca publish-crl`; an "
            "external CA's with `casedocs ca import-crl`)"
            for crl in map(load_crl, crls) if crl.next_update_utc is not None and crl.next_update_utc < now]
