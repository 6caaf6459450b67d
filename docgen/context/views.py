"""The views a template renders from: plain dataclasses of already formatted text.

Every value is formatted for the edition's language (dates, labels, clause references) so
templates stay free of logic. Only str, bool, int, lists and dicts of these and nested views:
docgen.lint builds its stand-in context from these types.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from docgen.context.signing_record import SigningRecordView

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
    # The page the code and the QR code beside it lead to: <public url>/verify/<code> (issue 13,
    # docgen.qr). Part of the context, so a new public URL is a new rendering (docgen.cache).
    verification_url: str = ""


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
    signing_record: SigningRecordView = field(default_factory=SigningRecordView)  # the signing record's lists

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

