"""Helpers for the web tests: an initialised data directory, the app, accounts, logging in and
sending forms through the real pages (CSRF token, submission key and all), and applying online
step by step."""
from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from cases.accounts import Role
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import accounts
from factories import file_case

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def web_settings(tmp_path: Path, **changes: Any) -> Settings:
    """Settings for a test server on http://127.0.0.1: cookies without Secure, a private cache."""
    base = Settings.load(tmp_path / "data", environ={"CASEDOCS_CACHE_DIR": str(tmp_path / "cache")})
    return dataclasses.replace(base, secure_cookies=False, **changes)


def init_data(settings: Settings) -> None:
    with App(settings) as app:
        app.init()


def ready_settings(tmp_path: Path, **changes: Any) -> Settings:
    """web_settings with the data directory initialised (`casedocs init`)."""
    settings = web_settings(tmp_path, **changes)
    init_data(settings)
    return settings


def filed_case_number(settings: Settings) -> str:
    """The number of a case filed from the factories' application."""
    with App(settings) as core, core.procedure() as proc:
        return file_case(proc).number


@contextmanager
def web_app(settings: Settings, **options: Any) -> Iterator[Flask]:
    from web import create_app, shutdown

    app = create_app(settings, **options)
    try:
        yield app
    finally:
        shutdown(app)


def add_account(settings: Settings, email: str, role: Role, *, case: str | None = None,
                side: SideRole | None = None, totp: bool = False) -> str | None:
    """Add an account with PASSWORD; with `totp`, enrol its second factor and return the secret."""
    with App(settings) as app, app.procedure() as proc:
        account = accounts.add_account(proc.session, email, role, actor="test", password=PASSWORD,
                                       case_number=case, side=side)
        if totp:
            return accounts.enrol_totp_now(proc.session, account, accounts.installation_key(settings),
                                           actor="test").secret
    return None


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, str], *, from_page: str | None = None) -> Any:
    """POST a form the way a browser does: with the CSRF token of the page it was on."""
    page = client.get(from_page or path)
    return client.post(path, data={**data, "csrf_token": csrf_of(page.get_data(as_text=True))})


def log_in(client: FlaskClient, email: str, *, password: str = PASSWORD, totp_secret: str | None = None) -> Any:
    response = post_form(client, "/login", {"email": email, "password": password})
    if totp_secret is not None:
        assert response.status_code == 302 and "/login/code" in response.headers["Location"], response.status_code
        response = post_form(client, "/login/code", {"code": pyotp.TOTP(totp_secret).now()})
    return response


def send_form(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    """Send the form of the page at `path` as a browser does: its CSRF token and its submission key
    (web.once), in English, as multipart (files may be among `data`)."""
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    submission = _SUBMISSION.search(page)
    assert submission, page[:1500]
    return client.post(path, data={**data, "csrf_token": csrf_of(page), "submission": submission.group(1)},
                       headers={"Accept-Language": "en"}, content_type="multipart/form-data")


def apply_step(client: FlaskClient, slug: str, data: dict[str, Any], go: str = "next") -> Any:
    """One step of applying online (/apply/<slug>), sent with the step's button `go`."""
    page = client.get(f"/apply/{slug}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return client.post(f"/apply/{slug}", data={**data, "go": go, "csrf_token": csrf_of(page)},
                       headers={"Accept-Language": "en"}, content_type="multipart/form-data")


def applicant_fields(name: str, upload: bytes = PDF) -> dict[str, Any]:
    """The applicant step: one community member `name` and an agent with `upload` as its power of attorney."""
    return {"applicant.members._rows": "1", "applicant.members.0.category": "community",
            "applicant.members.0.full_name": name, "applicant.members.0.address": "Kawama, Kolwezi",
            "applicant.members.0.contact": "+243 970 000 101",
            "applicant.agents._rows": "1", "applicant.agents.0.name": "Me Mutombo",
            "applicant.agents.0.power_of_attorney.title": "Power of attorney",
            "applicant.agents.0.power_of_attorney.upload": (io.BytesIO(upload), "procuration.pdf")}


def apply_rest(client: FlaskClient) -> None:
    """The steps after the applicant's: the respondent, the dispute with one claim, one exhibit."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("respondent", {"respondent.members._rows": "1", "respondent.members.0.category": "company_refining",
                        "respondent.members.0.full_name": "华钴精炼有限公司"}),
        ("dispute", {"title": "Seepage into the river", "region": "Lualaba", "country": "DRC",
                     "industry": "Cobalt refining", "facts": "Seepage reached the river.", "claims._rows": "1",
                     "claims.0.claim": "Independent testing", "claims.0.reasons": "No published monitoring"}),
        ("exhibits", {"exhibits._rows": "1", "exhibits.0.file.title": "Water sampling results",
                      "exhibits.0.file.upload": (io.BytesIO(PDF), "samples.pdf")})]
    for slug, data in steps:
        assert apply_step(client, slug, data).status_code == 302, slug


def apply_file(client: FlaskClient) -> Any:
    """Send the review page: the application is filed."""
    page = client.get("/apply/review", headers={"Accept-Language": "en"}).get_data(as_text=True)
    return client.post("/apply/review", data={"csrf_token": csrf_of(page)}, headers={"Accept-Language": "en"})
