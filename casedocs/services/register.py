"""The public case register (第六章第1.1条, issue 13): which cases are published, and what of them.

The secretariat publishes case information "truthfully, promptly and prudently" and never anything
under confidentiality (第六章第1条). This module is the one place that decides both:

- **which cases**: `published()` — a case is on the register once its case summary was issued for the
  public audience (an ISSUED `case_summary` DocumentVersion rendered for Audience.PUBLIC, issue 11). A
  draft publishes nothing, and neither does the secretariat's or a side's rendering: they are not what
  the public may read;
- **what of them**: `PublicCase` holds only non-personal data — region, country, industry, issue
  types, the parties' CATEGORIES per side (never a name: not of a person, nor of an organisation),
  the stage, path and outcome, each stage with its dates (from the audit chain's events), each phase of
  the procedure with its status and why it was not undertaken (casedocs.services.register_phases), the
  number of claims, the monitoring progress per obligation (status and dates, never the free text)
  and the dates received and updated.

The points in dispute (the claims and their reasons) are read through the case's PUBLIC disclosure, as
the `public` rendering prints them (casedocs.services.register_claims: a withheld claim prints its
placeholder, a natural person is never named). Left out on purpose: the published summary text, read
in the sealed public renderings offered for download (casedocs.services.register_documents). Nothing here
reads a name, address, contact, exhibit, note or the detail of an event beyond the few keys that say
which stage an act reached.

Every function reads only, in the caller's session, with a fixed number of queries whatever the size
of the register (relationships loaded with selectinload).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, selectinload

from cases.calendar import WorkingCalendar
from cases.confidentiality.audiences import Audience
from cases.instruments import InstrumentId
from cases.lifecycle import VersionStatus
from cases.models import Agreement, AuditEvent, Case, Deadline, DocumentVersion, Side
from cases.procedure.core import SHANGHAI
from cases.revisions import Revision, record_revision
from cases.timelimits import working_days_after
from cases.vocabulary import Labelled, ObligationStatus, PartyCategory, Path, SideRole, Stage, _labels
from casedocs.services.register_claims import PointInDispute, points_in_dispute
from casedocs.services.register_phases import PhaseLine, phases


class Outcome(Labelled):
    """How a registered case ended, or that it has not: the four termination grounds of
    第四章第四节第2条, a non-launch (第四章第一节), a dismissal on objection (第六章第3条)."""

    ONGOING = "ongoing"
    NOT_LAUNCHED = "not_launched"
    DISMISSED = "dismissed"
    REJECTED = "rejected"
    AGREEMENT_SIGNED = "agreement_signed"
    UNDERSTANDING_WITHOUT_AGREEMENT = "understanding_without_agreement"
    RESPONDENT_UNRESPONSIVE = "respondent_unresponsive"
    NO_UNDERSTANDING = "no_understanding"


_labels(Outcome, {
    "ongoing": ("进行中", "Ongoing"),
    "not_launched": ("不予启动", "Not launched"),
    "dismissed": ("申请被驳回（恶意申请）", "Dismissed (bad-faith application)"),
    "rejected": ("已驳回", "Rejected"),
    "agreement_signed": ("达成谅解并签署问题解决方案", "Agreement signed"),
    "understanding_without_agreement": ("达成谅解，无需签署方案", "Understanding without an agreement"),
    "respondent_unresponsive": ("相对方未回应或拒绝磋商", "Respondent unresponsive"),
    "no_understanding": ("未能达成谅解", "No understanding reached"),
})


@dataclass(frozen=True)
class StageSpan:
    """One stage the case went through: when it began and when the next one did (None: current)."""

    stage: Stage
    started_on: date
    ended_on: date | None
    working_days: int | None  # on the official calendar (cases.timelimits), None while current


@dataclass(frozen=True)
class MonitoringStep:
    reported_on: date
    status: ObligationStatus


@dataclass(frozen=True)
class ObligationProgress:
    """An obligation of the agreement as the public sees it: who owes whom, by when, how far — never
    its description, indicators or the monitors' text (they may name people; issue 11)."""

    position: int
    obligor: SideRole
    obligee: SideRole
    due_on: date
    status: ObligationStatus
    updates: tuple[MonitoringStep, ...]


