"""Read models of the secretariat's console (issue 10): the dashboard, the case list and the working
days a date picker shows. The case page is casedocs.services.casepage; the action and application
forms casedocs.services.forms.

Every function reads only, in the caller's session, and issues a fixed number of queries whatever the
number of cases, deadlines or events (relationships are loaded with selectinload): the dashboard is
the page an officer opens all day.
"""
from __future__ import annotations

import calendar as monthdays
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from cases.calendar import WorkingCalendar
from cases.lifecycle import DocumentState
from cases.models import (
    Agent,
    Agreement,
    AuditEvent,
    Case,
    Deadline,
    ObligeeInquiry,
    Party,
    Representative,
    Side,
    SignatureSlot,
    SignedDocument,
)
from cases.revisions import Revision, record_revision
from cases.rules import Limit, Unit, get_rule
from cases.timelimits import due_date, working_days_after
from cases.vocabulary import FINAL_STAGES, ObligationStatus, Path, SideRole, Stage

# PROCEDURE.md §3 counts in working days; the dashboard looks one working week ahead.
HORIZON_WORKING_DAYS = 5
URGENT_WITHIN_WORKING_DAYS = 2
# "The secretariat monitors periodically" (第五章第2条): an obligation without an update for this long
# is due one. Quarterly, as the agreements' feedback plans report (the demo's: every quarter).
MONITORING_INTERVAL = relativedelta(months=3)
CASES_PER_PAGE = 50


class Urgency(StrEnum):
    """How soon something is due, in working days of the official calendar: what the dashboard colours."""

    OVERDUE = "overdue"  # past its due date
    URGENT = "urgent"    # due today or within URGENT_WITHIN_WORKING_DAYS
    SOON = "soon"        # due within HORIZON_WORKING_DAYS
    LATER = "later"


def urgency(calendar: WorkingCalendar, today: date, due: date) -> tuple[Urgency, int]:
    """The urgency of something due on `due`, and the working days left (0 when due today; past its
    day, minus the working days since). No session."""
    if due < today:
        return Urgency.OVERDUE, -working_days_after(calendar, due, today)
    left = working_days_after(calendar, today, due)
    if left <= URGENT_WITHIN_WORKING_DAYS:
        return Urgency.URGENT, left
    return (Urgency.SOON if left <= HORIZON_WORKING_DAYS else Urgency.LATER), left


def horizon(calendar: WorkingCalendar, today: date) -> date:
    """The last day the dashboard looks at: HORIZON_WORKING_DAYS working days after today. No session."""
    return due_date(calendar, Limit(HORIZON_WORKING_DAYS, Unit.WORKING_DAYS), today).due


# -- the dashboard -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseLine:
    """A case in a list: who against whom, where it stands."""

    number: str
    title: str
    stage: Stage
    path: Path | None
    received_on: date
    applicant: str
    respondent: str
    next_due: date | None   # its earliest open deadline
    overdue: int            # how many of its open deadlines are past due


@dataclass(frozen=True)
class DueDeadline:
    case_number: str
    case_title: str
    rule: str
    subject: str
    actor: str          # cases.rules.Actor value: who must act
    what_zh: str
    what_en: str
    basis_zh: str
    basis_en: str
    due_on: date
    provisional: bool
    urgency: Urgency
    working_days_left: int  # negative: working days past its due date


@dataclass(frozen=True)
class AwaitedSignature:
    field: str
    signer: str
    person_id: str
    side: SideRole | None


@dataclass(frozen=True)
class AwaitingDocument:
    """An issued document under signature with fields still empty."""

    document_id: int
    case_number: str
    instrument: str
    edition: str
    version: int
    sealed_on: date
    awaited: tuple[AwaitedSignature, ...]
    signed: int


class MonitoringReason(StrEnum):
    OBLIGATION_OVERDUE = "obligation_overdue"  # its timetable passed and it is not fulfilled
    OBLIGATION_DUE = "obligation_due"          # its timetable ends within the horizon
    UPDATE_OVERDUE = "update_overdue"          # no monitoring update for MONITORING_INTERVAL
    UPDATE_DUE = "update_due"                  # the next periodic update falls within the horizon
    INQUIRY = "inquiry"                        # an obligee's inquiry is not answered yet (第五章第2条)


