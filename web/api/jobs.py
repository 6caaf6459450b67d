"""A job's status as JSON: its state, progress, result or error (casedocs.jobs), with where to
download the file it made. Staff see every job; another account only its own (web.jobs_views)."""
from __future__ import annotations

from typing import Any

from flask import url_for

from web.access import signed_in
from web.api import bp
from web.api.common import documented
from web.api.documents import file_url
from web.api.errors import error_response
from web.api.schemas import JobOut
from web.jobs_views import may_see
from web.tasks import jobs_of
from werkzeug.wrappers import Response


@bp.get("/jobs/<id:job_id>")
@signed_in
@bp.output(JobOut)
@documented(404)
def job(job_id: int) -> dict[str, Any] | Response:
    """A job's status

    Queued, running (with its progress and a note of the step), done (with its result) or failed
    (with the error, in words). A rendering's or an issue's result names the file it made, and
    `download` is where to fetch it."""
    status = jobs_of().status(job_id)
    if not may_see(status):
        return error_response(404, f"no job {job_id}")
    found = status.as_json()
    made = (status.result or {}).get("file")
    download = file_url(status.case_number, made) if isinstance(made, int) and status.case_number else None
    return {**found, "url": url_for("api.job", job_id=job_id), "download": download}
