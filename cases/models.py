"""The case record: SQLAlchemy 2 typed models for everything PROCEDURE.md names.

Business dates (when something happened, in Asia/Shanghai) are `date`s; the moments a
record was written are UTC `datetime`s.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cases.confidentiality.audiences import Audience
from cases.confidentiality.items import ItemRef, ItemRefList, ItemRefType
from cases.confidentiality.languages import Language
from cases.errors import ImmutableVersionError
from cases.instruments.subject import Subject, SubjectType
from cases.lifecycle import DocumentKind, DocumentState, VersionStage, VersionStatus
from cases.vocabulary import (
    AppointmentRole,
    Channel,
    DeadlineOutcome,
    ObjectionGround,
    ObjectionOutcome,
    ObligationStatus,
    PartyCategory,
    Path,
    ResourceKind,
    RiskLevel,
    SideRole,
    SignerRole,
    Stage,
    Standard,
    TerminationGround,
    ToolKind,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC, returns aware UTC (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC moment is required")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def _enum(enum_cls: type[Enum]) -> SAEnum:
    # Store the stable value strings, not Python member names, and no native DB enum:
    # adding a member must not need an ALTER TYPE migration.
    return SAEnum(enum_cls, native_enum=False, length=40, create_constraint=False,
                  values_callable=lambda members: [m.value for m in members])


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    # Named constraints, so that later migrations can alter and drop them on every database.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        Stage: _enum(Stage),
        SideRole: _enum(SideRole),
        PartyCategory: _enum(PartyCategory),
        Path: _enum(Path),
        ToolKind: _enum(ToolKind),
        TerminationGround: _enum(TerminationGround),
        ResourceKind: _enum(ResourceKind),
        AppointmentRole: _enum(AppointmentRole),
        ObjectionGround: _enum(ObjectionGround),
        ObjectionOutcome: _enum(ObjectionOutcome),
        ObligationStatus: _enum(ObligationStatus),
        Standard: _enum(Standard),
        Channel: _enum(Channel),
        DeadlineOutcome: _enum(DeadlineOutcome),
        RiskLevel: _enum(RiskLevel),
        SignerRole: _enum(SignerRole),
        VersionStage: _enum(VersionStage),
        VersionStatus: _enum(VersionStatus),
        DocumentKind: _enum(DocumentKind),
        DocumentState: _enum(DocumentState),
        list[ItemRef]: ItemRefList(),
        ItemRef: ItemRefType(),
        Language: _enum(Language),
        Audience: _enum(Audience),
    }


class CaseCounter(Base):
    """Last case sequence number used per year (numbers are sequential per year)."""

    __tablename__ = "case_counters"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int]
    sequence: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    stage: Mapped[Stage]
    received_on: Mapped[date]
    region: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100))
    industry: Mapped[str] = mapped_column(String(200))
    issue_types: Mapped[list[str]] = mapped_column(default=list)
    facts: Mapped[str] = mapped_column(Text)
    channel: Mapped[Channel]
    reapplication_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id"))
    accepted_on: Mapped[Optional[date]]
    rejected_on: Mapped[Optional[date]]
    rejection_grounds: Mapped[Optional[str]] = mapped_column(Text)
    respondent_answer_on: Mapped[Optional[date]]
    respondent_accepts: Mapped[Optional[bool]]
    deemed_refusal: Mapped[bool] = mapped_column(default=False)
    preliminary_response: Mapped[Optional[str]] = mapped_column(Text)
    launched_on: Mapped[Optional[date]]
    path: Mapped[Optional[Path]]
    termination_ground: Mapped[Optional[TerminationGround]]
    terminated_on: Mapped[Optional[date]]
    termination_statement: Mapped[Optional[str]] = mapped_column(Text)
    closed_on: Mapped[Optional[date]]
    public_summary: Mapped[Optional[str]] = mapped_column(Text)
    published_on: Mapped[Optional[date]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reapplication_of: Mapped[Optional[Case]] = relationship(remote_side=lambda: [Case.id])
    sides: Mapped[list[Side]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                             order_by="Side.id")
    claims: Mapped[list[Claim]] = relationship(cascade="all, delete-orphan", order_by="Claim.position")
    exhibits: Mapped[list[Exhibit]] = relationship(cascade="all, delete-orphan", order_by="Exhibit.id")
    standards: Mapped[list[StandardInvoked]] = relationship(cascade="all, delete-orphan",
                                                            order_by="StandardInvoked.id")
    deliveries: Mapped[list[Delivery]] = relationship(cascade="all, delete-orphan", order_by="Delivery.id")
    deadlines: Mapped[list[Deadline]] = relationship(cascade="all, delete-orphan", order_by="Deadline.id")
    supplement_requests: Mapped[list[SupplementRequest]] = relationship(cascade="all, delete-orphan",
                                                                        order_by="SupplementRequest.id")
    triage: Mapped[Optional[Triage]] = relationship(cascade="all, delete-orphan")
    path_periods: Mapped[list[PathPeriod]] = relationship(cascade="all, delete-orphan", order_by="PathPeriod.id")
    tools: Mapped[list[ToolUse]] = relationship(cascade="all, delete-orphan", order_by="ToolUse.id")
    appointments: Mapped[list[Appointment]] = relationship(cascade="all, delete-orphan",
                                                           order_by="Appointment.id")
    confidentiality_requests: Mapped[list[ConfidentialityRequest]] = relationship(
        cascade="all, delete-orphan", order_by="ConfidentialityRequest.id")
    objections: Mapped[list[Objection]] = relationship(cascade="all, delete-orphan", order_by="Objection.id")
    recusal_requests: Mapped[list[RecusalRequest]] = relationship(cascade="all, delete-orphan",
                                                                  order_by="RecusalRequest.id")
    risks: Mapped[list[RiskAssessment]] = relationship(cascade="all, delete-orphan", order_by="RiskAssessment.id")
    agreement: Mapped[Optional[Agreement]] = relationship(cascade="all, delete-orphan")
    closure_report: Mapped[Optional[ClosureReport]] = relationship(cascade="all, delete-orphan")
    monitoring_updates: Mapped[list[MonitoringUpdate]] = relationship(
        cascade="all, delete-orphan", order_by="MonitoringUpdate.id")
    inquiries: Mapped[list[ObligeeInquiry]] = relationship(cascade="all, delete-orphan", order_by="ObligeeInquiry.id")

    def side(self, role: SideRole) -> Side:
        for side in self.sides:
            if side.role is role:
                return side
        raise LookupError(f"{self.number} has no {role.value} side")

    @property
    def applicant(self) -> Side:
        return self.side(SideRole.APPLICANT)

    @property
    def respondent(self) -> Side:
        return self.side(SideRole.RESPONDENT)

    @property
    def current_period(self) -> Optional[PathPeriod]:
        open_periods = [p for p in self.path_periods if p.ended_on is None]
        return open_periods[-1] if open_periods else None


class Side(Base):
    """The applicant or respondent side: one or more members, agents, representatives."""

    __tablename__ = "sides"
    __table_args__ = (UniqueConstraint("case_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    role: Mapped[SideRole]

    case: Mapped[Case] = relationship(back_populates="sides")
    members: Mapped[list[Party]] = relationship(cascade="all, delete-orphan", order_by="Party.position")
    agents: Mapped[list[Agent]] = relationship(cascade="all, delete-orphan", order_by="Agent.id")
    representatives: Mapped[list[Representative]] = relationship(cascade="all, delete-orphan",
                                                                 order_by="Representative.id")

    @property
    def display_name(self) -> str:
        names = [m.full_name for m in self.members]
        return names[0] if len(names) == 1 else f"{names[0]} et al. ({len(names)})"


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    side_id: Mapped[int] = mapped_column(ForeignKey("sides.id"))
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[PartyCategory]
    full_name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(500))
    contact: Mapped[str] = mapped_column(String(300), default="")
    other_info: Mapped[str] = mapped_column(Text, default="")


class Agent(Base):
    """Authorised in writing: the power of attorney is an exhibit of the case."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    side_id: Mapped[int] = mapped_column(ForeignKey("sides.id"))
    name: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    power_of_attorney_id: Mapped[int] = mapped_column(ForeignKey("exhibits.id"))

    power_of_attorney: Mapped[Exhibit] = relationship()


