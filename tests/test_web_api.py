"""/api/v1 through Flask's test client with real bearer tokens, on SQLite and (when it answers)
PostgreSQL: authentication, 404 for a case the token may not see exactly as for no case, the case
JSON of `casedocs case show --json`, acts refused in words, and a rendering job whose PDF downloads."""
from __future__ import annotations

import re

import copy
import dataclasses
import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from cases.accounts import Role
from cases.models import AuditEvent
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.services import accounts
from factories import BASE_APPLICATION, file_case
from web_support import add_account, init_data, web_app, web_settings

TODAY = date(2026, 11, 25)
OFFICER, PARTY, MONITOR = "officer@example.org", "party@example.org", "monitor@example.org"


def _settings(tmp_path: Path, database_url: str | None) -> Settings:
    settings = web_settings(tmp_path)
    if database_url is not None:
        settings = dataclasses.replace(settings, database_url=database_url)
    init_data(settings)
    return settings


def token_for(settings: Settings, email: str, role: Role, *, case: str | None = None,
              side: SideRole | None = None) -> str:
    """A new account and an API token for it, as `casedocs user add` and `casedocs user token` make them."""
    add_account(settings, email, role, case=case, side=side)
    with App(settings) as core, core.procedure() as proc:
        return accounts.issue_token(proc.session, accounts.get_account(proc.session, email), actor="test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _file(settings: Settings, received_on: str = "2026-11-20") -> str:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        return file_case(proc, {**copy.deepcopy(BASE_APPLICATION), "received_on": received_on}).number


@pytest.fixture
def settings(tmp_path: Path, app_database_url: str | None) -> Settings:
    return _settings(tmp_path, app_database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


@pytest.fixture
def officer(settings: Settings, app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update({"HTTP_AUTHORIZATION": f"Bearer {token_for(settings, OFFICER, Role.OFFICER)}"})
    return client


# --- authentication and who sees what --------------------------------------------------------------

def test_without_a_token_or_with_an_unknown_one_the_api_answers_401_in_json(app: Flask, settings: Settings) -> None:
    number = _file(settings)
    client = app.test_client()
    for headers, problem in (({}, "send Authorization: Bearer <token>"),
                             ({"Authorization": "Basic b2ZmaWNlcjpwdw=="}, "send Authorization: Bearer <token>"),
                             (bearer("cdt_not-a-token"), "the bearer token is unknown or revoked")):
        answer = client.get(f"/api/v1/cases/{number}", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert answer.get_json() == {"error": {"status": 401, "message": answer.get_json()["error"]["message"]}}
        assert problem in answer.get_json()["error"]["message"]


def test_a_session_cookie_does_not_open_the_api(app: Flask, settings: Settings) -> None:
    """The API takes bearer tokens only: a browser's cookie is not CSRF-protected there."""
    from web_support import log_in

    add_account(settings, PARTY, Role.PARTY, case=_file(settings), side=SideRole.APPLICANT)
    client = app.test_client()
    assert log_in(client, PARTY).status_code == 302
    assert client.get("/api/v1/cases").status_code == 401


def test_a_case_the_token_may_not_see_answers_404_exactly_like_a_case_that_does_not_exist(
        app: Flask, settings: Settings) -> None:
    own, other = _file(settings), _file(settings)
    token = token_for(settings, PARTY, Role.PARTY, case=own, side=SideRole.RESPONDENT)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert client.get(f"/api/v1/cases/{own}").status_code == 200
    for path in ("", "/deadlines", "/documents", "/documents/files/1", "/monitoring"):
        another, missing = client.get(f"/api/v1/cases/{other}{path}"), client.get(f"/api/v1/cases/MVC-2099-0999{path}")
        assert another.status_code == missing.status_code == 404, path
        assert another.get_data() == missing.get_data().replace(b"MVC-2099-0999", other.encode()), path
        assert another.headers == missing.headers, path
    assert client.get("/api/v1/cases").get_json() == [
        {"number": own, "stage": "received", "title": "Kawama Village Committee — 华钴精炼有限公司",
         "received_on": "2026-11-20"}]


def test_a_party_cannot_act_render_or_issue_on_its_own_case(app: Flask, settings: Settings) -> None:
    own = _file(settings)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = \
        f"Bearer {token_for(settings, PARTY, Role.PARTY, case=own, side=SideRole.APPLICANT)}"
    act = client.post(f"/api/v1/cases/{own}/acts", json={"action": "accept", "arguments": {"on": "2026-11-24"}})
    render = client.post(f"/api/v1/cases/{own}/documents/render", json={"instrument": "application_form"})
    assert act.status_code == render.status_code == 403
    assert act.get_json()["error"]["message"] == "this page is not open to your account"
    assert client.get("/api/v1/actions").status_code == 403


def test_a_monitor_sees_its_cases_monitoring_but_not_their_file(app: Flask, settings: Settings) -> None:
    own = _file(settings)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(settings, MONITOR, Role.MONITOR, case=own)}"
    monitoring = client.get(f"/api/v1/cases/{own}/monitoring")
    assert monitoring.status_code == 200
    assert set(monitoring.get_json()) == {"number", "title", "stage", "path", "terminated_on", "termination_ground",
                                          "closed_on", "agreement", "monitoring_updates"}
    assert client.get(f"/api/v1/cases/{own}").status_code == 404
    assert client.get(f"/api/v1/cases/{own}/documents").status_code == 404
    assert client.get("/api/v1/deadlines").get_json() == []


# --- the same JSON as the command line -------------------------------------------------------------

def _cli_json(settings: Settings, *args: str) -> Any:
    env = {"CASEDOCS_DATABASE_URL": settings.database_url, "CASEDOCS_CACHE_DIR": str(settings.cache_dir)}
    result = CliRunner(env=env).invoke(main, [*args, "--json", "--data", str(settings.data_dir)],
                                       catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_case_reads_as_the_json_of_casedocs_case_show(settings: Settings) -> None:
    """Both on today's date: the command line cannot be given another (a case brought up to two
    different days would differ)."""
    number = _file(settings, received_on="2025-03-03")
    with web_app(settings, start_jobs=False) as app:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(settings, OFFICER, Role.OFFICER)}"
        shown = _cli_json(settings, "case", "show", number)
        answer = client.get(f"/api/v1/cases/{number}")
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        assert answer.get_json() == shown
        assert client.get("/api/v1/deadlines").get_json() == _cli_json(settings, "deadlines")
        assert client.get("/api/v1/deadlines?overdue=true").get_json() == _cli_json(settings, "deadlines", "--overdue")
        assert client.get(f"/api/v1/cases/{number}/deadlines").get_json() == _cli_json(settings, "deadlines")
        assert client.get("/api/v1/cases").get_json() == _cli_json(settings, "case", "list")


def test_a_broken_calendar_file_answers_503_naming_it(settings: Settings) -> None:
    _file(settings)
    token = token_for(settings, OFFICER, Role.OFFICER)
    settings.calendar_overrides.write_text("published_year = [2027]\n", encoding="utf-8")
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as app:
        answer = app.test_client().get("/api/v1/deadlines", headers=bearer(token))
    assert answer.status_code == 503
    assert "unknown key(s) published_year" in answer.get_json()["error"]["message"]


# --- acts ------------------------------------------------------------------------------------------

def test_an_act_moves_the_case_and_its_audit_event_names_the_token_account(officer: FlaskClient,
                                                                          settings: Settings) -> None:
    number = _file(settings)
    done = officer.post(f"/api/v1/cases/{number}/acts", json={"action": "accept", "arguments": {"on": "2026-11-24"}},
                        environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"case": number, "action": "accept", "stage": "accepted", "id": None}
    with App(settings) as core, core.db.session() as session:
        from sqlalchemy import select

        event = session.scalars(select(AuditEvent).where(AuditEvent.chain == number, AuditEvent.action == "accept")).one()
        assert event.actor == f"{OFFICER} (web 203.0.113.5, session token)"


def test_a_refused_act_answers_409_with_the_engines_reason_in_words(officer: FlaskClient, settings: Settings) -> None:
    number = _file(settings)
    refused = officer.post(f"/api/v1/cases/{number}/acts",
                           json={"action": "record_response", "arguments": {"accepts": True, "on": "2026-11-24"}})
    assert refused.status_code == 409
    message = refused.get_json()["error"]["message"]
    assert message.startswith(f"{number} (stage received): cannot record_response: not allowed at stage received")
    assert "Allowed here:" in message and "accept" in message
    future = officer.post(f"/api/v1/cases/{number}/acts", json={"action": "accept", "arguments": {"on": "2026-12-01"}})
    assert future.status_code == 409 and "in the future (today is 2026-11-25)" in future.get_json()["error"]["message"]


def test_a_wrong_argument_answers_422_naming_it(officer: FlaskClient, settings: Settings) -> None:
    number = _file(settings)
    cases = {
        "unknown argument": ({"action": "accept", "arguments": {"when": "2026-11-24"}},
                             "accept takes no argument when; usage: accept on=<date>"),
        "missing argument": ({"action": "accept"}, "accept needs on"),
        "malformed date": ({"action": "accept", "arguments": {"on": "24/11/2026"}}, "on=24/11/2026: "),
        "unknown action": ({"action": "approve"}, "json.action: Input should be"),
        "unknown key": ({"action": "accept", "argument": {}}, "json.argument: Extra inputs are not permitted"),
        "null value": ({"action": "accept", "arguments": {"on": None}}, "arguments.on: null is not a value"),
    }
    for what, (body, expected) in cases.items():
        answer = officer.post(f"/api/v1/cases/{number}/acts", json=body)
        assert answer.status_code == 422, what
        assert expected in answer.get_json()["error"]["message"], (what, answer.get_json())
    broken = officer.post(f"/api/v1/cases/{number}/acts", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and "JSON" in broken.get_json()["error"]["message"]


def test_an_application_is_filed_from_its_json_document(officer: FlaskClient) -> None:
    document = {**copy.deepcopy(BASE_APPLICATION), "received_on": "2026-11-20"}
    filed = officer.post("/api/v1/cases", json=document)
    assert filed.status_code == 201, filed.get_json()
    number = filed.get_json()["number"]
    assert filed.headers["Location"] == f"/api/v1/cases/{number}"
    exhibits = officer.get(filed.headers["Location"]).get_json()["exhibits"]
    assert [e["original_name"] for e in exhibits] == ["evidence.txt"]
    anonymous = copy.deepcopy(document)
    anonymous["applicant"]["members"][0]["full_name"] = "anonymous"
    refused = officer.post("/api/v1/cases", json=anonymous)
    assert refused.status_code == 422 and "anonymous applications are not accepted" in refused.get_json()["error"]["message"]
    by_path = {**document, "exhibits": [{"title": "Report", "file": "/etc/passwd"}]}
    refused = officer.post("/api/v1/cases", json=by_path)
    assert refused.status_code == 422 and "exhibit 'Report'" in refused.get_json()["error"]["message"]


# --- documents and jobs ----------------------------------------------------------------------------

def test_rendering_an_instrument_that_does_not_apply_yet_is_refused_before_any_job(officer: FlaskClient,
                                                                                  settings: Settings) -> None:
    number = _file(settings)
    refused = officer.post(f"/api/v1/cases/{number}/documents/render", json={"instrument": "closure_report"})
    assert refused.status_code == 409 and "closure_report does not apply" in refused.get_json()["error"]["message"]
    ink = officer.post(f"/api/v1/cases/{number}/documents/issue", json={"instrument": "application_form"})
    assert ink.status_code == 422 and "signed by a party" in ink.get_json()["error"]["message"]
    subject = officer.post(f"/api/v1/cases/{number}/documents/render",
                           json={"instrument": "acceptance_decision", "subject": "objection"})
    assert subject.status_code == 422 and "kind:number" in subject.get_json()["error"]["message"]


def test_issuing_without_the_secretariats_passphrase_answers_503_naming_it(officer: FlaskClient,
                                                                          settings: Settings) -> None:
    number = _file(settings)
    officer.post(f"/api/v1/cases/{number}/acts", json={"action": "accept", "arguments": {"on": "2026-11-24"}})
    refused = officer.post(f"/api/v1/cases/{number}/documents/issue", json={"instrument": "acceptance_decision"})
    assert refused.status_code == 503 and "CASEDOCS_SECRETARIAT_PASSPHRASE" in refused.get_json()["error"]["message"]


def test_another_accounts_job_answers_404(app: Flask, settings: Settings, officer: FlaskClient) -> None:
    number = _file(settings)
    submitted = officer.post(f"/api/v1/cases/{number}/documents/render", json={"instrument": "application_form"})
    assert submitted.status_code == 202
    url = submitted.get_json()["url"]
    assert submitted.headers["Location"] == url
    assert officer.get(url).get_json()["state"] == "queued"
    party = app.test_client()
    party.environ_base["HTTP_AUTHORIZATION"] = \
        f"Bearer {token_for(settings, PARTY, Role.PARTY, case=number, side=SideRole.APPLICANT)}"
    job_id = submitted.get_json()["job"]
    assert party.get(url).get_json() == {"error": {"status": 404, "message": f"no job {job_id}"}}


@pytest.mark.parametrize("app_database_url", ["sqlite"], indirect=True)  # LibreOffice: once is enough
def test_a_render_job_reaches_done_and_its_pdf_downloads(settings: Settings) -> None:
    number = _file(settings)
    with web_app(settings, today=lambda: TODAY) as app:  # with the job threads
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(settings, OFFICER, Role.OFFICER)}"
        accepted = client.post(f"/api/v1/cases/{number}/acts",
                               json={"action": "accept", "arguments": {"on": "2026-11-24"}})
        assert accepted.status_code == 200
        submitted = client.post(f"/api/v1/cases/{number}/documents/render",
                                json={"instrument": "acceptance_decision", "edition": "en"})
        assert submitted.status_code == 202
        status = _wait(client, submitted.get_json()["url"])
        assert status["state"] == "done", status
        assert status["progress"] == 1.0 and status["result"]["instrument"] == "acceptance_decision"
        pdf = client.get(status["download"])
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
        listed = client.get(f"/api/v1/cases/{number}/documents").get_json()["documents"]
        [document] = [d for d in listed if d["instrument"] == "acceptance_decision"]
        assert document["edition"] == "en" and status["download"] in [f["url"] for f in document["files"]]
        # A party sees issued versions only: this one is a draft.
        party = app.test_client()
        party.environ_base["HTTP_AUTHORIZATION"] = \
            f"Bearer {token_for(settings, PARTY, Role.PARTY, case=number, side=SideRole.APPLICANT)}"
        assert party.get(status["download"]).status_code == 404
        assert party.get(f"/api/v1/cases/{number}/documents").get_json() == {"case": number, "documents": []}


def _wait(client: FlaskClient, url: str, timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(url).get_json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


# --- the OpenAPI document --------------------------------------------------------------------------

def test_the_openapi_document_describes_every_api_route_with_its_bearer_security(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["BearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "an API token from `casedocs user token EMAIL`"}
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}
    documented = {(path, method.upper()) for path, operations in spec["paths"].items() for method in operations}
    assert {(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", path), method) for path, method in routes} \
        == documented
    from web.access import Public, rule_for

    # the public routes (the register, verification: issue 13) need no token and say so by naming none
    public_paths = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
                    if rule.endpoint.startswith("api.") and isinstance(rule_for(app, rule.endpoint), Public)}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path in public_paths:
                assert "security" not in operation, (method, path)
                continue
            assert operation["security"] == [{"BearerAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
    act = spec["paths"]["/api/v1/cases/{number}/acts"]["post"]
    assert {"409", "422"} <= set(act["responses"])
    assert spec["components"]["schemas"]["HTTPError"]["required"] == ["error"]
