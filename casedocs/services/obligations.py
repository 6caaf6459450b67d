"""Performance of the agreement on the web (issue 12, "Obligations"): an obligor's progress reports and an
obligee's inquiries, as a party and the secretariat see them, and the acts that make them.

Who sees what (第五章第1条, 第2条; issue 11's audiences):

- a report goes "to the obligee and the secretariat" (第五章第1条): the obligor side and the obligee side of
  the obligation see it, with its evidence files; nobody else among the parties does. A monitor acts for
  the secretariat (第五章第2条: 秘书处对方案实施进度及效果主动进行…监测), so it sees the reports on its own
  cases' obligations and downloads their evidence as the secretariat does (`reports_by_obligation`,
  `evidence_file` with no side), within its cases only (the route's case grant);
- the monitors' updates and their evidence files are the secretariat's to follow (第五章第2条): its page
  lists them per obligation (`ObligationView.updates`); a side reads them in the closure report instead;
- an inquiry is the obligee's question to the secretariat (第五章第2条): the obligee sees its inquiries with
  their due date and answer; the obligor is asked by the secretariat, not shown the inquiry;
- the public sees none of it (only what the published closure report shows, web/public);
- an obligation withheld from a side by a confidentiality decision (`obligation:N`) is shown to it by its
  placeholder, as every rendering does (cases.confidentiality).

The acts are the engine's (cases.procedure.obligations): these functions only turn web input into them.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FilePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.application import FileIn
from cases.confidentiality.audiences import Audience
from cases.confidentiality.items import ItemRef, TextPart
from cases.confidentiality.withholding import withholding
from cases.errors import InvalidInputError
from cases.models import Case, MonitoringUpdate, ObligeeInquiry
from cases.monitoring_evidence import MonitoringEvidence
from cases.obligation_reports import ObligationReport, ObligationReportFile
from cases.procedure import Procedure
from cases.store import BlobStore
from cases.vocabulary import ObligationStatus, SideRole, Stage
from casedocs.services.casefiles import StoredFile
from casedocs.services.console import Urgency, urgency
from casedocs.services.posted import Upload


@dataclass(frozen=True)
class EvidenceView:
    id: int
    name: str
    size: int


@dataclass(frozen=True)
class ReportView:
    id: int
    reported_on: date
    side: SideRole
    reported_by: str
    steps: str
    results: str
    circumstances: str
    files: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class InquiryView:
    id: int
    asked_by: SideRole
    received_on: date
    question: str
    due_on: date | None
    provisional: bool
    answer: str | None
    answered_on: date | None
    answered_by: str | None
    urgency: Urgency | None  # None once answered


@dataclass(frozen=True)
class UpdateView:
    """A monitor's update as the secretariat follows it: who, when, the status it set, its text, its files."""

    id: int
    reported_on: date
    monitor: str
    status: ObligationStatus
    text: str
    files: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class ObligationView:
    id: int
    position: int  # 1-based, as the agreement numbers them
    obligor: SideRole
    obligee: SideRole
    description: str
    indicators: str
    due_on: date
    status: ObligationStatus
    reports: tuple[ReportView, ...]
    inquiries: tuple[InquiryView, ...]
    updates: tuple[UpdateView, ...] = ()  # the secretariat's view only (side None)


@dataclass(frozen=True)
class ObligationsPage:
    number: str
    stage: Stage
    side: SideRole | None  # None: the secretariat's view
    obligations: tuple[ObligationView, ...]

    @property
    def open(self) -> bool:
        """Reports, inquiries and answers are taken while the case is monitored (cases.procedure.core)."""
        return self.stage is Stage.MONITORING


def _reports(session: Session, case: Case) -> list[ObligationReport]:
    return list(session.scalars(select(ObligationReport).where(ObligationReport.case_id == case.id)
                                .order_by(ObligationReport.id)))


def _report(report: ObligationReport) -> ReportView:
    return ReportView(report.id, report.reported_on, report.side, report.reported_by, report.steps, report.results,
                      report.circumstances, tuple(EvidenceView(f.id, f.original_name, f.size) for f in report.files))


def reports_by_obligation(session: Session, case: Case) -> dict[int, tuple[ReportView, ...]]:
    """Every progress report of the case with its evidence, per obligation id, oldest first: what the
    secretariat, and the monitor acting for it (第五章第2条), follow. Caller's session."""
    found: dict[int, list[ReportView]] = {}
    for row in _reports(session, case):
        found.setdefault(row.obligation_id, []).append(_report(row))
    return {obligation: tuple(views) for obligation, views in found.items()}


