"""The web service's foundation: access rules on every route, /healthz, languages, jobs."""
from __future__ import annotations

import datetime
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import IntegerConverter
from babel.messages.catalog import Catalog
from flask import Flask

from cases.accounts import Role
from cases.jobs import Job, JobState
from cases.models import utcnow
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.jobs import JobContext, STALE_AFTER, fail_stale, job
from casedocs.services.grants import CaseArea
from factories import file_case
from web_support import PASSWORD, add_account, csrf_of, init_data, log_in, post_form, web_app, web_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = web_settings(tmp_path)
    init_data(settings)
    return settings


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings) as flask_app:
        yield flask_app


def _file_two_cases(settings: Settings) -> tuple[str, str]:
    with App(settings) as core, core.procedure() as proc:
        return file_case(proc).number, file_case(proc).number


def _sample_url(rule: Any) -> str:
    values = {name: 1 if isinstance(converter, IntegerConverter) else "2026-001"
              for name, converter in rule._converters.items()}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


# --- access rules ---------------------------------------------------------------------------------

def test_every_route_declares_exactly_one_access_rule(app: Flask) -> None:
    from web.access import rule_for

    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None)
    assert not missing, f"routes without an access rule (add @public, @roles, @case_access...): {missing}"


def test_a_view_cannot_declare_two_access_rules() -> None:
    from web.access import public, roles

    with pytest.raises(TypeError, match="one rule per route"):
        @roles(Role.OFFICER)
        @public
        def page() -> str:
            return ""


def test_a_page_asked_for_without_signing_in_leads_to_login_and_the_api_answers_401(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/jobs/1")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=/jobs/1")
    from web.access import Public, rule_for

    # the API's public routes (the register, verification: issue 13) answer without a token
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/") and not r.endpoint.startswith("openapi.")
                 and not isinstance(rule_for(app, r.endpoint), Public)]
    for rule in api_rules:
        answer = client.get(_sample_url(rule))
        assert answer.status_code in (401, 405), rule.rule


def _case_views(app: Flask) -> None:
    """Test-only pages behind each kind of case rule (registered before the first request)."""
    from web import html_blueprint
    from web.access import STAFF, case_access, current_grant

    bp = html_blueprint("probe", __name__)

    @bp.get("/probe/<number>/record")
    @case_access(CaseArea.RECORD)
    def record(number: str) -> str:
        return "record " + current_grant().number + " " + ",".join(sorted(current_grant().sides))

    @bp.get("/probe/<number>/monitoring")
    @case_access(CaseArea.MONITORING)
    def monitoring(number: str) -> str:
        return "monitoring " + number

    @bp.get("/probe/<number>/audit")
    @case_access(CaseArea.AUDIT, roles=STAFF)
    def audit_trail(number: str) -> str:
        return "audit " + number

    app.register_blueprint(bp)


def test_a_party_sees_its_own_case_and_another_case_answers_404_like_no_case(settings: Settings) -> None:
    own, other = _file_two_cases(settings)
    add_account(settings, "party@example.org", Role.PARTY, case=own, side=SideRole.RESPONDENT)
    with web_app(settings) as app:
        _case_views(app)
        client = app.test_client()
        log_in(client, "party@example.org")
        assert client.get(f"/probe/{own}/record").get_data(as_text=True) == f"record {own} respondent"
        another, missing = client.get(f"/probe/{other}/record"), client.get("/probe/2099-999/record")
        assert another.status_code == missing.status_code == 404
        assert another.get_data() == missing.get_data().replace(b"2099-999", other.encode())
        assert client.get(f"/probe/{own}/audit").status_code == 403


def test_a_monitor_sees_only_the_monitoring_side_of_its_cases(settings: Settings) -> None:
    own, other = _file_two_cases(settings)
    add_account(settings, "monitor@example.org", Role.MONITOR, case=own)
    with web_app(settings) as app:
        _case_views(app)
        client = app.test_client()
        log_in(client, "monitor@example.org")
        assert client.get(f"/probe/{own}/monitoring").status_code == 200
        assert client.get(f"/probe/{own}/record").status_code == 404
        assert client.get(f"/probe/{other}/monitoring").status_code == 404


