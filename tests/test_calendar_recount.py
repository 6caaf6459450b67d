"""A change of the working calendar moves every open deadline (issue 9, "The calendar").

An office closure added to an already published year changes what `casedocs deadline` answers; the
case's open deadlines must follow, the next time the case is touched, or an act done on the new due
date is recorded as late. Deadlines already met or lapsed keep the dates they were judged by.
"""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import tracker
from cases.calendar import load_calendar
from cases.models import AuditEvent
from cases.procedure import Procedure
from cases.store import BlobStore
from cases.vocabulary import DeadlineStatus
from casedocs.cli import main
from factories import file_case, to_accepted

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "sample-case"
CLOSURE_4_MARCH = '[days]\n"2025-03-04" = { working = false, note = "office closure" }\n'
CLOSURE_13_MARCH = '[days]\n"2025-03-13" = { working = false, note = "office closure" }\n'
TODAY = date(2026, 11, 25)


def procedure(session: Session, store: BlobStore, overrides: Path | None) -> Procedure:
    return Procedure(session, load_calendar(overrides), "officer", store=store, today=lambda: TODAY)


def recounts(session: Session, number: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.chain == number,
                                                         AuditEvent.action == "deadline_recounted")
                                .order_by(AuditEvent.seq)))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_office_closure_added_later_moves_the_open_formal_review_deadline(session, store, tmp_path: Path) -> None:
    case = file_case(procedure(session, store, None))
    review = tracker.find_open(case, "formal_review")
    assert review is not None
    assert review.due_on == date(2025, 3, 17)  # 3 March + 10 working days

    closed = procedure(session, store, write(tmp_path / "overrides.toml", CLOSURE_4_MARCH))
    closed.accept(case, date(2025, 3, 18))

    assert review.due_on == date(2025, 3, 18) and review.original_due_on == date(2025, 3, 18)
    assert tracker.status(review, TODAY) is DeadlineStatus.MET
    [event] = recounts(session, case.number)
    assert event.detail["rule"] == "formal_review"
    assert (event.detail["previous_due"], event.detail["due"]) == ("2025-03-17", "2025-03-18")


def test_a_deadline_already_met_keeps_its_dates_when_the_calendar_changes(session, store, tmp_path: Path) -> None:
    proc = procedure(session, store, None)
    case = to_accepted(proc, file_case(proc))  # accepted on 12 March: formal review met, due 17 March
    review = tracker.find_latest(case, "formal_review")
    assert review is not None

    procedure(session, store, write(tmp_path / "overrides.toml", CLOSURE_4_MARCH)).advance(case, TODAY)

    assert review.due_on == date(2025, 3, 17) and tracker.status(review, TODAY) is DeadlineStatus.MET
    assert recounts(session, case.number) == []


def test_an_unchanged_calendar_recounts_nothing_and_records_nothing(session, store, tmp_path: Path) -> None:
    proc = procedure(session, store, None)
    case = file_case(proc)
    proc.advance(case, TODAY)
    procedure(session, store, write(tmp_path / "overrides.toml", CLOSURE_13_MARCH.replace("03-13", "04-13"))
              ).advance(case, TODAY)
    assert recounts(session, case.number) == []


def test_a_closure_removed_again_moves_the_deadline_back_and_both_moves_are_recorded(session, store,
                                                                                     tmp_path: Path) -> None:
    case = file_case(procedure(session, store, None))
    review = tracker.find_open(case, "formal_review")
    assert review is not None
    procedure(session, store, write(tmp_path / "a.toml", CLOSURE_13_MARCH)).advance(case, TODAY)
    assert review.due_on == date(2025, 3, 18)
    procedure(session, store, None).advance(case, TODAY)
    assert review.due_on == date(2025, 3, 17)
    assert [(e.detail["previous_due"], e.detail["due"]) for e in recounts(session, case.number)] == [
        ("2025-03-17", "2025-03-18"), ("2025-03-18", "2025-03-17")]


def cli(data: Path, *args: str) -> Result:
    return CliRunner(env={"CASEDOCS_CALENDAR_OVERRIDES": None}).invoke(main, [*args, "--data", str(data)])


def test_the_command_line_records_an_acceptance_on_the_recounted_due_date_as_met(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, tmp_path / "application")
    assert cli(data, "init").exit_code == 0
    number = cli(data, "case", "import", str(tmp_path / "application" / "application.json")).output.strip()
    write(data / "calendar-overrides.toml", CLOSURE_4_MARCH)
    answer = cli(data, "deadline", "formal_review", "2025-03-03", "--json")
    assert json.loads(answer.output)["due"] == "2025-03-18", answer.output

    accepted = cli(data, "case", "act", number, "accept", "on=2025-03-18")
    assert accepted.exit_code == 0, accepted.output
    shown = json.loads(cli(data, "case", "show", number, "--json").output)
    [review] = [d for d in shown["deadlines"] if d["rule"] == "formal_review"]
    assert (review["due"], review["status"]) == ("2025-03-18", "met")
    assert cli(data, "audit", "verify", number).exit_code == 0
