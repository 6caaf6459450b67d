"""Invitation, the respondent's answer, launch and non-launch (第四章第一节第1条).

Several time limits run from delivery (送达), not from sending: recording when an
instrument was delivered opens (or recounts) the clock that depends on it.
"""
from __future__ import annotations

from datetime import date

from cases import tracker
from cases.errors import NotFoundError
from cases.instruments import InstrumentId
from cases.models import Case, Delivery
from cases.procedure.core import Action, ProcedureCore
from cases.vocabulary import Channel, DeadlineOutcome, SideRole, Stage, TerminationGround

BOTH_SIDES = (SideRole.APPLICANT, SideRole.RESPONDENT)


class LaunchActions(ProcedureCore):
    def send_invitation(self, case: Case, on: date, channel: Channel = Channel.EMAIL) -> None:
        self._begin(case, Action.SEND_INVITATION, on)
        self._check_date(case, Action.SEND_INVITATION, on, not_before=case.accepted_on, what="the invitation")
        case.stage = Stage.INVITED
        self._close(case, "invitation", on)
        self._send(case, InstrumentId.INVITATION, on, [SideRole.RESPONDENT], channel)
        self._audit(case, "send_invitation", on, channel=channel)

    def send_second_invitation(self, case: Case, on: date, channel: Channel = Channel.EMAIL) -> None:
        self._begin(case, Action.SEND_SECOND_INVITATION, on)
        if tracker.find_open(case, "second_invitation") is None:
            response = tracker.find_latest(case, "invitation_response")
            when = (f"the respondent has until {response.due_on} to answer" if response
                    else "the first invitation has not been delivered yet")
            self._refuse(case, Action.SEND_SECOND_INVITATION, f"the first invitation has not lapsed: {when}")
        case.stage = Stage.REINVITED
        self._close(case, "second_invitation", on)
        self._send(case, InstrumentId.SECOND_INVITATION, on, [SideRole.RESPONDENT], channel)
        self._audit(case, "send_second_invitation", on, channel=channel)

    def record_response(self, case: Case, accepts: bool, on: date, *, preliminary_response: str = "") -> None:
        """The respondent's written answer; acceptance may carry a preliminary response."""
        self._begin(case, Action.RECORD_RESPONSE, on)
        invitation = self.latest_delivery(case, InstrumentId.INVITATION, SideRole.RESPONDENT)
        self._check_date(case, Action.RECORD_RESPONSE, on,
                         not_before=invitation.sent_on if invitation else None, what="the answer")
        rule = "second_invitation_response" if case.stage is Stage.REINVITED else "invitation_response"
        if tracker.find_open(case, rule) is None and tracker.find_latest(case, rule) is None:
            # The delivery date was never recorded; the answer itself proves delivery.
            self._open(case, rule, on)
        self._close(case, rule, on)
        self._close(case, "second_invitation", on, DeadlineOutcome.CANCELLED)
        case.respondent_answer_on, case.respondent_accepts = on, accepts
        if accepts:
            case.stage = Stage.RESPONDENT_ACCEPTED
            case.preliminary_response = preliminary_response.strip() or None
            self._open(case, "launch_notice", on)
        else:
            case.stage = Stage.RESPONDENT_REFUSED
            self._open(case, "non_launch_notice", on)
        self._audit(case, "record_response", on, accepts=accepts,
                    preliminary_response=bool(preliminary_response.strip()))

    def send_launch_notice(self, case: Case, on: date, channel: Channel = Channel.EMAIL) -> None:
        self._begin(case, Action.SEND_LAUNCH_NOTICE, on)
        self._require_representatives(case, Action.SEND_LAUNCH_NOTICE)
        self._check_date(case, Action.SEND_LAUNCH_NOTICE, on, not_before=case.respondent_answer_on,
                         what="the launch notice")
        case.stage = Stage.LAUNCH_NOTICE_SENT
        self._close(case, "launch_notice", on)
        self._send(case, InstrumentId.LAUNCH_NOTICE, on, BOTH_SIDES, channel)
        self._audit(case, "send_launch_notice", on, channel=channel)

    def send_non_launch_notice(self, case: Case, on: date, channel: Channel = Channel.EMAIL) -> None:
        self._begin(case, Action.SEND_NON_LAUNCH_NOTICE, on)
        case.stage = Stage.NOT_LAUNCHED
        # Refusal and silence are the third ground of 第四章第四节第2条.
        case.termination_ground = TerminationGround.RESPONDENT_UNRESPONSIVE
        case.terminated_on = case.closed_on = on
        self._close(case, "non_launch_notice", on)
        self._send(case, InstrumentId.NON_LAUNCH_NOTICE, on, [SideRole.APPLICANT], channel)
        self._audit(case, "send_non_launch_notice", on, deemed_refusal=case.deemed_refusal)

    # -- deliveries -----------------------------------------------------------------

    def record_delivery(self, case: Case, instrument: str, delivered_on: date, *,
                        side: SideRole | None = None, delivery_id: int | None = None) -> Delivery:
        """Record (or correct) when an instrument reached its addressee."""
        self._begin(case, Action.RECORD_DELIVERY, delivered_on)
        delivery = self._find_delivery(case, instrument, side, delivery_id)
        self._check_date(case, Action.RECORD_DELIVERY, delivered_on, not_before=delivery.sent_on,
                         what=f"the delivery of the {instrument}")
        previous = delivery.delivered_on
        delivery.delivered_on = delivered_on
        self._audit(case, "record_delivery", delivered_on, instrument=delivery.instrument,
                    addressee=delivery.addressee, side=delivery.addressee_side,
                    corrected_from=previous.isoformat() if previous else None)
        self._on_delivered(case, delivery)
        return delivery

    def _find_delivery(self, case: Case, instrument: str, side: SideRole | None,
                       delivery_id: int | None) -> Delivery:
        if delivery_id is not None:
            for delivery in case.deliveries:
                if delivery.id == delivery_id:
                    return delivery
            raise NotFoundError(f"{case.number} has no delivery number {delivery_id}")
        candidates = [d for d in case.deliveries
                      if d.instrument == instrument and (side is None or d.addressee_side is side)]
        if not candidates:
            raise NotFoundError(f"{case.number}: no {instrument} was sent"
                                + (f" to the {side.value}" if side else ""))
        return candidates[-1]

    def _on_delivered(self, case: Case, delivery: Delivery) -> None:
        """The clocks that run from delivery."""
        clock = {InstrumentId.INVITATION: "invitation_response",
                 InstrumentId.SECOND_INVITATION: "second_invitation_response"}.get(InstrumentId(delivery.instrument))
        if clock is not None:
            assert delivery.delivered_on is not None
            existing = tracker.find_latest(case, clock)
            if existing is None:
                self._open(case, clock, delivery.delivered_on)
            elif existing.is_open:
                tracker.retrigger(self.calendar, existing, delivery.delivered_on)
            return
        if delivery.instrument == InstrumentId.LAUNCH_NOTICE:
            self._on_launch_notice_delivered(case)

    def _on_launch_notice_delivered(self, case: Case) -> None:
        """The procedure starts on the day the launch notice reached both sides."""
        deliveries = [self.latest_delivery(case, InstrumentId.LAUNCH_NOTICE, role) for role in BOTH_SIDES]
        if any(d is None or d.delivered_on is None for d in deliveries):
            return
        launched_on = max(d.delivered_on for d in deliveries if d and d.delivered_on)
        if case.stage is Stage.LAUNCH_NOTICE_SENT:
            case.stage, case.launched_on = Stage.LAUNCHED, launched_on
            self._open(case, "triage", launched_on)
            self._audit(case, "procedure_launched", launched_on)
        elif case.launched_on != launched_on:
            case.launched_on = launched_on
            triage = tracker.find_open(case, "triage")
            if triage is not None:
                tracker.retrigger(self.calendar, triage, launched_on)
