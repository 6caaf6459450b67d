"""Co-signing in the portal (issue 12, "Co-signing in the browser"): enrol with a signing passphrase,
read every page of the revision, confirm, get a code by mail, sign with code and passphrase, or
decline with a reason. The views call casedocs.services.browser_signing; the passphrase goes from
the form to the service and nowhere else (not the session, not a log, not an error message)."""
from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from limits import parse_many
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.errors import CaseError, NotFoundError
from cases.vocabulary import SideRole, SignerRole
from casedocs.mail import MailError, mailer
from casedocs.services import browser_signing as signing
from casedocs.services import signing_pages, signing_record
from casedocs.services.desk import Desk
from casedocs.services.enrolment import PassphraseLockedOut
from casedocs.services.grants import CaseArea
from casedocs.services.signing_refusals import CodeRefused, SigningProblem, SigningRefused
from signing import WrongPassphrase
from signing.errors import SigningCoreError
from web.access import case_access, current_grant
from web.extensions import limiter
from web.context import core, web_actor
from web.portal import bp
from web.tasks import jobs_of

PARTY = (Role.PARTY,)
SIDE_ROLES = (SignerRole.REPRESENTATIVE, SignerRole.MEMBER, SignerRole.AGENT)


def _desk() -> Desk:
    return core().desk(actor=web_actor())


def _person(number: str) -> str | None:
    with core().db.session() as session:
        signer = signing.signer_of(session, current_user.account_id, number)
        return signer.person_id if signer is not None else None


def _signatory(number: str) -> str:
    """The enrolled signatory this account is in the case, else 404 (as for a page that is not there)."""
    person = _person(number)
    if person is None:
        abort(404)
    return person


# Codes mailed per account: a few resends are normal (a mail that does not arrive); more is someone
# filling the person's mailbox or trying codes by asking for new ones.
CODE_REQUESTS = parse_many("5/10 minutes;20/day")

@bp.get("/cases/<number>/signing")
@case_access(CaseArea.RECORD, roles=PARTY)
def signing_list(number: str) -> str:
    """The documents awaiting this person's signature (and those signed or closed), or the way to enrol."""
    person = _person(number)
    with core().db.session() as session:
        documents = signing.awaiting(session, number, person) if person else []
        declined = signing.declines(session, number)
    return render_template("portal/sign_list.html", number=number, person=person, documents=documents,
                           declined=declined, enrolled_elsewhere=current_user.person_id is not None and person is None)


@bp.route("/cases/<number>/signing/enrol", methods=["GET", "POST"])
@case_access(CaseArea.RECORD, roles=PARTY)
def enrol(number: str) -> Response | str:
    """Choose a signing passphrase: the key is made on the server and encrypted with it."""
    if current_user.person_id is not None:
        return redirect(url_for("portal.signing_list", number=number))
    sides = sorted(current_grant().sides)
    values = {"name": request.form.get("name", ""), "role": request.form.get("role", ""),
              "side": request.form.get("side", sides[0].value)}
    problem = None
    if request.method == "POST":
        passphrase, again = request.form.get("passphrase", ""), request.form.get("passphrase_again", "")
        role = next((r for r in SignerRole if r.value == values["role"]), None)
        side = next((s for s in SideRole if s.value == values["side"]), None)
        if role is None or role not in SIDE_ROLES or side is None or side not in sides:
            problem = _("Choose the side you sign for and how you sign for it.")
        else:
            problem = enrolment(passphrase, again, lambda session: signing.enrol(
                _desk(), session, current_user.account_id, number, side, role, values["name"], passphrase))
            if problem is None:
                return redirect(url_for("portal.signing_list", number=number))
    return render_template("portal/enrol.html", number=number, sides=sides, roles=SIDE_ROLES, values=values,
                           problem=problem, minimum=signing.PASSPHRASE_MIN)


def enrolment(passphrase: str, again: str, enrol: Callable[[Session], object]) -> str | None:
    """Enrol by `enrol` in one unit of work — a party here, a monitor in web.portal.monitoring — once
    the passphrase was typed the same twice (PROCEDURE.md §4: a signatory's key is locked with a
    passphrase only it knows), and say so; else why not, in the page's language."""
    if passphrase != again:
        return _("The two passphrases differ.")
    try:
        with core().db.session() as session:
            enrol(session)
    except signing.EnrolmentRefused as refused:
        return _enrol_problem(refused.problem)
    except CaseError as error:
        return str(error)
    flash(_("You are enrolled: your signing key was made and is locked with your passphrase. "
            "Keep the passphrase to yourself; nobody can recover it."), "success")
    return None


