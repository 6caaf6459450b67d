"""The public register in a real browser (Debian's Chromium through Playwright) against a real server on
a free port, signed out, in each language (zh, zh-Hant, en): filter the list by several filters, search a
Chinese and an English term of a published text (found) and of an unpublished one (not found), open the
sample case and read its points in dispute, download its sealed public case summary (pyHanko validates the
seal), and verify it by upload, by its code, and at the address its QR code leads to (the symbol read back
from the downloaded PDF); also at a phone's width and printed. Screenshots go to
var/screenshots/register-*-<lang>.png for a person to look at."""
from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from sqlalchemy import select

from browser_support import chromium, demo_settings, no_serious_accessibility_violation, served_in_thread, shot
from cases.confidentiality.audiences import Audience
from cases.confidentiality.items import ItemRef, RecordField, TextPart
from cases.confidentiality.languages import Language
from cases.confidentiality.translations import add_translation
from cases.lifecycle import VersionStage
from cases.models import DocumentVersion
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import issuing
from casedocs.services.verification import verify_pdf
from docgen.locale import Edition
from docgen.qr import qr_code, verification_url
from docgen.service import Request
from test_verification_qr import footer_strip, symbol

playwright_api = pytest.importorskip("playwright.sync_api")

TODAY = date(2026, 11, 25)
PASSPHRASE = "secretariat passphrase for the register's browser test"
SAMPLE = "MVC-2025-0002"


