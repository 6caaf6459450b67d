"""Audit checkpoints: each chain's head anchored outside the database (issue 9).

The attacker here can edit the database (every row, with plain SQL) but not the data directory's
key and checkpoint files. Each tampering goes through the engine, around the session hooks, as an
attacker's SQL client would.
"""
from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, insert, select, update

from cases import audit
from cases.models import AuditEvent
from casedocs.app import App
from casedocs.checkpoints import Checkpoint, Checkpoints, checkpoint_dir
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.services import acts
from factories import file_case, to_invited

SECRET = "secretariat passphrase for checkpoint tests"


@pytest.fixture
def app(tmp_path: Path, app_database_url: str | None) -> Iterator[App]:
    settings = Settings.load(tmp_path / "data")
    if app_database_url is not None:
        settings = Settings(**{**vars(settings), "database_url": app_database_url})
    application = App(settings, today=lambda: date(2026, 11, 25))
    application.init()
    yield application
    application.close()


def _new_case(app: App) -> str:
    with app.procedure() as proc:
        return to_invited(proc, file_case(proc)).number


def _report(app: App, chain: str) -> audit.ChainReport:
    with app.procedure() as proc:
        [report] = [r for r in acts.verify_audit(proc, None, app.checkpoints.anchors()) if r.chain == chain]
    return report


def _events(app: App, chain: str) -> list[AuditEvent]:
    with app.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)))


def test_each_act_leaves_a_signed_self_contained_checkpoint_of_its_chain(app: App) -> None:
    number = _new_case(app)
    events = _events(app, number)
    path = checkpoint_dir(app.settings.data_dir) / "chains" / f"{number}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert {"type", "chain", "length", "head", "at", "key", "signature"} <= set(document)
    assert (document["chain"], document["length"], document["head"]) == (number, len(events), events[-1].hash)
    checkpoint = Checkpoint.from_json(document)
    assert checkpoint.verify(app.checkpoints.public_key())
    assert not Checkpoint.from_json({**document, "length": len(events) - 1}).verify(app.checkpoints.public_key())
    assert number in [c.chain for c in app.checkpoints.latest()]
    key_file = checkpoint_dir(app.settings.data_dir) / "checkpoint.key.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    report = _report(app, number)
    assert report.intact and report.anchored == report.events == len(events)


def test_deleting_the_newest_event_of_a_chain_is_detected(app: App) -> None:
    number = _new_case(app)
    newest = _events(app, number)[-1].seq
    with app.db.engine.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.chain == number, AuditEvent.seq == newest))
    report = _report(app, number)
    assert not report.intact and report.first_broken_seq == newest
    assert "missing" in (report.problem or "") and f"{newest} events" in (report.problem or "")


def test_deleting_every_event_of_a_case_is_detected(app: App) -> None:
    number = _new_case(app)
    with app.db.engine.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.chain == number))
    report = _report(app, number)
    assert not report.intact and report.events == 0 and report.first_broken_seq == 1
    assert "no events" in (report.problem or "")


def test_an_event_rewritten_with_every_later_hash_recomputed_is_detected(app: App) -> None:
    number = _new_case(app)
    forged = _events(app, number)
    forged[1].detail = {**forged[1].detail, "forged": True}
    previous = forged[0].hash
    with app.db.engine.begin() as connection:
        for event in forged[1:]:
            event.prev_hash = previous
            event.hash = audit.event_hash(event)  # plain sha256, as anyone can compute it
            previous = event.hash
            connection.execute(update(AuditEvent).where(AuditEvent.id == event.id)
                               .values(detail=event.detail, prev_hash=event.prev_hash, hash=event.hash))
    with app.db.session() as session:
        assert audit.verify_chain(session, number).intact  # the chain alone cannot tell
    report = _report(app, number)
    assert not report.intact and report.first_broken_seq == len(forged)
    assert "checkpoint" in (report.problem or "")


