"""An obligee's inquiry is answered (issue 12, browser tests; 第五章第2条), in Debian's Chromium against a
real server: the obligor reports progress with an evidence file, the obligee (in Chinese) asks the
secretariat about progress, the officer answers from the console, and the answer shows on the obligee's
page. Screenshots in zh and en go to var/screenshots/obligations-*.png."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path as FilePath
from typing import Any

import pytest

from browser_support import ACCEPT, chromium, need_chromium, no_serious_accessibility_violation, served_in_thread, \
    shot, sign_in
from cases.accounts import Role
from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms
from cases.vocabulary import Path, SideRole, TerminationGround
from casedocs.app import App
from casedocs.config import Settings
from factories import file_case, to_path
from web_support import PASSWORD, add_account, init_data, web_settings

TODAY = date(2025, 9, 29)
A, R = SideRole.APPLICANT, SideRole.RESPONDENT
OBLIGEE, OBLIGOR, OFFICER = "village@example.org", "mine@example.org", "officer@example.org"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    need_chromium()
    settings = web_settings(tmp_path_factory.mktemp("browser-obligations"))
    init_data(settings)
    return settings


@pytest.fixture(scope="module")
def number(settings: Settings) -> str:
    """A monitored case: the respondent owes the applicant the lining repair."""
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
        number = case.number
    add_account(settings, OBLIGEE, Role.PARTY, case=number, side=A)
    add_account(settings, OBLIGOR, Role.PARTY, case=number, side=R)
    return number


@pytest.fixture(scope="module")
def server(settings: Settings, number: str) -> Iterator[str]:
    with served_in_thread(settings, today=lambda: TODAY) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def _party(browser: Any, server: str, email: str, lang: str) -> Any:
    """A party's tab, signed in with its password (no second factor for parties)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN" if lang == "zh" else "en-GB",
                                  extra_http_headers={"Accept-Language": ACCEPT[lang]})
    tab = context.new_page()
    tab.goto(server + "/login")
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.click("main button[type=submit]")
    tab.wait_for_url(lambda current: "/login" not in current)
    return tab


def test_an_obligees_inquiry_is_answered(browser: Any, server: str, settings: Settings, number: str,
                                         tmp_path: FilePath) -> None:
    page = f"{server}/portal/cases/{number}/obligations"
    # The obligor reports progress with an evidence file (English).
    obligor = _party(browser, server, OBLIGOR, "en")
    obligor.goto(f"{server}/portal/cases/{number}")
    obligor.click("text=Obligations: reports and inquiries")
    evidence = tmp_path / "检测报告.pdf"
    evidence.write_bytes(b"%PDF-1.7\n% inspection\n")
    obligor.fill("textarea[name=steps]", "Liner welded on cells 1 and 2.")
    obligor.fill("textarea[name=results]", "Seepage below 1 L/min at S2.")
    obligor.set_input_files("input[name=evidence]", str(evidence))
    obligor.click("text=Send the report")
    obligor.wait_for_url(page)
    assert "Your progress report is recorded" in obligor.inner_text("main")
    shot(obligor, "obligations-obligor-en")

    # The obligee asks in Chinese, sees the report and the due date of the answer.
    obligee = _party(browser, server, OBLIGEE, "zh")
    obligee.goto(f"{server}/portal/cases/{number}")
    obligee.click("text=义务：进展报告与问询")
    assert "Liner welded on cells 1 and 2." in obligee.inner_text("main") and "检测报告.pdf" in obligee.inner_text("main")
    obligee.fill("textarea[name=question]", "截水沟何时完工？")
    obligee.click("text=提交问询")
    obligee.wait_for_url(page)
    main = obligee.inner_text("main")
    assert "您的问询已送交秘书处" in main and "秘书处将于2025年10月20日前答复" in main
    no_serious_accessibility_violation(obligee)
    shot(obligee, "obligations-asked-zh")

    # The officer answers from the console.
    secret = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert secret is not None
    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  extra_http_headers={"Accept-Language": ACCEPT["en"]}).new_page()
    sign_in(officer, server, OFFICER, secret)
    officer.goto(f"{server}/console/cases/{number}")
    officer.click("text=Obligors' reports and obligees' inquiries")
    assert "截水沟何时完工？" in officer.inner_text("main")
    officer.fill("textarea[name=answer]", "义务承担方报告：截水沟已完成一半，预计11月底完工。")
    officer.click("text=Send the answer")
    officer.wait_for_url(f"{server}/console/cases/{number}/inquiries")
    assert "The answer is recorded" in officer.inner_text("main")
    no_serious_accessibility_violation(officer)
    shot(officer, "obligations-console-en")

    # The answer shows on the obligee's page, in both languages.
    obligee.goto(page)
    main = obligee.inner_text("main")
    assert "秘书处于2025年9月29日答复" in main and "截水沟已完成一半" in main
    shot(obligee, "obligations-answered-zh")
    in_english = _party(browser, server, OBLIGEE, "en")
    in_english.goto(page)
    assert "The secretariat answered on 29 September 2025" in in_english.inner_text("main")
    shot(in_english, "obligations-answered-en")
