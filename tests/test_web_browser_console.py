"""The console in a real browser (Debian's Chromium through Playwright) against a real server on a
free port: an officer signs in with TOTP, files the sample application by its JSON document and takes
it from acceptance to the launch notice, files another application from the form with an exhibit,
previews and issues a document under the seal (real LibreOffice, real pyHanko), and switches
language. Screenshots of the main pages in Chinese and English go to var/screenshots/ for a person
to look at."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from browser_support import SCREENSHOTS, chromium, demo_settings, served_in_thread, sign_in, switch_language
from cases.accounts import Role
from casedocs.config import Settings
from casedocs.demo import SAMPLE_DIR
from web_support import add_account

playwright_api = pytest.importorskip("playwright.sync_api")

TODAY = date(2026, 11, 25)
OFFICER = "officer@example.org"
PASSPHRASE = "secretariat passphrase for the browser test"
SLOW = 180_000  # ms: the first rendering starts LibreOffice


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return demo_settings(tmp_path_factory.mktemp("browser"), PASSPHRASE, TODAY)


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    with served_in_thread(settings, today=lambda: TODAY) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def page(settings: Settings, server: str) -> Iterator[Any]:
    """One officer's browser, signed in once (a TOTP code is accepted once)."""
    secret = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert secret is not None
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        tab = context.new_page()
        sign_in(tab, server, OFFICER, secret)
        tab.wait_for_url("**/console/")
        yield tab


def _stage(page: Any) -> str:
    return str(page.inner_text(".case-head .badge--stage"))


def _act(page: Any, server: str, number: str, action: str, values: dict[str, str]) -> None:
    """Open the action's form from the case page, fill it, record it, and land back on the case."""
    page.goto(f"{server}/console/cases/{number}")
    page.click(f"#actions a[href$='/act/{action}']")
    for name, value in values.items():
        field = page.locator(f"[name='{name}']")
        kind = field.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            field.select_option(value)
        elif kind.endswith(":radio"):
            page.check(f"[name='{name}'][value='{value}']")
        else:
            field.fill(value)
    page.click(".form__actions button[type=submit]")
    page.wait_for_url(f"**/console/cases/{number}#timeline")