def _enrol_problem(problem: signing.EnrolmentProblem) -> str:
    """The refusal in the page's language."""
    return {
        signing.EnrolmentProblem.TOO_SHORT: _("A signing passphrase needs at least %(n)s characters.",
                                              n=signing.PASSPHRASE_MIN),
        signing.EnrolmentProblem.TOO_COMMON: _("This passphrase is too common or too easy to guess: use several "
                                               "unrelated words."),
        signing.EnrolmentProblem.LOGIN_PASSWORD: _("The signing passphrase must differ from your login password."),
        signing.EnrolmentProblem.NAME: _("Give your full name as it should appear on your certificate."),
    }[problem]


@bp.get("/cases/<number>/signing/<id:document_id>")
@case_access(CaseArea.RECORD, roles=PARTY)
def sign(number: str, document_id: int) -> str:
    """Every page of the revision to sign, the person's field framed, and the steps."""
    person = _signatory(number)
    try:
        with core().db.session() as session:
            page = signing.sign_page(session, number, person, current_user.account_id, document_id)
    except NotFoundError:
        abort(404)
    pdf = core().store.get(page.sha256)
    box = signing_pages.field_box(pdf, page.document.field)
    minutes = int(signing.CODE_LIFETIME.total_seconds() // 60)
    return render_template("portal/sign.html", number=number, page=page, pages=signing_pages.page_count(pdf),
                           box=box, code_ready=page.code_sent_for == page.sha256, minutes=minutes,
                           digits=signing.CODE_DIGITS)


@bp.get("/cases/<number>/signing/<id:document_id>/pages/<sha256>/<int:page>.png")
@case_access(CaseArea.RECORD, roles=PARTY)
def sign_page_image(number: str, document_id: int, sha256: str, page: int) -> Response:
    """One page of a revision of the document as an image (the one the page was opened on, which another
    signature may have made older meanwhile), the person's own field framed."""
    person = _signatory(number)
    try:
        with core().db.session() as session:
            shown = signing.sign_page(session, number, person, current_user.account_id, document_id)
            known = sha256 == shown.sha256 or signing.is_revision(session, document_id, sha256)
    except NotFoundError:
        abort(404)
    if not known or page < 1:
        abort(404)
    pdf = core().store.get(sha256)
    try:
        png = signing_pages.page_image(core().settings.data_dir / "page-images", sha256, pdf, page - 1,
                                       signing_pages.field_box(pdf, shown.document.field))
    except CaseError:
        abort(404)
    response = make_response(png)
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/cases/<number>/signing/<id:document_id>/read")
@case_access(CaseArea.RECORD, roles=PARTY)
def sign_read(number: str, document_id: int) -> Response:
    """Step 1: the person confirms having read this revision; a code is mailed to them."""
    person = _signatory(number)
    here = url_for("portal.sign", number=number, document_id=document_id)
    if request.form.get("read") != "yes":
        flash(_("Tick the box to confirm that you have read every page."), "error")
        return redirect(here)
    if not all(limiter().limiter.hit(item, "signing-code", str(current_user.account_id)) for item in CODE_REQUESTS):
        flash(_("Too many codes were asked for. Wait a few minutes, then ask again."), "error")
        return redirect(here)
    app = core()
    try:
        signing.send_code(_desk(), app.settings,
                          mailer(app.settings), current_user.account_id, number, person, document_id,
                          request.form.get("sha256", ""))
    except NotFoundError:
        abort(404)
    except (CaseError, MailError) as error:
        flash(_("No code was sent: %(reason)s", reason=_said(error)), "error")
        return redirect(here)
    flash(_("A code was mailed to %(email)s. Enter it below with your signing passphrase.",
            email=current_user.email), "success")
    return redirect(here + "#sign-h")


@bp.post("/cases/<number>/signing/<id:document_id>/sign")
@case_access(CaseArea.RECORD, roles=PARTY)
def sign_submit(number: str, document_id: int) -> Response:
    """Step 2: code and passphrase; the person's own field is signed on the latest revision."""
    person = _signatory(number)
    here = url_for("portal.sign", number=number, document_id=document_id)
    app = core()
    try:
        done = signing.sign(_desk(), app.settings, mailer(app.settings), current_user.account_id, number, person,
                            document_id, request.form.get("field", ""), request.form.get("code", ""),
                            request.form.get("passphrase", ""))
    except NotFoundError:
        abort(404)
    except WrongPassphrase:
        flash(_("Wrong passphrase: nothing was signed. After several wrong passphrases each new try must wait."),
              "error")
        return redirect(here + "#sign-h")
    except PassphraseLockedOut as locked:
        flash(_("Too many wrong passphrases: nothing was signed. Try again after %(when)s UTC.",
                when=f"{locked.retry_at:%Y-%m-%d %H:%M}"), "error")
        return redirect(here + "#sign-h")
    except CodeRefused as refused:
        flash(_("The code was not accepted, and nothing was signed: %(reason)s.", reason=_said(refused)), "error")
        return redirect(here + "#sign-h")
    except (CaseError, SigningCoreError, MailError) as error:
        flash(_("Nothing was signed: %(reason)s", reason=_said(error)), "error")
        return redirect(here)
    if done.frozen:
        _issue_signing_records(number)
        flash(_("Signed. Yours was the last signature: the document is frozen, and every signatory is sent "
                "the final PDF by mail."), "success")
    else:
        flash(_("Signed. The document waits for the other signatures."), "success")
    return redirect(here)


def _issue_signing_records(number: str) -> None:
    """The freeze makes the signing record due (签署记录, issue 12): sealed off this request, as a job
    under the server's seal passphrase; without one, the console offers it (signing_record.due)."""
    if core().settings.secretariat_passphrase:
        jobs_of().submit(signing_record.ISSUE_DUE, {"case": number}, who=web_actor(),
                         account_id=current_user.account_id, case_number=number)


@bp.post("/cases/<number>/signing/<id:document_id>/decline")
@case_access(CaseArea.RECORD, roles=PARTY)
def sign_decline(number: str, document_id: int) -> Response:
    """Decline to sign this revision, with a reason: recorded, and the secretariat is told."""
    person = _signatory(number)
    here = url_for("portal.sign", number=number, document_id=document_id)
    app = core()
    try:
        signing.decline(_desk(), app.settings, mailer(app.settings), number, person, document_id,
                        request.form.get("reason", ""))
    except NotFoundError:
        abort(404)
    except (CaseError, MailError) as error:
        flash(_("Your refusal was not recorded: %(reason)s", reason=_said(error)), "error")
        return redirect(here)
    flash(_("Your refusal to sign and its reason are recorded; the secretariat has been told."), "success")
    return redirect(here)


def _said(error: Exception) -> str:
    """The reason in the page's language: a typed refusal by its problem; anything else as said."""
    if isinstance(error, SigningRefused):
        return _refusal(error)
    return str(error)


def _refusal(refused: SigningRefused) -> str:
    """A signing refusal in the page's language (the service's text is English)."""
    problem = SigningProblem
    if refused.problem is problem.WRONG_CODE:
        return ngettext("wrong code: %(num)s more try", "wrong code: %(num)s more tries", refused.left)
    if refused.problem is problem.NOT_YOUR_FIELD:
        return _("you may sign only your own signature field, the one marked on the pages")  # its id means nothing to a reader
    return {
        problem.NO_VALID_CODE: _("there is no valid code for this document (expired, used or never sent): "
                                 "ask for a new one"),
        problem.CODE_JUST_USED: _("this code was just used: ask for a new one"),
        problem.TOO_MANY_WRONG_CODES: _("wrong code, and too many wrong codes: ask for a new one"),
        problem.CHANGED_SINCE_OPENED: _("the document changed since this page was opened: read it again"),
        problem.NOT_WHAT_YOU_READ: _("the document is no longer the one you read: read it again"),
        problem.ALREADY_SIGNED: _("you have already signed this document"),
        problem.FROZEN: _("this document is frozen: no signature can be added"),
        problem.SUPERSEDED: _("this document was replaced by a new draft: sign that one"),
        problem.NO_REASON: _("say why you decline to sign"),
        problem.REASON_TOO_LONG: _("the reason may have at most %(n)s characters", n=signing.REASON_MAX),
        problem.ALREADY_DECLINED: _("you have already declined this revision"),
    }[refused.problem]