class Representative(Base):
    """Elected by a side of more than three members (第三章第1条)."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    side_id: Mapped[int] = mapped_column(ForeignKey("sides.id"))
    name: Mapped[str] = mapped_column(String(300))
    contact: Mapped[str] = mapped_column(String(300), default="")
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("parties.id"))


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    position: Mapped[int] = mapped_column(default=0)
    claim: Mapped[str] = mapped_column(Text)
    reasons: Mapped[str] = mapped_column(Text)


class Exhibit(Base):
    """A file in the content-addressed store, with what it is and who gave it."""

    __tablename__ = "exhibits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    submitted_by: Mapped[Optional[SideRole]]
    kind: Mapped[str] = mapped_column(String(40))  # evidence, power_of_attorney, supplement, response
    title: Mapped[str] = mapped_column(String(300))
    original_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    submitted_on: Mapped[date]


class StandardInvoked(Base):
    __tablename__ = "standards_invoked"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    standard: Mapped[Standard]
    name: Mapped[str] = mapped_column(String(300), default="")  # the title, for `other`
    clauses: Mapped[str] = mapped_column(Text, default="")


class Delivery(Base):
    """One instrument sent to one addressee; several rules run from delivery (送达)."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    instrument: Mapped[str] = mapped_column(String(40))
    addressee_side: Mapped[Optional[SideRole]]
    addressee: Mapped[str] = mapped_column(String(300))
    # The matter (Subject(OBJECTION, 2), stored "objection:2"); None, stored "", for the case as a whole.
    subject: Mapped[Optional[Subject]] = mapped_column(SubjectType(), nullable=False, default=None)
    channel: Mapped[Channel]
    sent_on: Mapped[date]
    delivered_on: Mapped[Optional[date]]


