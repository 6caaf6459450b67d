"""A case with confidential items for the confidentiality tests (issue 11): two exhibits, two applicant
members (the second a witness), an agent, two claims. The application's own request keeps the witness,
her statement (exhibit 1 of the document) and the reasons of claim 1 from the respondent until closure."""
from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from cases.application import parse_application
from cases.models import AuditEvent, Case
from cases.procedure import Procedure
from factories import BASE_APPLICATION, exhibit

WITNESS = "Amani Witness 证人甲"
SECRET_REASONS = "Reprisals MARKER-REASONS 报复记号"

APPLICATION: dict[str, Any] = {
    **copy.deepcopy(BASE_APPLICATION),
    "facts": "Seepage from the tailings facility reached the Kawama river in January.",
    "claims": [{"claim": "Independent water testing", "reasons": "No published monitoring"},
               {"claim": "Protection of the witness", "reasons": SECRET_REASONS}],
    "exhibits": [exhibit("Water sampling results"),
                 exhibit("Statement of the witness MARKER-EXHIBIT", name="witness-MARKER.txt")],
    "applicant": {
        "members": [{"category": "community", "full_name": "Kawama Village Committee",
                     "address": "Kawama, Kolwezi", "contact": "+243 970 000 101"},
                    {"category": "individual", "full_name": WITNESS, "address": "Kawama, plot 7",
                     "contact": "+243 970 000 777"}],
        "agents": [{"name": "Maître Kabila", "organisation": "Droits & Mines",
                    "power_of_attorney": exhibit("Power of attorney", name="poa.txt")}],
    },
    "confidentiality_requests": [{
        "information": "The witness, her statement and why she fears reprisals",
        "audience": ["other_side"], "duration": "until the case is closed", "reason": "reprisals",
        "items": ["exhibit:1", "identity:applicant:1", "claim:1.reasons"], "release_at_stage": "closed",
    }],
}


def file_confidential_case(proc: Procedure, **changes: Any) -> Case:
    document = copy.deepcopy(APPLICATION)
    document.update(changes)
    return proc.file_application(parse_application(document))


def actions(proc: Procedure, case: Case) -> list[AuditEvent]:
    return list(proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == case.number)
                                     .order_by(AuditEvent.seq)))
