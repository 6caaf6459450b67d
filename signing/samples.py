"""Sample inputs for the signing benchmark (``python -m signing.bench``, ``casedocs bench``):
a small unsigned A4 document, signatory field slots and a seal box on it, and sample people.

Not used by the signing code itself. Tests use these too; their own helpers (tampering, outside
PKIs) are in tests/signing_support.py.
"""
from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING, Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PageObject, PdfFileWriter

from .seal import Box, FieldSlot

if TYPE_CHECKING:
    from .pki import PKI, Credential

A4 = (0, 0, 595.28, 841.89)
SEAL_BOX: Box = (400, 540, 519, 659)  # 4.2 cm square on the last page of sample_pdf(), above the fields


def text_page(writer: BasePdfFileWriter, lines: list[str]) -> PageObject:
    """An A4 page of ASCII lines in Helvetica 12 pt, its content stream uncompressed (tests flip
    bytes of the visible text)."""
    font = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
            }
        )
    )
    ops = [b"BT /F1 12 Tf 72 770 Td 16 TL"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + esc.encode("latin-1") + b") Tj T*")
    ops.append(b"ET")
    content = writer.add_object(generic.StreamObject(stream_data=b"\n".join(ops)))
    resources = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): font})}
    )
    return PageObject(contents=content, media_box=A4, resources=resources)


def sample_pdf(
    title: str = "Decision on Extension of Time", pages: int = 2, *, record_page: bool = False
) -> bytes:
    """A small unsigned A4 document, ``pages`` pages of ASCII text.

    ``record_page``: the last page only carries a heading (the closure
    report's monitoring-record page, left free for the monitoring slots).
    """
    w = PdfFileWriter(stream_xrefs=False)
    for i in range(pages):
        lines = [f"{title} - page {i + 1} of {pages}", "", "Case 2025-CN-0042"]
        if record_page and i == pages - 1:
            lines = [f"{title} - page {i + 1} of {pages}", "", "Monitoring record"]
        else:
            lines += [f"Paragraph {j}: the parties agree to the terms set out herein." for j in range(1, 12)]
            if i == pages - 1:
                lines += ["", "Signatures / seal:"]
        w.insert_page(text_page(w, lines))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def cosign_slots(page: int = -1) -> list[FieldSlot]:
    """Four signatory fields (two per side) on the last page of sample_pdf()."""
    return [
        FieldSlot("sig-applicant-1", page, (56, 420, 286, 500), "申请方签署人1 Applicant signatory 1"),
        FieldSlot("sig-applicant-2", page, (56, 330, 286, 410), "申请方签署人2 Applicant signatory 2"),
        FieldSlot("sig-respondent-1", page, (309, 420, 539, 500), "相对方签署人1 Respondent signatory 1"),
        FieldSlot("sig-respondent-2", page, (309, 330, 539, 410), "相对方签署人2 Respondent signatory 2"),
    ]


def passphrase_for(person_id: str) -> str:
    """A sample person's passphrase, derived from their id (never use such a scheme for real keys)."""
    return f"pass-{person_id}-pass"


def issue_and_unlock(pki: PKI, person_id: str, name: str, side: str, role: str, **kw: Any) -> Credential:
    """Issue a certificate to a sample person and unlock it with their passphrase."""
    pki.issue_person(person_id=person_id, name=name, side=side, role=role, passphrase=passphrase_for(person_id), **kw)
    return pki.unlock_person(person_id, passphrase_for(person_id))
