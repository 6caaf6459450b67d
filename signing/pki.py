"""The mechanism's own PKI, kept in a directory chosen by the caller.

What it holds (all PEM, one file per object, so an operator can inspect it
with ``openssl``)::

    <dir>/pki.json                 settings (CRL URL, KDF cost), format version
    <dir>/index.json               one record per certificate (status, owner)
    <dir>/ca/root.pem  root.key.pem      root CA (key: secretariat passphrase)
    <dir>/tsa/tsa.pem  tsa.key.pem       local time-stamping unit (idem)
    <dir>/seal/seal.pem seal.key.pem     the secretariat's seal (idem)
    <dir>/certs/<serial>.pem [.key.pem]  persons' certificates; a person's key
                                          is encrypted with *their* passphrase
    <dir>/chains/<serial>.pem            issuer chain of an imported certificate
    <dir>/crl/root.crl.pem               the CRL our root CA publishes
    <dir>/crl/external-<sha>.crl.pem     CRLs of external CAs we trust
    <dir>/trust/<sha>.pem                extra trust roots (external CAs)

Design decisions (why):

* ECDSA P-256 everywhere, TSA included: fast to sign and verify; pyHanko's own
  ``DummyTimeStamper`` is RSA-only, hence :mod:`signing.timestamps`.
* Private keys at rest are PKCS#8 ``EncryptedPrivateKeyInfo`` (PBES2,
  PBKDF2-HMAC-SHA256 with 600 000 iterations by default, AES-256-CBC). We
  write the structure ourselves because ``cryptography``'s
  ``BestAvailableEncryption`` uses only 2 048 PBKDF2 iterations, too cheap to
  slow down an offline guess of a human passphrase. The result is standard
  PKCS#8: ``openssl pkey`` and ``cryptography`` read it.
* Certificates carry a CRL distribution point. pyHanko's "hard-fail"
  revocation mode only checks certificates that *declare* revocation info, so
  without it a revoked certificate would silently pass. The URL need not
  resolve: validation contexts are fed our CRL directly (offline).
* A person's subject: CN = name, serialNumber = the case record's person id,
  OU = side (applicant/respondent/secretariat), title = role. Verification
  reads side/role back from there.
* A single root issues directly. Production should keep the root offline or
  in an HSM and issue from an intermediate; the store layout already keeps
  chains per certificate so that change is local to this module.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import enum
import fcntl
import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable

from asn1crypto import algos as a_algos
from asn1crypto import core as a_core
from asn1crypto import crl as a_crl
from asn1crypto import keys as a_keys
from asn1crypto import pem as a_pem
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import (
    CertificateExpired,
    CertificateRevoked,
    PKIError,
    UnknownCertificate,
    UntrustedCertificate,
    WeakPassphrase,
    WrongPassphrase,
)

MECHANISM_ZH = "采矿业和矿产价值链调解磋商机制"
MECHANISM_EN = "Mining and Mineral Value Chain Mediation and Consultation Mechanism"
FORMAT_VERSION = 1
DEFAULT_KDF_ITERATIONS = 600_000
MIN_PASSPHRASE_LEN = 8
DEFAULT_CRL_URL = "http://pki.casedocs.invalid/crl/root.crl"
# Small skew allowance: a certificate issued "now" must already be valid when
# the signing code checks it a few milliseconds later on a different clock read.
_BACKDATE = dt.timedelta(minutes=5)


PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class Side(str, enum.Enum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    SECRETARIAT = "secretariat"


class Role(str, enum.Enum):
    SIGNATORY = "signatory"
    REPRESENTATIVE = "representative"
    AGENT = "agent"
    MONITOR = "monitor"
    SEAL = "seal"
    TSA = "tsa"


class Kind(str, enum.Enum):
    ROOT = "root"
    TSA = "tsa"
    SEAL = "seal"
    PERSON = "person"  # issued by our root
    EXTERNAL = "external"  # imported PKCS#12 from a CA the secretariat trusts
    CHECKPOINT = "checkpoint"  # the key that signs the audit trail's checkpoints (casedocs.checkpoints)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- key encryption at rest ----------------------------------------------------
def _check_new_passphrase(passphrase: str) -> bytes:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LEN:
        raise WeakPassphrase(f"a signing-key passphrase needs at least {MIN_PASSPHRASE_LEN} characters")
    return passphrase.encode("utf-8")


def encrypt_private_key(key: PrivateKey, passphrase: str, iterations: int) -> bytes:
    """PEM ``ENCRYPTED PRIVATE KEY`` (PKCS#8, PBES2/PBKDF2-SHA256/AES-256-CBC)."""
    pw = _check_new_passphrase(passphrase)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    salt, iv = os.urandom(16), os.urandom(16)
    kek = PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(pw)
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(kek), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(padder.update(der) + padder.finalize()) + enc.finalize()
    epki = a_keys.EncryptedPrivateKeyInfo(
        {
            "encryption_algorithm": {
                "algorithm": "pbes2",
                "parameters": {
                    "key_derivation_func": {
                        "algorithm": "pbkdf2",
                        "parameters": {
                            "salt": a_algos.Pbkdf2Salt(name="specified", value=a_core.OctetString(salt)),
                            "iteration_count": iterations,
                            "prf": {"algorithm": "sha256"},
                        },
                    },
                    "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": a_core.OctetString(iv)},
                },
            },
            "encrypted_data": ciphertext,
        }
    )
    return a_pem.armor("ENCRYPTED PRIVATE KEY", epki.dump())


