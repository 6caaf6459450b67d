"""Public pages: the front door and /healthz now; the public register and verification later (issue 13)."""
from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from cases.db import current_revision, head_revision
from web import html_blueprint
from web.access import public
from web.context import core

bp = html_blueprint("public", __name__)


@bp.get("/")
@public
def index() -> str | Response:
    """Where each kind of account starts: staff the console, parties and monitors their portal."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    start = "console.dashboard" if current_user.is_staff else "portal.index"
    if start in current_app.view_functions:
        return redirect(url_for(start))
    return render_template("public/home.html")


def _database() -> str:
    app = core()
    try:
        with app.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        have, want = current_revision(app.db.engine), head_revision(app.db.url)
    except Exception as error:  # any failure to reach it is the answer
        first = (str(error).strip().splitlines() or [""])[0][:200]
        return f"unreachable: {type(error).__name__}: {first}"
    if have != want:
        return f"schema revision {have}, the code needs {want}: run `casedocs init`"
    return "ok"


def _jobs() -> tuple[bool, Any]:
    from web.tasks import jobs_of

    jobs = jobs_of()
    try:
        detail = jobs.health()
    except Exception as error:
        return False, f"failing: {type(error).__name__}: {str(error)[:200]}"
    healthy = getattr(jobs.dispatcher, "healthy", lambda: True)()
    return healthy, detail if healthy else {**detail, "problem": "job worker threads have stopped"}


@bp.get("/healthz")
@public
def healthz() -> tuple[dict[str, Any], int]:
    """{"status": "ok", "database": "ok", "jobs": {...}}, or 503 naming what fails."""
    database = _database()
    jobs_ok, jobs = _jobs() if database == "ok" else (False, "unknown: the database is unreachable")
    failing = [name for name, ok in (("database", database == "ok"), ("jobs", jobs_ok)) if not ok]
    body = {"status": "ok" if not failing else "failing", "database": database, "jobs": jobs}
    if failing:
        body["failing"] = failing
    return body, 503 if failing else 200


from web.public import verify  # noqa: E402,F401  # /verify routes register on bp (issue 13)
from web.public import register  # noqa: E402,F401  # the register's routes (issue 13) register on bp
from web.public import apply  # noqa: E402,F401  # applying online (issue 12) registers on bp
