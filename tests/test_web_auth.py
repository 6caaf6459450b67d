"""Signing in: CSRF, rate limits, TOTP, sessions, passwords, tokens, and the audit of each act."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from cases.accounts import Account, ApiToken, Role
from cases.models import AuditEvent
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import accounts
from web_support import PASSWORD, add_account, csrf_of, filed_case_number, log_in, post_form, ready_settings, web_app


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return ready_settings(tmp_path)


@pytest.fixture
def case_number(settings: Settings) -> str:
    return filed_case_number(settings)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False) as flask_app:
        yield flask_app


def _system_events(settings: Settings, action: str) -> list[AuditEvent]:
    with App(settings) as core, core.db.session() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.chain == "system", AuditEvent.action == action)))


def test_a_post_without_a_csrf_token_is_refused(app: Flask, settings: Settings, case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    client = app.test_client()
    refused = client.post("/login", data={"email": "party@example.org", "password": PASSWORD})
    assert refused.status_code == 400 and "security token" in refused.get_data(as_text=True)
    assert log_in(client, "party@example.org").status_code == 302
    assert client.post("/logout").status_code == 400  # signed in, still no token: refused
    assert client.post("/language", data={"lang": "zh", "csrf_token": "forged"}).status_code == 400


def test_the_11th_wrong_password_in_a_minute_is_refused_even_when_right(app: Flask, settings: Settings,
                                                                       case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    client = app.test_client()
    for _ in range(10):
        assert log_in(client, "party@example.org", password="wrong password").status_code == 401
    refused = log_in(client, "party@example.org")
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert len(_system_events(settings, "login_failed")) == 10
    assert len(_system_events(settings, "login_refused_rate")) == 1


def test_the_limit_holds_across_worker_processes_without_redis(app: Flask, settings: Settings,
                                                              case_number: str) -> None:
    """gunicorn's workers are separate apps with separate memories: the count is kept where all of
    them see it (web.limitstore: a SQLite file of the data directory, when no Redis is configured)."""
    assert settings.redis_url is None and settings.broker_url is None
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    with web_app(settings, start_jobs=False) as other_worker:
        workers = [app.test_client(), other_worker.test_client()]
        for attempt in range(10):
            assert log_in(workers[attempt % 2], "party@example.org", password="wrong password").status_code == 401
        for worker in workers:
            assert log_in(worker, "party@example.org").status_code == 429
    assert (settings.data_dir / "web-limits.sqlite3").is_file()


def test_a_right_password_does_not_use_up_the_allowance(app: Flask, settings: Settings, case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    for _ in range(12):
        assert log_in(app.test_client(), "party@example.org").status_code == 302


def test_an_officer_enrols_a_second_factor_at_first_login_from_the_qr_code(app: Flask, settings: Settings) -> None:
    add_account(settings, "officer@example.org", Role.OFFICER)
    client = app.test_client()
    after_password = log_in(client, "officer@example.org")
    assert after_password.headers["Location"] == "/login/enrol"
    assert client.get("/").status_code == 302  # not signed in yet: the password alone is not enough
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page  # the URI is in the QR code, not in the text
    secret = page.split('<code class="secret">')[1].split("</code>")[0].replace(" ", "")
    assert client.post("/login/enrol", data={"csrf_token": csrf_of(page), "code": "000000"}).status_code == 401
    done = post_form(client, "/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code in (200, 302) and "officer@example.org" in client.get("/", follow_redirects=True).get_data(as_text=True)
    assert len(_system_events(settings, "second_factor_enrolled")) == 1
    # next time: the code, and the enrolment page is gone
    second = app.test_client()
    assert log_in(second, "officer@example.org").headers["Location"] == "/login/code"
    assert second.get("/login/enrol").headers["Location"] == "/login/code"


def test_a_totp_code_is_accepted_once(app: Flask, settings: Settings) -> None:
    secret = add_account(settings, "officer@example.org", Role.OFFICER, totp=True)
    assert secret is not None
    code = pyotp.TOTP(secret).now()
    first = app.test_client()
    log_in(first, "officer@example.org")
    assert post_form(first, "/login/code", {"code": code}).status_code == 302
    replay = app.test_client()
    log_in(replay, "officer@example.org")
    assert post_form(replay, "/login/code", {"code": code}).status_code == 401


def test_login_renews_the_session_so_a_planted_cookie_is_worth_nothing(app: Flask, settings: Settings,
                                                                       case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    victim = app.test_client()
    victim.get("/login")
    planted = victim.get_cookie("casedocs")
    assert planted is not None
    log_in(victim, "party@example.org")
    renewed = victim.get_cookie("casedocs")
    assert renewed is not None and renewed.value != planted.value
    attacker = app.test_client()
    attacker.set_cookie("casedocs", planted.value)
    assert attacker.get("/").status_code == 302  # still sent to the login page


def test_an_idle_session_ends_and_asks_to_sign_in_again(settings: Settings, case_number: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import web

    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    with web_app(settings, start_jobs=False) as app:
        client = app.test_client()
        log_in(client, "party@example.org")
        assert client.get("/portal/").status_code == 200
        later = web._now() + settings.session_idle_minutes * 60 + 5
        monkeypatch.setattr(web, "_now", lambda: later)
        ended = client.get("/portal/")
        assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")
        assert "without activity" in client.get("/login").get_data(as_text=True)


def test_passwords_are_argon2id_and_rehashed_when_the_parameters_change(app: Flask, settings: Settings,
                                                                       case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with App(settings) as core, core.db.session() as db:
        account = accounts.get_account(db, "party@example.org")
        account.password_hash = weak
    assert log_in(app.test_client(), "party@example.org").status_code == 302
    with App(settings) as core, core.db.session() as db:
        stored = accounts.get_account(db, "party@example.org").password_hash or ""
    assert stored.startswith("$argon2id$") and stored != weak and not PasswordHasher().check_needs_rehash(stored)


def test_a_disabled_account_cannot_sign_in_and_its_open_session_ends(app: Flask, settings: Settings,
                                                                    case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    client = app.test_client()
    log_in(client, "party@example.org")
    with App(settings) as core, core.db.session() as db:
        accounts.disable_account(db, "party@example.org", actor="test")
    assert client.get("/").status_code == 302
    assert log_in(app.test_client(), "party@example.org").status_code == 401


def test_an_api_token_is_stored_hashed_and_accepted_only_as_a_bearer_on_the_api(settings: Settings,
                                                                                 case_number: str) -> None:
    from web.access import signed_in

    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    with App(settings) as core, core.db.session() as db:
        token = accounts.issue_token(db, accounts.get_account(db, "party@example.org"), actor="test")
    with App(settings) as core, core.db.session() as db:
        stored = db.scalars(select(ApiToken.sha256)).all()
    assert token not in stored and len(stored) == 1
    with web_app(settings, start_jobs=False) as app:
        from apiflask import APIBlueprint

        probe = APIBlueprint("probe_api", __name__)

        @probe.get("/whoami")
        @signed_in
        def whoami() -> dict[str, str]:
            from flask_login import current_user
            return {"email": current_user.email}

        app.register_blueprint(probe, url_prefix="/api/v1/probe")
        client = app.test_client()
        assert client.get("/api/v1/probe/whoami").status_code == 401
        assert client.get("/api/v1/probe/whoami", headers={"Authorization": "Bearer nope"}).status_code == 401
        answer = client.get("/api/v1/probe/whoami", headers={"Authorization": f"Bearer {token}"})
        assert answer.get_json() == {"email": "party@example.org"}
        assert client.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 302  # pages: no


def test_web_acts_are_audited_with_who_address_and_session(app: Flask, settings: Settings, case_number: str) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=case_number, side=SideRole.APPLICANT)
    client = app.test_client()
    log_in(client, "party@example.org", password="wrong password")
    log_in(client, "party@example.org")
    post_form(client, "/logout", {}, from_page="/portal/")
    failed, login, logout = (_system_events(settings, a)[0] for a in ("login_failed", "login", "logout"))
    assert failed.actor.startswith("party@example.org (web 127.0.0.1, session none)")
    assert login.actor.startswith("party@example.org (web 127.0.0.1, session ") and "session none" not in login.actor
    assert logout.actor == login.actor and logout.detail["address"] == "127.0.0.1"


def test_the_user_commands_add_list_disable_and_issue_a_token_once(settings: Settings, case_number: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from casedocs.cli import main

    monkeypatch.setenv("WEB_PASSWORD", PASSWORD)
    data = ["--data", str(settings.data_dir)]
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    run("user", "add", "party@example.org", "--role", "party", "--case", case_number, "--side", "respondent",
        "--password-env", "WEB_PASSWORD", *data)
    run("user", "add", "officer@example.org", "--role", "officer", "--password-env", "WEB_PASSWORD", *data)
    refused = runner.invoke(main, ["user", "add", "x@example.org", "--role", "party", "--password-env",
                                   "WEB_PASSWORD", *data])
    assert refused.exit_code == 2 and "needs --case and --side" in refused.output
    listing = run("user", "list", *data)
    assert f"{case_number} respondent" in listing and "officer@example.org" in listing and PASSWORD not in listing
    token = run("user", "token", "party@example.org", *data).strip()
    assert token.startswith("cdt_") and token not in run("user", "list", "--json", *data)
    run("user", "disable", "party@example.org", *data)
    with App(settings) as core, core.db.session() as db:
        party = db.scalars(select(Account).where(Account.email == "party@example.org")).one()
        assert party.disabled and accounts.account_for_token(db, token) is None


@pytest.mark.parametrize("hops, recorded", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_audit_records_the_forwarded_address_only_behind_a_declared_proxy(
        tmp_path: Path, hops: int, recorded: str) -> None:
    """CASEDOCS_PROXY_HOPS=1 behind one reverse proxy; with 0 (the default) a client's own
    X-Forwarded-For is not believed, or anyone could choose the address the audit chain records."""
    settings = ready_settings(tmp_path, proxy_hops=hops)
    add_account(settings, "officer@example.org", Role.OFFICER)
    with web_app(settings, start_jobs=False) as flask_app:
        client = flask_app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        assert log_in(client, "officer@example.org", password="wrong password").status_code == 401
    [failed] = _system_events(settings, "login_failed")
    assert failed.detail["address"] == recorded and f"(web {recorded}," in failed.actor