def _own_key(key: PrivateKey, what: str) -> ec.EllipticCurvePrivateKey:
    """The mechanism's own keys are created as ECDSA P-256; anything else in their place was not made here."""
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise PKIError(f"{what}'s key is {type(key).__name__}, not the ECDSA key `casedocs init` creates")
    return key


def decrypt_private_key(pem_data: bytes, passphrase: str, what: str) -> PrivateKey:
    """Decrypt a stored key. Our own keys are ECDSA; an imported PKCS#12 may
    carry RSA, which pyHanko signs with just as well."""
    try:
        key = serialization.load_pem_private_key(pem_data, passphrase.encode("utf-8"))
    except (ValueError, TypeError) as e:
        # cryptography reports a wrong passphrase as ValueError("Incorrect password...")
        raise WrongPassphrase(f"wrong passphrase for {what}") from e
    except UnsupportedAlgorithm as e:
        raise PKIError(f"unsupported key encryption for {what}: {e}") from e
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise PKIError(f"unsupported key type for {what}: {type(key).__name__}")
    return key


# -- small conversions ---------------------------------------------------------
def to_asn1_cert(cert: x509.Certificate) -> a_x509.Certificate:
    return a_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def to_asn1_key(key: PrivateKey) -> a_keys.PrivateKeyInfo:
    return a_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_certs(data: bytes) -> list[x509.Certificate]:
    """PEM (one or many) or DER certificates."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as e:
        raise PKIError(f"not an X.509 certificate (PEM or DER): {e}") from e


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError as e:
        raise PKIError(f"not a certificate revocation list (PEM or DER): {e}") from e


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _serial_hex(serial: int) -> str:
    return format(serial, "x")


def subject_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    vals = name.get_attributes_for_oid(oid)
    return str(vals[0].value) if vals else None


# -- records -------------------------------------------------------------------
@dataclass
class CertRecord:
    """What the store knows about one certificate."""

    serial: str  # hex
    kind: str  # Kind value
    name: str
    not_before: str  # ISO 8601
    not_after: str
    fingerprint: str
    person_id: str | None = None
    side: str | None = None
    role: str | None = None
    organisation: str | None = None
    status: str = "valid"  # valid | revoked
    revoked_at: str | None = None
    revocation_reason: str | None = None
    has_key: bool = True

    @property
    def revoked(self) -> bool:
        return self.status == "revoked"


@dataclass(frozen=True)
class Credential:
    """An unlocked signing identity: certificate, chain and a pyHanko signer.

    Holds the decrypted private key in memory: keep it only for the duration
    of a signing session.
    """

    record: CertRecord
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # issuers, up to and including the root
    signer: SimpleSigner = field(repr=False)

    @property
    def person_id(self) -> str | None:
        return self.record.person_id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def side(self) -> str | None:
        return self.record.side

    @property
    def role(self) -> str | None:
        return self.record.role

    @property
    def serial(self) -> str:
        return self.record.serial


class _DirLock:
    """Thread + process lock around index/CRL updates (several workers may
    share one store)."""

    _thread_locks: dict[str, threading.RLock] = {}
    _guard = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._guard:
            self._tlock = self._thread_locks.setdefault(str(path), threading.RLock())
        self._fh: BinaryIO | None = None
        self._depth = 0

    def __enter__(self) -> "_DirLock":
        self._tlock.acquire()
        if self._depth == 0:
            self._fh = open(self.path, "a+b")
            fcntl.flock(self._fh, fcntl.LOCK_EX)
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
        self._tlock.release()


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write-then-rename, flushed to disk: a crash leaves the old file or the new one, never half
    (also used for the audit checkpoints, casedocs/checkpoints.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class PKI:
    """The secretariat's PKI store. Open it with the secretariat passphrase;
    persons' keys additionally need each person's own passphrase."""

    def __init__(
        self,
        directory: Path,
        settings: dict,
        root_key: ec.EllipticCurvePrivateKey,
        tsa_key: ec.EllipticCurvePrivateKey,
        seal_key: ec.EllipticCurvePrivateKey,
    ) -> None:
        self.dir = directory
        self.settings = settings
        self._root_key = root_key
        self._tsa_key = tsa_key
        self._seal_key = seal_key
        self._lock = _DirLock(directory / ".lock")
        self.root_cert = load_certs((directory / "ca" / "root.pem").read_bytes())[0]
        self.tsa_cert = load_certs((directory / "tsa" / "tsa.pem").read_bytes())[0]
        self.seal_cert = load_certs((directory / "seal" / "seal.pem").read_bytes())[0]

    # -- creation / opening --------------------------------------------------
    @classmethod
    def create(
        cls,
        directory: str | Path,
        secretariat_passphrase: str,
        *,
        crl_url: str = DEFAULT_CRL_URL,
        kdf_iterations: int = DEFAULT_KDF_ITERATIONS,
        root_years: int = 20,
        tsa_years: int = 10,
        seal_years: int = 5,
    ) -> "PKI":
        """Create root CA, time-stamping certificate and seal certificate."""
        d = Path(directory)
        if (d / "pki.json").exists():
            raise PKIError(f"a PKI already exists in {d}")
        d.mkdir(parents=True, exist_ok=True)
        now = _now()
        settings = {"format": FORMAT_VERSION, "crl_url": crl_url, "kdf_iterations": kdf_iterations, "crl_number": 0}

        root_key = ec.generate_private_key(ec.SECP256R1())
        root_name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, f"{MECHANISM_ZH} Root CA"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, MECHANISM_EN),
            ]
        )
        ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
        root_cert = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _BACKDATE)
            .not_valid_after(now + dt.timedelta(days=365 * root_years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(root_key, hashes.SHA256())
        )
        iters = kdf_iterations
        atomic_write(d / "ca" / "root.pem", cert_pem(root_cert))
        atomic_write(d / "ca" / "root.key.pem", encrypt_private_key(root_key, secretariat_passphrase, iters), 0o600)
        (d / "index.json").write_text("[]")
        atomic_write(d / "pki.json", json.dumps(settings, indent=2).encode())

        tsa_key = ec.generate_private_key(ec.SECP256R1())
        tsa_cert = _issue(
            root_cert,
            root_key,
            tsa_key.public_key(),
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{MECHANISM_ZH} TSA"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, MECHANISM_EN),
                ]
            ),
            now - _BACKDATE,
            now + dt.timedelta(days=365 * tsa_years),
            crl_url,
            time_stamping=True,
        )
        atomic_write(d / "tsa" / "tsa.pem", cert_pem(tsa_cert))
        atomic_write(d / "tsa" / "tsa.key.pem", encrypt_private_key(tsa_key, secretariat_passphrase, iters), 0o600)

        seal_key = ec.generate_private_key(ec.SECP256R1())
        seal_cert = _issue(
            root_cert,
            root_key,
            seal_key.public_key(),
            _person_name(f"{MECHANISM_ZH}秘书处", "secretariat", Side.SECRETARIAT.value, Role.SEAL.value, None),
            now - _BACKDATE,
            now + dt.timedelta(days=365 * seal_years),
            crl_url,
        )
        atomic_write(d / "seal" / "seal.pem", cert_pem(seal_cert))
        atomic_write(d / "seal" / "seal.key.pem", encrypt_private_key(seal_key, secretariat_passphrase, iters), 0o600)

        pki = cls(d, settings, root_key, tsa_key, seal_key)
        with pki._lock:
            pki._add_record(_record_for(root_cert, Kind.ROOT, "Root CA"))
            pki._add_record(_record_for(tsa_cert, Kind.TSA, "TSA", side=Side.SECRETARIAT.value, role=Role.TSA.value))
            pki._add_record(
                _record_for(
                    seal_cert,
                    Kind.SEAL,
                    f"{MECHANISM_ZH}秘书处",
                    person_id="secretariat",
                    side=Side.SECRETARIAT.value,
                    role=Role.SEAL.value,
                )
            )
            pki.publish_crl()
        return pki

    @classmethod
    def open(cls, directory: str | Path, secretariat_passphrase: str) -> "PKI":
        d = Path(directory)
        try:
            settings = json.loads((d / "pki.json").read_text())
        except FileNotFoundError:
            raise PKIError(f"no PKI in {d} (create one with PKI.create)") from None
        if settings.get("format") != FORMAT_VERSION:
            raise PKIError(f"unsupported PKI format {settings.get('format')!r} in {d}")
        root_key = decrypt_private_key((d / "ca" / "root.key.pem").read_bytes(), secretariat_passphrase, "the root CA")
        tsa_key = decrypt_private_key((d / "tsa" / "tsa.key.pem").read_bytes(), secretariat_passphrase, "the TSA")
        seal_key = decrypt_private_key((d / "seal" / "seal.key.pem").read_bytes(), secretariat_passphrase, "the seal")
        return cls(d, settings, _own_key(root_key, "the root CA"), _own_key(tsa_key, "the TSA"),
                   _own_key(seal_key, "the seal"))

    # -- index -----------------------------------------------------------------
    def _read_index(self) -> list[CertRecord]:
        return [CertRecord(**r) for r in json.loads((self.dir / "index.json").read_text())]

    def _write_index(self, records: list[CertRecord]) -> None:
        atomic_write(self.dir / "index.json", json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=1).encode())

    def _add_record(self, rec: CertRecord) -> None:
        with self._lock:
            records = self._read_index()
            records.append(rec)
            self._write_index(records)

    def records(self) -> list[CertRecord]:
        return self._read_index()

    def record(self, serial: str | int) -> CertRecord:
        s = _serial_hex(serial) if isinstance(serial, int) else serial.lower()
        for r in self._read_index():
            if r.serial == s:
                return r
        raise UnknownCertificate(f"no certificate with serial {s}")

    def certificate(self, serial: str | int) -> x509.Certificate:
        rec = self.record(serial)
        path = {
            Kind.ROOT.value: self.dir / "ca" / "root.pem",
            Kind.TSA.value: self.dir / "tsa" / "tsa.pem",
            Kind.SEAL.value: self.dir / "seal" / "seal.pem",
        }.get(rec.kind, self.dir / "certs" / f"{rec.serial}.pem")
        return load_certs(path.read_bytes())[0]

    # -- issuing ---------------------------------------------------------------
    def issue_person(
        self,
        *,
        person_id: str,
        name: str,
        side: Side | str,
        role: Role | str,
        passphrase: str,
        organisation: str | None = None,
        valid_from: dt.datetime | None = None,
        valid_until: dt.datetime | None = None,
        validity_days: int = 3 * 365,
    ) -> CertRecord:
        """Issue a signing certificate to a person; the key is encrypted with
        the person's own passphrase (the service cannot use it without them).

        ``valid_from``/``valid_until`` exist for re-issuance schedules and for
        tests of the expiry refusal.
        """
        side_v, role_v = Side(side).value, Role(role).value
        if role_v in (Role.SEAL.value, Role.TSA.value):
            raise PKIError("seal and TSA certificates are created with the PKI, not issued to persons")
        key = ec.generate_private_key(ec.SECP256R1())
        key_pem = encrypt_private_key(key, passphrase, self.settings["kdf_iterations"])  # checks strength first
        start = valid_from or (_now() - _BACKDATE)
        end = valid_until or (start + dt.timedelta(days=validity_days))
        cert = _issue(
            self.root_cert,
            self._root_key,
            key.public_key(),
            _person_name(name, person_id, side_v, role_v, organisation),
            start,
            end,
            self.settings["crl_url"],
        )
        rec = _record_for(cert, Kind.PERSON, name, person_id=person_id, side=side_v, role=role_v, organisation=organisation)
        atomic_write(self.dir / "certs" / f"{rec.serial}.pem", cert_pem(cert))
        atomic_write(self.dir / "certs" / f"{rec.serial}.key.pem", key_pem, 0o600)
        self._add_record(rec)
        return rec

    def import_pkcs12(
        self,
        p12: bytes,
        p12_password: str | None,
        *,
        person_id: str,
        name: str,
        side: Side | str,
        role: Role | str,
        passphrase: str,
    ) -> CertRecord:
        """Import an external signer's PKCS#12 (certificate from a CA the
        secretariat trusts, see :meth:`add_trust_root`). The key is re-encrypted
        with the person's passphrase; the chain is kept for signing."""
        try:
            bundle = pkcs12.load_pkcs12(p12, p12_password.encode() if p12_password else None)
        except ValueError as e:
            raise WrongPassphrase(f"cannot open the PKCS#12 file (wrong password or corrupt): {e}") from e
        if bundle.key is None or bundle.cert is None:
            raise PKIError("the PKCS#12 file must contain a private key and its certificate")
        cert = bundle.cert.certificate
        extra = [c.certificate for c in bundle.additional_certs]
        self._check_chains_to_trust(cert, extra)
        if not isinstance(bundle.key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
            raise PKIError(f"unsupported key type in the PKCS#12 file: {type(bundle.key).__name__}")
        key_pem = encrypt_private_key(bundle.key, passphrase, self.settings["kdf_iterations"])
        rec = _record_for(
            cert,
            Kind.EXTERNAL,
            name,
            person_id=person_id,
            side=Side(side).value,
            role=Role(role).value,
            organisation=subject_attr(cert.subject, NameOID.ORGANIZATION_NAME),
        )
        atomic_write(self.dir / "certs" / f"{rec.serial}.pem", cert_pem(cert))
        atomic_write(self.dir / "certs" / f"{rec.serial}.key.pem", key_pem, 0o600)
        atomic_write(self.dir / "chains" / f"{rec.serial}.pem", b"".join(cert_pem(c) for c in extra))
        self._add_record(rec)
        return rec

    def certify_checkpoint_key(self, public_key: ed25519.Ed25519PublicKey, *, years: int = 5) -> x509.Certificate:
        """Certify the key that signs the audit trail's checkpoints, so that anyone holding the root can
        check a published checkpoint. That key has no passphrase (acts that need none checkpoint too),
        so it gets a certificate of its own, never the seal's."""
        now = _now()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{MECHANISM_ZH} audit checkpoints"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, MECHANISM_EN)])
        cert = _issue(self.root_cert, self._root_key, public_key, name, now - _BACKDATE,
                      now + dt.timedelta(days=365 * years), self.settings["crl_url"])
        rec = _record_for(cert, Kind.CHECKPOINT, "audit checkpoints", side=Side.SECRETARIAT.value, role=Kind.CHECKPOINT.value)
        rec.has_key = False
        with self._lock:
            atomic_write(self.dir / "certs" / f"{rec.serial}.pem", cert_pem(cert))
            self._add_record(rec)
        return cert

    def add_trust_root(self, cert_data: bytes) -> str:
        """Accept an external CA as a trust root; returns its SHA-256 fingerprint."""
        certs = load_certs(cert_data)
        if len(certs) != 1:
            raise PKIError("give exactly one root certificate")
        cert = certs[0]
        try:
            bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            bc = None
        if bc is None or not bc.ca:
            raise PKIError("a trust root must be a CA certificate (basicConstraints CA:TRUE)")
        fp = fingerprint(cert)
        atomic_write(self.dir / "trust" / f"{fp}.pem", cert_pem(cert))
        return fp

    def add_crl(self, crl_data: bytes) -> str:
        """Store the current CRL of an external CA we trust (offline revocation
        data); refused unless that CA signed it. Returns the issuer's name."""
        crl = load_crl(crl_data)
        issuer = crl.issuer.rfc4514_string()
        signers = [c for c in self.trust_roots()[1:] if c.subject == crl.issuer]
        if not signers:
            raise UntrustedCertificate(f"the CRL's issuer {issuer} is not a trust root the secretariat accepts "
                                       "(add it first with `ca trust`); our own CRL is published, not imported")
        if not any(crl.is_signature_valid(c.public_key()) for c in signers):  # type: ignore[arg-type]  # roots are EC or RSA keys, never DSA/X448
            raise UntrustedCertificate(f"the CRL claims to come from {issuer} but its signature does not verify")
        issuer_key = hashlib.sha256(crl.issuer.public_bytes()).hexdigest()[:32]
        atomic_write(
            self.dir / "crl" / f"external-{issuer_key}.crl.pem", crl.public_bytes(serialization.Encoding.PEM)
        )
        return issuer

    # -- revocation --------------------------------------------------------------
    def revoke(self, serial: str | int, reason: x509.ReasonFlags = x509.ReasonFlags.unspecified) -> x509.CertificateRevocationList:
        """Revoke a certificate issued by our root and publish a new CRL."""
        with self._lock:
            records = self._read_index()
            s = _serial_hex(serial) if isinstance(serial, int) else serial.lower()
            for rec in records:
                if rec.serial == s:
                    break
            else:
                raise UnknownCertificate(f"no certificate with serial {s}")
            if rec.kind in (Kind.ROOT.value, Kind.EXTERNAL.value):
                raise PKIError(
                    "only certificates issued by our root can be revoked here; an external "
                    "certificate is revoked by its CA (then import that CA's CRL with add_crl)"
                )
            if not rec.revoked:
                rec.status = "revoked"
                rec.revoked_at = _now().isoformat()
                rec.revocation_reason = reason.value
                self._write_index(records)
            return self.publish_crl()

    def publish_crl(self, validity: dt.timedelta = dt.timedelta(days=7)) -> x509.CertificateRevocationList:
        """Sign and store a fresh CRL of our root CA (call periodically: a
        stale CRL makes every signature 'revocation status unknown')."""
        with self._lock:
            settings = json.loads((self.dir / "pki.json").read_text())
            settings["crl_number"] = int(settings.get("crl_number", 0)) + 1
            now = _now()
            builder = (
                x509.CertificateRevocationListBuilder()
                .issuer_name(self.root_cert.subject)
                .last_update(now - dt.timedelta(seconds=1))
                .next_update(now + validity)
                .add_extension(x509.CRLNumber(settings["crl_number"]), critical=False)
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_cert.public_key()),  # type: ignore[arg-type]  # our root is EC
                    critical=False,
                )
            )
            for rec in self._read_index():
                if rec.revoked and rec.kind != Kind.EXTERNAL.value:
                    entry = (
                        x509.RevokedCertificateBuilder()
                        .serial_number(int(rec.serial, 16))
                        .revocation_date(dt.datetime.fromisoformat(rec.revoked_at or now.isoformat()))
                    )
                    if rec.revocation_reason and rec.revocation_reason != "unspecified":
                        entry = entry.add_extension(x509.CRLReason(x509.ReasonFlags(rec.revocation_reason)), critical=False)
                    builder = builder.add_revoked_certificate(entry.build())
            crl = builder.sign(self._root_key, hashes.SHA256())
            atomic_write(self.dir / "crl" / "root.crl.pem", crl.public_bytes(serialization.Encoding.PEM))
            atomic_write(self.dir / "pki.json", json.dumps(settings, indent=2).encode())
            self.settings = settings
            return crl

    def current_crl(self, min_remaining: dt.timedelta = dt.timedelta(days=1)) -> x509.CertificateRevocationList:
        """Our CRL, re-published first if it expires within ``min_remaining``."""
        crl = load_crl((self.dir / "crl" / "root.crl.pem").read_bytes())
        nxt = crl.next_update_utc
        if nxt is None or nxt - _now() < min_remaining:
            crl = self.publish_crl()
        return crl

    # -- trust material ------------------------------------------------------------
    def trust_roots(self) -> list[x509.Certificate]:
        roots = [self.root_cert]
        tdir = self.dir / "trust"
        if tdir.exists():
            for p in sorted(tdir.glob("*.pem")):
                roots.extend(load_certs(p.read_bytes()))
        return roots

    def crls(self) -> list[x509.CertificateRevocationList]:
        out = [self.current_crl()]
        cdir = self.dir / "crl"
        for p in sorted(cdir.glob("external-*.crl.pem")):
            out.append(load_crl(p.read_bytes()))
        return out

    def intermediates(self) -> list[x509.Certificate]:
        out: list[x509.Certificate] = []
        cdir = self.dir / "chains"
        if cdir.exists():
            for p in sorted(cdir.glob("*.pem")):
                data = p.read_bytes()
                if data.strip():
                    out.extend(load_certs(data))
        return out

    def validation_context(self, *, moment: dt.datetime | None = None) -> ValidationContext:
        """Offline validation context: our root + accepted roots, our CRL and
        stored external CRLs; no network fetching ever (fail closed when
        revocation data is missing: 'hard-fail')."""
        return build_validation_context(self.trust_roots(), self.crls(), self.intermediates(), moment=moment)

    def _check_chains_to_trust(self, cert: x509.Certificate, extra: Iterable[x509.Certificate]) -> None:
        vc = ValidationContext(
            trust_roots=[to_asn1_cert(c) for c in self.trust_roots()],
            other_certs=[to_asn1_cert(c) for c in extra],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        try:
            validator = CertificateValidator(to_asn1_cert(cert), validation_context=vc)
            asyncio.run(validator.async_validate_usage(set()))
        except (PathBuildingError, PathValidationError) as e:
            raise UntrustedCertificate(
                f"{cert.subject.rfc4514_string()} does not chain to a trust root the secretariat accepts: {e}"
            ) from e

    # -- unlocking credentials ---------------------------------------------------------
    def seal_credential(self) -> Credential:
        """The secretariat's seal, refused like any other if revoked or expired
        (re-keying the seal is an operator task, not done implicitly)."""
        fp = fingerprint(self.seal_cert)
        rec = next((r for r in self._read_index() if r.kind == Kind.SEAL.value and r.fingerprint == fp), None)
        if rec is None:
            raise PKIError("the seal certificate is missing from the index")
        check_usable(rec)
        return self._credential(rec, self.seal_cert, self._seal_key, [self.root_cert])

    def tsa_key_and_cert(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, list[x509.Certificate]]:
        return self._tsa_key, self.tsa_cert, [self.root_cert]

    def find_person(self, person_id: str, *, usable_only: bool = True) -> CertRecord:
        """The person's newest certificate (preferring usable ones). Raises the
        precise reason when none is usable: revoked, expired or unknown."""
        recs = [r for r in self._read_index() if r.person_id == person_id and r.kind in (Kind.PERSON.value, Kind.EXTERNAL.value)]
        if not recs:
            raise UnknownCertificate(f"no certificate for person {person_id!r}")
        recs.sort(key=lambda r: r.not_before, reverse=True)
        if not usable_only:
            return recs[0]
        for r in recs:
            if not r.revoked and _in_validity(r):
                return r
        newest = recs[0]
        check_usable(newest)  # raises the specific reason
        return newest  # pragma: no cover - check_usable raised

    def unlock_person(self, person_id: str, passphrase: str, *, serial: str | None = None) -> Credential:
        """Decrypt a person's key with their passphrase, after checking the
        certificate is usable now (not revoked, not expired)."""
        rec = self.record(serial) if serial else self.find_person(person_id)
        if rec.person_id != person_id:
            raise UnknownCertificate(f"certificate {rec.serial} does not belong to {person_id!r}")
        check_usable(rec)
        cert = self.certificate(rec.serial)
        key = decrypt_private_key(
            (self.dir / "certs" / f"{rec.serial}.key.pem").read_bytes(), passphrase, f"{rec.name} ({person_id})"
        )
        chain_path = self.dir / "chains" / f"{rec.serial}.pem"
        chain = load_certs(chain_path.read_bytes()) if chain_path.exists() and chain_path.read_bytes().strip() else []
        if rec.kind == Kind.PERSON.value:
            chain = [self.root_cert]
        return self._credential(rec, cert, key, chain)

    def refresh(self, cred: Credential) -> None:
        """Re-check a credential against the store right before signing: a
        certificate revoked since it was unlocked must not sign."""
        rec = self.record(cred.serial)
        check_usable(rec)

    def _credential(
        self, rec: CertRecord, cert: x509.Certificate, key: PrivateKey, chain: list[x509.Certificate]
    ) -> Credential:
        registry = SimpleCertificateStore.from_certs([to_asn1_cert(c) for c in chain])
        signer = SimpleSigner(signing_cert=to_asn1_cert(cert), signing_key=to_asn1_key(key), cert_registry=registry)
        return Credential(record=rec, certificate=cert, chain=tuple(chain), signer=signer)


def build_validation_context(
    trust_roots: Iterable[x509.Certificate | bytes],
    crls: Iterable[x509.CertificateRevocationList | bytes],
    other_certs: Iterable[x509.Certificate | bytes] = (),
    *,
    moment: dt.datetime | None = None,
) -> ValidationContext:
    def _cert(c: x509.Certificate | bytes) -> list[a_x509.Certificate]:
        if isinstance(c, bytes):
            return [to_asn1_cert(x) for x in load_certs(c)]
        return [to_asn1_cert(c)]

    def _crl(c: x509.CertificateRevocationList | bytes) -> a_crl.CertificateList:
        if isinstance(c, bytes):
            c = load_crl(c)
        return a_crl.CertificateList.load(c.public_bytes(serialization.Encoding.DER))

    roots = [a for c in trust_roots for a in _cert(c)]
    if not roots:
        raise PKIError("at least one trust root is required")
    kwargs: dict = dict(
        trust_roots=roots,
        other_certs=[a for c in other_certs for a in _cert(c)],
        crls=[_crl(c) for c in crls],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    if moment is not None:
        kwargs["moment"] = moment
    return ValidationContext(**kwargs)


def _in_validity(rec: CertRecord, at: dt.datetime | None = None) -> bool:
    at = at or _now()
    return dt.datetime.fromisoformat(rec.not_before) <= at <= dt.datetime.fromisoformat(rec.not_after)


def check_usable(rec: CertRecord, at: dt.datetime | None = None) -> None:
    """Refuse a revoked or out-of-validity certificate (policy: we never sign
    with a certificate that would not validate at signing time)."""
    if rec.revoked:
        raise CertificateRevoked(
            f"the certificate of {rec.name} (serial {rec.serial}) was revoked on {rec.revoked_at}"
            + (f" ({rec.revocation_reason})" if rec.revocation_reason else "")
        )
    at = at or _now()
    nb, na = dt.datetime.fromisoformat(rec.not_before), dt.datetime.fromisoformat(rec.not_after)
    if at < nb:
        raise CertificateExpired(f"the certificate of {rec.name} (serial {rec.serial}) is not valid before {rec.not_before}")
    if at > na:
        raise CertificateExpired(f"the certificate of {rec.name} (serial {rec.serial}) expired on {rec.not_after}")


def _person_name(name: str, person_id: str, side: str, role: str, organisation: str | None) -> x509.Name:
    # RFC 5280 upper bounds, which cryptography enforces in UTF-8 bytes.
    if not name or len(name.encode("utf-8")) > 64:
        raise PKIError(f"a name must be 1-64 bytes of UTF-8 to fit a certificate CN: {name!r}")
    if organisation and len(organisation.encode("utf-8")) > 64:
        raise PKIError(f"organisation must be at most 64 bytes of UTF-8: {organisation!r}")
    attrs = [
        x509.NameAttribute(NameOID.COMMON_NAME, name),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, person_id),
        x509.NameAttribute(NameOID.TITLE, role),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, side),
    ]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attrs)


