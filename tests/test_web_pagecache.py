"""Pages kept per revision of the record (web.pagecache): what is kept is served again only while
nothing it shows has changed, to the same audience, with each reader's own CSRF token."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.accounts import Role
from cases.documents import record_version
from cases.instruments import InstrumentId
from cases.vocabulary import SideRole, Stage
from casedocs.app import App
from casedocs.config import Settings
from factories import BASE_APPLICATION, file_case
from web.pagecache import CSRF_MARKER, kept_pages
from web_support import add_account, csrf_of, log_in, ready_settings, web_app

TODAY = date(2026, 11, 25)
OFFICER, COLLEAGUE = "officer@example.org", "colleague@example.org"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ready_settings(tmp_path_factory.mktemp("pagecache"))


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


def _signed_in(app: Flask, settings: Settings, email: str) -> FlaskClient:
    secret = add_account(settings, email, Role.OFFICER, totp=True)
    client = app.test_client()
    assert log_in(client, email, totp_secret=secret).status_code == 302
    return client


@pytest.fixture(scope="module")
def officer(app: Flask, settings: Settings) -> FlaskClient:
    return _signed_in(app, settings, OFFICER)


@pytest.fixture(scope="module")
def colleague(app: Flask, settings: Settings) -> FlaskClient:
    return _signed_in(app, settings, COLLEAGUE)


def _new_case(settings: Settings, **changes: Any) -> str:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        return file_case(proc, {**json.loads(json.dumps(BASE_APPLICATION)), "received_on": "2026-11-20",
                                **changes}).number


def _page(client: FlaskClient, number: str) -> str:
    response = client.get(f"/console/cases/{number}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_kept_case_page_is_built_again_as_soon_as_an_act_changes_the_case(
        app: Flask, settings: Settings, officer: FlaskClient) -> None:
    number = _new_case(settings)
    cache = kept_pages(app)
    before = _page(officer, number)
    hits = cache.hits
    assert _page(officer, number) == before  # the same session's token: the very same page
    assert cache.hits == hits + 1            # served from what was kept, nothing moved
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        proc.accept(proc.get_case(number), TODAY)
        assert proc.get_case(number).stage is not Stage.RECEIVED

    misses = cache.misses
    after = _page(officer, number)
    assert cache.misses == misses + 1
    stage = re.compile(r'badge--stage">([^<]+)<')
    assert stage.findall(before)[0] == "Formal review" and stage.findall(after)[0] != "Formal review"


def test_a_draft_rendering_which_records_no_event_still_shows_on_the_kept_page(
        settings: Settings, officer: FlaskClient) -> None:
    number = _new_case(settings)
    assert "not rendered yet" in _page(officer, number)
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = proc.get_case(number)
        record_version(proc.session, core.store, b"%PDF-1.7 draft", case_id=case.id,
                       instrument=InstrumentId.APPLICATION_FORM.value, subject=None, edition="zh", version=1,
                       verification_code="TEST-0001", format="pdf", actor="test")

    page = _page(officer, number)
    row = page[page.index(">Application form<") if ">Application form<" in page else 0:]
    assert re.search(r"<strong>[^<]+</strong> v1", row), "the new draft's version is not on the page"


def test_a_kept_page_carries_each_readers_own_csrf_token_and_each_token_works(
        app: Flask, settings: Settings, officer: FlaskClient, colleague: FlaskClient) -> None:
    number = _new_case(settings)
    mine, theirs = _page(officer, number), _page(colleague, number)
    assert kept_pages(app).hits > 0
    assert str(CSRF_MARKER) not in mine and str(CSRF_MARKER) not in theirs
    # Each page's forms carry that reader's token: a preview posted with it passes the CSRF check (it
    # is refused further on for its own reasons, never with 400 "The CSRF token is missing/invalid").
    for client, html in ((officer, mine), (colleague, theirs)):
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        assert tokens, "no form on the case page"
        response = client.post(f"/console/cases/{number}/preview", data={
            "csrf_token": tokens.pop(), "instrument": "not-an-instrument", "edition": "zh"})
        assert b"CSRF" not in response.get_data(), response.get_data(as_text=True)[:300]


def test_text_from_the_record_cannot_stand_in_for_the_csrf_marker(settings: Settings, officer: FlaskClient) -> None:
    number = _new_case(settings, facts=f"Seepage reached the river. {CSRF_MARKER} end of facts")

    page = _page(officer, number)
    facts = page[page.index("Seepage reached the river."):page.index("end of facts")]
    assert "&lt;csrf-token-of-this-request&gt;" in facts  # escaped, and so never replaced with a token
    assert 'value="' not in facts


def test_the_api_keeps_what_it_built_for_one_reader_scope_apart_from_anothers(app: Flask, settings: Settings) -> None:
    from casedocs.services import accounts

    number = _new_case(settings)
    tokens = {}
    with App(settings) as core, core.procedure() as proc:
        for email, role, side in (("api-officer@example.org", Role.OFFICER, None),
                                  ("api-party@example.org", Role.PARTY, SideRole.APPLICANT)):
            account = accounts.add_account(proc.session, email, role, actor="test", password="x" * 12,
                                           case_number=number if side else None, side=side)
            tokens[role] = accounts.issue_token(proc.session, account, actor="test")
    client, cache = app.test_client(), kept_pages(app)

    def read(role: Role) -> tuple[int, int]:
        hits, misses = cache.hits, cache.misses
        response = client.get(f"/api/v1/cases/{number}", headers={"Authorization": f"Bearer {tokens[role]}"})
        assert response.status_code == 200
        return cache.hits - hits, cache.misses - misses

    assert read(Role.OFFICER) == (0, 1)
    assert read(Role.OFFICER) == (1, 0)
    assert read(Role.PARTY) == (0, 1)  # built for the party's scope, not the officer's kept one
    assert read(Role.PARTY) == (1, 0)
