"""The secretariat's console through Flask's test client: a signed-in officer (password and TOTP),
real forms with their CSRF tokens, the demo's cases on SQLite."""
from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from cases.accounts import Role
from cases.models import Case
from cases.procedure import Action
from cases.vocabulary import SideRole, Stage
from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from casedocs.services import forms
from factories import BASE_APPLICATION, file_case
from web_support import add_account, csrf_of, init_data, log_in, web_app, web_settings

TODAY = date(2026, 11, 25)
OFFICER = "officer@example.org"
CATALOGUE = Path(__file__).resolve().parent.parent / "web" / "translations" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("console"))
    init_data(settings)
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        run_demo_cases(proc)
    return settings


@pytest.fixture(scope="module")
def secret(settings: Settings) -> str:
    found = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


@pytest.fixture(scope="module")
def officer(app: Flask, secret: str) -> FlaskClient:
    """Signed in once: a TOTP code is accepted once (RFC 6238 §5.2)."""
    client = app.test_client()
    response = log_in(client, OFFICER, totp_secret=secret)
    assert response.status_code == 302
    return client


def _new_case(settings: Settings, document: dict[str, Any] | None = None) -> str:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        return file_case(proc, {**json.loads(json.dumps(BASE_APPLICATION)), "received_on": "2026-11-20",
                                **(document or {})}).number


def _stage(settings: Settings, number: str) -> Stage:
    with App(settings) as core, core.procedure() as proc:
        return proc.get_case(number).stage


def _post(client: FlaskClient, path: str, data: dict[str, Any], *, page: str | None = None) -> Any:
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_of(html)}, content_type="multipart/form-data")


def _text(response: Any) -> str:
    return str(response.get_data(as_text=True))


# -- pages --------------------------------------------------------------------------------------

def test_every_console_page_opens_for_an_officer(officer: FlaskClient) -> None:
    sample = "MVC-2025-0002"
    for path in ("/console/", "/console/cases", "/console/cases?stage=monitoring&q=kawama&overdue=1&year=2025",
                 f"/console/cases/{sample}", f"/console/cases/{sample}/audit", "/console/file",
                 "/console/roster", "/console/signatories",
                 *(f"/console/cases/{sample}/act/{action.value}" for action in Action)):
        response = officer.get(path)
        assert response.status_code == 200, path


def test_the_dashboard_shows_the_overdue_deadline_first_coloured_by_urgency(officer: FlaskClient,
                                                                            settings: Settings) -> None:
    number = _new_case(settings, {"received_on": "2026-11-02"})  # formal review due 2026-11-16: overdue
    html = _text(officer.get("/console/"))
    first = re.search(r'<tr class="urgency urgency--(\w+)">\s*<td>.*?</td>\s*<td><a href="/console/cases/([^"]+)"',
                      html, re.S)
    assert first is not None and first.groups() == ("overdue", number)


def test_the_case_list_searches_the_parties_names(officer: FlaskClient) -> None:
    html = _text(officer.get("/console/cases", query_string={"q": "鑫源"}))
    assert "MVC-2025-0003" in html and "MVC-2025-0002" not in html


def test_a_case_page_shows_the_timeline_in_the_pages_language(officer: FlaskClient) -> None:
    english = _text(officer.get("/console/cases/MVC-2025-0002"))
    assert "Decision to accept the application" in english and "Audit chain intact" in english
    _post(officer, "/language", {"lang": "zh", "next": "/console/cases/MVC-2025-0002"},
          page="/console/cases/MVC-2025-0002")
    chinese = _text(officer.get("/console/cases/MVC-2025-0002"))
    assert "当前可进行的操作" in chinese and "审计链完整" in chinese and "方案实施监测" in chinese
    _post(officer, "/language", {"lang": "en"}, page="/console/")


# -- acts ---------------------------------------------------------------------------------------

def test_an_act_posted_from_its_form_moves_the_case_and_is_in_its_audit_trail(officer: FlaskClient,
                                                                               settings: Settings) -> None:
    number = _new_case(settings)
    response = _post(officer, f"/console/cases/{number}/act/accept", {"on": "2026-11-24", "channel": "email"})
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/console/cases/{number}")
    assert _stage(settings, number) is Stage.ACCEPTED
    trail = _text(officer.get(f"/console/cases/{number}/audit"))
    assert f"{OFFICER} (web " in trail and "accept" in trail