class Deadline(Base):
    """One time limit of one rule, opened and closed by the engine as the case moves."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    rule: Mapped[str] = mapped_column(String(40))
    subject: Mapped[Optional[Subject]] = mapped_column(SubjectType(), nullable=False, default=None)
    trigger_on: Mapped[date]
    original_due_on: Mapped[date]
    due_on: Mapped[date]
    provisional: Mapped[bool] = mapped_column(default=False)
    closed_on: Mapped[Optional[date]]
    outcome: Mapped[Optional[DeadlineOutcome]]

    extensions: Mapped[list[Extension]] = relationship(cascade="all, delete-orphan", order_by="Extension.id")

    @property
    def is_open(self) -> bool:
        return self.outcome is None


class Extension(Base):
    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    requested_by: Mapped[SideRole]
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    amount: Mapped[int]
    unit: Mapped[str] = mapped_column(String(20))  # a cases.rules.Unit value
    previous_due_on: Mapped[date]
    new_due_on: Mapped[date]


class SupplementRequest(Base):
    __tablename__ = "supplement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    items: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date]
    received_on: Mapped[Optional[date]]
    response_note: Mapped[Optional[str]] = mapped_column(Text)


class Triage(Base):
    """The secretariat's recommendation and the path and tools both sides agreed on."""

    __tablename__ = "triages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    recommended_on: Mapped[date]
    recommended_path: Mapped[Path]
    recommended_tools: Mapped[list[str]] = mapped_column(default=list)
    reasoning: Mapped[str] = mapped_column(Text)
    agreed_on: Mapped[Optional[date]]
    agreed_path: Mapped[Optional[Path]]
    agreed_tools: Mapped[list[str]] = mapped_column(default=list)


class PathPeriod(Base):
    __tablename__ = "path_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    path: Mapped[Path]
    started_on: Mapped[date]
    ended_on: Mapped[Optional[date]]
    end_reason: Mapped[Optional[str]] = mapped_column(String(40))  # switched, terminated
    requested_by: Mapped[Optional[SideRole]]  # who asked for a switch into this path
    switch_reason: Mapped[Optional[str]] = mapped_column(Text)  # why the switch into it was decided (item switch:N)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))

    deadline: Mapped[Deadline] = relationship()


class ToolUse(Base):
    __tablename__ = "tool_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[ToolKind]
    requested_by: Mapped[SideRole]
    started_on: Mapped[date]
    scope: Mapped[str] = mapped_column(Text)
    industry_wide: Mapped[bool] = mapped_column(default=False)
    suspends_mediation: Mapped[bool] = mapped_column(default=False)
    completed_on: Mapped[Optional[date]]
    findings: Mapped[Optional[str]] = mapped_column(Text)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))

    deadline: Mapped[Deadline] = relationship()


