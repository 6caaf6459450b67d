"""Test helpers of the signing tests: the suites' secretariat passphrase, tampering tools, and
outside PKIs (a side's corporate CA and the PKCS#12 it hands over). Sample inputs the benchmark
shares (sample_pdf, cosign_slots, issue_and_unlock...) are in signing/samples.py."""
from __future__ import annotations

import datetime as dt
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from signing.samples import text_page

# The passphrase the test suites create their PKIs with.
SECRETARIAT_PASSPHRASE = "secretariat passphrase 2025"


def append_page(pdf: bytes, text: str = "Inserted page") -> bytes:
    """Tamper: add a page in an incremental update."""
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    w.insert_page(text_page(w, [text]))
    out = BytesIO()
    w.write(out)
    return out.getvalue()


def replace_page_text(pdf: bytes, page: int, text: str) -> bytes:
    """Tamper: replace a page's content stream in an incremental update."""
    w = IncrementalPdfFileWriter(BytesIO(pdf))
    page_ref, _ = w.find_page_for_modification(page)
    page_obj = page_ref.get_object()
    new_page = text_page(w, [text])
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
        b"ext", key, cert, [ca], BestAvailableEncryption(password)
    )