@dataclass(frozen=True)
class MonitoringDue:
    case_number: str
    obligation_id: int
    description: str
    obligor: SideRole
    due_on: date
    status: ObligationStatus
    last_update_on: date | None
    reasons: tuple[MonitoringReason, ...]
    urgency: Urgency


@dataclass(frozen=True)
class Dashboard:
    today: date
    horizon: date
    my_cases: list[CaseLine]
    deadlines: list[DueDeadline]          # overdue first (oldest first), then by due date
    awaiting_signatures: list[AwaitingDocument]
    monitoring: list[MonitoringDue]
    open_cases: int


def revision(session: Session) -> Revision:
    """Where the whole record stands: the dashboard changes when this does (cases.revisions), or with
    the day. Caller's session, one query."""
    return record_revision(session)


def dashboard(session: Session, calendar: WorkingCalendar, today: date, actor: str | None = None,
              lang: str = "en") -> Dashboard:
    """What an officer must see first: their cases, the deadlines overdue or due within five working
    days, the documents waiting for signatures, and the monitoring that is due. `actor` is the
    account's e-mail: its web acts are recorded as "<email> (web ...)" (web.context.web_actor).
    Caller's session (reads only; time-based consequences are applied when a case is opened or acted on)."""
    end = horizon(calendar, today)
    rows = session.execute(
        select(Deadline, Case.number, Case.title).join(Case, Case.id == Deadline.case_id)
        .where(Deadline.outcome.is_(None), Deadline.due_on <= end)
        .order_by(Deadline.due_on, Deadline.id)).all()
    deadlines = [_due(calendar, today, number, title, deadline) for deadline, number, title in rows]
    deadlines += inquiries_due(session, calendar, today, end)
    deadlines.sort(key=lambda d: (d.urgency is not Urgency.OVERDUE, d.due_on))
    open_cases = session.scalar(select(func.count(Case.id)).where(Case.stage.not_in(FINAL_STAGES))) or 0
    return Dashboard(today, end, my_cases(session, today, actor) if actor else [], deadlines,
                     awaiting_signatures(session), monitoring_due(session, calendar, today), open_cases)


def _due(calendar: WorkingCalendar, today: date, number: str, title: str, deadline: Deadline) -> DueDeadline:
    from cases.instruments import subject_text

    rule = get_rule(deadline.rule)
    level, left = urgency(calendar, today, deadline.due_on)
    return DueDeadline(number, title, deadline.rule, subject_text(deadline.subject), rule.actor.value,
                       rule.what_zh, rule.what_en[:1].upper() + rule.what_en[1:], rule.limit.basis_zh, rule.limit.basis_en, deadline.due_on,
                       deadline.provisional, level, left)


def inquiries_due(session: Session, calendar: WorkingCalendar, today: date, end: date) -> list[DueDeadline]:
    """Obligees' inquiries the secretariat has not answered, due by `end` (第五章第2条; the time limit is
    the secretariat's own, cases.procedure.obligations): listed with the deadlines. Caller's session."""
    rows = session.execute(
        select(ObligeeInquiry, Case.number, Case.title).join(Case, Case.id == ObligeeInquiry.case_id)
        .where(ObligeeInquiry.answered_on.is_(None), ObligeeInquiry.due_on.is_not(None), ObligeeInquiry.due_on <= end)
        .order_by(ObligeeInquiry.due_on, ObligeeInquiry.id)).all()
    found = []
    for inquiry, number, title in rows:
        assert inquiry.due_on is not None
        level, left = urgency(calendar, today, inquiry.due_on)
        days = Limit(max(1, working_days_after(calendar, inquiry.received_on, inquiry.due_on)), Unit.WORKING_DAYS)
        found.append(DueDeadline(
            number, title, "inquiry_answer", "", "secretariat",
            f"答复义务相对方就第{inquiry.obligation_id}项义务的进度问询",
            f"Answer the obligee's inquiry about obligation {inquiry.obligation_id}",
            days.basis_zh, days.basis_en, inquiry.due_on, inquiry.due_provisional, level, left))
    return found


