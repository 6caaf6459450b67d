"""What a party's token or page reads of a case holds nothing withheld from its side (issue 11): the
API's case JSON and the portal's pages, for the respondent, against a case whose applicant asked that
a witness (name, address, contact), her statement and the reasons of a claim be kept from the other
side. The applicant, who asked, and the secretariat read them all."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from cases.accounts import Role
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import accounts
from confidentiality_support import SECRET_REASONS, WITNESS, file_confidential_case
from web_support import add_account, init_data, log_in, web_app, web_settings

TODAY = date(2026, 11, 25)
MARKERS = (WITNESS, "Amani", "证人甲", "Kawama, plot 7", "+243 970 000 777", "MARKER-EXHIBIT", "witness-MARKER",
           SECRET_REASONS, "MARKER-REASONS", "报复记号")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("leaks"))
    init_data(settings)
    return settings


@pytest.fixture(scope="module")
def number(settings: Settings) -> str:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        return file_confidential_case(proc, received_on="2026-11-20").number


@pytest.fixture(scope="module")
def app(settings: Settings, number: str) -> Iterator[Flask]:
    for email, side in (("respondent@example.org", SideRole.RESPONDENT), ("applicant@example.org", SideRole.APPLICANT)):
        add_account(settings, email, Role.PARTY, case=number, side=side)
    add_account(settings, "officer@example.org", Role.OFFICER)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


def _token(settings: Settings, email: str) -> str:
    with App(settings) as core, core.procedure() as proc:
        return accounts.issue_token(proc.session, accounts.get_account(proc.session, email), actor="test")


def _api_case(app: Flask, settings: Settings, email: str, number: str) -> str:
    answer = app.test_client().get(f"/api/v1/cases/{number}",
                                   headers={"Authorization": f"Bearer {_token(settings, email)}"})
    assert answer.status_code == 200
    return json.dumps(answer.get_json(), ensure_ascii=False)


def test_the_respondents_token_reads_the_case_without_anything_withheld_from_it(
        app: Flask, settings: Settings, number: str) -> None:
    seen = _api_case(app, settings, "respondent@example.org", number)
    leaked = [marker for marker in MARKERS if marker in seen]
    assert not leaked, leaked
    assert f"{number}/C-1" in seen  # the placeholder names the request it is withheld under
    assert "Kawama Village Committee" in seen  # what is not withheld is there


def test_the_applicant_who_asked_and_the_secretariat_read_everything(app: Flask, settings: Settings,
                                                                     number: str) -> None:
    for email in ("applicant@example.org", "officer@example.org"):
        seen = _api_case(app, settings, email, number)
        assert WITNESS in seen and SECRET_REASONS in seen and "MARKER-EXHIBIT" in seen, email


def test_the_respondents_portal_page_names_nothing_withheld_from_it(app: Flask, number: str) -> None:
    client = app.test_client()
    assert log_in(client, "respondent@example.org").status_code == 302
    for path in ("/portal/", f"/portal/cases/{number}"):
        for language in ("zh-CN", "en"):
            page = client.get(path, headers={"Accept-Language": language}).get_data(as_text=True)
            leaked = [marker for marker in MARKERS if marker in page]
            assert not leaked, (path, language, leaked)


def test_the_respondents_token_lists_and_downloads_only_its_own_issued_renderings(
        app: Flask, settings: Settings, number: str) -> None:
    from cases.confidentiality.audiences import Audience
    from cases.documents import record_version
    from cases.lifecycle import VersionStatus

    ids = {}
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = proc.get_case(number)
        for audience in (Audience.SECRETARIAT, Audience.RESPONDENT, Audience.APPLICANT):
            ids[audience] = record_version(
                proc.session, core.store, f"%PDF-1.7 for the {audience.value}".encode(), case_id=case.id,
                instrument="acceptance_decision", subject=None, edition="en", version=1, format="pdf",
                verification_code=f"LEAK-{audience.value[:4].upper()}", actor="test", status=VersionStatus.ISSUED,
                audience=audience)
        proc.session.flush()
        ids = {audience: row.id for audience, row in ids.items()}
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {_token(settings, 'respondent@example.org')}"
    listed = client.get(f"/api/v1/cases/{number}/documents").get_json()
    files = [f["id"] for d in listed["documents"] for f in d["files"]]
    assert files == [ids[Audience.RESPONDENT]]
    assert client.get(f"/api/v1/cases/{number}/documents/files/{ids[Audience.RESPONDENT]}").status_code == 200
    for other in (Audience.SECRETARIAT, Audience.APPLICANT):
        assert client.get(f"/api/v1/cases/{number}/documents/files/{ids[other]}").status_code == 404
