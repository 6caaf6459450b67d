"""Sealing plain instruments and verifying them: real pyHanko signatures,
real validation, tampering in every way the brief lists."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError

from signing import (
    PKI,
    MalformedPdf,
    PolicyViolation,
    SigningEnv,
    TimestampUnavailable,
    external_timestamper,
    seal,
    sign_field,
    verify,
)
from signing.pdfdoc import document_state, open_reader
from signing.samples import SEAL_BOX, issue_and_unlock, sample_pdf
from signing_support import SECRETARIAT_PASSPHRASE, add_annotation, append_page, flip_byte, replace_page_text
from signing.timestamps import FailingTimeStamper, LocalTimeStamper

PW = SECRETARIAT_PASSPHRASE


@pytest.fixture(scope="module")
def sealed(pki: PKI, env: SigningEnv) -> bytes:
    return seal(sample_pdf(), env=env, sealer=pki.seal_credential(), kind="plain", seal_page=-1, seal_box=SEAL_BOX)


def _verify(pki: PKI, pdf: bytes):  # type: ignore[no-untyped-def]
    return verify(pdf, pki.trust_roots(), pki.crls())


def test_seal_verifies_as_trusted_certification(pki: PKI, sealed: bytes) -> None:
    report = _verify(pki, sealed)
    assert report.valid, report.reasons
    assert report.certified and report.docmdp == "NO_CHANGES"
    (sig,) = report.signatures
    assert sig.kind == "certification"
    assert sig.field == "seal-secretariat"
    assert sig.intact and sig.trusted and not sig.revoked and sig.docmdp_ok
    assert sig.signer is not None and sig.signer.endswith("秘书处")
    assert sig.side == "secretariat" and sig.role == "seal"
    assert sig.timestamp is not None and sig.timestamp_trusted  # signature time-stamp
    assert sig.modification_level in ("NONE", "LTA_UPDATES")
    doc = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert doc["valid"] is True
    for key in ("field", "signer", "intact", "trusted", "modification_level", "docmdp_ok", "timestamp"):
        assert key in doc["signatures"][0]


def test_seal_is_an_incremental_update(sealed: bytes) -> None:
    original = sample_pdf()
    # the sample is random-ID'd, so compare structure: one original revision + updates
    reader = open_reader(sealed)
    assert reader.xrefs.total_revisions >= 2
    assert sealed.count(b"%%EOF") >= 2
    assert len(sealed) > len(original)


def test_flipped_byte_in_signed_range_breaks_integrity(pki: PKI, sealed: bytes) -> None:
    tampered = flip_byte(sealed, b"Paragraph 3", 2)  # 'r' -> 's' in the page text
    report = _verify(pki, tampered)
    assert not report.valid
    (sig,) = report.signatures
    assert sig.intact is False
    assert any("altered" in r for r in report.reasons)


@pytest.mark.parametrize(
    "tamper, what",
    [
        (lambda pdf: append_page(pdf, "Extra clause: the respondent owes nothing."), "page added"),
        (lambda pdf: replace_page_text(pdf, 0, "Decision withdrawn."), "text changed"),
        (lambda pdf: add_annotation(pdf, 0, "approved by me"), "annotation added"),
    ],
)
def test_changes_after_sealing_are_reported_and_invalid(pki: PKI, sealed: bytes, tamper, what: str) -> None:  # type: ignore[no-untyped-def]
    report = _verify(pki, tamper(sealed))
    assert not report.valid, what
    sig = report.signatures[0]
    assert sig.intact, "the sealed revision itself is untouched"
    assert sig.docmdp_ok is False
    assert sig.modification_level in ("ANNOTATIONS", "OTHER")
    assert any("later changes" in r for r in report.reasons)


def test_untrusted_ca_is_not_trusted(pki: PKI, sealed: bytes, tmp_path: Path) -> None:
    stranger = PKI.create(tmp_path / "other", "another passphrase")
    report = verify(sealed, stranger.trust_roots(), stranger.crls())
    assert not report.valid
    (sig,) = report.signatures
    assert sig.intact and not sig.trusted
    assert any("not trusted" in r for r in report.reasons)


def test_without_revocation_data_nothing_is_trusted(pki: PKI, sealed: bytes) -> None:
    """Fail closed: our certificates declare a CRL; without it, no trust."""
    report = verify(sealed, pki.trust_roots(), [])
    assert not report.valid and not report.signatures[0].trusted
    assert "CRL" in report.reasons[0]


def test_plain_instrument_takes_no_further_signature(pki: PKI, env: SigningEnv, sealed: bytes) -> None:
    cred = issue_and_unlock(pki, "P-plain", "孙杰", "applicant", "signatory")
    with pytest.raises(Exception) as exc:
        sign_field(sealed, "sig-applicant-1", cred, env=env, field_owner="P-plain")
    # no such field, and in any case the certification forbids changes
    assert exc.type.__name__ in ("FieldNotFound", "PolicyViolation")
    with pytest.raises(PolicyViolation):
        seal(sealed, env=env, sealer=pki.seal_credential(), kind="plain", seal_page=0, seal_box=SEAL_BOX)


def test_only_the_seal_certificate_certifies(pki: PKI, env: SigningEnv) -> None:
    person = issue_and_unlock(pki, "P-notseal", "钱进", "applicant", "signatory")
    with pytest.raises(PolicyViolation):
        seal(sample_pdf(), env=env, sealer=person, kind="plain", seal_page=0, seal_box=SEAL_BOX)


class _FlakyTimeStamper(LocalTimeStamper):
    """Answers the first request (pyHanko's size-estimation dummy), then fails."""

    calls = 0

    def request_tsa_response(self, req):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls > 1:
            raise TimestampRequestError("TSA went away")
        return super().request_tsa_response(req)


@pytest.mark.parametrize("which", ["failing", "flaky", "http-closed-port", "untrusted-tsa"])
def test_tsa_failure_fails_closed(pki: PKI, env: SigningEnv, which: str, tmp_path: Path) -> None:
    ts: TimeStamper
    if which == "untrusted-tsa":
        ts = LocalTimeStamper.from_pki(PKI.create(tmp_path / "rogue", "rogue passphrase"))
    elif which == "failing":
        ts = FailingTimeStamper()
    elif which == "flaky":
        key, cert, chain = pki.tsa_key_and_cert()
        ts = _FlakyTimeStamper(cert, key, chain)
    else:
        ts = external_timestamper("http://127.0.0.1:9/tsa", timeout=2)
    broken = SigningEnv(timestamper=ts, validation_context=pki.validation_context, recheck=pki.refresh, font=env.font)
    with pytest.raises(TimestampUnavailable):
        seal(sample_pdf(), env=broken, sealer=pki.seal_credential(), kind="plain", seal_page=0, seal_box=SEAL_BOX)


@pytest.mark.parametrize(
    "data",
    [b"", b"hello world", b"%PDF-1.7\n" + b"garbage" * 50, None],
    ids=["empty", "text", "garbage", "truncated"],
)
def test_malformed_input_gives_a_clear_error(pki: PKI, env: SigningEnv, sealed: bytes, data: bytes | None) -> None:
    if data is None:
        data = sealed[: len(sealed) // 2]
    with pytest.raises(MalformedPdf):
        verify(data, pki.trust_roots(), pki.crls())
    with pytest.raises(MalformedPdf):
        seal(data, env=env, sealer=pki.seal_credential(), kind="plain", seal_page=0, seal_box=SEAL_BOX)


def test_unsigned_document_is_not_valid(pki: PKI) -> None:
    report = verify(sample_pdf(), pki.trust_roots(), pki.crls())
    assert not report.valid and report.signatures == []
    assert "no signature" in report.reasons[0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_red_seal_is_drawn_with_transparency(sealed: bytes, tmp_path: Path) -> None:
    pdf = tmp_path / "sealed.pdf"
    pdf.write_bytes(sealed)
    dpi = 72
    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", str(dpi), "-png", str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    img = Image.open(png).convert("RGB")
    x1, y1, x2, y2 = SEAL_BOX
    h = img.height
    box = img.crop((int(x1), int(h - y2), int(x2), int(h - y1)))
    raw = box.tobytes()
    px = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    red = sum(1 for r, g, b in px if r > 150 and g < 90 and b < 90)
    white = sum(1 for r, g, b in px if r > 240 and g > 240 and b > 240)
    assert red > 0.08 * len(px), "the seal is not visibly red"
    assert white > 0.3 * len(px), "the seal background is not transparent"
    state = document_state(open_reader(sealed), with_pages=True)
    assert state.field("seal-secretariat") is not None and state.field("seal-secretariat").page == 1  # type: ignore[union-attr]


def test_speedups_change_no_verification_result(pki: PKI, env: SigningEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """signing._speedups caches work across the signatures of a document;
    every verdict, level and message must be what plain pyHanko gives, for
    an intact multi-revision document and for each way of breaking it."""
    from cryptography import x509

    from signing import _speedups
    from signing.samples import cosign_slots

    sealed = seal(
        sample_pdf(), env=env, sealer=pki.seal_credential(), kind="co_signed", seal_page=-1, seal_box=SEAL_BOX,
        signatory_fields=cosign_slots(),
    )  # fmt: skip
    a = issue_and_unlock(pki, "P-speed-a", "欧阳修", "applicant", "signatory")
    b = issue_and_unlock(pki, "P-speed-b", "Maria Santos", "respondent", "signatory")
    pdf = sign_field(sealed, "sig-applicant-1", a, env=env, field_owner="P-speed-a")
    pdf = sign_field(pdf, "sig-respondent-1", b, env=env, field_owner="P-speed-b")
    stranger = PKI.create(tmp_path / "other", "another passphrase")
    roots, crls = pki.trust_roots(), pki.crls()
    time.sleep(1.01 - dt.datetime.now(dt.timezone.utc).microsecond / 1e6)  # CRLs date revocations to the second
    cases = {
        "intact": (pdf, roots, crls),
        "byte flipped": (flip_byte(pdf, b"Paragraph 3", 2), roots, crls),
        "page added": (append_page(pdf, "Extra clause."), roots, crls),
        "text changed": (replace_page_text(pdf, 0, "Withdrawn."), roots, crls),
        "annotation added": (add_annotation(pdf, 0, "approved by me"), roots, crls),
        "untrusted": (pdf, stranger.trust_roots(), stranger.crls()),
        "no CRL": (pdf, roots, []),
        "revoked": (pdf, roots, [pki.revoke(b.serial, x509.ReasonFlags.key_compromise)]),
    }

    def reports() -> dict[str, Any]:
        return {name: verify(doc, r, c).to_json() for name, (doc, r, c) in cases.items()}

    fast = reports()
    _speedups.uninstall()
    monkeypatch.setattr(_speedups, "install", lambda: None)  # verify() would re-install them
    try:
        plain = reports()
    finally:
        monkeypatch.undo()
        _speedups.install()
    assert fast == plain
    assert fast["intact"]["valid"] is True
    assert not any(r["valid"] for name, r in fast.items() if name not in ("intact", "revoked"))
    # Revoked after its time-stamp: valid as of then (issue 9, point-in-time validation).
    assert fast["revoked"]["valid"] is True and fast["revoked"]["signatures"][-1]["revoked_after_proof"] is True


def test_speedups_stay_off_for_versions_they_were_not_checked_against(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyhanko.pdf_utils import generic

    from signing import _speedups

    _speedups.uninstall()
    try:
        monkeypatch.setattr(_speedups, "TESTED_WITH", {"pyHanko": "99."})
        _speedups.install()
        assert generic.read_hex_string_from_stream is _speedups.original()
        monkeypatch.undo()
        _speedups.install()
        assert generic.read_hex_string_from_stream is _speedups.fast_read_hex_string_from_stream
    finally:
        _speedups.install()


def test_a_signature_value_overwritten_inside_its_contents_is_invalid_not_bad_input(pki: PKI, sealed: bytes) -> None:
    """The hostile re-run zeroed 4 bytes of a signature's /Contents: the file was refused as malformed
    input (exit 2, the parser's wording) where the verdict is that the document was altered."""
    start = sealed.rindex(b"/Contents <") + len(b"/Contents <")
    tampered = sealed[:start + 8] + b"00000000" + sealed[start + 16:]
    report = _verify(pki, tampered)
    assert not report.valid and "altered" in " ".join(report.reasons)


def test_the_overwritten_signature_value_no_longer_parses_as_a_signature(sealed: bytes) -> None:
    """The test above reaches the corrupted-value verdict, not merely a hash mismatch."""
    from signing.pdfdoc import open_reader

    start = sealed.rindex(b"/Contents <") + len(b"/Contents <")
    reader = open_reader(sealed[:start + 8] + b"00000000" + sealed[start + 16:])
    with pytest.raises(Exception):
        list(reader.embedded_signatures)
