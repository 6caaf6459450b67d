"""Deadline rows of a case: opened, moved, extended and closed as the case moves.

The arithmetic lives in cases.timelimits and the rules in cases.rules; this module
keeps the record of each time limit and its status.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cases.calendar import WorkingCalendar
from cases.models import Case, Deadline, Extension
from cases.rules import Limit, Unit, get_rule
from cases.timelimits import due_date, extend
from cases.vocabulary import DeadlineOutcome, DeadlineStatus, SideRole


def open_deadline(calendar: WorkingCalendar, case: Case, rule_id: str, trigger_on: date,
                  subject: str = "") -> Deadline:
    computed = due_date(calendar, get_rule(rule_id).limit, trigger_on)
    deadline = Deadline(rule=rule_id, subject=subject, trigger_on=trigger_on,
                        original_due_on=computed.due, due_on=computed.due,
                        provisional=computed.provisional)
    case.deadlines.append(deadline)
    return deadline


def find_open(case: Case, rule_id: str, subject: str = "") -> Deadline | None:
    for deadline in reversed(case.deadlines):
        if deadline.rule == rule_id and deadline.subject == subject and deadline.is_open:
            return deadline
    return None


def find_latest(case: Case, rule_id: str, subject: str = "") -> Deadline | None:
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


def refresh_provisional(calendar: WorkingCalendar, case: Case) -> list[Deadline]:
    """Recount provisional deadlines once their years' official schedules are known.

    Returns the deadlines whose due date or provisional flag changed.
    """
    changed = []
    for deadline in case.deadlines:
        if deadline.provisional and deadline.is_open:
            before = (deadline.due_on, deadline.provisional)
            _recount(calendar, deadline)
            if (deadline.due_on, deadline.provisional) != before:
                changed.append(deadline)
    return changed


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
    subject: str
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
            "case": self.case_number, "rule": self.rule, "subject": self.subject or None,
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
