"""Agreement, termination, closure report and monitoring (第四章第四节, 第五章)."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from cases import tracker
from cases.confidentiality.audiences import Audience
from cases.confidentiality.values import mentions as _mentions, values_of
from cases.confidentiality.withholding import withholding
from cases.errors import NotFoundError
from cases.instruments import InstrumentId
from cases.models import Agreement, Case, ClosureReport, MonitoringUpdate, Obligation
from cases.procedure.core import Action, ProcedureCore
from cases.procedure.launch import BOTH_SIDES
from cases.vocabulary import Channel, DeadlineOutcome, ObligationStatus, SideRole, Stage, TerminationGround


@dataclass(frozen=True)
class ObligationTerms:
    obligor: SideRole
    obligee: SideRole
    description: str
    due_on: date
    indicators: str


@dataclass(frozen=True)
class AgreementTerms:
    """The recommended elements of a problem-solving agreement."""

    points_in_dispute: str
    stakeholders: str
    standards_and_clauses: str
    process_and_consensus: str
    obligations: Sequence[ObligationTerms]
    feedback_plan: str
    disclosure_plan: str
    communication_plan: str
    other_terms: str = ""


@dataclass(frozen=True)
class ClosureTerms:
    points_in_dispute: str
    course_of_process: str
    facts_established: str
    recommendations: str


class ClosureActions(ProcedureCore):
    # -- agreement ------------------------------------------------------------------

    def draft_agreement(self, case: Case, terms: AgreementTerms, on: date) -> Agreement:
        """Record (or redraft, while unsigned) the agreement the sides are negotiating."""
        self._begin(case, Action.DRAFT_AGREEMENT, on)
        if case.agreement is not None and case.agreement.signed_on is not None:
            self._refuse(case, Action.DRAFT_AGREEMENT, f"the agreement was signed on {case.agreement.signed_on}; "
                                                       "a signed agreement is not redrafted")
        for index, obligation in enumerate(terms.obligations):
            if obligation.obligor is obligation.obligee:
                self._refuse(case, Action.DRAFT_AGREEMENT,
                             f"obligation {index + 1}: the obligor and the obligee must be different sides")
            if not obligation.description.strip() or not obligation.indicators.strip():
                self._refuse(case, Action.DRAFT_AGREEMENT,
                             f"obligation {index + 1}: needs its content and its outcome indicators")
        case.agreement = Agreement(
            points_in_dispute=terms.points_in_dispute, stakeholders=terms.stakeholders,
            standards_and_clauses=terms.standards_and_clauses, process_and_consensus=terms.process_and_consensus,
            feedback_plan=terms.feedback_plan, disclosure_plan=terms.disclosure_plan,
            communication_plan=terms.communication_plan, other_terms=terms.other_terms, drafted_on=on,
            obligations=[Obligation(position=i, obligor=o.obligor, obligee=o.obligee, description=o.description,
                                    due_on=o.due_on, indicators=o.indicators)
                         for i, o in enumerate(terms.obligations)],
        )
        self._audit(case, "draft_agreement", on, obligations=len(terms.obligations))
        return case.agreement

    def sign_agreement(self, case: Case, on: date) -> Agreement:
        """Both sides have co-signed (the signatures themselves live in signing/)."""
        self._begin(case, Action.SIGN_AGREEMENT, on)
        agreement = case.agreement
        if agreement is None:
            self._refuse(case, Action.SIGN_AGREEMENT, "there is no drafted agreement to sign")
        if agreement.signed_on is not None:
            self._refuse(case, Action.SIGN_AGREEMENT, f"the agreement was already signed on {agreement.signed_on}")
        self._check_date(case, Action.SIGN_AGREEMENT, on, not_before=agreement.drafted_on, what="the signature")
        agreement.signed_on = on
        self._audit(case, "sign_agreement", on)
        return agreement

    # -- termination ----------------------------------------------------------------

    def terminate(self, case: Case, ground: TerminationGround, statement: str, on: date, *,
                  declared_by: Collection[SideRole] = (), channel: Channel = Channel.EMAIL) -> None:
        """End the process on exactly one of the four grounds; the notice goes to both sides."""
        self._begin(case, Action.TERMINATE, on)
        if not isinstance(ground, TerminationGround):
            self._refuse(case, Action.TERMINATE, "termination needs exactly one of the four grounds: "
                                                 + ", ".join(g.value for g in TerminationGround))
        signed = case.agreement is not None and case.agreement.signed_on is not None
        if ground is TerminationGround.AGREEMENT_SIGNED and not signed:
            self._refuse(case, Action.TERMINATE, "ground agreement_signed needs an agreement co-signed by both sides")
        if ground is TerminationGround.UNDERSTANDING_WITHOUT_AGREEMENT and signed:
            self._refuse(case, Action.TERMINATE, "an agreement was signed: the ground is agreement_signed")
        if ground is TerminationGround.NO_UNDERSTANDING and not declared_by:
            self._refuse(case, Action.TERMINATE, "ground no_understanding needs the side(s) that declared they "
                                                 "will not continue")
        if not statement.strip():
            self._refuse(case, Action.TERMINATE, "state the circumstances of the termination")
        for period in case.path_periods:
            if period.ended_on is None:
                period.ended_on, period.end_reason = on, "terminated"
                tracker.close(period.deadline, on, DeadlineOutcome.DONE)
        for tool in case.tools:
            if tool.completed_on is None:
                tracker.close(tool.deadline, on, DeadlineOutcome.CANCELLED)
        for appointment in case.appointments:
            self._end_appointment(appointment, on, "process terminated")
        case.stage, case.termination_ground, case.terminated_on = Stage.TERMINATED, ground, on
        case.termination_statement = statement.strip()
        self._send(case, InstrumentId.TERMINATION_NOTICE, on, BOTH_SIDES, channel)
        self._audit(case, "terminate", on, ground=ground, declared_by=sorted(s.value for s in declared_by))

    def issue_closure_report(self, case: Case, terms: ClosureTerms, on: date,
                             channel: Channel = Channel.EMAIL) -> ClosureReport:
        self._begin(case, Action.ISSUE_CLOSURE_REPORT, on)
        for field, value in vars(terms).items():
            if not value.strip():
                self._refuse(case, Action.ISSUE_CLOSURE_REPORT, f"the closure report needs its {field.replace('_', ' ')}")
        case.closure_report = ClosureReport(issued_on=on, **{k: v.strip() for k, v in vars(terms).items()})
        monitored = (case.termination_ground is TerminationGround.AGREEMENT_SIGNED
                     and case.agreement is not None and bool(case.agreement.obligations))
        if monitored:
            case.stage = Stage.MONITORING
        else:
            case.stage, case.closed_on = Stage.CLOSED, on
        self._send(case, InstrumentId.CLOSURE_REPORT, on, BOTH_SIDES, channel)
        self._audit(case, "issue_closure_report", on, monitoring=monitored)
        return case.closure_report

    # -- monitoring -----------------------------------------------------------------

    def _obligation(self, case: Case, obligation_id: int) -> Obligation:
        for obligation in case.agreement.obligations if case.agreement else []:
            if obligation.id == obligation_id:
                return obligation
        raise NotFoundError(f"{case.number} has no obligation number {obligation_id}")

    def record_monitoring_update(self, case: Case, obligation_id: int, monitor: str, status: ObligationStatus,
                                 text: str, on: date) -> MonitoringUpdate:
        self._begin(case, Action.RECORD_MONITORING_UPDATE, on)
        obligation = self._obligation(case, obligation_id)
        if not text.strip() or not monitor.strip():
            self._refuse(case, Action.RECORD_MONITORING_UPDATE, "a monitoring update names its monitor and its findings")
        assert case.closure_report is not None
        self._check_date(case, Action.RECORD_MONITORING_UPDATE, on, not_before=case.closure_report.issued_on,
                         what="the update")
        update = MonitoringUpdate(obligation_id=obligation.id, obligation=obligation, monitor=monitor.strip(),
                                  reported_on=on, status=status, text=text.strip())
        case.monitoring_updates.append(update)
        obligation.status = status
        self.session.flush()
        self._audit(case, "record_monitoring_update", on, update=update.id, obligation=obligation.id,
                    status=status, monitor=update.monitor)
        return update

    def close_monitoring(self, case: Case, on: date, reason: str) -> None:
        self._begin(case, Action.CLOSE_MONITORING, on)
        assert case.agreement is not None
        unfinished = [o for o in case.agreement.obligations if o.status is not ObligationStatus.FULFILLED]
        if unfinished and not reason.strip():
            self._refuse(case, Action.CLOSE_MONITORING,
                         f"{len(unfinished)} obligation(s) are not fulfilled; give the reason for closing")
        case.stage, case.closed_on = Stage.CLOSED, on
        self._audit(case, "close_monitoring", on, unfinished=[o.id for o in unfinished], reason=reason.strip())

    # -- disclosure -----------------------------------------------------------------

    def publish_summary(self, case: Case, summary: str, on: date) -> None:
        """The public register's summary of the points in dispute: truthful, timely, prudent,
        and never anything under confidentiality (第六章第1.1条)."""
        self._begin(case, Action.PUBLISH_SUMMARY, on)
        if not summary.strip():
            self._refuse(case, Action.PUBLISH_SUMMARY, "the public summary is empty")
        leaked = [r.id for r in case.confidentiality_requests
                  if ("third_parties_and_public" in r.withheld_from) and _mentions(summary, r.decided_information
                                                                                     or r.information)]
        if leaked:
            self._refuse(case, Action.PUBLISH_SUMMARY, "the summary repeats information withheld from the public "
                                                       f"(confidentiality request(s) {leaked})")
        # The items themselves (a witness's name, an exhibit's title, a claim's reasons), named by reference only.
        shield = withholding(case, Audience.PUBLIC, on)
        items = [str(ref) for ref in sorted(shield.items) if any(_mentions(summary, value)
                                                                 for value in values_of(case, ref))]
        if items:
            self._refuse(case, Action.PUBLISH_SUMMARY, "the summary repeats items withheld from the public: "
                                                       + ", ".join(items))
        case.public_summary, case.published_on = summary.strip(), on
        self._audit(case, "publish_summary", on)