def test_the_officer_picks_a_confidentiality_requests_items_from_the_whole_record(officer: FlaskClient,
                                                                                  settings: Settings) -> None:
    """第六章第2.2条: the secretariat records a request for either side, so its form offers every exhibit,
    every person of both sides and every free text of the record, each by what it is."""
    number = _new_case(settings)
    page = f"/console/cases/{number}/act/request_confidentiality"
    html = _text(officer.get(page))
    assert 'value="exhibit:0"' in html and 'value="identity:respondent:0"' in html
    assert 'value="field:facts"' in html and 'value="claim:0.reasons"' in html
    response = _post(officer, page, {"requested_by": "applicant", "information": "the witness and the facts",
                                     "audience": "other_side", "duration": "until the end",
                                     "reason": "reprisals", "on": "2026-11-24",
                                     "items": ["identity:applicant:0", "field:facts"]})
    assert response.status_code == 302, _text(response)[:3000]
    with App(settings) as core, core.procedure() as proc:
        [request] = proc.get_case(number).confidentiality_requests
        assert sorted(str(item) for item in request.items) == ["field:facts", "identity:applicant:0"]


def test_a_refused_act_shows_the_engines_reason_and_the_form_as_it_was_sent(officer: FlaskClient,
                                                                             settings: Settings) -> None:
    number = _new_case(settings)
    response = _post(officer, f"/console/cases/{number}/act/reject",
                     {"grounds": "No standard [within scope] is named.", "on": "2026-12-24", "channel": "post"})
    html = _text(response)
    assert response.status_code == 422
    assert "The procedure refused this act." in html and "in the future (today is 2026-11-25)" in html
    assert "No standard [within scope] is named.</textarea>" in html
    assert 'value="2026-12-24"' in html and '<option value="post" selected>' in html
    assert _stage(settings, number) is Stage.RECEIVED


def test_an_act_the_stage_does_not_allow_is_refused_in_the_pages_language(officer: FlaskClient,
                                                                          settings: Settings) -> None:
    number = _new_case(settings)
    page = f"/console/cases/{number}/act/send_launch_notice"

    def refused() -> str:
        response = _post(officer, page, {"on": "2026-11-24"})
        assert response.status_code == 422
        html = _text(response)
        assert "not allowed at stage" not in html
        return html

    assert "The stage “Formal review” does not allow it." in refused()
    _post(officer, "/language", {"lang": "zh"}, page="/console/")
    try:
        assert "案件当前阶段“形式审查”不允许此行为。" in refused()
    finally:
        _post(officer, "/language", {"lang": "en"}, page="/console/")


def test_a_day_picked_on_the_working_day_calendar_fills_the_date_and_takes_no_act(officer: FlaskClient,
                                                                                  settings: Settings) -> None:
    number = _new_case(settings)
    page = f"/console/cases/{number}/act/accept"
    html = _text(officer.get(page))
    assert 'name="_pick.on" value="2026-11-24"' in html and "day--off" in html  # weekends are marked
    response = _post(officer, page, {"on": "", "_pick.on": "2026-11-24", "channel": "post"})
    assert response.status_code == 200
    assert 'id="f-on" name="on" value="2026-11-24"' in _text(response)
    assert _stage(settings, number) is Stage.RECEIVED


def test_an_action_form_offers_the_cases_own_records_and_adds_rows_without_javascript(
        officer: FlaskClient) -> None:
    html = _text(officer.get("/console/cases/MVC-2025-0002/act/record_delivery"))
    assert '<option value="closure_report">' in html
    page = "/console/cases/MVC-2025-0002/act/draft_agreement"
    response = _post(officer, page, {"terms.obligations._rows": "1", "_add_row": "terms.obligations",
                                     "terms.points_in_dispute": "Seepage"})
    html = _text(response)
    assert 'name="terms.obligations.1.description"' in html and "Seepage</textarea>" in html


def test_a_post_without_a_csrf_token_is_refused(officer: FlaskClient, settings: Settings) -> None:
    number = _new_case(settings)
    response = officer.post(f"/console/cases/{number}/act/accept", data={"on": "2026-11-24"})
    assert response.status_code == 400
    assert _stage(settings, number) is Stage.RECEIVED


# -- filing -------------------------------------------------------------------------------------

def _application_form() -> dict[str, Any]:
    return {"received_on": "2026-11-24", "channel": "email", "region": "Lualaba", "country": "DRC",
            "industry": "Cobalt refining", "facts": "Seepage reached the river.",
            "claims._rows": "1", "claims.0.claim": "Independent testing", "claims.0.reasons": "No data",
            "standards._rows": "1", "standards.0.standard": "oecd_ddg_minerals",
            "applicant.members._rows": "1", "applicant.members.0.category": "community",
            "applicant.members.0.full_name": "Kasulo Residents' Committee",
            "applicant.members.0.address": "Kasulo, Kolwezi", "applicant.members.0.contact": "+243 970 000 555",
            "respondent.members._rows": "1", "respondent.members.0.category": "company_refining",
            "respondent.members.0.full_name": "华钴精炼有限公司", "exhibits._rows": "1",
            "exhibits.0.file.title": "Sampling results"}


