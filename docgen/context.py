"""The typed context each template renders from, built from the case record.

Every value is already formatted for the edition's language (dates, labels, clause
references) so templates stay free of logic. Party-supplied text stays plain data:
autoescaping at render time makes `& < > {{ }}` print literally. Names of parties,
companies, places and persons are kept as entered in every edition.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from cases import tracker
from cases.documents import normalise_code
from cases.errors import InvalidInputError, NotFoundError
from cases.instruments import INSTRUMENTS, Instrument, get_instrument
from cases.models import Case, Deadline, Side, Signer
from cases.rules import RULES, get_rule
from cases.vocabulary import ConfidentialityAudience, ObjectionMeasure, SideRole, Stage, ToolKind
from docgen.locale import Localizer

MECHANISM_ZH = "采矿业和矿产价值链调解磋商机制"
MECHANISM_EN = "Mining and Mineral Value Chain Mediation and Consultation Mechanism"


@dataclass(frozen=True)
class MechanismView:
    name: str
    name_zh: str
    name_en: str
    secretariat: str
    procedural_rules: str


@dataclass(frozen=True)
class DocView:
    id: str
    title: str
    title_zh: str
    title_en: str
    issue_date: str
    lang: str
    reference: str
    verification_code: str
    version: int
    subject: str
    co_signed: bool


@dataclass(frozen=True)
class PartyView:
    name: str
    category: str
    address: str
    contact: str
    other_info: str


@dataclass(frozen=True)
class AgentView:
    name: str
    organisation: str
    contact: str


@dataclass(frozen=True)
class PersonView:
    name: str
    contact: str


@dataclass(frozen=True)
class SignatoryView:
    """One person who signs a co-signed instrument for a side, in signature-field order."""

    name: str
    role: str  # "代表人" / "Representative", ... in the edition's language


@dataclass(frozen=True)
class SideView:
    role: str
    names: str
    members: list[PartyView]
    agents: list[AgentView]
    representatives: list[PersonView]
    categories: str
    # The enrolled signers (Signer rows by id: the order of the fields sig-<side>-1..n); before
    # anyone is enrolled (a draft), the representatives, else the members, then the agents.
    signatories: list[SignatoryView] = field(default_factory=list)


@dataclass(frozen=True)
class SignatureRowView:
    """One row of a co-signed instrument's signature table: the n-th signatory of each side
    (an empty SignatoryView where a side has fewer than n)."""

    number: int
    applicant: SignatoryView
    respondent: SignatoryView


@dataclass(frozen=True)
class ClaimView:
    number: int
    claim: str
    reasons: str


@dataclass(frozen=True)
class StandardView:
    name: str
    clauses: str


@dataclass(frozen=True)
class ExhibitView:
    number: int
    title: str
    file: str
    submitted_by: str
    submitted_on: str
    sha256: str


@dataclass(frozen=True)
class LimitView:
    """One time limit as the instrument states it."""

    rule: str
    what: str
    basis: str
    counted_from: str
    clause: str
    start: str
    due: str
    provisional: bool
    note: str  # e.g. "provisional: the 2027 holiday schedule is not yet published"


@dataclass(frozen=True)
class CaseView:
    number: str
    title: str
    received_on: str
    channel: str
    region: str
    country: str
    industry: str
    issue_types: str
    facts: str
    stage: str
    accepted_on: str
    rejected_on: str
    rejection_grounds: str
    invitation_sent_on: str
    response_on: str
    deemed_refusal: bool
    preliminary_response: str
    launched_on: str
    path: str
    terminated_on: str
    termination_ground: str
    termination_statement: str
    closed_on: str
    public_summary: str
    reapplication_of: str
    confidentiality_requested: bool  # the applicant asked for confidentiality with the application


@dataclass(frozen=True)
class TriageView:
    recommended_on: str
    recommended_path: str
    recommended_tools: str
    reasoning: str
    agreed_on: str
    agreed_path: str
    agreed_tools: str
    path_period: str


@dataclass(frozen=True)
class PeriodView:
    path: str
    started_on: str
    ended_on: str
    due: str
    end_reason: str


@dataclass(frozen=True)
class ToolView:
    kind: str
    requested_by: str
    scope: str
    started_on: str
    due: str
    completed_on: str
    findings: str
    industry_wide: bool
    suspends_mediation: bool
    team: str


@dataclass(frozen=True)
class AppointmentView:
    name: str
    organisation: str
    role: str
    appointed_on: str
    requested_by: str
    consents: str
    ended_on: str
    end_reason: str


@dataclass(frozen=True)
class ObligationView:
    number: int
    obligor: str
    obligee: str
    description: str
    due: str
    indicators: str
    status: str


@dataclass(frozen=True)
class AgreementView:
    points_in_dispute: str
    stakeholders: str
    standards_and_clauses: str
    process_and_consensus: str
    obligations: list[ObligationView]
    feedback_plan: str
    disclosure_plan: str
    communication_plan: str
    other_terms: str
    drafted_on: str
    signed_on: str


@dataclass(frozen=True)
class ClosureView:
    issued_on: str
    points_in_dispute: str
    course_of_process: str
    facts_established: str
    recommendations: str


@dataclass(frozen=True)
class MonitoringView:
    reported_on: str
    monitor: str
    obligation: int
    status: str
    text: str


@dataclass(frozen=True)
class EventView:
    on: str
    text: str


@dataclass(frozen=True)
class Continuation:
    """The closure report a continuation report continues (its monitoring slots ran out).

    `number` is the continuation's place in the series: 2 for the first continuation.
    """

    number: int
    previous_sha256: str
    previous_code: str
    previous_issued_on: date

    def __post_init__(self) -> None:
        if not isinstance(self.number, int) or isinstance(self.number, bool) or self.number < 2:
            raise InvalidInputError(f"a continuation report is number 2 or later, not {self.number!r}")
        digest = self.previous_sha256.strip().lower() if isinstance(self.previous_sha256, str) else ""
        if not _SHA256.fullmatch(digest):
            raise InvalidInputError(f"the previous report's sha256 must be 64 hex digits, not {self.previous_sha256!r}")
        try:
            code = normalise_code(self.previous_code)
        except (ValueError, TypeError, AttributeError):
            raise InvalidInputError(f"the previous report's verification code is XXXX-XXXX-XX, "
                                    f"not {self.previous_code!r}") from None
        if not isinstance(self.previous_issued_on, date):
            raise InvalidInputError(f"the previous report's issue date must be a date, not {self.previous_issued_on!r}")
        # Frozen: the normalised forms are what every edition prints.
        object.__setattr__(self, "previous_sha256", digest)
        object.__setattr__(self, "previous_code", code)

    @property
    def subject(self) -> str:
        return continuation_subject(self.number)


@dataclass(frozen=True)
class ContinuationView:
    """What a continuation closure report states about the previous one; number 0 on the original."""

    number: int = 0
    previous_sha256: str = ""
    previous_code: str = ""
    previous_issued_on: str = ""


@dataclass(frozen=True)
class ItemView:
    """The particular matter an instrument decides (an objection, an extension, ...).

    Fields not relevant to the instrument are empty strings; templates use what applies.
    """

    kind: str = ""
    number: int = 0
    requested_by: str = ""
    received_on: str = ""
    decided_on: str = ""
    statement: str = ""
    reasons: str = ""
    decision: str = ""
    decision_reason: str = ""
    information: str = ""
    audience: str = ""
    duration: str = ""
    ground: str = ""
    evidence: str = ""
    measures: str = ""
    appointee: str = ""
    target: str = ""
    previous_due: str = ""
    new_due: str = ""
    extension: str = ""
    from_path: str = ""
    to_path: str = ""
    items: str = ""
    scope: str = ""
    due: str = ""
    granted: bool = False
    clause: str = ""  # the clause the decided matter falls under (e.g. the extended time limit's)
    note: str = ""    # a provisional date says so


@dataclass(frozen=True)
class InstrumentContext:
    mechanism: MechanismView
    doc: DocView
    case: CaseView
    applicant: SideView
    respondent: SideView
    addressee: str
    claims: list[ClaimView]
    standards: list[StandardView]
    exhibits: list[ExhibitView]
    limits: dict[str, LimitView]
    triage: TriageView
    periods: list[PeriodView]
    tools: list[ToolView]
    appointments: list[AppointmentView]
    agreement: AgreementView
    closure: ClosureView
    monitoring: list[MonitoringView]
    events: list[EventView]
    item: ItemView = field(default_factory=ItemView)
    continuation: ContinuationView = field(default_factory=ContinuationView)
    signature_rows: list[SignatureRowView] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


# -- subjects ---------------------------------------------------------------------------

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTINUATION = re.compile(r"continuation:([2-9]|[1-9][0-9]+)")  # the first continuation is number 2


def continuation_subject(number: int) -> str:
    """The subject of continuation report `number` of the closure report ("continuation:2", ...)."""
    return f"continuation:{number}"


def continuation_number(subject: str) -> int | None:
    """N of a "continuation:N" subject (N >= 2), else None."""
    match = _CONTINUATION.fullmatch(subject)
    return int(match.group(1)) if match else None


def continuation_problem(instrument_id: str, subject: str, continuation: Continuation | None) -> str | None:
    """Why a request's subject and continuation details do not go together, or None when they do."""
    if instrument_id != "closure_report":
        return None if continuation is None else \
            f"only a closure report has continuation reports ({instrument_id} has none)"
    number = continuation_number(subject)
    if continuation is None:
        return None if number is None else (f"{subject} is a continuation report: it needs the previous "
                                            "report's details (Request(continuation=Continuation(...)))")
    if number is None:
        return f"a continuation report's subject is {continuation.subject}, not {subject!r}"
    if continuation.number != number:
        return f"the subject is {subject} but the continuation details are for number {continuation.number}"
    return None


