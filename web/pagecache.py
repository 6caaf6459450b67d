"""Pages built once per revision of the record, kept for a short time (issue 10's benchmark).

An officer's case page takes tens of milliseconds of CPU to build (the whole record, its deadlines
counted on the calendar, its documents, the audit chain verified); with twenty officers on two cores
that alone would put a page at several hundred milliseconds. What the page shows only changes when
the record does, and `cases.revisions` tells with one query whether it has: a page is built once for
a (page, case, revision, language, audience, day) and served from memory until the record moves.

What is kept is the part every reader of that audience sees alike: never a CSRF token (a marker
stands in its place and each request puts its own in), never the reader's name or messages (the
page's frame is rendered per request around the kept body). Entries expire after `TTL_SECONDS`
whatever happens, so what no act records (a row edited with plain SQL, which the audit status is
there to reveal) shows within that time. Each worker process keeps its own; nothing is shared
between readers of different audiences because the reader's scope is part of every key (issue 11).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from cachetools import TTLCache
from flask import Flask, current_app
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from cases.accounts import Role
from cases.vocabulary import SideRole
from web.access import grant_if_any

TTL_SECONDS = 30.0
MAX_ENTRIES = 512
# Rendered (as markup, unescaped) where a form's CSRF token goes; replaced with the request's own
# token on the way out. Text from the record can never produce it: autoescaping turns its "<" into "&lt;".
CSRF_MARKER = Markup("<csrf-token-of-this-request>")

T = TypeVar("T")


class PageCache:
    """A bounded, time-limited map from a page's key to what was built for it. Thread-safe: gthread
    workers share it."""

    def __init__(self, ttl: float = TTL_SECONDS, size: int = MAX_ENTRIES) -> None:
        self._entries: TTLCache[Hashable, object] = TTLCache(maxsize=size, ttl=ttl)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], tuple[T, bool]]) -> T:
        """What was kept for `key`, else `build()`'s value, kept when build says it may be. The build
        runs outside the lock (two requests may build the same page at once; both are right)."""
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is not _MISSING:
                self.hits += 1
                return found  # type: ignore[return-value]  # stored by this method under this key's T
            self.misses += 1
        value, keep = build()
        if keep:
            with self._lock:
                self._entries[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_MISSING = object()


def init_app(app: Flask) -> None:
    app.extensions["casedocs_pages"] = PageCache()


def kept_pages(app: Flask) -> PageCache:
    cache: PageCache = app.extensions["casedocs_pages"]
    return cache


def pages() -> PageCache:
    """The pages kept by this request's app."""
    return kept_pages(current_app)


def reader_scope() -> tuple[Role | None, frozenset[SideRole]]:
    """Who the page is built for, as access decided it (web.access): the account's role (None for
    the public, signed out) and, on a case, the sides it holds there. Part of every key, so that a
    page built for one audience is never served to another (a party's sides; the confidentiality
    model of issue 11 refines this)."""
    if not current_user.is_authenticated:
        return None, frozenset()
    grant = grant_if_any()
    return current_user.role, grant.sides if grant is not None else frozenset()


def with_csrf(body: str) -> Markup:
    """A kept body with this request's CSRF token where the marker stands."""
    return Markup(body.replace(CSRF_MARKER, generate_csrf()))