def my_cases(session: Session, today: date, actor: str, limit: int = 20) -> list[CaseLine]:
    """The open cases the account acted on, the most recent first. Caller's session."""
    mine = (or_(AuditEvent.actor == actor, AuditEvent.actor.startswith(f"{actor} (", autoescape=True)))
    latest = select(AuditEvent.chain, func.max(AuditEvent.at).label("last")).where(mine) \
        .group_by(AuditEvent.chain).subquery()
    query = _lines_query().join(latest, latest.c.chain == Case.number) \
        .where(Case.stage.not_in(FINAL_STAGES)).order_by(latest.c.last.desc()).limit(limit)
    return [_line(case, today) for case in session.scalars(query)]


def awaiting_signatures(session: Session) -> list[AwaitingDocument]:
    """Documents under signature (state signing) with the fields still empty. Caller's session."""
    rows = session.execute(
        select(SignedDocument, Case.number).join(Case, Case.id == SignedDocument.case_id)
        .where(SignedDocument.state == DocumentState.SIGNING)
        .options(selectinload(SignedDocument.slots).selectinload(SignatureSlot.signer))
        .order_by(SignedDocument.sealed_at)).all()
    return [AwaitingDocument(
        document.id, number, document.instrument, document.edition, document.version, document.sealed_at.date(),
        tuple(AwaitedSignature(s.field, s.signer.name, s.signer.person_id, s.signer.side)
              for s in document.slots if s.signed_at is None),
        sum(1 for s in document.slots if s.signed_at is not None)) for document, number in rows]


def monitoring_due(session: Session, calendar: WorkingCalendar, today: date) -> list[MonitoringDue]:
    """The obligations of cases under monitoring that need the secretariat: not fulfilled and past or
    near their timetable, without an update for a quarter, or asked about by their obligee since the
    latest update (第五章). Caller's session."""
    cases = session.scalars(select(Case).where(Case.stage == Stage.MONITORING).options(
        selectinload(Case.agreement).selectinload(Agreement.obligations),
        selectinload(Case.closure_report), selectinload(Case.monitoring_updates), selectinload(Case.inquiries),
    )).all()
    end = horizon(calendar, today)
    found: list[MonitoringDue] = []
    for case in cases:
        if case.agreement is None:
            continue
        issued = case.closure_report.issued_on if case.closure_report else case.agreement.signed_on or today
        for obligation in case.agreement.obligations:
            if obligation.status is ObligationStatus.FULFILLED:
                continue
            updates = [u.reported_on for u in case.monitoring_updates if u.obligation_id == obligation.id]
            last = max(updates, default=None)
            reasons = []
            if obligation.due_on < today:
                reasons.append(MonitoringReason.OBLIGATION_OVERDUE)
            elif obligation.due_on <= end:
                reasons.append(MonitoringReason.OBLIGATION_DUE)
            # What is due, and when: the urgency is that of the earliest of them, so that a badge never
            # says "overdue" of an obligation whose only due thing is its next update.
            due: list[date] = [obligation.due_on] if reasons else []
            next_update = (last or issued) + MONITORING_INTERVAL
            if next_update < today:
                reasons.append(MonitoringReason.UPDATE_OVERDUE)
            elif next_update <= end:
                reasons.append(MonitoringReason.UPDATE_DUE)
            if next_update <= end:
                due.append(next_update)
            if any(i.obligation_id == obligation.id and i.answered_on is None for i in case.inquiries):
                reasons.append(MonitoringReason.INQUIRY)
                due.append(today)  # an obligee waits for an answer: due now
            if reasons:
                level, _ = urgency(calendar, today, min(due))
                found.append(MonitoringDue(case.number, obligation.id, obligation.description, obligation.obligor,
                                           obligation.due_on, obligation.status, last, tuple(reasons), level))
    return sorted(found, key=lambda m: (m.urgency is not Urgency.OVERDUE, m.due_on, m.case_number))


# -- the case list ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFilters:
    stage: Stage | None = None
    path: Path | None = None
    overdue: bool = False
    year: int | None = None
    text: str = ""  # in the case number, the title, or a name of a party, agent or representative
    page: int = 1


@dataclass(frozen=True)
class CaseList:
    lines: list[CaseLine]
    total: int
    page: int
    pages: int
    years: list[int]  # every year with a case, for the filter