def subjects(case: Case, instrument_id: str) -> list[str]:
    """Every particular matter an instrument can be issued for in this case ("" = the case)."""
    match instrument_id:
        case "power_of_attorney":
            return [f"agent:{a.id}" for side in case.sides for a in side.agents]
        case "supplement_request":
            return [f"supplement:{r.id}" for r in case.supplement_requests]
        case "path_switch_decision":
            return [f"period:{p.id}" for p in case.path_periods if p.requested_by is not None]
        case "extension_decision":
            return [f"extension:{e.id}" for d in case.deadlines for e in d.extensions]
        case "appointment_letter":
            return [f"appointment:{a.id}" for a in case.appointments]
        case "fact_finding_terms" | "assessment_request":
            kind = ToolKind.FACT_FINDING if instrument_id == "fact_finding_terms" else ToolKind.ASSESSMENT
            return [f"tool:{t.id}" for t in case.tools if t.kind is kind]
        case "confidentiality_decision":
            return [f"confidentiality:{r.id}" for r in case.confidentiality_requests]
        case "objection_decision":
            return [f"objection:{o.id}" for o in case.objections]
        case "recusal_decision":
            return [f"recusal:{r.id}" for r in case.recusal_requests]
    return [""] if not_applicable(case, instrument_id) is None else []


