"""Input that tries to escape its place, or to break the command line (issue 9, "Input that escapes its place").

File references name files inside the folder they are relative to: the import document's folder for
`case import`, `--files` for `case act`. Anything else is refused with a one-line reason, and nothing
is written. Every probe goes through the real command line.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from casedocs.cli import main

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "examples" / "sample-case"
SECRET = "not for the store"


def cli(data: Path, *args: str) -> Result:
    # No secretariat passphrase: the probes must not depend on the caller's environment.
    return CliRunner(env={"CASEDOCS_SECRETARIAT_PASSPHRASE": None, "CASEDOCS_CALENDAR_OVERRIDES": None}).invoke(
        main, [*args, "--data", str(data)])


def refusal(result: Result) -> str:
    """The one line a refused command prints; fails on a traceback, a zero exit or several lines."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casedocs: "), result.output
    return lines[0]


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/application/ (a copy of the sample case), tmp/outside.txt next to it, tmp/data/ initialised."""
    shutil.copytree(SAMPLE_DIR, tmp_path / "application")
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "outside.json").write_text(json.dumps({"points_in_dispute": SECRET}), encoding="utf-8")
    assert cli(tmp_path / "data", "init").exit_code == 0
    return tmp_path


def with_exhibit(layout: Path, reference: str) -> Path:
    document = json.loads((layout / "application" / "application.json").read_text(encoding="utf-8"))
    document["exhibits"].append({"title": "Probe", "file": reference})
    path = layout / "application" / "probe.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def stored_files(data: Path) -> list[Path]:
    return [p for p in (data / "store").rglob("*") if p.is_file()] if (data / "store").exists() else []


def imported(layout: Path) -> Result:
    return cli(layout / "data", "case", "import", str(layout / "application" / "application.json"))


@pytest.mark.parametrize("reference", ["../outside.txt", "../../../../../../../../etc/passwd",
                                       "exhibits/../../outside.txt", "/etc/hostname", "ABSOLUTE"])
def test_an_exhibit_outside_the_application_folder_is_refused_and_nothing_is_filed(layout: Path,
                                                                                   reference: str) -> None:
    if reference == "ABSOLUTE":
        reference = str(layout / "outside.txt")
    line = refusal(cli(layout / "data", "case", "import", str(with_exhibit(layout, reference))))
    assert repr(reference) in line and "Probe" in line
    assert json.loads(cli(layout / "data", "case", "list", "--json").output) == []
    assert stored_files(layout / "data") == []


def test_a_symbolic_link_that_leads_out_of_the_application_folder_is_refused(layout: Path) -> None:
    (layout / "application" / "exhibits" / "link.txt").symlink_to(layout / "outside.txt")
    (layout / "application" / "up").symlink_to(layout)
    for reference in ("exhibits/link.txt", "up/outside.txt"):
        line = refusal(cli(layout / "data", "case", "import", str(with_exhibit(layout, reference))))
        assert repr(reference) in line and "outside" in line
    assert stored_files(layout / "data") == []


def test_a_link_loop_or_a_named_pipe_is_refused_instead_of_hanging(layout: Path) -> None:
    folder = layout / "application"
    (folder / "loop-a").symlink_to(folder / "loop-b")
    (folder / "loop-b").symlink_to(folder / "loop-a")
    os.mkfifo(folder / "pipe")
    assert "loop" in refusal(cli(layout / "data", "case", "import", str(with_exhibit(layout, "loop-a"))))
    assert "not a regular file" in refusal(cli(layout / "data", "case", "import", str(with_exhibit(layout, "pipe"))))
    assert stored_files(layout / "data") == []


def test_a_symbolic_link_that_stays_inside_the_application_folder_is_followed(layout: Path) -> None:
    (layout / "application" / "same.txt").symlink_to(layout / "application" / "exhibits" / "water-sampling-2024-11.txt")
    result = cli(layout / "data", "case", "import", str(with_exhibit(layout, "same.txt")))
    assert result.exit_code == 0, result.output


def test_an_exhibit_that_is_missing_or_a_folder_is_named_in_one_line(layout: Path) -> None:
    assert "'missing.txt'" in refusal(cli(layout / "data", "case", "import", str(with_exhibit(layout, "missing.txt"))))
    assert "'exhibits'" in refusal(cli(layout / "data", "case", "import", str(with_exhibit(layout, "exhibits"))))


def test_case_act_reads_no_file_outside_its_files_folder(layout: Path) -> None:
    number = imported(layout).output.strip()
    files = layout / "application"
    (files / "link.json").symlink_to(layout / "outside.json")
    for reference in ("/etc/passwd", str(layout / "outside.json"), "../outside.json", "link.json"):
        line = refusal(cli(layout / "data", "case", "act", number, "draft_agreement", f"terms=@{reference}",
                           "on=2025-03-10", "--files", str(files)))
        assert repr(reference) in line and SECRET not in line


def test_a_missing_file_or_a_folder_given_to_case_act_is_named_in_one_line(layout: Path) -> None:
    number = imported(layout).output.strip()
    files = layout / "application"
    missing = refusal(cli(layout / "data", "case", "act", number, "record_supplement", "exhibits=@nonexistent.json",
                          "note=x", "on=2025-03-10", "--files", str(files)))
    assert "'nonexistent.json'" in missing and "no such file" in missing
    folder = refusal(cli(layout / "data", "case", "act", number, "draft_agreement", "terms=@exhibits",
                         "on=2025-03-10", "--files", str(files)))
    assert "'exhibits'" in folder and "folder" in folder


def test_deeply_nested_json_is_refused_in_one_line(layout: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (layout / "application" / "deep.json").write_text(deep, encoding="utf-8")
    line = refusal(cli(layout / "data", "case", "import", str(layout / "application" / "deep.json")))
    assert "nested too deeply" in line
    number = imported(layout).output.strip()
    for argument in ("exhibits=@deep.json", f"exhibits={deep}"):
        line = refusal(cli(layout / "data", "case", "act", number, "record_supplement", argument, "note=x",
                           "on=2025-03-10", "--files", str(layout / "application")))
        assert "nested too deeply" in line


def test_an_empty_date_says_that_a_date_is_expected(layout: Path) -> None:
    number = imported(layout).output.strip()
    line = refusal(cli(layout / "data", "case", "act", number, "accept", "on="))
    assert "on=" in line and "a date YYYY-MM-DD" in line


def test_an_argument_given_twice_is_refused(layout: Path) -> None:
    number = imported(layout).output.strip()
    line = refusal(cli(layout / "data", "case", "act", number, "accept", "on=2025-03-12", "on=2025-03-13"))
    assert "on= given twice" in line
    shown = json.loads(cli(layout / "data", "case", "show", number, "--json").output)
    assert shown["stage"]["id"] == "received"


@pytest.mark.parametrize("arguments", [
    ("appoint", "resource=99999999999999999999999", "role=external_mediator", "on=2025-03-12"),
    ("decide_recusal", "request_id=99999999999999999999999", "recused=true", "reason=x", "on=2025-03-12"),
    ("decide_recusal", "request_id=" + "9" * 5000, "recused=true", "reason=x", "on=2025-03-12"),
    ("decide_recusal", "request_id=-1", "recused=true", "reason=x", "on=2025-03-12"),
    ("appoint", "resource=abc", "role=external_mediator", "on=2025-03-12"),
])
def test_a_whole_number_out_of_range_is_refused_naming_the_range(layout: Path, arguments: tuple[str, ...]) -> None:
    number = imported(layout).output.strip()
    line = refusal(cli(layout / "data", "case", "act", number, *arguments))
    assert "a whole number from 0 to 2147483647" in line and len(line) < 200


def test_a_time_limit_that_would_end_after_the_last_countable_day_is_refused() -> None:
    from datetime import date

    from cases.calendar import official_calendar
    from cases.calendar import CalendarError
    from cases.rules import Limit, Unit
    from cases.timelimits import due_date

    for unit in Unit:
        with pytest.raises(CalendarError, match="beyond"):
            due_date(official_calendar(), Limit(2147483647, unit), date(2025, 3, 3))


def test_issue_without_a_terminal_names_what_issue_accepts_for_the_passphrase(layout: Path) -> None:
    number = imported(layout).output.strip()
    line = refusal(cli(layout / "data", "issue", number, "application_form"))
    assert "CASEDOCS_SECRETARIAT_PASSPHRASE" in line and "--passphrase-env" not in line


def test_verifying_a_file_that_does_not_exist_is_refused_in_words_without_a_traceback(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "verify", str(tmp_path / "nonexistent.pdf"))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_case_actions_takes_data_like_every_other_command(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "case", "actions")
    assert result.exit_code == 0, result.output
    assert "record_delivery" in result.output


def test_a_base_dir_given_on_the_command_line_is_refused_not_used_to_read_files(layout: Path) -> None:
    """The hostile re-run's probe: `base_dir=/` let a power of attorney name etc/passwd."""
    assert cli(layout / "data", "case", "import", str(layout / "application" / "application.json")).exit_code == 0
    files = layout / "files"
    files.mkdir()
    (files / "agent.json").write_text(json.dumps({"name": "A", "organisation": "O", "contact": "c",
                                                  "power_of_attorney": {"title": "p", "file": "etc/passwd"}}))
    before = stored_files(layout / "data")
    line = refusal(cli(layout / "data", "case", "act", "MVC-2025-0001", "add_agent", "role=respondent",
                       "agent_in=@agent.json", "base_dir=/", "on=2025-03-10", "--files", str(files)))
    assert "takes no argument base_dir" in line
    assert stored_files(layout / "data") == before
    assert "base_dir" not in cli(layout / "data", "case", "actions").output


