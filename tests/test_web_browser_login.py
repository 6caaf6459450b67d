"""Signing in with a real browser (Debian's Chromium through Playwright) against `casedocs serve`
(gunicorn) on a free port; screenshots of each page in zh and en go to var/screenshots/."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from browser_support import ACCEPT, REPO, chromium, need_chromium, no_serious_accessibility_violation, shot
from cases.accounts import Role
from casedocs.config import Settings
from web_support import PASSWORD, add_account, init_data, web_settings

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"casedocs serve exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"casedocs serve did not become healthy:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    need_chromium()
    tmp = tmp_path_factory.mktemp("web")
    settings = web_settings(tmp)
    init_data(settings)
    port = _free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "CASEDOCS_DATA": str(settings.data_dir), "CASEDOCS_CACHE_DIR": str(settings.cache_dir)}
    with open(log, "wb") as out:
        server = subprocess.Popen([str(Path(sys.executable).parent / "casedocs"), "serve", "--port", str(port), "--workers", "1",
                                   "--insecure-cookies"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server, log)
        yield url, settings
    finally:
        server.terminate()
        server.wait(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_officer_enrols_the_second_factor_from_the_qr_code_and_signs_in_with_it(
        served: tuple[str, Settings], browser: object, language: str) -> None:
    url, settings = served
    email = f"officer-{language}@example.org"
    add_account(settings, email, Role.OFFICER)
    context = browser.new_context(extra_http_headers={"Accept-Language": ACCEPT[language]},  # type: ignore[attr-defined]
                                  viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.goto(f"{url}/login")
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if language == "zh" else "en")
    shot(page, f"login-{language}")
    no_serious_accessibility_violation(page)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{url}/login/enrol")
    assert page.locator("figure.qr svg").count() == 1
    shot(page, f"totp-enrol-{language}")
    no_serious_accessibility_violation(page)
    totp = pyotp.TOTP(page.locator("code.secret").inner_text().replace(" ", ""))
    page.fill("#code", totp.now())
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda current: "/login" not in current)
    assert email in page.locator("header").inner_text()
    shot(page, f"signed-in-{language}")

    page.locator("header form.inline button").click()  # sign out
    page.wait_for_url(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{url}/login/code")
    shot(page, f"totp-code-{language}")
    no_serious_accessibility_violation(page)
    page.fill("#code", totp.at(time.time() + 30))  # the next step's code: the first one was used
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda current: "/login" not in current)
    assert email in page.locator("header").inner_text()
    context.close()


def test_a_wrong_password_is_said_in_the_page_language_and_the_switch_changes_it(
        served: tuple[str, Settings], browser: object) -> None:
    url, _ = served
    context = browser.new_context(extra_http_headers={"Accept-Language": ACCEPT["zh"]})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("#email", "nobody@example.org")
    page.fill("#password", "not the password")
    page.locator("main button[type=submit]").click()
    assert "电子邮箱或密码错误" in page.locator(".flash").inner_text()
    shot(page, "login-refused-zh")
    page.locator("form.lang-switch button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    page.locator("form.lang-switch button[value=zh-Hant]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "登錄"
    page.set_viewport_size({"width": 390, "height": 800})
    shot(page, "login-phone-zh-Hant")
    context.close()
