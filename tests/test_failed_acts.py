"""Issue 9: an act that fails changes nothing; a crash of an earlier version leaves nothing stuck; a
revoked signer gets no field, and an open document they can no longer sign is re-issued."""
from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.services.desk import latest
from casedocs.services.verification import verify_pdf
from cases import documents as versions
from cases.lifecycle import DocumentState, VersionStage, VersionStatus
from cases.models import AuditEvent, SignedDocument
from cases.store import BlobStore
from signing import sign_field
from signing_records import (
    NUMBER,
    SIGNATORY_PASSPHRASE,
    TODAY,
    Prepared,
    Snapshot,
    copy_data,
    prepare,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare(tmp_path_factory.mktemp("prepared") / "data")


@pytest.fixture()
def copy(prepared: Prepared, tmp_path: Path) -> Iterator[tuple[App, Path]]:
    data = copy_data(prepared, tmp_path / "data")
    app = App(prepared.settings(data), today=lambda: TODAY)
    yield app, data
    app.close()


def run(prepared: Prepared, data: Path, *arguments: str) -> Result:
    return CliRunner().invoke(main, list(arguments), env=prepared.environment(data))


def refused(result: Result, message: str) -> None:
    """Exit 2 with the one-line reason, no traceback."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert message in result.output and "Traceback" not in result.output, result.output


def monitor_args(prepared: Prepared, monitor: str | None = None) -> list[str]:
    return ["monitor", NUMBER, "--obligation", str(prepared.obligation), "--status", "in_progress",
            "--text", "第三次监测：取样点水质达标。", "--monitor", monitor or prepared.monitor, "--on", "2026-11-20",
            "--passphrase-env", "MONITOR_PASS"]


def test_a_monitoring_update_with_a_wrong_passphrase_records_nothing(prepared: Prepared,
                                                                     copy: tuple[App, Path]) -> None:
    app, data = copy
    before = Snapshot.of(app)
    result = CliRunner().invoke(main, monitor_args(prepared),
                                env={**prepared.environment(data), "MONITOR_PASS": "not the monitor's passphrase"})
    refused(result, "wrong passphrase")
    assert Snapshot.of(app) == before  # no update, the obligation's status as it was, no report touched


def test_a_monitoring_update_by_a_revoked_monitor_records_nothing(prepared: Prepared,
                                                                  copy: tuple[App, Path]) -> None:
    app, data = copy
    assert run(prepared, data, "signer", "revoke", prepared.monitor, "--reason", "cessation_of_operation").exit_code == 0
    before = Snapshot.of(app)
    refused(run(prepared, data, *monitor_args(prepared)), "revoked")
    assert Snapshot.of(app) == before


def test_a_monitoring_update_is_recorded_nowhere_when_one_editions_stored_report_is_corrupted(
        prepared: Prepared, copy: tuple[App, Path]) -> None:
    app, data = copy
    zh, en = prepared.reports
    with app.procedure() as proc:
        report = proc.session.get(SignedDocument, en)
        assert report is not None
        stored = BlobStore(app.settings.store_dir).path(report.latest_sha256)
    stored.chmod(0o644)
    content = bytearray(stored.read_bytes())
    content[len(content) // 2] ^= 0x01
    stored.write_bytes(bytes(content))
    before = Snapshot.of(app)
    refused(run(prepared, data, *monitor_args(prepared)), "is corrupted")
    assert Snapshot.of(app) == before  # the zh report was not appended to either


def test_a_monitoring_update_is_appended_to_every_edition_and_recorded_once(prepared: Prepared,
                                                                            copy: tuple[App, Path]) -> None:
    app, data = copy
    before = Snapshot.of(app)
    result = run(prepared, data, *monitor_args(prepared))
    assert result.exit_code == 0, result.output
    after = Snapshot.of(app)
    assert after.updates == before.updates + 1
    for report in prepared.reports:
        assert after.documents[report][2] == before.documents[report][2] + 1
        assert verify_pdf(data, latest(app.desk(), report)).valid


def test_sign_with_an_out_that_cannot_be_written_refuses_before_signing(prepared: Prepared,
                                                                       copy: tuple[App, Path]) -> None:
    app, data = copy
    before = Snapshot.of(app)
    refused(run(prepared, data, "sign", str(prepared.agreement), "--person", prepared.signatories[1],
                "--passphrase-env", "SIGNATORY_PASS", "--out", "/nonexistent/dir/x.pdf"),
            "the folder /nonexistent/dir does not exist")
    assert Snapshot.of(app) == before


def test_issue_with_an_out_that_cannot_be_written_refuses_before_issuing(prepared: Prepared,
                                                                        copy: tuple[App, Path]) -> None:
    app, data = copy
    before = Snapshot.of(app)
    refused(run(prepared, data, "issue", NUMBER, "acceptance_decision", "--out", "/nonexistent/dir/x.pdf"),
            "the folder /nonexistent/dir does not exist")
    refused(run(prepared, data, "issue", NUMBER, "acceptance_decision", "--out", str(data)), "is a directory")
    assert Snapshot.of(app) == before


def test_signing_again_a_field_already_signed_succeeds_and_changes_nothing(prepared: Prepared,
                                                                            copy: tuple[App, Path]) -> None:
    app, data = copy
    before = Snapshot.of(app)
    result = run(prepared, data, "sign", str(prepared.agreement), "--person", prepared.signatories[0],
                 "--passphrase-env", "SIGNATORY_PASS")
    assert result.exit_code == 0 and "state signing" in result.output, result.output
    assert Snapshot.of(app) == before


def _sign_as_before_issue_9(app: App, document_id: int, person: str) -> None:
    """What a `casedocs sign` killed after storing its revision left: the signed PDF as the document's
    latest revision, but no signed_at for the field and no audit event."""
    desk = app.desk()
    with app.procedure() as proc:
        row = proc.session.get(SignedDocument, document_id)
        assert row is not None
        field = next(s.field for s in row.slots if s.signer.person_id == person)
        signed = sign_field(desk.blobs.get(row.latest_sha256), field, desk.pki.unlock_person(person, SIGNATORY_PASSPHRASE),
                            env=desk.env, field_owner=person)
        version = versions.record_version(
            proc.session, desk.blobs, signed, case_id=row.case_id, instrument=row.instrument, subject=row.subject,
            edition=row.edition, version=row.version, verification_code=row.verification_code, format="pdf",
            actor=person, revision=row.revision + 1, stage=VersionStage.SIGNED, status=VersionStatus.ISSUED)
        row.latest_sha256, row.revision = version.sha256, row.revision + 1


def test_a_document_an_earlier_version_left_signed_but_unrecorded_or_freezing_is_completed(
        prepared: Prepared, copy: tuple[App, Path]) -> None:
    app, data = copy
    *others, last = prepared.signatories[1:]
    for person in others:
        _sign_as_before_issue_9(app, prepared.agreement, person)
    # The retry that used to be refused ("field ... is already signed") succeeds and records the signature.
    result = run(prepared, data, "sign", str(prepared.agreement), "--person", others[0],
                 "--passphrase-env", "SIGNATORY_PASS")
    assert result.exit_code == 0 and "state signing" in result.output, result.output
    _sign_as_before_issue_9(app, prepared.agreement, last)
    with app.procedure() as proc:  # ... and a freeze claimed by a process that was killed
        row = proc.session.get(SignedDocument, prepared.agreement)
        assert row is not None
        row.state = DocumentState.FREEZING
    result = run(prepared, data, "sign", str(prepared.agreement), "--person", last, "--passphrase-env",
                 "SIGNATORY_PASS")
    assert result.exit_code == 0 and "state frozen" in result.output, result.output
    report = verify_pdf(data, latest(app.desk(), prepared.agreement))
    assert report.valid and report.frozen, report.reasons
    with app.procedure() as proc:
        row = proc.session.get(SignedDocument, prepared.agreement)
        assert row is not None and row.frozen_at is not None and all(s.signed_at for s in row.slots)
        reconciled = [(e.action, e.detail.get("field")) for e in proc.session.scalars(select(AuditEvent))
                      if e.detail.get("reconciled")]
        assert sorted(reconciled) == sorted(("sign_document", p_field) for p_field in
                                            [s.field for s in row.slots if s.signer.person_id in (*others, last)])
        # The freeze is the last act on the agreement (the signing record issued after it is another document).
        assert [e.action for e in proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == NUMBER)
                                                       .order_by(AuditEvent.seq))
                if e.detail.get("instrument") != "signing_record"][-1] == "freeze_document"
    assert run(prepared, data, "audit", "verify").exit_code == 0


def test_a_revoked_signer_gets_no_field_and_their_open_document_is_reissued(prepared: Prepared,
                                                                           copy: tuple[App, Path]) -> None:
    app, data = copy
    applicant_1, applicant_2, respondent_1, respondent_2 = prepared.signatories
    refused(run(prepared, data, "reissue", str(prepared.agreement)), "nothing to re-issue")
    assert run(prepared, data, "signer", "revoke", respondent_2, "--reason", "affiliation_changed").exit_code == 0
    result = run(prepared, data, "reissue", str(prepared.agreement), "--json")
    assert result.exit_code == 0, result.output
    new = json.loads(result.output)
    assert [f["person"] for f in new["fields"]] == [applicant_1, applicant_2, respondent_1]
    with app.procedure() as proc:
        old = proc.session.get(SignedDocument, prepared.agreement)
        assert old is not None and old.state is DocumentState.SUPERSEDED and old.superseded_by == new["document"]
        event = proc.session.scalars(select(AuditEvent).where(AuditEvent.action == "reissue_document")).one()
        assert event.detail["supersedes"] == prepared.agreement and event.detail["document"] == new["document"]
        assert respondent_2 in " ".join(event.detail["revoked"])
    refused(run(prepared, data, "sign", str(prepared.agreement), "--person", applicant_2, "--passphrase-env",
                "SIGNATORY_PASS"), f"was re-issued as document {new['document']}")
    for person in (applicant_1, applicant_2, respondent_1):
        result = run(prepared, data, "sign", str(new["document"]), "--person", person, "--passphrase-env",
                     "SIGNATORY_PASS")
        assert result.exit_code == 0, result.output
    assert "state frozen" in result.output
    assert verify_pdf(data, latest(app.desk(), new["document"])).valid
    refused(run(prepared, data, "reissue", str(prepared.agreement)), "only an open document can be re-issued")


def test_temporary_store_files_of_dead_writers_are_removed_at_start(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "store")
    store.put(b"a first file")
    folder = next((tmp_path / "store").iterdir())
    finished = subprocess.Popen(["true"])
    finished.wait()  # its PID no longer runs
    host, started = socket.gethostname(), Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()[19]
    dead = folder / f".incoming-{host}_{finished.pid}_123_abcdefgh"
    alive = folder / f".incoming-{host}_{os.getpid()}_{started}_abcdefgh"  # being written right now
    elsewhere = folder / ".incoming-another-host_1_1_abcdefgh"  # only its machine can tell
    for path in (dead, alive, elsewhere):
        path.write_bytes(b"half a file")
    assert store.remove_abandoned() == [dead]
    assert alive.exists() and elsewhere.exists()
    App(Settings.load(tmp_path, environ={})).close()  # every command starts by removing them