# A Chinese translation of the sample's first claim (published: the register shows and indexes it), and one of
# its facts (never published: nothing in them is found).
CLAIM_ZH = "对穆索诺伊河及村庄水井进行独立检测，并与各村共享检测结果。"
FACTS_ZH = "自2024年雨季起，尾矿渗漏已到达穆索诺伊河；村民报告玉米和木薯减产。"
# Per language: a Chinese and an English term of the published texts (the first claim, in its translation and
# its English original), then a Chinese and an English term found only in the unpublished facts.
FOUND, NOT_FOUND = ("水井", "testing"), ("木薯", "cassava")
POINT = {"zh": "村庄水井进行独立检测", "zh-Hant": "村莊水井進行獨立檢測", "en": "Independent testing of the Musonoie river"}
HEADING = {"zh": "案件登记册", "zh-Hant": "案件登記冊", "en": "Case register"}
ACCEPT = {"zh": "zh-CN,zh;q=0.9", "zh-Hant": "zh-TW,zh;q=0.9", "en": "en-GB,en;q=0.9"}
LOCALE = {"zh": "zh-CN", "zh-Hant": "zh-TW", "en": "en-GB"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo's record, the sample's claim and facts translated, and its case summary rendered for the
    public and sealed under the mechanism's seal, as the issuing desk does (casedocs.services.issuing): the
    case is on the register with a real sealed public document to download and verify."""
    settings = demo_settings(tmp_path_factory.mktemp("register-browser"), PASSPHRASE, TODAY)
    with App(settings, today=lambda: TODAY) as app:
        with app.procedure() as proc:
            case = proc.get_case(SAMPLE)
            for ref, text in ((ItemRef.claim(0, TextPart.CLAIM), CLAIM_ZH),
                              (ItemRef.record_field(RecordField.FACTS), FACTS_ZH)):
                add_translation(proc.session, case, ref, Language.ZH, text, by="translator.test", on=TODAY)
        desk = app.desk(PASSPHRASE, actor="officer.test")
        with app.documents(actor="officer.test") as (proc, docs):
            case = proc.get_case(SAMPLE)
            rendered = docs.render(case, Request("case_summary", Edition.ZH, None, audience=Audience.PUBLIC), ["pdf"])
            issuing.seal_rendered(desk, proc.session, case, rendered)
    return settings


@pytest.fixture(scope="module")
def sealed(settings: Settings) -> tuple[str, bytes]:
    """The verification code and the bytes of the sealed public case summary, as the record holds them."""
    with App(settings) as app, app.db.session() as session:
        version = session.scalars(select(DocumentVersion).where(
            DocumentVersion.instrument == "case_summary", DocumentVersion.audience == Audience.PUBLIC,
            DocumentVersion.stage == VersionStage.SEALED)).one()
        return version.verification_code, app.store.get(version.sha256)


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


def _search(page: Any, term: str) -> list[str]:
    page.fill("#register-q", term)
    page.press("#register-q", "Enter")
    page.wait_for_load_state()
    return _rows(page)


def _submit(page: Any) -> None:
    page.click(".register-actions button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
def test_a_reader_filters_searches_opens_a_case_downloads_and_verifies_its_public_document(
        settings: Settings, sealed: tuple[str, bytes], browser: Any, server: str, lang: str,
        tmp_path: Path) -> None:
    code, stored = sealed
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=LOCALE[lang], accept_downloads=True,
                                  extra_http_headers={"Accept-Language": ACCEPT[lang]})
    page = context.new_page()
    page.goto(server + "/register")
    assert page.locator("h1").inner_text() == HEADING[lang]
    assert _rows(page) == [SAMPLE]
    shot(page, f"register-list-{lang}")
    no_serious_accessibility_violation(page)

    # filters: each narrows, several together keep what passes them all
    page.select_option("#register-stage", "closed")
    _submit(page)
    assert _rows(page) == [] and "stage=closed" in page.url
    page.select_option("#register-stage", "monitoring")
    page.select_option("#register-party_category", "community")
    page.select_option("#register-year", "2025")
    _submit(page)
    assert _rows(page) == [SAMPLE] and "party_category=community" in page.url and "year=2025" in page.url
    page.select_option("#register-path", "bilateral_dialogue")
    _submit(page)
    assert _rows(page) == []

    # search: the published claim in Chinese and in English finds the case; the facts, never published, do not
    page.goto(server + "/register")
    for term in FOUND:
        assert _search(page, term) == [SAMPLE], term
    shot(page, f"register-search-{lang}")
    for term in NOT_FOUND:
        assert _search(page, term) == [], term

    # the case's page: its points in dispute in the reader's language
    page.goto(server + "/register")
    page.click(f"text={SAMPLE}")
    page.wait_for_url(f"**/register/{SAMPLE}")
    assert SAMPLE in page.locator("h1").inner_text()
    main = page.inner_text("main")
    assert ("方案实施监测" if lang == "zh" else "方案實施監測" if lang == "zh-Hant" else "Monitoring") in main
    assert POINT[lang] in page.inner_text("#case-points ~ ol"), lang
    shot(page, f"register-case-{lang}")
    no_serious_accessibility_violation(page)

    # its public document: the sealed public rendering, whose seal pyHanko validates
    with page.expect_download() as download_info:
        page.click("#public-documents a[download]")
    downloaded = tmp_path / "public-summary.pdf"
    download_info.value.save_as(downloaded)
    data = downloaded.read_bytes()
    assert data == stored
    # pyHanko runs its own event loop: in a thread of its own, beside Playwright's
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(verify_pdf, settings.data_dir, data).result()
    assert report.valid and report.signatures, report.reasons

    # verified by upload, by its code typed in, and at the address its QR code leads to
    page.goto(server + "/verify")
    page.set_input_files("#file", str(downloaded))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#verdict").get_attribute("data-verdict") == "valid"
    shot(page, f"register-verify-upload-{lang}")
    page.goto(server + "/verify")
    page.fill("#code", code.lower().replace("-", " "))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/verify/{code}")
    assert SAMPLE in page.inner_text("main") and page.locator("#newer").get_attribute("data-newer") == ""
    # the QR code printed on the document's first page leads to /verify/<code> under the service's public URL
    # (read back module by module, as tests/test_verification_qr.py does), here served at `server`
    qr_url = verification_url(settings.public_url, code)
    printed = symbol(footer_strip(downloaded, 1, tmp_path / "footer"))
    assert printed == [[bool(bit) for bit in row] for row in qr_code(qr_url).matrix]
    page.goto(server + urlsplit(qr_url).path)
    assert SAMPLE in page.inner_text("main")
    assert page.locator(f"a[href*='/register/{SAMPLE}/files/']").count() == 1
    shot(page, f"register-verify-code-{lang}")

    page.goto(server + "/register/stats")
    assert page.locator("svg").count() >= 4
    shot(page, f"register-stats-{lang}")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                extra_http_headers={"Accept-Language": ACCEPT[lang]})
    small = phone.new_page()
    for path in ("/register", f"/register/{SAMPLE}"):
        small.goto(server + path)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, f"{path} is {width}px wide on a 390px phone"
    shot(small, f"register-phone-{lang}")
    small.emulate_media(media="print")
    small.goto(server + f"/register/{SAMPLE}")
    shot(small, f"register-print-{lang}")
    phone.close()
    context.close()