class SupportResource(Base):
    """A roster entry: an expert (in one or more groups), a fact-finding or an assessment body."""

    __tablename__ = "support_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ResourceKind]
    name: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    groups: Mapped[list[str]] = mapped_column(default=list)
    contact: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    resource_id: Mapped[int] = mapped_column(ForeignKey("support_resources.id"))
    role: Mapped[AppointmentRole]
    requested_by: Mapped[Optional[SideRole]]
    applicant_consent: Mapped[bool] = mapped_column(default=False)
    respondent_consent: Mapped[bool] = mapped_column(default=False)
    appointed_on: Mapped[date]
    tool_use_id: Mapped[Optional[int]] = mapped_column(ForeignKey("tool_uses.id"))
    ended_on: Mapped[Optional[date]]
    end_reason: Mapped[Optional[str]] = mapped_column(String(200))

    resource: Mapped[SupportResource] = relationship()

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class ConfidentialityRequest(Base):
    __tablename__ = "confidentiality_requests"
    # Its number within the case is its reference (MVC-2025-0002/C-1): two processes cannot both take one.
    __table_args__ = (UniqueConstraint("case_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    requested_by: Mapped[SideRole]
    information: Mapped[str] = mapped_column(Text)
    audience: Mapped[list[str]] = mapped_column(default=list)  # ConfidentialityAudience values
    duration: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    decided_on: Mapped[Optional[date]]
    granted: Mapped[Optional[bool]]
    decided_information: Mapped[Optional[str]] = mapped_column(Text)
    decided_audience: Mapped[list[str]] = mapped_column(default=list)
    decided_duration: Mapped[Optional[str]] = mapped_column(String(300))
    decision_reason: Mapped[Optional[str]] = mapped_column(Text)
    # Issue 11 (cases.confidentiality): the concrete items, the number of the request within its case
    # (its reference MVC-2025-0002/C-1), how long it is to last (a date after which, or a stage at
    # which, the items are released), what the decision kept of it, and when it was released.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    items: Mapped[list[ItemRef]] = mapped_column(default=list)
    release_after: Mapped[Optional[date]]
    release_at_stage: Mapped[Optional[Stage]]
    decided_items: Mapped[list[ItemRef]] = mapped_column(default=list)
    decided_release_after: Mapped[Optional[date]]
    decided_release_at_stage: Mapped[Optional[Stage]]
    released_on: Mapped[Optional[date]]

    @property
    def withheld_from(self) -> list[str]:
        """Until decided, the information is withheld from everyone the request names."""
        if self.decided_on is None:
            return list(self.audience)
        return list(self.decided_audience) if self.granted else []


class Translation(Base):
    """A translation of one free-text value of a case (issue 11; 第六章: the working languages are Chinese
    and English, and the secretariat arranges translation). The original stays where it is; each
    translation records its language, who made it, when, and the sha256 of the original it translates
    (a changed original makes it due again)."""

    __tablename__ = "translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item: Mapped[ItemRef]
    language: Mapped[Language]
    original_language: Mapped[Language]
    source_sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    translated_by: Mapped[str] = mapped_column(String(200))
    translated_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    raised_by: Mapped[SideRole]
    ground: Mapped[ObjectionGround]
    statement: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    target_appointment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("appointments.id"))
    decided_on: Mapped[Optional[date]]
    outcome: Mapped[Optional[ObjectionOutcome]]
    measures: Mapped[list[str]] = mapped_column(default=list)
    decision_reason: Mapped[Optional[str]] = mapped_column(Text)


class RecusalRequest(Base):
    __tablename__ = "recusal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"))
    raised_by: Mapped[Optional[SideRole]]  # None: the appointee asks to stand down
    reasons: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    decided_on: Mapped[Optional[date]]
    recused: Mapped[Optional[bool]]
    decision_reason: Mapped[Optional[str]] = mapped_column(Text)

    appointment: Mapped[Appointment] = relationship()


class RiskAssessment(Base):
    """Retaliation risk to a participant (第六章第4条): recorded and reassessed."""

    __tablename__ = "risk_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    side: Mapped[SideRole]
    person: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    level: Mapped[RiskLevel]
    measures: Mapped[str] = mapped_column(Text, default="")
    assessed_on: Mapped[date]


