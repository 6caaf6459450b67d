"""Every event the audit chain records is told in the timeline in Chinese and in English."""
from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from cases.events import PHRASES, AuditAction
from cases.models import AuditEvent
from cases.procedure import Procedure
from cases.procedure.core import Action
from cases.views import describe
from casedocs.demo import run_demo_cases

ROOT = Path(__file__).resolve().parent.parent
# The functions that append to the chain, and which positional argument is the action.
_AUDITING_CALLS = {"append": 3, "audit_event": 3, "audit_revision": 4, "_audit": 1, "_audit_system": 1}


def _literal_actions() -> set[tuple[str, str]]:
    """(place, action) for every string literal passed as the action to an auditing call."""
    found = set()
    for package in ("cases", "casedocs", "web"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                position = _AUDITING_CALLS.get(name)
                if position is None or len(node.args) <= position:
                    continue
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add((f"{path.relative_to(ROOT)}:{node.lineno}", argument.value))
    return found


def test_every_action_of_the_procedure_engine_has_phrases_in_both_languages() -> None:
    for action in Action:
        zh, en = PHRASES[AuditAction(action.value)]
        assert zh and en


def test_every_action_named_in_the_code_that_audits_is_a_known_audit_action() -> None:
    literals = _literal_actions()
    assert len(literals) > 10  # the scan found the auditing calls at all
    unknown = sorted(f"{place}: {action}" for place, action in literals if action not in set(AuditAction))
    assert unknown == []


def test_every_event_of_the_demo_cases_reads_as_a_sentence_in_chinese_and_english(proc: Procedure) -> None:
    numbers = [case.number for case in run_demo_cases(proc)]
    events = proc.session.scalars(select(AuditEvent).where(AuditEvent.chain.in_(numbers))).all()
    assert {e.action for e in events} >= {"file_application", "accept", "procedure_launched", "terminate"}
    for event in events:
        assert event.action in set(AuditAction), event.action
        zh, en = describe(event.action, event.detail, "zh"), describe(event.action, event.detail, "en")
        bare = event.action.replace("_", " ")
        assert zh != bare and en != bare, f"{event.action} {event.detail} falls back to its id"
