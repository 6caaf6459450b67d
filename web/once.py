"""Requests that change the record, done once per key (casedocs.services.submissions): the API's
`Idempotency-Key` header, the `submission` field of the console's forms.

A view asks `sent()` for the request's key (None when it carries none: done as usual), answers
`replayed(...)` when the key was answered before, and calls `remember(...)` in the session of its
act before it commits. A retry sent while the first copy is still being done fails on the unique
key when it commits (its act rolled back with it): `retry_answer` then finds the first copy's answer.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from cases.procedure import Procedure
from casedocs.services import submissions
from casedocs.services.submissions import Answer, Sent
from web.context import core, web_actor

HEADER = "Idempotency-Key"
FIELD = "submission"
Done = TypeVar("Done")
_NOT_FINGERPRINTED = frozenset({"csrf_token", FIELD, "passphrase"})  # a passphrase is never kept, not even hashed


def new_key() -> str:
    """A key for a form about to be shown: the same form sent twice carries the same one."""
    return secrets.token_urlsafe(18)


def sent() -> Sent | None:
    """The request as its sender identified it, or None when it carries no key. Raises
    InvalidInputError for a key no sender makes (too long, not printable ASCII)."""
    api = request.blueprint == "api"
    key = request.headers.get(HEADER) if api else request.form.get(FIELD)
    if key is None or (not api and key == ""):
        return None
    parts: list[bytes] = []
    if api:
        parts.append(request.get_data())
    else:
        for name in sorted(request.form):
            if name not in _NOT_FINGERPRINTED:
                parts += [name.encode(), *(value.encode() for value in request.form.getlist(name))]
        for name in sorted(request.files):
            for upload in request.files.getlist(name):
                content = upload.stream.read()
                upload.stream.seek(0)
                parts += [name.encode(), (upload.filename or "").encode(), hashlib.sha256(content).digest()]
    return Sent(current_user.account_id, submissions.check_key(key), request.endpoint or "",
                submissions.fingerprint(request.endpoint or "", parts))


def answered(sent_request: Sent | None) -> Answer | None:
    """What the key was answered before, or None. Raises KeyReused (an InvalidInputError)."""
    if sent_request is None:
        return None
    with core().db.session() as session:
        return submissions.answered(session, sent_request)


def form_replay(answer: Answer) -> Response:
    """A console form sent again: where the first copy led, saying it was not done twice."""
    flash(_("This form was already sent and done; it was not done a second time."), "info")
    return redirect(answer.location)


def form_answered(sent_request: Sent | None) -> Response | None:
    """For a console form: where its first copy led, if it was sent and done before (with the same
    values or, from a page kept in the browser's history, with others: then it says so), else None."""
    if sent_request is None:
        return None
    with core().db.session() as session:
        found = submissions.kept(session, sent_request)
    if found is None:
        return None
    if not found.same_request:
        flash(_("This form was already sent and done once; it was not done again with the values changed. "
                "Open the form anew to do it once more."), "warning")
        return redirect(found.answer.location)
    return form_replay(found.answer)


def form_once(act: Callable[[Sent | None], Done]) -> Done | Response:
    """A console or portal form's act, done once per key: where its first copy led if it was sent
    and done before (form_answered), else `act` with the request's key (to `remember` with the act),
    and for a copy sent at the same time whose commit failed on the key, where the other copy led.
    Refusals (InvalidInputError for a bad key, and the act's own) go on up to the view."""
    this = None
    try:
        this = sent()
        replay = form_answered(this)
        if replay is not None:
            return replay
        return act(this)
    except IntegrityError as clash:  # the same form, sent twice at once: the other copy did it
        return form_replay(retry_answer(this, clash))


def procedure_form(here: str, act: Callable[[Procedure], object], done: str) -> Response:
    """A form's act of the procedure, done once (form_once) and whole: the act and its key commit
    together or not at all; then back to `here`, saying `done`. Refusals go on up to the view."""
    def in_one_transaction(this: Sent | None) -> Response:
        with core().procedure(actor=web_actor()) as proc:
            act(proc)
            remember(proc.session, this, Answer(303, here))
        flash(done, "success")
        return redirect(here, 303)
    return form_once(in_one_transaction)


def api_answer(answer: Answer) -> Response:
    """The API's answer as it was first given (and kept)."""
    response: Response = current_app.response_class(answer.body, status=answer.status, mimetype="application/json")
    if answer.location:
        response.headers["Location"] = answer.location
    return response


def api_replay(answer: Answer) -> Response:
    """The kept answer again, marked as a replay."""
    response = api_answer(answer)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def retry_answer(sent_request: Sent | None, error: IntegrityError) -> Answer:
    """After a commit failed: the first copy's answer when this was a copy sent at the same time;
    anything else is not ours to explain, and goes on up."""
    found = answered(sent_request)
    if found is None:
        raise error
    return found


def remember(session: Session, sent_request: Sent | None, answer: Answer) -> None:
    """Keep the answer with the act, in its session (nothing when the request carried no key)."""
    if sent_request is not None:
        submissions.remember(session, sent_request, answer)
