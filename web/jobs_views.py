"""A job's page and its JSON status: progress, result or error (casedocs.jobs).

Staff see every job; another account sees only the jobs it asked for (others answer 404)."""
from __future__ import annotations

from typing import Any, TypeGuard

from flask import abort, render_template
from flask_login import current_user

from casedocs.jobs import JobStatus
from web import html_blueprint
from web.access import signed_in
from web.tasks import jobs_of

bp = html_blueprint("jobs", __name__)


def may_see(status: JobStatus | None) -> TypeGuard[JobStatus]:
    """Staff see every job; another account only the jobs it asked for (the API's job status too)."""
    return status is not None and (current_user.is_staff or status.account_id == current_user.account_id)


def _visible(job_id: int) -> JobStatus:
    status = jobs_of().status(job_id)
    if not may_see(status):
        abort(404)
    return status


@bp.get("/jobs/<id:job_id>")
@signed_in
def job_page(job_id: int) -> str:
    return render_template("jobs/job.html", job=_visible(job_id))


@bp.get("/jobs/<id:job_id>.json")
@signed_in
def job_json(job_id: int) -> dict[str, Any]:
    return _visible(job_id).as_json()
