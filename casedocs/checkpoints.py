"""Audit checkpoints: each chain's committed head, signed and kept in files outside the database.

Threat model (issue 9): someone who can edit the database (every row, with plain SQL: a leaked
database password, a careless administrator, a restored old backup) but not the data directory's
files. The hash chain alone shows an edited event, but not its newest events cut off, a whole
chain deleted, or an event rewritten with every later hash recomputed (plain sha256 needs no key).
A checkpoint — the chain's length and head hash, signed with a key the database does not hold —
shows each of these: `casedocs audit verify` checks every chain against its latest checkpoint.

The key is Ed25519 (a signature costs ~50 µs) and has no passphrase, because acts that need none
(`casedocs case act`) must checkpoint too; it is kept 0600 in the data directory and certified by
the mechanism's CA when the secretariat's passphrase is at hand, so that outsiders can check the
checkpoints the register publishes (each is a self-contained JSON object, like a transparency
log's signed tree head). Someone who can read the data directory can sign checkpoints too: that
is what publishing them elsewhere guards against.

Layout of <data>/audit/::

    checkpoint.key.pem   the signing key (PKCS#8, 0600)
    checkpoint.pub.pem   its public key; checkpoint.cert.pem its certificate, once certified
    chains/<chain>.json  the latest checkpoint of each chain (the anchor `audit verify` reads)
    checkpoints.jsonl    every checkpoint written, oldest first (what the register publishes)
"""
from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cases import audit
from cases.models import utcnow
from signing import PKI
from signing.pki import atomic_write

CHECKPOINT_TYPE = "casedocs-audit-checkpoint/1"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def checkpoint_dir(data_dir: Path) -> Path:
    """Where a data directory keeps its checkpoints and the key that signs them. No session."""
    return data_dir / "audit"


def key_id(public_key: Ed25519PublicKey) -> str:
    """A key's name in its checkpoints: the sha256 of its raw 32 bytes, in hex."""
    return hashlib.sha256(public_key.public_bytes_raw()).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """One signed checkpoint: chain `chain` had `length` events, the last with hash `head`, at `at`."""

    chain: str
    length: int
    head: str
    at: datetime
    key: str
    signature: str  # base64 Ed25519 over signed_bytes()

    def signed_bytes(self) -> bytes:
        """Canonical JSON of every field but the signature, the type first among them: a checkpoint
        signature can never be taken for a signature over anything else."""
        body = {"type": CHECKPOINT_TYPE, "chain": self.chain, "length": self.length, "head": self.head,
                "at": self.at.isoformat(), "key": self.key}
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return {**json.loads(self.signed_bytes()), "signature": self.signature}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> "Checkpoint":
        """A checkpoint read back; ValueError naming what is malformed."""
        if document.get("type") != CHECKPOINT_TYPE:
            raise ValueError(f"not a {CHECKPOINT_TYPE} checkpoint")
        try:
            length = document["length"]
            if not isinstance(length, int) or isinstance(length, bool) or length < 0:
                raise ValueError(f"length {length!r} is not a count of events")
            at = datetime.fromisoformat(str(document["at"]))
            if at.tzinfo is None:
                raise ValueError("its time has no time zone")
            return cls(str(document["chain"]), length, str(document["head"]), at, str(document["key"]),
                       str(document["signature"]))
        except KeyError as missing:
            raise ValueError(f"checkpoint without {missing}") from None

    def verify(self, public_key: Ed25519PublicKey) -> bool:
        """Whether `public_key` signed exactly this checkpoint."""
        if self.key != key_id(public_key):
            return False
        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_head(self) -> audit.ChainHead:
        return audit.ChainHead(self.chain, self.length, self.head)


