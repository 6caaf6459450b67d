"""Point-in-time validation of revoked signers (issue 9, "Revocation", first finding).

A revocation does not reach back: a signature whose trusted time-stamp proves it existed before
its signer's certificate was revoked stays valid, as in ETSI EN 319 102-1 §5.5.4 (validation of
signatures with time: the best-signature-time is compared with the revocation time). The reason
code does not change that rule; a CRL entry's RFC 5280 invalidityDate, when present, moves the
revocation time back to when the key was known or suspected compromised. A signature made after
the revocation stays invalid.

Real PKI, real pyHanko, real SQLite, and the real command line in a subprocess (its stderr must
carry no pyHanko traceback). No LibreOffice: the documents are the signing samples.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner

from casedocs.app import App
from casedocs.config import Settings
from casedocs.services.desk import Desk
from casedocs.services.verification import verify_pdf
from signing import Credential, freeze, seal, sign_field, verify
from signing.offline import RevocationStatus, Verdict, verify_offline
from signing.samples import SEAL_BOX, cosign_slots, issue_and_unlock, passphrase_for, sample_pdf
from signing.verify import SignatureReport
from signing_support import external_ca, external_p12

SECRET = "secretariat passphrase for tests"
REPO = Path(__file__).resolve().parents[1]


def _app(data: Path) -> App:
    application = App(replace(Settings.load(data), converter_processes=1))
    assert application.init(SECRET)
    return application


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """A data directory made by `casedocs init`'s code: database, CA, published CRL."""
    application = _app(tmp_path_factory.mktemp("data"))
    yield application
    application.close()


@pytest.fixture(scope="module")
def data(app: App) -> Path:
    return app.settings.data_dir


@pytest.fixture(scope="module")
def desk(app: App) -> Desk:
    return app.desk(SECRET)


