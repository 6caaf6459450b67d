"""The public register with many cases, in a real browser (Debian's Chromium through Playwright), signed out, in
zh and en (第六章第1.1条, issue 13): thirty cases filed and driven through the engine to six different ends
(tests/register_many_support.py) beside the demo's. A reader goes to page 2 by the rel=next link, filters on
page 2 (the filtered list starts again at its first page, and a page number past the end gives the last page),
opens a case that was never launched and reads why its later phases were not undertaken; the CSV and JSON
exports page alike. Screenshots of page 2, the case and the statistics page go to
var/screenshots/register-paging-*-<lang>.png for a person to look at."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest

from browser_support import chromium, demo_settings, no_serious_accessibility_violation, served_in_thread, shot
from casedocs.config import Settings
from register_many_support import register_many

playwright_api = pytest.importorskip("playwright.sync_api")

TODAY = date(2026, 11, 25)
PASSPHRASE = "secretariat passphrase for the register paging test"
COUNT = 30
ACCEPT = {"zh": "zh-CN,zh;q=0.9", "en": "en-GB,en;q=0.9"}
LOCALE = {"zh": "zh-CN", "en": "en-GB"}
PAGE_OF = {"zh": "第 2 页，共 2 页", "en": "Page 2 of 2"}
SHOWING = {"zh": "当前显示第 26–30 件", "en": "showing 26–30"}
NOT_LAUNCHED_REASON = {"zh": "相对方拒绝邀请，程序不予启动",
                       "en": "The respondent declined the invitation; the procedure was not launched"}


@pytest.fixture(scope="module")
def numbers(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[str]]:
    settings = demo_settings(tmp_path_factory.mktemp("register-paging"), PASSPHRASE, TODAY)
    return settings, register_many(settings, COUNT, TODAY)


@pytest.fixture(scope="module")
def server(numbers: tuple[Settings, list[str]]) -> Iterator[str]:
    with served_in_thread(numbers[0], today=lambda: TODAY) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def _rows(page: Any) -> list[str]:
    return [str(text) for text in page.locator(".register-list tbody tr td:first-child a").all_inner_texts()]


def _fetch(url: str) -> tuple[bytes, str]:
    with urlopen(url) as response:  # noqa: S310 (the test's own server)
        return response.read(), response.headers.get("Link") or ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reader_pages_the_register_filters_on_page_two_and_reads_why_a_case_was_not_launched(
        numbers: tuple[Settings, list[str]], browser: Any, server: str, lang: str) -> None:
    _settings, filed = numbers
    newest_first = sorted(filed, reverse=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=LOCALE[lang],
                                  extra_http_headers={"Accept-Language": ACCEPT[lang]})
    page = context.new_page()
    page.goto(server + "/register")
    first = _rows(page)
    assert first == newest_first[:25]
    assert page.locator("a[rel=prev]").count() == 0

    page.click(".register-pages a[rel=next]")
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query) == {"page": ["2"]}
    second = _rows(page)
    # the other five of the thirty (the demo's cases are not published), none twice
    assert second == newest_first[25:] and not set(first) & set(second)
    assert PAGE_OF[lang] in page.inner_text(".register-pages") and SHOWING[lang] in page.inner_text("#register-results")
    assert page.locator("a[rel=next]").count() == 0 and page.locator("a[rel=prev]").count() == 1
    table = page.locator(".register-list")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1"), "a column is cut off"
    no_serious_accessibility_violation(page)
    shot(page, f"register-paging-page2-{lang}")

    # a filter sent from page 2 starts its list again at the first page
    page.select_option("#register-stage", "not_launched")
    page.click(".register-actions button[type=submit]")
    page.wait_for_load_state()
    query = parse_qs(urlsplit(page.url).query)
    assert "page" not in query and query["stage"] == ["not_launched"]
    not_launched = _rows(page)
    assert len(not_launched) == COUNT // 6 and page.locator(".register-pages").count() == 0
    # a page number past the end of a filtered list gives its last page, the filter kept
    page.goto(server + "/register?stage=not_launched&page=9")
    assert _rows(page) == not_launched

    # a case that was never launched: its later phases were not undertaken, and the page says why
    page.click(f"text={not_launched[0]}")
    page.wait_for_url(f"**/register/{not_launched[0]}")
    launch = page.locator("#case-phases tr[data-phase=launch]")
    assert NOT_LAUNCHED_REASON[lang] in launch.inner_text()
    assert page.locator("#case-phases tr.phase-not_undertaken").count() == 5
    no_serious_accessibility_violation(page)
    shot(page, f"register-paging-case-{lang}")

    page.goto(server + "/register/stats")
    assert page.locator("svg").count() >= 4
    # every table within its card: no column cut off at the card's edge
    for table in page.locator("table").all():
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1"), table.inner_text()[:80]
    no_serious_accessibility_violation(page)
    shot(page, f"register-paging-stats-{lang}")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                extra_http_headers={"Accept-Language": ACCEPT[lang]})
    small = phone.new_page()
    for path in ("/register?page=2", f"/register/{not_launched[0]}"):
        small.goto(server + path)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path} is {width}px wide on a 390px phone"
    shot(small, f"register-paging-case-phone-{lang}")
    phone.close()
    context.close()


def test_the_csv_and_json_exports_page_with_link_headers_and_keep_the_filters(
        numbers: tuple[Settings, list[str]], server: str) -> None:
    _settings, filed = numbers
    newest_first = sorted(filed, reverse=True)
    body, link = _fetch(server + "/register.json?per_page=12")
    document = json.loads(body)
    assert (document["page"], document["per_page"], document["pages"]) == (1, 12, 3)
    assert document["total"] == COUNT and document["prev"] is None
    assert [c["case"] for c in document["cases"]] == newest_first[:12]
    assert f'<{document["next"]}>; rel="next"' == link
    seen = [c["case"] for c in document["cases"]]
    while document["next"]:
        body, _ = _fetch(document["next"])
        document = json.loads(body)
        seen += [c["case"] for c in document["cases"]]
    assert seen == newest_first and document["page"] == 3 and document["next"] is None

    body, link = _fetch(server + "/register.csv?stage=terminated&per_page=2")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2 and {row["stage"] for row in rows} == {"terminated"}
    next_url = link.split(">")[0].lstrip("<")
    assert parse_qs(urlsplit(next_url).query) == {"stage": ["terminated"], "per_page": ["2"], "page": ["2"]}
    later = list(csv.DictReader(io.StringIO(_fetch(next_url)[0].decode("utf-8-sig"))))
    assert later and not {r["case"] for r in rows} & {r["case"] for r in later}
    # unreadable paging falls back to the first page of the default size
    fallback = json.loads(_fetch(server + "/register.json?page=-3&per_page=abc")[0])
    assert (fallback["page"], fallback["per_page"]) == (1, 200) and len(fallback["cases"]) == COUNT
