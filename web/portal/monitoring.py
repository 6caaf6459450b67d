"""A monitor's acts in the portal (issue 12, "Monitors"; 第五章第2条): enrol with a signing passphrase
once, then append signed updates — status, text, date, evidence files, passphrase — to the case's
closure reports. The views call casedocs.services.browser_monitoring; the passphrase goes from the
form to the service and nowhere else (not the session, not a log, not an error message, not the
form's done-once fingerprint). The update is signed inline, as co-signing in the browser is: it is
one act (monitoring.monitor) that is recorded whole or not at all."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.errors import CaseError, NotFoundError, ProcedureError
from cases.vocabulary import ObligationStatus
from casedocs.services import browser_monitoring, obligations, portal
from casedocs.services.browser_signing import PASSPHRASE_MIN
from casedocs.services.enrolment import PassphraseLockedOut
from casedocs.services.grants import CaseArea
from casedocs.services.submissions import Answer, Sent
from signing import WrongPassphrase
from signing.errors import SigningCoreError
from web import once
from web.access import case_access
from web.console.common import sent_files
from web.context import core, web_actor
from web.downloads import attachment
from web.portal import bp
from web.portal.signing import enrolment

MONITOR = (Role.MONITOR,)
_Page = tuple[str, int] | str


@bp.route("/cases/<number>/monitoring/enrol", methods=["GET", "POST"])
@case_access(CaseArea.MONITORING, roles=MONITOR)
def monitor_enrol(number: str) -> Response | _Page:
    """Choose a signing passphrase: the monitor's key is made on the server and encrypted with it."""
    back = url_for("portal.monitoring", number=number)
    if current_user.person_id is not None:
        return redirect(back)
    name, problem = request.form.get("name", ""), None
    if request.method == "POST":
        passphrase = request.form.get("passphrase", "")
        desk = core().desk(actor=web_actor())
        problem = enrolment(passphrase, request.form.get("passphrase_again", ""),
                            lambda session: browser_monitoring.enrol(desk, session, current_user.account_id, name,
                                                                     passphrase))
        if problem is None:
            return redirect(back)
    page = render_template("portal/monitoring_enrol.html", number=number, name=name, problem=problem,
                           minimum=PASSPHRASE_MIN)
    return (page, 422) if problem else page


@bp.route("/cases/<number>/monitoring/<id:obligation_id>/update", methods=["GET", "POST"])
@case_access(CaseArea.MONITORING, roles=MONITOR)
def monitor_update(number: str, obligation_id: int) -> Response | _Page:
    """The form to append a signed update on one obligation, and its sending."""
    app = core()
    if current_user.person_id is None:
        return redirect(url_for("portal.monitor_enrol", number=number))
    with app.procedure(actor=web_actor()) as proc:
        page = portal.monitor_case(proc, number, app.today())
    obligation = next((o for o in page.obligations if o.id == obligation_id), None)
    if obligation is None:
        abort(404)
    values = {"status": request.form.get("status", obligation.status.value), "text": request.form.get("text", ""),
              "on": request.form.get("on", app.today().isoformat())}

    def show(problem: str | None = None) -> _Page:
        html = render_template("portal/monitoring_update.html", number=number, obligation=obligation,
                               values=values, statuses=list(ObligationStatus), problem=problem,
                               today=app.today(), submission=request.form.get(once.FIELD) or once.new_key())
        return (html, 422) if problem else html

    if request.method == "GET":
        return show()
    back = url_for("portal.monitoring", number=number)
    status = next((s for s in ObligationStatus if s.value == values["status"]), None)
    if status is None:
        return show(_("Choose the obligation's status."))
    try:
        on = date.fromisoformat(values["on"])
    except ValueError:
        return show(_("Give the date of the update as YYYY-MM-DD."))
    uploads = sent_files("evidence")

    def append(this: Sent | None) -> None:
        browser_monitoring.append(
            app.desk(actor=web_actor()), lambda session: app.procedure_on(session, web_actor()),
            current_user.account_id, number, obligation_id, status, values["text"], on, uploads,
            request.form.get("passphrase", ""), app.rendering(),
            also=lambda session: once.remember(session, this, Answer(303, back)))

    try:
        replay = once.form_once(append)
        if replay is not None:
            return replay
    except WrongPassphrase:
        return show(_("Wrong passphrase: nothing was signed. After several wrong passphrases each new try must wait."))
    except PassphraseLockedOut as locked:
        return show(_("Too many wrong passphrases: nothing was signed. Try again after %(when)s UTC.",
                      when=f"{locked.retry_at:%Y-%m-%d %H:%M}"))
    except (ProcedureError, NotFoundError) as refusal:
        return show(_("Nothing was recorded: %(reason)s", reason=str(refusal)))
    except (CaseError, SigningCoreError) as error:
        return show(_("Nothing was signed: %(reason)s", reason=str(error)))
    flash(_("Your update is signed into the closure report, in every edition; the sides and the public see "
            "the updated report."), "success")
    return redirect(back)


@bp.get("/cases/<number>/monitoring/evidence/<id:evidence_id>")
@case_access(CaseArea.MONITORING, roles=MONITOR)
def monitor_evidence(number: str, evidence_id: int) -> Response:
    """An evidence file of the case's monitoring, as a download (never shown inline: it is what a
    monitor uploaded)."""
    app = core()
    try:
        with app.db.session() as session:
            opened = browser_monitoring.evidence_file(session, app.store, number, evidence_id)
    except NotFoundError:
        abort(404)
    return attachment(opened)


@bp.get("/cases/<number>/monitoring/reports/evidence/<id:file_id>")
@case_access(CaseArea.MONITORING, roles=MONITOR)
def monitor_report_evidence(number: str, file_id: int) -> Response:
    """An evidence file of an obligor's progress report, as a download: the monitor follows the reports
    for the secretariat (第五章第1条, 第2条; portal.monitor_case), on its own cases only (the grant above;
    a file of another case answers 404 as one that does not exist)."""
    app = core()
    with app.db.session() as session:
        found = obligations.evidence_file(session, app.store, number, file_id)
    return attachment(found)