def casedocs(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process, as a user runs it."""
    environment = {**os.environ, "CASEDOCS_SECRETARIAT_PASSPHRASE": SECRET}
    return subprocess.run([sys.executable, "-c", "from casedocs.cli import main; main()", *args, "--data", str(data)],
                          env=environment, cwd=REPO, capture_output=True, text=True, timeout=300)


def assert_quiet(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Validation error" not in result.stderr, result.stderr


def after_a_second_boundary() -> None:
    """CRLs date a revocation to the second (truncated): revoking in the same second as a time-stamp
    would date it at or before that time-stamp. Wait into the next second."""
    time.sleep(1.01 - dt.datetime.now(dt.timezone.utc).microsecond / 1e6)


def people(desk: Desk, prefix: str) -> dict[str, Credential]:
    return {slot.name: issue_and_unlock(desk.pki, f"{prefix}-{i}", f"Signatory {prefix}-{i}",
                                        slot.name.split("-")[1], "representative")
            for i, slot in enumerate(cosign_slots(), 1)}


def sealed_for_cosigning(desk: Desk) -> bytes:
    return seal(sample_pdf("Problem-Solving Agreement"), env=desk.env, sealer=desk.pki.seal_credential(),
                kind="co_signed", seal_page=-1, seal_box=SEAL_BOX, signatory_fields=cosign_slots())


def signed(desk: Desk, pdf: bytes, signatories: dict[str, Credential]) -> bytes:
    for field, person in signatories.items():
        assert person.person_id is not None
        pdf = sign_field(pdf, field, person, env=desk.env, field_owner=person.person_id)
    return pdf


def revoke(data: Path, person_id: str, reason: str) -> None:
    result = casedocs(data, "signer", "revoke", person_id, "--reason", reason)
    assert result.returncode == 0 and f"revoked ({reason})" in result.stdout, result.stderr
    assert_quiet(result)


def verify_with_the_cli(data: Path, pdf: bytes, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = casedocs(data, "verify", str(path), "--json", *extra)
    assert_quiet(result)
    return result.returncode, json.loads(result.stdout)


def signature(report: dict, field: str) -> dict:
    return next(s for s in report["signatures"] if s["field"] == field)


def moment(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def test_a_frozen_agreement_stays_valid_when_a_signer_is_revoked_later_for_a_changed_affiliation(
        data: Path, desk: Desk, tmp_path: Path) -> None:
    signatories = people(desk, "AFF")
    frozen = freeze(signed(desk, sealed_for_cosigning(desk), signatories), env=desk.env)
    after_a_second_boundary()
    revoke(data, "AFF-3", "affiliation_changed")

    status, report = verify_with_the_cli(data, frozen, tmp_path)
    assert status == 0 and report["valid"], report["reasons"]
    revoked = signature(report, "sig-respondent-1")
    assert revoked["revoked"] and revoked["revoked_after_proof"] and revoked["trusted"]
    assert revoked["revocation_reason"] == "affiliation_changed"
    assert revoked["proof_of_existence"] == revoked["timestamp"]
    assert moment(revoked["proof_of_existence"]) < moment(revoked["revocation_date"])
    assert any("revoked" in n and "after the signature's proof of existence" in n for n in revoked["notes"])
    assert any(n.startswith("sig-respondent-1: ") for n in report["notes"])
    assert not any(signature(report, f)["revoked"] for f in ("sig-applicant-1", "sig-applicant-2",
                                                             "sig-respondent-2", "seal-secretariat"))
    assert verify_pdf(data, frozen).valid  # the service the web will call says the same

    # Someone holding only the CA certificate and the current CRL agrees.
    ca = data / "pki" / "ca" / "root.pem"
    crl = data / "pki" / "crl" / "root.crl.pem"
    offline = verify_offline(frozen, [ca.read_bytes()], [crl.read_bytes()])
    assert offline.verdict is Verdict.VALID, offline.reasons
    (check,) = [r for r in offline.revocation if r.field == "sig-respondent-1"]
    assert check.status is RevocationStatus.REVOKED_AFTER_PROOF
    (path := tmp_path / "frozen.pdf").write_bytes(frozen)
    result = casedocs(data, "verify", str(path), "--trust", str(ca), "--crl", str(crl))
    assert result.returncode == 0 and result.stdout.rstrip().endswith("VALID"), result.stdout
    assert "revoked after proof of existence" in result.stdout
    assert_quiet(result)


def test_a_key_compromise_declared_after_the_signature_time_stamp_leaves_the_signature_valid(
        data: Path, desk: Desk, tmp_path: Path) -> None:
    # EN 319 102-1 compares the revocation time with the proof of existence whatever the reason;
    # our CA states no invalidity date, so the revocation time is when the secretariat revoked.
    signatories = people(desk, "KEY")
    frozen = freeze(signed(desk, sealed_for_cosigning(desk), signatories), env=desk.env)
    after_a_second_boundary()
    revoke(data, "KEY-1", "key_compromise")

    status, report = verify_with_the_cli(data, frozen, tmp_path)
    assert status == 0 and report["valid"], report["reasons"]
    revoked = signature(report, "sig-applicant-1")
    assert revoked["revoked_after_proof"] and revoked["revocation_reason"] == "key_compromise"
    assert revoked["invalidity_date"] is None
    assert any("key_compromise" in n for n in revoked["notes"])


def crl_revoking(ca: x509.Certificate, key: ec.EllipticCurvePrivateKey, serial: int, reason: x509.ReasonFlags,
                 invalid_since: dt.datetime | None) -> x509.CertificateRevocationList:
    now = dt.datetime.now(dt.timezone.utc)
    entry = (x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now)
             .add_extension(x509.CRLReason(reason), critical=False))
    if invalid_since is not None:
        entry = entry.add_extension(x509.InvalidityDate(invalid_since.replace(tzinfo=None)), critical=False)
    return (x509.CertificateRevocationListBuilder().issuer_name(ca.subject).last_update(now)
            .next_update(now + dt.timedelta(days=7)).add_revoked_certificate(entry.build())
            .sign(key, hashes.SHA256()))


def test_a_key_compromise_whose_invalidity_date_precedes_the_signature_makes_it_invalid(desk: Desk) -> None:
    # RFC 5280 §5.3.2: the invalidity date is when the key was known or suspected compromised; it
    # may precede the revocation date, and then it is the time a proof of existence must beat.
    ca, ca_key = external_ca("Hongyuan Corporate CA (compromise test)")
    desk.pki.add_trust_root(ca.public_bytes(Encoding.PEM))
    now = dt.datetime.now(dt.timezone.utc)
    nobody_revoked = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject).last_update(now)
                      .next_update(now + dt.timedelta(days=7)).sign(ca_key, hashes.SHA256()))
    desk.pki.add_crl(nobody_revoked.public_bytes(Encoding.PEM))
    p12 = external_p12(ca, ca_key, "Wang Fang", b"p12 password", crl_url="http://pki.hongyuan.invalid/ca.crl")
    desk.pki.import_pkcs12(p12, "p12 password", person_id="EXT-1", name="王芳", side="respondent",
                           role="representative", passphrase=passphrase_for("EXT-1"))
    wang = desk.pki.unlock_person("EXT-1", passphrase_for("EXT-1"))
    pdf = sign_field(sealed_for_cosigning(desk), "sig-respondent-1", wang, env=desk.env, field_owner="EXT-1")
    roots = desk.pki.trust_roots()
    (before,) = [s for s in verify(pdf, roots, desk.pki.crls()).signatures if s.field == "sig-respondent-1"]
    assert before.trusted and before.proof_of_existence is not None
    proof = dt.datetime.fromisoformat(before.proof_of_existence)
    after_a_second_boundary()
    serial = wang.certificate.serial_number

    def judged(invalid_since: dt.datetime | None) -> tuple[bool, SignatureReport]:
        crl = crl_revoking(ca, ca_key, serial, x509.ReasonFlags.key_compromise, invalid_since)
        report = verify(pdf, roots, [desk.pki.current_crl(), crl])
        return report.valid, next(s for s in report.signatures if s.field == "sig-respondent-1")

    valid, s = judged(None)
    assert valid and s.revoked and s.revoked_after_proof and s.revocation_reason == "key_compromise"
    valid, s = judged(proof - dt.timedelta(hours=1))
    assert not valid and s.revoked and not s.revoked_after_proof and not s.trusted
    assert s.invalidity_date is not None and dt.datetime.fromisoformat(s.invalidity_date) < proof
    assert any("compromised since" in p for p in s.problems), s.problems


def sign_bypassing_the_desk(pdf: bytes, field: str, credential: Credential, desk: Desk) -> bytes:
    """A signature the desk would refuse (a revoked certificate), made directly with pyHanko: what
    someone still holding the key and its passphrase could produce."""
    meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES)
    out = PdfSigner(meta, credential.signer, timestamper=desk.env.timestamper).sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), existing_fields_only=True)
    return out.getvalue()


def test_a_signature_made_after_the_revocation_is_invalid(data: Path, desk: Desk, tmp_path: Path) -> None:
    signatories = people(desk, "LATE")
    late = signatories.pop("sig-respondent-2")
    pdf = signed(desk, sealed_for_cosigning(desk), signatories)
    revoke(data, "LATE-4", "cessation_of_operation")
    pdf = sign_bypassing_the_desk(pdf, "sig-respondent-2", late, desk)

    status, report = verify_with_the_cli(data, pdf, tmp_path)
    assert status == 1 and not report["valid"]
    revoked = signature(report, "sig-respondent-2")
    assert revoked["revoked"] and not revoked["revoked_after_proof"] and not revoked["trusted"]
    assert moment(revoked["proof_of_existence"]) >= moment(revoked["revocation_date"])
    assert any(r.startswith("sig-respondent-2: the signer's certificate is revoked since") for r in report["reasons"])
    assert not any(signature(report, f)["problems"] for f in ("sig-applicant-1", "sig-applicant-2", "sig-respondent-1"))

    ca = data / "pki" / "ca" / "root.pem"
    crl = data / "pki" / "crl" / "root.crl.pem"
    offline = verify_offline(pdf, [ca.read_bytes()], [crl.read_bytes()])
    assert offline.verdict is Verdict.INVALID
    (check,) = [r for r in offline.revocation if r.field == "sig-respondent-2"]
    assert check.status is RevocationStatus.REVOKED


def test_an_unfrozen_document_keeps_its_signatures_when_a_signer_is_revoked_later(
        data: Path, desk: Desk, tmp_path: Path) -> None:
    # Not frozen: no archive time-stamp, so each signature's own time-stamp is its proof of existence.
    signatories = people(desk, "OPEN")
    del signatories["sig-respondent-2"]
    pdf = signed(desk, sealed_for_cosigning(desk), signatories)
    after_a_second_boundary()
    revoke(data, "OPEN-1", "superseded")

    status, report = verify_with_the_cli(data, pdf, tmp_path)
    assert status == 0 and report["valid"] and not report["frozen"], report["reasons"]
    assert report["empty_fields"] == ["sig-respondent-2"]
    revoked = signature(report, "sig-applicant-1")
    assert revoked["revoked_after_proof"] and revoked["proof_of_existence"] == revoked["timestamp"]


def test_a_sealed_instrument_stays_valid_when_the_seal_certificate_is_revoked_later(tmp_path: Path) -> None:
    # A data directory of its own: once its seal certificate is revoked it can seal nothing more.
    data = tmp_path / "data"
    application = _app(data)
    try:
        sealing = application.desk(SECRET)
        sealed = seal(sample_pdf("Decision on Extension of Time"), env=sealing.env,
                      sealer=sealing.pki.seal_credential(), kind="plain", seal_page=-1, seal_box=SEAL_BOX)
        after_a_second_boundary()
        sealing.pki.revoke(sealing.pki.seal_credential().serial, x509.ReasonFlags.superseded)
    finally:
        application.close()

    status, report = verify_with_the_cli(data, sealed, tmp_path)
    assert status == 0 and report["valid"] and report["certified"], report["reasons"]
    (seal_report,) = report["signatures"]
    assert seal_report["revoked"] and seal_report["revoked_after_proof"]
    assert seal_report["revocation_reason"] == "superseded"
