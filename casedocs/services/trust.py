"""Whom the mechanism trusts besides its own CA, and its published revocations."""
from __future__ import annotations

from cryptography import x509

from cases import audit
from casedocs.services.desk import Desk, audit_event


def trust_root(desk: Desk, pem: bytes) -> str:
    """Accept an external CA (a side's corporate PKI, an external TSA's CA) as a trust root.
    Returns its sha256 fingerprint. Own sessions."""
    fingerprint = desk.pki.add_trust_root(pem)
    with desk.db.session() as session:
        audit_event(desk, session, audit.SYSTEM_CHAIN, "trust_root", fingerprint=fingerprint)
    return fingerprint


def import_crl(desk: Desk, data: bytes) -> str:
    """Store an external CA's current CRL: its revocations count from now on. Returns the issuer.
    Own sessions."""
    issuer = desk.pki.add_crl(data)
    with desk.db.session() as session:
        audit_event(desk, session, audit.SYSTEM_CHAIN, "import_crl", issuer=issuer)
    return issuer


def publish_crl(desk: Desk) -> x509.CertificateRevocationList:
    """Publish a fresh CRL of the mechanism's CA (valid 7 days: publish at least weekly, or every
    signature turns unverifiable). No session."""
    return desk.pki.publish_crl()
