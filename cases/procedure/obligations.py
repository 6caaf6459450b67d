"""Performance of the agreement: the obligor's reports and the obligee's inquiries (第五章第1条, 第2条).

- 第五章第1条: the obligor "积极向义务相对方及秘书处反馈方案实施的主要步骤、成果及影响义务履行的情形".
  Only the side that bears an obligation reports on it (its steps, results and what affects
  performance), with evidence files kept in the content-addressed store.
- 第五章第2条: an obligee without feedback "可向秘书处问询问题解决方案实施进度"; only the side an
  obligation is owed to asks about it, and the secretariat answers after collecting progress from the
  obligor. The procedure sets no time limit for the answer, so the secretariat's own is used:
  `inquiry_answer_days` working days of the official calendar (cases.calendar.WorkingCalendar) from
  the day the inquiry is received, 10 unless configured (`CASEDOCS_INQUIRY_ANSWER_DAYS`, set on the
  engine by casedocs.app). It is not one of the 16 rules of §3 (cases.rules): it binds the
  secretariat's service, not a party.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path as FilePath, PurePosixPath

from sqlalchemy import select

from cases.application import FileIn
from cases.calendar import WorkingCalendar
from cases.errors import NotFoundError
from cases.models import Case, ObligeeInquiry
from cases.obligation_reports import ObligationReport, ObligationReportFile
from cases.procedure.closure import ClosureActions
from cases.procedure.core import Action
from cases.rules import Limit, Unit
from cases.store import MAX_UPLOAD_BYTES, sniff
from cases.timelimits import DueDate, due_date
from cases.vocabulary import SideRole

INQUIRY_ANSWER_DAYS = 10
MAX_NAME = 200


def inquiry_answer_due(calendar: WorkingCalendar, received_on: date, days: int = INQUIRY_ANSWER_DAYS) -> DueDate:
    """When the secretariat's answer to an inquiry received on `received_on` is due (see the module)."""
    return due_date(calendar, Limit(days, Unit.WORKING_DAYS), received_on)


def evidence_name_problem(name: str) -> str | None:
    """Why a file name given with evidence is refused, or None. The name is only a label (the bytes are
    kept by their sha256), but it is offered back in downloads: a folder part, `..`, a control
    character or a hidden-file dot could make a reader's browser or unzip write outside its folder."""
    if not name.strip():
        return "the file has no name"
    if len(name) > MAX_NAME:
        return f"the file name is longer than {MAX_NAME} characters"
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "the file name contains a control character"
    if "/" in name or "\\" in name or PurePosixPath(name).name != name or name.startswith("."):
        return "the file name has a folder part or starts with a dot; give the file's own name, such as report.pdf"
    return None