@dataclass(frozen=True)
class PublicCase:
    """What the register shows of one case, and nothing more (the module's docstring says why)."""

    number: str
    year: int
    sequence: int
    stage: Stage
    path: Path | None
    outcome: Outcome
    region: str
    country: str
    industry: str
    issue_types: tuple[str, ...]
    party_categories: Mapping[SideRole, tuple[PartyCategory, ...]]
    claims: int
    received_on: date
    registered_at: datetime  # when its case summary was first issued (UTC)
    updated_on: date
    stages: tuple[StageSpan, ...]
    obligations: tuple[ObligationProgress, ...]
    closure_report_on: date | None
    points: tuple[PointInDispute, ...] = ()  # the claims as the public reads them (register_claims)
    phases: tuple[PhaseLine, ...] = ()  # each phase's status, dates, and why not undertaken (register_phases)

    @property
    def registered_on(self) -> date:
        return self.registered_at.astimezone(SHANGHAI).date()

    def categories(self, role: SideRole) -> tuple[PartyCategory, ...]:
        return self.party_categories.get(role, ())


def _public_summary() -> ColumnElement[bool]:
    """A DocumentVersion that is an issued public rendering of the case summary."""
    return ((DocumentVersion.instrument == InstrumentId.CASE_SUMMARY.value)
            & (DocumentVersion.status == VersionStatus.ISSUED) & (DocumentVersion.audience == Audience.PUBLIC))


def published() -> ColumnElement[bool]:
    """THE register's rule, as a condition on Case: its case summary has been issued for the public
    audience (第六章第1.1条; cases.documents.issue; issue 11: what the public reads is the `public`
    rendering). Every register query goes through it."""
    return exists().where(DocumentVersion.case_id == Case.id, _public_summary())


def revision(session: Session) -> Revision:
    """Where the whole record stands: a register page changes when this does. One query."""
    return record_revision(session)


def registered_numbers(session: Session) -> list[str]:
    """The numbers of the cases on the register, newest first. One query."""
    return list(session.scalars(select(Case.number).where(published())
                                .order_by(Case.year.desc(), Case.sequence.desc())))


# Which stage an act of the audit chain moved the case to (cases.procedure: each sets case.stage and
# appends the event in the same unit of work). Only these keys of an event's detail are ever read.
_STAGE_OF_ACTION: dict[str, Stage] = {
    "file_application": Stage.RECEIVED, "accept": Stage.ACCEPTED, "reject": Stage.REJECTED,
    "send_invitation": Stage.INVITED, "send_second_invitation": Stage.REINVITED,
    "deemed_refusal": Stage.RESPONDENT_REFUSED, "send_launch_notice": Stage.LAUNCH_NOTICE_SENT,
    "send_non_launch_notice": Stage.NOT_LAUNCHED, "procedure_launched": Stage.LAUNCHED,
    "recommend_triage": Stage.TRIAGE, "terminate": Stage.TERMINATED, "close_monitoring": Stage.CLOSED,
    "dismiss_application": Stage.DISMISSED,
}
_STAGE_ACTIONS = (*_STAGE_OF_ACTION, "record_response", "agree_path", "switch_path", "issue_closure_report")


def stage_reached(action: str, detail: Mapping[str, Any]) -> Stage | None:
    """The stage an event of the audit chain moved its case to, or None for an act that moves none."""
    if action in _STAGE_OF_ACTION:
        return _STAGE_OF_ACTION[action]
    if action == "record_response":
        return Stage.RESPONDENT_ACCEPTED if detail.get("accepts") else Stage.RESPONDENT_REFUSED
    if action in ("agree_path", "switch_path"):
        raw = detail.get("path" if action == "agree_path" else "to_path")
        return Path(raw).stage if raw in {p.value for p in Path} else None
    if action == "issue_closure_report":
        return Stage.MONITORING if detail.get("monitoring") else Stage.CLOSED
    return None


@dataclass(frozen=True)
class StageChange:
    number: str
    stage: Stage
    on: date
    at: datetime  # when it was recorded (the feed's time)


