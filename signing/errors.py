"""Errors of the signing core. Every refusal is a distinct, catchable type with a
message a case officer can act on; pyHanko/cryptography exceptions never leak
out of the public API unwrapped."""
from __future__ import annotations


class SigningCoreError(Exception):
    """Base class of every error raised on purpose by :mod:`signing`."""


# -- keys and certificates ---------------------------------------------------
class PKIError(SigningCoreError):
    """The PKI store is missing, inconsistent or used the wrong way."""


class WrongPassphrase(PKIError):
    """The passphrase does not decrypt the private key."""


class WeakPassphrase(PKIError):
    """A new passphrase is too short to protect a signing key."""


class UnknownCertificate(PKIError):
    """No certificate for that person / serial number in the store."""


class CertificateNotUsable(SigningCoreError):
    """Base: the certificate exists but must not be used to sign now."""


class CertificateExpired(CertificateNotUsable):
    """Outside its validity period (expired, or not valid yet)."""


class CertificateRevoked(CertificateNotUsable):
    """Revoked by its CA (listed on the CRL)."""


class UntrustedCertificate(CertificateNotUsable):
    """Does not chain to a trust root the secretariat accepts, or its
    revocation status cannot be established offline."""


# -- time-stamping -------------------------------------------------------------
class TimestampUnavailable(SigningCoreError):
    """The time-stamp authority failed; nothing was signed (fail closed)."""


# -- documents -----------------------------------------------------------------
class MalformedPdf(SigningCoreError):
    """The input is not a readable PDF (truncated, corrupt, encrypted...)."""


class FieldError(SigningCoreError):
    """Base for refusals about signature fields."""


class FieldNotFound(FieldError):
    pass


class FieldAlreadySigned(FieldError):
    pass


class FieldOwnershipError(FieldError):
    """The field is reserved for another signatory."""


class NoSlotLeft(FieldError):
    """Every monitoring slot of the closure report is used."""


class DocumentFrozen(SigningCoreError):
    """The document was frozen (final archive time-stamp); no more signatures."""


class IncompleteSignatures(SigningCoreError):
    """Freezing refused: some required signature fields are still empty."""


class PolicyViolation(SigningCoreError):
    """The document's certification (DocMDP) forbids the requested change."""


class ConcurrentModification(SigningCoreError):
    """The stored document changed between read and write (lost update)."""
