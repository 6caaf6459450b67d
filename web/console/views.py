"""The console's reading pages: the dashboard, the case list, a case, its audit trail, its files,
the rosters and the signatories. Views are thin: each reads through casedocs.services and renders."""
from __future__ import annotations

import io
from enum import Enum
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_timezone, gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from cases.confidentiality.audiences import Audience
from cases.confidentiality.audiences import Audience
from cases.errors import CaseError
from cases.vocabulary import ExpertGroup, Path, ResourceKind, SignerRole, Stage
from casedocs.services import casefiles, casepage, console, party_acts, redrafting, rosters
from casedocs.services import trail as casetrail
from casedocs.services.grants import CaseArea
from web.access import STAFF, case_access, current_grant, roles
from web.console import bp
from web.console.common import page_language, service_lang
from web.context import core, web_actor
from web.downloads import attachment
from web.pagecache import CSRF_MARKER, pages, reader_scope, with_csrf


@bp.get("/")
@roles(*STAFF)
def dashboard() -> str:
    """The officer's dashboard, built once per revision of the whole record, reader and day (web.pagecache)."""
    app = core()
    today = app.today()
    with app.db.session() as session:
        revision = console.revision(session)

    def build() -> tuple[str, bool]:
        with app.db.session() as session:
            board = console.dashboard(session, app.calendar, today, actor=current_user.email)
        return render_template("console/_dashboard_body.html", board=board, Urgency=console.Urgency), True

    key = ("dashboard", current_user.email, reader_scope(), page_language(), today, revision)
    return render_template("console/dashboard.html", body=with_csrf(pages().get_or_build(key, build)))


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
    """The case page. Its body is built once per revision of the case, language and day, and kept
    (web.pagecache): an officer's reload, or a colleague's, costs one query while nothing changed."""
    app = core()
    today, language = app.today(), page_language()
    with app.db.session() as session:
        revision = casepage.revision(session, number)

    def build() -> tuple[str, bool]:
        with app.db.session() as session:  # commits what the passing of time decided (case_page's advance)
            page = casepage.case_page(app.procedure_on(session, web_actor()), number, service_lang(), today,
                                      app.checkpoints)
            body = render_template("console/_case_body.html", page=page, case=page.case, today=today,
                                   passphrase_set=bool(app.settings.secretariat_passphrase), csrf=CSRF_MARKER,
                                   audiences=list(Audience), consents=party_acts.consents(session, number),
                                   redraftable=redrafting.redraftable(session, number))
        # What the passing of time decided is told once, to the reader who opened the case: not kept
        # (the events it appended moved the revision anyway).
        return body, not page.happened

    key = ("case", number, reader_scope(), language, str(get_timezone()), today, revision)
    return render_template("console/case.html", number=number, body=with_csrf(pages().get_or_build(key, build)))


@bp.get("/cases/<number>/audit")
@case_access(CaseArea.AUDIT, roles=STAFF)
def audit_trail(number: str) -> str:
    app = core()
    with app.db.session() as session:
        trail = casetrail.audit_trail(session, number, service_lang(), app.checkpoints)
        return render_template("console/audit.html", number=number, rows=trail.rows, report=trail.report,
                               anchor=trail.anchor)


@bp.get("/cases/<number>/files/<id:file_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def file(number: str, file_id: int) -> Response:
    """A stored rendering or signed revision of the case's documents: PDFs shown in the browser."""
    app = core()
    with app.db.session() as session:
        found = casefiles.document_file(session, app.store, current_grant().case_id, number, file_id,
                                           reader=Audience.SECRETARIAT)
    if found is None:
        abort(404)
    return send_file(io.BytesIO(found.data), mimetype=found.media_type, download_name=found.name,
                     as_attachment=found.format != "pdf" or request.args.get("download") == "1")


@bp.get("/cases/<number>/exhibits/<id:exhibit_id>")
@case_access(CaseArea.RECORD, roles=STAFF)
def exhibit(number: str, exhibit_id: int) -> Response:
    """An exhibit as filed, always as a download: a party's file is never shown as a page of this site."""
    app = core()
    with app.db.session() as session:
        found = casefiles.exhibit_file(session, app.store, current_grant().case_id, exhibit_id)
    return attachment(found)


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
        listed = rosters.roster_page(session)
        html = render_template("console/roster.html", resources=listed.resources, by_resource=listed.appointments,
                               kinds=list(ResourceKind), groups=list(ExpertGroup), error=error, form=request.form,
                               groups_by_value={g.value: g for g in ExpertGroup})
    return (html, 400) if error else html


@bp.get("/signatories")
@roles(*STAFF)
def signatories() -> str:
    """Who is enrolled to sign: each case's signatories by side, and the monitors."""
    app = core()
    with app.db.session() as session:
        html = render_template("console/signatories.html", rows=rosters.signatories(session), Monitor=SignerRole.MONITOR)
    return html


E = TypeVar("E", bound=Enum)


def _member(enum_cls: type[E], raw: str | None) -> E | None:
    try:
        return enum_cls(raw) if raw else None
    except ValueError:
        return None


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 7 else None
