"""A monitor appends two updates (issue 12, "Monitors"), in a real browser (Debian's Chromium through
Playwright) against a real server on a free port: it signs in, enrols with a signing passphrase in
Chinese at a desktop's width, appends an update with an evidence file, then appends a second one in
English at a phone's width. Each update is signed into the sealed closure report, which pyHanko then
finds valid with only the mechanism's CA trusted. Screenshots go to var/screenshots/monitoring-*.png
for a person to look at."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import func, select

from browser_support import ACCEPT, chromium, demo_settings, served_in_thread, shot
from cases.accounts import Role
from cases.confidentiality.audiences import Audience
from cases.models import MonitoringUpdate, SignedDocument
from cases.monitoring_evidence import MonitoringEvidence
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import issuing
from docgen.locale import Edition
from docgen.service import Request
from signing import PKI
from signing.offline import Verdict, verify_offline
from web_support import PASSWORD, add_account

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow

TODAY = date(2026, 11, 25)
SECRET = "secretariat passphrase for the monitoring browser test"
NUMBER = "MVC-2025-0002"
MONITOR = "li.na@mechanism.example"
PASSPHRASE = "heron quarry 6207 lantern saffron"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings, int]]:
    tmp = tmp_path_factory.mktemp("monitoring-browser")
    PKI.create(tmp / "data" / "pki", SECRET, kdf_iterations=2_000)  # the test is not about key stretching
    settings = demo_settings(tmp, SECRET, TODAY, converter_processes=1)
    add_account(settings, MONITOR, Role.MONITOR, case=NUMBER)
    with App(settings, today=lambda: TODAY) as core:
        with core.documents() as (proc, docs):
            report = issuing.issue(core.desk(SECRET), proc.session, docs, proc.get_case(NUMBER),
                                   Request("closure_report", Edition.ZH, audience=Audience.SECRETARIAT)).id
    with served_in_thread(settings, today=lambda: TODAY) as (url, _):
        yield url, settings, report


def test_a_monitor_appends_two_updates(served: tuple[str, Settings, int], tmp_path: Path) -> None:
    url, settings, report = served
    evidence = tmp_path / "采样记录-S1-S4.txt"
    evidence.write_text("S1-S4 2026-11-18: cobalt 0.02 mg/L, sulphate 180 mg/L.\n", encoding="utf-8")
    with chromium() as browser:
        zh = browser.new_context(viewport=DESKTOP, extra_http_headers={"Accept-Language": ACCEPT["zh"]})
        page = zh.new_page()
        _sign_in(page, url)
        page.goto(f"{url}/portal/cases/{NUMBER}/monitoring")
        assert page.locator("#due-h").is_visible()
        shot(page, "monitoring-page-before-zh")
        page.click(f"a[href='/portal/cases/{NUMBER}/monitoring/enrol']")
        page.fill("#name", "李娜")
        page.fill("#passphrase", PASSPHRASE)
        page.fill("#passphrase_again", PASSPHRASE)
        shot(page, "monitoring-enrol-zh")
        page.click("main button[type=submit]")
        page.wait_for_url(f"**/portal/cases/{NUMBER}/monitoring")
        page.locator("a.button", has_text="附加监测更新").first.click()
        page.select_option("#status", "in_progress")
        page.fill("#text", "截渗沟已完工；S1-S4 连续两次取样达到世卫组织指导值。")
        page.fill("#on", "2026-11-20")
        page.set_input_files("#evidence", str(evidence))
        page.fill("#passphrase", PASSPHRASE)
        shot(page, "monitoring-update-form-zh")
        page.click("main button[type=submit]")
        page.wait_for_url(f"**/portal/cases/{NUMBER}/monitoring")
        assert "您的更新已签署" in page.content()
        shot(page, "monitoring-page-after-first-zh")
        page.set_viewport_size(PHONE)
        shot(page, "monitoring-page-phone-zh")
        zh.close()

        en = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": ACCEPT["en"]})
        page = en.new_page()
        _sign_in(page, url)
        page.goto(f"{url}/portal/cases/{NUMBER}/monitoring")
        page.locator("a.button", has_text="Append an update").nth(2).click()
        page.select_option("#status", "fulfilled")
        page.fill("#text", "Fourth quarterly village meeting held; minutes shared with the secretariat.")
        page.fill("#on", "2026-11-24")
        page.fill("#passphrase", PASSPHRASE)
        shot(page, "monitoring-update-form-phone-en")
        page.click("main button[type=submit]")
        page.wait_for_url(f"**/portal/cases/{NUMBER}/monitoring")
        assert "Your update is signed into the closure report" in page.content()
        shot(page, "monitoring-page-after-second-phone-en")
        page.set_viewport_size(DESKTOP)
        shot(page, "monitoring-page-after-second-en")
        en.close()

    with App(settings) as core, core.db.session() as session:
        assert session.scalar(select(func.count(MonitoringUpdate.id))) == 4  # the demo's two, and these
        assert session.scalars(select(MonitoringEvidence.original_name)).all() == [evidence.name]
        document = session.get(SignedDocument, report)
        assert document is not None and document.monitoring_used == 2
        pdf = core.store.get(document.latest_sha256)
    root = PKI.open(settings.data_dir / "pki", SECRET).root_cert.public_bytes(Encoding.PEM)
    verdict = verify_offline(pdf, [root])
    assert verdict.verdict is Verdict.VALID, verdict


def _sign_in(page: Page, url: str) -> None:
    page.goto(url + "/login")
    page.fill("#email", MONITOR)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda current: "/login" not in current)
