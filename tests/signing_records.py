"""A data directory with documents under signature, prepared once and copied per test: the demo's cases,
two signatories per side and a monitor, the agreement issued (one field signed) and the closure report
issued in zh and en. Used by the failed-act tests and the crash test (issue 9)."""
from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from casedocs.services import cosigning, enrolment, issuing, monitoring
from cases.models import AuditEvent, MonitoringUpdate, SignedDocument
from cases.vocabulary import ObligationStatus, SideRole, SignerRole
from docgen.locale import Edition
from docgen.service import Request
from signing import PKI

SECRET = "secretariat passphrase for tests"
NUMBER = "MVC-2025-0002"
SIGNATORY_PASSPHRASE = "passphrase of a signatory for tests"
MONITOR_PASSPHRASE = "passphrase of the monitor for tests"
TODAY = date(2026, 11, 25)
# Unlocking a key with the production's 600 000 PBKDF2 rounds costs ~1.8 s; the tests are about
# records, not key stretching.
KDF_ITERATIONS = 2_000


@dataclass(frozen=True)
class Prepared:
    data: Path
    database_url: str
    signatories: tuple[str, ...]  # applicant-1, applicant-2, respondent-1, respondent-2
    monitor: str
    agreement: int
    reports: tuple[int, ...]  # the closure report, zh then en
    obligation: int
    monitoring_slots: int

    def settings(self, data: Path | None = None, database_url: str | None = None) -> Settings:
        base = Settings.load(data or self.data, environ={})
        return replace(base, database_url=database_url or (self.database_url if data is None else base.database_url),
                       converter_processes=1, monitoring_slots=self.monitoring_slots, secretariat_passphrase=SECRET)

    def environment(self, data: Path, database_url: str | None = None) -> dict[str, str]:
        """What a command run on a copy needs in its environment."""
        env = {"CASEDOCS_DATA": str(data), "CASEDOCS_SECRETARIAT_PASSPHRASE": SECRET, "CASEDOCS_CONVERTERS": "1",
               "CASEDOCS_MONITORING_SLOTS": str(self.monitoring_slots), "SIGNATORY_PASS": SIGNATORY_PASSPHRASE,
               "MONITOR_PASS": MONITOR_PASSPHRASE}
        if database_url:
            env["CASEDOCS_DATABASE_URL"] = database_url
        return env


def prepare(data: Path, database_url: str | None = None, *, monitoring_slots: int = 12, signed: int = 1,
            updates: int = 0) -> Prepared:
    """Make the data directory (and the database at `database_url`, SQLite in `data` by default):
    `signed` fields of the agreement signed, `updates` monitoring updates appended to both reports."""
    data.mkdir(parents=True)
    PKI.create(data / "pki", SECRET, kdf_iterations=KDF_ITERATIONS)
    settings = replace(Settings.load(data, environ={}), converter_processes=1, monitoring_slots=monitoring_slots)
    if database_url:
        settings = replace(settings, database_url=database_url)
    app = App(settings, today=lambda: TODAY)
    try:
        assert app.init(SECRET)
        with app.procedure() as proc:
            run_demo_cases(proc)
        desk = app.desk(SECRET)
        with app.procedure() as proc:
            case = proc.get_case(NUMBER)
            signatories = tuple(enrolment.enrol(desk, proc.session, case, side, SignerRole.REPRESENTATIVE,
                                                f"{side.value.title()} signatory {n}", SIGNATORY_PASSPHRASE).person_id
                                for side in SideRole for n in (1, 2))
            monitor = enrolment.enrol(desk, proc.session, None, None, SignerRole.MONITOR, "Li Na",
                                      MONITOR_PASSPHRASE).person_id
            assert case.agreement is not None
            obligation = case.agreement.obligations[0].id
        with app.documents() as (proc, docs):
            case = proc.get_case(NUMBER)
            agreement = issuing.issue(desk, proc.session, docs, case, Request("agreement", Edition.ZH)).id
            reports = tuple(issuing.issue(desk, proc.session, docs, case, Request("closure_report", edition)).id
                            for edition in (Edition.ZH, Edition.EN))
        for person in signatories[:signed]:
            cosigning.sign(desk, agreement, person, SIGNATORY_PASSPHRASE)
        for n in range(updates):
            monitoring.monitor(desk, lambda session: app.procedure_on(session, monitor), NUMBER,
                               monitoring.Finding(obligation, ObligationStatus.IN_PROGRESS,
                                                  f"Update {n + 1}: sampling on schedule.", date(2026, 11, 20)),
                               monitor, MONITOR_PASSPHRASE, rendering=app.rendering())
    finally:
        app.close()
    return Prepared(data, settings.database_url, signatories, monitor, agreement, reports, obligation,
                    monitoring_slots)


def copy_data(prepared: Prepared, target: Path) -> Path:
    """A copy of the prepared data directory (its SQLite database with it)."""
    shutil.copytree(prepared.data, target, ignore=shutil.ignore_patterns("converters", "*-wal", "*-shm"))
    return target


@dataclass(frozen=True)
class Snapshot:
    """What the record holds that a failed act must leave alone."""

    documents: dict[int, tuple[str, str, int]]  # id -> (latest sha256, state, monitoring used)
    signed_slots: int
    updates: int
    obligation_statuses: tuple[str, ...]
    events: tuple[tuple[str, int], ...]  # signing and monitoring events by action

    @classmethod
    def of(cls, app: App) -> "Snapshot":
        from cases.models import Obligation, SignatureSlot

        with app.procedure() as proc:
            session = proc.session
            documents = {d.id: (d.latest_sha256, d.state.value, d.monitoring_used)
                         for d in session.scalars(select(SignedDocument))}
            signed = len(session.scalars(select(SignatureSlot).where(SignatureSlot.signed_at.is_not(None))).all())
            updates = len(session.scalars(select(MonitoringUpdate)).all())
            statuses = tuple(o.status.value for o in session.scalars(select(Obligation).order_by(Obligation.id)))
            actions = [a for a in session.scalars(select(AuditEvent.action)) if a in _ACT_EVENTS]
        return cls(documents, signed, updates, statuses, tuple(sorted(Counter(actions).items())))


_ACT_EVENTS = {"seal_document", "sign_document", "freeze_document", "append_monitoring_update",
               "record_monitoring_update", "issue_continuation", "reissue_document"}
