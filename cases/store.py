"""Content-addressed file store: exhibits and document versions, keyed by sha256."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cases.errors import CaseError, InvalidInputError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024

# What a file must start with to be what its name says. Anything else is stored as-is
# (a scanned letter may come in many forms), but a ".pdf" that is not a PDF is refused.
_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    original_name: str


def sniff(original_name: str, data: bytes) -> str:
    """The media type of an upload, refusing empty, oversized or mislabelled files."""
    if not data:
        raise InvalidInputError(f"{original_name}: the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(f"{original_name}: {len(data)} bytes exceeds the limit of {MAX_UPLOAD_BYTES}")
    suffix = Path(original_name).suffix.lower()
    media_type, magics = _SIGNATURES.get(suffix, ("application/octet-stream", ()))
    if magics and not any(data.startswith(m) for m in magics):
        raise InvalidInputError(f"{original_name}: the content is not a valid {suffix} file")
    if suffix == ".txt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInputError(f"{original_name}: a .txt exhibit must be UTF-8 text") from None
    return media_type


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a reader never sees half a file, a crash leaves none.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
            target.chmod(0o444)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def put_upload(self, original_name: str, data: bytes) -> StoredFile:
        media_type = sniff(original_name, data)
        return StoredFile(self.put(data), len(data), media_type, original_name)

    def get(self, sha256: str) -> bytes:
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise CaseError(f"stored file {sha256} is missing from {self.root}") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise CaseError(f"stored file {sha256} is corrupted (its content no longer matches its hash)")
        return data