_LAUNCHED_OR_LATER = {Stage.LAUNCHED, Stage.TRIAGE, Stage.BILATERAL_DIALOGUE, Stage.INTERNAL_MEDIATION,
                      Stage.EXTERNAL_MEDIATION, Stage.TERMINATED, Stage.MONITORING, Stage.CLOSED}


def _sent(case: Case, instrument_id: str) -> bool:
    return any(d.instrument == instrument_id for d in case.deliveries)


def not_applicable(case: Case, instrument_id: str, subject: str = "") -> str | None:
    """None when the instrument applies to the case now (due or done), else why not."""
    get_instrument(instrument_id)
    multi = {"power_of_attorney", "supplement_request", "path_switch_decision", "extension_decision",
             "appointment_letter", "fact_finding_terms", "assessment_request", "confidentiality_decision",
             "objection_decision", "recusal_decision"}
    if instrument_id in multi:
        options = subjects(case, instrument_id)
        if not options:
            return f"the case has no matter a {instrument_id} is issued for"
        if subject and subject not in options:
            return f"{subject!r} is not one of {', '.join(options)}"
        return None
    if subject and not _single_subject(instrument_id, subject):
        # Continuations are not listed by subjects(): they need the previous report's sha256,
        # which only the issuing desk knows.
        extra = " or continuation:<2, 3, ...> (a continuation report)" if instrument_id == "closure_report" else ""
        return f"{subject!r} is not a matter of a {instrument_id}: it is issued for the case as a whole{extra}"
    stage = case.stage
    reasons: dict[str, tuple[bool, str]] = {
        "application_form": (True, ""),
        "acceptance_decision": (stage is Stage.RECEIVED or case.accepted_on is not None,
                                "the application was not accepted"),
        "rejection_decision": (stage is Stage.RECEIVED or case.rejected_on is not None,
                               "the application was not rejected"),
        "invitation": (stage is Stage.ACCEPTED or _sent(case, "invitation"), "no invitation is due or was sent"),
        "second_invitation": (tracker.find_latest(case, "second_invitation") is not None,
                              "the first invitation has not lapsed"),
        "launch_notice": (stage is Stage.RESPONDENT_ACCEPTED or _sent(case, "launch_notice"),
                          "the respondent has not accepted the invitation"),
        "non_launch_notice": (stage is Stage.RESPONDENT_REFUSED or _sent(case, "non_launch_notice"),
                              "the respondent did not refuse the invitation"),
        "triage_recommendation": (stage is Stage.LAUNCHED or case.triage is not None,
                                  "the procedure has not been launched"),
        "triage_record": (case.triage is not None, "no triage recommendation has been made"),
        "agreement": (case.agreement is not None, "no agreement has been drafted"),
        "termination_notice": (case.path is not None and stage in _LAUNCHED_OR_LATER
                               or case.terminated_on is not None and stage is not Stage.NOT_LAUNCHED,
                               "the procedure is not under way"),
        "closure_report": (case.termination_ground is not None and stage is not Stage.NOT_LAUNCHED,
                           "the procedure has not been terminated"),
        "case_summary": (case.accepted_on is not None, "the application has not been accepted"),
    }
    applies, why = reasons[instrument_id]
    return None if applies else why


