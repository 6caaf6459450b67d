"""Where the time of `casedocs bench web`'s pages goes (step 4 of casedocs.bench_web): each page
requested one at a time in a web app made in the bench's process, with every view, template and
query metered in CPU time, and argon2 at login apart."""
from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casedocs.bench_web import (ACCEPT_LANGUAGE, DEMO_PASSWORD, OFFICER, BenchError, Echo, Page, Plan, Setup, pages,
                                 visitor)


@dataclass
class Breakdown:
    """One page's requests made one at a time in this process: CPU seconds, by part."""

    page: Page
    built: bool  # the page's kept body dropped before each request (web.pagecache): built, not kept
    queries: int = 0
    total: list[float] = field(default_factory=list)     # the whole request
    view: list[float] = field(default_factory=list)      # the view: services (DB included) and template
    database: list[float] = field(default_factory=list)  # the driver's execute calls
    template: list[float] = field(default_factory=list)  # Jinja rendering


class _Meter:
    """CPU time spent inside the marked parts of the current request (this process, one thread)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.queries = 0
        self._started: dict[str, float] = {}

    def reset(self) -> None:
        self.spent, self.queries = {"view": 0.0, "db": 0.0, "template": 0.0}, 0

    def start(self, part: str) -> None:
        self._started[part] = time.process_time()

    def stop(self, part: str) -> None:
        self.spent[part] += time.process_time() - self._started.pop(part, time.process_time())


def _metered_app(settings: Any, meter: _Meter) -> Any:
    """A web app made here, for the bench alone, with every view and template and query metered."""
    import functools

    from flask import before_render_template, template_rendered
    from sqlalchemy import event

    from web import create_app
    from web.context import core

    app = create_app(settings, start_jobs=False)
    for endpoint, view in list(app.view_functions.items()):
        @functools.wraps(view)  # keeps the view's declared access rule (web.access)
        def timed(*args: Any, _view: Callable[..., Any] = view, **kwargs: Any) -> Any:
            meter.start("view")
            try:
                return _view(*args, **kwargs)
            finally:
                meter.stop("view")
        app.view_functions[endpoint] = timed

    def executed(*_: Any) -> None:
        meter.queries += 1
        meter.stop("db")

    with app.app_context():
        engine = core().db.engine
    event.listen(engine, "before_cursor_execute", lambda *_: meter.start("db"))
    event.listen(engine, "after_cursor_execute", executed)
    before_render_template.connect(lambda *_, **__: meter.start("template"), app, weak=False)
    template_rendered.connect(lambda *_, **__: meter.stop("template"), app, weak=False)
    return app


def breakdown(setup: Setup, cookie: str, plan: Plan) -> tuple[list[Breakdown], list[float]]:
    """Each page requested one at a time in a web app made here (the server's settings and data; the
    session cookie the server gave works, as its key is the data directory's): queries per request and
    CPU time by part; then argon2. CPU time, not wall time: other work on the machine changes it less."""
    from casedocs.config import Settings
    from web import shutdown
    from web.context import core
    from web.pagecache import kept_pages

    meter = _Meter()
    # proxy_hops=1 as the bench's server: the verification's visitors come from their own addresses
    app = _metered_app(dataclasses.replace(Settings.load(setup.data_dir), secure_cookies=False, proxy_hops=1), meter)
    found: list[Breakdown] = []
    try:
        client = app.test_client()
        for pair in cookie.split("; "):
            name, _, value = pair.partition("=")
            client.set_cookie(name, value)
        visitors = 0
        for page, built in ((page, built) for page in pages(setup.case_number, setup.agreement)
                            for built in (False, True)):
            headers = {"Accept-Language": ACCEPT_LANGUAGE,
                       **({"Authorization": f"Bearer {setup.token}"} if page.api else {})}
            row = Breakdown(page, built)
            for round_ in range(plan.profile_rounds + 1):
                if built:
                    kept_pages(app).clear()
                meter.reset()
                started = time.process_time()
                if page.many_visitors:
                    visitors += 1
                    headers["X-Forwarded-For"] = visitor(visitors)
                response = client.open(page.path, method=page.method, data=page.body, headers=headers,
                                       content_type=page.content_type or None)
                spent = time.process_time() - started
                if response.status_code != 200:
                    raise BenchError(f"{page.path} answered {response.status_code} in this process")
                if round_ == 0:
                    continue  # the first compiles templates and fills the caches
                row.queries = meter.queries
                row.total.append(spent)
                row.view.append(meter.spent["view"])
                row.database.append(meter.spent["db"])
                row.template.append(meter.spent["template"])
            found.append(row)
        with app.app_context():
            argon2 = _argon2(core().db.sessions, max(2, plan.profile_rounds // 2))
    finally:
        shutdown(app)
    return found, argon2


def _argon2(sessions: Any, rounds: int) -> list[float]:
    """Seconds per `accounts.authenticate` of the officer: one argon2id verification and one lookup."""
    from casedocs.services import accounts

    timings = []
    for _ in range(rounds):
        with sessions() as session:
            started = time.perf_counter()
            if accounts.authenticate(session, OFFICER, DEMO_PASSWORD) is None:
                raise BenchError("the officer's password was refused in this process")
            timings.append(time.perf_counter() - started)
            session.rollback()
    return timings


def report_breakdown(rows: Sequence[Breakdown], argon2: Sequence[float], password_step: float, echo: Echo) -> None:
    echo("where the time goes (one request at a time, in this process; medians, CPU ms; \"kept\": the body built "
         "for the case's revision is reused, as above; \"built\": the first read after an act, built again):")
    echo(f"  {'':<28} {'queries':>7} {'total':>7} {'service':>7} {'of it DB':>8} {'template':>8} {'Flask':>7}")
    for row in rows:
        total, view, db, template = (1000 * statistics.median(v)
                                     for v in (row.total, row.view, row.database, row.template))
        label = f"{row.page.label} ({'built' if row.built else 'kept'})"
        echo(f"  {label:<28} {row.queries:>7} {total:7.1f} {view - template:7.1f} {db:8.1f} "
             f"{template:8.1f} {total - view:7.1f}")
    echo("  (service: the view's reads and the services it calls, ORM and DB included; DB: the driver's execute "
         "calls; Flask: session, sign-in, access rule, response)")
    echo(f"  argon2 at login: {1000 * statistics.median(argon2):.0f} ms per password check in this process "
         f"(accounts.authenticate); the password step of the bench's sign-in took {1000 * password_step:.0f} ms "
         f"over HTTP")
