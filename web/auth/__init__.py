"""Login (/login: email and password), the TOTP second factor and its enrolment, logout, language.

A login is two steps for staff (admin, officer): the password puts only the account id in the
session (`pending_login`); the session proper starts after the TOTP code. The session is renewed
(cleared and given a new id) when it starts, so a session planted before login is worth nothing.
"""
from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from cases.accounts import Account, UiLanguage
from casedocs.services import accounts
from web import html_blueprint
from web.access import PENDING_LOGIN, pending_login, public, signed_in
from web.auth import throttle
from web.auth.forms import LoginForm, TotpForm
from web.context import SESSION_ID, Principal, audit_system, client_address, core, web_actor
from web.i18n import LANGUAGE_KEY

bp = html_blueprint("auth", __name__)
_NEXT = "next_page"


def safe_next(target: str | None) -> str | None:
    """A path on this site to return to after login, else None (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _key() -> bytes:
    return accounts.installation_key(core().settings)


def _home() -> str:
    return url_for("public.index")


def _too_many() -> tuple[str, int]:
    flash(_("Too many attempts. Wait a minute and try again."), "error")
    return render_template("auth/login.html", form=LoginForm()), 429


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(_home())
    form = LoginForm()
    if request.method == "GET":
        if safe_next(request.args.get("next")):
            session[_NEXT] = request.args["next"]
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    email = (form.email.data or "").strip().lower()
    if not throttle.allowed("password", email, client_address()):
        audit_system("login_refused_rate", email, account=email[:120])
        return _too_many()
    with core().db.session() as db:
        account = accounts.authenticate(db, email, form.password.data or "")
        if account is None:
            throttle.failed("password", email, client_address())
        elif account.role.needs_second_factor:
            _start_pending(account.id)
            return redirect(url_for("auth.enrol_totp" if accounts.needs_totp_enrolment(account) else "auth.totp"))
        else:
            return _complete(db, account)
    audit_system("login_failed", email, account=email[:120])
    flash(_("The email or the password is wrong."), "error")
    return render_template("auth/login.html", form=form), 401


def _start_pending(account_id: int) -> None:
    next_page, language = session.get(_NEXT), session.get(LANGUAGE_KEY)
    session.clear()
    session[PENDING_LOGIN] = account_id
    session[_NEXT] = next_page
    if language:
        session[LANGUAGE_KEY] = language


def _complete(db: Session, account: Account) -> Response:
    """Start the session proper: renewed, with a new id that the audit trail names."""
    next_page, language = safe_next(session.get(_NEXT)), session.get(LANGUAGE_KEY)
    session.clear()
    session.permanent = True
    session[SESSION_ID] = secrets.token_hex(16)
    if account.language is None and language:
        account.language = UiLanguage(language)
    principal = Principal.of(account)
    login_user(principal)
    accounts.record_login(db, account, actor=web_actor(account.email))
    return redirect(next_page or _home())


def _pending_account(db: Session) -> Account | None:
    account_id = session.get(PENDING_LOGIN)
    account = db.get(Account, account_id) if isinstance(account_id, int) else None
    if account is None or account.disabled:
        session.pop(PENDING_LOGIN, None)
        return None
    return account


@bp.route("/login/code", methods=["GET", "POST"])
@pending_login
def totp() -> str | Response | tuple[str, int]:
    form = TotpForm()
    with core().db.session() as db:
        account = _pending_account(db)
        if account is None:
            return redirect(url_for("auth.login"))
        if accounts.needs_totp_enrolment(account):
            return redirect(url_for("auth.enrol_totp"))
        if request.method == "GET":
            return render_template("auth/totp.html", form=form)
        if not throttle.allowed("totp", account.email):
            flash(_("Too many attempts. Wait a minute and try again."), "error")
            return render_template("auth/totp.html", form=form), 429
        if form.validate_on_submit() and accounts.check_totp(db, account, form.code.data or "", _key()):
            return _complete(db, account)
        throttle.failed("totp", account.email)
        email = account.email
    audit_system("second_factor_failed", email, account=email)
    flash(_("That code is wrong or has expired. Enter the code the app shows now."), "error")
    return render_template("auth/totp.html", form=form), 401


@bp.route("/login/enrol", methods=["GET", "POST"])
@pending_login
def enrol_totp() -> str | Response | tuple[str, int]:
    """First login of a staff account: add it to an authenticator app from the QR code, then prove it
    with a first code. The secret is shown only here, before it is confirmed."""
    form = TotpForm()
    with core().db.session() as db:
        account = _pending_account(db)
        if account is None:
            return redirect(url_for("auth.login"))
        if not accounts.needs_totp_enrolment(account):
            return redirect(url_for("auth.totp"))
        enrolment = accounts.pending_enrolment(account, _key()) or accounts.begin_totp(db, account, _key())
        if request.method == "GET":
            return render_template("auth/enrol.html", form=form, enrolment=enrolment)
        if not throttle.allowed("totp", account.email):
            flash(_("Too many attempts. Wait a minute and try again."), "error")
            return render_template("auth/enrol.html", form=form, enrolment=enrolment), 429
        if form.validate_on_submit() and accounts.confirm_totp(db, account, form.code.data or "", _key(),
                                                               actor=web_actor(account.email)):
            flash(_("Two-step sign-in is set up. Use the app's code each time you sign in."), "success")
            return _complete(db, account)
        throttle.failed("totp", account.email)
    flash(_("That code is wrong or has expired. Enter the code the app shows now."), "error")
    return render_template("auth/enrol.html", form=form, enrolment=enrolment), 401


@bp.post("/logout")
@signed_in
def logout() -> Response:
    audit_system("logout")
    language = session.get(LANGUAGE_KEY)
    logout_user()
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/language")
@public
def language() -> Response:
    """The language switch: remembered in the session, and on the account when signed in."""
    raw = request.form.get("lang", "")
    if raw in {lang.value for lang in UiLanguage}:
        session[LANGUAGE_KEY] = raw
        if current_user.is_authenticated:
            with core().db.session() as db:
                accounts.set_language(db, current_user.account_id, UiLanguage(raw))
    return redirect(safe_next(request.form.get("next")) or _home())


from web.auth import welcome  # noqa: E402,F401  (registers /welcome/<link> on this blueprint)
