"""Which cases an account may see, and which parts of them: the one rule behind every web page
and API route that shows a case (web.access.case_access enforces it).

- Officers and admins see every case, all of it.
- A party sees the cases of the sides it is tied to (AccountSide); what its side may see inside a
  case (confidentiality per audience) is the confidentiality issue's, carried here as `sides`.
- A monitor sees only the agreement, the closure reports and the monitoring of the cases it is
  tied to (AccountCase): PROCEDURE.md gives monitors the follow-up of obligations, not the file.

Session rule: caller's session (reads only).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.accounts import AccountCase, AccountSide, Role
from cases.models import Case, Side
from cases.vocabulary import SideRole


class CaseArea(StrEnum):
    """A part of a case that a page or route shows."""

    RECORD = "record"          # parties, stage, timeline, deadlines, documents
    AUDIT = "audit"            # the audit trail
    AGREEMENT = "agreement"
    CLOSURE = "closure"        # closure reports
    MONITORING = "monitoring"


_MONITOR_AREAS = frozenset({CaseArea.AGREEMENT, CaseArea.CLOSURE, CaseArea.MONITORING})
_PARTY_AREAS = frozenset({CaseArea.RECORD, CaseArea.AGREEMENT, CaseArea.CLOSURE, CaseArea.MONITORING})


@dataclass(frozen=True)
class CaseGrant:
    """What one account may see of one case."""

    case_id: int
    number: str
    areas: frozenset[CaseArea]
    sides: frozenset[SideRole]  # the party's sides; empty for staff and monitors

    def allows(self, area: CaseArea) -> bool:
        return area in self.areas


def case_grant(session: Session, account_id: int, role: Role, number: str) -> CaseGrant | None:
    """The account's grant on case `number`, or None when it may see nothing of it (or there is no
    such case: the caller cannot tell the two apart, and must not let anyone else tell)."""
    case_id = session.scalars(select(Case.id).where(Case.number == number)).first()
    if case_id is None:
        return None
    if role.is_staff:
        return CaseGrant(case_id, number, frozenset(CaseArea), frozenset())
    if role is Role.MONITOR:
        tied = session.scalars(select(AccountCase.id).where(AccountCase.account_id == account_id,
                                                            AccountCase.case_id == case_id)).first()
        return CaseGrant(case_id, number, _MONITOR_AREAS, frozenset()) if tied is not None else None
    sides = frozenset(session.scalars(
        select(Side.role).join(AccountSide, AccountSide.side_id == Side.id)
        .where(AccountSide.account_id == account_id, Side.case_id == case_id)))
    return CaseGrant(case_id, number, _PARTY_AREAS, sides) if sides else None


def visible_case_numbers(session: Session, account_id: int, role: Role) -> list[str] | None:
    """The numbers of the cases the account is tied to; None for staff (every case)."""
    if role.is_staff:
        return None
    if role is Role.MONITOR:
        query = select(Case.number).join(AccountCase, AccountCase.case_id == Case.id) \
            .where(AccountCase.account_id == account_id)
    else:
        query = select(Case.number).join(Side, Side.case_id == Case.id) \
            .join(AccountSide, AccountSide.side_id == Side.id).where(AccountSide.account_id == account_id)
    return sorted(set(session.scalars(query)))
