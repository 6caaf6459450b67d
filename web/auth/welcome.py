"""/welcome/<link>: an invited party or monitor sets their password (casedocs.services.invitations).

The page answers the link's recipient only: the link is in their mail and nowhere else. It is not
sent on to other sites (Referrer-Policy: no-referrer), not kept by caches (no-store), and the access
log names the path without it (web.serve). A link that is forged, expired or already used gets the
same page, asking for a new invitation: the three are not told apart.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casedocs.services import accounts, invitations
from web.access import public
from web.auth import bp, throttle
from web.auth.forms import WelcomeForm
from web.context import client_address, core, web_actor


def _private(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(form: WelcomeForm, email: str | None, status: int = 200) -> Response:
    page = render_template("auth/welcome.html", form=form, email=email)
    return _private(Response(page, status=status, mimetype="text/html"))


@bp.route(invitations.WELCOME_PATH + "<token>", methods=["GET", "POST"])
@public
def welcome(token: str) -> Response:
    form = WelcomeForm()
    address = client_address()
    if not throttle.allowed("welcome", address, address):
        flash(_("Too many attempts. Wait a minute and try again."), "error")
        return _page(form, None, 429)
    settings = core().settings
    with core().db.session() as db:
        account = invitations.check(db, settings, token[:2000])
        if account is None:
            throttle.failed("welcome", address, address)
            return _page(form, None, 404)
        email = account.email
        if not form.validate_on_submit():
            return _page(form, email, 400 if form.is_submitted() else 200)
        try:
            invitations.accept(db, settings, token[:2000], form.password.data or "", actor=web_actor(email))
        except accounts.AccountError as refused:
            db.rollback()
            flash(str(refused), "error")
            return _page(form, email, 400)
    flash(_("Your password is set. Sign in with your email and it."), "success")
    return _private(redirect(url_for("auth.login")))