class Checkpoints:
    """The checkpoint files of one data directory and the key that signs them: the app layer's
    audit.Checkpointer. Safe across threads and processes (one file lock around each update)."""

    def __init__(self, directory: Path, now: Callable[[], datetime] = utcnow) -> None:
        self.directory, self._now = directory, now
        self._key: Ed25519PrivateKey | None = None
        self._public: Ed25519PublicKey | None = None

    # -- the key ---------------------------------------------------------------
    def ensure_key(self) -> Ed25519PublicKey:
        """Create the signing key if there is none (`casedocs init`; else the first checkpoint)."""
        if not self._key_file.exists():
            with self._locked():
                if not self._key_file.exists():
                    key = Ed25519PrivateKey.generate()
                    atomic_write(self._pub_file, key.public_key().public_bytes(
                        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
                    atomic_write(self._key_file, key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()), mode=0o600)
        return self.public_key()

    def public_key(self) -> Ed25519PublicKey:
        """The public key checkpoints are checked with (its own file: checking needs no secret)."""
        if self._public is None:
            key = serialization.load_pem_public_key(self._pub_file.read_bytes())
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError(f"{self._pub_file} does not hold an Ed25519 public key")
            self._public = key
        return self._public

    def certificate(self) -> x509.Certificate | None:
        """The key's certificate from the mechanism's CA, once certified."""
        if not self._cert_file.exists():
            return None
        return x509.load_pem_x509_certificate(self._cert_file.read_bytes())

    def certify(self, pki: PKI) -> x509.Certificate:
        """Have the mechanism's CA certify the key, unless a certificate for it exists already."""
        public = self.ensure_key()
        with self._locked():
            current = self.certificate()
            certified = current.public_key() if current is not None else None
            if current is not None and isinstance(certified, Ed25519PublicKey) and key_id(certified) == key_id(public):
                return current
            certificate = pki.certify_checkpoint_key(public)
            atomic_write(self._cert_file, certificate.public_bytes(serialization.Encoding.PEM))
            return certificate

    def _private(self) -> Ed25519PrivateKey:
        if self._key is None:
            self.ensure_key()
            key = serialization.load_pem_private_key(self._key_file.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{self._key_file} does not hold an Ed25519 private key")
            self._key = key
        return self._key

    # -- audit.Checkpointer ----------------------------------------------------
    def checkpoint(self, heads: Sequence[audit.ChainHead]) -> None:
        """Sign and store each head that is longer than its chain's latest checkpoint (a concurrent
        writer may have stored a newer one meanwhile: it is kept)."""
        heads = [h for h in heads if h.length > 0]
        if not heads:
            return
        key = self._private()
        with self._locked():
            written = []
            for head in heads:
                current = self._read(head.chain)
                if current is not None and current.length >= head.length:
                    continue
                unsigned = Checkpoint(head.chain, head.length, head.head, self._now(), key_id(key.public_key()), "")
                signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode("ascii")
                checkpoint = replace(unsigned, signature=signature)
                atomic_write(self._chain_file(head.chain), _dumps(checkpoint).encode("utf-8"))
                written.append(checkpoint)
            if written:
                with open(self.directory / "checkpoints.jsonl", "a", encoding="utf-8") as log:
                    log.writelines(_dumps(c) + "\n" for c in written)

    def anchor(self, chain: str) -> audit.Anchor | None:
        """The chain's latest checkpoint, checked; None when it has none."""
        path = self._chain_file(chain)
        return self._anchor(path) if path.exists() else None

    def anchors(self) -> dict[str, audit.Anchor]:
        """The latest checkpoint of every chain, each checked against the key."""
        found = (self._anchor(path) for path in sorted((self.directory / "chains").glob("*.json")))
        return {anchor.head.chain: anchor for anchor in found}

    def latest(self) -> list[Checkpoint]:
        """The latest checkpoint of every chain, as stored (what the register publishes)."""
        found = (self._read_file(path) for path in sorted((self.directory / "chains").glob("*.json")))
        return [c for c in found if c is not None]

    # -- files -----------------------------------------------------------------
    def _anchor(self, path: Path) -> audit.Anchor:
        chain = _chain_of(path)
        try:
            checkpoint = Checkpoint.from_json(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            return audit.Anchor(audit.ChainHead(chain, 0, audit.GENESIS), self._now(),
                                f"{path} is not a checkpoint ({error})")
        if checkpoint.chain != chain:
            return audit.Anchor(checkpoint.as_head(), checkpoint.at, f"{path} holds the checkpoint of "
                                                                     f"another chain ({checkpoint.chain})")
        if not checkpoint.verify(self.public_key()):
            return audit.Anchor(checkpoint.as_head(), checkpoint.at,
                                "its signature does not verify with this data directory's checkpoint key")
        return audit.Anchor(checkpoint.as_head(), checkpoint.at)

    def _read(self, chain: str) -> Checkpoint | None:
        return self._read_file(self._chain_file(chain))

    @staticmethod
    def _read_file(path: Path) -> Checkpoint | None:
        try:
            return Checkpoint.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            return None

    def _chain_file(self, chain: str) -> Path:
        # Case numbers and "system" are safe file names; anything else is spelled in hex.
        name = chain if _SAFE_NAME.fullmatch(chain) else "~" + chain.encode("utf-8").hex()
        return self.directory / "chains" / f"{name}.json"

    @property
    def _key_file(self) -> Path:
        return self.directory / "checkpoint.key.pem"

    @property
    def _pub_file(self) -> Path:
        return self.directory / "checkpoint.pub.pem"

    @property
    def _cert_file(self) -> Path:
        return self.directory / "checkpoint.cert.pem"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _chain_of(path: Path) -> str:
    return bytes.fromhex(path.stem[1:]).decode("utf-8") if path.stem.startswith("~") else path.stem


def _dumps(checkpoint: Checkpoint) -> str:
    return json.dumps(checkpoint.to_json(), ensure_ascii=False, sort_keys=True)
