"""`casedocs translations pending|add` and `casedocs confidentiality release|withheld` (issue 11)."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from casedocs.cli import main
from confidentiality_support import APPLICATION


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    result = run("init", "--data", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    document = copy.deepcopy(APPLICATION)
    document["confidentiality_requests"][0].update(release_at_stage=None, release_after="2025-03-31")
    (tmp_path / "application.json").write_text(json.dumps(document), encoding="utf-8")
    imported = run("case", "import", str(tmp_path / "application.json"), "--data", str(tmp_path / "data"))
    assert imported.output.strip() == "MVC-2025-0001", imported.output
    return tmp_path / "data"


def test_translations_pending_lists_what_lacks_a_translation_and_add_records_one(data: Path, tmp_path: Path) -> None:
    listed = json.loads(run("translations", "pending", "MVC-2025-0001", "--json", "--data", str(data)).output)
    assert {row["item"] for row in listed} == {"field:facts", "claim:0.claim", "claim:0.reasons", "claim:1.claim",
                                               "claim:1.reasons", "statement:confidentiality:0.reasons",
                                               "statement:confidentiality:0.information",
                                               "statement:confidentiality:0.duration"}
    assert all(row["needs"] == "zh" for row in listed)
    text = tmp_path / "facts.zh.txt"
    text.write_text("一月，尾矿库渗漏物流入卡瓦马河。\n", encoding="utf-8")
    added = run("translations", "add", "MVC-2025-0001", "field:facts", "--lang", "zh", "--text-file", str(text),
                "--data", str(data))
    assert added.exit_code == 0, added.output
    assert added.output.startswith("MVC-2025-0001: field:facts translated into zh")
    remaining = run("translations", "pending", "--data", str(data)).output
    assert "field:facts" not in remaining and "MVC-2025-0001  claim:0.claim" in remaining
    shown = json.loads(run("case", "show", "MVC-2025-0001", "--json", "--data", str(data)).output)
    assert any("Chinese translation recorded for facts" in e["text"] for e in shown["events"])
    assert run("audit", "verify", "MVC-2025-0001", "--data", str(data)).exit_code == 0


@pytest.mark.parametrize("item, says", [
    ("claim:9.claim", "casedocs: claim:9.claim: MVC-2025-0001 has 2 claims"),
    ("claims:0", "casedocs: unknown item 'claims:0'"),
    ("claim:1", "casedocs: claim:1 has several texts"),
])
def test_translations_add_refuses_a_wrong_item_in_one_line(data: Path, tmp_path: Path, item: str, says: str) -> None:
    text = tmp_path / "t.txt"
    text.write_text("译文", encoding="utf-8")
    refused = CliRunner().invoke(main, ["translations", "add", "MVC-2025-0001", item, "--lang", "zh", "--text-file",
                                        str(text), "--data", str(data)])
    assert refused.exit_code == 2 and refused.output.startswith(says) and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1


def test_translations_add_refuses_a_file_that_is_not_utf8(data: Path, tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_bytes("译文".encode("gb18030"))
    refused = CliRunner().invoke(main, ["translations", "add", "MVC-2025-0001", "field:facts", "--lang", "zh",
                                        "--text-file", str(text), "--data", str(data)])
    assert refused.exit_code == 2 and "is not UTF-8 text" in refused.output


def test_withheld_shows_each_audience_its_items_and_release_records_the_end_of_a_duration(data: Path) -> None:
    def withheld(audience: str, on: str) -> dict[str, Any]:
        result = run("confidentiality", "withheld", "MVC-2025-0001", "--audience", audience, "--on", on, "--json",
                     "--data", str(data))
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.output))

    pending = withheld("respondent", "2025-03-05")
    assert [(w["item"], w["reference"], w["decided"]) for w in pending["withheld"]] == [
        ("claim:1.reasons", "MVC-2025-0001/C-1", False), ("exhibit:2", "MVC-2025-0001/C-1", False),
        ("identity:applicant:1", "MVC-2025-0001/C-1", False)]
    assert withheld("applicant", "2025-03-05")["withheld"] == []
    assert withheld("secretariat", "2025-03-05")["risk_assessments_shown"] is True
    assert withheld("public", "2025-03-05")["risk_assessments_shown"] is False
    shown = json.loads(run("case", "show", "MVC-2025-0001", "--json", "--data", str(data)).output)
    request_id = shown["confidentiality_requests"][0]["id"]
    decided = run("case", "act", "MVC-2025-0001", "decide_confidentiality", f"request_id={request_id}",
                  "granted=true", "on=2025-03-06", "items=identity:applicant:1", "--data", str(data))
    assert decided.exit_code == 0, decided.output
    # Today is long after 2025-03-31: the first command that touches the case records the release.
    released = run("confidentiality", "release", "--data", str(data))
    assert released.output.strip() == "MVC-2025-0001/C-1  released on 2025-04-01 (until 2025-03-31)"
    assert run("confidentiality", "release", "MVC-2025-0001", "--data", str(data)).output.strip() == \
        "nothing to release"
    assert [w["item"] for w in withheld("respondent", "2025-03-06")["withheld"]] == ["identity:applicant:1"]
    text = run("confidentiality", "withheld", "MVC-2025-0001", "--audience", "respondent", "--on", "2025-03-06",
               "--data", str(data)).output
    assert "[withheld under confidentiality decision MVC-2025-0001/C-1]" in text
    assert withheld("respondent", "2025-04-01")["withheld"] == []
    events = json.loads(run("case", "show", "MVC-2025-0001", "--json", "--data", str(data)).output)["events"]
    assert any("MVC-2025-0001/C-1 ran its course" in e["text"] for e in events)
    assert run("audit", "verify", "--data", str(data)).exit_code == 0
