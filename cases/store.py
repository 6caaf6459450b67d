"""Content-addressed file store: exhibits and document versions, keyed by sha256.

Files are written once and never change, so a file whose record was never committed (a command
killed between the two) is harmless: nothing names it. What a kill can leave that matters is a
half-written temporary file; each names the process that writes it, and `remove_abandoned` deletes
those whose process is gone (App does at start).
"""
from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cases.crashpoints import NO_CRASH_POINTS, CrashPoints
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


_TEMPORARY = ".incoming-"
# A temporary file of another machine sharing the store (or with an unreadable name) is removed only
# when this old: writing one takes seconds at most.
_ABANDONED_AFTER = 24 * 3600.0


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux): with the PID, a name never reused;
    "-" where /proc is not available (the PID alone then names the writer)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "-"


def _owner() -> str:
    return f"{socket.gethostname()}_{os.getpid()}_{_start_time(os.getpid())}_"


def _abandoned(path: Path, now: float) -> bool:
    """Whether the temporary file's writer is gone: a process of this machine that no longer runs,
    or any writer after a day."""
    host, pid, started, *_ = path.name.removeprefix(_TEMPORARY).split("_") + ["", "", ""]
    try:
        if now - path.stat().st_mtime > _ABANDONED_AFTER:
            return True
    except OSError:
        return False  # renamed into place (or removed) meanwhile
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, someone else's
    return _start_time(int(pid)) != started


class BlobStore:
    def __init__(self, root: Path, crash_points: CrashPoints = NO_CRASH_POINTS) -> None:
        self.root = root
        self.crash_points = crash_points

    def remove_abandoned(self) -> list[Path]:
        """Delete the temporary files of writers that died (kill -9, power cut) before renaming
        them into place; return them. Safe while other processes write: theirs are alive."""
        now = time.time()
        removed = []
        for path in self.root.glob(f"*/{_TEMPORARY}*"):
            if _abandoned(path, now):
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a reader never sees half a file; a kill leaves at most the temporary
        # file, named after its writer (see remove_abandoned).
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_TEMPORARY + _owner())
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            self.crash_points.reach("store.written")
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
