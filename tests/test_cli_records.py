"""The command line: init, case import/show/list, deadlines, audit verify, demo."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from casedocs.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample-case" / "application.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    result = run("init", "--data", str(tmp_path))
    assert result.exit_code == 0, result.output
    return tmp_path


def test_import_show_list_and_deadlines(data: Path) -> None:
    imported = run("case", "import", str(SAMPLE), "--data", str(data))
    assert imported.exit_code == 0, imported.output
    assert imported.output.strip() == "MVC-2025-0001"

    shown = json.loads(run("case", "show", "MVC-2025-0001", "--json", "--data", str(data)).output)
    assert shown["stage"]["id"] == "received"
    applicant = shown["sides"][0]
    assert len(applicant["members"]) == 4 and len(applicant["representatives"]) == 2
    assert applicant["agents"][0]["organisation"] == "Droits & Mines Lualaba (NGO)"
    assert [e["kind"] for e in shown["exhibits"]] == ["power_of_attorney", "evidence", "evidence"]
    assert shown["confidentiality_requests"][0]["withheld_from"] == ["other_side", "third_parties_and_public"]
    assert "accept" in shown["allowed_actions"]

    text = run("case", "show", "MVC-2025-0001", "--data", str(data)).output
    assert "stage: received (形式审查 / Formal review)" in text and "formal_review" in text

    listed = run("case", "list", "--data", str(data)).output
    assert listed.startswith("MVC-2025-0001  received")

    # Today is after 2025: both open deadlines are overdue, and sorted soonest first.
    deadlines = json.loads(run("deadlines", "--json", "--data", str(data)).output)
    assert [d["rule"] for d in deadlines] == ["confidentiality_decision", "formal_review"]
    assert {d["status"] for d in deadlines} == {"overdue"}
    assert len(json.loads(run("deadlines", "--overdue", "--json", "--data", str(data)).output)) == 2
    assert "OVERDUE" in run("deadlines", "--within", "0", "--data", str(data)).output


def test_bad_input_exits_non_zero_with_a_reason(data: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["case", "import", str(broken), "--data", str(data)])
    assert result.exit_code == 2 and "not valid JSON" in result.output
    anonymous = json.loads(SAMPLE.read_text(encoding="utf-8"))
    anonymous["applicant"]["members"][0]["full_name"] = "匿名"
    (tmp_path / "exhibits").symlink_to(SAMPLE.parent / "exhibits")
    path = tmp_path / "anonymous.json"
    path.write_text(json.dumps(anonymous, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["case", "import", str(path), "--data", str(data)])
    assert result.exit_code == 2 and "anonymous applications are not accepted" in result.output
    result = CliRunner().invoke(main, ["case", "show", "MVC-2031-0001", "--data", str(data)])
    assert result.exit_code == 2 and "no case numbered 'MVC-2031-0001'" in result.output
    result = CliRunner().invoke(main, ["deadlines", "--within", "-3", "--data", str(data)])
    assert result.exit_code != 0


def test_uninitialised_data_directory_says_how_to_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["case", "list", "--data", str(tmp_path / "new")])
    assert result.exit_code == 2 and "run `casedocs init`" in result.output


def test_audit_verify_names_the_first_broken_event(data: Path) -> None:
    run("case", "import", str(SAMPLE), "--data", str(data))
    ok = run("audit", "verify", "MVC-2025-0001", "--data", str(data))
    assert ok.exit_code == 0 and "MVC-2025-0001: 2 events, intact" in ok.output
    with sqlite3.connect(data / "casedocs.sqlite3") as connection:
        connection.execute("UPDATE audit_events SET actor = 'someone else' WHERE chain = 'MVC-2025-0001' AND seq = 2")
    broken = CliRunner().invoke(main, ["audit", "verify", "--json", "--data", str(data)])
    assert broken.exit_code == 1
    [report] = [r for r in json.loads(broken.output) if r["chain"] == "MVC-2025-0001"]
    assert report["first_broken_event"] == 2 and not report["intact"]


def test_demo_prints_the_timeline_and_every_deadline(tmp_path: Path) -> None:
    result = run("demo", "--data", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("MVC-2025-0002 — sample case filed")
    assert "related: MVC-2025-0001 Musonoie river pollution (first application) — rejected" in out
    assert "MVC-2025-0003" in out and "not launched" in out
    assert "Deadlines (14: 1 lapsed, 13 met)" in out
    assert "2025-05-16  Launch notice delivered to both sides: the procedure starts" in out
    assert "external_mediation" in out and "MET (+1 extension)" in out
    assert "Stage now: monitoring" in out
    audit = run("audit", "verify", "--data", str(tmp_path / "demo"))
    assert audit.exit_code == 0 and "BROKEN" not in audit.output
