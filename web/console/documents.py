"""Rendering and issuing instruments from the console. Both are long work (LibreOffice converts, the
seal is a PDF signature), so each runs as a job (casedocs.jobs) and the request only submits it: the
officer's page follows the job and shows the PDF in the browser when it is done.

Issuing unlocks the mechanism's keys with the secretariat's passphrase from the server's environment
(Settings.secretariat_passphrase: CASEDOCS_SECRETARIAT_PASSPHRASE), never from a form.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from cases.confidentiality.audiences import Audience
from cases.errors import CaseError
from cases.instruments import INSTRUMENTS, Subject, get_instrument
from casedocs.config import PASSPHRASE_ENV
from casedocs.services import issuing
from casedocs.services.document_jobs import ISSUE, PREVIEW
from casedocs.services.redrafting import REDRAFT
from casedocs.services.grants import CaseArea
from docgen.locale import Edition
from web.access import STAFF, case_access
from web.console import bp
from web.context import core, web_actor
from web.tasks import jobs_of

def _chosen() -> dict[str, str]:
    """The instrument, edition, matter and audience posted, checked against the registry (404 for anything
    else). The audience (issue 11, 第六章第2.2条) is whom the rendering is for, the secretariat's when the
    form names none: a sealed instrument is sealed per audience that receives it."""
    instrument, edition = request.form.get("instrument", ""), request.form.get("edition", "zh")
    subject = request.form.get("subject", "")
    audience = request.form.get("audience") or Audience.SECRETARIAT.value
    if instrument not in INSTRUMENTS or edition not in {e.value for e in Edition} \
            or audience not in {a.value for a in Audience}:
        abort(404)
    try:
        Subject.parse_optional(subject)
    except CaseError:
        abort(404)
    return {"instrument": instrument, "edition": edition, "subject": subject, "audience": audience}


@bp.post("/cases/<number>/preview")
@case_access(CaseArea.RECORD, roles=STAFF)
def preview(number: str) -> Response:
    chosen = _chosen()
    job_id = jobs_of().submit(PREVIEW, {"case": number, **chosen}, who=web_actor(),
                              account_id=current_user.account_id, case_number=number)
    return redirect(url_for("console.document_job", number=number, job_id=job_id))


@bp.post("/cases/<number>/issue")
@case_access(CaseArea.RECORD, roles=STAFF)
def issue(number: str) -> Response:
    chosen = _chosen()
    try:
        issuing.document_kind(chosen["instrument"])
    except CaseError as refused:
        flash(str(refused), "error")
        return redirect(url_for("console.case", number=number) + "#documents")
    if not core().settings.secretariat_passphrase:
        flash(_("The seal cannot be unlocked: the server has no %(variable)s.", variable=PASSPHRASE_ENV), "error")
        return redirect(url_for("console.case", number=number) + "#documents")
    job_id = jobs_of().submit(ISSUE, {"case": number, **chosen}, who=web_actor(),
                              account_id=current_user.account_id, case_number=number)
    return redirect(url_for("console.document_job", number=number, job_id=job_id))


@bp.get("/cases/<number>/jobs/<id:job_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def document_job(number: str, job_id: int) -> str:
    """A rendering or an issue under way, then its PDF in the browser."""
    status = jobs_of().status(job_id)
    if status is None or status.case_number != number or status.kind not in (PREVIEW, ISSUE, REDRAFT):
        abort(404)
    return render_template("console/document_job.html", number=number, job=status,
                           issuing=status.kind in (ISSUE, REDRAFT),
                           instrument=get_instrument, Edition=Edition)