def stage_changes(session: Session, numbers: Sequence[str]) -> dict[str, list[StageChange]]:
    """Each case's stage changes, oldest first, read from its audit chain. One query."""
    found: dict[str, list[StageChange]] = {n: [] for n in numbers}
    if not numbers:
        return found
    rows = session.execute(select(AuditEvent.chain, AuditEvent.action, AuditEvent.on, AuditEvent.at, AuditEvent.detail)
                           .where(AuditEvent.chain.in_(list(numbers)), AuditEvent.action.in_(_STAGE_ACTIONS))
                           .order_by(AuditEvent.chain, AuditEvent.seq)).all()
    for chain, action, on, at, detail in rows:
        stage = stage_reached(action, detail or {})
        changes = found[chain]
        if stage is None or (changes and changes[-1].stage is stage):
            continue
        changes.append(StageChange(chain, stage, on or at.astimezone(SHANGHAI).date(), at))
    return found


def _spans(calendar: WorkingCalendar, changes: Sequence[StageChange]) -> tuple[StageSpan, ...]:
    spans = []
    for i, change in enumerate(changes):
        end = changes[i + 1].on if i + 1 < len(changes) else None
        days = working_days_after(calendar, change.on, end) if end is not None else None
        spans.append(StageSpan(change.stage, change.on, end, days))
    return tuple(spans)


def outcome_of(case: Case) -> Outcome:
    if case.termination_ground is not None:
        return Outcome(case.termination_ground.value)
    return {Stage.NOT_LAUNCHED: Outcome.NOT_LAUNCHED, Stage.DISMISSED: Outcome.DISMISSED,
            Stage.REJECTED: Outcome.REJECTED}.get(case.stage, Outcome.ONGOING)


def _categories(case: Case) -> dict[SideRole, tuple[PartyCategory, ...]]:
    """The categories of each side's members, each once, in the order first named (no names)."""
    return {side.role: tuple(dict.fromkeys(member.category for member in side.members)) for side in case.sides}


def _obligations(case: Case) -> tuple[ObligationProgress, ...]:
    if case.agreement is None or case.agreement.signed_on is None:
        return ()  # a draft agreement is not published
    steps: dict[int, list[MonitoringStep]] = {}
    for update in case.monitoring_updates:
        steps.setdefault(update.obligation_id, []).append(MonitoringStep(update.reported_on, update.status))
    return tuple(ObligationProgress(n + 1, o.obligor, o.obligee, o.due_on, o.status,
                                    tuple(sorted(steps.get(o.id, []), key=lambda s: s.reported_on)))
                 for n, o in enumerate(case.agreement.obligations))


def _registered_at(session: Session, case_ids: Iterable[int]) -> dict[int, datetime]:
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(select(DocumentVersion.case_id, func.min(DocumentVersion.issued_at))
                           .where(DocumentVersion.case_id.in_(ids), _public_summary())
                           .group_by(DocumentVersion.case_id)).all()
    # issued_at is read with the UTCDateTime type only through the ORM column; an aggregate comes back naive
    return {case_id: _utc(at) for case_id, at in rows if at is not None}


def _utc(value: datetime | str) -> datetime:
    from datetime import timezone

    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def register(session: Session, calendar: WorkingCalendar, number: str | None = None, *,
             on: date | None = None) -> list[PublicCase]:
    """Every case on the register (or the one numbered `number`, if it is on it), newest first, with its
    points in dispute as the public may read them on `on` (default: today in Shanghai; a confidentiality
    decision may be released). Caller's session, a fixed number of queries."""
    today = on if on is not None else datetime.now(SHANGHAI).date()
    sides = selectinload(Case.sides)
    query = select(Case).where(published()).options(
        sides.selectinload(Side.members), sides.selectinload(Side.agents), sides.selectinload(Side.representatives),
        selectinload(Case.claims), selectinload(Case.exhibits), selectinload(Case.confidentiality_requests),
        selectinload(Case.objections), selectinload(Case.recusal_requests), selectinload(Case.triage),
        selectinload(Case.tools),  # what the disclosure reads of each case (cases.confidentiality free_texts)
        selectinload(Case.deadlines).selectinload(Deadline.extensions), selectinload(Case.supplement_requests),
        selectinload(Case.path_periods),
        selectinload(Case.agreement).selectinload(Agreement.obligations), selectinload(Case.monitoring_updates),
        selectinload(Case.closure_report)).order_by(Case.year.desc(), Case.sequence.desc())
    if number is not None:
        query = query.where(Case.number == number)
    cases = list(session.scalars(query))
    registered = _registered_at(session, (c.id for c in cases))
    changes = stage_changes(session, [c.number for c in cases])
    points = points_in_dispute(session, cases, today)
    found = []
    for case in cases:
        spans = _spans(calendar, changes[case.number])
        obligations = _obligations(case)
        registered_at = registered[case.id]
        public_dates = [case.received_on, registered_at.astimezone(SHANGHAI).date(), *(s.started_on for s in spans),
                        *(step.reported_on for o in obligations for step in o.updates)]
        found.append(PublicCase(
            case.number, case.year, case.sequence, case.stage, case.path, outcome_of(case), case.region,
            case.country, case.industry, tuple(case.issue_types), _categories(case), len(case.claims),
            case.received_on, registered_at, max(public_dates), spans, obligations,
            case.closure_report.issued_on if case.closure_report else None, points[case.id],
            phases(spans, case.stage, case.termination_ground, case.deemed_refusal)))
    return found


