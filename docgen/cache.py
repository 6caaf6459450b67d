"""Renderings already made, found again by everything their bytes depend on.

Issue 8: re-rendering a case whose record has not changed must not convert
again, and must never serve a stale PDF. A rendering's bytes are a function of

- the template (its sha256; for zh-Hant the converted template, so the
  variant counts),
- the context the template sees (its sha256: every value printed, the
  verification code, the version number and the dates included),
- the edition, the format and the audience (what it withholds, 第六章第2.2条),
- the pipeline: our rendering code and the libraries it uses, and for PDF
  the LibreOffice installation and the export options (``pipeline``).

``RenderKey`` holds exactly those; a ``RenderCache`` maps a key to the sha256
of the bytes made for it (the bytes live in the case record's BlobStore). A
change to any of them is a different key: a miss, and a fresh rendering.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class RenderKey:
    template_sha256: str
    context_sha256: str
    edition: str
    format: str
    pipeline: str
    audience: str = "secretariat"  # whom the rendering is for (issue 11): never served to another audience

    @property
    def digest(self) -> str:
        fields = (self.template_sha256, self.context_sha256, self.edition, self.format, self.pipeline, self.audience)
        return hashlib.sha256("\0".join(fields).encode("utf-8")).hexdigest()


class RenderCache(Protocol):
    """Where renderings are found again. Implementations must be safe across processes."""

    def get(self, key: RenderKey) -> str | None:
        """The sha256 of the bytes made for ``key``, or None."""

    def put(self, key: RenderKey, sha256: str) -> None:
        """Remember that ``sha256`` is what ``key`` renders to."""


class DirectoryCache:
    """A RenderCache in a directory: one small file per key, named by the key's digest.

    Written atomically (rename), so concurrent renderers (the command line and the
    web) never read half a record; read back only if it is a well-formed sha256.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: RenderKey) -> Path:
        digest = key.digest
        return self.root / digest[:2] / digest

    def get(self, key: RenderKey) -> str | None:
        try:
            value = self._path(key).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return value if len(value) == 64 and set(value) <= _HEX else None

    def put(self, key: RenderKey, sha256: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(sha256)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


_RENDERING_CODE = ("render.py", "editions.py", "qr.py")
_RENDERING_LIBRARIES = ("docxtpl", "python-docx", "docxcompose", "jinja2", "lxml", "segno")


@lru_cache(maxsize=1)
def _rendering_identity() -> str:
    """Our DOCX-making code (by content) and the versions of the libraries it calls."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _RENDERING_CODE:
        digest.update((here / name).read_bytes())
    for library in _RENDERING_LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return digest.hexdigest()


def pipeline(fmt: str) -> str:
    """The identity of what turns template and context into ``fmt`` bytes (docx or pdf)."""
    if fmt == "docx":
        return f"docx:{_rendering_identity()}"
    from docgen.conversion import converter_identity

    return f"pdf:{_rendering_identity()}:{converter_identity(pdfa=True)}"
