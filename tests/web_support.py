"""Helpers for the web tests: an initialised data directory, the app, accounts, and logging in
through the real forms (CSRF token and all)."""
from __future__ import annotations

import dataclasses
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

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def web_settings(tmp_path: Path, **changes: Any) -> Settings:
    """Settings for a test server on http://127.0.0.1: cookies without Secure, a private cache."""
    base = Settings.load(tmp_path / "data", environ={"CASEDOCS_CACHE_DIR": str(tmp_path / "cache")})
    return dataclasses.replace(base, secure_cookies=False, **changes)


def init_data(settings: Settings) -> None:
    with App(settings) as app:
        app.init()


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