def test_the_sample_case_goes_from_acceptance_to_the_launch_notice_through_the_console(
        page: Any, server: str, tmp_path: Path) -> None:
    document = json.loads((SAMPLE_DIR / "application.json").read_text(encoding="utf-8"))
    document["received_on"] = "2026-11-02"
    (tmp_path / "application.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    page.goto(server + "/console/file")
    page.set_input_files("#document", str(tmp_path / "application.json"))
    page.set_input_files("#files", sorted(str(p) for p in (SAMPLE_DIR / "exhibits").iterdir()))
    page.click("#json button[type=submit]")
    page.wait_for_url("**/console/cases/MVC-2026-*")
    number = page.url.rsplit("/", 1)[1]
    assert "Kawama" in page.inner_text("#parties")

    # Acceptance, its date picked on the working-day calendar (5 November 2026, a Thursday).
    page.click("#actions a[href$='/act/accept']")
    page.click("button[name='_pick.on'][value='2026-11-05']")
    assert page.input_value("#f-on") == "2026-11-05"
    page.click(".form__actions button[type=submit]")
    page.wait_for_url(f"**/console/cases/{number}#timeline")
    assert _stage(page) == "Accepted"

    page.locator("#actions details.undelivered").evaluate("d => d.open = true")  # sent, delivery not recorded
    page.click("a[href*='act/record_delivery'][href*='instrument=acceptance_decision']")
    page.fill("#f-delivered_on", "2026-11-06")
    page.click(".form__actions button[type=submit]")
    page.wait_for_url(f"**/console/cases/{number}#timeline")

    _act(page, server, number, "send_invitation", {"on": "2026-11-10", "channel": "post"})
    _act(page, server, number, "record_delivery", {"instrument": "invitation", "delivered_on": "2026-11-11",
                                                   "side": "respondent"})
    _act(page, server, number, "record_response", {"accepts": "true", "on": "2026-11-18",
                                                   "preliminary_response": "[Preliminary] The company accepts."})
    assert _stage(page) == "Respondent accepted the invitation" or "accept" in _stage(page).lower()

    # A launch notice dated in the future is refused in words, and the form keeps what was typed.
    page.click("#actions a[href$='/act/send_launch_notice']")
    page.fill("#f-on", "2026-12-01")
    page.select_option("#f-channel", "post")
    page.click(".form__actions button[type=submit]")
    assert "The procedure refused this act." in page.inner_text(".refusal")
    assert "in the future" in page.inner_text(".refusal")
    assert page.input_value("#f-on") == "2026-12-01" and page.input_value("#f-channel") == "post"
    page.fill("#f-on", "2026-11-24")
    page.click(".form__actions button[type=submit]")
    page.wait_for_url(f"**/console/cases/{number}#timeline")
    assert _stage(page) == "Launch notice sent"
    timeline = page.inner_text("#timeline")
    assert "Notice of launch sent to both sides" in timeline and f"{OFFICER} (web 127.0.0.1" in timeline


def test_an_application_is_filed_from_the_form_with_an_exhibit(page: Any, server: str, tmp_path: Path) -> None:
    exhibit = tmp_path / "sampling.txt"
    exhibit.write_text("Sample S2: cobalt 3.2 mg/L (WHO guidance exceeded).", encoding="utf-8")
    page.goto(server + "/console/file")
    page.fill("#f-received_on", "2026-11-24")
    members = {"applicant": ("community", "Kasulo Residents' Committee"), "respondent": ("company_refining", "华钴精炼有限公司")}
    for side, (category, name) in members.items():
        page.select_option(f"#f-{side}-members-0-category", category)
        page.fill(f"#f-{side}-members-0-full_name", name)
    page.fill("#f-applicant-members-0-address", "Kasulo, Kolwezi")
    page.fill("#f-applicant-members-0-contact", "+243 970 000 555")
    for field, value in (("region", "Lualaba"), ("country", "DRC"), ("industry", "Cobalt refining")):
        page.fill(f"#f-{field}", value)
    page.fill("#f-exhibits-0-file-title", "Sampling results S2")
    page.set_input_files("#f-exhibits-0-file-upload", str(exhibit))
    page.click(".form__actions button[type=submit]")
    page.wait_for_url("**/console/cases/MVC-2026-*")
    assert "Sampling results S2" in page.inner_text("#record")
    assert "sampling.txt" in page.inner_text("#record")


def test_a_document_is_previewed_then_issued_under_the_seal(page: Any, server: str) -> None:
    page.goto(server + "/console/cases/MVC-2025-0001")
    row = page.locator("#documents tr", has=page.locator("input[name=instrument][value=rejection_decision]"))
    row.locator("select[name=edition]").select_option("en")
    row.locator("button", has_text="Preview PDF").click()
    page.wait_for_selector("iframe.pdf-preview", timeout=SLOW)
    pdf = page.request.get(server + page.get_attribute("iframe.pdf-preview", "src"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")

    page.goto(server + "/console/cases/MVC-2025-0001")
    row = page.locator("#documents tr", has=page.locator("input[name=instrument][value=rejection_decision]"))
    row.locator("button", has_text="Issue under seal").click()
    page.wait_for_selector("iframe.pdf-preview", timeout=SLOW)
    assert "sealed" in page.inner_text("dl.facts")
    sealed = page.request.get(server + page.get_attribute("iframe.pdf-preview", "src")).body()
    assert b"/ByteRange" in sealed  # a signature dictionary: the seal
    page.goto(server + "/console/cases/MVC-2025-0001")
    assert "issued" in page.inner_text("#documents")


def test_the_main_pages_switch_language_and_are_photographed_in_both(page: Any, server: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {"console-dashboard": "/console/", "console-case-list": "/console/cases",
             "console-case": "/console/cases/MVC-2025-0002",
             "console-action-form": "/console/cases/MVC-2025-0002/act/record_monitoring_update",
             "console-filing": "/console/file"}
    headings = {"zh": "工作台", "en": "Dashboard"}
    for lang in ("zh", "en"):
        page.goto(server + "/console/")
        switch_language(page, lang)
        assert page.inner_text("main h1") == headings[lang]
        for name, path in pages.items():
            page.goto(server + path)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)
    assert page.inner_text("main h1") == "File an application"
