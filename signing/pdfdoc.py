"""Reading a document's signature state (fields, certification, freeze) and
the naming conventions of our signature fields.

Field names (no dots: a dot would make pyHanko treat the name as a hierarchy):

* ``seal-secretariat``          the secretariat's certification signature
* ``sig-<side>-<n>``            a side's co-signatory, e.g. ``sig-applicant-1``
* ``monitor-<nn>``              closure-report monitoring slot, ``monitor-01``...
* ``ts-<hex>``                  PAdES-LTA document time-stamps after a signature
* ``freeze``                    the final archive time-stamp added by freeze()
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import read_certification_data

from .errors import MalformedPdf, SigningCoreError

SEAL_FIELD = "seal-secretariat"
FREEZE_FIELD = "freeze"
MONITOR_PREFIX = "monitor-"
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def signatory_field(side: str, number: int) -> str:
    """Conventional name of the ``number``-th (1-based) signatory field of a side."""
    return f"sig-{side}-{number}"


def monitoring_field(index: int) -> str:
    """Name of monitoring slot ``index`` (1-based)."""
    return f"{MONITOR_PREFIX}{index:02d}"


def check_field_name(name: str) -> None:
    if not _NAME_RE.match(name):
        raise SigningCoreError(f"invalid field name {name!r}: use 1-64 of A-Z a-z 0-9 _ -")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_pdf(data: bytes) -> None:
    if not isinstance(data, (bytes, bytearray)):
        raise MalformedPdf(f"expected PDF bytes, got {type(data).__name__}")
    if b"%PDF-" not in bytes(data[:1024]):
        raise MalformedPdf("not a PDF (no %PDF- header)")
    if b"%%EOF" not in bytes(data[-2048:]):
        raise MalformedPdf("truncated PDF (no %%EOF marker at the end)")


def open_reader(pdf: bytes) -> PdfFileReader:
    """A strict pyHanko reader, or :class:`MalformedPdf` with the reason."""
    _is_pdf(pdf)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=True)
        _ = reader.root  # forces the trailer/xref to resolve
        if reader.encrypted:
            raise MalformedPdf("encrypted PDFs are not accepted")
        return reader
    except MalformedPdf:
        raise
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
        raise MalformedPdf(f"unreadable PDF: {e}") from e


def open_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer on the latest revision (signed bytes are never
    rewritten: pyHanko appends an update section)."""
    _is_pdf(pdf)
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
        raise MalformedPdf(f"unreadable PDF: {e}") from e


@dataclass(frozen=True)
class FieldState:
    name: str
    filled: bool
    kind: str | None  # '/Sig', '/DocTimeStamp' (filled only), None when empty
    page: int | None  # 0-based page of the widget, if visible


@dataclass(frozen=True)
class DocumentState:
    fields: tuple[FieldState, ...]
    docmdp: MDPPerm | None  # permission of the certification signature
    frozen: bool
    revisions: int

    def field(self, name: str) -> FieldState | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def empty_fields(self) -> list[str]:
        return [f.name for f in self.fields if not f.filled]

    @property
    def monitoring_slots(self) -> list[FieldState]:
        return sorted((f for f in self.fields if f.name.startswith(MONITOR_PREFIX)), key=lambda f: f.name)


def page_refs(reader: PdfFileReader) -> list[generic.Reference]:
    """References of the pages, in order (to report where a widget sits)."""
    try:
        count = int(reader.root["/Pages"]["/Count"])
        return [reader.find_page_for_modification(i)[0].reference for i in range(count)]
    except (PdfError, KeyError, ValueError, TypeError, AttributeError):
        return []


def _page_of(field: generic.DictionaryObject, pages: list[generic.Reference]) -> int | None:
    page_ref = field.raw_get("/P") if "/P" in field else None
    if not isinstance(page_ref, generic.IndirectObject):
        return None
    try:
        return pages.index(page_ref.reference)
    except ValueError:
        return None


def document_state(reader: PdfFileReader, *, with_pages: bool = False) -> DocumentState:
    """Signature fields, certification level and freeze status. ``with_pages``
    also locates each widget's page (walks the page tree: skip it when
    signing)."""
    fields = []
    pages = page_refs(reader) if with_pages else []
    try:
        for name, value, field_ref in enumerate_sig_fields(reader):
            field = field_ref.get_object()
            kind = None
            if value:
                sig = value.get_object()
                kind = str(sig.get("/Type", "/Sig"))
            fields.append(FieldState(name=name, filled=bool(value), kind=kind, page=_page_of(field, pages)))
        cd = read_certification_data(reader)
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise MalformedPdf(f"cannot read the form fields: {e}") from e
    frozen = any(f.name == FREEZE_FIELD and f.filled and f.kind == "/DocTimeStamp" for f in fields)
    return DocumentState(
        fields=tuple(fields),
        docmdp=None if cd is None else cd.permission,
        frozen=frozen,
        revisions=reader.xrefs.total_revisions,
    )


def ensure_appended(before: bytes, after: bytes) -> bytes:
    """Self-check of every operation: the output must be the input plus an
    incremental update, byte for byte. Signed bytes are never rewritten."""
    if len(after) <= len(before) or not after.startswith(before):
        raise SigningCoreError("internal error: output is not an incremental update of the input")
    return after
