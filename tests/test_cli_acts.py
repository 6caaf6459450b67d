"""`casedocs case act` drives every engine action from the command line; `casedocs roster`."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from casedocs.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample-case" / "application.json"


def cli(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--data", str(data)])


def test_a_case_driven_from_the_command_line(tmp_path: Path) -> None:
    assert cli(tmp_path, "init").exit_code == 0
    number = cli(tmp_path, "case", "import", str(SAMPLE)).output.strip()
    steps = [
        ["accept", "on=2025-03-12"],
        ["send_invitation", "on=2025-03-19", "channel=post"],
        ["record_delivery", "instrument=invitation", "side=respondent", "delivered_on=2025-03-21"],
        ["record_response", "accepts=true", "on=2025-04-01", "preliminary_response=We dispute causation."],
        ["send_launch_notice", "on=2025-04-08"],
        ["record_delivery", "instrument=launch_notice", "side=applicant", "delivered_on=2025-04-09"],
        ["record_delivery", "instrument=launch_notice", "side=respondent", "delivered_on=2025-04-10"],
        ["recommend_triage", "path=external_mediation", "tools=fact_finding,assessment_verification",
         "reasoning=Complex technical questions", "on=2025-04-24"],
        ["agree_path", "path=external_mediation", "tools=fact_finding", "consents=applicant,respondent",
         "on=2025-05-06"],
    ]
    for step in steps:
        result = cli(tmp_path, "case", "act", number, *step)
        assert result.exit_code == 0, (step, result.output)
    expert = cli(tmp_path, "roster", "add", "expert", "Dr. Laurent", "--group", "dispute_resolution").output.strip()
    appointed = cli(tmp_path, "case", "act", number, "appoint", f"resource={expert}", "role=external_mediator",
                    "requested_by=applicant", "consents=applicant,respondent", "on=2025-05-07", "--json")
    assert appointed.exit_code == 0, appointed.output
    appointment = json.loads(appointed.output)["id"]
    recusal = cli(tmp_path, "case", "act", number, "request_recusal", f"appointment={appointment}",
                  "raised_by=respondent", "reasons=Earlier advice to an NGO", "on=2025-05-08")
    assert recusal.exit_code == 0, recusal.output
    terms = {"points_in_dispute": "Pollution", "stakeholders": "Villages; refinery", "standards_and_clauses": "OECD",
             "process_and_consensus": "Mediation", "feedback_plan": "Quarterly", "disclosure_plan": "Summary",
             "communication_plan": "Committee",
             "obligations": [{"obligor": "respondent", "obligee": "applicant", "description": "Repair lining",
                              "due_on": "2025-12-31", "indicators": "Inspection"}]}
    (tmp_path / "agreement.json").write_text(json.dumps(terms), encoding="utf-8")
    drafted = cli(tmp_path, "case", "act", number, "draft_agreement", "terms=@agreement.json", "on=2025-06-02",
                  "--files", str(tmp_path))
    assert drafted.exit_code == 0, drafted.output
    shown = json.loads(cli(tmp_path, "case", "show", number, "--json").output)
    assert shown["stage"]["id"] == "external_mediation"
    assert shown["agreement"]["obligations"][0]["description"] == "Repair lining"
    assert shown["recusal_requests"][0]["raised_by"] == "respondent"
    assert cli(tmp_path, "audit", "verify", number).exit_code == 0


def test_act_errors_name_the_problem(tmp_path: Path) -> None:
    cli(tmp_path, "init")
    number = cli(tmp_path, "case", "import", str(SAMPLE)).output.strip()
    cases = {
        ("bogus",): "unknown action 'bogus'",
        ("accept",): "accept needs on; usage: accept on=<date>",
        ("accept", "on=2025-03-12", "colour=red"): "accept takes no argument colour",
        ("accept", "2025-03-12"): "is not KEY=VALUE",
        ("accept", "on=12/03/2025"): "on=12/03/2025: expected a date written YYYY-MM-DD, e.g. 2025-03-12",
        ("accept", "on=2025-02-30"): "on=2025-02-30: there is no such day in the calendar",
        ("accept", "on=99999-01-01"): "on=99999-01-01: expected a date written YYYY-MM-DD",
        ("send_invitation", "on=2025-03-19"): "not allowed at stage received",
        ("terminate", "ground=agreement", "statement=x", "on=2025-04-01"): "Input should be 'agreement_signed'",
        ("request_recusal", "appointment=99", "raised_by=applicant", "reasons=x", "on=2025-03-10"):
            "no Appointment with that id",
    }
    for args, message in cases.items():
        result = cli(tmp_path, "case", "act", number, *args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    listing = CliRunner().invoke(main, ["case", "actions"]).output
    assert "terminate ground=<TerminationGround> statement=<str> on=<date>" in listing