def public_case(session: Session, calendar: WorkingCalendar, number: str, *,
                on: date | None = None) -> PublicCase | None:
    """The case's register entry, or None when the case is not on the register (or does not exist:
    the two are answered alike). Caller's session."""
    found = register(session, calendar, number, on=on)
    return found[0] if found else None


# -- filters ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterFilters:
    """What the register's list, exports and API can be narrowed by (all optional; AND-ed)."""

    stage: Stage | None = None
    path: Path | None = None
    outcome: Outcome | None = None
    year: int | None = None
    region: str = ""
    country: str = ""
    industry: str = ""
    issue_type: str = ""
    party_category: PartyCategory | None = None
    text: str = ""

    def key(self) -> tuple[object, ...]:
        return (self.stage, self.path, self.outcome, self.year, self.region, self.country, self.industry,
                self.issue_type, self.party_category, self.text.strip())

    @property
    def any(self) -> bool:
        return any(v not in (None, "") for v in self.key())


def matches(case: PublicCase, filters: RegisterFilters) -> bool:
    """Whether the case passes every facet of `filters` (the text search is register_search's)."""
    return ((filters.stage is None or case.stage is filters.stage)
            and (filters.path is None or case.path is filters.path)
            and (filters.outcome is None or case.outcome is filters.outcome)
            and (filters.year is None or case.year == filters.year)
            and (not filters.region or case.region == filters.region)
            and (not filters.country or case.country == filters.country)
            and (not filters.industry or case.industry == filters.industry)
            and (not filters.issue_type or filters.issue_type in case.issue_types)
            and (filters.party_category is None
                 or any(filters.party_category in cats for cats in case.party_categories.values())))


@dataclass(frozen=True)
class Facets:
    """The values the filters offer: those that occur on the register."""

    years: list[int]
    regions: list[str]
    countries: list[str]
    industries: list[str]
    issue_types: list[str]
    party_categories: list[PartyCategory]


def facets(cases: Sequence[PublicCase]) -> Facets:
    return Facets(sorted({c.year for c in cases}, reverse=True), sorted({c.region for c in cases}),
                  sorted({c.country for c in cases}), sorted({c.industry for c in cases}),
                  sorted({t for c in cases for t in c.issue_types}),
                  [p for p in PartyCategory if any(p in cats for c in cases for cats in c.party_categories.values())])


def as_json(case: PublicCase, url: str) -> dict[str, Any]:
    """A case as /register.json and /api/v1/register give it (issue 13's shape, and a few more keys)."""
    return {
        "case": case.number, "stage": case.stage.value, "path": case.path.value if case.path else None,
        "outcome": case.outcome.value, "region": case.region, "country": case.country, "industry": case.industry,
        "issue_types": list(case.issue_types),
        "party_categories": {role.value: [c.value for c in case.categories(role)] for role in SideRole},
        "claims": case.claims, "received_on": case.received_on.isoformat(),
        "registered_on": case.registered_on.isoformat(), "updated_on": case.updated_on.isoformat(),
        "stages": [{"stage": s.stage.value, "started_on": s.started_on.isoformat(),
                    "ended_on": s.ended_on.isoformat() if s.ended_on else None, "working_days": s.working_days}
                   for s in case.stages],
        "points_in_dispute": [point.as_json() for point in case.points],
        "phases": [line.as_json() for line in case.phases],
        "url": url,
    }
