"""Test data: application documents and helpers that drive a case to a stage."""
from __future__ import annotations

import base64
import copy
from datetime import date
from typing import Any

from cases.application import parse_application
from cases.models import Case
from cases.procedure import Procedure
from cases.vocabulary import Path, SideRole, ToolKind

A, R = SideRole.APPLICANT, SideRole.RESPONDENT
BOTH = (A, R)


def b64(text_value: str) -> str:
    return base64.b64encode(text_value.encode("utf-8")).decode("ascii")


def exhibit(title: str, name: str = "evidence.txt", body: str = "sampling results") -> dict[str, Any]:
    return {"title": title, "name": name, "content_base64": b64(body)}


def member(name: str, category: str = "community") -> dict[str, Any]:
    return {"category": category, "full_name": name, "address": f"{name} village", "contact": "+243 970 000 000"}


BASE_APPLICATION: dict[str, Any] = {
    "received_on": "2025-03-03",
    "region": "Lualaba", "country": "DRC", "industry": "Cobalt refining",
    "issue_types": ["environment"],
    "facts": "Seepage from a tailings facility reached the river.",
    "claims": [{"claim": "Independent testing", "reasons": "No published monitoring"}],
    "standards": [{"standard": "oecd_ddg_minerals", "clauses": "Annex II"}],
    "exhibits": [exhibit("Water sampling results")],
    "applicant": {"members": [{"category": "community", "full_name": "Kawama Village Committee",
                               "address": "Kawama, Kolwezi", "contact": "+243 970 000 101"}]},
    "respondent": {"members": [{"category": "company_refining", "full_name": "华钴精炼有限公司",
                                "address": "浙江省衢州市", "contact": ""}]},
}


def file_case(proc: Procedure, document: dict[str, Any] | None = None) -> Case:
    return proc.file_application(parse_application(copy.deepcopy(document or BASE_APPLICATION)))


# Each helper takes a case from the stage before it; dates are on the 2025 calendar.

def to_accepted(proc: Procedure, case: Case) -> Case:
    proc.accept(case, date(2025, 3, 12))
    return case


def to_invited(proc: Procedure, case: Case) -> Case:
    to_accepted(proc, case)
    proc.send_invitation(case, date(2025, 3, 19))
    proc.record_delivery(case, "invitation", date(2025, 3, 21), side=R)  # answer due 2025-04-21
    return case


def to_launched(proc: Procedure, case: Case) -> Case:
    to_invited(proc, case)
    proc.record_response(case, True, date(2025, 4, 1))
    proc.send_launch_notice(case, date(2025, 4, 8))
    proc.record_delivery(case, "launch_notice", date(2025, 4, 9), side=A)
    proc.record_delivery(case, "launch_notice", date(2025, 4, 10), side=R)
    return case


def to_path(proc: Procedure, case: Case, path: Path, tools: tuple[ToolKind, ...] = ()) -> Case:
    to_launched(proc, case)
    proc.recommend_triage(case, path, tools, "Complex dispute", date(2025, 4, 24))
    proc.agree_path(case, path, tools, BOTH, date(2025, 5, 6))
    return case
