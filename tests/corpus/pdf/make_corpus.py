"""Writes the corpus of broken and hostile PDFs that tests/test_web_verify.py feeds to /verify and
/api/v1/verify (issue 13: malformed, encrypted or hostile files get a verdict or a refusal, never a
server error). Run from the repository: `.venv/bin/python tests/corpus/pdf/make_corpus.py`; the files
are small and committed, so the tests do not depend on this script's libraries staying the same.

The expected answer of each file is in EXPECTED (a verdict of casedocs.services.verification)."""
from __future__ import annotations

import io
import zlib
from pathlib import Path

from pypdf import PdfWriter

HERE = Path(__file__).resolve().parent


def pdf(objects: list[bytes], root: int = 1, *, trailer_extra: bytes = b"", prev: int | None = None,
        xref_at: int | None = None) -> bytes:
    """A classic PDF from numbered object bodies (1-based), with a correct xref table unless told."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    extra = trailer_extra + (b" /Prev %d" % (start if prev == -1 else prev) if prev is not None else b"")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, extra, start if xref_at is None else xref_at))
    return out.getvalue()


PAGE = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]


def plain() -> bytes:
    return pdf(PAGE)


def encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signature_dictionary(byte_range: bytes) -> list[bytes]:
    """A page with a signature field whose value claims /ByteRange `byte_range`."""
    return [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
            b"<< /FT /Sig /T (sig-applicant-1) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R /V 5 0 R >>",
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange " + byte_range
            + b" /Contents <3082000a06092a864886f70d010702a0> /M (D:20260101000000Z) >>"]


def corpus() -> dict[str, bytes]:
    base = plain()
    bomb = zlib.compress(b"0" * (16 * 1024 * 1024), 9)
    return {
        "empty.pdf": b"",
        "garbage.pdf": bytes((i * 7919 + 13) % 256 for i in range(4096)),
        "not-a-pdf.pdf": b"\x89PNG\r\n\x1a\n" + b"this is an image, named .pdf\n" * 20,
        "text-named-pdf.pdf": "这不是 PDF 文件，只是改了扩展名。\n".encode("utf-8") * 10,
        "truncated.pdf": base[: len(base) // 2],
        "header-only.pdf": b"%PDF-1.7\n%%EOF\n",
        "encrypted.pdf": encrypted(),
        "xref-loop.pdf": pdf(PAGE, prev=-1),  # the trailer's /Prev points at its own xref section
        "xref-outside.pdf": pdf(PAGE, xref_at=10_000_000),
        "object-loop.pdf": pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
        "deep-nesting.pdf": pdf([b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * 5000 + b"]" * 5000 + b" >>",
                                 *PAGE[1:]]),
        "deflate-bomb.pdf": pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb
                                 + b"\nendstream"]),
        "unsigned.pdf": base,
        "byterange-outside.pdf": pdf(signature_dictionary(b"[0 100 9999999 100]")),
        "byterange-negative.pdf": pdf(signature_dictionary(b"[0 -5 10 -20]")),
        "signature-garbage.pdf": pdf(signature_dictionary(b"[0 10 20 30]")),
    }


# What the service answers for each (casedocs.services.verification.Verdict values).
EXPECTED = {
    "empty.pdf": "unreadable", "garbage.pdf": "unreadable", "not-a-pdf.pdf": "unreadable",
    "text-named-pdf.pdf": "unreadable", "truncated.pdf": "unreadable", "header-only.pdf": "unreadable",
    "encrypted.pdf": "unreadable", "xref-loop.pdf": "unreadable", "xref-outside.pdf": "unreadable",
    "object-loop.pdf": "unsigned", "deep-nesting.pdf": "unreadable", "deflate-bomb.pdf": "unsigned",
    "unsigned.pdf": "unsigned", "byterange-outside.pdf": "invalid", "byterange-negative.pdf": "invalid",
    "signature-garbage.pdf": "invalid",
}


if __name__ == "__main__":
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
