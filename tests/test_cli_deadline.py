"""`casedocs deadline RULE YYYY-MM-DD [--json] [--data DIR]`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from casedocs.cli import main
from cases.rules import RULES


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The environment must not point the command at someone else's data or overrides.
    monkeypatch.delenv("CASEDOCS_DATA", raising=False)
    monkeypatch.delenv("CASEDOCS_CALENDAR_OVERRIDES", raising=False)
    return tmp_path


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["deadline", *args, "--data", str(data_dir)])


def test_human_output(data_dir: Path) -> None:
    # 10 wd from Mon 20 Jan 2025 end on the make-up Saturday 8 Feb (see test_timelimits.py).
    result = run(data_dir, "formal_review", "2025-01-20")
    assert result.exit_code == 0, result.output
    assert "formal_review" in result.stdout
    assert "10 working days" in result.stdout
    assert "2025-01-20" in result.stdout
    assert "due 2025-02-08" in result.stdout
    assert "PROVISIONAL" not in result.stdout
    assert len(result.stdout.strip().splitlines()) <= 2


def test_human_output_says_when_provisional(data_dir: Path) -> None:
    result = run(data_dir, "invitation_response", "2026-12-15")
    assert result.exit_code == 0, result.output
    assert "due 2027-01-13" in result.stdout
    assert "PROVISIONAL: the 2027 official holiday schedule is not yet published" in result.stdout


def test_json_output(data_dir: Path) -> None:
    result = run(data_dir, "objection_decision", "2025-09-05", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "rule": "objection_decision",
        "start": "2025-09-05",
        "due": "2025-10-09",  # 30 days = Sun 5 Oct, National Day holiday to 8 Oct
        "provisional": False,
        "basis": "30 days",
    }


def test_json_output_provisional(data_dir: Path) -> None:
    result = run(data_dir, "invitation_response", "2026-12-15", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["due"] == "2027-01-13"
    assert document["provisional"] is True


def test_overrides_file_in_the_data_directory_is_used(data_dir: Path) -> None:
    (data_dir / "calendar-overrides.toml").write_text(
        'published_years = [2027]\n[days]\n"2026-12-24" = { working = false, note = "office closure" }\n'
        '"2027-01-01" = { working = false, note = "元旦" }\n',
        encoding="utf-8",
    )
    result = run(data_dir, "invitation_response", "2026-12-15", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["due"] == "2027-01-14"  # one day later for the closure on 24 Dec
    assert document["provisional"] is False


def test_malformed_overrides_file_fails_naming_it(data_dir: Path) -> None:
    path = data_dir / "calendar-overrides.toml"
    path.write_text('[days]\n"2027-01-01" = { working = "no" }\n', encoding="utf-8")
    result = run(data_dir, "formal_review", "2026-03-02")
    assert result.exit_code != 0
    assert str(path) in result.stderr
    assert "2027-01-01" in result.stderr


def test_unknown_rule_fails_listing_the_rules(data_dir: Path) -> None:
    result = run(data_dir, "appeal", "2026-03-02")
    assert result.exit_code != 0
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "'appeal'" in message
    for rule_id in RULES:
        assert rule_id in message


@pytest.mark.parametrize("text", ["2026-02-30", "20260101", "2026-1-5", "yesterday", "2026-W01-1"])
def test_malformed_date_fails_with_the_expected_format(data_dir: Path, text: str) -> None:
    result = run(data_dir, "formal_review", text)
    assert result.exit_code != 0
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert repr(text) in message
    assert "YYYY-MM-DD" in message


def test_an_overrides_file_named_in_the_environment_must_exist(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped $CASEDOCS_CALENDAR_OVERRIDES must not silently count on the official calendar alone."""
    missing = data_dir / "no-such-overrides.toml"
    monkeypatch.setenv("CASEDOCS_CALENDAR_OVERRIDES", str(missing))
    result = run(data_dir, "formal_review", "2025-01-20")
    assert result.exit_code != 0
    assert f"CASEDOCS_CALENDAR_OVERRIDES names {missing}, which does not exist" in result.output
