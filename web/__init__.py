"""The web service: secretariat console, party and monitor portals, public pages, API (issue 10).

`create_app(settings)` builds one app per process (gunicorn makes one per worker: web.serve); it
takes everything from the Settings it is given, nothing from import-time state.

How to add a page:
1. a view in the blueprint's package (web/console/, web/portal/, web/public/, web/api/), with ONE
   access rule from web.access under the route decorator (`@roles(*STAFF)`, `@case_access(...)`,
   `@public`, ...; see web.access);
2. a template under web/templates/<blueprint>/ that starts `{% extends "base.html" %}` and fills
   `{% block title %}` and `{% block content %}` (and `{% block head %}` for extra <head>);
3. its strings wrapped in `_()` / `{{ _("...") }}` with English msgids, translated in
   web/translations/zh_Hans/LC_MESSAGES/<part>.po (and en/ when English wording differs); zh-Hant
   is generated (web.i18n);
4. acts call casedocs.services with `actor=web_actor()` (web.context) so the audit chain says who,
   from where and in which session; long work goes to casedocs.jobs (`web.tasks.jobs_of().submit(...)`).

In templates: `{{ d|date }}` (2025年3月12日 / 12 March 2025), `{{ t|moment }}`, `{{ stage|label }}` (any
cases.vocabulary member in the page's language), `current_language`,
`mechanism_name`, `csrf_token()` (every POST form: `<input type="hidden" name="csrf_token"
value="{{ csrf_token() }}">`). The header's navigation links the endpoints of NAV (below) that exist.
HTML blueprints are made with `html_blueprint` (an APIBlueprint kept out of the OpenAPI document).
"""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from cases.accounts import Account, Role, UiLanguage
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services.accounts import account_for_token, installation_key

# (endpoint, label, roles): the header links these when the endpoint exists.
NAV: tuple[tuple[str, Any, tuple[Role, ...]], ...] = (
    ("console.dashboard", _l("Dashboard"), (Role.OFFICER, Role.ADMIN)),
    ("console.cases", _l("Cases"), (Role.OFFICER, Role.ADMIN)),
    ("console.roster", _l("Rosters"), (Role.OFFICER, Role.ADMIN)),
    ("console.signatories", _l("Signatories"), (Role.OFFICER, Role.ADMIN)),
    ("portal.index", _l("My cases"), (Role.PARTY, Role.MONITOR)),
)
SEEN = "seen"  # session key: the time of the session's last request (idle timeout)


def html_blueprint(name: str, import_name: str, **options: Any) -> APIBlueprint:
    """A blueprint of HTML pages: APIFlask's kind (its OpenAPI document reads every blueprint's
    attributes) with the pages kept out of the API document."""
    return APIBlueprint(name, import_name, enable_openapi=False, **options)


class RecordId(IntegerConverter):
    """A record's id in a URL: 1 to 2**31 - 1, what every id column holds. A larger number would
    overflow the database driver (a server error); outside the range the route does not match: 404."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


class CasedocsFlask(APIFlask):
    """APIFlask whose log of an unexpected error names the path without a private link's secret."""

    def log_exception(self, exc_info: Any) -> None:
        from web.private_links import redact

        self.logger.error(f"Exception on {redact(request.path)} [{request.method}]", exc_info=exc_info)


