"""Release by duration: when a decision's date has passed or its stage is reached, its items are released,
and the release is an event of the case's audit chain (第六章第2.2条: a decision sets 保密的期限).

Run whenever the case is touched (ProcedureCore.advance, before every act, and after every act that
moves the case: ProcedureCore._audit), and by `casedocs confidentiality release`. A date releases the
items the day after it whether or not anyone touched the case (cases.confidentiality.withholding.released
reads the date), so the record only lags in the audit chain, never in what is shown; a stage releases
them when the release is recorded, in the same unit of work as the act that reached it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit
from cases.events import AuditAction
from cases.confidentiality.withholding import Ground, stage_reached

if TYPE_CHECKING:
    from cases.models import Case

RELEASE_ACTOR = "system (confidentiality duration)"


@dataclass(frozen=True)
class Released:
    case_number: str
    request_id: int
    reference: str  # MVC-2025-0002/C-1
    released_on: date
    until: str      # the date or the stage that ran out


def release_due(session: Session, case: Case, on: date) -> list[Released]:
    """Release every granted decision of `case` whose duration has run out by `on`, each audited once.
    Pending requests are never released by time: they withhold until decided (第六章第2.2条)."""
    done: list[Released] = []
    for request in case.confidentiality_requests:
        if request.decided_on is None or not request.granted or request.released_on is not None:
            continue
        ground = Ground(case.number, request.sequence, True, request.id)
        if request.decided_release_after is not None and on > request.decided_release_after:
            released_on = request.decided_release_after + timedelta(days=1)
            after = request.decided_release_after.isoformat()
            until_zh, until_en = f"至{after}", f"until {after}"
        elif request.decided_release_at_stage is not None and stage_reached(case.stage,
                                                                             request.decided_release_at_stage):
            released_on = on
            stage = request.decided_release_at_stage
            until_zh, until_en = f"至{stage.zh}阶段", f"until the stage {stage.en}"
        else:
            continue
        stored = _stored_release(session, request.id)
        if stored is not None:  # another process released it since the case was read
            request.released_on = stored
            continue
        request.released_on = released_on
        audit.append(session, case.number, RELEASE_ACTOR, AuditAction.CONFIDENTIALITY_RELEASED.value,
                     on=request.released_on,
                     detail={"request": request.id, "reference": ground.reference("en"),
                             "reference_zh": ground.reference("zh"), "until_zh": until_zh, "until_en": until_en,
                             "items": [str(ref) for ref in request.decided_items],
                             "audience": list(request.decided_audience)})
        done.append(Released(case.number, request.id, ground.reference("en"), request.released_on, until_en))
    return done


def _stored_release(session: Session, request_id: int) -> date | None:
    """The release date as stored now, the request's row locked until this transaction ends (PostgreSQL): two
    processes touching the case at once record one release, not two."""
    from cases.models import ConfidentialityRequest

    with session.no_autoflush:
        return session.execute(select(ConfidentialityRequest.released_on)
                               .where(ConfidentialityRequest.id == request_id).with_for_update()).scalar_one()
