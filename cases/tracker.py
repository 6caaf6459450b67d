"""Deadline rows of a case: opened, moved, extended and closed as the case moves.

The arithmetic lives in cases.timelimits and the rules in cases.rules; this module
keeps the record of each time limit and its status.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.calendar import WorkingCalendar
from cases.instruments.subject import Subject, subject_text
from cases.models import Case, Deadline, Extension
from cases.rules import Limit, Unit, get_rule
from cases.timelimits import due_date, extend
from cases.vocabulary import DeadlineOutcome, DeadlineStatus, SideRole


def open_deadline(calendar: WorkingCalendar, case: Case, rule_id: str, trigger_on: date,
                  subject: Subject | None = None) -> Deadline:
    computed = due_date(calendar, get_rule(rule_id).limit, trigger_on)
    deadline = Deadline(rule=rule_id, subject=subject, trigger_on=trigger_on,
                        original_due_on=computed.due, due_on=computed.due,
                        provisional=computed.provisional)
    case.deadlines.append(deadline)
    return deadline


def find_open(case: Case, rule_id: str, subject: Subject | None = None) -> Deadline | None:
    for deadline in reversed(case.deadlines):
        if deadline.rule == rule_id and deadline.subject == subject and deadline.is_open:
            return deadline
    return None


def find_latest(case: Case, rule_id: str, subject: Subject | None = None) -> Deadline | None:
    for deadline in reversed(case.deadlines):
        if deadline.rule == rule_id and deadline.subject == subject:
            return deadline
    return None


def close(deadline: Deadline | None, on: date, outcome: DeadlineOutcome) -> None:
    if deadline is not None and deadline.is_open:
        deadline.closed_on = on
        deadline.outcome = outcome


def retrigger(calendar: WorkingCalendar, deadline: Deadline, trigger_on: date) -> None:
    """The trigger was recorded again (e.g. a corrected delivery date): recount from it,
    keeping any extensions granted since."""
    deadline.trigger_on = trigger_on
    _recount(calendar, deadline)


def add_extension(calendar: WorkingCalendar, deadline: Deadline, limit: Limit, *,
                  requested_by: SideRole, decided_by: str, decided_on: date, reason: str) -> Extension:
    extended = extend(calendar, deadline.due_on, limit)
    extension = Extension(requested_by=requested_by, decided_by=decided_by, decided_on=decided_on,
                          reason=reason, amount=limit.amount, unit=limit.unit.value,
                          previous_due_on=deadline.due_on, new_due_on=extended.due)
    deadline.extensions.append(extension)
    deadline.due_on = extended.due
    deadline.provisional = deadline.provisional or extended.provisional
    return extension


def _recount(calendar: WorkingCalendar, deadline: Deadline) -> None:
    computed = due_date(calendar, get_rule(deadline.rule).limit, deadline.trigger_on)
    deadline.original_due_on = computed.due
    due, provisional = computed.due, computed.provisional
    for extension in deadline.extensions:
        extension.previous_due_on = due
        extended = extend(calendar, due, Limit(extension.amount, Unit(extension.unit)))
        extension.new_due_on = due = extended.due
        provisional = provisional or extended.provisional
    deadline.due_on = due
    deadline.provisional = provisional


@dataclass(frozen=True)
class Recount:
    """An open deadline counted again on the current calendar, with the dates it had before."""

    deadline: Deadline
    previous_due: date
    previous_provisional: bool

    def as_detail(self) -> dict[str, object]:
        """What the audit trail records of the move."""
        return {"rule": self.deadline.rule, "subject": subject_text(self.deadline.subject),
                "previous_due": self.previous_due, "due": self.deadline.due_on,
                "previous_provisional": self.previous_provisional, "provisional": self.deadline.provisional}


def recount_open(calendar: WorkingCalendar, case: Case) -> list[Recount]:
    """Count every open deadline of `case` again on `calendar`; return those whose due date or
    provisional flag moved.

    Why every open one and not only the provisional ones: the working calendar (PROCEDURE.md §3)
    changes under deadlines already counted, when a year's official schedule is published and when
    the secretariat adds an office closure to the overrides of a published year (issue 9). Due dates
    are a function of trigger, rule, extensions and calendar, so counting again and comparing finds
    every change without storing a fingerprint of the calendar; a case has a handful of open
    deadlines and the calendar caches its days. Closed deadlines (met, missed, lapsed, cancelled)
    keep the dates they were judged by.
    """
    moved = []
    for deadline in case.deadlines:
        if deadline.is_open:
            before = (deadline.due_on, deadline.provisional)
            _recount(calendar, deadline)
            if (deadline.due_on, deadline.provisional) != before:
                moved.append(Recount(deadline, *before))
    return moved


def status(deadline: Deadline, today: date) -> DeadlineStatus:
    match deadline.outcome:
        case None:
            return DeadlineStatus.OVERDUE if today > deadline.due_on else DeadlineStatus.PENDING
        case DeadlineOutcome.DONE:
            assert deadline.closed_on is not None
            return DeadlineStatus.MET if deadline.closed_on <= deadline.due_on else DeadlineStatus.MISSED
        case DeadlineOutcome.LAPSED:
            return DeadlineStatus.LAPSED
        case DeadlineOutcome.CANCELLED:
            return DeadlineStatus.CANCELLED
    raise AssertionError(deadline.outcome)


@dataclass(frozen=True)
class DeadlineView:
    """A deadline as people and scripts see it."""

    case_number: str
    rule: str
    subject: Subject | None
    actor: str
    what_en: str
    what_zh: str
    basis: str
    trigger_on: date
    due_on: date
    original_due_on: date
    provisional: bool
    status: DeadlineStatus
    closed_on: date | None
    extensions: int

    def as_json(self) -> dict[str, object]:
        return {
            "case": self.case_number, "rule": self.rule, "subject": str(self.subject) if self.subject else None,
            "actor": self.actor, "what": self.what_en, "basis": self.basis,
            "start": self.trigger_on.isoformat(), "due": self.due_on.isoformat(),
            "original_due": self.original_due_on.isoformat(), "provisional": self.provisional,
            "status": self.status.value, "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "extensions": self.extensions,
        }


def view(case: Case, deadline: Deadline, today: date) -> DeadlineView:
    rule = get_rule(deadline.rule)
    return DeadlineView(case.number, deadline.rule, deadline.subject, rule.actor.value, rule.what_en,
                        rule.what_zh, rule.limit.basis_en, deadline.trigger_on, deadline.due_on,
                        deadline.original_due_on, deadline.provisional, status(deadline, today),
                        deadline.closed_on, len(deadline.extensions))
