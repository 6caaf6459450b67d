"""Wires settings to the domain core: one Database, one calendar, one store."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from cases.calendar import WorkingCalendar, load_calendar
from cases.db import Database, upgrade
from cases.procedure import Procedure, shanghai_today
from cases.store import BlobStore
from casedocs.config import Settings


class App:
    def __init__(self, settings: Settings, *, today: Callable[[], date] = shanghai_today) -> None:
        self.settings = settings
        self.today = today
        self.db = Database(settings.database_url)
        self.store = BlobStore(settings.store_dir)
        self._calendar: WorkingCalendar | None = None

    @property
    def calendar(self) -> WorkingCalendar:
        # Loaded on first use so that a broken override file only stops commands that count days.
        if self._calendar is None:
            self._calendar = load_calendar(self.settings.calendar_overrides)
        return self._calendar

    def init(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(self.settings.database_url)

    @contextmanager
    def procedure(self, actor: str | None = None) -> Iterator[Procedure]:
        """A unit of work: everything done through the Procedure commits together or not at all."""
        self.db.ensure_schema()
        with self.db.session() as session:
            yield Procedure(session, self.calendar, actor or self.settings.actor, store=self.store,
                            today=self.today)

    def close(self) -> None:
        self.db.dispose()
