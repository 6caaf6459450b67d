"""Wires settings to the domain core and the services: one Database, one calendar, one store, one pool.

An App is opened once per command (or per web process) and closed once, on error too::

    with App(Settings.load()) as app:
        with app.procedure() as proc:
            ...

It owns what is expensive to make: the database engine and, started on first use, the pool of
warm LibreOffice processes (Flask's app factory is the model: the app holds resources, the services
take them as parameters).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType

from sqlalchemy.orm import Session

from cases import audit
from cases.calendar import WorkingCalendar
from cases.crashpoints import CrashPoints
from cases.db import Database, upgrade
from cases.documents import instance_key
from cases.procedure import Procedure, shanghai_today
from cases.store import BlobStore
from casedocs.checkpoints import Checkpoints, checkpoint_dir
from casedocs.config import PASSPHRASE_ENV, Settings
from casedocs.services.desk import Desk, SigningError, open_pki, pki_dir
from casedocs.services.rendering import Rendering
from docgen.cache import DirectoryCache
from docgen.conversion import ConverterPool
from docgen.service import DocumentService, TemplateSet


class App:
    def __init__(self, settings: Settings, *, today: Callable[[], date] = shanghai_today) -> None:
        self.settings = settings
        self.today = today
        self.db = Database(settings.database_url)
        # Every commit of the app's sessions (units of work and the services' own) checkpoints the
        # audit chains it appended to, outside the database (casedocs.checkpoints).
        self.checkpoints = Checkpoints(checkpoint_dir(settings.data_dir))
        audit.anchor_commits(self.db.sessions, self.checkpoints)
        self.crash_points = CrashPoints(settings.crash_points)
        self.store = BlobStore(settings.store_dir, self.crash_points)
        self.store.remove_abandoned()  # what a killed command was writing (issue 9)
        self.templates = TemplateSet(settings.templates_dir)
        self._calendar: WorkingCalendar | None = None
        self._pool: ConverterPool | None = None
        self._pool_lock = threading.Lock()

    def __enter__(self) -> "App":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def calendar(self) -> WorkingCalendar:
        # Loaded on first use so that a broken override file only stops commands that count days.
        if self._calendar is None:
            self._calendar = self.settings.working_calendar()
        return self._calendar

    def init(self, secretariat_passphrase: str | None = None) -> bool:
        """Create or upgrade the database; create the audit checkpoint key, and the certificate
        authority (which certifies that key) when given the secretariat's passphrase and none exists;
        checkpoint every intact chain not yet (fully) checkpointed. Returns whether the authority exists."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(self.settings.database_url)
        self.checkpoints.ensure_key()
        directory = pki_dir(self.settings.data_dir)
        if secretariat_passphrase and not (directory / "pki.json").exists():
            self.checkpoints.certify(open_pki(directory, secretariat_passphrase, create=True))
        with self.db.session() as session:
            audit.catch_up(session, self.checkpoints)
        return (directory / "pki.json").exists()

    def desk(self, secretariat_passphrase: str | None = None, actor: str | None = None) -> Desk:
        """The signing desk, with the mechanism's keys unlocked by the secretariat's passphrase
        (given, else from the settings)."""
        from signing import SigningEnv
        from signing.fonts import get_font
        from signing.timestamps import external_timestamper

        passphrase = secretariat_passphrase or self.settings.secretariat_passphrase
        if not passphrase:
            raise SigningError(f"the secretariat's passphrase is needed: set {PASSPHRASE_ENV} or enter it when asked")
        from casedocs.services import enrolment

        def refused(session: Session, failures: int, retry_at: datetime | None) -> None:
            audit.append(session, audit.SYSTEM_CHAIN, actor or self.settings.actor, "passphrase_refused",
                         on=self.today(), detail={"person": enrolment.SECRETARIAT, "failures": failures,
                                                  "retry_at": retry_at.isoformat() if retry_at else None})

        self.db.ensure_schema()
        pki = enrolment.limited_tries(self.db, enrolment.SECRETARIAT,
                                      lambda: open_pki(pki_dir(self.settings.data_dir), passphrase), refused)
        self.checkpoints.certify(pki)  # a data directory made before checkpoints: certified once, here
        url, cache = self.settings.tsa_url, self.settings.cache_dir
        env = SigningEnv.from_pki(pki, timestamper=external_timestamper(url) if url else None, cache_dir=cache,
                                  font=get_font(cache_dir=cache))
        return Desk(self.db, self.store, pki, env, actor or self.settings.actor, self.today,
                    monitoring_slots=self.settings.monitoring_slots, crash_points=self.crash_points)

    @contextmanager
    def procedure(self, actor: str | None = None) -> Iterator[Procedure]:
        """A unit of work: everything done through the Procedure commits together or not at all."""
        self.db.ensure_schema()
        with self.db.session() as session:
            yield self.procedure_on(session, actor)

    def procedure_on(self, session: Session, actor: str | None = None) -> Procedure:
        """The procedure in a session a service opened (e.g. monitoring.monitor records the update in
        the transaction that appends it to the reports)."""
        proc = Procedure(session, self.calendar, actor or self.settings.actor, store=self.store, today=self.today)
        proc.inquiry_answer_days = self.settings.inquiry_answer_days
        return proc

    def pool(self) -> ConverterPool:
        """The warm LibreOffice pool, started on first use and kept until the app closes."""
        with self._pool_lock:
            if self._pool is None:
                pool = ConverterPool(self.settings.converter_processes, self.settings.conversion_timeout,
                                     self.settings.data_dir / "converters", uno_python=self.settings.uno_python)
                pool.start()
                self._pool = pool
            return self._pool

    def rendering(self, *, pdf: bool = True) -> Rendering:
        """What renders documents in any unit of work; with `pdf`, through the pool (started only when
        a PDF is first converted: issuing a continuation report is rare)."""
        return Rendering(self.store, self.templates, instance_key(self.settings.data_dir), self.today,
                         _PoolOnDemand(self) if pdf else None, self.settings.hant_variant,
                         DirectoryCache(self.settings.data_dir / "render-cache"), self.settings.public_url)

    @contextmanager
    def documents(self, *, pdf: bool = True, actor: str | None = None) -> Iterator[tuple[Procedure, DocumentService]]:
        """A unit of work that renders documents: the procedure, and the document service on the same session."""
        if pdf:
            self.pool()  # started here, not in the middle of the unit of work
        with self.procedure(actor) as proc:
            yield proc, self.rendering(pdf=pdf).service(proc.session, proc.actor)

    def close(self) -> None:
        """Stop the pool (if started) and release the database's connections. Idempotent."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
        try:
            if pool is not None:
                pool.close()
        finally:
            self.db.dispose()


class _PoolOnDemand:
    """docgen's Converter over the app's pool, starting it at the first conversion."""

    def __init__(self, app: App) -> None:
        self._app = app

    def convert(self, docx: bytes, *, name: str, pdfa: bool = True) -> bytes:
        return self._app.pool().convert(docx, name=name, pdfa=pdfa)

    def convert_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        return self._app.pool().convert_many(items)
