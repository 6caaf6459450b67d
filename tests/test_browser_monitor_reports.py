"""What the secretariat and its monitors follow of an agreement's performance, in Debian's Chromium
(issue 12, "Monitors" and "Obligations"; 第五章): the case's monitor reads the obligor's progress reports
with their evidence on its monitoring page (a report goes to the obligee and the secretariat, 第五章第1条,
and the monitor acts for the secretariat, 第五章第2条), and the officer's reports and inquiries page lists
each monitoring update with its evidence files. Screenshots in zh and en go to
var/screenshots/monitor-reports-*.png."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pytest

from browser_support import ACCEPT, chromium, need_chromium, no_serious_accessibility_violation, served_in_thread, \
    shot, sign_in, switch_language
from cases.accounts import Role
from cases.monitoring_evidence import MonitoringEvidence
from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms
from cases.vocabulary import ObligationStatus, Path, SideRole, TerminationGround
from casedocs.app import App
from casedocs.services import obligations
from casedocs.services.posted import Upload
from factories import file_case, to_path
from web_support import PASSWORD, add_account, init_data, web_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

TODAY = date(2025, 9, 29)
A, R = SideRole.APPLICANT, SideRole.RESPONDENT
MONITOR, OFFICER = "monitor@example.org", "officer@example.org"


@dataclass(frozen=True)
class World:
    url: str
    number: str
    officer_totp: str
    browser: Browser


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A monitored case whose obligor reported with an evidence file and whose monitor's update keeps
    one (recorded as the engine records it; test_web_monitoring.py signs one through the form)."""
    need_chromium()
    settings = web_settings(tmp_path_factory.mktemp("browser-monitor-reports"))
    init_data(settings)
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
        proc.draft_agreement(case, AgreementTerms(
            "points", "stakeholders", "OECD DDG Annex II", "consensus",
            [ObligationTerms(R, A, "修复尾矿库防渗层 / Repair the tailings lining", date(2025, 12, 31),
                             "第三方检测报告 / Third-party inspection report")],
            "quarterly reports", "publish summary", "monthly committee"), date(2025, 6, 2))
        proc.sign_agreement(case, date(2025, 6, 10))
        proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "Signed", date(2025, 6, 11))
        proc.issue_closure_report(case, ClosureTerms("points", "course", "facts", "recs"), date(2025, 6, 20))
        assert case.agreement is not None
        obligation = case.agreement.obligations[0].id
        number = case.number
        obligations.report(proc, number, R, obligation, "一号、二号库区防渗膜已焊接 / Liner welded on cells 1-2",
                           "S2 渗漏低于每分钟 1 升 / Seepage below 1 L/min at S2", "",
                           [Upload("检测报告.pdf", b"%PDF-1.7\n% inspection\n")], date(2025, 9, 15))
        update = proc.record_monitoring_update(proc.get_case(number), obligation, "监测员 李娜 / Monitor Li Na",
                                               ObligationStatus.IN_PROGRESS,
                                               "现场核实焊接完成；S1–S4 已采样 / Welding verified on site; S1-S4 sampled.",
                                               date(2025, 9, 20))
        proc.session.flush()
        stored = core.store.put_upload("samples-S1-S4.txt", "S1-S4 sampled: cobalt 0.02 mg/L".encode())
        proc.session.add(MonitoringEvidence(update_id=update.id, original_name=stored.original_name,
                                            media_type=stored.media_type, sha256=stored.sha256, size=stored.size))
    add_account(settings, MONITOR, Role.MONITOR, case=number)
    totp = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert totp is not None
    with served_in_thread(settings, today=lambda: TODAY) as (url, _app), chromium() as browser:
        yield World(url, number, totp, browser)


def _tab(world: World, lang: str) -> Page:
    context = world.browser.new_context(viewport={"width": 1200, "height": 900},
                                        locale="zh-CN" if lang == "zh" else "en-GB",
                                        extra_http_headers={"Accept-Language": ACCEPT[lang]})
    return context.new_page()


def test_the_monitor_reads_the_obligors_report_and_downloads_its_evidence(world: World) -> None:
    tab = _tab(world, "zh")
    tab.goto(world.url + "/login")
    tab.fill("#email", MONITOR)
    tab.fill("#password", PASSWORD)
    tab.click("main button[type=submit]")
    tab.wait_for_url(lambda current: "/login" not in current)
    tab.goto(f"{world.url}/portal/cases/{world.number}/monitoring")
    main = tab.inner_text("main")
    assert "义务承担方的进展报告" in main
    assert "Liner welded on cells 1-2" in main and "检测报告.pdf" in main
    no_serious_accessibility_violation(tab)
    shot(tab, "monitor-reports-monitor-zh")
    with tab.expect_download() as download:
        tab.click("text=检测报告.pdf")
    assert download.value.suggested_filename == "检测报告.pdf"
    switch_language(tab, "en")
    assert "Progress reports by the obligor" in tab.inner_text("main")
    shot(tab, "monitor-reports-monitor-en")


def test_the_officer_sees_each_monitoring_update_with_its_evidence(world: World) -> None:
    tab = _tab(world, "en")
    sign_in(tab, world.url, OFFICER, world.officer_totp)
    tab.goto(f"{world.url}/console/cases/{world.number}/inquiries")
    main = tab.inner_text("main")
    assert "Monitoring updates" in main and "Welding verified on site" in main and "samples-S1-S4.txt" in main
    no_serious_accessibility_violation(tab)
    shot(tab, "monitor-reports-console-en")
    with tab.expect_download() as download:
        tab.click("text=samples-S1-S4.txt")
    assert download.value.suggested_filename == "samples-S1-S4.txt"
    switch_language(tab, "zh")
    assert "监测更新" in tab.inner_text("main")
    shot(tab, "monitor-reports-console-zh")
