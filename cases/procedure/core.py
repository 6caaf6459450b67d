"""The stage machine and what every action shares: checks, deliveries, deadlines, audit."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit, tracker
from cases.calendar import WorkingCalendar
from cases.confidentiality.release import release_due
from cases.errors import InvalidInputError, NotFoundError, ProcedureError
from cases.events import AuditAction
from cases.instruments import InstrumentId, Subject
from cases.application import REPRESENTATIVES_REQUIRED_ABOVE
from cases.models import Appointment, Case, Deadline, Delivery
from cases.store import BlobStore
from cases.vocabulary import FINAL_STAGES, PATH_STAGES, Channel, DeadlineOutcome, SideRole, Stage

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


class Action(StrEnum):
    REQUEST_SUPPLEMENT = "request_supplement"
    RECORD_SUPPLEMENT = "record_supplement"
    ACCEPT = "accept"
    REJECT = "reject"
    SEND_INVITATION = "send_invitation"
    SEND_SECOND_INVITATION = "send_second_invitation"
    RECORD_RESPONSE = "record_response"
    SEND_LAUNCH_NOTICE = "send_launch_notice"
    SEND_NON_LAUNCH_NOTICE = "send_non_launch_notice"
    RECORD_DELIVERY = "record_delivery"
    RECOMMEND_TRIAGE = "recommend_triage"
    AGREE_PATH = "agree_path"
    SWITCH_PATH = "switch_path"
    EXTEND = "extend"
    START_TOOL = "start_tool"
    COMPLETE_TOOL = "complete_tool"
    APPOINT = "appoint"
    ADD_AGENT = "add_agent"
    ADD_REPRESENTATIVE = "add_representative"
    REQUEST_CONFIDENTIALITY = "request_confidentiality"
    DECIDE_CONFIDENTIALITY = "decide_confidentiality"
    RAISE_OBJECTION = "raise_objection"
    DECIDE_OBJECTION = "decide_objection"
    REQUEST_RECUSAL = "request_recusal"
    DECIDE_RECUSAL = "decide_recusal"
    ASSESS_RISK = "assess_risk"
    DRAFT_AGREEMENT = "draft_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    TERMINATE = "terminate"
    ISSUE_CLOSURE_REPORT = "issue_closure_report"
    RECORD_MONITORING_UPDATE = "record_monitoring_update"
    RECORD_INQUIRY = "record_inquiry"
    REPORT_PROGRESS = "report_progress"
    ANSWER_INQUIRY = "answer_inquiry"
    CLOSE_MONITORING = "close_monitoring"
    PUBLISH_SUMMARY = "publish_summary"


# Every action is told in the timeline in both languages (cases/events.py checks its own table).
_UNTOLD = sorted(set(Action) - set(AuditAction))
if _UNTOLD:
    raise AssertionError(f"procedure actions without phrases in cases/events.py: {', '.join(_UNTOLD)}")


# Rights of 第六章 (confidentiality, objection, recusal, protection from retaliation) and
# the record of who acts for a side can be exercised "at any time" while the case is open.
_ANY_OPEN_STAGE = frozenset({
    Action.REQUEST_CONFIDENTIALITY, Action.DECIDE_CONFIDENTIALITY, Action.RAISE_OBJECTION,
    Action.DECIDE_OBJECTION, Action.REQUEST_RECUSAL, Action.DECIDE_RECUSAL, Action.ASSESS_RISK,
    Action.ADD_AGENT, Action.ADD_REPRESENTATIVE, Action.RECORD_DELIVERY,
})
_PUBLISHED = frozenset({Action.PUBLISH_SUMMARY})
_IN_PATH = frozenset({
    Action.SWITCH_PATH, Action.EXTEND, Action.START_TOOL, Action.COMPLETE_TOOL, Action.APPOINT,
    Action.DRAFT_AGREEMENT, Action.SIGN_AGREEMENT, Action.TERMINATE,
}) | _PUBLISHED

_STAGE_ACTIONS: dict[Stage, frozenset[Action]] = {
    Stage.RECEIVED: frozenset({Action.REQUEST_SUPPLEMENT, Action.RECORD_SUPPLEMENT, Action.ACCEPT, Action.REJECT}),
    Stage.ACCEPTED: frozenset({Action.SEND_INVITATION}) | _PUBLISHED,
    Stage.INVITED: frozenset({Action.RECORD_RESPONSE, Action.SEND_SECOND_INVITATION}) | _PUBLISHED,
    Stage.REINVITED: frozenset({Action.RECORD_RESPONSE}) | _PUBLISHED,
    Stage.RESPONDENT_ACCEPTED: frozenset({Action.SEND_LAUNCH_NOTICE}) | _PUBLISHED,
    Stage.RESPONDENT_REFUSED: frozenset({Action.SEND_NON_LAUNCH_NOTICE}) | _PUBLISHED,
    Stage.LAUNCH_NOTICE_SENT: _PUBLISHED,
    Stage.LAUNCHED: frozenset({Action.RECOMMEND_TRIAGE, Action.APPOINT, Action.TERMINATE}) | _PUBLISHED,
    Stage.TRIAGE: frozenset({Action.AGREE_PATH, Action.APPOINT, Action.TERMINATE}) | _PUBLISHED,
    Stage.BILATERAL_DIALOGUE: _IN_PATH,
    Stage.INTERNAL_MEDIATION: _IN_PATH,
    Stage.EXTERNAL_MEDIATION: _IN_PATH,
    Stage.TERMINATED: frozenset({Action.ISSUE_CLOSURE_REPORT}) | _PUBLISHED,
    Stage.MONITORING: frozenset({Action.RECORD_MONITORING_UPDATE, Action.RECORD_INQUIRY,
                                 Action.REPORT_PROGRESS, Action.ANSWER_INQUIRY,  # 第五章 (cases.procedure.obligations)
                                 Action.CLOSE_MONITORING}) | _PUBLISHED,
}
assert PATH_STAGES <= _STAGE_ACTIONS.keys()


def allowed_actions(stage: Stage) -> frozenset[Action]:
    if stage in FINAL_STAGES:
        # A closed case takes no acts; the delivery of the notice that closed it may
        # still be recorded, and the public summary of a case that was on the register kept up to date.
        return frozenset({Action.RECORD_DELIVERY}) | (frozenset() if stage is Stage.REJECTED else _PUBLISHED)
    return _STAGE_ACTIONS[stage] | _ANY_OPEN_STAGE


class ProcedureCore:
    """What every group of actions needs. The actions themselves are in the mixins."""

    def __init__(self, session: Session, calendar: WorkingCalendar, actor: str, *,
                 store: BlobStore | None = None, today: Callable[[], date] = shanghai_today) -> None:
        self.session = session
        self.calendar = calendar
        self.actor = actor
        self.store = store
        self.today = today

    # -- lookup ---------------------------------------------------------------------

    def get_case(self, number: str) -> Case:
        case = self.session.scalars(select(Case).where(Case.number == number)).first()
        if case is None:
            raise NotFoundError(f"no case numbered {number!r}")
        return case

    def all_cases(self) -> list[Case]:
        return list(self.session.scalars(select(Case).order_by(Case.year, Case.sequence)))

    # -- checks ---------------------------------------------------------------------

    def _refuse(self, case: Case, action: Action, reason: str, *, wrong_stage: bool = False) -> NoReturn:
        raise ProcedureError(case.number, case.stage.value, action.value, reason,
                             (a.value for a in allowed_actions(case.stage)), wrong_stage=wrong_stage)

    def _check_date(self, case: Case, action: Action, on: date, *, not_before: date | None = None,
                    what: str = "the act") -> None:
        today = self.today()
        if on > today:
            self._refuse(case, action, f"{what} is dated {on}, which is in the future (today is {today})")
        earliest = not_before or case.received_on
        if on < earliest:
            self._refuse(case, action, f"{what} is dated {on}, before {earliest}")

    def _begin(self, case: Case, action: Action, on: date) -> None:
        """Every action: bring time-based consequences up to `on`, then check the stage."""
        self.advance(case, on)
        if action not in allowed_actions(case.stage):
            reason = ("the case is closed" if case.stage in FINAL_STAGES
                      else f"not allowed at stage {case.stage.value} ({case.stage.en})")
            self._refuse(case, action, reason, wrong_stage=True)
        self._check_date(case, action, on)

    def _audit(self, case: Case | None, action: str, on: date | None, **detail: Any) -> None:
        audit.append(self.session, case.number if case else audit.SYSTEM_CHAIN,
                     self.actor, action, on=on, detail=detail)
        if case is not None and on is not None:
            # An act that moved the case may have reached the stage a confidentiality decision ran to:
            # its items are released in the same unit of work (cases.confidentiality.release).
            release_due(self.session, case, on)

    # -- deliveries -----------------------------------------------------------------

    def _send(self, case: Case, instrument: InstrumentId, on: date, to: Iterable[SideRole], channel: Channel,
              subject: Subject | None = None) -> list[Delivery]:
        """Record the instrument sent to each side, under the matter it is issued for (the subject
        docgen renders it for: the registry's subject kind, None for the case as a whole)."""
        sent = []
        for role in to:
            delivery = Delivery(instrument=instrument, addressee_side=role,
                                addressee=case.side(role).display_name, subject=subject,
                                channel=channel, sent_on=on)
            case.deliveries.append(delivery)
            sent.append(delivery)
        return sent

    def _send_to(self, case: Case, instrument: InstrumentId, on: date, addressee: str, channel: Channel,
                 subject: Subject | None = None) -> Delivery:
        delivery = Delivery(instrument=instrument, addressee_side=None, addressee=addressee,
                            subject=subject, channel=channel, sent_on=on)
        case.deliveries.append(delivery)
        return delivery

    def latest_delivery(self, case: Case, instrument: InstrumentId, side: SideRole | None = None,
                        subject: Subject | None = None) -> Delivery | None:
        for delivery in reversed(case.deliveries):
            if (delivery.instrument == instrument and delivery.subject == subject
                    and (side is None or delivery.addressee_side is side)):
                return delivery
        return None

    # -- deadlines ------------------------------------------------------------------

    def _open(self, case: Case, rule: str, trigger_on: date, subject: Subject | None = None) -> Deadline:
        return tracker.open_deadline(self.calendar, case, rule, trigger_on, subject)

    def _close(self, case: Case, rule: str, on: date, outcome: DeadlineOutcome = DeadlineOutcome.DONE,
               subject: Subject | None = None) -> None:
        tracker.close(tracker.find_open(case, rule, subject), on, outcome)

    # -- time -----------------------------------------------------------------------

    def advance(self, case: Case, today: date) -> list[str]:
        """Apply what the passing of time decides by itself, up to `today`.

        A lapsed invitation obliges the secretariat to invite again; silence after the
        second invitation is a deemed refusal (第四章第一节第1.2条). Returns what happened.
        """
        happened: list[str] = []
        # The calendar may have changed since the deadlines were counted (a published year, an office closure).
        for recount in tracker.recount_open(self.calendar, case):
            audit.append(self.session, case.number, "system (calendar)", "deadline_recounted", on=today,
                         detail=recount.as_detail())
        # Confidentiality decisions whose date has passed release their items (issue 11).
        release_due(self.session, case, today)
        if case.stage is Stage.INVITED:
            response = tracker.find_open(case, "invitation_response")
            if response is not None and today > response.due_on:
                tracker.close(response, response.due_on, DeadlineOutcome.LAPSED)
                second = self._open(case, "second_invitation", response.due_on)
                self._audit_system(case, "invitation_lapsed", response.due_on, second_invitation_due=second.due_on)
                happened.append(f"the invitation lapsed on {response.due_on} without an answer")
        if case.stage is Stage.REINVITED:
            response = tracker.find_open(case, "second_invitation_response")
            if response is not None and today > response.due_on:
                tracker.close(response, response.due_on, DeadlineOutcome.LAPSED)
                case.stage = Stage.RESPONDENT_REFUSED
                case.deemed_refusal = True
                case.respondent_accepts = False
                self._open(case, "non_launch_notice", response.due_on)
                self._audit_system(case, "deemed_refusal", response.due_on)
                happened.append(f"no answer to the second invitation by {response.due_on}: deemed refusal")
        return happened

    def _audit_system(self, case: Case, action: str, on: date, **detail: Any) -> None:
        audit.append(self.session, case.number, "system (time limit)", action, on=on, detail=detail)

    def _require_representatives(self, case: Case, action: Action) -> None:
        for side in case.sides:
            if len(side.members) > REPRESENTATIVES_REQUIRED_ABOVE and not side.representatives:
                self._refuse(case, action, f"the {side.role.value} has {len(side.members)} members and no "
                                           f"representative; a side of more than {REPRESENTATIVES_REQUIRED_ABOVE} "
                                           f"must elect 1-2 representatives")

    def _end_appointment(self, appointment: Appointment, on: date, reason: str) -> None:
        if appointment.is_active:
            appointment.ended_on, appointment.end_reason = on, reason

    # -- exhibits -------------------------------------------------------------------

    def _require_store(self) -> BlobStore:
        if self.store is None:
            raise InvalidInputError("no document store configured for exhibits")
        return self.store