def _issue(
    issuer_cert: x509.Certificate,
    issuer_key: ec.EllipticCurvePrivateKey,
    public_key: ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey,
    subject: x509.Name,
    not_before: dt.datetime,
    not_after: dt.datetime,
    crl_url: str,
    *,
    time_stamping: bool = False,
) -> x509.Certificate:
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation: pyHanko's default requirement
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)]
            ),
            critical=False,
        )
    )
    if time_stamping:
        # RFC 3161 §2.3: the TSA certificate's EKU is timeStamping only, critical.
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return b.sign(issuer_key, hashes.SHA256())


def _record_for(
    cert: x509.Certificate,
    kind: Kind,
    name: str,
    *,
    person_id: str | None = None,
    side: str | None = None,
    role: str | None = None,
    organisation: str | None = None,
) -> CertRecord:
    return CertRecord(
        serial=_serial_hex(cert.serial_number),
        kind=kind.value,
        name=name,
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        fingerprint=fingerprint(cert),
        person_id=person_id,
        side=side,
        role=role,
        organisation=organisation,
    )


def describe_validation_failure(exc: BaseException) -> type[Exception]:
    """Map a certvalidator failure (possibly wrapped) to our refusal type."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, RevokedError):
            return CertificateRevoked
        msg = str(e).lower()
        if "expired" in msg or "not valid until" in msg or "not yet valid" in msg:
            return CertificateExpired
        e = e.__cause__ or e.__context__
    return UntrustedCertificate
