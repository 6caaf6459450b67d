"""The public register in a real browser (Debian's Chromium through Playwright) against a real server on
a free port, signed out: in Chinese and in English, filter the list, search a Chinese and an English
term, open the sample case; also at a phone's width. Screenshots go to var/screenshots/register-*-<lang>.png
for a person to look at."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from browser_support import chromium, demo_settings, served_in_thread, shot
from cases.confidentiality.audiences import Audience
from cases.documents import record_version
from cases.lifecycle import VersionStatus
from casedocs.app import App
from casedocs.config import Settings

playwright_api = pytest.importorskip("playwright.sync_api")

TODAY = date(2026, 11, 25)
PASSPHRASE = "secretariat passphrase for the register's browser test"
SAMPLE = "MVC-2025-0002"
SEARCHES = {"zh": ("监测", "保险"), "en": ("cobalt", "insurance")}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = demo_settings(tmp_path_factory.mktemp("register-browser"), PASSPHRASE, TODAY)
    with App(settings, today=lambda: TODAY) as app, app.procedure() as proc:
        case = proc.get_case(SAMPLE)
        record_version(proc.session, app.store, b"%PDF case summary", case_id=case.id, instrument="case_summary",
                       subject=None, edition="zh", version=1, verification_code="SUMMARY1", format="pdf",
                       actor="officer.test", status=VersionStatus.ISSUED, audience=Audience.PUBLIC)
    return settings


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    with served_in_thread(settings, today=lambda: TODAY) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def _rows(page: Any) -> list[str]:
    return [str(text) for text in page.locator(".register-table tbody tr td:first-child a").all_inner_texts()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reader_filters_searches_and_opens_a_case_of_the_register(browser: Any, server: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  locale="zh-CN" if lang == "zh" else "en-GB",
                                  extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9" if lang == "zh" else "en-GB"})
    page = context.new_page()
    page.goto(server + "/register")
    assert page.locator("h1").inner_text() == ("案件登记册" if lang == "zh" else "Case register")
    assert _rows(page) == [SAMPLE]
    shot(page, f"register-list-{lang}")

    page.select_option("#register-stage", "closed")
    page.click(".register-actions button[type=submit]")
    page.wait_for_load_state()
    assert _rows(page) == [] and "stage=closed" in page.url
    page.select_option("#register-stage", "monitoring")
    page.select_option("#register-party_category", "community")
    page.click(".register-actions button[type=submit]")
    page.wait_for_load_state()
    assert _rows(page) == [SAMPLE]

    found, missing = SEARCHES[lang]
    page.goto(server + "/register")
    page.fill("#register-q", found)
    page.press("#register-q", "Enter")
    page.wait_for_load_state()
    assert _rows(page) == [SAMPLE]
    shot(page, f"register-search-{lang}")
    page.fill("#register-q", missing)
    page.press("#register-q", "Enter")
    page.wait_for_load_state()
    assert _rows(page) == []

    page.goto(server + "/register")
    page.click(f"text={SAMPLE}")
    page.wait_for_url(f"**/register/{SAMPLE}")
    assert SAMPLE in page.locator("h1").inner_text()
    assert ("方案实施监测" if lang == "zh" else "Monitoring") in page.inner_text("main")
    shot(page, f"register-case-{lang}")

    page.goto(server + "/register/stats")
    assert page.locator("svg").count() >= 4
    shot(page, f"register-stats-{lang}")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                extra_http_headers={"Accept-Language": "zh-CN" if lang == "zh" else "en-GB"})
    small = phone.new_page()
    small.goto(server + "/register")
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the register is {width}px wide on a 390px phone"
    shot(small, f"register-phone-{lang}")
    small.emulate_media(media="print")
    small.goto(server + f"/register/{SAMPLE}")
    shot(small, f"register-print-{lang}")
    phone.close()
    context.close()