def updates_by_obligation(session: Session, case: Case) -> dict[int, tuple[UpdateView, ...]]:
    """The monitors' updates of the case with their evidence files (one query), per obligation id, oldest
    first: the secretariat's page, and the latest of each on the monitor's. Caller's session."""
    updates = sorted(case.monitoring_updates, key=lambda u: (u.reported_on, u.id))
    files: dict[int, list[EvidenceView]] = {}
    if updates:
        for row in session.scalars(select(MonitoringEvidence).where(
                MonitoringEvidence.update_id.in_([u.id for u in updates])).order_by(MonitoringEvidence.id)):
            files.setdefault(row.update_id, []).append(EvidenceView(row.id, row.original_name, row.size))
    found: dict[int, list[UpdateView]] = {}
    for update in updates:
        found.setdefault(update.obligation_id, []).append(_update(update, files.get(update.id, [])))
    return {obligation: tuple(views) for obligation, views in found.items()}


def _update(update: MonitoringUpdate, files: list[EvidenceView]) -> UpdateView:
    return UpdateView(update.id, update.reported_on, update.monitor, update.status, update.text, tuple(files))


def _inquiry(proc: Procedure, inquiry: ObligeeInquiry, today: date) -> InquiryView:
    level = (urgency(proc.calendar, today, inquiry.due_on)[0]
             if inquiry.answered_on is None and inquiry.due_on is not None else None)
    return InquiryView(inquiry.id, inquiry.asked_by, inquiry.received_on, inquiry.question, inquiry.due_on,
                       inquiry.due_provisional, inquiry.answer, inquiry.answered_on, inquiry.answered_by, level)


def page(proc: Procedure, number: str, today: date, lang: str, side: SideRole | None = None) -> ObligationsPage:
    """The case's obligations for one side (those it owes or is owed, as it may see them) or, with no
    side, for the secretariat (every obligation, report, inquiry and monitoring update with its evidence)."""
    case = proc.get_case(number)
    proc.advance(case, today)
    audience = Audience.SECRETARIAT if side is None else Audience.of_side(side)
    shield = withholding(case, audience, today)
    reports = reports_by_obligation(proc.session, case)
    updates = updates_by_obligation(proc.session, case) if side is None else {}
    views = []
    for index, obligation in enumerate(case.agreement.obligations if case.agreement else []):
        if side is not None and side not in (obligation.obligor, obligation.obligee):
            continue
        inquiries = [i for i in case.inquiries if i.obligation_id == obligation.id
                     and (side is None or side is obligation.obligee)]
        views.append(ObligationView(
            obligation.id, index + 1, obligation.obligor, obligation.obligee,
            shield.text(ItemRef.obligation(index, TextPart.DESCRIPTION), obligation.description, lang),
            shield.text(ItemRef.obligation(index, TextPart.INDICATORS), obligation.indicators, lang),
            obligation.due_on, obligation.status,
            reports.get(obligation.id, ()),
            tuple(_inquiry(proc, i, today) for i in inquiries), updates.get(obligation.id, ())))
    return ObligationsPage(case.number, case.stage, side, tuple(views))


def report(proc: Procedure, number: str, side: SideRole, obligation_id: int, steps: str, results: str,
           circumstances: str, evidence: Sequence[Upload], on: date) -> ObligationReport:
    """The side's progress report (the engine refuses it unless the side is the obligor)."""
    if any(not e.name.strip() for e in evidence):
        raise InvalidInputError("an evidence file has no name; give the file's own name, such as report.pdf")
    files = [(FileIn(title=e.name, name=e.name,
                     content_base64=base64.b64encode(e.data).decode("ascii")), FilePath("."))
             for e in evidence]
    return proc.report_progress(proc.get_case(number), obligation_id, side, steps, results, on,
                                circumstances=circumstances, evidence=files)


def inquire(proc: Procedure, number: str, side: SideRole, obligation_id: int, question: str,
            on: date) -> ObligeeInquiry:
    """The side's inquiry about progress (the engine refuses it unless the side is the obligee)."""
    return proc.record_inquiry(proc.get_case(number), obligation_id, side, question, on)


def answer(proc: Procedure, number: str, inquiry_id: int, text: str, on: date) -> ObligeeInquiry:
    """The secretariat's answer to an inquiry."""
    return proc.answer_inquiry(proc.get_case(number), inquiry_id, text, on)


def evidence_file(session: Session, store: BlobStore, number: str, file_id: int,
                  side: SideRole | None = None) -> StoredFile | None:
    """An evidence file of a report, for the secretariat and the monitors of the case (no side: they act
    for it, 第五章第2条) or for a side that is the obligor or the obligee of the report's obligation
    (第五章第1条); None for anyone else, and for a file of another case, as for a file that does not exist."""
    found = session.execute(
        select(ObligationReportFile, ObligationReport).join(ObligationReport)
        .join(Case, Case.id == ObligationReport.case_id)
        .where(ObligationReportFile.id == file_id, Case.number == number)).first()
    if found is None:
        return None
    evidence, owner = found
    if side is not None and side not in (owner.obligation.obligor, owner.obligation.obligee):
        return None
    return StoredFile(store.get(evidence.sha256), evidence.media_type, evidence.original_name)