def create_app(settings: Settings, *, start_jobs: bool = True, today: Any = None) -> Flask:
    """The web app for these settings. `start_jobs=False` leaves the job runner stopped (a test
    that drives jobs itself); `today` replaces the business date (tests, like App's)."""
    from web import extensions, i18n, pagecache
    from web.access import enforce
    from web.context import APP_EXTENSION

    app = CasedocsFlask(__name__, title="casedocs API", version="v1", spec_path="/api/v1/openapi.json",
                   docs_path="/api/v1/docs", docs_oauth2_redirect_path=None, json_errors=False)
    # Before any blueprint's routes are added: `<id:...>` is a record id (see RecordId).
    app.url_map.converters["id"] = RecordId
    app.config.update(
        SECRET_KEY=installation_key(settings),
        SESSION_COOKIE_NAME="__Host-casedocs" if settings.secure_cookies else "casedocs",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The idle timeout is _session_upkeep's (with a message); the signed cookie itself is refused
        # by Flask once its signature (renewed at every request) is older than this.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes) + timedelta(hours=12),
        # Per-session CSRF tokens with no time limit of their own: the token is bound to a secret kept
        # in the session, which is replaced at login and dropped at logout and after the idle timeout,
        # so it lives exactly as long as the session; Flask-WTF's one-hour default would lose a long
        # application form typed in one sitting.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        CASEDOCS_SETTINGS=settings,
    )
    core = App(settings, **({"today": today} if today is not None else {}))
    app.extensions[APP_EXTENSION] = core

    extensions.babel.init_app(app, locale_selector=lambda: i18n.locale_of(i18n.current_language(),
                                                                          settings.hant_variant),
                              timezone_selector=lambda: "Asia/Shanghai",
                              default_translation_directories=str(i18n.compile_catalogues(settings)))
    i18n.install_template_gettext(app)
    extensions.csrf.init_app(app)
    pagecache.init_app(app)
    extensions.init_limiter(app, settings)
    login = extensions.login_manager
    login.init_app(app)
    login.session_protection = None  # the session is renewed at login and times out; see _session_upkeep

    login.user_loader(_load_user)
    login.request_loader(_load_token)

    from web import api, auth, console, jobs_views, portal, public

    app.register_blueprint(auth.bp)
    app.register_blueprint(console.bp, url_prefix="/console")
    app.register_blueprint(portal.bp, url_prefix="/portal")
    app.register_blueprint(public.bp)
    app.register_blueprint(jobs_views.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    extensions.csrf.exempt(api.bp)  # bearer tokens only: a browser never sends one by itself

    if settings.proxy_hops:
        # Behind a reverse proxy: the client's address, scheme and host from its X-Forwarded-* headers,
        # believed for exactly that many hops (the audit chain and the limits per address use it).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,  # type: ignore[method-assign]  # Flask's documented way to wrap it
                                x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    app.before_request(_session_upkeep)
    app.before_request(enforce)
    app.after_request(_note_seen)
    app.after_request(_security_headers)
    _template_helpers(app)
    _error_pages(app)

    from web.tasks import init_jobs

    init_jobs(app, core, start=start_jobs)
    return app


def _load_user(user_id: str) -> Any:
    """Flask-Login: the account of a session cookie (pages only: the API takes bearer tokens, so a
    browser's cookie never authorises an API call that CSRF protection does not cover)."""
    from web.access import is_api_request
    from web.context import Principal, core

    if is_api_request() or not user_id.isdigit():
        return None
    with core().db.session() as db:
        account = db.get(Account, int(user_id))
        return Principal.of(account) if account is not None and not account.disabled else None


def _load_token(req: Any) -> Any:
    """Flask-Login: the account of an `Authorization: Bearer` token, on /api/ only."""
    from web.access import is_api_request
    from web.context import Principal, core

    header = req.headers.get("Authorization", "")
    if not is_api_request() or not header.startswith("Bearer "):
        return None
    with core().db.session() as db:
        account = account_for_token(db, header.removeprefix("Bearer ").strip())
        return Principal.of(account, via_token=True) if account is not None else None


def shutdown(app: Flask) -> None:
    """Stop the job threads and close the App (database connections, LibreOffice pool): at the exit of a
    gunicorn worker (web.serve) or at the end of a test."""
    from web.context import APP_EXTENSION
    from web.tasks import jobs_of

    stop = getattr(jobs_of(app).dispatcher, "stop", None)
    try:
        if stop is not None:
            stop()
    finally:
        app.extensions[APP_EXTENSION].close()


def _now() -> int:
    return int(time.time())


def _session_upkeep() -> Response | None:
    """End a session idle for longer than the timeout (its cookie may be replayed: the time is
    inside the signed cookie, so an old cookie carries an old time), then note this request."""
    settings: Settings = current_app.config["CASEDOCS_SETTINGS"]
    if request.endpoint is None or request.endpoint == "static" or request.path.startswith("/api/"):
        return None
    now = _now()
    if "_user_id" in session or "pending_login" in session:
        seen = session.get(SEEN)
        if not isinstance(seen, int) or now - seen > settings.session_idle_minutes * 60:
            language = session.get("lang")
            logout_user()
            session.clear()
            if language:
                session["lang"] = language
            flash(gettext("Your session ended after %(minutes)d minutes without activity. Please sign in again.",
                          minutes=settings.session_idle_minutes), "warning")
            if request.endpoint != "auth.login":
                return redirect(url_for("auth.login", next=request.path))
    return None


def _note_seen(response: Response) -> Response:
    """After the view (which may have renewed the session at login): the time of this request."""
    if not request.path.startswith("/api/") and ("_user_id" in session or "pending_login" in session):
        session[SEEN] = _now()
    return response


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")  # the console previews PDFs in a frame
    if request.endpoint != "openapi.docs":  # the API browser loads its scripts from a CDN
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "object-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
    if current_user and getattr(current_user, "is_authenticated", False):
        response.headers.setdefault("Cache-Control", "no-store")  # case data stays out of shared caches
    return response


def _template_helpers(app: Flask) -> None:
    from web import i18n
    from web.access import rule_for

    app.add_template_filter(i18n.long_date, "date")
    app.add_template_filter(i18n.moment, "moment")
    app.add_template_filter(i18n.label, "label")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        language = i18n.current_language()
        role = current_user.role if current_user.is_authenticated else None
        nav = [(endpoint, label) for endpoint, label, roles in NAV
               if role in roles and endpoint in app.view_functions and rule_for(app, endpoint) is not None]
        return {"current_language": language, "languages": list(UiLanguage), "html_lang": i18n.html_lang(),
                "mechanism_name": i18n.mechanism_name(), "nav_items": nav}


def _error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    from web.access import is_api_request

    messages = {400: _l("The request could not be understood."),
                403: _l("This page is not open to your account."),
                404: _l("There is no such page."),
                405: _l("This page does not take that kind of request."),
                413: _l("The upload is too large."),
                429: _l("Too many attempts. Wait a minute and try again."),
                500: _l("Something went wrong on the server. The secretariat has been told.")}
    csrf_refused = _l("This form could not be accepted: its security token is missing or has expired. "
                      "Reload the page and send it again.")

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[Any, int]:
        code = error.code or 500
        if is_api_request():
            from web.api.errors import error_response

            headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
            return error_response(code, error.description or error.name, headers=headers), code
        message = csrf_refused if isinstance(error, CSRFError) else messages.get(code, error.name)
        return render_template("errors/error.html", code=code, message=message), code
