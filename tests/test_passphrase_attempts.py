"""Wrong passphrases: a per-person limit with a growing wait, and every failure in the audit trail
(issue 9: twelve wrong tries in a row went through, unrecorded)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from cases.models import AuditEvent
from cases.vocabulary import SideRole, SignerRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import enrolment
from casedocs.services.desk import Desk, pki_dir
from casedocs.services.enrolment import PassphraseLockedOut
from factories import file_case
from signing import PKI, WrongPassphrase

SECRET = "secretariat passphrase for attempt tests"
RIGHT, WRONG = "the monitor's own passphrase", "not the monitor's passphrase"


class Clock:
    """The injected clock: moved by hand, never slept on."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    data = tmp_path_factory.mktemp("data")
    PKI.create(pki_dir(data), SECRET, kdf_iterations=1000)  # cheap keys: the limit, not the KDF, is tested
    application = App(Settings.load(data), today=lambda: date(2026, 11, 25))
    assert application.init(SECRET)
    yield application
    application.close()


@pytest.fixture
def desk(app: App) -> Desk:
    return app.desk(SECRET)


def _monitor(desk: Desk, app: App) -> str:
    with app.db.session() as session:
        return enrolment.enrol(desk, session, None, None, SignerRole.MONITOR, "Monitor", RIGHT).person_id


def _fail(desk: Desk, person: str, clock: Clock, times: int) -> None:
    for _ in range(times):
        with pytest.raises(WrongPassphrase):
            enrolment.unlock(desk, person, WRONG, now=clock)


def test_the_sixth_try_is_refused_without_trying_the_key_until_the_wait_is_over(app: App, desk: Desk) -> None:
    person, clock = _monitor(desk, app), Clock()
    _fail(desk, person, clock, 5)
    clock.advance(seconds=59)
    with pytest.raises(PassphraseLockedOut) as refused:  # even the right passphrase: the key is not tried
        enrolment.unlock(desk, person, RIGHT, now=clock)
    assert refused.value.retry_at == datetime(2026, 11, 25, 9, 1, tzinfo=timezone.utc)
    assert "try again after 2026-11-25 09:01:00 UTC" in str(refused.value)
    assert enrolment.unlock_wait(desk, person, now=clock) == refused.value.retry_at
    clock.advance(seconds=1)
    assert enrolment.unlock(desk, person, RIGHT, now=clock).person_id == person
    assert enrolment.unlock_wait(desk, person, now=clock) is None


def test_the_wait_doubles_with_each_further_failure(app: App, desk: Desk) -> None:
    person, clock = _monitor(desk, app), Clock()
    _fail(desk, person, clock, 5)
    for minutes in (1, 2, 4):
        clock.advance(minutes=minutes, seconds=-1)
        with pytest.raises(PassphraseLockedOut):
            enrolment.unlock(desk, person, WRONG, now=clock)
        clock.advance(seconds=1)
        _fail(desk, person, clock, 1)
    assert enrolment.unlock_wait(desk, person, now=clock) == clock.now + timedelta(minutes=8)


def test_a_right_passphrase_resets_the_count(app: App, desk: Desk) -> None:
    person, clock = _monitor(desk, app), Clock()
    _fail(desk, person, clock, 4)
    enrolment.unlock(desk, person, RIGHT, now=clock)
    _fail(desk, person, clock, 4)
    assert enrolment.unlock(desk, person, RIGHT, now=clock).person_id == person


def test_the_limit_holds_across_desks_sharing_the_record(app: App, desk: Desk) -> None:
    person, clock = _monitor(desk, app), Clock()
    _fail(desk, person, clock, 3)
    with App(app.settings) as other_process:
        _fail(other_process.desk(SECRET), person, clock, 2)
        with pytest.raises(PassphraseLockedOut):
            enrolment.unlock(other_process.desk(SECRET), person, RIGHT, now=clock)
    with pytest.raises(PassphraseLockedOut):
        enrolment.unlock(desk, person, RIGHT, now=clock)


def test_concurrent_tries_at_the_limit_get_one_try_between_them(app: App, desk: Desk) -> None:
    person, clock = _monitor(desk, app), Clock()
    _fail(desk, person, clock, 4)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def attempt() -> None:
        start.wait()
        try:
            enrolment.unlock(desk, person, WRONG, now=clock)
        except (WrongPassphrase, PassphraseLockedOut) as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["PassphraseLockedOut"] * 3 + ["WrongPassphrase"]


def test_failures_go_to_the_persons_case_chain_or_the_system_chain(app: App, desk: Desk) -> None:
    clock = Clock()
    with app.procedure() as proc:
        case = file_case(proc)
        number = case.number
        signatory = enrolment.enrol(desk, proc.session, case, SideRole.APPLICANT, SignerRole.REPRESENTATIVE,
                                    "Representative", RIGHT).person_id
    monitor = _monitor(desk, app)
    _fail(desk, signatory, clock, 2)
    _fail(desk, monitor, clock, 1)
    with app.db.session() as session:
        def refused(chain: str, person: str) -> list[AuditEvent]:
            return [e for e in session.scalars(select(AuditEvent).where(AuditEvent.chain == chain,
                                                                        AuditEvent.action == "passphrase_refused"))
                    if e.detail["person"] == person]

        on_case = refused(number, signatory)
        assert [e.detail["failures"] for e in on_case] == [1, 2] and on_case[0].actor == signatory
        assert [e.detail["failures"] for e in refused("system", monitor)] == [1]


def test_a_revoked_or_unknown_signer_is_refused_without_counting_a_failure(app: App, desk: Desk,
                                                                            tmp_path: Path) -> None:
    from signing import UnknownCertificate

    clock = Clock()
    with pytest.raises(UnknownCertificate):
        enrolment.unlock(desk, "MONITOR-404", WRONG, now=clock)
    assert enrolment.unlock_wait(desk, "MONITOR-404", now=clock) is None


def test_guessing_the_secretariats_passphrase_is_limited_and_audited_like_a_persons(tmp_path: Path) -> None:
    """The hostile re-run guessed the secretariat's passphrase freely (about 2.5 s a try, no record)."""
    data = tmp_path / "data"
    PKI.create(pki_dir(data), SECRET, kdf_iterations=1000)
    with App(Settings.load(data), today=lambda: date(2026, 11, 25)) as application:
        assert application.init(SECRET)
        for _ in range(enrolment.FAILURES_BEFORE_WAIT):
            with pytest.raises(WrongPassphrase):
                application.desk("a guess")
        with pytest.raises(PassphraseLockedOut, match="too many wrong passphrases for secretariat"):
            application.desk(SECRET)  # even the right one waits
        with application.db.session() as session:
            refused = session.scalars(select(AuditEvent).where(AuditEvent.action == "passphrase_refused")).all()
        assert len(refused) == enrolment.FAILURES_BEFORE_WAIT
        assert {event.detail["person"] for event in refused} == {"secretariat"}
