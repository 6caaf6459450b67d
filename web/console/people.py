"""The people who reach a case through the web: the party and monitor accounts tied to it, and the
form that invites one more (casedocs.services.invitations). The page shows where each account stands
(invited, active, disabled) and never an invitation's link: that goes to the person only."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.errors import CaseError
from cases.vocabulary import SideRole
from casedocs.mail import mailer
from casedocs.services import invitations
from casedocs.services.grants import CaseArea
from casedocs.services.submissions import Answer
from web import once
from web.access import STAFF, case_access
from web.console import bp
from web.context import core, web_actor

INVITED_ROLES = (Role.PARTY, Role.MONITOR)


@bp.route("/cases/<number>/people", methods=["GET", "POST"])
@case_access(CaseArea.RECORD, roles=STAFF)
def people(number: str) -> str | Response | tuple[str, int]:
    app = core()
    error = None
    if request.method == "POST":
        form = request.form
        role = next((r for r in INVITED_ROLES if r.value == form.get("role")), None)
        side = next((s for s in SideRole if s.value == form.get("side")), None)
        here = url_for("console.people", number=number)
        this = None
        try:
            if role is None:
                raise CaseError(_("Choose whom to invite: a party or a monitor."))
            this = once.sent()
            replay = once.form_answered(this)
            if replay is not None:
                return replay
            with app.db.session() as session:
                sent = invitations.invite(session, app.settings, mailer(app.settings), form.get("email", "")[:254],
                                          role, actor=web_actor(), case_number=number,
                                          side=side if role is Role.PARTY else None,
                                          person_id=form.get("person", "").strip()[:80] or None)
                once.remember(session, this, Answer(303, here))
            flash(_("Invitation sent to %(email)s. The link in it goes to that person only.", email=sent.email),
                  "success")
            return redirect(here)
        except CaseError as refused:
            error = str(refused)
        except IntegrityError as clash:  # the same form, sent twice at once: the other copy sent it
            return once.form_replay(once.retry_answer(this, clash))
    with app.db.session() as session:
        lines = invitations.case_accounts(session, number)
    html = render_template("console/people.html", number=number, lines=lines, error=error, form=request.form,
                           roles=INVITED_ROLES, sides=list(SideRole), submission=once.new_key(),
                           Status=invitations.AccountStatus)
    return (html, 422) if error else html
