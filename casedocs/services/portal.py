"""What a party and a monitor see of their cases in the portal (issue 12), read through the same
record, rules and confidentiality model as the console, from their own point of view.

A party sees, for its side: the stage, what it must do and by when (the time limits whose actor is
its side or both sides) and what the secretariat and the others owe it, the instruments addressed to
its side as issued, and the case named as its audience may see it (cases.confidentiality: the title
never names what is withheld from it). Opening an instrument sent to it through the portal is its
delivery (送达, channel "portal"): the clocks that run from delivery start then, as when the
secretariat records a delivery by post or email.

A monitor sees its cases' obligations: status, timetable and the latest update (第五章第2条), the
obligor's progress reports with their evidence, and the monitoring that falls due by the agreement's
timetable — by the dashboard's own rule (console.monitoring_due), never a copy of it. It sees them as
the secretariat does, deliberately: see `monitor_case`.

Session rule: caller's session (through the Procedure given), except where said.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from cases.confidentiality.audiences import Audience
from cases.errors import NotFoundError, ProcedureError
from cases.instruments import Subject
from cases.lifecycle import VersionStatus
from cases.models import Case, Deadline, DocumentVersion
from cases.procedure import Procedure
from cases.rules import Actor, get_rule
from cases.tracker import status as deadline_status
from cases.vocabulary import Channel, DeadlineStatus, ObligationStatus, SideRole, Stage
from casedocs.services import confidentiality, delivering, obligations
from casedocs.services.casefiles import download_name
from casedocs.services.casepage import load_case
from casedocs.services.console import MonitoringDue, Urgency, monitoring_due, urgency

_OWN_ACTORS = {SideRole.APPLICANT: frozenset({Actor.BOTH_SIDES}),
               SideRole.RESPONDENT: frozenset({Actor.RESPONDENT, Actor.BOTH_SIDES})}


@dataclass(frozen=True)
class PartyDeadline:
    rule: str
    subject: Subject | None
    what_zh: str
    what_en: str
    basis_zh: str
    basis_en: str
    due_on: date
    provisional: bool
    status: DeadlineStatus
    urgency: Urgency | None  # open ones only
    theirs: bool             # this side (or both sides) must act; else the secretariat or another


@dataclass(frozen=True)
class PartyFile:
    id: int
    edition: str
    version: int
    revision: int
    verification_code: str
    issued_at: datetime | None


@dataclass(frozen=True)
class PartyDocument:
    """An instrument sent to this side, with the issued files it may open."""

    delivery_id: int
    instrument: str
    subject: Subject | None
    channel: Channel
    sent_on: date
    delivered_on: date | None
    files: list[PartyFile]


@dataclass(frozen=True)
class PartyCase:
    number: str
    title: str  # as this side may see it
    stage: Stage
    side: SideRole
    deadlines: list[PartyDeadline]  # open first (soonest first), then the closed
    documents: list[PartyDocument]


def party_case(proc: Procedure, number: str, side: SideRole, today: date, lang: str) -> PartyCase:
    """The case as `side` sees it today (brought up to today first, as every reading of a case is).
    `lang`: "zh" or "en", for the title."""
    case = load_case(proc.session, number)
    proc.advance(case, today)
    view = confidentiality.view_of(proc, case, Audience.of_side(side), today)
    rows = [_deadline(proc, d, side, today) for d in case.deadlines]
    ordered = sorted((r for r in rows if r.urgency is not None), key=lambda r: r.due_on) + \
        [r for r in rows if r.urgency is None]
    return PartyCase(case.number, view.title(lang), case.stage, side, ordered, _documents(proc, case, side))


def _deadline(proc: Procedure, deadline: Deadline, side: SideRole, today: date) -> PartyDeadline:
    rule = get_rule(deadline.rule)
    return PartyDeadline(deadline.rule, deadline.subject, rule.what_zh, rule.what_en[:1].upper() + rule.what_en[1:],
                         rule.limit.basis_zh,
                         rule.limit.basis_en, deadline.due_on, deadline.provisional, deadline_status(deadline, today),
                         urgency(proc.calendar, today, deadline.due_on)[0] if deadline.is_open else None,
                         rule.actor in _OWN_ACTORS[side])


def _documents(proc: Procedure, case: Case, side: SideRole) -> list[PartyDocument]:
    """The instruments sent to `side`, newest first, each with its issued PDFs (never a draft) of the side's
    own rendering only (issue 11, 第六章第2.2条: a document delivered to a side is that side's rendering).
    Where the side's rendering is not issued yet, no file: never the secretariat's rendering instead, which
    shows what may be withheld from the side."""
    sent = [d for d in case.deliveries if d.addressee_side is side]
    issued = proc.session.execute(select(DocumentVersion.id, DocumentVersion.instrument, DocumentVersion.subject,
                                         DocumentVersion.edition, DocumentVersion.version, DocumentVersion.revision,
                                         DocumentVersion.verification_code, DocumentVersion.issued_at)
                                  .where(DocumentVersion.case_id == case.id, DocumentVersion.format == "pdf",
                                         DocumentVersion.status == VersionStatus.ISSUED,
                                         DocumentVersion.audience == Audience.of_side(side))
                                  .order_by(DocumentVersion.edition, DocumentVersion.version.desc(),
                                            DocumentVersion.revision.desc())).all()
    found = []
    for delivery in sorted(sent, key=lambda d: (d.sent_on, d.id), reverse=True):
        files: dict[str, PartyFile] = {}
        for row in issued:
            if row.instrument == delivery.instrument and row.subject == delivery.subject and row.edition not in files:
                files[row.edition] = PartyFile(row.id, row.edition, row.version, row.revision,
                                               row.verification_code, row.issued_at)
        found.append(PartyDocument(delivery.id, delivery.instrument, delivery.subject, delivery.channel,
                                   delivery.sent_on, delivery.delivered_on, list(files.values())))
    return found


@dataclass(frozen=True)
class Opened:
    data: bytes
    name: str
    delivered_now: bool  # this opening was the instrument's delivery (channel portal)


def open_document(proc: Procedure, number: str, side: SideRole, file_id: int, today: date) -> Opened:
    """An issued file of an instrument sent to `side`; when it was sent through the portal and not
    yet delivered, opening it is its delivery, recorded as the procedure records any delivery (its
    clocks start, the act is in the audit chain with the party as actor). NotFoundError for any file
    the side may not open (the same answer as for no file), another audience's rendering included
    (issue 11: a side opens only its own)."""
    case = load_case(proc.session, number)
    row = proc.session.get(DocumentVersion, file_id)
    if row is None or row.case_id != case.id or row.status is not VersionStatus.ISSUED or row.format != "pdf" \
            or row.audience is not Audience.of_side(side):
        raise NotFoundError(f"no file {file_id} for this side in {number}")
    deliveries = [d for d in case.deliveries
                  if d.addressee_side is side and d.instrument == row.instrument and d.subject == row.subject]
    if not deliveries:
        raise NotFoundError(f"no file {file_id} for this side in {number}")
    pending = next((d for d in reversed(deliveries) if d.channel is Channel.PORTAL and d.delivered_on is None), None)
    if pending is not None:
        try:
            delivered = proc.record_delivery(case, pending.instrument, max(today, pending.sent_on), side=side,
                                             delivery_id=pending.id)
            delivering.name_opened(proc, case, delivered, row)  # the delivery names the file: the side's own
        except ProcedureError:  # the case moved on to where no delivery is recorded: still readable
            pending = None
    store = proc.store
    if store is None:
        raise NotFoundError("no document store")
    return Opened(store.get(row.sha256), download_name(number, row), pending is not None)


@dataclass(frozen=True)
class MonitoredObligation:
    id: int
    obligor: SideRole
    obligee: SideRole
    description: str
    due_on: date
    status: ObligationStatus
    last_update_on: date | None
    last_update: str
    urgency: Urgency
    evidence: tuple[obligations.EvidenceView, ...]  # the latest update's
    reports: tuple[obligations.ReportView, ...]  # the obligor's progress reports, oldest first (第五章第1条)


@dataclass(frozen=True)
class MonitorCase:
    number: str
    stage: Stage
    obligations: list[MonitoredObligation]
    due: list[MonitoringDue]  # what falls due, as the officer's dashboard shows it


def monitor_due(proc: Procedure, number: str, today: date) -> list[MonitoringDue]:
    """The case's monitoring that falls due: the dashboard's list (console.monitoring_due), this case only."""
    return [d for d in monitoring_due(proc.session, proc.calendar, today) if d.case_number == number]


def monitor_case(proc: Procedure, number: str, today: date) -> MonitorCase:
    """A monitored case's obligations: status, timetable, the latest update and the obligor's progress
    reports with their evidence files.

    Deliberately the secretariat's view, not an audience's rendering: a monitor acts for the
    secretariat, which 主动进行…监测 the performance and effect of the agreement itself (第五章第2条), and
    a report goes to the obligee and the secretariat (第五章第1条). So the obligations, the updates and
    the reports are shown here as the secretariat sees them (no confidentiality placeholder), and the
    reports' evidence downloads as the secretariat's do (obligations.evidence_file with no side) — for
    the monitor's own cases only, which the route's case grant (CaseArea.MONITORING) ensures. The
    documents a monitor downloads are the public renderings (the sealed closure report and summary on
    the register): it has no route to another audience's rendering, and web.access.reader_audience
    gives it the public's; its monitoring updates go into every edition's report, each rendered for
    its own audience (casedocs.services.monitoring)."""
    case = load_case(proc.session, number)
    proc.advance(case, today)
    if case.agreement is None:
        return MonitorCase(case.number, case.stage, [], [])
    reports = obligations.reports_by_obligation(proc.session, case)
    updates = obligations.updates_by_obligation(proc.session, case)
    rows = []
    for obligation in case.agreement.obligations:
        last = updates[obligation.id][-1] if obligation.id in updates else None
        rows.append(MonitoredObligation(obligation.id, obligation.obligor, obligation.obligee, obligation.description,
                                        obligation.due_on, obligation.status, last.reported_on if last else None,
                                        last.text if last else "",
                                        Urgency.LATER if obligation.status is ObligationStatus.FULFILLED
                                        else urgency(proc.calendar, today, obligation.due_on)[0],
                                        last.files if last else (), reports.get(obligation.id, ())))
    return MonitorCase(case.number, case.stage, rows, monitor_due(proc, number, today))

