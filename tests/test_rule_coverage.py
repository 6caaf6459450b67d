"""Every time limit of PROCEDURE.md §3 is opened and closed by the engine somewhere."""
from __future__ import annotations

from datetime import date

from cases.rules import RULES
from cases.vocabulary import Path, SideRole, TerminationGround
from casedocs.demo import run_sample_case
from factories import file_case, to_invited, to_path


def test_the_engine_governs_every_rule(proc) -> None:
    sample = run_sample_case(proc)
    refused = to_invited(proc, file_case(proc))
    proc.send_second_invitation(refused, date(2025, 4, 24))
    proc.record_delivery(refused, "second_invitation", date(2025, 4, 25), side=SideRole.RESPONDENT)
    proc.advance(refused, date(2025, 5, 14))
    proc.send_non_launch_notice(refused, date(2025, 5, 20))
    dialogue = to_path(proc, file_case(proc), Path.BILATERAL_DIALOGUE)
    proc.terminate(dialogue, TerminationGround.UNDERSTANDING_WITHOUT_AGREEMENT, "Understanding reached",
                   date(2025, 5, 30))
    governed = {d.rule for case in (sample, refused, dialogue) for d in case.deadlines}
    assert governed == set(RULES)
    assert all(not d.is_open for case in (refused, dialogue) for d in case.deadlines)
