"""What the browser tests share: Debian's Chromium through Playwright, the web app served from a
thread on a free port, the demo record behind it, signing in with TOTP, the language switch, the
accessibility check (axe-core) and the screenshots a person looks at (var/screenshots/).

Plain functions and context managers: each test module makes its own module-scoped fixtures from
them (one server and one browser per module)."""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyotp
import pytest
from werkzeug.serving import make_server

from casedocs.app import App
from casedocs.config import Settings
from web_support import PASSWORD, web_app, web_settings

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ACCEPT = {"zh": "zh-CN,zh;q=0.9", "en": "en-GB,en;q=0.9"}
SERIOUS = ("serious", "critical")


def need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")


def demo_settings(tmp: Path, passphrase: str, today: date, **changes: Any) -> Settings:
    """An initialised data directory holding the demo's three cases (casedocs.demo) as of `today`,
    with the secretariat's passphrase in the settings (issuing under the seal works)."""
    need_chromium()
    settings = dataclasses.replace(web_settings(tmp), secretariat_passphrase=passphrase, **changes)
    from casedocs.demo import run_demo_cases

    with App(settings, today=lambda: today) as core:
        core.init(passphrase)
        with core.procedure() as proc:
            run_demo_cases(proc)
    return settings


@contextmanager
def served_in_thread(settings: Settings, today: Callable[[], date] | None = None) -> Iterator[tuple[str, Flask]]:
    """The web app on 127.0.0.1 and a free port, served by Werkzeug from a thread of this process:
    its base URL and the app."""
    with web_app(settings, **({"today": today} if today is not None else {})) as app:
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_port}", app
        finally:
            httpd.shutdown()
            thread.join(10)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browsers are not downloaded)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def switch_language(page: Page, lang: str) -> None:
    """The header's language switch (remembered in the session, and on the account when signed in)."""
    page.click(f".lang-switch button[value='{lang}']")
    page.wait_for_load_state()


def sign_in(page: Page, url: str, email: str, secret: str, *, password: str = PASSWORD, at: float | None = None,
            before_code: Callable[[], None] | None = None) -> None:
    """Sign in through the forms: password, then the authenticator's code (`at`: the code of that
    moment; a code is accepted once, so a second sign-in in the same 30 s takes the next one).
    `before_code` is called on the code's page, before the code is typed."""
    page.goto(url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/code")
    if before_code is not None:
        before_code()
    totp = pyotp.TOTP(secret)
    page.fill("#code", totp.now() if at is None else totp.at(at))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda current: "/login" not in current)


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line each: the rule's
    id, its impact and help, and the elements (CSS targets) that break it."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"])
            for v in found if v["impact"] in SERIOUS]


def no_serious_accessibility_violation(page: Page) -> None:
    serious = serious_accessibility_violations(page)
    assert not serious, serious