def test_an_exhibit_folder_given_in_a_supplement_stays_inside_files(layout: Path) -> None:
    """The hostile re-run's probe: a (file, folder) pair with the folder "/etc" read /etc/passwd."""
    assert cli(layout / "data", "case", "import", str(layout / "application" / "application.json")).exit_code == 0
    files = layout / "files"
    files.mkdir()
    for folder in ("/etc", "../..", "sub/../../.."):
        (files / "ex.json").write_text(json.dumps([[{"title": "x", "file": "passwd"}, folder]]))
        before = stored_files(layout / "data")
        line = refusal(cli(layout / "data", "case", "act", "MVC-2025-0001", "record_supplement", "note=n",
                           "exhibits=@ex.json", "on=2025-03-10", "--files", str(files)))
        assert "refused" in line, line
        assert stored_files(layout / "data") == before


def test_deadlines_within_an_absurd_number_of_days_is_refused_in_words(tmp_path: Path) -> None:
    result = cli(tmp_path / "data", "deadlines", "--within", "3000000")
    assert result.exit_code == 2 and "not in the range" in result.output and "Traceback" not in result.output


def test_render_to_a_folder_that_does_not_exist_is_refused_and_creates_nothing(layout: Path) -> None:
    assert cli(layout / "data", "case", "import", str(layout / "application" / "application.json")).exit_code == 0
    target = layout / "missing" / "x.docx"
    line = refusal(cli(layout / "data", "render", "MVC-2025-0001", "application_form", "--lang", "en",
                       "--format", "docx", "--out", str(target)))
    assert "does not exist" in line and not target.parent.exists()
