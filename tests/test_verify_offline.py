"""Verification by someone who received only the PDF and the mechanism's CA certificate
(`casedocs ca export`): no data directory, no database (issue 8, item 9).

The verdict is AdES's three-valued one (ETSI EN 319 102-1 §5.1.3): VALID, INVALID, or
INDETERMINATE when everything holds but revocation cannot be established offline. Time is
moved with ``at`` (a real validation at another moment, nothing mocked)."""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.serialization import Encoding

from casedocs.cli import main
from signing import PKI, Credential, MonitoringUpdate, SigningEnv, append_monitoring_update, freeze, grid_slots, seal
from signing import sign_field, verify
from signing.offline import RevocationSource, RevocationStatus, Verdict, verify_offline
from signing.samples import SEAL_BOX, cosign_slots, issue_and_unlock, sample_pdf
from signing_support import external_ca, flip_byte

LATER = dt.timedelta(days=60)  # long after the 7-day CRL embedded at signing has expired
SIGNATORIES = {"sig-applicant-1": "OA-1", "sig-applicant-2": "OA-2", "sig-respondent-1": "OR-1",
               "sig-respondent-2": "OR-2"}


def _later() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + LATER


@pytest.fixture(scope="module")
def ca_pem(pki: PKI) -> bytes:
    """What `casedocs ca export` writes: the root certificate, nothing else."""
    return pki.root_cert.public_bytes(Encoding.PEM)


@pytest.fixture(scope="module")
def sealed(pki: PKI, env: SigningEnv) -> bytes:
    return seal(sample_pdf("Decision on Extension of Time"), env=env, sealer=pki.seal_credential(), kind="plain",
                seal_page=-1, seal_box=SEAL_BOX)


@pytest.fixture(scope="module")
def monitored(pki: PKI, env: SigningEnv) -> bytes:
    """A closure report with two updates by the same monitor, as in the demo."""
    pdf = seal(sample_pdf("Closure Report", record_page=True), env=env, sealer=pki.seal_credential(),
               kind="closure_report", seal_page=0, seal_box=(420, 600, 539, 719),
               monitoring_slots=grid_slots((56, 56, 539, 715), 4, columns=2, page=-1))
    monitor = issue_and_unlock(pki, "OM-1", "Li Na", "secretariat", "monitor")
    for i in (1, 2):
        update = MonitoringUpdate(date=dt.date(2026, 3, i), obligation=f"Obligation {i}", status="In progress",
                                  summary_lines=[f"Quarter {i}: within limits."], full_text=f"Report {i}")
        pdf = append_monitoring_update(pdf, None, monitor, update, env=env)
    return pdf


def _cosigned(pki: PKI, env: SigningEnv, people: dict[str, Credential]) -> bytes:
    pdf = seal(sample_pdf("Problem-Solving Agreement"), env=env, sealer=pki.seal_credential(), kind="co_signed",
               seal_page=-1, seal_box=SEAL_BOX, signatory_fields=cosign_slots())
    for field, person in people.items():
        assert person.person_id is not None
        pdf = sign_field(pdf, field, person, env=env, field_owner=person.person_id)
    return freeze(pdf, env=env)


@pytest.fixture(scope="module")
def frozen_short_lived(pki: PKI, env: SigningEnv) -> bytes:
    """Co-signed and frozen (B-LTA) by signatories whose certificates expire after 30 days."""
    people = {f: issue_and_unlock(pki, pid, f"Signatory {pid}", f.split("-")[1], "signatory", validity_days=30)
              for f, pid in SIGNATORIES.items()}
    return _cosigned(pki, env, people)


def test_a_sealed_instrument_is_valid_for_someone_holding_only_the_ca_certificate(ca_pem: bytes,
                                                                                   sealed: bytes) -> None:
    report = verify_offline(sealed, [ca_pem])
    assert report.verdict is Verdict.VALID, report.reasons
    assert report.exit_status == 0
    (check,) = report.revocation
    # the CRL embedded when it was sealed is still current: revocation is checked now
    assert check.status is RevocationStatus.NOT_REVOKED and check.source is RevocationSource.CURRENT_CRL


def test_a_monitored_closure_report_is_valid_with_every_update_checked(ca_pem: bytes, monitored: bytes) -> None:
    report = verify_offline(monitored, [ca_pem])
    assert report.verdict is Verdict.VALID, report.reasons
    assert [s.field for s in report.checks.signatures] == ["seal-secretariat", "monitor-01", "monitor-02"]
    assert all(s.intact and s.trusted and s.timestamp_trusted for s in report.checks.signatures)


def test_an_unfrozen_document_is_indeterminate_once_its_embedded_crl_has_expired(ca_pem: bytes,
                                                                                 monitored: bytes) -> None:
    report = verify_offline(monitored, [ca_pem], at=_later())
    # AdES: not FAILED -- intact and chaining to the CA, revocation not checked
    assert report.verdict is Verdict.INDETERMINATE and report.exit_status == 3
    assert all(s.intact and s.trusted and not s.problems for s in report.checks.signatures)
    assert {r.status for r in report.revocation} == {RevocationStatus.UNKNOWN}
    # pyHanko's EN 319 102-1 result: no archive time-stamp, so no proof of existence
    assert {r.ades for r in report.revocation} == {"AdESIndeterminate.NO_POE"}
    assert all("revocation not checked" in r and "--crl" in r for r in report.reasons)


def test_the_mechanisms_current_crl_settles_an_unfrozen_documents_revocation_later(pki: PKI, ca_pem: bytes,
                                                                                   monitored: bytes) -> None:
    crl = pki.publish_crl(validity=dt.timedelta(days=120))
    report = verify_offline(monitored, [ca_pem], [crl.public_bytes(Encoding.PEM)], at=_later())
    assert report.verdict is Verdict.VALID, report.reasons
    assert {r.source for r in report.revocation} == {RevocationSource.CURRENT_CRL}


def test_a_frozen_document_outlives_its_signers_certificates_on_its_embedded_evidence(
    pki: PKI, ca_pem: bytes, frozen_short_lived: bytes
) -> None:
    # well past the signers' 30 days and any CRL embedded at freezing (at most 120 days here)
    much_later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=200)
    crl = pki.publish_crl(validity=dt.timedelta(days=365)).public_bytes(Encoding.PEM)
    report = verify_offline(frozen_short_lived, [ca_pem], [crl], at=much_later)
    assert report.verdict is Verdict.VALID, report.reasons
    by_field = {r.field: r for r in report.revocation}
    for field in SIGNATORIES:  # expired by then: only PAdES-LTA (the archive time-stamp) can vouch for them
        assert by_field[field].source is RevocationSource.ARCHIVE_TIMESTAMP
        assert by_field[field].ades == "AdESPassed.OK"
    # Without a current CRL the newest archive time-stamp cannot itself be validated now
    # (§5.6.3 validates the last time-stamp at the current time): the expired certificates
    # have no proof of existence, which AdES calls indeterminate, not failed.
    alone = verify_offline(frozen_short_lived, [ca_pem], at=much_later)
    assert alone.verdict is Verdict.INDETERMINATE, alone.reasons
    assert sum("outside its validity period now (OUT_OF_BOUNDS_NO_POE)" in r for r in alone.reasons) == 4


def test_a_signer_revoked_after_signing_leaves_the_document_valid_offline(pki: PKI, env: SigningEnv,
                                                                         ca_pem: bytes) -> None:
    # Issue 9: revocation is judged at the signature's proof of existence (EN 319 102-1 §5.5.4), as in
    # the data-directory verification; tests/test_revocation_in_time.py has the other cases.
    people = {f: issue_and_unlock(pki, f"RV-{pid}", f"Revocable {pid}", f.split("-")[1], "signatory")
              for f, pid in SIGNATORIES.items()}
    pdf = _cosigned(pki, env, people)
    time.sleep(1.01 - dt.datetime.now(dt.timezone.utc).microsecond / 1e6)  # CRLs date revocations to the second
    pki.revoke(people["sig-respondent-2"].serial)
    crls = [c.public_bytes(Encoding.PEM) for c in pki.crls()]
    for at in (None, _later()):  # revocation is final: a CRL listing it settles it even after its next update
        report = verify_offline(pdf, [ca_pem], crls, at=at)
        assert report.verdict is not Verdict.INVALID, report.reasons
        (revoked,) = [r for r in report.revocation if r.field == "sig-respondent-2"]
        assert revoked.status is RevocationStatus.REVOKED_AFTER_PROOF
        s = next(s for s in report.checks.signatures if s.field == "sig-respondent-2")
        assert s.revoked and s.revoked_after_proof and revoked.as_of == s.proof_of_existence == s.timestamp
    assert verify_offline(pdf, [ca_pem], crls).verdict is Verdict.VALID


def test_a_document_is_invalid_against_a_root_that_did_not_issue_it(sealed: bytes) -> None:
    other, _ = external_ca("Some Other Authority")
    report = verify_offline(sealed, [other.public_bytes(Encoding.PEM)])
    assert report.verdict is Verdict.INVALID and report.exit_status == 1
    assert any("no path to a given trust root" in r for r in report.reasons)


def test_an_altered_document_is_invalid_offline(ca_pem: bytes, sealed: bytes) -> None:
    report = verify_offline(flip_byte(sealed, b"Paragraph 3"), [ca_pem])
    assert report.verdict is Verdict.INVALID
    assert any("altered" in r for r in report.reasons)
    assert not verify(flip_byte(sealed, b"Paragraph 3"), [ca_pem]).valid  # the data-dir check agrees


def test_casedocs_verify_with_trust_reads_no_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            ca_pem: bytes, monitored: bytes) -> None:
    data = tmp_path / "nowhere"
    monkeypatch.setenv("CASEDOCS_DATA", str(data))
    (tmp_path / "ca.pem").write_bytes(ca_pem)
    (tmp_path / "report.pdf").write_bytes(monitored)
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "report.pdf"), "--trust", str(tmp_path / "ca.pem"),
                                       "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["verdict"] == "VALID"
    assert [r["field"] for r in document["revocation"]] == ["seal-secretariat", "monitor-01", "monitor-02"]
    assert not data.exists()
    text = CliRunner().invoke(main, ["verify", str(tmp_path / "report.pdf"), "--trust", str(tmp_path / "ca.pem")])
    assert text.exit_code == 0 and text.output.splitlines()[-1] == "VALID"


def test_casedocs_verify_with_trust_exits_1_on_an_altered_document_and_2_on_a_bad_root(
    tmp_path: Path, ca_pem: bytes, sealed: bytes
) -> None:
    (tmp_path / "ca.pem").write_bytes(ca_pem)
    (tmp_path / "altered.pdf").write_bytes(flip_byte(sealed, b"Paragraph 3"))
    altered = CliRunner().invoke(main, ["verify", str(tmp_path / "altered.pdf"), "--trust", str(tmp_path / "ca.pem")])
    assert altered.exit_code == 1 and altered.output.splitlines()[-1].startswith("INVALID: ")
    not_a_cert = CliRunner().invoke(main, ["verify", str(tmp_path / "altered.pdf"), "--trust",
                                           str(tmp_path / "altered.pdf")])
    assert not_a_cert.exit_code == 2
    assert "not an X.509 certificate" in not_a_cert.output and len(not_a_cert.output.splitlines()) == 1
