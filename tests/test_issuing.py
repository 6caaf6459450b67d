"""Issuing, co-signing and monitoring through the case record (real LibreOffice, real pyHanko)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from casedocs.services import cosigning, enrolment, issuing, monitoring
from casedocs.services.desk import SigningError, latest
from casedocs.services.verification import verify_pdf
from cases.vocabulary import SideRole, SignerRole
from docgen.locale import Edition
from docgen.service import Request

pytestmark = pytest.mark.slow
SECRET = "secretariat passphrase for tests"


def passphrase(name: str) -> str:
    return f"passphrase of {name} for tests"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    data = tmp_path_factory.mktemp("data")
    application = App(Settings(**{**vars(Settings.load(data)), "converter_processes": 1}),
                      today=lambda: date(2026, 11, 25))
    assert application.init(SECRET)
    with application.procedure() as proc:
        run_demo_cases(proc)
    yield application
    application.close()


def issue(app: App, instrument: str, number: str = "MVC-2025-0002") -> int:
    desk = app.desk(SECRET)
    with app.documents() as (proc, docs):
        return issuing.issue(desk, proc.session, docs, proc.get_case(number), Request(instrument, Edition.ZH)).id


def test_issued_instrument_is_sealed_and_any_change_is_detected(app: App, tmp_path: Path) -> None:
    desk = app.desk(SECRET)
    document = issue(app, "acceptance_decision")
    sealed = latest(desk, document)
    report = verify_pdf(app.settings.data_dir, sealed)
    assert report.valid and report.certified and [s.field for s in report.signatures] == ["seal-secretariat"]
    # One byte flipped inside the signed range.
    middle = len(sealed) // 3
    flipped = sealed[:middle] + bytes([sealed[middle] ^ 0x01]) + sealed[middle + 1:]
    assert not verify_pdf(app.settings.data_dir, flipped).valid
    (tmp_path / "sealed.pdf").write_bytes(sealed)
    (tmp_path / "flipped.pdf").write_bytes(flipped)
    data = ["--data", str(app.settings.data_dir)]
    assert CliRunner().invoke(main, ["verify", str(tmp_path / "sealed.pdf"), *data]).exit_code == 0
    result = CliRunner().invoke(main, ["verify", str(tmp_path / "flipped.pdf"), *data])
    assert result.exit_code == 1 and "INVALID" in result.output
    with app.procedure() as proc:
        from cases.models import SignedDocument

        code = proc.session.get(SignedDocument, document).verification_code
    looked_up = CliRunner().invoke(main, ["verify", "--code", code, "--json", *data])
    assert looked_up.exit_code == 0 and '"stage": "sealed"' in looked_up.output
    exported = CliRunner().invoke(main, ["ca", "export", str(tmp_path / "ca.pem"), *data])
    assert exported.exit_code == 0 and (tmp_path / "ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE")


def test_party_documents_are_not_sealed_and_co_signed_ones_need_signatories(app: App) -> None:
    with pytest.raises(SigningError, match="signed by a party"):
        issue(app, "application_form")
    with pytest.raises(SigningError, match="enrol the signatories of the applicant and the respondent first"):
        issue(app, "agreement")


def test_agreement_co_signed_concurrently_is_frozen_and_verifies(app: App) -> None:
    desk = app.desk(SECRET)
    names = {SideRole.APPLICANT: ["Jean-Pierre Mwamba", "Esther Ilunga"], SideRole.RESPONDENT: ["李强", "张伟"]}
    with app.procedure() as proc:
        case = proc.get_case("MVC-2025-0002")
        people = [(enrolment.enrol(desk, proc.session, case, side, SignerRole.REPRESENTATIVE, name,
                                   passphrase(name)).person_id, name)
                  for side, side_names in names.items() for name in side_names]
    document = issue(app, "agreement")
    with pytest.raises(SigningError, match="has no signature field"):
        cosigning.sign(desk, document, "MVC-2025-0001-applicant-1", "whatever passphrase")
    assert not cosigning.freeze_if_due(desk, document)  # fields still empty: nobody may freeze
    errors: list[BaseException] = []

    def sign(person_id: str, name: str) -> None:
        try:
            cosigning.sign(app.desk(SECRET), document, person_id, passphrase(name))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=sign, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    frozen = latest(desk, document)
    report = verify_pdf(app.settings.data_dir, frozen)
    assert report.valid and report.frozen
    assert sorted(s.field for s in report.signatures) == ["seal-secretariat", "sig-applicant-1", "sig-applicant-2",
                                                          "sig-respondent-1", "sig-respondent-2"]
    # Signing again (a retry after a crash) changes nothing and succeeds.
    assert cosigning.sign(desk, document, people[0][0], passphrase(people[0][1])).state == "frozen"
    assert latest(desk, document) == frozen
    assert not cosigning.freeze_if_due(desk, document)  # frozen once, never twice


def test_monitoring_updates_append_to_the_sealed_closure_report(app: App) -> None:
    desk = app.desk(SECRET)
    with app.procedure() as proc:
        monitor = enrolment.enrol(desk, proc.session, None, None, SignerRole.MONITOR, "Li Na",
                                  passphrase("Li Na")).person_id
        updates = [u.id for u in proc.get_case("MVC-2025-0002").monitoring_updates]
    document = issue(app, "closure_report")
    for update in updates:
        monitoring.append_to_closure_reports(desk, "MVC-2025-0002", update, monitor, passphrase("Li Na"))
    report = verify_pdf(app.settings.data_dir, latest(desk, document))
    assert report.valid
    assert [s.field for s in report.signatures] == ["seal-secretariat", "monitor-01", "monitor-02"]
    assert report.signatures[0].modification_level == "FORM_FILLING"


def test_revoked_signer_cannot_sign_and_every_signing_act_is_audited(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from cases import audit
    from cases.models import AuditEvent
    from signing import CertificateRevoked

    desk = app.desk(SECRET)
    with app.procedure() as proc:
        person = enrolment.enrol(desk, proc.session, proc.get_case("MVC-2025-0002"), SideRole.RESPONDENT,
                                 SignerRole.AGENT, "Revoked Agent", passphrase("Revoked Agent")).person_id
    monkeypatch.setenv("CASEDOCS_SECRETARIAT_PASSPHRASE", SECRET)
    data = ["--data", str(app.settings.data_dir)]
    result = CliRunner().invoke(main, ["signer", "revoke", person, "--reason", "affiliation_changed", *data])
    assert result.exit_code == 0 and "revoked (affiliation_changed); CRL published" in result.output
    with pytest.raises(CertificateRevoked):
        app.desk(SECRET).pki.unlock_person(person, passphrase("Revoked Agent"))
    bad = CliRunner().invoke(main, ["signer", "revoke", person, "--reason", "boredom", *data])
    assert bad.exit_code != 0
    with app.procedure() as proc:
        actions = set(proc.session.scalars(select(AuditEvent.action).where(AuditEvent.chain == "MVC-2025-0002")))
        assert {"enrol_signer", "seal_document", "sign_document", "freeze_document", "append_monitoring_update",
                "revoke_certificate"} <= actions
        assert audit.verify_chain(proc.session, "MVC-2025-0002").intact
