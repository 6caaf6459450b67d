"""The register's pages and exports one page at a time, and their limit per address (issue 13).

The register publishes every case for as long as the mechanism lasts (第六章第1.1条): its list and
exports are cut into pages (`page`, `per_page`; links rel=next/prev in the page, the HTTP Link header
and the JSON's paging fields beside "cases") so that no request has to build the whole register at once.
Each address may read the register generously (a person paging and filtering never meets it), but not
flood it: past the limit the answer is 429 with Retry-After, in the reader's language, as /verify does
(web.public.verify: Flask-Limiter's storage, shared by every worker of the machine).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from limits import parse_many
from werkzeug.wrappers import Response

from web.access import is_api_request
from web.extensions import limiter

T = TypeVar("T")
P = ParamSpec("P")

PAGE_SIZE = 25        # the list in the browser
EXPORT_PAGE_SIZE = 200  # CSV, JSON, the API; a client may ask for up to MAX_PAGE_SIZE
MAX_PAGE_SIZE = 1000
# Per address, over the register's pages and exports together. A reader clicks a few pages a minute. One
# window only: each read is a row of web.limitstore for the window's length, a minute here.
READS = parse_many("300/minute")


@dataclass(frozen=True)
class Paging:
    """Which page of `total` items is asked for (1-based, brought within range)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def cut(self, items: Sequence[T]) -> list[T]:
        start = (self.page - 1) * self.per_page
        return list(items[start:start + self.per_page])

    def fields(self, url_of: Callable[[int], str]) -> dict[str, Any]:
        """The JSON's paging fields (beside "cases")."""
        return {"page": self.page, "per_page": self.per_page, "total": self.total, "pages": self.pages,
                "next": url_of(self.page + 1) if self.has_next else None,
                "prev": url_of(self.page - 1) if self.has_prev else None}

    def link_header(self, url_of: Callable[[int], str]) -> str:
        """RFC 8288 links to the next and previous pages ("" when there is only one)."""
        links = ([f'<{url_of(self.page + 1)}>; rel="next"'] if self.has_next else []) + \
                ([f'<{url_of(self.page - 1)}>; rel="prev"'] if self.has_prev else [])
        return ", ".join(links)


def requested(args: Mapping[str, str], default_size: int) -> tuple[int, int]:
    """(page, per_page) from the query string: anything unreadable or out of bounds falls back to the first
    page and the default size (a link edited by hand still answers)."""
    def number(name: str, fallback: int) -> int:
        raw = str(args.get(name) or "").strip()
        return int(raw) if raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0 else fallback

    return number("page", 1), min(number("per_page", default_size), MAX_PAGE_SIZE)


def paging(args: Mapping[str, str], total: int, default_size: int) -> Paging:
    page, per_page = requested(args, default_size)
    bounded = Paging(1, per_page, total)
    return Paging(min(page, bounded.pages), per_page, total)


def _refused(wait: int) -> Response:
    message = str(_l("Too many requests to the register from your address. Try again in %(seconds)d seconds.",
                     seconds=wait))
    headers = {"Retry-After": str(wait)}
    if is_api_request() or request.path.endswith((".json", ".csv", ".atom")):
        from web.api.errors import error_response

        return error_response(429, message, headers=headers)
    return Response(render_template("errors/error.html", code=429, message=message), 429, headers)


def limited(view: Callable[P, T]) -> Callable[P, T | Response]:
    """Count the request against its address's register limit; past it, answer 429 with Retry-After."""
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T | Response:
        strategy, address = limiter().limiter, request.remote_addr or "unknown"
        for item in READS:
            if not strategy.hit(item, "register", address):
                reset, _ = strategy.get_window_stats(item, "register", address)
                return _refused(max(1, math.ceil(reset - time.time())))
        return view(*args, **kwargs)

    return wrapper
