"""Serialising concurrent signatures on one document.

Two signatories may sign their own fields at the same moment. Each signature
is an incremental update *of the bytes it was computed on*; if both start
from revision N, the second writer would silently drop the first signature
(lost update). The rule is therefore:

    lock the document -> re-read the latest bytes -> sign -> check the result
    appends to what was read -> compare-and-swap write -> unlock

:func:`update_latest` implements it over any :class:`DocumentStore`. The lock
is per document (a ``threading.Lock`` per id, plus an ``flock`` in
:class:`FileDocumentStore` for several worker processes); the compare-and-swap
on the SHA-256 of the bytes read is the backstop for writers that bypass the
lock (a database-backed store would use ``SELECT ... FOR UPDATE`` or a version
column instead). Documents are independent: signing case A never waits for B.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import threading
import weakref
from pathlib import Path
from typing import Callable, ContextManager, Iterator, Protocol

from .errors import ConcurrentModification, SigningCoreError
from .pdfdoc import ensure_appended


class DocumentStore(Protocol):
    """Where the latest bytes of each document live."""

    def read(self, doc_id: str) -> bytes: ...

    def replace(self, doc_id: str, data: bytes, *, expected_sha256: str) -> None:
        """Store ``data`` iff the current bytes still hash to ``expected_sha256``,
        else raise :class:`ConcurrentModification`."""
        ...

    def lock(self, doc_id: str) -> ContextManager[None]:
        """Exclusive lock on one document (across processes if the store can)."""
        ...


class _LockRegistry:
    """One lock per document id, created on demand and dropped when unused."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: "weakref.WeakValueDictionary[str, _Lock]" = weakref.WeakValueDictionary()

    def get(self, doc_id: str) -> "_Lock":
        with self._guard:
            lk = self._locks.get(doc_id)
            if lk is None:
                lk = _Lock()
                self._locks[doc_id] = lk
            return lk


class _Lock:
    # threading.Lock cannot be weak-referenced; wrap it.
    def __init__(self) -> None:
        self.lock = threading.Lock()


_LOCKS = _LockRegistry()


@contextlib.contextmanager
def document_lock(doc_id: str) -> Iterator[None]:
    """In-process exclusive lock for ``doc_id``."""
    holder = _LOCKS.get(doc_id)  # keep a strong ref while held
    with holder.lock:
        yield


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileDocumentStore:
    """Latest bytes of each document in ``<dir>/<id>.pdf``; previous versions
    kept as ``<id>.<n>.pdf`` (cheap audit trail: each one is a prefix of the
    next)."""

    _ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")

    def __init__(self, directory: str | Path, keep_history: bool = True) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.keep_history = keep_history

    def _path(self, doc_id: str) -> Path:
        if not self._ID.match(doc_id) or doc_id.startswith("."):
            raise SigningCoreError(f"invalid document id {doc_id!r}")
        return self.dir / f"{doc_id}.pdf"

    def create(self, doc_id: str, data: bytes) -> None:
        path = self._path(doc_id)
        with self.lock(doc_id):
            if path.exists():
                raise SigningCoreError(f"document {doc_id!r} already exists")
            self._write(path, data)

    def read(self, doc_id: str) -> bytes:
        return self._path(doc_id).read_bytes()

    def replace(self, doc_id: str, data: bytes, *, expected_sha256: str) -> None:
        path = self._path(doc_id)
        current = path.read_bytes()
        if _sha(current) != expected_sha256:
            raise ConcurrentModification(f"document {doc_id!r} changed since it was read")
        if self.keep_history:
            n = len(list(self.dir.glob(f"{doc_id}.*.pdf"))) + 1
            os.link(path, self.dir / f"{doc_id}.{n}.pdf")
        self._write(path, data)

    @contextlib.contextmanager
    def lock(self, doc_id: str) -> Iterator[None]:
        lock_path = self.dir / f".{doc_id}.lock"
        self._path(doc_id)  # validates the id
        with document_lock(doc_id):
            with open(lock_path, "a+b") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


class MemoryDocumentStore:
    """In-memory store (tests, single-process tools)."""

    def __init__(self) -> None:
        self._docs: dict[str, bytes] = {}
        self._guard = threading.Lock()

    def create(self, doc_id: str, data: bytes) -> None:
        with self._guard:
            if doc_id in self._docs:
                raise SigningCoreError(f"document {doc_id!r} already exists")
            self._docs[doc_id] = data

    def read(self, doc_id: str) -> bytes:
        with self._guard:
            return self._docs[doc_id]

    def replace(self, doc_id: str, data: bytes, *, expected_sha256: str) -> None:
        with self._guard:
            if _sha(self._docs[doc_id]) != expected_sha256:
                raise ConcurrentModification(f"document {doc_id!r} changed since it was read")
            self._docs[doc_id] = data

    def lock(self, doc_id: str) -> ContextManager[None]:
        return document_lock(doc_id)


def update_latest(
    store: DocumentStore,
    doc_id: str,
    operation: Callable[[bytes], bytes],
    *,
    retries: int = 3,
) -> bytes:
    """Apply ``operation`` (e.g. ``lambda pdf: sign_field(pdf, ...)``) to the
    latest bytes of ``doc_id`` under the document's lock and store the result.

    ``operation`` must return an incremental update of its input (checked).
    Refusals raised by ``operation`` (field already signed, frozen, ...)
    propagate unchanged. A compare-and-swap conflict (a writer that bypassed
    the lock) re-reads and re-runs the operation, up to ``retries`` times.
    """
    for attempt in range(retries + 1):
        with store.lock(doc_id):
            current = store.read(doc_id)
            result = ensure_appended(current, operation(current))
            try:
                store.replace(doc_id, result, expected_sha256=_sha(current))
                return result
            except ConcurrentModification:
                if attempt == retries:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover
