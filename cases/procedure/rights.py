"""Confidentiality, objections, recusal and protection from retaliation (第六章)."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import TypeVar

from cases.confidentiality.items import ItemRef, check_items
from cases.confidentiality.withholding import outcome, release_stage_problem
from cases.errors import InvalidInputError, NotFoundError
from cases.instruments import InstrumentId, Subject, SubjectKind
from cases.instruments.record import Identified
from cases.models import Appointment, Case, ConfidentialityRequest, Objection, RecusalRequest, RiskAssessment
from cases.procedure.core import Action, ProcedureCore
from cases.vocabulary import (
    Channel,
    ConfidentialityAudience,
    DeadlineOutcome,
    ObjectionGround,
    ObjectionMeasure,
    ObjectionOutcome,
    RiskLevel,
    SideRole,
    Stage,
)

_R = TypeVar("_R", bound=Identified)


def _find(items: Iterable[_R], item_id: int, what: str, case: Case) -> _R:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFoundError(f"{case.number} has no {what} number {item_id}")


class RightsActions(ProcedureCore):
    # -- confidentiality --------------------------------------------------------------

    def request_confidentiality(self, case: Case, requested_by: SideRole, information: str,
                                audience: Collection[str], duration: str, reason: str,
                                on: date, *, items: Collection[ItemRef] = (), release_after: date | None = None,
                                release_at_stage: Stage | None = None) -> ConfidentialityRequest:
        """Until decided, the items named are withheld from the audience named (第六章第2.2条).

        `information` describes what is to be kept; `items` names it in the record (exhibit:1,
        identity:applicant:2, field:facts, claim:0...: cases.confidentiality.items), checked against the
        case. The duration asked is `duration` in words and, to be applied by itself, a date after which
        (`release_after`) or a stage at which (`release_at_stage`) the items are released."""
        self._begin(case, Action.REQUEST_CONFIDENTIALITY, on)
        audiences = self._audiences(case, audience)
        for field, value in (("information", information), ("duration", duration), ("reason", reason)):
            if not value.strip():
                self._refuse(case, Action.REQUEST_CONFIDENTIALITY, f"a confidentiality request must state its {field}")
        named = self._items(case, Action.REQUEST_CONFIDENTIALITY, items)
        self._check_duration(case, Action.REQUEST_CONFIDENTIALITY, on, release_after, release_at_stage)
        request = ConfidentialityRequest(requested_by=requested_by, information=information.strip(),
                                         audience=audiences, duration=duration.strip(), reason=reason.strip(),
                                         received_on=on, sequence=len(case.confidentiality_requests) + 1,
                                         items=named, release_after=release_after,
                                         release_at_stage=release_at_stage, decided_items=[])
        case.confidentiality_requests.append(request)
        self.session.flush()
        self._open(case, "confidentiality_decision", on, subject=Subject(SubjectKind.CONFIDENTIALITY, request.id))
        # The information itself stays out of the audit trail: it is what is being protected. The item
        # references only locate it (exhibit:1), as the request's number does.
        self._audit(case, "request_confidentiality", on, request=request.id, requested_by=requested_by,
                    audience=audiences, duration=request.duration, items=[str(ref) for ref in named],
                    release_after=release_after, release_at_stage=release_at_stage)
        return request

    def _audiences(self, case: Case, audience: Collection[str]) -> list[str]:
        if not audience:
            self._refuse(case, Action.REQUEST_CONFIDENTIALITY, "name from whom the information is to be kept: "
                         + ", ".join(a.value for a in ConfidentialityAudience))
        try:
            return list(dict.fromkeys(ConfidentialityAudience(a).value for a in audience))
        except ValueError as error:
            self._refuse(case, Action.REQUEST_CONFIDENTIALITY, f"{error}; valid audiences: "
                         + ", ".join(a.value for a in ConfidentialityAudience))

    def _items(self, case: Case, action: Action, items: Collection[ItemRef]) -> list[ItemRef]:
        try:
            return check_items(case, items)
        except InvalidInputError as error:
            self._refuse(case, action, f"no such item to keep confidential: {error}")

    def _check_duration(self, case: Case, action: Action, on: date, release_after: date | None,
                        release_at_stage: Stage | None) -> None:
        """A duration is a date or a stage (第六章第2.1条: 时间期限或处理阶段), not both, and still ahead."""
        if release_after is not None and release_at_stage is not None:
            self._refuse(case, action, "a confidentiality duration is a date or a stage, not both")
        if release_after is not None and release_after < on:
            self._refuse(case, action, f"the items would be released after {release_after}, before {on}")
        if release_at_stage is not None:
            problem = release_stage_problem(release_at_stage, case.stage)
            if problem:
                self._refuse(case, action, problem)

    def decide_confidentiality(self, case: Case, request_id: int, granted: bool, on: date, *,
                               information: str = "", audience: Collection[str] = (), duration: str = "",
                               reason: str = "", channel: Channel = Channel.EMAIL, items: Collection[ItemRef] = (),
                               release_after: date | None = None,
                               release_at_stage: Stage | None = None) -> ConfidentialityRequest:
        """Whether, what, from whom and for how long (第六章第2.2条).

        A grant may narrow the request — fewer `items` (a claim's reasons rather than the claim), fewer
        audiences — never widen it; without them it grants what was asked. Its duration is the one
        asked unless `release_after` or `release_at_stage` sets another. A refusal releases the items
        from the decision on."""
        self._begin(case, Action.DECIDE_CONFIDENTIALITY, on)
        request: ConfidentialityRequest = _find(case.confidentiality_requests, request_id,
                                                "confidentiality request", case)
        if request.decided_on is not None:
            self._refuse(case, Action.DECIDE_CONFIDENTIALITY, f"request {request_id} was decided on {request.decided_on}")
        self._check_date(case, Action.DECIDE_CONFIDENTIALITY, on, not_before=request.received_on,
                         what="the decision")
        if not granted and (items or audience or release_after or release_at_stage):
            self._refuse(case, Action.DECIDE_CONFIDENTIALITY, "a refusal keeps nothing: it names no items, "
                                                             "audiences or duration")
        kept = self._items(case, Action.DECIDE_CONFIDENTIALITY, items)
        wider = [str(ref) for ref in kept if not any(asked.covers(ref) for asked in request.items)]
        if wider:
            self._refuse(case, Action.DECIDE_CONFIDENTIALITY, f"a decision may narrow the request, not widen it: "
                                                             f"{', '.join(wider)} not asked for")
        audiences = self._audiences(case, audience) if audience else list(request.audience)
        more = [a for a in audiences if a not in request.audience]
        if more:
            self._refuse(case, Action.DECIDE_CONFIDENTIALITY, f"a decision may narrow the request, not widen it: "
                                                             f"the request did not name {', '.join(more)}")
        self._check_duration(case, Action.DECIDE_CONFIDENTIALITY, on, release_after, release_at_stage)
        request.decided_on, request.granted, request.decision_reason = on, granted, reason.strip()
        if granted:
            request.decided_information = information.strip() or request.information
            request.decided_audience = audiences
            request.decided_duration = duration.strip() or request.duration
            request.decided_items = kept or list(request.items)
            if release_after is None and release_at_stage is None:
                release_after, release_at_stage = request.release_after, request.release_at_stage
            request.decided_release_after, request.decided_release_at_stage = release_after, release_at_stage
        subject = Subject(SubjectKind.CONFIDENTIALITY, request.id)
        self._close(case, "confidentiality_decision", on, subject=subject)
        self._send(case, InstrumentId.CONFIDENTIALITY_DECISION, on, [request.requested_by], channel, subject=subject)
        self._audit(case, "decide_confidentiality", on, request=request.id, granted=granted,
                    outcome=outcome(request), audience=request.decided_audience, duration=request.decided_duration,
                    items=[str(ref) for ref in request.decided_items],
                    release_after=request.decided_release_after, release_at_stage=request.decided_release_at_stage)
        return request

    # -- objections -----------------------------------------------------------------

    def raise_objection(self, case: Case, raised_by: SideRole, ground: ObjectionGround, statement: str,
                        evidence: str, on: date, *, target_appointment: Appointment | None = None) -> Objection:
        self._begin(case, Action.RAISE_OBJECTION, on)
        if not statement.strip() or not evidence.strip():
            self._refuse(case, Action.RAISE_OBJECTION, "an objection is made in writing with evidence in support "
                                                       "(第六章第3.2条)")
        objection = Objection(raised_by=raised_by, ground=ground, statement=statement.strip(),
                              evidence=evidence.strip(), received_on=on,
                              target_appointment_id=target_appointment.id if target_appointment else None)
        case.objections.append(objection)
        self.session.flush()
        self._open(case, "objection_decision", on, subject=Subject(SubjectKind.OBJECTION, objection.id))
        self._audit(case, "raise_objection", on, objection=objection.id, raised_by=raised_by, ground=ground)
        return objection

    def decide_objection(self, case: Case, objection_id: int, outcome: ObjectionOutcome,
                         measures: Collection[ObjectionMeasure], reason: str, on: date,
                         channel: Channel = Channel.EMAIL) -> Objection:
        self._begin(case, Action.DECIDE_OBJECTION, on)
        objection: Objection = _find(case.objections, objection_id, "objection", case)
        if objection.decided_on is not None:
            self._refuse(case, Action.DECIDE_OBJECTION, f"objection {objection_id} was decided on {objection.decided_on}")
        if outcome is ObjectionOutcome.DISMISSED and measures:
            self._refuse(case, Action.DECIDE_OBJECTION, "an objection that is not upheld takes no measures")
        if ObjectionMeasure.REMOVE_APPOINTEE in measures and objection.target_appointment_id is None:
            self._refuse(case, Action.DECIDE_OBJECTION, "removal needs the objection to name an appointment")
        if not reason.strip():
            self._refuse(case, Action.DECIDE_OBJECTION, "the decision must give its reasons")
        self._check_date(case, Action.DECIDE_OBJECTION, on, not_before=objection.received_on, what="the decision")
        objection.decided_on, objection.outcome = on, outcome
        objection.measures, objection.decision_reason = [m.value for m in measures], reason.strip()
        subject = Subject(SubjectKind.OBJECTION, objection.id)
        self._close(case, "objection_decision", on, subject=subject)
        self._send(case, InstrumentId.OBJECTION_DECISION, on, [objection.raised_by], channel, subject=subject)
        if ObjectionMeasure.REMOVE_APPOINTEE in measures:
            assert objection.target_appointment_id is not None  # checked above: removal names an appointment
            appointment = _find(case.appointments, objection.target_appointment_id, "appointment", case)
            self._end_appointment(appointment, on, f"removed on objection {objection.id}")
        self._audit(case, "decide_objection", on, objection=objection.id, outcome=outcome,
                    measures=objection.measures)
        if ObjectionMeasure.DISMISS_APPLICATION in measures:
            self._dismiss(case, on, objection)
        return objection

    def _dismiss(self, case: Case, on: date, objection: Objection) -> None:
        """A bad-faith application is dismissed: every open clock stops, the case closes."""
        for deadline in case.deadlines:
            if deadline.is_open:
                deadline.closed_on, deadline.outcome = on, DeadlineOutcome.CANCELLED
        for period in case.path_periods:
            if period.ended_on is None:
                period.ended_on, period.end_reason = on, "dismissed"
        for appointment in case.appointments:
            self._end_appointment(appointment, on, "application dismissed")
        case.stage, case.closed_on = Stage.DISMISSED, on
        self._audit(case, "dismiss_application", on, objection=objection.id)

    # -- recusal --------------------------------------------------------------------

    def request_recusal(self, case: Case, appointment: Appointment, raised_by: SideRole | None, reasons: str,
                        on: date) -> RecusalRequest:
        """A side asks, or the appointee stands down itself (`raised_by=None`) (第六章第6.1条)."""
        self._begin(case, Action.REQUEST_RECUSAL, on)
        if not appointment.is_active:
            self._refuse(case, Action.REQUEST_RECUSAL, f"{appointment.resource.name} no longer serves in the case")
        if not reasons.strip():
            self._refuse(case, Action.REQUEST_RECUSAL, "a recusal request states its reasons and grounds")
        for earlier in case.recusal_requests:
            if earlier.appointment_id == appointment.id and earlier.raised_by == raised_by:
                state = (f"decided on {earlier.decided_on}; the decision is final (不得申请复议)"
                         if earlier.decided_on else "still awaiting a decision")
                self._refuse(case, Action.REQUEST_RECUSAL, f"this recusal request was already made: {state}")
        request = RecusalRequest(appointment_id=appointment.id, appointment=appointment, raised_by=raised_by,
                                 reasons=reasons.strip(), received_on=on)
        case.recusal_requests.append(request)
        self.session.flush()
        self._open(case, "recusal_decision", on, subject=Subject(SubjectKind.RECUSAL, request.id))
        self._audit(case, "request_recusal", on, request=request.id, appointee=appointment.resource.name,
                    raised_by=raised_by.value if raised_by else "appointee")
        return request

    def decide_recusal(self, case: Case, request_id: int, recused: bool, reason: str, on: date,
                       channel: Channel = Channel.EMAIL) -> RecusalRequest:
        self._begin(case, Action.DECIDE_RECUSAL, on)
        request: RecusalRequest = _find(case.recusal_requests, request_id, "recusal request", case)
        if request.decided_on is not None:
            self._refuse(case, Action.DECIDE_RECUSAL,
                         f"recusal request {request_id} was decided on {request.decided_on}; the decision is final")
        if not reason.strip():
            self._refuse(case, Action.DECIDE_RECUSAL, "the decision must give its reasons")
        self._check_date(case, Action.DECIDE_RECUSAL, on, not_before=request.received_on, what="the decision")
        request.decided_on, request.recused, request.decision_reason = on, recused, reason.strip()
        subject = Subject(SubjectKind.RECUSAL, request.id)
        self._close(case, "recusal_decision", on, subject=subject)
        if request.raised_by is not None:
            self._send(case, InstrumentId.RECUSAL_DECISION, on, [request.raised_by], channel, subject=subject)
        self._send_to(case, InstrumentId.RECUSAL_DECISION, on, request.appointment.resource.name, channel,
                      subject=subject)
        if recused:
            self._end_appointment(request.appointment, on, f"recused (request {request.id})")
        self._audit(case, "decide_recusal", on, request=request.id, recused=recused)
        return request

    # -- protection from retaliation --------------------------------------------------

    def assess_risk(self, case: Case, side: SideRole, person: str, description: str, level: RiskLevel,
                    measures: str, on: date) -> RiskAssessment:
        self._begin(case, Action.ASSESS_RISK, on)
        if not description.strip():
            self._refuse(case, Action.ASSESS_RISK, "describe the risk assessed")
        risk = RiskAssessment(side=side, person=person.strip(), description=description.strip(), level=level,
                              measures=measures.strip(), assessed_on=on)
        case.risks.append(risk)
        self._audit(case, "assess_risk", on, side=side, level=level)
        return risk
