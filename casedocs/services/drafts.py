"""Drafts of online applications, and their purge (issue 12, "Applying online"; 第三章第1-2条).

A visitor's draft (the form's JSON and the files uploaded with it) is kept in a content-addressed
store of its own, `<data>/drafts/`, never in the case store: it is named only by the visitor's
session cookie, and belongs to nobody's case until it is filed. Filing puts the application and its
exhibits into the case record and the case store (cases.procedure.intake), which the purge never
touches: a submitted application cannot lose anything to it.

Abandoned drafts are purged once untouched for KEPT (at least, see `kept_for`). Why that period:
a draft can be reached only through the session cookie that names it, and Flask refuses a cookie
whose signature is older than the session's lifetime (web/__init__.py: the idle timeout plus 12
hours, renewed at each step of the form). So a draft untouched for longer is unreachable: keeping it
serves nobody, and it holds personal information of people who never applied — names, addresses,
evidence — which is kept no longer than needed (个人信息保护法第十九条). Seven days leaves a wide
margin over that lifetime (a clock set wrong, a long idle timeout configured); `kept_for` keeps two
days beyond the idle timeout whenever that is longer.

Every write, and every read through `get`, touches the file, so a draft in use (or a file shared by two
drafts, the store being content-addressed) is never older than its last use. The purge runs from
`casedocs purge-drafts` (cron) and, at most once an hour per process, when a draft is saved.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cases.store import BlobStore
from casedocs.config import Settings

KEPT = timedelta(days=7)
NOW_AND_THEN = timedelta(hours=1)  # the opportunistic purge's interval, per process
_last_purge = 0.0
_purge_lock = threading.Lock()


def drafts_dir(settings: Settings) -> Path:
    return settings.data_dir / "drafts"


def kept_for(settings: Settings) -> timedelta:
    """How long an untouched draft is kept: KEPT, or two days beyond the idle timeout if longer."""
    return max(KEPT, timedelta(minutes=settings.session_idle_minutes) + timedelta(days=2))


class Drafts:
    """The drafts' store: put and get by sha256, each touching the file (its age is its last use)."""

    def __init__(self, settings: Settings) -> None:
        self.store = BlobStore(drafts_dir(settings))

    def put(self, data: bytes) -> str:
        sha256 = self.store.put(data)
        if not _touch(self.store.path(sha256)):  # an old copy, purged just now: write it again
            self.store.put(data)
        return sha256

    def has(self, sha256: str) -> bool:
        return len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256) and self.store.path(sha256).is_file()

    def keep(self, sha256: str) -> bool:
        """Touch a file the draft still names (its age is the draft's last use); whether it is there."""
        return self.has(sha256) and _touch(self.store.path(sha256))

    def get(self, sha256: str) -> bytes:
        data = self.store.get(sha256)
        _touch(self.store.path(sha256))
        return data


def _touch(path: Path) -> bool:
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


@dataclass(frozen=True)
class Purged:
    files: int
    bytes: int


def purge(settings: Settings, *, now: Callable[[], float] = time.time) -> Purged:
    """Delete the drafts' files untouched for `kept_for(settings)`; what was deleted. No session, no
    database: the case record and its store are not touched."""
    root = drafts_dir(settings)
    if not root.is_dir():
        return Purged(0, 0)
    BlobStore(root).remove_abandoned()
    cutoff = now() - kept_for(settings).total_seconds()
    files = size = 0
    for path in root.glob("*/*"):
        try:
            stat = path.stat()
            if stat.st_mtime < cutoff and len(path.name) == 64:
                path.unlink()
                files, size = files + 1, size + stat.st_size
        except FileNotFoundError:
            continue
    return Purged(files, size)


def purge_now_and_then(settings: Settings, *, now: Callable[[], float] = time.time) -> Purged | None:
    """`purge`, if this process has not purged for NOW_AND_THEN (called as drafts are saved)."""
    global _last_purge
    moment = now()
    with _purge_lock:
        if moment - _last_purge < NOW_AND_THEN.total_seconds():
            return None
        _last_purge = moment
    return purge(settings, now=now)
