"""Login limits shared by every worker process of one machine, without Redis.

Flask-Limiter's memory storage lives in one process: under `casedocs serve`'s gunicorn workers
(two by default) each counted its own wrong passwords, and the 11th in a minute could be let through
by another worker (issue 10). With no Redis configured, the limits live instead in a small SQLite
file of the data directory (`<data>/web-limits.sqlite3`), which every worker on the machine opens:
a `limits` storage (the library Flask-Limiter counts with), registered under the scheme
`casedocs-sqlite`, supporting the moving window the login limits use.

Why not the case database: these are short-lived counters written on every login try, and they
must not lock or bloat the record (nor be rolled back with an act); a file of their own, in WAL
mode, is what every worker can write at once. What it holds is an account key or an address with
the times of its tries, for at most the longest limit's window.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from limits.storage import MovingWindowSupport, Storage

SCHEME = "casedocs-sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tries (key TEXT NOT NULL, at REAL NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS tries_by_key ON tries (key, at);
CREATE INDEX IF NOT EXISTS tries_by_expiry ON tries (expires);
"""


def storage_uri(path: Path) -> str:
    return f"{SCHEME}://{path.resolve()}"


class SQLiteStorage(Storage, MovingWindowSupport):
    """Rate-limit counters in one SQLite file: each try is a row (key, time, expiry)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._path = urlsplit(uri).path
        self._local = threading.local()  # one connection per thread: sqlite3 connections are not shared

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=10.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            # No fsync per try (WAL stays consistent; a power cut may forget the last tries): the register
            # counts every page read here (web.public.register_paging), ~9 ms a read with it, 0.3 without.
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._local.db = db
        return db

    def _count(self, db: sqlite3.Connection, key: str, since: float) -> tuple[int, float | None]:
        count, oldest = db.execute("SELECT count(*), min(at) FROM tries WHERE key = ? AND at > ?", (key, since)).fetchone()
        return int(count), oldest

    # -- moving window (the login limits) --

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        db, now = self._db(), time.time()
        db.execute("BEGIN IMMEDIATE")  # count and add under one write lock: two workers cannot both pass
        try:
            db.execute("DELETE FROM tries WHERE expires < ?", (now,))
            count, _ = self._count(db, key, now - expiry)
            if count + amount > limit:
                db.execute("COMMIT")
                return False
            db.executemany("INSERT INTO tries (key, at, expires) VALUES (?, ?, ?)",
                           [(key, now, now + expiry)] * amount)
            db.execute("COMMIT")
            return True
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        count, oldest = self._count(self._db(), key, now - expiry)
        return (oldest if oldest is not None else now), count

    # -- fixed window (not used by casedocs' limits; kept complete for the Storage contract) --

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        db, now = self._db(), time.time()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM tries WHERE expires < ?", (now,))
            row = db.execute("SELECT min(expires) FROM tries WHERE key = ?", (key,)).fetchone()
            expires = row[0] if row[0] is not None else now + expiry
            db.executemany("INSERT INTO tries (key, at, expires) VALUES (?, ?, ?)", [(key, now, expires)] * amount)
            count = db.execute("SELECT count(*) FROM tries WHERE key = ?", (key,)).fetchone()[0]
            db.execute("COMMIT")
            return int(count)
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT count(*) FROM tries WHERE key = ? AND expires >= ?", (key, time.time()))
        return int(row.fetchone()[0])

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT min(expires) FROM tries WHERE key = ? AND expires >= ?", (key, time.time()))
        found = row.fetchone()[0]
        return float(found) if found is not None else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM tries").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM tries WHERE key = ?", (key,))
