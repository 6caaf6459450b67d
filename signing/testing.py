"""Helpers for tests and demos: small input PDFs and tampering tools.

Lives in the package (not in tests/) so demos and other teams' tests can build
the same inputs; nothing here is used by the signing code itself.
"""
from __future__ import annotations

# The passphrase the test suites create their PKIs with (tests only).
SECRETARIAT_PASSPHRASE = "secretariat passphrase 2025"

import datetime as dt
from io import BytesIO
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter, PageObject, PdfFileWriter

from .seal import FieldSlot

if TYPE_CHECKING:
    from .pki import PKI, Credential

A4 = (0, 0, 595.28, 841.89)


def _page(writer: BasePdfFileWriter, lines: list[str]) -> PageObject:
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
    # Uncompressed on purpose: tests flip bytes of the visible text.
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
        w.insert_page(_page(w, lines))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def append_page(pdf: bytes, text: str = "Inserted page") -> bytes:
    """Tamper: add a page in an incremental update."""
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    w.insert_page(_page(w, [text]))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def replace_page_text(pdf: bytes, page: int, text: str) -> bytes:
    """Tamper: replace a page's content stream in an incremental update."""
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    page_ref, _ = w.find_page_for_modification(page)
    page_obj = page_ref.get_object()
    new_page = _page(w, [text])
    page_obj["/Contents"] = new_page["/Contents"]
    w.update_container(page_obj)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def add_annotation(pdf: bytes, page: int = 0, text: str = "Looks fine to me") -> bytes:
    """Tamper: add a text (comment) annotation in an incremental update."""
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    page_ref, _ = w.find_page_for_modification(page)
    page_obj = page_ref.get_object()
    annot = w.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Text"),
                pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, (100, 100, 120, 120))),
                pdf_name("/Contents"): generic.TextStringObject(text),
                pdf_name("/P"): page_ref,
            }
        )
    )
    annots = page_obj.get("/Annots")
    if annots is None:
        page_obj["/Annots"] = generic.ArrayObject([annot])
    else:
        annots = annots.get_object()
        annots.append(annot)
        if isinstance(page_obj.raw_get("/Annots"), generic.IndirectObject):
            w.update_container(annots)
    w.update_container(page_obj)
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def flip_byte(pdf: bytes, marker: bytes, offset: int = 0) -> bytes:
    """Tamper: change one byte at the first occurrence of ``marker`` (+offset)."""
    i = pdf.index(marker) + offset
    return pdf[:i] + bytes([pdf[i] ^ 0x01]) + pdf[i + 1 :]


def passphrase_for(person_id: str) -> str:
    """Deterministic test passphrase (never use such a scheme for real keys)."""
    return f"pass-{person_id}-pass"


def issue_and_unlock(pki: PKI, person_id: str, name: str, side: str, role: str, **kw: Any) -> Credential:
    """Issue a certificate to a test person and unlock it with their passphrase."""
    pki.issue_person(person_id=person_id, name=name, side=side, role=role, passphrase=passphrase_for(person_id), **kw)
    return pki.unlock_person(person_id, passphrase_for(person_id))


def cosign_slots(page: int = -1) -> list[FieldSlot]:
    """Four signatory fields (two per side) on the last page of sample_pdf()."""
    return [
        FieldSlot("sig-applicant-1", page, (56, 420, 286, 500), "申请方签署人1 Applicant signatory 1"),
        FieldSlot("sig-applicant-2", page, (56, 330, 286, 410), "申请方签署人2 Applicant signatory 2"),
        FieldSlot("sig-respondent-1", page, (309, 420, 539, 500), "相对方签署人1 Respondent signatory 1"),
        FieldSlot("sig-respondent-2", page, (309, 330, 539, 410), "相对方签署人2 Respondent signatory 2"),
    ]


SEAL_BOX = (400, 540, 519, 659)  # 4.2 cm square on the last page, above the fields


def external_ca(common_name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A third party's CA (a side's corporate PKI), self-signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def external_p12(ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, name: str, password: bytes,
                 crl_url: str | None = None) -> bytes:
    """A PKCS#12 bundle (key, certificate, CA) such as a side would hand over; with ``crl_url`` the
    certificate declares where its CA publishes revocations (without one it cannot be revoked)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
    )
    if crl_url is not None:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    return pkcs12.serialize_key_and_certificates(
        b"ext", key, cert, [ca], BestAvailableEncryption(password)  # type: ignore[arg-type]
    )
