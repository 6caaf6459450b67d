"""Cases, their deadlines and the procedure acts: the JSON `casedocs case list|show|act --json` and
`casedocs deadlines --json` print, made by the same functions (casedocs.services.acts).

Who sees what is casedocs.services.grants' (through web.access): staff every case; a party the
cases of its sides; a monitor its cases' agreement, closure and monitoring only (`/monitoring`).
Acts are the secretariat's, as at the command line, so they are open to staff only.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from apiflask import HTTPError
from flask import current_app, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.application import ApplicationForm
from cases.calendar import CalendarError
from cases.errors import CaseError
from cases.procedure import Action
from casedocs.services import acts, casepage
from casedocs.services.grants import CaseArea, visible_case_numbers
from casedocs.services.submissions import Answer
from web import once
from web.access import STAFF, case_access, reader_audience, roles, signed_in
from web.api import bp
from web.api.common import documented
from web.api.errors import error_response, refusal
from web.api.schemas import (
    ActDone,
    ActIn,
    ActionLines,
    CaseDocument,
    CaseLine,
    CaseLines,
    Deadlines,
    DeadlinesQuery,
    Monitoring,
)
from web.context import core, web_actor
from web.pagecache import pages, reader_scope

# The keys of a case's JSON a monitor sees (PROCEDURE.md 第五章: monitors follow the agreement's
# obligations and the closure, not the file).
MONITORING_KEYS = ("number", "title", "stage", "path", "terminated_on", "termination_ground", "closed_on",
                   "agreement", "monitoring_updates")
APPLICATION_NAME = "application.json"


def _visible_numbers() -> list[str] | None:
    with core().db.session() as session:
        return visible_case_numbers(session, current_user.account_id, current_user.role)


@bp.get("/cases")
@signed_in
@bp.output(CaseLines)
@documented()
def list_cases() -> Response:
    """The cases this token's account may see

    Every case for the secretariat; a party's own cases; a monitor's monitored cases. The same
    JSON as `casedocs case list --json`."""
    visible = _visible_numbers()
    with core().procedure(actor=web_actor()) as proc:
        rows = acts.list_cases(proc)
    if visible is not None:
        shown = set(visible)
        rows = [row for row in rows if row["number"] in shown]
    return jsonify(rows)


@bp.post("/cases")
@roles(*STAFF)
@bp.input(ApplicationForm, arg_name="form")
@bp.output(CaseLine, status_code=201)
@documented(400, 403, 422, 503)
def file_application(form: ApplicationForm) -> Response:
    """File an application

    The JSON document `casedocs case import` reads (the same schema and rules), with exhibits and
    powers of attorney inline as `content_base64` (a `file` path names nothing on this server)."""
    app = core()
    this = None
    try:
        this = once.sent()
        kept = once.answered(this)
        if kept is not None:
            return once.api_replay(kept)
        with tempfile.TemporaryDirectory() as folder:
            document = Path(folder) / APPLICATION_NAME
            document.write_text(json.dumps(request.get_json()), encoding="utf-8")
            with app.procedure(actor=web_actor()) as proc:
                line = acts.case_line(acts.file_application(proc, document))
                answer = Answer(201, url_for("api.show_case", number=line["number"]), current_app.json.dumps(line))
                once.remember(proc.session, this, answer)
    except (CaseError, ValueError) as problem:  # the document's problem, a case it names included
        return error_response(422, str(problem))
    except CalendarError as problem:
        return refusal(problem)
    except IntegrityError as clash:  # the same request, sent twice at once: the other copy filed it
        return once.api_replay(once.retry_answer(this, clash))
    return once.api_answer(answer)


@bp.get("/cases/<number>")
@case_access(CaseArea.RECORD)
@bp.output(CaseDocument)
@documented(404, 503)
def show_case(number: str) -> Response:
    """One case

    Its stage, parties, events and deadlines, brought up to today first (lapsed deadlines close):
    the same JSON as `casedocs case show --json`."""
    app = core()
    today = app.today()
    with app.db.session() as session:
        revision = casepage.revision(session, number)

    def build() -> tuple[bytes, bool]:
        with app.procedure(actor=web_actor()) as proc:
            shown = acts.show_case(proc, number, today, reader_audience())
        # Not kept when the passing of time just appended events: the revision has moved on.
        return jsonify(shown.document).get_data(), not shown.happened

    # Built once per revision of the case and day, for this reader's scope (web.pagecache).
    body = pages().get_or_build(("api-case", number, reader_scope(), today, revision), build)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/cases/<number>/monitoring")
@case_access(CaseArea.MONITORING)
@bp.output(Monitoring)
@documented(404, 503)
def monitoring(number: str) -> Response:
    """A case's agreement, monitoring updates and closure

    What a monitor sees of the cases it monitors (the keys of `casedocs case show --json` it may see)."""
    app = core()
    with app.procedure(actor=web_actor()) as proc:
        document = acts.show_case(proc, number, app.today()).document
    return jsonify({key: document[key] for key in MONITORING_KEYS})


def _deadlines(query: DeadlinesQuery, numbers: list[str] | None) -> Response:
    app = core()
    with app.procedure(actor=web_actor()) as proc:
        items = acts.open_deadlines(proc, app.today(), numbers=numbers, overdue=query.overdue,
                                    within_days=query.within)
        return jsonify([item.as_json() for item in items])


@bp.get("/deadlines")
@signed_in
@bp.input(DeadlinesQuery, location="query", arg_name="query")
@bp.output(Deadlines)
@documented(422, 503)
def deadlines(query: DeadlinesQuery) -> Response:
    """Open deadlines of the cases this token may see

    Soonest first: the same JSON as `casedocs deadlines --json` (`overdue`, `within` as its
    --overdue and --within). A monitor sees none: deadlines are part of the case's file."""
    if current_user.role.is_staff:
        return _deadlines(query, None)
    if current_user.role is not Role.PARTY:
        return jsonify([])
    return _deadlines(query, _visible_numbers() or [])


