"""Issue 10: "An accessibility check (axe-core) on the main pages finds no serious or critical
violation". Every main page of the web service, in Chinese and in English, in a real browser
(Debian's Chromium through Playwright) against a real server holding the demo's three cases: the
sign-in pages, the console's pages (a case with its paperwork, an action refused, the forms, the
rosters, the audit trail), the job pages in progress and done, the error pages and the start page of
a party. Each page is photographed (var/screenshots/a11y-*) for a person to look at."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask

from browser_support import ACCEPT, chromium, demo_settings, serious_accessibility_violations, served_in_thread, \
    shot, sign_in, switch_language
from cases.accounts import Role
from cases.jobs import JobState
from cases.vocabulary import SideRole
from casedocs.jobs import JobContext, job
from casedocs.services.document_jobs import PREVIEW
from web.tasks import jobs_of
from web_support import PASSWORD, add_account

pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 25)
PASSPHRASE = "secretariat passphrase for the accessibility test"
CASE = "MVC-2025-0002"  # the demo's sample case: the whole procedure, with its paperwork
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
OTHER = {"zh": "en", "en": "zh"}
LOCALE = {"zh": "zh-CN", "en": "en-GB"}  # the browser's own: how it shows a date field
SLOW = 240.0  # s: the first rendering starts LibreOffice
HELD = threading.Event()  # keeps the "test.held" job running until the module is done


@job("test.held")
def _held(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """A job that stays running while the pages are checked: the one worker thread is busy, so a
    preview asked for meanwhile stays queued (the pages of work in progress, deterministically)."""
    ctx.progress(0.4, "held by the test")
    HELD.wait(SLOW)
    return {"held": True}


@dataclass
class Jobs:
    done: int  # a rendered preview of the case (console.preview, finished)
    queued: int  # another preview, waiting behind `running`
    running: int  # test.held


@dataclass
class Server:
    url: str
    jobs: Jobs
    officers: dict[str, str]  # "zh", "en", "jobs" -> the TOTP secret of officer-<that>@example.org


def _wait(app: Flask, job_id: int, states: tuple[JobState, ...]) -> None:
    deadline = time.monotonic() + SLOW
    while time.monotonic() < deadline:
        status = jobs_of(app).status(job_id)
        if status is not None and status.state in states:
            return
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not {states} after {SLOW} s: {jobs_of(app).status(job_id)}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = demo_settings(tmp_path_factory.mktemp("a11y"), PASSPHRASE, TODAY, job_threads=1)
    officers = {}
    for language in ("zh", "en", "jobs"):
        secret = add_account(settings, f"officer-{language}@example.org", Role.OFFICER, totp=True)
        assert secret is not None
        officers[language] = secret
        if language == "jobs":
            continue
        add_account(settings, f"new-officer-{language}@example.org", Role.OFFICER)  # second step not set up
        add_account(settings, f"party-{language}@example.org", Role.PARTY, case=CASE, side=SideRole.APPLICANT)
    with served_in_thread(settings, today=lambda: TODAY) as (url, app):
        jobs = jobs_of(app)
        preview = {"case": CASE, "instrument": "acceptance_decision", "edition": "zh", "subject": ""}
        done = jobs.submit(PREVIEW, preview, who="officer-zh@example.org (test)", case_number=CASE)
        _wait(app, done, (JobState.DONE, JobState.FAILED))
        running = jobs.submit("test.held", {}, who="officer-zh@example.org (test)")
        _wait(app, running, (JobState.RUNNING,))
        queued = jobs.submit(PREVIEW, {**preview, "edition": "en"}, who="officer-en@example.org (test)",
                             case_number=CASE)
        try:
            yield Server(url, Jobs(done, queued, running), officers)
        finally:
            HELD.set()
            _wait(app, queued, (JobState.DONE, JobState.FAILED))  # not left half-done at shutdown


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Visits:
    """Checks each page it is shown: axe-core's serious and critical violations, the page's language,
    no horizontal overflow of the page; and photographs it."""

    def __init__(self, page: Any, url: str, language: str) -> None:
        self.page, self.url, self.language = page, url, language
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state()
        shot(page, f"a11y-{name}-{self.language}")
        where = f"{name} [{self.language}] {page.url}"
        if page.locator("html").get_attribute("lang") != HTML_LANG[self.language]:
            self.problems.append(f"{where}: <html lang={page.locator('html').get_attribute('lang')!r}>")
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wide > 0:
            self.problems.append(f"{where}: the page is {wide}px wider than the window")
        self.problems += [f"{where}: {v}" for v in serious_accessibility_violations(page)]

    def visit(self, name: str, path: str, *, status: int = 200) -> None:
        response = self.page.goto(self.url + path)
        assert response is not None and response.status == status, (path, response and response.status)
        self.check(name)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_main_page_has_no_serious_accessibility_violation(server: Server, browser: Any, language: str) -> None:
    # The browser asks for the other language; the switch on the sign-in page chooses this one.
    context = browser.new_context(extra_http_headers={"Accept-Language": ACCEPT[OTHER[language]]},
                                  locale=LOCALE[language], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    url = server.url
    visits = Visits(page, url, language)

    page.goto(url + "/login")
    switch_language(page, language)
    visits.check("login")
    page.fill("#email", "nobody@example.org")
    page.fill("#password", "not the password")
    page.click("main button[type=submit]")
    visits.check("login-refused")

    page.fill("#email", f"new-officer-{language}@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/enrol")
    visits.check("totp-enrol")
    page.fill("#code", "000000")
    page.click("main button[type=submit]")
    visits.check("totp-enrol-refused")

    sign_in(page, url, f"officer-{language}@example.org", server.officers[language],
            before_code=lambda: visits.check("totp-code"))
    visits.check("console-dashboard")

    visits.visit("console-case-list", "/console/cases")
    visits.visit("console-case-list-filtered", "/console/cases?q=Musonoie&year=2025")
    assert page.locator("table.table tbody tr").count() >= 1
    visits.visit("console-case-list-empty", "/console/cases?q=no+such+case+anywhere")
    assert page.locator("table.table").count() == 0
    visits.visit("console-case", f"/console/cases/{CASE}")
    assert page.locator("#documents a", has_text="PDF").count() > 0, "the demo case has its paperwork"
    # The edition of the rendered preview is named in the page's language, whichever language the
    # server rendered a case page in first (a Jinja constant once kept the first one).
    assert page.inner_text("#documents .doc strong >> nth=0") == {"zh": "中文", "en": "Chinese"}[language]
    visits.visit("console-audit", f"/console/cases/{CASE}/audit")

    visits.visit("console-action-form", f"/console/cases/{CASE}/act/record_monitoring_update")
    page.click(".form__actions button[type=submit]")
    assert page.locator("main .flash--error").count() == 1
    visits.check("console-action-refused")
    visits.visit("console-action-not-allowed", f"/console/cases/{CASE}/act/send_launch_notice")
    page.fill("#f-on", "2026-11-24")
    page.select_option("#f-channel", "post")
    page.click(".form__actions button[type=submit]")
    assert page.locator("main .refusal").count() == 1  # the procedure's refusal, in words
    visits.check("console-action-refused-by-the-procedure")

    visits.visit("console-filing", "/console/file")
    page.click(".form__actions button[type=submit]")
    visits.check("console-filing-refused")

    visits.visit("console-roster", "/console/roster")
    page.click("main form.form button[type=submit]")
    assert page.locator("main .flash--error").count() == 1
    visits.check("console-roster-refused")
    visits.visit("console-signatories", "/console/signatories")

    jobs = server.jobs
    visits.visit("console-document-job-done", f"/console/cases/{CASE}/jobs/{jobs.done}")
    assert page.locator("iframe.pdf-preview").count() == 1, page.inner_text("main")
    visits.visit("console-document-job-queued", f"/console/cases/{CASE}/jobs/{jobs.queued}")
    visits.visit("job-running", f"/jobs/{jobs.running}")
    visits.visit("job-done", f"/jobs/{jobs.done}")

    visits.visit("error-404", "/console/cases/MVC-1999-0001", status=404)
    visits.visit("error-404-path", "/no/such/page", status=404)

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    visits.visit("phone-console-case", f"/console/cases/{CASE}")
    visits.visit("phone-console-action-form", f"/console/cases/{CASE}/act/record_monitoring_update")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, as printed
    page.emulate_media(media="print")
    visits.visit("print-console-case", f"/console/cases/{CASE}")
    context.close()

    # A party's portal (issue 12), and the public pages anyone reaches (issue 13).
    context = browser.new_context(extra_http_headers={"Accept-Language": ACCEPT[language]},
                                  locale=LOCALE[language], viewport={"width": 1280, "height": 900})
    page = context.new_page()
    party = Visits(page, url, language)
    for name, path in (("public-register", "/register"), ("public-register-stats", "/register/stats"),
                       ("public-verify", "/verify"), ("public-apply", "/apply")):
        party.visit(name, path)
    page.goto(url + "/login")
    page.fill("#email", f"party-{language}@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(url + "/portal/")
    party.check("portal-home")
    party.visit("portal-case", f"/portal/cases/{CASE}")
    party.visit("portal-acts", f"/portal/cases/{CASE}/acts")
    party.visit("portal-signing", f"/portal/cases/{CASE}/signing")
    context.close()

    assert not visits.problems + party.problems, "\n".join(visits.problems + party.problems)


def test_a_page_of_work_in_progress_follows_its_job_and_shows_the_pdf_once_done(server: Server, browser: Any) -> None:
    """Without <meta http-equiv="refresh"> (axe's meta-refresh rule), job-progress.js follows the job
    and reloads the page once it has moved on."""
    context = browser.new_context(extra_http_headers={"Accept-Language": ACCEPT["en"]}, locale=LOCALE["en"])
    page = context.new_page()
    sign_in(page, server.url, "officer-jobs@example.org", server.officers["jobs"])
    page.goto(f"{server.url}/console/cases/{CASE}/jobs/{server.jobs.queued}")
    assert page.locator("main .badge").inner_text() == "Queued"
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    HELD.set()  # the worker thread is free: the preview runs
    page.wait_for_selector("iframe.pdf-preview", timeout=SLOW * 1000)
    assert page.locator("main .badge").inner_text() == "Done"
    context.close()
