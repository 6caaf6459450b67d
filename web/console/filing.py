"""Filing an application from the console: the form generated from the import schema
(cases.application.ApplicationForm) with its exhibits uploaded in the same form, or the JSON document
`casedocs case import` reads, uploaded with the files it names. Either way the document goes through
the same `acts.file_application` as the command line: the same fields, the same rules, the same
checks of every file (size, type sniffed from the content) before anything is written."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cases.application import parse_application
from cases.errors import CaseError, InvalidInputError
from cases.files import resolve_inside
from cases.store import MAX_UPLOAD_BYTES
from casedocs.services import acts, forms
from casedocs.services.posted import Posted, application_document, check_upload, keep_uploads, with_kept_uploads
from casedocs.services.submissions import Answer, Sent
from web import once
from web.access import STAFF, roles
from web.console import bp
from web.console.acting import FormState, apply_controls, form_state
from web.console.common import posted_form, upload_name
from web.context import core, web_actor

DOCUMENT_NAME = "application.json"
# The order an officer copies a paper application in: who applies against whom first. Any field of
# the schema not named here still appears, after these.
ORDER = ("received_on", "channel", "reapplication_of", "applicant", "respondent", "title", "region", "country",
         "industry", "issue_types", "facts", "claims", "standards", "exhibits", "confidentiality_requests")


def application_fields() -> tuple[forms.FormField, ...]:
    fields = forms.application_form()
    known = {f.name: f for f in fields}
    return tuple([known[name] for name in ORDER if name in known] + [f for f in fields if f.name not in ORDER])


@bp.route("/file", methods=["GET", "POST"])
@roles(*STAFF)
def file_application() -> str | Response | tuple[str, int]:
    fields = application_fields()
    app = core()
    if request.method == "GET":
        # Most applications have claims, a standard and exhibits: their first rows are shown at once.
        blank = Posted({"received_on": app.today().isoformat(), "channel": "email", "claims._rows": "1",
                        "standards._rows": "1", "exhibits._rows": "1"}, {}, {})
        return _page(fields, form_state(fields, blank))
    posted = posted_form()
    try:
        posted = with_kept_uploads(fields, posted, app.store)
    except InvalidInputError as lost:
        return _page(fields, _with_error(fields, posted, str(lost))), 422
    posted, add, control = apply_controls(fields, posted)
    if control:
        state = form_state(fields, posted, add=add)
        state.kept = keep_uploads(fields, posted, app.store)
        return _page(fields, state)
    try:
        return once.form_once(lambda this: _file(json.dumps(application_document(fields, posted),
                                                            ensure_ascii=False).encode("utf-8"), {}, this))
    except CaseError as refused:
        return _page(fields, _with_error(fields, posted, str(refused))), 422


@bp.post("/file/json")
@roles(*STAFF)
def file_application_json() -> str | Response | tuple[str, int]:
    """The JSON document of `casedocs case import`, with the exhibit files it names by path."""
    fields = application_fields()
    upload = request.files.get("document")

    def file_document(this: Sent | None) -> Response:
        if upload is None or not upload.filename:
            raise InvalidInputError(_("Choose the application's JSON document."))
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise InvalidInputError(f"{upload_name(upload.filename)}: larger than {MAX_UPLOAD_BYTES} bytes")
        files = {}
        for item in request.files.getlist("files"):
            if item.filename:
                name = upload_name(item.filename)
                files[name] = item.read()
        return _file(raw, files, this)

    try:
        return once.form_once(file_document)
    except CaseError as refused:
        state = form_state(fields, Posted({}, {}, {}))
        state.error = str(refused)
        return _page(fields, state, json_error=True), 422


def _file(raw: bytes, files: dict[str, bytes], this: Sent | None) -> Response:
    """File the document through the command line's own path: written to an empty folder with the
    files it names placed where it names them (matched by file name), then `acts.file_application`;
    the form's answer kept with the case it filed (web.once); then to the new case's page."""
    from casedocs.services.posted import Upload

    form = parse_application(raw)  # the same checks as the import, before any file is placed
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for ref in [*form.exhibits, *(a.power_of_attorney for s in (form.applicant, form.respondent)
                                      for a in s.agents)]:
            if ref.file is None:
                continue
            name = Path(ref.file).name
            if name not in files:
                raise InvalidInputError(_("%(title)s: add the file %(name)s to the upload.", title=ref.title,
                                          name=name))
            check_upload(Upload(name, files[name]))
            target = resolve_inside(base, ref.file)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[name])
        (base / DOCUMENT_NAME).write_bytes(raw)
        app = core()
        with app.db.session() as session:
            number = acts.file_application(app.procedure_on(session, web_actor()), base / DOCUMENT_NAME).number
            once.remember(session, this, Answer(303, url_for("console.case", number=number)))
    flash(_("Application filed as %(number)s.", number=number), "success")
    return redirect(url_for("console.case", number=number))


def _with_error(fields: tuple[forms.FormField, ...], posted: Posted, error: str) -> FormState:
    app = core()
    state = form_state(fields, posted)
    state.error = error
    try:
        state.kept = keep_uploads(fields, posted, app.store)
    except CaseError:
        pass  # the file was the problem: it is named in the message
    return state


def _page(fields: tuple[forms.FormField, ...], state: FormState, *, json_error: bool = False) -> str:
    return render_template("console/file.html", fields=fields, state=state, json_error=json_error)