def test_an_officer_sees_every_case(settings: Settings) -> None:
    own, other = _file_two_cases(settings)
    secret = add_account(settings, "officer@example.org", Role.OFFICER, totp=True)
    with web_app(settings) as app:
        _case_views(app)
        client = app.test_client()
        log_in(client, "officer@example.org", totp_secret=secret)
        assert all(client.get(f"/probe/{n}/{area}").status_code == 200
                   for n in (own, other) for area in ("record", "monitoring", "audit"))


def test_a_party_cannot_reach_any_console_page(settings: Settings) -> None:
    own, _ = _file_two_cases(settings)
    add_account(settings, "party@example.org", Role.PARTY, case=own, side=SideRole.APPLICANT)
    with web_app(settings) as app:
        client = app.test_client()
        log_in(client, "party@example.org")
        # a valid token (from the party's own start page): the refusal is the access rule's
        token = csrf_of(client.get("/", follow_redirects=True).get_data(as_text=True))
        console = [r for r in app.url_map.iter_rules() if r.rule.startswith("/console")]
        assert console, "the console has no pages to try"
        for rule in console:
            url = _sample_url(rule).replace("2026-001", own)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                answer = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
                assert answer.status_code in (403, 404), f"{method} {url}: {answer.status_code}"


# --- /healthz -------------------------------------------------------------------------------------

def test_healthz_reports_the_database_and_the_job_runner(app: Flask) -> None:
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["jobs"]["runner"] == "threads" and body["jobs"]["alive"] == body["jobs"]["threads"]


def test_healthz_answers_503_naming_the_database_when_it_is_unreachable(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, database_url="postgresql+psycopg://casedocs@127.0.0.1:1/nowhere")
    with web_app(settings) as app:
        answer = app.test_client().get("/healthz")
    body = answer.get_json()
    assert answer.status_code == 503 and body["failing"] == ["database", "jobs"]
    assert body["database"].startswith("unreachable: OperationalError")


def test_healthz_names_a_database_whose_schema_is_behind(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)  # never initialised: no schema at all
    with web_app(settings, start_jobs=False) as app:
        body = app.test_client().get("/healthz").get_json()
    assert "run `casedocs init`" in body["database"]


# --- languages ------------------------------------------------------------------------------------