def case_list(session: Session, today: date, filters: CaseFilters) -> CaseList:
    """The cases that match the filters, newest first, a page at a time. Caller's session."""
    conditions = []
    if filters.stage is not None:
        conditions.append(Case.stage == filters.stage)
    if filters.path is not None:
        conditions.append(Case.path == filters.path)
    if filters.year is not None:
        conditions.append(Case.year == filters.year)
    if filters.overdue:
        conditions.append(exists().where(Deadline.case_id == Case.id, Deadline.outcome.is_(None),
                                         Deadline.due_on < today))
    text = filters.text.strip()
    if text:
        conditions.append(_matches(text))
    total = session.scalar(select(func.count(Case.id)).where(*conditions)) or 0
    pages = max(1, -(-total // CASES_PER_PAGE))
    page = min(max(1, filters.page), pages)
    query = _lines_query().where(*conditions).order_by(Case.year.desc(), Case.sequence.desc()) \
        .limit(CASES_PER_PAGE).offset((page - 1) * CASES_PER_PAGE)
    years = list(session.scalars(select(Case.year).distinct().order_by(Case.year.desc())))
    return CaseList([_line(case, today) for case in session.scalars(query)], total, page, pages, years)


def _matches(text: str) -> ColumnElement[bool]:
    """The case number or title contains `text`, or a name on either side does (case-insensitive for
    Latin letters on both databases; LIKE's wildcards in `text` are matched as themselves)."""
    def like(column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        return column.icontains(text, autoescape=True)

    side_names = or_(
        exists().where(Party.side_id == Side.id, like(Party.full_name)),
        exists().where(Agent.side_id == Side.id, like(Agent.name)),
        exists().where(Representative.side_id == Side.id, like(Representative.name)),
    )
    return or_(like(Case.number), like(Case.title), exists().where(and_(Side.case_id == Case.id, side_names)))


def _lines_query() -> Select[Case]:
    return select(Case).options(selectinload(Case.sides).selectinload(Side.members),
                                selectinload(Case.deadlines))


def _line(case: Case, today: date) -> CaseLine:
    names = {side.role: side.display_name for side in case.sides if side.members}
    open_due = [d.due_on for d in case.deadlines if d.is_open]
    return CaseLine(case.number, case.title, case.stage, case.path, case.received_on,
                    names.get(SideRole.APPLICANT, ""), names.get(SideRole.RESPONDENT, ""),
                    min(open_due, default=None), sum(1 for due in open_due if due < today))


# -- working days for a date picker ------------------------------------------------------------

@dataclass(frozen=True)
class Day:
    day: date
    working: bool
    in_month: bool
    today: bool


@dataclass(frozen=True)
class Month:
    """A month of the official calendar, Monday first, as a date picker shows it."""

    first: date
    weeks: list[list[Day]]
    published: bool  # False: the year's schedule is an estimate (PROCEDURE.md §3: provisional)
    previous: date
    next: date


def month(calendar: WorkingCalendar, around: date, today: date) -> Month:
    """The month of `around` with its working days. No session."""
    first = around.replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = first.replace(day=monthdays.monthrange(first.year, first.month)[1])
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    cells = [Day(d, calendar.is_working_day(d), d.month == first.month, d == today) for d in days]
    return Month(first, [cells[i:i + 7] for i in range(0, len(cells), 7)], calendar.is_published(first.year),
                 first - relativedelta(months=1), first + relativedelta(months=1))


def next_working_days(calendar: WorkingCalendar, after: date, count: int = HORIZON_WORKING_DAYS) -> list[date]:
    """The `count` working days after `after`. No session."""
    found: list[date] = []
    day = after
    while len(found) < count:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            found.append(day)
    return found


def recent_working_days(calendar: WorkingCalendar, until: date, count: int = HORIZON_WORKING_DAYS) -> list[date]:
    """`until` if it is a working day and the working days before it, newest first, `count` in all:
    the dates an act is usually recorded on (acts cannot be dated in the future). No session."""
    found: list[date] = []
    day = until
    while len(found) < count:
        if calendar.is_working_day(day):
            found.append(day)
        day -= timedelta(days=1)
    return found
