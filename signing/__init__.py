"""Seals, co-signatures, frozen versions and verification (PAdES, on pyHanko).

A library over bytes and files (no database, web or CLI). Layers, as in
pyHanko:

* format -- :mod:`signing.fonts`, :mod:`signing.seal_image`,
  :mod:`signing.appearance`, :mod:`signing.pdfdoc`: PDF structure and looks;
* policy -- :mod:`signing.pki` (who may sign, with what key),
  :mod:`signing.timestamps` (RFC 3161, fail closed), :mod:`signing.seal`
  (certification levels, field ownership, monitoring slots, freezing),
  :mod:`signing.verify` (the mechanism's verdict), :mod:`signing.serialise`
  (one writer per document at a time).

Typical use::

    pki = PKI.open(dir, secretariat_passphrase)
    env = SigningEnv.from_pki(pki)             # local TSA, offline CRLs
    pdf = seal(pdf, env=env, sealer=pki.seal_credential(), kind="co_signed",
               seal_page=-1, seal_box=(400, 80, 519, 199),
               signatory_fields=[FieldSlot("sig-applicant-1", -1, (56, 300, 286, 380)), ...])
    signer = pki.unlock_person("P-0001", passphrase_typed_by_that_person)
    pdf = update_latest(store, doc_id,
                        lambda cur: sign_field(cur, "sig-applicant-1", signer, env=env,
                                               field_owner="P-0001"))
    pdf = freeze(pdf, env=env)
    report = verify(pdf, pki.trust_roots(), pki.crls())

Timings: ``python -m signing.bench`` (add ``--lta`` for an archive
time-stamp after every signature).
"""
from .errors import (
    CertificateExpired,
    CertificateNotUsable,
    CertificateRevoked,
    ConcurrentModification,
    DocumentFrozen,
    FieldAlreadySigned,
    FieldError,
    FieldNotFound,
    FieldOwnershipError,
    IncompleteSignatures,
    MalformedPdf,
    NoSlotLeft,
    PKIError,
    PolicyViolation,
    SigningCoreError,
    TimestampUnavailable,
    UnknownCertificate,
    UntrustedCertificate,
    WeakPassphrase,
    WrongPassphrase,
)
from .pdfdoc import SEAL_FIELD, FREEZE_FIELD, monitoring_field, signatory_field
from .pki import PKI, Credential, Role, Side
from .seal import (
    FieldSlot,
    InstrumentKind,
    MonitoringUpdate,
    SigningEnv,
    append_monitoring_update,
    archive_timestamp,
    freeze,
    grid_slots,
    seal,
    sign_field,
)
from .serialise import FileDocumentStore, MemoryDocumentStore, update_latest
from .timestamps import LocalTimeStamper, external_timestamper
from .verify import VerificationReport, verify

__all__ = [
    "FREEZE_FIELD",
    "PKI",
    "SEAL_FIELD",
    "CertificateExpired",
    "CertificateNotUsable",
    "CertificateRevoked",
    "ConcurrentModification",
    "Credential",
    "DocumentFrozen",
    "FieldAlreadySigned",
    "FieldError",
    "FieldNotFound",
    "FieldOwnershipError",
    "FieldSlot",
    "FileDocumentStore",
    "IncompleteSignatures",
    "InstrumentKind",
    "LocalTimeStamper",
    "MalformedPdf",
    "MemoryDocumentStore",
    "MonitoringUpdate",
    "NoSlotLeft",
    "PKIError",
    "PolicyViolation",
    "Role",
    "Side",
    "SigningCoreError",
    "SigningEnv",
    "TimestampUnavailable",
    "UnknownCertificate",
    "UntrustedCertificate",
    "VerificationReport",
    "WeakPassphrase",
    "WrongPassphrase",
    "append_monitoring_update",
    "archive_timestamp",
    "external_timestamper",
    "freeze",
    "grid_slots",
    "monitoring_field",
    "seal",
    "sign_field",
    "signatory_field",
    "update_latest",
    "verify",
]