class Agreement(Base):
    """The problem-solving agreement with the recommended elements (第四章第四节第1条)."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    points_in_dispute: Mapped[str] = mapped_column(Text)
    stakeholders: Mapped[str] = mapped_column(Text)
    standards_and_clauses: Mapped[str] = mapped_column(Text)
    process_and_consensus: Mapped[str] = mapped_column(Text)
    feedback_plan: Mapped[str] = mapped_column(Text)
    disclosure_plan: Mapped[str] = mapped_column(Text)
    communication_plan: Mapped[str] = mapped_column(Text)
    other_terms: Mapped[str] = mapped_column(Text, default="")
    drafted_on: Mapped[date]
    signed_on: Mapped[Optional[date]]

    obligations: Mapped[list[Obligation]] = relationship(cascade="all, delete-orphan",
                                                         order_by="Obligation.position")


class Obligation(Base):
    __tablename__ = "obligations"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    position: Mapped[int] = mapped_column(default=0)
    obligor: Mapped[SideRole]
    obligee: Mapped[SideRole]
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    indicators: Mapped[str] = mapped_column(Text)
    status: Mapped[ObligationStatus] = mapped_column(default=ObligationStatus.NOT_STARTED)


class ClosureReport(Base):
    """The six sections of the closure report (第四章第四节第3条)."""

    __tablename__ = "closure_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    issued_on: Mapped[date]
    points_in_dispute: Mapped[str] = mapped_column(Text)
    course_of_process: Mapped[str] = mapped_column(Text)
    facts_established: Mapped[str] = mapped_column(Text)
    recommendations: Mapped[str] = mapped_column(Text)


class MonitoringUpdate(Base):
    __tablename__ = "monitoring_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"))
    monitor: Mapped[str] = mapped_column(String(200))
    reported_on: Mapped[date]
    status: Mapped[ObligationStatus]
    text: Mapped[str] = mapped_column(Text)

    obligation: Mapped[Obligation] = relationship()


class ObligeeInquiry(Base):
    """An obligee asking the secretariat about progress (第五章第2条)."""

    __tablename__ = "obligee_inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"))
    asked_by: Mapped[SideRole]
    received_on: Mapped[date]
    question: Mapped[str] = mapped_column(Text)
    # The secretariat's answer and its due date (migration 0011; cases.procedure.obligations).
    due_on: Mapped[Optional[date]]
    due_provisional: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[Optional[str]] = mapped_column(Text)
    answered_on: Mapped[Optional[date]]
    answered_by: Mapped[Optional[str]] = mapped_column(String(200))


class DocumentVersion(Base):
    """One rendering of one instrument in one edition and format.

    The bytes live in the content-addressed store under `sha256`. A DOCX and the PDF made
    from it share a version number and a verification code. Issued versions never change
    (see cases.documents).

    Every rendering is made for one audience (issue 11, 第六章第2.2条): what a side, the experts or the public
    may see of the case. Each audience's renderings are a series of their own (versions numbered and coded
    apart): a document delivered to a side is that side's rendering, sealed for it.
    """

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("case_id", "instrument", "subject", "edition", "audience", "version",
                                       "format", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    instrument: Mapped[str] = mapped_column(String(40))
    subject: Mapped[Optional[Subject]] = mapped_column(SubjectType(), nullable=False, default=None)
    edition: Mapped[str] = mapped_column(String(20))
    audience: Mapped[Audience] = mapped_column(default=Audience.SECRETARIAT, server_default=Audience.SECRETARIAT.value)
    version: Mapped[int]
    format: Mapped[str] = mapped_column(String(10))  # docx, pdf
    # 0 is the rendering; each seal, signature, monitoring update or freeze appends a revision.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    stage: Mapped[VersionStage] = mapped_column(default=VersionStage.RENDERED,
                                                server_default=VersionStage.RENDERED.value)
    status: Mapped[VersionStatus] = mapped_column(default=VersionStatus.DRAFT)
    verification_code: Mapped[str] = mapped_column(String(20), index=True)
    template_sha256: Mapped[str] = mapped_column(String(64))
    context_sha256: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[Optional[datetime]]
    issued_by: Mapped[Optional[str]] = mapped_column(String(200))

    case: Mapped[Case] = relationship()


class Signer(Base):
    """A person who signs with a certificate from the mechanism's CA (or their own, trusted):
    a side's representative, member or agent in a case, or a monitor (no case)."""

    __tablename__ = "signers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(String(80), unique=True)
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id"))
    side: Mapped[Optional[SideRole]]
    role: Mapped[SignerRole]
    name: Mapped[str] = mapped_column(String(300))
    certificate_serial: Mapped[str] = mapped_column(String(80))
    enrolled_on: Mapped[date]
    enrolled_by: Mapped[str] = mapped_column(String(200))
    # When the record learnt that the certificate was revoked (`signer revoke`, or a side's CA's CRL):
    # such a signer gets no field on a new document and is not listed on it as signing (issue 9).
    revoked_at: Mapped[Optional[datetime]]


