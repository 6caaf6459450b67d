"""The tamper-evident audit trail."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from cases import audit
from cases.models import AuditEvent
from factories import file_case, to_invited


def _events(proc, number: str) -> list[AuditEvent]:
    return list(proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == number).order_by(AuditEvent.seq)))


def test_every_action_appends_a_linked_event(proc) -> None:
    case = to_invited(proc, file_case(proc))
    events = _events(proc, case.number)
    assert [e.action for e in events] == ["file_application", "accept", "send_invitation", "record_delivery"]
    assert events[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    assert events[1].actor == "officer.test" and events[1].on == date(2025, 3, 12)
    assert audit.verify_chain(proc.session, case.number).intact


def test_an_altered_event_is_named(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.session.flush()
    proc.session.execute(update(AuditEvent).where(AuditEvent.chain == case.number, AuditEvent.seq == 2)
                         .values(detail={"forged": True}))
    proc.session.expire_all()
    report = audit.verify_chain(proc.session, case.number)
    assert (report.intact, report.first_broken_seq) == (False, 2)
    assert "altered" in report.problem


def test_a_removed_or_reordered_event_is_named(proc) -> None:
    case = to_invited(proc, file_case(proc))
    proc.session.flush()
    third = _events(proc, case.number)[2]
    proc.session.delete(third)
    proc.session.flush()
    report = audit.verify_chain(proc.session, case.number)
    assert (report.intact, report.first_broken_seq) == (False, 3)
    assert "missing" in report.problem


def test_roster_changes_go_to_the_system_chain(proc) -> None:
    from cases.vocabulary import ResourceKind

    proc.add_resource(ResourceKind.EXPERT, "Dr. Laurent")
    assert [e.action for e in _events(proc, audit.SYSTEM_CHAIN)] == ["add_resource"]
