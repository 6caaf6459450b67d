"""Procedure actions as forms generated from the actions' typed signatures (casedocs.services.forms),
posted as the same `key=value` text `casedocs case act` takes and checked and taken by the same
functions (casedocs.services.acts). No JavaScript: choosing a day on the working-day calendar,
paging its months and adding a row post the form back and show it again with everything typed so
far; a refused act shows the engine's reason and the form as it was sent, files included."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cases.calendar import CalendarError
from cases.errors import CaseError, InvalidInputError, ProcedureError
from cases.procedure import Action
from cases.procedure.core import allowed_actions
from cases.vocabulary import Stage
from casedocs.services import acts, casepage, console, forms, rosters
from casedocs.services.forms import ActionForm, FieldKind, FormField
from casedocs.services.grants import CaseArea
from casedocs.services.posted import (
    KEPT_NAME,
    KEPT_SHA256,
    Posted,
    action_arguments,
    file_paths,
    keep_uploads,
    row_counts,
    with_kept_uploads,
)
from casedocs.services.submissions import Answer
from web import once
from web.access import STAFF, case_access
from web.console import bp
from web.console.common import action_title, posted_form
from web.context import core, web_actor
from web.i18n import label

PICK = "_pick."    # + a date field's name: a day chosen on its calendar
MONTH = "_month."  # + a date field's name: the calendar paged to another month
ADD_ROW = "_add_row"


@dataclass
class FormState:
    """What a generated form shows: the values as posted (or prefilled), the rows of each list, the
    files already sent, the calendar of each date field, and the refusal if there was one."""

    posted: Posted
    counts: dict[str, int]
    kept: dict[str, tuple[str, str]] = field(default_factory=dict)
    calendars: dict[str, console.Month] = field(default_factory=dict)
    recent: list[date] = field(default_factory=list)  # quick picks: today and the working days before
    today: date | None = None
    error: str | None = None
    refusal: ProcedureError | None = None

    @property
    def refused_stage(self) -> Stage | None:
        """The stage that refused the act, to be named in the page's language."""
        return Stage(self.refusal.stage) if self.refusal is not None else None

    @property
    def submission(self) -> str:
        """The form's key (web.once): the one it was sent with, kept when it is shown again, else new."""
        return self.posted.values.get(once.FIELD) or once.new_key()

    def value(self, path: str) -> str:
        return self.posted.values.get(path, "")

    def chosen(self, path: str) -> list[str]:
        return list(self.posted.lists.get(path, ()))


def calendars(fields: tuple[FormField, ...], posted: Posted) -> dict[str, console.Month]:
    """A month of working days for each date field of the form's top level, around its value (or the
    month the officer paged to, or today)."""
    app = core()
    months = {}
    for item in fields:
        if item.kind is FieldKind.DATE:
            around = _date(posted.values.get(MONTH + item.name)) or _date(posted.values.get(item.name)) or app.today()
            months[item.name] = console.month(app.calendar, around, app.today())
    return months


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def form_state(fields: tuple[FormField, ...], posted: Posted, *, add: str | None = None) -> FormState:
    app = core()
    return FormState(posted, row_counts(fields, posted.values, add), calendars=calendars(fields, posted),
                     recent=console.recent_working_days(app.calendar, app.today(), 3), today=app.today())


def apply_controls(fields: tuple[FormField, ...], posted: Posted) -> tuple[Posted, str | None, bool]:
    """The form after a day picked on a calendar (the day goes into its field); the list to add a row
    to; and whether the post was one of these controls rather than the act itself."""
    values = dict(posted.values)
    control = False
    for item in fields:
        picked = values.pop(PICK + item.name, None)
        if item.kind is FieldKind.DATE and picked:
            values[item.name], control = picked, True
        if values.get(MONTH + item.name):
            control = True
    add = values.get(ADD_ROW) or None
    return Posted(values, posted.lists, posted.files), add, control or add is not None


def _action(name: str) -> Action:
    try:
        return acts.action_named(name)
    except InvalidInputError:
        abort(404)


@bp.route("/cases/<number>/act/<action_name>", methods=["GET", "POST"])
@case_access(CaseArea.RECORD, roles=STAFF)
def act(number: str, action_name: str) -> str | Response | tuple[str, int]:
    action = _action(action_name)
    app = core()
    with app.db.session() as session:
        case = casepage.load_case(session, number, casepage.form_options())
        roster = rosters.support_resources(session)
        form = forms.with_roster(forms.action_form(action, case), roster)
        header = (case.number, case.title, case.stage)
    if request.method == "GET":
        prefill = Posted(request.args.to_dict(), {k: request.args.getlist(k) for k in request.args}, {})
        return _page(form, header, form_state(form.fields, prefill))
    posted = posted_form()
    try:
        posted = with_kept_uploads(form.fields, posted, app.store)
    except InvalidInputError as lost:
        return _refused(form, header, posted, str(lost))
    posted, add, control = apply_controls(form.fields, posted)
    if control:
        state = form_state(form.fields, posted, add=add)
        state.kept = _kept(form, posted, state) | keep_uploads(form.fields, posted, app.store)
        return _page(form, header, state)
    done_page = url_for("console.case", number=number) + "#timeline"
    try:
        this = once.sent()
        replay = once.form_answered(this)
        if replay is not None:
            return replay
        given = action_arguments(form, posted)
        with tempfile.TemporaryDirectory() as nowhere, app.db.session() as session:
            # An empty folder: no "@file" argument or exhibit path can name a file of the server.
            done = acts.take_action(app.procedure_on(session, web_actor()), number, action, given, Path(nowhere),
                                    literal_text=True)
            once.remember(session, this, Answer(303, done_page))
    except ProcedureError as refusal:
        return _refused(form, header, posted, None, refusal)
    except (CaseError, CalendarError) as problem:
        return _refused(form, header, posted, str(problem))
    except IntegrityError as clash:  # the same form, sent twice at once: the other copy did it
        return once.form_replay(once.retry_answer(this, clash))
    flash(_("%(act)s: done. The case is now at the stage “%(stage)s”.", act=action_title(action),
            stage=label(Stage(done.stage))), "success")
    return redirect(done_page)


def _kept(form: ActionForm, posted: Posted, state: FormState) -> dict[str, tuple[str, str]]:
    """Files sent earlier and carried in hidden fields, kept as they were."""
    kept = {}
    for path in file_paths(form.fields, state.counts):
        sha256, name = posted.values.get(path + KEPT_SHA256, ""), posted.values.get(path + KEPT_NAME, "")
        if sha256 and name:
            kept[path] = (sha256, name)
    return kept


def _refused(form: ActionForm, header: tuple[str, str, Stage], posted: Posted, error: str | None,
             refusal: ProcedureError | None = None) -> tuple[str, int]:
    """The form again, exactly as sent (files kept), with the reason it was refused."""
    app = core()
    state = form_state(form.fields, posted)
    state.error, state.refusal = error, refusal
    try:
        state.kept = _kept(form, posted, state) | keep_uploads(form.fields, posted, app.store)
    except CaseError:
        pass  # the file was the problem: it is named in the message
    return _page(form, header, state), 422


def _page(form: ActionForm, header: tuple[str, str, Stage], state: FormState) -> str:
    number, title, stage = header
    return render_template("console/act.html", form=form, number=number, title=title, stage=stage,
                           allowed=form.action in allowed_actions(stage), state=state,
                           allowed_now=sorted(allowed_actions(stage), key=list(Action).index))