def test_an_application_filed_from_the_form_carries_its_exhibit(officer: FlaskClient, settings: Settings) -> None:
    data = {**_application_form(), "exhibits.0.file.upload": (io.BytesIO("样本 S1: 3.2 mg/L".encode()), "s1.txt")}
    response = _post(officer, "/console/file", data)
    assert response.status_code == 302, _text(response)
    number = response.headers["Location"].rsplit("/", 1)[1]
    with App(settings) as core, core.procedure() as proc:
        case = proc.get_case(number)
        assert [(e.title, e.original_name, e.media_type) for e in case.exhibits] == \
            [("Sampling results", "s1.txt", "text/plain")]
        assert case.applicant.members[0].full_name == "Kasulo Residents' Committee"


def test_a_refused_application_keeps_everything_typed_and_the_file_sent(officer: FlaskClient) -> None:
    data = {**_application_form(), "applicant.members.0.contact": "",  # the applicant's contact is required
            "exhibits.0.file.upload": (io.BytesIO(b"minutes of the assembly"), "minutes.txt")}
    response = _post(officer, "/console/file", data)
    html = _text(response)
    assert response.status_code == 422
    assert "applicant.members.0.contact: the applicant&#39;s contact is required" in html
    assert 'value="Kasulo Residents&#39; Committee"' in html
    assert "Already attached: minutes.txt" in html
    kept = re.search(r'name="exhibits\.0\.file\.kept_sha256" value="([0-9a-f]{64})"', html)
    assert kept is not None
    again = {**_application_form(), "exhibits.0.file.kept_sha256": kept.group(1),
             "exhibits.0.file.kept_name": "minutes.txt"}
    response = _post(officer, "/console/file", again)
    assert response.status_code == 302


def test_an_upload_whose_content_is_not_what_its_name_says_is_refused(officer: FlaskClient) -> None:
    data = {**_application_form(), "exhibits.0.file.upload": (io.BytesIO(b"MZ\x90\x00"), "scan.pdf")}
    response = _post(officer, "/console/file", data)
    assert response.status_code == 422
    assert "scan.pdf: the content is not a valid .pdf file" in _text(response)


def test_an_application_is_filed_from_its_json_document_with_the_files_it_names(officer: FlaskClient) -> None:
    document = {**json.loads(json.dumps(BASE_APPLICATION)), "received_on": "2026-11-23",
                "exhibits": [{"title": "Photographs index", "file": "exhibits/index.txt"}]}
    data = {"document": (io.BytesIO(json.dumps(document).encode()), "application.json"),
            "files": (io.BytesIO(b"photo 1: the river at S2"), "index.txt")}
    response = _post(officer, "/console/file/json", data, page="/console/file")
    assert response.status_code == 302, _text(response)
    missing = {"document": (io.BytesIO(json.dumps(document).encode()), "application.json")}
    response = _post(officer, "/console/file/json", missing, page="/console/file")
    assert response.status_code == 422 and "add the file index.txt to the upload" in _text(response)


# -- documents ----------------------------------------------------------------------------------

def test_issuing_without_the_secretariats_passphrase_is_refused_in_words(officer: FlaskClient) -> None:
    response = _post(officer, "/console/cases/MVC-2025-0002/issue",
                     {"instrument": "acceptance_decision", "edition": "zh", "subject": ""},
                     page="/console/cases/MVC-2025-0002")
    assert response.status_code == 302
    assert "CASEDOCS_SECRETARIAT_PASSPHRASE" in _text(officer.get(response.headers["Location"]))


# -- labels and translations --------------------------------------------------------------------

def _names(fields: tuple[forms.FormField, ...]) -> set[str]:
    return {f.name for f in fields} | {name for f in fields for name in _names(f.fields)}


def test_every_field_and_action_has_a_label_translated_into_chinese(app: Flask) -> None:
    from web.console.labels import ACTION_TITLES, FIELD_LABELS

    names = _names(forms.application_form())
    for action in Action:
        names |= _names(forms.action_form(action).fields)
    assert names <= set(FIELD_LABELS), sorted(names - set(FIELD_LABELS))
    assert set(ACTION_TITLES) == set(Action)
    translated: dict[str, str] = {}
    for po in CATALOGUE.glob("*.po"):
        with open(po, "rb") as handle:
            translated |= {m.id: m.string for m in read_po(handle) if isinstance(m.id, str) and m.string}
    with app.test_request_context():
        wanted = {str(label._args[0]) for label in [*FIELD_LABELS.values(), *ACTION_TITLES.values()]}
    assert not sorted(wanted - set(translated))
