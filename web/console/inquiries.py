"""The secretariat's page of a case's performance (issue 12, "Obligations"; 第五章): every obligation
with the obligor's progress reports and evidence (第五章第1条), and the obligees' inquiries with their
due dates and the form to answer each (第五章第2条), and the monitors' updates with their evidence files
(第五章第2条: the secretariat follows the performance through its monitors and keeps what they find).
Unanswered inquiries are also on the dashboard's deadlines (casedocs.services.console.inquiries_due)."""
from __future__ import annotations


from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from cases.calendar import CalendarError
from cases.errors import CaseError, NotFoundError, ProcedureError
from casedocs.services import browser_monitoring, obligations
from casedocs.services.grants import CaseArea
from web import once
from web.access import STAFF, case_access
from web.console import bp
from web.console.common import service_lang
from web.context import core, web_actor
from web.downloads import attachment

MAX_ANSWER_CHARS = 20_000


def _show(number: str, problem: str | None = None, refusal: ProcedureError | None = None) -> tuple[str, int]:
    app = core()
    with app.procedure(actor=web_actor()) as proc:
        page = obligations.page(proc, number, app.today(), service_lang())
    failed = problem is not None or refusal is not None
    return render_template("console/inquiries.html", page=page, problem=problem, refusal=refusal,
                           new_key=once.new_key, sent=request.form if failed else {},
                           sent_to=request.view_args if failed else {}), 422 if failed else 200


@bp.get("/cases/<number>/inquiries")
@case_access(CaseArea.RECORD, roles=STAFF)
def inquiries(number: str) -> tuple[str, int]:
    return _show(number)


@bp.post("/cases/<number>/inquiries/<id:inquiry_id>/answer")
@case_access(CaseArea.RECORD, roles=STAFF)
def answer_inquiry(number: str, inquiry_id: int) -> Response | tuple[str, int]:
    """The secretariat's answer, dated today; it shows on the obligee's page at once."""
    app = core()
    here = url_for("console.inquiries", number=number)
    text = request.form.get("answer", "").strip()
    if not text:
        return _show(number, problem=_("Write the answer before sending it."))
    if len(text) > MAX_ANSWER_CHARS:
        return _show(number, problem=_("An answer is at most %(count)d characters.", count=MAX_ANSWER_CHARS))
    try:
        return once.procedure_form(here, lambda proc: obligations.answer(proc, number, inquiry_id, text, app.today()),
                                   _("The answer is recorded; the obligee sees it on its page."))
    except ProcedureError as refusal:
        return _show(number, refusal=refusal)
    except (CaseError, CalendarError) as problem:
        return _show(number, problem=str(problem))


@bp.get("/cases/<number>/inquiries/evidence/<id:file_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def obligation_evidence(number: str, file_id: int) -> Response:
    app = core()
    with app.db.session() as session:
        found = obligations.evidence_file(session, app.store, number, file_id)
    return attachment(found)


@bp.get("/cases/<number>/inquiries/monitoring-evidence/<id:evidence_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def monitoring_evidence(number: str, evidence_id: int) -> Response:
    """An evidence file of a monitor's update, as a download (what a monitor uploaded is never shown inline)."""
    app = core()
    try:
        with app.db.session() as session:
            found = browser_monitoring.evidence_file(session, app.store, number, evidence_id)
    except NotFoundError:
        abort(404)
    return attachment(found)