def _single_subject(instrument_id: str, subject: str) -> bool:
    """The subjects an instrument issued for the case as a whole accepts besides "": continuations."""
    return instrument_id == "closure_report" and continuation_number(subject) is not None


# -- building ---------------------------------------------------------------------------

# How a signatory signs for their side (Signer.role), in both languages.
_SIGNATORY_ROLES = {"representative": ("代表人", "Representative"), "member": ("主体", "Member"),
                    "agent": ("代理人", "Agent")}


class ContextBuilder:
    """Builds the context of one instrument of one case in one language."""

    def __init__(self, case: Case, loc: Localizer, today: date, events: list[tuple[date | None, str]] = ()):  # type: ignore[assignment]
        self.case = case
        self.loc = loc
        self.today = today
        self.events = events

    def build(self, instrument_id: str, subject: str = "", *, version: int = 1,
              verification_code: str = "", continuation: Continuation | None = None) -> InstrumentContext:
        instrument = get_instrument(instrument_id)
        if continuation is not None and not subject:
            subject = continuation.subject
        problem = continuation_problem(instrument_id, subject, continuation)
        if problem is not None:
            raise InvalidInputError(f"{instrument_id} of {self.case.number}: {problem}")
        why = not_applicable(self.case, instrument_id, subject)
        if why is not None:
            raise NotFoundError(f"{instrument_id} does not apply to {self.case.number} "
                                f"(stage {self.case.stage.value}): {why}")
        if not subject:
            options = subjects(self.case, instrument_id)
            subject = options[-1] if options else ""
        loc, case = self.loc, self.case
        enrolled = self._enrolled()
        applicant, respondent = self._side(case.applicant, enrolled), self._side(case.respondent, enrolled)
        return InstrumentContext(
            mechanism=MechanismView(name=loc.pick(MECHANISM_ZH, MECHANISM_EN), name_zh=MECHANISM_ZH,
                                    name_en=MECHANISM_EN, secretariat=loc.pick(f"{MECHANISM_ZH}秘书处",
                                                                               f"Secretariat of the {MECHANISM_EN}"),
                                    procedural_rules=loc.pick("《采矿业和矿产价值链调解磋商机制程序文件》",
                                                              "the Procedural Rules of the Mechanism")),
            doc=self._doc(instrument, subject, version, verification_code),
            case=self._case_view(),
            applicant=applicant,
            respondent=respondent,
            addressee=self._addressee(instrument, subject),
            claims=[ClaimView(i + 1, loc.text(c.claim), loc.text(c.reasons)) for i, c in enumerate(case.claims)],
            standards=[StandardView(s.name if s.name else loc.label(s.standard), s.clauses) for s in case.standards],
            exhibits=[ExhibitView(i + 1, loc.text(e.title), e.original_name,
                                  loc.label(e.submitted_by) if e.submitted_by else "", loc.date(e.submitted_on),
                                  e.sha256[:16]) for i, e in enumerate(case.exhibits)],
            limits=self._limits(subject),
            triage=self._triage(),
            periods=[PeriodView(loc.label(p.path), loc.date(p.started_on), loc.date(p.ended_on),
                                loc.date(p.deadline.due_on), p.end_reason or "") for p in case.path_periods],
            tools=[self._tool(t) for t in case.tools],
            appointments=[self._appointment(a) for a in case.appointments],
            agreement=self._agreement(),
            closure=self._closure(),
            monitoring=[MonitoringView(loc.date(u.reported_on), u.monitor, self._obligation_number(u.obligation_id),
                                       loc.label(u.status), loc.text(u.text)) for u in case.monitoring_updates],
            events=[EventView(loc.date(on), loc.text(text)) for on, text in self.events],
            item=self._item(instrument_id, subject),
            continuation=self._continuation(continuation),
            signature_rows=_signature_rows(applicant.signatories, respondent.signatories),
        )

    # -- parts ------------------------------------------------------------------------

    def _doc(self, instrument: Instrument, subject: str, version: int, code: str) -> DocView:
        loc = self.loc
        suffix = subject.split(":")[-1] if subject else ""
        reference = f"{self.case.number}/{instrument.id}" + (f"/{suffix}" if suffix else "")
        return DocView(id=instrument.id, title=loc.pick(instrument.zh, instrument.en), title_zh=instrument.zh,
                       title_en=instrument.en, issue_date=loc.date(self.act_date(instrument.id, subject) or self.today),
                       lang=loc.lang, reference=reference,
                       verification_code=code, version=version, subject=subject, co_signed=instrument.co_signed)

    def act_date(self, instrument_id: str, subject: str) -> date | None:
        """The date of the act the instrument records; None while it is still a draft (then: today)."""
        case = self.case
        sent = next((d.sent_on for d in case.deliveries
                     if d.instrument == instrument_id and d.subject == subject), None)
        item = self._find_item(subject)
        by_instrument: dict[str, date | None] = {
            "application_form": case.received_on,
            "power_of_attorney": getattr(getattr(item, "power_of_attorney", None), "submitted_on", None),
            "supplement_request": getattr(item, "requested_on", None),
            "acceptance_decision": case.accepted_on,
            "rejection_decision": case.rejected_on,
            "triage_recommendation": case.triage.recommended_on if case.triage else None,
            "triage_record": case.triage.agreed_on if case.triage else None,
            "path_switch_decision": getattr(item, "started_on", None),
            "extension_decision": getattr(item, "decided_on", None),
            "appointment_letter": getattr(item, "appointed_on", None),
            "fact_finding_terms": getattr(item, "started_on", None),
            "assessment_request": getattr(item, "started_on", None),
            "confidentiality_decision": getattr(item, "decided_on", None),
            "objection_decision": getattr(item, "decided_on", None),
            "recusal_decision": getattr(item, "decided_on", None),
            "agreement": case.agreement.signed_on if case.agreement else None,
            "termination_notice": case.terminated_on,
            # A continuation report is dated the day it is issued, not on the original report's date.
            "closure_report": case.closure_report.issued_on
            if case.closure_report and continuation_number(subject) is None else None,
            "case_summary": case.published_on,
        }
        return by_instrument.get(instrument_id) or sent

    def _find_item(self, subject: str):  # type: ignore[no-untyped-def]
        """The record a subject such as "objection:1" names, or None."""
        if not subject:
            return None
        kind = subject.split(":")[0]
        if kind == "agent":
            return next((a for side in self.case.sides for a in side.agents if f"agent:{a.id}" == subject), None)
        if kind == "extension":
            return next((e for d in self.case.deadlines for e in d.extensions if f"extension:{e.id}" == subject), None)
        collections = {"supplement": self.case.supplement_requests, "period": self.case.path_periods,
                       "appointment": self.case.appointments, "tool": self.case.tools,
                       "confidentiality": self.case.confidentiality_requests, "objection": self.case.objections,
                       "recusal": self.case.recusal_requests}
        return next((i for i in collections.get(kind, []) if f"{kind}:{i.id}" == subject), None)

    def _case_view(self) -> CaseView:
        case, loc = self.case, self.loc
        invitation = next((d for d in case.deliveries if d.instrument == "invitation"), None)
        return CaseView(
            number=case.number, title=loc.text(case.title), received_on=loc.date(case.received_on),
            channel=loc.label(case.channel), region=case.region, country=case.country,
            industry=loc.text(case.industry), issue_types=loc.join([loc.text(t) for t in case.issue_types]),
            facts=loc.text(case.facts), stage=loc.label(case.stage), accepted_on=loc.date(case.accepted_on),
            rejected_on=loc.date(case.rejected_on), rejection_grounds=loc.text(case.rejection_grounds or ""),
            invitation_sent_on=loc.date(invitation.sent_on if invitation else None),
            response_on=loc.date(case.respondent_answer_on), deemed_refusal=case.deemed_refusal,
            preliminary_response=loc.text(case.preliminary_response or ""), launched_on=loc.date(case.launched_on),
            path=loc.label(case.path), terminated_on=loc.date(case.terminated_on),
            termination_ground=loc.label(case.termination_ground),
            termination_statement=loc.text(case.termination_statement or ""), closed_on=loc.date(case.closed_on),
            public_summary=loc.text(case.public_summary or ""),
            reapplication_of=case.reapplication_of.number if case.reapplication_of else "",
            confidentiality_requested=any(r.requested_by is SideRole.APPLICANT and r.received_on == case.received_on
                                          for r in case.confidentiality_requests),
        )

    def _side(self, side: Side, enrolled: list[Signer]) -> SideView:
        loc = self.loc
        members = [PartyView(m.full_name, loc.label(m.category), m.address, m.contact, m.other_info)
                   for m in side.members]
        return SideView(role=loc.label(side.role), names=loc.join([m.full_name for m in side.members]),
                        members=members,
                        agents=[AgentView(a.name, a.organisation, a.contact) for a in side.agents],
                        representatives=[PersonView(r.name, r.contact) for r in side.representatives],
                        categories=loc.join(sorted({loc.label(m.category) for m in side.members})),
                        signatories=self._signatories(side, enrolled))

    def _enrolled(self) -> list[Signer]:
        """The case's enrolled signers by id: the order the issuing desk numbers their fields in."""
        session = object_session(self.case)
        if session is None or self.case.id is None:  # a case outside the record has nobody enrolled
            return []
        return list(session.scalars(select(Signer).where(Signer.case_id == self.case.id).order_by(Signer.id)))

    def _signatories(self, side: Side, enrolled: list[Signer]) -> list[SignatoryView]:
        """Who signs for the side: its enrolled signers; before any is enrolled (a draft), the people
        the procedure has act for it (its representatives, else each member), then its agents."""
        people = [(s.role, s.name) for s in enrolled if s.side is side.role]
        if not people:
            people = [("representative", r.name) for r in side.representatives] \
                or [("member", m.full_name) for m in side.members]
            people += [("agent", a.name) for a in side.agents]
        return [SignatoryView(name, self.loc.pick(*_SIGNATORY_ROLES.get(role, (role, role)))) for role, name in people]

    def _continuation(self, continuation: Continuation | None) -> ContinuationView:
        if continuation is None:
            return ContinuationView()
        return ContinuationView(continuation.number, continuation.previous_sha256, continuation.previous_code,
                                self.loc.date(continuation.previous_issued_on))

    def _display(self, side: Side) -> str:
        """A side as an addressee: its one member, or the first and how many (in the edition's language)."""
        names = [m.full_name for m in side.members]
        if len(names) == 1:
            return names[0]
        if self.loc.is_zh:  # the name stays as entered; only "等N方" follows the edition's characters
            return f"{names[0]}{self.loc.text(f'等{len(names)}方')}"
        return f"{names[0]} et al. ({len(names)})"

    def _addressee(self, instrument: Instrument, subject: str) -> str:
        case = self.case
        if instrument.id in {"application_form", "power_of_attorney", "assessment_request"}:
            # A side's own filing is addressed to the secretariat.
            return self.loc.pick(f"{MECHANISM_ZH}秘书处", f"Secretariat of the {MECHANISM_EN}")
        if instrument.id == "case_summary":
            return self.loc.pick("社会公众", "The public")  # a disclosure names no party (第六章第1.1条)
        if subject.startswith("appointment:"):
            return self._find(case.appointments, subject).resource.name
        if subject.startswith(("confidentiality:", "objection:")):
            item = self._find(case.confidentiality_requests if subject.startswith("conf") else case.objections,
                              subject)
            role = getattr(item, "requested_by", None) or getattr(item, "raised_by")
            return self._display(case.side(role))
        to_respondent = {"invitation", "second_invitation"}
        to_applicant = {"supplement_request", "acceptance_decision", "rejection_decision", "non_launch_notice"}
        if instrument.id in to_respondent:
            return self.loc.join([m.full_name for m in case.respondent.members])
        if instrument.id in to_applicant:
            return self.loc.join([m.full_name for m in case.applicant.members])
        return self.loc.join([self._display(case.applicant), self._display(case.respondent)])

    def _limits(self, subject: str) -> dict[str, LimitView]:
        """The latest deadline of each rule; for the instrument's own matter, that matter's deadline."""
        limits: dict[str, LimitView] = {}
        for rule_id in RULES:
            same_rule = [d for d in self.case.deadlines if d.rule == rule_id]
            own = [d for d in same_rule if subject and d.subject == subject]
            limits[rule_id] = self._limit(rule_id, (own or same_rule or [None])[-1])
        return limits

    def _limit(self, rule_id: str, deadline: Deadline | None) -> LimitView:
        loc, rule = self.loc, get_rule(rule_id)
        note = ""
        if deadline is not None and deadline.provisional:
            note = loc.pick("（暂定：相关年度法定节假日安排尚未公布）",
                            "(provisional: the official holiday schedule is not yet published)")
        return LimitView(rule=rule_id, what=loc.pick(rule.what_zh, rule.what_en),
                         basis=loc.pick(rule.limit.basis_zh, rule.limit.basis_en),
                         counted_from=loc.pick(rule.counted_from_zh, rule.counted_from_en),
                         clause=loc.clause(rule.clause),
                         start=loc.date(deadline.trigger_on) if deadline else "",
                         due=loc.date(deadline.due_on) if deadline else "",
                         provisional=bool(deadline and deadline.provisional), note=note)

    def _triage(self) -> TriageView:
        loc, triage = self.loc, self.case.triage
        if triage is None:
            return TriageView("", "", "", "", "", "", "", "")
        first = self.case.path_periods[0] if self.case.path_periods else None
        tools = lambda values: loc.join([loc.label(ToolKind(v)) for v in values])  # noqa: E731
        return TriageView(loc.date(triage.recommended_on), loc.label(triage.recommended_path),
                          tools(triage.recommended_tools), loc.text(triage.reasoning), loc.date(triage.agreed_on),
                          loc.label(triage.agreed_path), tools(triage.agreed_tools),
                          loc.date(first.deadline.due_on) if first else "")

    def _tool(self, tool) -> ToolView:  # type: ignore[no-untyped-def]
        loc = self.loc
        team = loc.join([a.resource.name for a in self.case.appointments if a.tool_use_id == tool.id])
        return ToolView(loc.label(tool.kind), loc.label(tool.requested_by), loc.text(tool.scope),
                        loc.date(tool.started_on), loc.date(tool.deadline.due_on), loc.date(tool.completed_on),
                        loc.text(tool.findings or ""), tool.industry_wide, tool.suspends_mediation, team)

    def _appointment(self, appointment) -> AppointmentView:  # type: ignore[no-untyped-def]
        loc = self.loc
        consents = [loc.label(role) for role, given in ((SideRole.APPLICANT, appointment.applicant_consent),
                                                         (SideRole.RESPONDENT, appointment.respondent_consent))
                    if given]
        return AppointmentView(appointment.resource.name, appointment.resource.organisation,
                               loc.label(appointment.role), loc.date(appointment.appointed_on),
                               loc.label(appointment.requested_by) if appointment.requested_by else "",
                               loc.join(consents), loc.date(appointment.ended_on), appointment.end_reason or "")

    def _obligation_number(self, obligation_id: int) -> int:
        obligations = self.case.agreement.obligations if self.case.agreement else []
        return next((i + 1 for i, o in enumerate(obligations) if o.id == obligation_id), 0)

    def _agreement(self) -> AgreementView:
        loc, agreement = self.loc, self.case.agreement
        if agreement is None:
            return AgreementView("", "", "", "", [], "", "", "", "", "", "")
        return AgreementView(
            loc.text(agreement.points_in_dispute), loc.text(agreement.stakeholders),
            loc.text(agreement.standards_and_clauses), loc.text(agreement.process_and_consensus),
            [ObligationView(i + 1, loc.label(o.obligor), loc.label(o.obligee), loc.text(o.description),
                            loc.date(o.due_on), loc.text(o.indicators), loc.label(o.status))
             for i, o in enumerate(agreement.obligations)],
            loc.text(agreement.feedback_plan), loc.text(agreement.disclosure_plan),
            loc.text(agreement.communication_plan), loc.text(agreement.other_terms),
            loc.date(agreement.drafted_on), loc.date(agreement.signed_on))

    def _closure(self) -> ClosureView:
        loc, report = self.loc, self.case.closure_report
        if report is None:
            return ClosureView("", "", "", "", "")
        return ClosureView(loc.date(report.issued_on), loc.text(report.points_in_dispute),
                           loc.text(report.course_of_process), loc.text(report.facts_established),
                           loc.text(report.recommendations))

    @staticmethod
    def _find(items: list, subject: str):  # type: ignore[no-untyped-def, type-arg]
        wanted = int(subject.split(":")[1])
        for item in items:
            if item.id == wanted:
                return item
        raise NotFoundError(f"no {subject}")

    def _item(self, instrument_id: str, subject: str) -> ItemView:
        loc, case = self.loc, self.case
        kind = subject.split(":")[0] if subject else ""
        number = int(subject.split(":")[1]) if subject else 0
        if kind == "supplement":
            request = self._find(case.supplement_requests, subject)
            return ItemView(kind, number, items=loc.text(request.items), received_on=loc.date(request.received_on),
                            decided_on=loc.date(request.requested_on))
        if kind == "confidentiality":
            r = self._find(case.confidentiality_requests, subject)
            audience = lambda values: loc.join([loc.label(ConfidentialityAudience(v)) for v in values])  # noqa: E731
            return ItemView(kind, number, requested_by=loc.label(r.requested_by), received_on=loc.date(r.received_on),
                            decided_on=loc.date(r.decided_on), information=loc.text(r.decided_information or r.information),
                            audience=audience(r.decided_audience if r.granted else r.audience),
                            duration=loc.text(r.decided_duration or r.duration), reasons=loc.text(r.reason),
                            decision_reason=loc.text(r.decision_reason or ""), granted=bool(r.granted),
                            decision=loc.pick("同意采取保密措施", "Confidentiality granted") if r.granted else
                            loc.pick("不予采取保密措施", "Confidentiality refused") if r.decided_on else "")
        if kind == "objection":
            o = self._find(case.objections, subject)
            return ItemView(kind, number, requested_by=loc.label(o.raised_by), received_on=loc.date(o.received_on),
                            decided_on=loc.date(o.decided_on), ground=loc.label(o.ground),
                            statement=loc.text(o.statement), evidence=loc.text(o.evidence),
                            decision=loc.label(o.outcome) if o.outcome else "",
                            measures=loc.join([loc.label(ObjectionMeasure(m)) for m in o.measures]),
                            decision_reason=loc.text(o.decision_reason or ""))
        if kind == "recusal":
            r = self._find(case.recusal_requests, subject)
            return ItemView(kind, number, requested_by=loc.label(r.raised_by) if r.raised_by else
                            loc.pick("被任命方自行申请", "the appointee"), received_on=loc.date(r.received_on),
                            decided_on=loc.date(r.decided_on), appointee=r.appointment.resource.name,
                            reasons=loc.text(r.reasons), decision_reason=loc.text(r.decision_reason or ""),
                            granted=bool(r.recused),
                            decision=(loc.pick("回避", "Recused") if r.recused else loc.pick("不予回避", "Not recused"))
                            if r.decided_on else "")
        if kind == "extension":
            extension = next(e for d in case.deadlines for e in d.extensions if e.id == number)
            deadline = next(d for d in case.deadlines if d.id == extension.deadline_id)
            rule = get_rule(deadline.rule)
            from cases.rules import Limit, Unit

            note = self._limit(deadline.rule, deadline).note

            return ItemView(kind, number, requested_by=loc.label(extension.requested_by),
                            decided_on=loc.date(extension.decided_on), reasons=loc.text(extension.reason),
                            target=loc.pick(rule.what_zh, rule.what_en), previous_due=loc.date(extension.previous_due_on),
                            new_due=loc.date(extension.new_due_on),
                            extension=loc.pick(Limit(extension.amount, Unit(extension.unit)).basis_zh,
                                               Limit(extension.amount, Unit(extension.unit)).basis_en),
                            clause=loc.clause(rule.clause), note=note)
        if kind == "period":
            period = self._find(case.path_periods, subject)
            index = case.path_periods.index(period)
            before = case.path_periods[index - 1] if index else None
            return ItemView(kind, number, requested_by=loc.label(period.requested_by),
                            decided_on=loc.date(period.started_on), from_path=loc.label(before.path) if before else "",
                            to_path=loc.label(period.path), due=loc.date(period.deadline.due_on))
        if kind == "appointment":
            a = self._find(case.appointments, subject)
            tool = next((t for t in case.tools if t.id == a.tool_use_id), None)
            return ItemView(kind, number, appointee=a.resource.name, target=loc.label(a.role),
                            requested_by=loc.label(a.requested_by) if a.requested_by else "",
                            decided_on=loc.date(a.appointed_on), scope=loc.text(tool.scope) if tool else "",
                            due=loc.date(tool.deadline.due_on) if tool else "")
        if kind == "tool":
            t = self._find(case.tools, subject)
            return ItemView(kind, number, requested_by=loc.label(t.requested_by), received_on=loc.date(t.started_on),
                            scope=loc.text(t.scope), due=loc.date(t.deadline.due_on),
                            appointee=self._tool(t).team, decided_on=loc.date(t.completed_on))
        if kind == "agent":
            agent = next(a for side in case.sides for a in side.agents if a.id == number)
            side = next(s for s in case.sides if agent in s.agents)
            return ItemView(kind, number, requested_by=loc.label(side.role), appointee=agent.name,
                            target=agent.organisation, received_on=loc.date(agent.power_of_attorney.submitted_on))
        return ItemView()


def _signature_rows(applicant: list[SignatoryView], respondent: list[SignatoryView]) -> list[SignatureRowView]:
    nobody = SignatoryView("", "")
    return [SignatureRowView(n, applicant[n - 1] if n <= len(applicant) else nobody,
                             respondent[n - 1] if n <= len(respondent) else nobody)
            for n in range(1, max(len(applicant), len(respondent)) + 1)]


def instruments() -> list[str]:
    return list(INSTRUMENTS)
