"""The acts a party takes in the portal (issue 12): answer the invitation, ask for confidentiality,
object, ask for a recusal, consent, send supplementary materials. Each is the engine's action
(casedocs.services.party_acts) with the console's generated form (web.console.acting); the side is
the grant's, never the form's. A refused act shows the engine's reason and the form as it was sent
(a file must be chosen again: a party's form carries no kept file, so that no one can name another's
file by its hash)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.calendar import CalendarError
from cases.errors import CaseError, InvalidInputError, ProcedureError
from cases.procedure.core import allowed_actions
from cases.vocabulary import SideRole, Stage
from casedocs.services import casepage, party_acts, rosters
from casedocs.services.forms import ActionForm
from casedocs.services.grants import CaseArea
from casedocs.services.party_acts import PartyAct
from casedocs.services.posted import Posted, action_arguments
from casedocs.services.submissions import Answer
from web import once
from web.access import case_access, current_grant
from web.console.acting import FormState, apply_controls, form_state
from web.console.common import posted_form
from web.context import core, web_actor
from web.i18n import label
from web.portal import bp

def _titles() -> dict[PartyAct, str]:
    """Each act's name in the page's language."""
    return {
        PartyAct.RESPOND: _("Answer the invitation"),
        PartyAct.CONFIDENTIALITY: _("Ask for confidentiality"),
        PartyAct.OBJECTION: _("Raise an objection"),
        PartyAct.RECUSAL: _("Ask for a recusal"),
        PartyAct.CONSENT_PATH: _("Consent to the path and tools"),
        PartyAct.CONSENT_TOOL: _("Consent to a tool"),
        PartyAct.CONSENT_APPOINTMENT: _("Consent to an appointment"),
        PartyAct.SUPPLEMENT: _("Send supplementary materials"),
    }


def _side() -> SideRole:
    return min(current_grant().sides)


@bp.get("/cases/<number>/acts")
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def acts(number: str) -> str:
    """What this side may do in the case, and what the stage allows now."""
    with core().db.session() as session:
        case = casepage.load_case(session, number, casepage.form_options())
        stage = case.stage
    side = _side()
    choices = party_acts.acts_for(side, allowed_actions(stage))
    return render_template("portal/acts.html", number=number, stage=stage, side=side, choices=choices,
                           titles=_titles())


@bp.route("/cases/<number>/acts/<act_name>", methods=["GET", "POST"])
@case_access(CaseArea.RECORD, roles=(Role.PARTY,))
def act(number: str, act_name: str) -> str | Response | tuple[str, int]:
    try:
        chosen = party_acts.party_act(act_name)
    except InvalidInputError:
        abort(404)
    app = core()
    sides = frozenset(current_grant().sides)
    side = _side()
    with app.db.session() as session:
        case = casepage.load_case(session, number, casepage.form_options())
        form = party_acts.party_form(chosen, case, side, rosters.support_resources(session))
        stage = case.stage
    page = _Page(chosen, form, number, stage, side)
    if request.method == "GET":
        return page.show(form_state(form.fields, Posted({}, {}, {})))
    posted, add, control = apply_controls(form.fields, posted_form())
    if control:
        return page.show(form_state(form.fields, posted, add=add))
    done_page = url_for("portal.acts", number=number)
    try:
        this = once.sent()
        replay = once.form_answered(this)
        if replay is not None:
            return replay
        given = action_arguments(form, posted)
        with app.procedure(actor=web_actor()) as proc:
            done = party_acts.take(proc, number, chosen, sides, given)
            once.remember(proc.session, this, Answer(303, done_page))
    except ProcedureError as refusal:
        return page.refused(posted, None, refusal)
    except (CaseError, CalendarError) as problem:
        return page.refused(posted, str(problem))
    except IntegrityError as clash:  # the same form, sent twice at once: the other copy did it
        return once.form_replay(once.retry_answer(this, clash))
    flash(_("%(act)s: done. The case is now at the stage “%(stage)s”.", act=_titles()[chosen],
            stage=label(Stage(done.stage))), "success")
    return redirect(done_page)


class _Page:
    def __init__(self, chosen: PartyAct, form: ActionForm, number: str, stage: Stage, side: SideRole) -> None:
        self.chosen, self.form, self.number, self.stage, self.side = chosen, form, number, stage, side

    def show(self, state: FormState) -> str:
        rule = party_acts.PARTY_ACTS[self.chosen]
        return render_template("portal/act.html", form=self.form, number=self.number, stage=self.stage,
                               side=self.side, act=self.chosen, title=_titles()[self.chosen], state=state,
                               consent=rule.consent, allowed=rule.action in allowed_actions(self.stage),
                               own_side=rule.only in (None, self.side))

    def refused(self, posted: Posted, error: str | None, refusal: ProcedureError | None = None) -> tuple[str, int]:
        state = form_state(self.form.fields, posted)
        state.error, state.refusal = error, refusal
        return self.show(state), 422