def test_the_page_language_follows_accept_language_until_the_switch_is_used(app: Flask) -> None:
    client = app.test_client()
    assert '<html lang="zh-Hans">' in client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    hant = client.get("/login", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert '<html lang="zh-Hant">' in hant and "採礦業和礦產價值鏈調解磋商機制" in hant
    post_form(client, "/language", {"lang": "en", "next": "/login"}, from_page="/login")
    english = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english


def test_the_chosen_language_is_remembered_on_the_account(settings: Settings) -> None:
    add_account(settings, "party@example.org", Role.PARTY, case=_file_two_cases(settings)[0], side=SideRole.APPLICANT)
    with web_app(settings) as app:
        client = app.test_client()
        log_in(client, "party@example.org")
        post_form(client, "/language", {"lang": "zh", "next": "/"}, from_page="/portal/")
        other_browser = app.test_client()
        log_in(other_browser, "party@example.org")
        page = other_browser.get("/", headers={"Accept-Language": "en"}, follow_redirects=True).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "我的案件" in page


def test_dates_are_written_as_each_language_writes_them(app: Flask) -> None:
    from flask import render_template_string

    day = datetime.date(2025, 3, 12)
    expected = {"zh-CN": "2025年3月12日", "zh-TW": "2025年3月12日", "en": "12 March 2025"}
    for accept, text in expected.items():
        with app.test_request_context("/", headers={"Accept-Language": accept}):
            assert render_template_string("{{ d|date }}", d=day) == text


def test_traditional_chinese_is_converted_character_by_character() -> None:
    from web.i18n import _traditional

    simplified = Catalog(locale="zh")
    simplified.add("procedure", "调解程序的信息")
    converted = {m.id: m.string for m in _traditional(simplified, "s2tw") if m.id}
    assert converted["procedure"] == "調解程序的信息"  # s2twp would write 程式 and 資訊


# --- jobs -----------------------------------------------------------------------------------------

@job("test.count")
def _count(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    for n in range(params["to"]):
        ctx.progress((n + 1) / params["to"], f"counted {n + 1}")
    return {"counted": params["to"]}


@job("test.fail")
def _fail(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    raise ValueError("the case 2026-001 has no launch notice to render")


def _wait_finished(client: Any, job_id: int, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/jobs/{job_id}.json").get_json()
        if status["state"] in ("done", "failed"):
            return dict(status)
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def _officer_client(app: Flask, settings: Settings) -> Any:
    secret = add_account(settings, "officer@example.org", Role.OFFICER, totp=True)
    client = app.test_client()
    log_in(client, "officer@example.org", totp_secret=secret)
    return client


def test_a_job_runs_on_a_worker_thread_and_its_page_shows_the_result(app: Flask, settings: Settings) -> None:
    from web.tasks import jobs_of

    client = _officer_client(app, settings)
    job_id = jobs_of(app).submit("test.count", {"to": 3}, who="officer@example.org (test)")
    status = _wait_finished(client, job_id)
    assert status["state"] == "done" and status["progress"] == 1.0 and status["result"] == {"counted": 3}
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "counted" in page and "Done" in page


def test_a_failed_job_shows_its_error_in_words(app: Flask, settings: Settings) -> None:
    from web.tasks import jobs_of

    client = _officer_client(app, settings)
    status = _wait_finished(client, jobs_of(app).submit("test.fail", {}, who="test"))
    assert status["state"] == "failed" and status["error"] == "the case 2026-001 has no launch notice to render"


def test_a_job_of_another_account_answers_404(app: Flask, settings: Settings) -> None:
    from web.tasks import jobs_of

    add_account(settings, "party@example.org", Role.PARTY, case=_file_two_cases(settings)[0], side=SideRole.APPLICANT)
    client = app.test_client()
    log_in(client, "party@example.org")
    job_id = jobs_of(app).submit("test.count", {"to": 1}, who="someone else")
    assert client.get(f"/jobs/{job_id}.json").status_code == 404


def test_a_job_left_running_by_a_stopped_process_is_marked_failed_not_run_again(settings: Settings) -> None:
    with App(settings) as core:
        with core.db.session() as db:
            stale = Job(kind="test.count", params={"to": 1}, state=JobState.RUNNING, who="test", runner="gone:1:x",
                        heartbeat_at=utcnow() - STALE_AFTER - datetime.timedelta(seconds=5))
            db.add(stale)
            db.flush()
            stale_id = stale.id
        assert fail_stale(core) == 1
        with core.db.session() as db:
            row = db.get(Job, stale_id)
            assert row is not None and row.state is JobState.FAILED and "not run again" in (row.error or "")


def _redis_answers(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return None
    except Exception as error:
        return f"Redis at {url} does not answer ({type(error).__name__})"


def test_jobs_run_on_a_celery_worker_when_a_broker_is_configured(tmp_path: Path) -> None:
    from celery.contrib.testing.worker import start_worker

    from web.tasks import jobs_of

    broker = "redis://127.0.0.1:6379/15"
    reason = _redis_answers(broker)
    if reason:
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    settings = web_settings(tmp_path, broker_url=broker)
    init_data(settings)
    with web_app(settings) as app:
        celery = app.extensions["celery"]
        celery.conf.broker_transport_options = {"visibility_timeout": 60}
        client = _officer_client(app, settings)
        assert client.get("/healthz").get_json()["jobs"]["runner"] == "celery"
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            status = _wait_finished(client, jobs_of(app).submit("test.count", {"to": 2}, who="test"))
    assert status["state"] == "done" and status["result"] == {"counted": 2}


# --- cookies and headers --------------------------------------------------------------------------

def test_the_session_cookie_is_httponly_samesite_lax_and_secure_unless_turned_off(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    init_data(settings)
    secure = Settings.load(settings.data_dir, environ={"CASEDOCS_CACHE_DIR": str(tmp_path / "cache")})
    with web_app(secure, start_jobs=False) as app:
        cookie = app.test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert cookie.startswith("__Host-casedocs=") and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    add_account(settings, "party@example.org", Role.PARTY, case=_file_two_cases(settings)[0], side=SideRole.APPLICANT)
    with web_app(settings, start_jobs=False) as app:
        answer = log_in(app.test_client(), "party@example.org", password=PASSWORD)
    assert "Secure" not in answer.headers["Set-Cookie"] and "HttpOnly" in answer.headers["Set-Cookie"]
