"""A party's own acts in the portal (issue 12), through Flask's test client with real forms: each is
the procedure engine's action, taken for the side the party's grant speaks for (never the side a form
names), refused in words for the wrong side or stage with nothing recorded, and in the audit chain
under the party's own name."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from cases.accounts import Role
from cases.models import AuditEvent
from cases.vocabulary import SideRole, Stage
from casedocs.app import App
from casedocs.config import Settings
from factories import BASE_APPLICATION, file_case
from web_support import add_account, log_in, ready_settings, send_form, web_app

TODAY = date(2026, 11, 25)
APPLICANT, RESPONDENT = "villager@example.org", "company@example.org"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ready_settings(tmp_path_factory.mktemp("acts"))


@pytest.fixture(scope="module")
def number(settings: Settings) -> str:
    """A case whose respondent was invited on 2026-11-24."""
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = file_case(proc, {**json.loads(json.dumps(BASE_APPLICATION)), "received_on": "2026-11-20"})
        proc.accept(case, date(2026, 11, 23))
        proc.send_invitation(case, date(2026, 11, 24))
        return case.number


@pytest.fixture(scope="module")
def app(settings: Settings, number: str) -> Iterator[Flask]:
    add_account(settings, APPLICANT, Role.PARTY, case=number, side=SideRole.APPLICANT)
    add_account(settings, RESPONDENT, Role.PARTY, case=number, side=SideRole.RESPONDENT)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _events(settings: Settings, number: str, action: str) -> list[AuditEvent]:
    with App(settings) as core, core.db.session() as db:
        found = db.scalars(select(AuditEvent).where(AuditEvent.chain == number, AuditEvent.action == action)).all()
        db.expunge_all()
        return list(found)


def _chain_length(settings: Settings, number: str) -> int:
    with App(settings) as core, core.db.session() as db:
        return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain == number)) or 0


def test_the_applicant_cannot_answer_the_invitation_and_nothing_is_recorded(app: Flask, settings: Settings,
                                                                            number: str) -> None:
    before = _chain_length(settings, number)
    refused = send_form(_client(app, APPLICANT), f"/portal/cases/{number}/acts/respond", {"accepts": "true"})
    assert refused.status_code == 422
    assert "only the respondent can take this act" in refused.get_data(as_text=True)
    assert _chain_length(settings, number) == before


def test_supplementary_materials_are_refused_at_the_invitation_stage_in_words(app: Flask, settings: Settings,
                                                                              number: str) -> None:
    before = _chain_length(settings, number)
    refused = send_form(_client(app, APPLICANT), f"/portal/cases/{number}/acts/supplement", {"note": "more"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "The procedure refused this act." in page
    assert "does not allow it" in page and "Nothing was recorded" in page
    assert _chain_length(settings, number) == before


def test_a_confidentiality_request_is_made_for_the_grants_side_whatever_the_form_says(
        app: Flask, settings: Settings, number: str) -> None:
    client = _client(app, APPLICANT)
    form = client.get(f"/portal/cases/{number}/acts/confidentiality").get_data(as_text=True)
    assert 'value="identity:applicant:0"' in form and "identity:respondent" not in form
    done = send_form(client, f"/portal/cases/{number}/acts/confidentiality", {
        "information": "our leader's address", "audience": "other_side", "duration": "until the end",
        "reason": "fear of retaliation", "items": "identity:applicant:0", "requested_by": "respondent"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    [event] = _events(settings, number, "request_confidentiality")
    assert event.detail["requested_by"] == "applicant" and event.detail["items"] == ["identity:applicant:0"]
    assert event.actor.startswith(f"{APPLICANT} (web ")


def test_an_objection_is_raised_with_its_ground_and_evidence(app: Flask, settings: Settings, number: str) -> None:
    done = send_form(_client(app, RESPONDENT), f"/portal/cases/{number}/acts/objection", {
        "ground": "bad_faith", "statement": "the application repeats a settled matter",
        "evidence": "the 2024 agreement"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    [event] = _events(settings, number, "raise_objection")
    assert event.detail["raised_by"] == "respondent" and event.actor.startswith(f"{RESPONDENT} (web ")


def test_consent_to_the_path_is_refused_before_triage_and_nothing_is_recorded(app: Flask, settings: Settings,
                                                                              number: str) -> None:
    before = _chain_length(settings, number)
    refused = send_form(_client(app, APPLICANT), f"/portal/cases/{number}/acts/consent_path",
                    {"path": "bilateral_dialogue"})
    assert refused.status_code == 422 and "The procedure refused this act." in refused.get_data(as_text=True)
    assert _chain_length(settings, number) == before


def test_the_respondent_accepts_the_invitation_within_its_deadline(app: Flask, settings: Settings,
                                                                   number: str) -> None:
    client = _client(app, RESPONDENT)
    done = send_form(client, f"/portal/cases/{number}/acts/respond",
                 {"accepts": "true", "preliminary_response": "we will talk"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    with App(settings) as core, core.procedure() as proc:
        assert proc.get_case(number).stage is Stage.RESPONDENT_ACCEPTED
    [event] = _events(settings, number, "record_response")
    assert event.actor.startswith(f"{RESPONDENT} (web ") and event.on == TODAY
    again = send_form(client, f"/portal/cases/{number}/acts/respond", {"accepts": "false"})
    assert again.status_code == 422 and len(_events(settings, number, "record_response")) == 1
