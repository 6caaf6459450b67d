"""Cheap checks on what goes into and comes out of LibreOffice."""

from __future__ import annotations

import io
import json
import zipfile

from .errors import ConversionError

# The LibreOffice import filter for .docx. Forcing it matters: with type
# detection LibreOffice opens *anything* (random bytes come back as a
# 400-page PDF of mojibake via the plain-text filter), which would put
# garbage into the archive instead of failing.
DOCX_IMPORT_FILTER = "MS Word 2007 XML"

_PDF_MAGIC = b"%PDF-"
_PDF_EOF = b"%%EOF"


def check_docx(name: str, data: bytes) -> None:
    """Reject input that cannot be a DOCX before it costs a LibreOffice round trip."""
    if not data:
        raise ConversionError(name, "invalid DOCX: empty input")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ConversionError(name, "invalid DOCX: not a ZIP archive") from None
    if "word/document.xml" not in members or "[Content_Types].xml" not in members:
        raise ConversionError(
            name, "invalid DOCX: ZIP archive without word/document.xml or [Content_Types].xml"
        )


def check_pdf(name: str, data: bytes | None) -> bytes:
    """Return ``data`` if it looks like a complete PDF, else raise.

    A truncated or empty file must never reach the archive silently, so the
    header *and* the end-of-file marker are checked.
    """
    if not data:
        raise ConversionError(name, "LibreOffice returned no output")
    if not data.startswith(_PDF_MAGIC):
        raise ConversionError(name, f"LibreOffice returned {len(data)} bytes that are not a PDF")
    if _PDF_EOF not in data[-1024:]:
        raise ConversionError(name, "LibreOffice returned a truncated PDF (no %%EOF)")
    return data


def pdf_filter_data(pdfa: bool) -> dict[str, int | bool]:
    """FilterData for LibreOffice's writer_pdf_Export filter.

    SelectPdfVersion=2 is PDF/A-2b; in that mode LibreOffice embeds every font
    itself. For plain PDF the standard 14 fonts would otherwise stay external.
    (Measured: PDF/A costs no more than plain PDF, and leaving out the tags
    saves nothing either; loading the DOCX is the larger half of a conversion.)

    Pictures are kept as they are: the only one is the footer's QR code (issue 13), 1 cm wide,
    which LibreOffice would otherwise resample to 300 dpi and store as JPEG — 3.6 pixels per
    module, blurred at their edges. Lossless, it stays a sharp 1-bit symbol (and smaller).
    """
    pictures: dict[str, int | bool] = {"UseLosslessCompression": True, "ReduceImageResolution": False}
    if pdfa:
        return {"SelectPdfVersion": 2, **pictures}
    return {"EmbedStandardFonts": True, **pictures}


def pdf_filter_json(pdfa: bool) -> str:
    """The same options in soffice's ``--convert-to`` JSON syntax (LibreOffice >= 7.4)."""
    typed = {
        key: {"type": "boolean" if isinstance(value, bool) else "long", "value": str(value).lower()}
        for key, value in pdf_filter_data(pdfa).items()
    }
    return json.dumps(typed)
