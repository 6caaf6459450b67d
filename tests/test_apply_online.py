"""Applying online (issue 12) through Flask's test client, with real forms and CSRF: the application
filed step by step creates a case whose record is what was typed (the agent with its power of
attorney, the exhibit), an anonymous one is refused in words and files nothing, a draft survives a
reload, and the case's first event names the web and the address."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from cases.models import AuditEvent, Case
from casedocs.app import App
from casedocs.config import Settings
from casedocs.jobs import execute
from web_support import PDF, applicant_fields, apply_file, apply_rest, apply_step, csrf_of, ready_settings, web_app

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return ready_settings(tmp_path_factory.mktemp("apply"))


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


def _cases(settings: Settings) -> int:
    with App(settings) as core, core.db.session() as db:
        return db.scalar(select(func.count()).select_from(Case)) or 0


def test_a_draft_survives_a_reload(app: Flask) -> None:
    client = app.test_client()
    assert apply_step(client, "applicant", applicant_fields("Kawama Village Committee")).status_code == 302
    again = client.get("/apply/applicant").get_data(as_text=True)
    assert 'value="Kawama Village Committee"' in again and "procuration.pdf" in again


def test_an_anonymous_application_is_refused_in_words_and_nothing_is_filed(app: Flask, settings: Settings) -> None:
    client = app.test_client()
    before = _cases(settings)
    assert apply_step(client, "applicant", applicant_fields("anonymous")).status_code == 302
    apply_rest(client)
    refused = apply_file(client)
    assert refused.status_code == 422
    assert "anonymous applications are not accepted" in refused.get_data(as_text=True)
    assert _cases(settings) == before


def test_the_application_filed_online_is_the_record_typed_with_a_receipt_and_its_pdf(
        app: Flask, settings: Settings) -> None:
    client = app.test_client()
    assert apply_step(client, "applicant", applicant_fields("Kawama Village Committee")).status_code == 302
    apply_rest(client)
    filed = apply_file(client)
    assert filed.status_code == 302 and filed.headers["Location"].endswith("/apply/receipt")
    receipt = client.get("/apply/receipt", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with App(settings) as core, core.procedure() as proc:
        [case] = [c for c in proc.all_cases() if c.title == "Seepage into the river"]
        assert case.number in receipt
        assert case.applicant.members[0].full_name == "Kawama Village Committee"
        assert case.applicant.members[0].contact == "+243 970 000 101"
        assert case.respondent.members[0].full_name == "华钴精炼有限公司"
        assert case.applicant.agents[0].name == "Me Mutombo"
        assert sorted(e.original_name for e in case.exhibits) == ["procuration.pdf", "samples.pdf"]
        assert case.claims[0].claim == "Independent testing" and case.received_on == TODAY
        [first] = proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == case.number)
                                       .order_by(AuditEvent.seq).limit(1)).all()
        assert first.action == "file_application" and first.actor.startswith("online application (web 127.0.0.1")
        number = case.number
    # Sent again (the back button): the draft is gone, nothing is filed twice.
    assert client.post("/apply/review", data={"csrf_token": csrf_of(receipt)}).status_code == 302
    with App(settings) as core, core.db.session() as db:
        assert db.scalar(select(func.count()).select_from(Case).where(Case.title == "Seepage into the river")) == 1
    with App(settings, today=lambda: TODAY) as core, core.db.session() as db:
        job_id = _job_of(db, number)
    with App(settings, today=lambda: TODAY) as core:
        assert execute(core, job_id, "test")
    pdf = client.get("/apply/receipt/application.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert app.test_client().get("/apply/receipt/application.pdf").status_code == 404  # another browser


def _job_of(db: Any, number: str) -> int:
    from cases.jobs import Job

    found: int = db.scalar(select(Job.id).where(Job.case_number == number))
    return found


def test_a_community_representative_applies_online_in_chinese_in_the_browser(tmp_path: Any) -> None:
    """Playwright with Debian's Chromium: each step in Chinese, a screenshot of each
    (var/screenshots/apply-<step>-zh.png), ending with the receipt and the application form's PDF."""
    from browser_support import chromium, need_chromium, served_in_thread, shot, switch_language

    need_chromium()
    settings = ready_settings(tmp_path)
    poa = tmp_path / "授权委托书.pdf"
    poa.write_bytes(PDF)
    samples = tmp_path / "水样检测结果.pdf"
    samples.write_bytes(PDF)
    with served_in_thread(settings, today=lambda: TODAY) as (url, _app), chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900}, locale="zh-CN")
        page.goto(url + "/apply")
        switch_language(page, "zh")
        shot(page, "apply-start-zh")
        page.click("main a.button--primary")
        page.select_option("#f-applicant-members-0-category", "community")
        page.fill("#f-applicant-members-0-full_name", "卡瓦马村村民委员会")
        page.fill("#f-applicant-members-0-address", "刚果（金）卢阿拉巴省科卢韦齐卡瓦马村")
        page.fill("#f-applicant-members-0-contact", "+243 970 000 101")
        page.click("button[name=_add_row][value='applicant.agents']")
        page.fill("#f-applicant-agents-0-name", "穆通博律师")
        page.fill("#f-applicant-agents-0-power_of_attorney-title", "授权委托书")
        page.set_input_files("#f-applicant-agents-0-power_of_attorney-upload", str(poa))
        shot(page, "apply-applicant-zh")
        page.click("main .form__actions button[value=next]")
        page.reload()  # the draft is kept
        page.select_option("#f-respondent-members-0-category", "company_refining")
        page.fill("#f-respondent-members-0-full_name", "华钴精炼有限公司")
        shot(page, "apply-respondent-zh")
        page.click("main .form__actions button[value=next]")
        page.fill("#f-title", "尾矿渗漏污染河流")
        page.fill("#f-region", "卢阿拉巴省")
        page.fill("#f-country", "刚果（金）")
        page.fill("#f-industry", "钴精炼")
        page.fill("#f-facts", "尾矿库渗漏物流入村庄饮用水源河流。")
        shot(page, "apply-dispute-zh")
        page.click("main .form__actions button[value=next]")
        page.fill("#f-exhibits-0-file-title", "水样检测结果")
        page.set_input_files("#f-exhibits-0-file-upload", str(samples))
        shot(page, "apply-exhibits-zh")
        page.click("main .form__actions button[value=next]")
        assert "申请尚不能提交" not in page.content(), page.inner_text("main")
        shot(page, "apply-review-zh")
        page.click("main form button.button--primary")
        page.wait_for_url("**/apply/receipt")
        for _ in range(60):
            if "下载申请表" in page.content():
                break
            page.wait_for_timeout(1000)
            page.reload()
        shot(page, "apply-receipt-zh")
        assert "案件编号" in page.inner_text("main") and "下载申请表" in page.content()
        with page.expect_download() as download:
            page.click("text=下载申请表（PDF）")
        pdf = tmp_path / "application.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        import shutil
        shutil.copy(pdf, "var/screenshots/apply-application-form-zh.pdf")
