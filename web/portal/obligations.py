"""A party's obligations (issue 12, "Obligations"; 第五章): the obligations its side owes or is owed, the
obligor's progress reports with their evidence, and the obligee's inquiries with their due date and
answer; the forms to report (the obligor) and to inquire (the obligee). The acts are the engine's,
through casedocs.services.obligations: the side is the grant's, never the form's, and the engine refuses
a report from the obligee or an inquiry from the obligor in words. Forms are sent once (web.once)."""
from __future__ import annotations

from collections.abc import Callable

from flask import render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.calendar import CalendarError
from cases.errors import CaseError, ProcedureError
from cases.procedure import Procedure
from cases.vocabulary import SideRole
from casedocs.services import obligations
from casedocs.services.grants import CaseArea
from web import once
from web.access import case_access, current_grant
from web.console.common import sent_files, service_lang
from web.context import core, web_actor
from web.downloads import attachment
from web.portal import bp

MAX_TEXT = 20_000
MAX_FILES = 10


def _side() -> SideRole:
    return min(current_grant().sides)  # a party speaks for one side (both: the applicant's first)


def _show(number: str, problem: str | None = None, refusal: ProcedureError | None = None) -> tuple[str, int]:
    app = core()
    with app.procedure(actor=web_actor()) as proc:  # commits what the passing of time decided
        page = obligations.page(proc, number, app.today(), service_lang(), _side())
    sent = problem is not None or refusal is not None
    return render_template("portal/obligations.html", page=page, problem=problem, refusal=refusal,
                           new_key=once.new_key, sent=request.form if sent else {},
                           sent_to=request.view_args if sent else {}), 422 if sent else 200


@bp.get("/cases/<number>/obligations")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def obligations_page(number: str) -> tuple[str, int]:
    return _show(number)


def _text(name: str, what: str, required: bool = True) -> str:
    value = request.form.get(name, "").strip()
    if required and not value:
        raise CaseError(_("Write the %(what)s.", what=what))
    if len(value) > MAX_TEXT:
        raise CaseError(_("%(what)s: at most %(count)d characters.", what=what, count=MAX_TEXT))
    return value


def _act(number: str, act: Callable[[Procedure], object], done: str) -> Response | tuple[str, int]:
    """Take the act once (web.once), then back to the page; a refusal shows the page with the reason."""
    try:
        return once.procedure_form(url_for("portal.obligations_page", number=number), act, done)
    except ProcedureError as refusal:
        return _show(number, refusal=refusal)
    except (CaseError, CalendarError) as problem:
        return _show(number, problem=str(problem))


@bp.post("/cases/<number>/obligations/<id:obligation_id>/report")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def report_progress(number: str, obligation_id: int) -> Response | tuple[str, int]:
    """The obligor's progress report with its evidence files (第五章第1条)."""
    try:
        steps, results = _text("steps", _("steps taken")), _text("results", _("results"))
        circumstances = _text("circumstances", _("circumstances"), required=False)
        # The name as the browser sent it: one with a folder part is refused by the engine, not renamed.
        evidence = sent_files("evidence")
        if len(evidence) > MAX_FILES:
            raise CaseError(_("At most %(count)d files with one report.", count=MAX_FILES))
    except CaseError as problem:
        return _show(number, problem=str(problem))
    side, today = _side(), core().today()
    return _act(number, lambda proc: obligations.report(proc, number, side, obligation_id, steps, results,
                                                         circumstances, evidence, today),
                _("Your progress report is recorded and sent to the obligee and the secretariat."))


@bp.post("/cases/<number>/obligations/<id:obligation_id>/inquiry")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def inquire(number: str, obligation_id: int) -> Response | tuple[str, int]:
    """The obligee's inquiry to the secretariat about progress (第五章第2条)."""
    try:
        question = _text("question", _("question"))
    except CaseError as problem:
        return _show(number, problem=str(problem))
    side, today = _side(), core().today()
    return _act(number, lambda proc: obligations.inquire(proc, number, side, obligation_id, question, today),
                _("Your inquiry is sent to the secretariat. Its answer will appear on this page."))


@bp.get("/cases/<number>/obligations/evidence/<id:file_id>")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def obligation_evidence(number: str, file_id: int) -> Response:
    """An evidence file of a report on an obligation this side owes or is owed."""
    app = core()
    with app.db.session() as session:
        found = obligations.evidence_file(session, app.store, number, file_id, _side())
    return attachment(found)
