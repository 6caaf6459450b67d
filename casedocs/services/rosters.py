"""The secretariat's rosters and who is enrolled to sign, as the console lists them (第五章: the
expert network, fact-finding and assessment bodies and the internal experts, with every appointment
made from them)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Appointment, Case, Signer, SupportResource


@dataclass(frozen=True)
class RosterPage:
    resources: Sequence[SupportResource]                           # by kind, then name
    appointments: dict[int, list[tuple[Appointment, str]]]         # per resource id: (appointment, case number)


def roster_page(session: Session) -> RosterPage:
    """Every roster entry and the appointments made from it, newest first. Caller's session, two queries."""
    resources = session.scalars(select(SupportResource).order_by(SupportResource.kind, SupportResource.name)).all()
    made: dict[int, list[tuple[Appointment, str]]] = {}
    for appointment, number in session.execute(select(Appointment, Case.number)
                                               .join(Case, Case.id == Appointment.case_id)
                                               .order_by(Appointment.appointed_on.desc())):
        made.setdefault(appointment.resource_id, []).append((appointment, number))
    return RosterPage(resources, made)


def support_resources(session: Session) -> Sequence[SupportResource]:
    """The roster by name: what an appointment's form offers. Caller's session."""
    return session.scalars(select(SupportResource).order_by(SupportResource.name)).all()


def signatories(session: Session) -> list[tuple[Signer, str | None]]:
    """Everyone enrolled to sign, with their case's number (None for a monitor enrolled for no one
    case), by case and side. Caller's session."""
    return list(session.execute(select(Signer, Case.number).outerjoin(Case, Case.id == Signer.case_id)
                                .order_by(Case.number, Signer.side, Signer.id)))
