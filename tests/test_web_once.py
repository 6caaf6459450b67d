"""A request that changes the record is done once per key (web.once): a console form sent twice, an
API call retried with its Idempotency-Key, two copies sent at the same moment — on SQLite and (when
it answers) PostgreSQL. Real app, real database, real forms with their CSRF tokens."""
from __future__ import annotations

import copy
import dataclasses
import re
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from cases.accounts import Role
from cases.models import AuditEvent, Case
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import accounts
from factories import BASE_APPLICATION, file_case
from web_support import add_account, csrf_of, init_data, log_in, web_app, web_settings

TODAY = date(2026, 11, 25)
OFFICER = "officer@example.org"


@pytest.fixture
def settings(tmp_path: Path, app_database_url: str | None) -> Settings:
    settings = web_settings(tmp_path)
    if app_database_url is not None:
        settings = dataclasses.replace(settings, database_url=app_database_url)
    init_data(settings)
    return settings


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


@pytest.fixture
def api(settings: Settings, app: Flask) -> FlaskClient:
    add_account(settings, "api@example.org", Role.OFFICER)
    with App(settings) as core, core.procedure() as proc:
        token = accounts.issue_token(proc.session, accounts.get_account(proc.session, "api@example.org"), actor="test")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def console(settings: Settings, app: Flask) -> FlaskClient:
    secret = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    client = app.test_client()
    assert log_in(client, OFFICER, totp_secret=secret).status_code == 302
    return client


def _document() -> dict[str, Any]:
    return {**copy.deepcopy(BASE_APPLICATION), "received_on": "2026-11-20"}


def _cases(settings: Settings) -> int:
    with App(settings) as core, core.db.session() as session:
        return session.scalar(select(func.count(Case.id))) or 0


def _events(settings: Settings, number: str, action: str) -> int:
    with App(settings) as core, core.db.session() as session:
        return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.chain == number,
                                                                      AuditEvent.action == action)) or 0


def test_an_api_filing_retried_with_its_key_is_answered_again_and_files_one_case(
        api: FlaskClient, settings: Settings) -> None:
    key = {"Idempotency-Key": "file-2026-11-20-kawama"}
    first = api.post("/api/v1/cases", json=_document(), headers=key)
    again = api.post("/api/v1/cases", json=_document(), headers=key)

    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() and first.headers["Location"] == again.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _cases(settings) == 1
    assert api.post("/api/v1/cases", json=_document()).status_code == 201  # no key: done as asked
    assert _cases(settings) == 2


def test_a_key_sent_again_with_another_request_is_refused_naming_the_problem(api: FlaskClient,
                                                                             settings: Settings) -> None:
    key = {"Idempotency-Key": "one-key"}
    assert api.post("/api/v1/cases", json=_document(), headers=key).status_code == 201
    other = {**_document(), "title": "Another application"}
    refused = api.post("/api/v1/cases", json=other, headers=key)
    assert refused.status_code == 422
    assert "idempotency key 'one-key' was already used for a different request" in refused.get_json()["error"]["message"]
    too_long = api.post("/api/v1/cases", json=_document(), headers={"Idempotency-Key": "k" * 101})
    assert too_long.status_code == 422 and "1 to 100 printable ASCII" in too_long.get_json()["error"]["message"]
    assert _cases(settings) == 1


def test_an_api_act_retried_with_its_key_is_taken_once(api: FlaskClient, settings: Settings) -> None:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        number = file_case(proc, _document()).number
    key = {"Idempotency-Key": "accept-it"}
    body = {"action": "accept", "arguments": {"on": "2026-11-24"}}
    first = api.post(f"/api/v1/cases/{number}/acts", json=body, headers=key)
    again = api.post(f"/api/v1/cases/{number}/acts", json=body, headers=key)
    assert first.status_code == again.status_code == 200, first.get_json()
    assert first.get_json() == again.get_json()
    assert _events(settings, number, "accept") == 1


def test_two_copies_of_one_request_sent_at_once_file_one_case(api: FlaskClient, app: Flask,
                                                               settings: Settings) -> None:
    headers = {"Idempotency-Key": "double-click", "Authorization": api.environ_base["HTTP_AUTHORIZATION"]}
    answers: list[Any] = []
    start = threading.Barrier(2)

    def send() -> None:
        client = app.test_client()
        start.wait()
        answers.append(client.post("/api/v1/cases", json=_document(), headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].get_json() == answers[1].get_json()
    assert _cases(settings) == 1


def test_a_console_action_form_sent_twice_is_done_once_and_the_second_says_so(
        console: FlaskClient, settings: Settings) -> None:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        number = file_case(proc, _document()).number
    page = console.get(f"/console/cases/{number}/act/accept").get_data(as_text=True)
    key = re.search(r'name="submission" value="([^"]+)"', page)
    assert key is not None
    form = {"csrf_token": csrf_of(page), "submission": key.group(1), "on": "2026-11-24", "channel": "email"}

    first = console.post(f"/console/cases/{number}/act/accept", data=form)
    again = console.post(f"/console/cases/{number}/act/accept", data=form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _events(settings, number, "accept") == 1
    shown = console.get(again.headers["Location"]).get_data(as_text=True)
    assert "already sent and done" in shown


def test_the_console_filing_form_sent_twice_files_one_case(console: FlaskClient, settings: Settings) -> None:
    page = console.get("/console/file").get_data(as_text=True)
    keys = re.findall(r'name="submission" value="([^"]+)"', page)
    assert len(keys) == 2 and keys[0] != keys[1]  # the form, and the JSON upload: one key each
    import io
    import json

    document = json.dumps({**_document(), "exhibits": []}).encode()
    form = {"csrf_token": csrf_of(page), "submission": keys[1]}
    first = console.post("/console/file/json", data={**form, "document": (io.BytesIO(document), "application.json")},
                         content_type="multipart/form-data")
    again = console.post("/console/file/json", data={**form, "document": (io.BytesIO(document), "application.json")},
                         content_type="multipart/form-data")
    assert first.status_code == again.status_code == 302, first.get_data(as_text=True)[:500]
    assert first.headers["Location"] == again.headers["Location"]
    assert _cases(settings) == 1


def test_a_render_request_retried_with_its_key_queues_one_job(api: FlaskClient, settings: Settings) -> None:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        number = file_case(proc, _document()).number
    key = {"Idempotency-Key": "render-the-form"}
    body = {"instrument": "application_form", "edition": "zh"}
    first = api.post(f"/api/v1/cases/{number}/documents/render", json=body, headers=key)
    again = api.post(f"/api/v1/cases/{number}/documents/render", json=body, headers=key)
    assert first.status_code == again.status_code == 202, first.get_json()
    assert first.get_json()["job"] == again.get_json()["job"]
    other = api.post(f"/api/v1/cases/{number}/documents/render", json=body)
    assert other.get_json()["job"] != first.get_json()["job"]
