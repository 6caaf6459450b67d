"""A case's documents: their versions and signatures, the bytes of each stored file, and rendering
and issuing an instrument (as jobs: LibreOffice converts, the seal is a PDF signature).

Rendering and issuing run the console's jobs (casedocs.services.document_jobs: the same work, the same
result), so a document made through the API and one made in the console are one thing. Issuing
unlocks the seal with the secretariat's passphrase from the server's Settings, never from a request.

Drafts are the secretariat's working copies: an account that is not staff sees only the files of
issued versions (the confidentiality issue will narrow that per audience, in casedocs.services.grants).
"""
from __future__ import annotations

import io
from typing import Any

from flask import current_app, jsonify, send_file, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from cases.errors import CaseError
from cases.instruments import Subject, subject_text
from casedocs.config import PASSPHRASE_ENV
from casedocs.services import casefiles, casepage, issuing
from casedocs.services.document_jobs import ISSUE, PREVIEW
from casedocs.services.grants import CaseArea
from docgen.errors import DocgenError
from docgen.service import Request
from casedocs.services.submissions import Answer
from web import once
from web.access import STAFF, case_access, current_grant, reader_audience
from web.api import bp
from web.api.common import documented, is_staff
from web.api.errors import error_response, refusal
from web.api.schemas import DocumentList, JobSubmitted, RenderIn
from web.context import core, web_actor
from web.tasks import jobs_of

BINARY = {"schema": {"type": "string", "format": "binary"}}


def file_url(number: str, file_id: int) -> str:
    return url_for("api.download", number=number, file_id=file_id)


def _file(number: str, item: casepage.FileVersion, staff: bool) -> dict[str, Any]:
    return {"id": item.id, "version": item.version, "format": item.format, "revision": item.revision,
            "stage": item.stage, "status": item.status, "verification_code": item.verification_code,
            "sha256": item.sha256, "size": item.size, "created_at": item.created_at,
            "created_by": item.created_by if staff else None, "url": file_url(number, item.id)}


@bp.get("/cases/<number>/documents")
@case_access(CaseArea.RECORD)
@bp.output(DocumentList)
@documented(404)
def documents(number: str) -> dict[str, Any]:
    """A case's documents

    Every instrument, matter and edition rendered for the case, with its stored files (each
    rendering and signing act's result, with its download URL), its signatures and its deliveries.
    Accounts other than the secretariat's see issued versions only."""
    staff, reader = is_staff(), reader_audience()
    with core().procedure(actor=web_actor()) as proc:
        views = casepage.documents(proc.session, proc.get_case(number))
        listed = []
        for view in views:
            files = [f for f in view.files if casefiles.may_see(f.status, f.audience, reader=reader)]
            if not files:
                continue
            listed.append({"instrument": view.instrument, "subject": subject_text(view.subject) or None,
                           "edition": view.edition, "audience": view.audience.value, "files": [_file(number, f, staff) for f in files],
                           "signed": view.signed, "deliveries": view.deliveries})
    return {"case": number, "documents": listed}


@bp.get("/cases/<number>/documents/files/<id:file_id>")
@case_access(CaseArea.RECORD)
@documented(404, responses={200: {"description": "The file's bytes (PDF/A or DOCX)",
                                  "content": {media: BINARY for media in casefiles.MEDIA_TYPES.values()}}})
def download(number: str, file_id: int) -> Response:
    """Download a stored file

    A rendering or a signed revision of one of the case's documents, as stored (its sha256 is in
    the document list)."""
    app = core()
    with app.db.session() as session:
        found = casefiles.document_file(session, app.store, current_grant().case_id, number, file_id,
                                        reader=reader_audience())
    if found is None:
        return error_response(404, f"no file {file_id} in case {number}")
    return send_file(io.BytesIO(found.data), mimetype=found.media_type, download_name=found.name, as_attachment=True)


def _submit(number: str, kind: str, body: RenderIn) -> Response:
    """Check that the instrument applies to the case now (docgen's own check, before the job), then
    queue the job; 202 with its id and status URL."""
    params = {"case": number, "instrument": body.instrument.value, "edition": body.edition.value,
              "subject": body.subject, "audience": body.audience.value}
    app = core()
    try:
        request = Request(body.instrument.value, body.edition, Subject.parse_optional(body.subject),
                          audience=body.audience)
    except CaseError as problem:
        return refusal(problem)
    with app.procedure(actor=web_actor()) as proc:
        try:
            app.rendering(pdf=False).service(proc.session, proc.actor).check(proc.get_case(number), request)
        except DocgenError as problem:
            return error_response(409, str(problem))
    try:
        this = once.sent()
        kept = once.answered(this)
    except CaseError as problem:
        return error_response(422, str(problem))
    if kept is not None:
        return once.api_replay(kept)
    answers: list[Answer] = []

    def answer_with(session: Session, job_id: int) -> None:
        url = url_for("api.job", job_id=job_id)
        answers.append(Answer(202, url, current_app.json.dumps({"job": job_id, "url": url})))
        once.remember(session, this, answers[0])

    try:
        jobs_of().submit(kind, params, who=web_actor(), account_id=current_user.account_id, case_number=number,
                         with_job=answer_with)
    except IntegrityError as clash:  # the same request, sent twice at once: the other copy queued it
        return once.api_replay(once.retry_answer(this, clash))
    return once.api_answer(answers[0])


@bp.post("/cases/<number>/documents/render")
@case_access(CaseArea.RECORD, roles=STAFF)
@bp.input(RenderIn, arg_name="body")
@bp.output(JobSubmitted, status_code=202)
@documented(400, 403, 404, 409, 422)
def render(number: str, body: RenderIn) -> Response:
    """Render an instrument as PDF/A (a job)

    A new draft version, or the newest one if nothing it shows has changed. Answers 202 with the
    job's id and URL; the job's result names the file (`download`)."""
    return _submit(number, PREVIEW, body)


@bp.post("/cases/<number>/documents/issue")
@case_access(CaseArea.RECORD, roles=STAFF)
@bp.input(RenderIn, arg_name="body")
@bp.output(JobSubmitted, status_code=202)
@documented(400, 403, 404, 409, 422, 503)
def issue(number: str, body: RenderIn) -> Response:
    """Issue an instrument under the seal (a job)

    Render it as PDF/A and seal it, as `casedocs issue`; an instrument a party signs in ink is
    refused (422). The seal is unlocked with the server's secretariat passphrase."""
    try:
        issuing.document_kind(body.instrument.value)
    except CaseError as problem:
        return refusal(problem)
    if not core().settings.secretariat_passphrase:
        return error_response(503, f"the seal cannot be unlocked: the server has no {PASSPHRASE_ENV}")
    return _submit(number, ISSUE, body)
