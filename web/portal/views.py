"""The portal's pages. Each declares its access rule (web.access): a party reaches only its own
cases' sides, a monitor only its cases' monitoring; anything else answers 404 like no case."""
from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.errors import NotFoundError
from casedocs.services import portal
from casedocs.services.grants import CaseArea, visible_case_numbers
from web.access import case_access, current_grant, roles
from web.console.common import service_lang
from web.context import core, web_actor
from web.portal import bp

PORTAL_ROLES = (Role.PARTY, Role.MONITOR)


@bp.get("/")
@roles(*PORTAL_ROLES)
def index() -> str:
    """The cases this account reaches, each with what it may open."""
    app = core()
    with app.db.session() as session:
        numbers = visible_case_numbers(session, current_user.account_id, current_user.role) or []
    return render_template("portal/index.html", numbers=numbers, monitor=current_user.role is Role.MONITOR)


@bp.get("/cases/<number>")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def case(number: str) -> str:
    app = core()
    side = min(current_grant().sides)  # a party speaks for one side of a case (both: the applicant's first)
    with app.procedure(actor=web_actor()) as proc:  # commits what the passing of time decided
        page = portal.party_case(proc, number, side, app.today(), service_lang())
    return render_template("portal/case.html", page=page, today=app.today(), zh=service_lang() == "zh")


@bp.get("/cases/<number>/files/<id:file_id>")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def file(number: str, file_id: int) -> Response:
    """An issued instrument sent to this side, shown in the browser; its delivery when it was sent
    through the portal (recorded in the same transaction as it is read)."""
    app = core()
    side = min(current_grant().sides)
    try:
        with app.procedure(actor=web_actor()) as proc:
            opened = portal.open_document(proc, number, side, file_id, app.today())
    except NotFoundError:
        abort(404)
    return send_file(io.BytesIO(opened.data), mimetype="application/pdf", download_name=opened.name)


@bp.get("/cases/<number>/monitoring")
@case_access(CaseArea.MONITORING, roles=(Role.MONITOR,))
def monitoring(number: str) -> str:
    app = core()
    with app.procedure(actor=web_actor()) as proc:
        page = portal.monitor_case(proc, number, app.today())
    return render_template("portal/monitoring.html", page=page)
