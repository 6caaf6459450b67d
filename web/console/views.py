"""The console's reading pages: the dashboard, the case list, a case, its audit trail, its files,
the rosters and the signatories. Views are thin: each reads through casedocs.services and renders."""
from __future__ import annotations

import io
from enum import Enum
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from cases.errors import CaseError
from cases.models import Appointment, Case, DocumentVersion, Exhibit, Signer, SupportResource
from cases.vocabulary import ExpertGroup, Path, ResourceKind, SignerRole, Stage
from casedocs.services import casepage, console
from casedocs.services.grants import CaseArea
from web.access import STAFF, case_access, current_grant, roles
from web.console import bp
from web.console.common import service_lang
from web.context import core, web_actor


@bp.get("/")
@roles(*STAFF)
def dashboard() -> str:
    app = core()
    with app.db.session() as session:
        board = console.dashboard(session, app.calendar, app.today(), actor=current_user.email)
    return render_template("console/dashboard.html", board=board, Urgency=console.Urgency)


@bp.get("/cases")
@roles(*STAFF)
def cases() -> str:
    app = core()
    args = request.args
    filters = console.CaseFilters(
        stage=_member(Stage, args.get("stage")), path=_member(Path, args.get("path")),
        overdue=args.get("overdue") == "1", year=_number(args.get("year")), text=args.get("q", "")[:200],
        page=_number(args.get("page")) or 1)
    with app.db.session() as session:
        found = console.case_list(session, app.today(), filters)
    return render_template("console/cases.html", found=found, filters=filters, stages=list(Stage), paths=list(Path))


@bp.get("/cases/<number>")
@case_access(CaseArea.RECORD, roles=STAFF)
def case(number: str) -> str:
    app = core()
    with app.db.session() as session:  # commits what the passing of time decided (case_page's advance)
        page = casepage.case_page(app.procedure_on(session, web_actor()), number, service_lang(), app.today(),
                                  app.checkpoints)
        html = render_template("console/case.html", page=page, case=page.case, today=app.today(),
                               passphrase_set=bool(app.settings.secretariat_passphrase))
    return html


@bp.get("/cases/<number>/audit")
@case_access(CaseArea.AUDIT, roles=STAFF)
def audit_trail(number: str) -> str:
    from cases import audit
    from cases.models import AuditEvent
    from cases.views import describe

    app = core()
    with app.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.chain == number)
                                 .order_by(AuditEvent.seq)).all()
        anchor = app.checkpoints.anchor(number)
        report = audit.verify_chain(session, number, anchor)
        lang = service_lang()
        rows = [(e, describe(e.action, e.detail, lang)) for e in events]
        return render_template("console/audit.html", number=number, rows=rows, report=report, anchor=anchor)


@bp.get("/cases/<number>/files/<id:file_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def file(number: str, file_id: int) -> Response:
    """A stored rendering or signed revision of the case's documents: PDFs shown in the browser."""
    app = core()
    with app.db.session() as session:
        row = session.get(DocumentVersion, file_id)
        if row is None or row.case_id != current_grant().case_id:
            abort(404)
        data, fmt, name = app.store.get(row.sha256), row.format, f"{number}-{row.instrument}-{row.edition}-" \
                                                                  f"v{row.version}r{row.revision}.{row.format}"
    media = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return send_file(io.BytesIO(data), mimetype=media, download_name=name,
                     as_attachment=fmt != "pdf" or request.args.get("download") == "1")


@bp.get("/cases/<number>/exhibits/<id:exhibit_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def exhibit(number: str, exhibit_id: int) -> Response:
    """An exhibit as filed, always as a download: a party's file is never shown as a page of this site."""
    app = core()
    with app.db.session() as session:
        row = session.get(Exhibit, exhibit_id)
        if row is None or row.case_id != current_grant().case_id:
            abort(404)
        data, media, name = app.store.get(row.sha256), row.media_type, row.original_name
    return send_file(io.BytesIO(data), mimetype=media, download_name=name, as_attachment=True)


@bp.route("/roster", methods=["GET", "POST"])
@roles(*STAFF)
def roster() -> str | Response | tuple[str, int]:
    """The support-resource rosters (expert network, fact-finding and assessment bodies, internal
    experts) and every appointment made from them."""
    app = core()
    error = None
    if request.method == "POST":
        kind, name = _member(ResourceKind, request.form.get("kind")), request.form.get("name", "").strip()
        groups = [g for g in (_member(ExpertGroup, v) for v in request.form.getlist("groups")) if g is not None]
        if kind is None or not name:
            error = _("Give the kind and the name of the roster entry.")
        else:
            try:
                with app.db.session() as session:
                    app.procedure_on(session, web_actor()).add_resource(kind, name, organisation=request.form.get("organisation", "").strip(),
                                      groups=groups, contact=request.form.get("contact", "").strip())
                flash(_("%(name)s was added to the roster.", name=name), "success")
                return redirect(url_for("console.roster"))
            except CaseError as refused:
                error = str(refused)
    with app.db.session() as session:
        resources = session.scalars(select(SupportResource).order_by(SupportResource.kind, SupportResource.name)).all()
        appointments = session.execute(select(Appointment, Case.number).join(Case, Case.id == Appointment.case_id)
                                       .order_by(Appointment.appointed_on.desc())).all()
        by_resource: dict[int, list[tuple[Appointment, str]]] = {}
        for appointment, case_number in appointments:
            by_resource.setdefault(appointment.resource_id, []).append((appointment, case_number))
        html = render_template("console/roster.html", resources=resources, by_resource=by_resource,
                               kinds=list(ResourceKind), groups=list(ExpertGroup), error=error, form=request.form,
                               groups_by_value={g.value: g for g in ExpertGroup})
    return (html, 400) if error else html


@bp.get("/signatories")
@roles(*STAFF)
def signatories() -> str:
    """Who is enrolled to sign: each case's signatories by side, and the monitors."""
    app = core()
    with app.db.session() as session:
        rows = session.execute(select(Signer, Case.number).outerjoin(Case, Case.id == Signer.case_id)
                               .order_by(Case.number, Signer.side, Signer.id)).all()
        html = render_template("console/signatories.html", rows=rows, Monitor=SignerRole.MONITOR)
    return html


E = TypeVar("E", bound=Enum)


def _member(enum_cls: type[E], raw: str | None) -> E | None:
    try:
        return enum_cls(raw) if raw else None
    except ValueError:
        return None


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 7 else None