class SignedDocument(Base):
    """An issued instrument under signature: its latest revision is the compare-and-swap point
    that serialises concurrent signers (one UPDATE ... WHERE latest_sha256 = what they read).

    A sealed instrument is sealed per audience that receives it (issue 11, 第六章第2.2条): each audience's
    rendering is a document of its own (its own versions, code and seal); the secretariat's is the default
    and the series issued before audiences existed."""

    __tablename__ = "signed_documents"
    __table_args__ = (UniqueConstraint("case_id", "instrument", "subject", "edition", "audience", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    instrument: Mapped[str] = mapped_column(String(40))
    subject: Mapped[Optional[Subject]] = mapped_column(SubjectType(), nullable=False, default=None)
    edition: Mapped[str] = mapped_column(String(20))
    audience: Mapped[Audience] = mapped_column(default=Audience.SECRETARIAT, server_default=Audience.SECRETARIAT.value)
    version: Mapped[int]
    verification_code: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[DocumentKind]
    state: Mapped[DocumentState]
    revision: Mapped[int]
    latest_sha256: Mapped[str] = mapped_column(String(64))
    monitoring_slots: Mapped[int] = mapped_column(default=0)
    monitoring_used: Mapped[int] = mapped_column(default=0)
    continues_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)
    frozen_at: Mapped[Optional[datetime]]
    # The version issued in its place (state SUPERSEDED): `casedocs reissue`.
    superseded_by: Mapped[Optional[int]] = mapped_column(ForeignKey("signed_documents.id"))

    slots: Mapped[list[SignatureSlot]] = relationship(cascade="all, delete-orphan", order_by="SignatureSlot.id")


class SignatureSlot(Base):
    """A pre-created signature field and the one person it belongs to."""

    __tablename__ = "signature_slots"
    __table_args__ = (UniqueConstraint("document_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("signed_documents.id"))
    field: Mapped[str] = mapped_column(String(40))
    signer_id: Mapped[int] = mapped_column(ForeignKey("signers.id"))
    signed_at: Mapped[Optional[datetime]]
    revision: Mapped[Optional[int]]

    signer: Mapped[Signer] = relationship()


@event.listens_for(DocumentVersion, "before_update")
def _refuse_changes_to_issued(mapper: Any, connection: Any, target: DocumentVersion) -> None:
    status = inspect(target).attrs.status.history
    was = status.deleted[0] if status.deleted else target.status
    if was == VersionStatus.ISSUED:
        raise ImmutableVersionError(f"version {target.version} of {target.instrument} ({target.edition}, "
                                    f"{target.format}) was issued and cannot change")


@event.listens_for(DocumentVersion, "before_delete")
def _refuse_deleting_issued(mapper: Any, connection: Any, target: DocumentVersion) -> None:
    if inspect(target).attrs.status.loaded_value == VersionStatus.ISSUED:
        raise ImmutableVersionError(f"version {target.version} of {target.instrument} was issued and cannot be deleted")


class AuditEvent(Base):
    """One entry of a tamper-evident chain: each stores the hash of the previous one.

    Each case has its own chain (`chain` = case number); roster and system events
    go to the chain named "system".
    """

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(20), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    on: Mapped[Optional[date]]  # the business date of the act, if any
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PassphraseFailures(Base):
    """Wrong passphrases in a row for one person's signing key, and until when they must wait before
    the next try (casedocs.services.enrolment.unlock). In the record, so that the limit holds across
    processes and web workers."""

    __tablename__ = "passphrase_failures"

    person_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)  # counted when a try starts; a right passphrase resets it
    last_failed_at: Mapped[datetime]
    retry_at: Mapped[Optional[datetime]]  # None: under the limit, the next try may start at once


# Tables defined beside the case record, on the same metadata (Alembic and create_all see them all).
from cases import accounts, jobs, monitoring_evidence, obligation_reports, signing_codes, submissions  # noqa: E402,F401
