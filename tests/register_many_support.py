"""A register with many cases, for the register's paging, statistics and phases (issue 13).

Each case is filed through the procedure engine (tests/factories.py) and driven to one of six ends by the
engine's own acts: accepted, invited, launched, on a path, terminated without understanding, and not launched
after the respondent declined. Its public summary is then published (Procedure.publish_summary, 第六章第1.1条)
and a public rendering of the case summary recorded as issued, as the issuing desk records it
(cases.documents.record_version): that is the register's rule (casedocs.services.register.published), and the
cheapest honest way to meet it — the bytes stand in for a sealed PDF that no test of these pages downloads."""
from __future__ import annotations

import copy
from datetime import date
from typing import Any

from cases.confidentiality.audiences import Audience
from cases.documents import record_version
from cases.lifecycle import VersionStatus
from cases.models import Case
from cases.procedure import Procedure
from cases.vocabulary import Path, TerminationGround
from casedocs.app import App
from casedocs.config import Settings
from factories import A, BASE_APPLICATION, file_case, to_accepted, to_invited, to_launched, to_path

# What varies from case to case: where, which industry, which issues, who applies.
REGIONS = ("Lualaba", "Haut-Katanga", "Copperbelt", "云南省")
INDUSTRIES = ("Cobalt refining", "Copper mining", "Lithium processing")
ISSUES = (["environment"], ["labour", "health"], ["land", "livelihoods"], ["environment", "water"])
CATEGORIES = ("community", "ngo", "individual")


def _application(i: int) -> dict[str, Any]:
    document = copy.deepcopy(BASE_APPLICATION)
    document.update(region=REGIONS[i % len(REGIONS)], industry=INDUSTRIES[i % len(INDUSTRIES)],
                    issue_types=ISSUES[i % len(ISSUES)], title=f"Register paging case {i + 1}")
    document["applicant"]["members"][0]["category"] = CATEGORIES[i % len(CATEGORIES)]
    return document


def _refused(proc: Procedure, case: Case) -> date:
    to_invited(proc, case)
    proc.record_response(case, False, date(2025, 4, 1))
    proc.send_non_launch_notice(case, date(2025, 4, 8))
    return date(2025, 4, 8)


def _terminated(proc: Procedure, case: Case) -> date:
    to_path(proc, case, Path.INTERNAL_MEDIATION)
    proc.terminate(case, TerminationGround.NO_UNDERSTANDING, "The applicant declared it would not continue.",
                   date(2025, 6, 10), declared_by=(A,))
    return date(2025, 6, 10)


def _drive(proc: Procedure, case: Case, i: int) -> date:
    """Take case number i to one of six ends; the date of its last act."""
    kind = i % 6
    if kind == 0:
        to_accepted(proc, case)
        return date(2025, 3, 12)
    if kind == 1:
        to_invited(proc, case)
        return date(2025, 3, 21)
    if kind == 2:
        to_launched(proc, case)
        return date(2025, 4, 10)
    if kind == 3:
        to_path(proc, case, Path.BILATERAL_DIALOGUE)
        return date(2025, 5, 6)
    if kind == 4:
        return _terminated(proc, case)
    return _refused(proc, case)


def register_many(settings: Settings, count: int, today: date) -> list[str]:
    """File `count` cases, drive each to its end and put it on the register: their numbers, oldest first."""
    numbers = []
    with App(settings, today=lambda: today) as app:
        for i in range(count):
            with app.procedure() as proc:
                case = file_case(proc, _application(i))
                last = _drive(proc, case, i)
                proc.publish_summary(case, f"Register paging case {i + 1}: a dispute over {case.industry}.", last)
                record_version(proc.session, app.store, f"%PDF public case summary of {case.number}".encode(),
                               case_id=case.id, instrument="case_summary", subject=None, edition="zh", version=1,
                               verification_code=f"MANY-{case.id:04d}-PB", format="pdf", actor="officer.test",
                               status=VersionStatus.ISSUED, audience=Audience.PUBLIC)
                numbers.append(case.number)
    return numbers