def test_a_later_act_on_a_cut_chain_does_not_checkpoint_over_the_evidence(app: App,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    number = _new_case(app)
    newest = _events(app, number)[-1].seq
    with app.db.engine.begin() as connection:
        connection.execute(delete(AuditEvent).where(AuditEvent.chain == number, AuditEvent.seq == newest))
    with app.db.session() as session:  # the chain is back to its old length, and then longer
        audit.append(session, number, "secretariat", "note")
        audit.append(session, number, "secretariat", "note")
    assert "no longer holds its checkpoint" in caplog.text
    report = _report(app, number)
    assert not report.intact and report.first_broken_seq == newest and "differs" in (report.problem or "")


def test_a_checkpoint_file_not_signed_by_the_checkpoint_key_is_refused(app: App) -> None:
    number = _new_case(app)
    path = checkpoint_dir(app.settings.data_dir) / "chains" / f"{number}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**document, "length": 1, "head": _events(app, number)[0].hash}), encoding="utf-8")
    report = _report(app, number)
    assert not report.intact and "signature" in (report.problem or "")


def test_events_committed_after_the_latest_checkpoint_are_named_and_init_anchors_them(app: App) -> None:
    number = _new_case(app)
    # A crash between a commit and its checkpoint: the event is in the database, no checkpoint covers it.
    with app.db.engine.connect() as connection:
        from sqlalchemy.orm import Session

        with Session(bind=connection) as session:
            audit.append(session, number, "someone", "late_event")
            session.commit()
    report = _report(app, number)
    assert report.intact and report.anchored == report.events - 1
    assert app.init() is False
    report = _report(app, number)
    assert report.intact and report.anchored == report.events


def test_a_stale_checkpoint_never_replaces_a_newer_one(app: App) -> None:
    number = _new_case(app)
    events = _events(app, number)
    app.checkpoints.checkpoint([audit.ChainHead(number, 1, events[0].hash)])
    latest = {c.chain: c for c in app.checkpoints.latest()}[number]
    assert (latest.length, latest.head) == (len(events), events[-1].hash)


def test_services_that_open_their_own_sessions_are_checkpointed_too(app: App) -> None:
    number = _new_case(app)
    with app.db.session() as session:  # as the signing services do: not through app.procedure()
        audit.append(session, number, "secretariat", "seal_document", detail={"document": 1})
    head = {c.chain: c for c in app.checkpoints.latest()}[number]
    assert (head.length, head.head) == (len(_events(app, number)), _events(app, number)[-1].hash)


def test_a_rolled_back_unit_of_work_leaves_no_checkpoint(app: App) -> None:
    before = app.checkpoints.latest()
    with pytest.raises(RuntimeError):
        with app.procedure() as proc:
            file_case(proc)
            raise RuntimeError("crash before commit")
    assert app.checkpoints.latest() == before


def test_the_checkpoint_key_is_certified_by_the_mechanisms_ca(tmp_path: Path) -> None:
    with App(Settings.load(tmp_path / "data")) as application:
        assert application.init(SECRET)
        certificate = application.checkpoints.certificate()
        assert certificate is not None
        root = x509.load_pem_x509_certificate((tmp_path / "data" / "pki" / "ca" / "root.pem").read_bytes())
        certificate.verify_directly_issued_by(root)
        public = certificate.public_key()
        assert isinstance(public, Ed25519PublicKey)
        assert public.public_bytes_raw() == application.checkpoints.public_key().public_bytes_raw()


def test_audit_verify_on_the_command_line_names_a_cut_chain(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--data", str(data)]).exit_code == 0
    with App(Settings.load(data)) as application:
        number = _new_case(application)
        with application.db.engine.begin() as connection:
            newest = len(_events(application, number))
            connection.execute(delete(AuditEvent).where(AuditEvent.chain == number, AuditEvent.seq == newest))
    result = runner.invoke(main, ["audit", "verify", number, "--data", str(data)])
    assert result.exit_code == 1 and f"{number}: {newest - 1} events, BROKEN at event {newest}" in result.output
    listed = runner.invoke(main, ["audit", "verify", "--json", "--data", str(data)])
    [report] = [r for r in json.loads(listed.output) if r["chain"] == number]
    assert report["checkpointed"] == newest and not report["intact"]


def test_checkpoints_can_be_listed_from_a_directory_alone(app: App) -> None:
    number = _new_case(app)
    outside = Checkpoints(checkpoint_dir(app.settings.data_dir))
    assert outside.latest() == app.checkpoints.latest() and number in [c.chain for c in outside.latest()]


def test_an_event_slipped_in_behind_a_checkpoint_is_named_and_never_checkpointed_by_a_later_act(app: App) -> None:
    """A forger appends an event with a correct hash but dated before the latest checkpoint (the
    hostile run's probe): verify names it, and the next honest act does not anchor it."""
    number = _new_case(app)
    newest = _events(app, number)[-1]
    anchor = app.checkpoints.anchor(number)
    assert anchor is not None
    forged = AuditEvent(chain=number, seq=newest.seq + 1, at=anchor.at - timedelta(minutes=10), actor="secretariat",
                        action="accept", on=newest.on, detail={"forged": True}, prev_hash=newest.hash, hash="")
    forged.hash = audit.event_hash(forged)
    with app.db.engine.begin() as connection:
        connection.execute(insert(AuditEvent).values(
            chain=forged.chain, seq=forged.seq, at=forged.at, actor=forged.actor, action=forged.action,
            on=forged.on, detail=forged.detail, prev_hash=forged.prev_hash, hash=forged.hash))
    report = _report(app, number)
    assert not report.intact and report.first_broken_seq == forged.seq and "afterwards" in (report.problem or "")
    with app.db.session() as session:  # an honest act on the chain afterwards
        audit.append(session, number, "secretariat", "record_delivery", detail={})
    assert app.checkpoints.anchor(number) == anchor  # the forgery was not vouched for
    assert not _report(app, number).intact
