"""Wires settings to the domain core: one Database, one calendar, one store."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date

from cases.calendar import WorkingCalendar, load_calendar
from cases.db import Database, upgrade
from cases.documents import instance_key
from cases.procedure import Procedure, shanghai_today
from cases.store import BlobStore
from casedocs.config import Settings
from docgen.conversion import ConverterPool
from docgen.service import DocumentService, TemplateSet


class App:
    def __init__(self, settings: Settings, *, today: Callable[[], date] = shanghai_today) -> None:
        self.settings = settings
        self.today = today
        self.db = Database(settings.database_url)
        self.store = BlobStore(settings.store_dir)
        self._calendar: WorkingCalendar | None = None
        self.templates = TemplateSet(settings.templates_dir)

    @property
    def calendar(self) -> WorkingCalendar:
        # Loaded on first use so that a broken override file only stops commands that count days.
        if self._calendar is None:
            self._calendar = load_calendar(self.settings.calendar_overrides)
        return self._calendar

    def init(self, secretariat_passphrase: str | None = None) -> bool:
        """Create or upgrade the database; create the certificate authority when given the
        secretariat's passphrase and none exists. Returns whether the authority exists."""
        from casedocs.issuing import open_pki, pki_dir

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(self.settings.database_url)
        if secretariat_passphrase and not (pki_dir(self.settings.data_dir) / "pki.json").exists():
            open_pki(self.settings.data_dir, secretariat_passphrase, create=True)
        return (pki_dir(self.settings.data_dir) / "pki.json").exists()

    def signatures(self, secretariat_passphrase: str | None = None, actor: str | None = None):  # type: ignore[no-untyped-def]
        """The signing desk, with the mechanism's keys unlocked by the secretariat's passphrase."""
        from casedocs.issuing import Signatures, open_pki, secretariat_passphrase as passphrase_of

        from signing import SigningEnv
        from signing.timestamps import external_timestamper

        pki = open_pki(self.settings.data_dir, passphrase_of(secretariat_passphrase))
        url = self.settings.tsa_url
        env = SigningEnv.from_pki(pki, timestamper=external_timestamper(url) if url else None)
        return Signatures(self.db, self.store, pki, actor or self.settings.actor, self.today, env,
                          monitoring_slots=self.settings.monitoring_slots)

    @contextmanager
    def procedure(self, actor: str | None = None) -> Iterator[Procedure]:
        """A unit of work: everything done through the Procedure commits together or not at all."""
        self.db.ensure_schema()
        with self.db.session() as session:
            yield Procedure(session, self.calendar, actor or self.settings.actor, store=self.store,
                            today=self.today)

    @contextmanager
    def converter(self, size: int | None = None) -> Iterator[ConverterPool]:
        """A warm LibreOffice pool for the duration of a job (a service keeps one for its lifetime)."""
        pool = ConverterPool(size or self.settings.converter_processes, self.settings.conversion_timeout,
                             self.settings.data_dir / "converters")
        with pool:
            yield pool

    @contextmanager
    def documents(self, *, pdf: bool = True, actor: str | None = None) -> Iterator[tuple[Procedure, DocumentService]]:
        """A unit of work that renders documents: the procedure, and the document service on the same session."""
        with ExitStack() as stack:
            pool = stack.enter_context(self.converter()) if pdf else None
            proc = stack.enter_context(self.procedure(actor))
            yield proc, DocumentService(proc.session, self.store, self.templates, instance_key(self.settings.data_dir),
                                        proc.actor, self.today, pool)

    def close(self) -> None:
        self.db.dispose()