@bp.get("/cases/<number>/deadlines")
@case_access(CaseArea.RECORD)
@bp.input(DeadlinesQuery, location="query", arg_name="query")
@bp.output(Deadlines)
@documented(404, 422, 503)
def case_deadlines(number: str, query: DeadlinesQuery) -> Response:
    """Open deadlines of one case

    As `casedocs deadlines --json`, for this case only."""
    return _deadlines(query, [number])


@bp.get("/actions")
@roles(*STAFF)
@bp.output(ActionLines)
@documented(403)
def actions() -> Response:
    """Every procedure action and its arguments

    What POST /cases/{number}/acts takes (as `casedocs case actions`)."""
    return jsonify([{"action": action.value, "usage": acts.describe_action(action),
             "arguments": [argument.name for argument in acts.arguments(action)],
             "required": [argument.name for argument in acts.arguments(action) if argument.required]}
            for action in Action])


def as_text(name: str, value: Any) -> str:
    """An argument as the `key=value` text `acts.take_action` takes: text as it is, anything else
    as JSON (true, 3, ["applicant"], {...}), which take_action reads back by the argument's type."""
    if value is None:
        raise HTTPError(422, f"arguments.{name}: null is not a value; leave the argument out to use its default")
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@bp.post("/cases/<number>/acts")
@case_access(CaseArea.RECORD, roles=STAFF)
@bp.input(ActIn, arg_name="body")
@bp.output(ActDone)
@documented(400, 403, 404, 409, 422, 503)
def act(number: str, body: ActIn) -> Response:
    """Take one step of the procedure

    As `casedocs case act CASE ACTION key=value...`, through the same checks (`acts.check_arguments`,
    `acts.take_action`): a refusal of the procedure answers 409 with the engine's reason and the
    actions allowed at the case's stage; a wrong argument 422 naming it. The act is recorded in
    the case's audit chain with this token's account and address."""
    given = {name: as_text(name, value) for name, value in body.arguments.items()}
    app = core()
    this = None
    try:
        this = once.sent()
        kept = once.answered(this)
        if kept is not None:
            return once.api_replay(kept)
        acts.check_arguments(body.action, given)
        # An empty folder: no "@file" argument or exhibit path can name a file of the server.
        with tempfile.TemporaryDirectory() as nowhere, app.db.session() as session:
            done = acts.take_action(app.procedure_on(session, web_actor()), number, body.action, given, Path(nowhere),
                                    literal_text=True)
            answer = Answer(200, "", current_app.json.dumps(done.as_json()))
            once.remember(session, this, answer)
    except (CaseError, CalendarError, ValueError) as problem:
        return refusal(problem)
    except IntegrityError as clash:  # the same request, sent twice at once: the other copy did it
        return once.api_replay(once.retry_answer(this, clash))
    return once.api_answer(answer)