class ObligationActions(ClosureActions):
    inquiry_answer_days: int = INQUIRY_ANSWER_DAYS

    def report_progress(self, case: Case, obligation_id: int, side: SideRole, steps: str, results: str,
                        on: date, circumstances: str = "",
                        evidence: Sequence[tuple[FileIn, FilePath]] = ()) -> ObligationReport:
        """The obligor's report on one of its obligations to the obligee and the secretariat (第五章第1条):
        the main steps taken, their results, and what affects performance, with evidence files."""
        self._begin(case, Action.REPORT_PROGRESS, on)
        obligation = self._obligation(case, obligation_id)
        if side is not obligation.obligor:
            self._refuse(case, Action.REPORT_PROGRESS,
                         f"only the obligor of obligation {obligation_id}, the {obligation.obligor.value}, reports on "
                         f"it; the {obligation.obligee.value} may ask the secretariat about its progress")
        if not steps.strip() or not results.strip():
            self._refuse(case, Action.REPORT_PROGRESS, "a progress report states the steps taken and their results")
        assert case.closure_report is not None  # monitoring follows the closure report
        self._check_date(case, Action.REPORT_PROGRESS, on, not_before=case.closure_report.issued_on,
                         what="the report")
        files = [self._evidence(case, ref, base) for ref, base in evidence]
        report = ObligationReport(case_id=case.id, obligation_id=obligation.id, side=side, reported_by=self.actor,
                                  reported_on=on, steps=steps.strip(), results=results.strip(),
                                  circumstances=circumstances.strip(), files=files)
        self.session.add(report)
        self.session.flush()
        self._audit(case, "report_progress", on, report=report.id, obligation=obligation.id, side=side,
                    files=[f.sha256 for f in files])
        return report

    def _evidence(self, case: Case, ref: FileIn, base_dir: FilePath) -> ObligationReportFile:
        name = ref.original_name
        problem = evidence_name_problem(name)
        if problem is not None:
            self._refuse(case, Action.REPORT_PROGRESS, f"evidence {name!r} is refused: {problem}")
        data = ref.read(base_dir)  # a path stays inside base_dir (cases.files.read_inside)
        if len(data) > MAX_UPLOAD_BYTES:
            self._refuse(case, Action.REPORT_PROGRESS, f"evidence {name!r} is larger than "
                                                       f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        media_type = sniff(name, data)
        digest = self._require_store().put(data)
        return ObligationReportFile(original_name=name, media_type=media_type, sha256=digest, size=len(data))

    def record_inquiry(self, case: Case, obligation_id: int, asked_by: SideRole, question: str,
                       on: date) -> ObligeeInquiry:
        """An obligee without feedback asks the secretariat about progress (第五章第2条); the answer is
        due in `inquiry_answer_days` working days (the procedure sets no limit: see the module)."""
        self._begin(case, Action.RECORD_INQUIRY, on)
        obligation = self._obligation(case, obligation_id)
        if asked_by is not obligation.obligee:
            self._refuse(case, Action.RECORD_INQUIRY,
                         f"only the obligee of obligation {obligation_id}, the {obligation.obligee.value}, asks about "
                         f"its progress; the {obligation.obligor.value} reports on it")
        if not question.strip():
            self._refuse(case, Action.RECORD_INQUIRY, "an inquiry states its question")
        due = inquiry_answer_due(self.calendar, on, self.inquiry_answer_days)
        inquiry = ObligeeInquiry(obligation_id=obligation.id, asked_by=asked_by, received_on=on,
                                 question=question.strip(), due_on=due.due, due_provisional=due.provisional)
        case.inquiries.append(inquiry)
        self.session.flush()
        self._audit(case, "record_inquiry", on, inquiry=inquiry.id, obligation=obligation.id, asked_by=asked_by,
                    due=due.due, provisional=due.provisional)
        return inquiry

    def answer_inquiry(self, case: Case, inquiry_id: int, answer: str, on: date) -> ObligeeInquiry:
        """The secretariat's answer to an obligee's inquiry, after collecting progress from the obligor
        (第五章第2条); an answer after its due date is recorded as late."""
        self._begin(case, Action.ANSWER_INQUIRY, on)
        inquiry = next((i for i in case.inquiries if i.id == inquiry_id), None)
        if inquiry is None:
            raise NotFoundError(f"{case.number} has no inquiry number {inquiry_id}")
        if inquiry.answered_on is not None:
            self._refuse(case, Action.ANSWER_INQUIRY, f"inquiry {inquiry_id} was answered on {inquiry.answered_on}")
        if not answer.strip():
            self._refuse(case, Action.ANSWER_INQUIRY, "the answer is empty")
        self._check_date(case, Action.ANSWER_INQUIRY, on, not_before=inquiry.received_on, what="the answer")
        inquiry.answer, inquiry.answered_on, inquiry.answered_by = answer.strip(), on, self.actor
        late = inquiry.due_on is not None and on > inquiry.due_on
        self._audit(case, "answer_inquiry", on, inquiry=inquiry.id, obligation=inquiry.obligation_id, late=late)
        return inquiry

    def obligation_reports(self, case: Case) -> list[ObligationReport]:
        """The case's progress reports, oldest first."""
        return list(self.session.scalars(select(ObligationReport).where(ObligationReport.case_id == case.id)
                                         .order_by(ObligationReport.id)))
