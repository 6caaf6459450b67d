"""Obligations on the web (issue 12; 第五章) through Flask's test client: the obligor reports with an
evidence file, the obligee asks, the officer answers and the answer shows on the obligee's page; the
wrong side, a monitor and a bad file name are refused, and nothing is recorded for them. The case's
monitor, acting for the secretariat (第五章第2条), reads the obligor's reports and downloads their
evidence on its monitoring page — a monitor of another case does not — and the officer's page lists
the monitors' updates with their evidence files."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from cases.accounts import Role
from cases.monitoring_evidence import MonitoringEvidence
from cases.obligation_reports import ObligationReport
from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms
from cases.vocabulary import ObligationStatus, Path, SideRole, TerminationGround
from casedocs.app import App
from casedocs.config import Settings
from factories import file_case, to_path
from web_support import add_account, csrf_of, init_data, log_in, web_app, web_settings

TODAY = date(2025, 9, 29)
A, R = SideRole.APPLICANT, SideRole.RESPONDENT
OBLIGEE, OBLIGOR, MONITOR, OFFICER = ("village@example.org", "mine@example.org", "monitor@example.org",
                                      "officer@example.org")
STRANGER = "other-case-monitor@example.org"  # monitors another case only
PDF = b"%PDF-1.7\n% lining inspection\n"
EN = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("obligations"))
    init_data(settings)
    return settings


@pytest.fixture(scope="module")
def case(settings: Settings) -> tuple[str, int]:
    """A monitored case whose first obligation the respondent owes the applicant: (number, obligation id)."""
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = to_path(proc, file_case(proc), Path.INTERNAL_MEDIATION)
        proc.draft_agreement(case, AgreementTerms(
            "points", "stakeholders", "OECD DDG Annex II", "consensus",
            [ObligationTerms(R, A, "Repair the tailings lining", date(2025, 12, 31), "Inspection report")],
            "quarterly reports", "publish summary", "monthly committee"), date(2025, 6, 2))
        proc.sign_agreement(case, date(2025, 6, 10))
        proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "Signed", date(2025, 6, 11))
        proc.issue_closure_report(case, ClosureTerms("points", "course", "facts", "recs"), date(2025, 6, 20))
        assert case.agreement is not None
        return case.number, case.agreement.obligations[0].id


@pytest.fixture(scope="module")
def officer_secret(settings: Settings) -> str:
    secret = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert secret is not None
    return secret


@pytest.fixture(scope="module")
def other_case(settings: Settings) -> str:
    """Another case, filed only: the one STRANGER monitors."""
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        return file_case(proc).number


@pytest.fixture(scope="module")
def app(settings: Settings, case: tuple[str, int], other_case: str, officer_secret: str) -> Iterator[Flask]:
    number = case[0]
    add_account(settings, OBLIGEE, Role.PARTY, case=number, side=A)
    add_account(settings, OBLIGOR, Role.PARTY, case=number, side=R)
    add_account(settings, MONITOR, Role.MONITOR, case=number)
    add_account(settings, STRANGER, Role.MONITOR, case=other_case)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


_SIGNED_IN: dict[tuple[int, str], FlaskClient] = {}


def _client(app: Flask, email: str, secret: str | None = None) -> FlaskClient:
    """A signed-in client; the officer's is signed in once per app, as a TOTP code is taken once only
    (a second sign-in within the same 30 seconds would be refused as a replay)."""
    if secret is not None and (id(app), email) in _SIGNED_IN:
        return _SIGNED_IN[id(app), email]
    client = app.test_client()
    assert log_in(client, email, totp_secret=secret).status_code == 302
    if secret is not None:
        _SIGNED_IN[id(app), email] = client
    return client


def _form(client: FlaskClient, page: str, action: str, data: dict[str, object]) -> object:
    """Post the form whose action is `action` as the browser does: CSRF token and submission key of the page."""
    html = client.get(page, headers=EN).get_data(as_text=True)
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    key = re.search(r'name="submission" value="([^"]+)"', form)
    assert key is not None
    return client.post(action, data={**data, "csrf_token": csrf_of(html), "submission": key.group(1)},
                       headers=EN, content_type="multipart/form-data")


def _reports(settings: Settings) -> list[ObligationReport]:
    with App(settings) as core, core.db.session() as session:
        return list(session.scalars(select(ObligationReport)))


def test_the_obligor_reports_with_an_evidence_file_and_the_obligee_sees_and_downloads_it(
        app: Flask, settings: Settings, case: tuple[str, int]) -> None:
    number, obligation = case
    page = f"/portal/cases/{number}/obligations"
    client = _client(app, OBLIGOR)
    sent = _form(client, page, f"{page}/{obligation}/report", {
        "steps": "Liner welded on cells 1-2", "results": "Seepage below 1 L/min", "circumstances": "",
        "evidence": (io.BytesIO(PDF), "inspection.pdf")})
    assert sent.status_code == 303  # type: ignore[attr-defined]
    obligee = _client(app, OBLIGEE)
    html = obligee.get(page, headers=EN).get_data(as_text=True)
    assert "Liner welded on cells 1-2" in html and "inspection.pdf" in html
    link = re.search(rf'href="(/portal/cases/{number}/obligations/evidence/\d+)"', html)
    assert link is not None
    download = obligee.get(link.group(1))
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    # The obligee has no report form: it asks instead.
    assert f"{page}/{obligation}/report" not in html and f"{page}/{obligation}/inquiry" in html


def test_an_obligees_inquiry_gets_a_due_date_the_officer_answers_and_the_answer_shows_on_its_page(
        app: Flask, case: tuple[str, int], officer_secret: str) -> None:
    number, obligation = case
    page = f"/portal/cases/{number}/obligations"
    obligee = _client(app, OBLIGEE)
    asked = _form(obligee, page, f"{page}/{obligation}/inquiry", {"question": "Is the trench <b>dug</b>?"})
    assert asked.status_code == 303  # type: ignore[attr-defined]
    html = obligee.get(page, headers=EN).get_data(as_text=True)
    # 10 working days from 29 September 2025, across the National Day holidays.
    assert "The secretariat answers by 20 October 2025." in html
    assert "Is the trench &lt;b&gt;dug&lt;/b&gt;?" in html  # party text autoescaped
    officer = _client(app, OFFICER, officer_secret)
    board = officer.get("/console/", headers=EN).get_data(as_text=True)
    # Due beyond the dashboard's five working days: listed under monitoring due (in its deadlines once near).
    assert "The obligee asked about progress" in board
    console_page = f"/console/cases/{number}/inquiries"
    listed = officer.get(console_page, headers=EN).get_data(as_text=True)
    inquiry = re.search(rf'action="(/console/cases/{number}/inquiries/\d+/answer)"', listed)
    assert inquiry is not None and "Is the trench &lt;b&gt;dug&lt;/b&gt;?" in listed
    answered = _form(officer, console_page, inquiry.group(1), {"answer": "Half of it is dug."})
    assert answered.status_code == 303  # type: ignore[attr-defined]
    html = obligee.get(page, headers=EN).get_data(as_text=True)
    assert "The secretariat answered on" in html and "Half of it is dug." in html
    # The obligor is asked by the secretariat; it is not shown the inquiry.
    assert "trench" not in _client(app, OBLIGOR).get(page, headers=EN).get_data(as_text=True)


def test_the_obligee_cannot_report_and_the_obligor_cannot_ask_and_each_is_told_why(
        app: Flask, settings: Settings, case: tuple[str, int]) -> None:
    number, obligation = case
    page = f"/portal/cases/{number}/obligations"
    before = len(_reports(settings))
    obligee, obligor = _client(app, OBLIGEE), _client(app, OBLIGOR)
    html = obligee.get(page).get_data(as_text=True)
    refused = obligee.post(f"{page}/{obligation}/report", data={
        "steps": "x", "results": "y", "csrf_token": csrf_of(html)}, headers=EN)
    assert refused.status_code == 422
    assert "only the obligor of obligation" in refused.get_data(as_text=True)
    html = obligor.get(page).get_data(as_text=True)
    refused = obligor.post(f"{page}/{obligation}/inquiry", data={"question": "?", "csrf_token": csrf_of(html)},
                           headers=EN)
    assert refused.status_code == 422 and "only the obligee of obligation" in refused.get_data(as_text=True)
    assert len(_reports(settings)) == before


def test_a_monitor_reaches_neither_a_partys_obligations_nor_its_forms(app: Flask, case: tuple[str, int]) -> None:
    number, obligation = case
    monitor = _client(app, MONITOR)
    assert monitor.get(f"/portal/cases/{number}/obligations").status_code in (403, 404)
    assert monitor.post(f"/portal/cases/{number}/obligations/{obligation}/inquiry",
                        data={"question": "?"}).status_code in (400, 403, 404)
    assert monitor.get(f"/console/cases/{number}/inquiries").status_code in (403, 404)


@pytest.mark.parametrize("name", ["../../etc/inspection.pdf", "photos/site.pdf", ".profile"])
def test_an_evidence_file_named_with_a_folder_is_refused_and_nothing_is_recorded(
        app: Flask, settings: Settings, case: tuple[str, int], name: str) -> None:
    number, obligation = case
    page = f"/portal/cases/{number}/obligations"
    before = len(_reports(settings))
    refused = _form(_client(app, OBLIGOR), page, f"{page}/{obligation}/report", {
        "steps": "Liner welded", "results": "ok", "evidence": (io.BytesIO(PDF), name)})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    text = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "is refused" in text and "Nothing was recorded" in text
    assert "Liner welded" in text  # the form as it was sent
    assert len(_reports(settings)) == before


def test_a_report_form_sent_twice_is_recorded_once(app: Flask, settings: Settings, case: tuple[str, int]) -> None:
    number, obligation = case
    page = f"/portal/cases/{number}/obligations"
    client = _client(app, OBLIGOR)
    html = client.get(page).get_data(as_text=True)
    data = {"steps": "Trench dug halfway", "results": "Half", "csrf_token": csrf_of(html),
            "submission": "same-key-twice-0123456"}
    before = len(_reports(settings))
    first = client.post(f"{page}/{obligation}/report", data=data)
    second = client.post(f"{page}/{obligation}/report", data=data)
    assert first.status_code == 303 and second.status_code in (302, 303)
    assert len(_reports(settings)) == before + 1


def _report_evidence_links(html: str, number: str) -> list[str]:
    return re.findall(rf'href="(/portal/cases/{number}/monitoring/reports/evidence/\d+)"', html)


def test_the_cases_monitor_reads_the_obligors_reports_and_downloads_their_evidence_and_nobody_else_does(
        app: Flask, settings: Settings, case: tuple[str, int], other_case: str) -> None:
    """第五章第1条: a report goes to the obligee and the secretariat; the monitor follows it for the
    secretariat (第五章第2条), on its own cases only. Refused readers record nothing."""
    number, _obligation = case
    html = _client(app, MONITOR).get(f"/portal/cases/{number}/monitoring", headers=EN).get_data(as_text=True)
    assert "Progress reports by the obligor" in html and "Liner welded on cells 1-2" in html
    assert "Seepage below 1 L/min" in html and "inspection.pdf" in html
    links = _report_evidence_links(html, number)
    assert links, html[:3000]
    download = _client(app, MONITOR).get(links[0])
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    file_id = links[0].rsplit("/", 1)[1]
    before = len(_reports(settings))
    stranger = _client(app, STRANGER)
    assert stranger.get(f"/portal/cases/{number}/monitoring").status_code == 404
    assert stranger.get(links[0]).status_code == 404
    # its own case's number, this case's file
    assert stranger.get(f"/portal/cases/{other_case}/monitoring/reports/evidence/{file_id}").status_code == 404
    assert _client(app, OBLIGEE).get(links[0]).status_code == 403  # the sides use their own page's link
    assert len(_reports(settings)) == before


def test_the_officers_page_lists_the_monitors_updates_with_their_evidence_files(
        app: Flask, settings: Settings, case: tuple[str, int], officer_secret: str) -> None:
    """第五章第2条: the secretariat follows the performance through its monitors and keeps what they find.
    (The update is recorded here as the engine records it; tests/test_web_monitoring.py signs one with
    real evidence in the browser's form.)"""
    number, obligation = case
    sampled = b"S1-S4 sampled 2025-09-20: cobalt 0.02 mg/L."
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        update = proc.record_monitoring_update(proc.get_case(number), obligation, "Monitoring officer Li Na",
                                               ObligationStatus.IN_PROGRESS, "Trench <dug>; S1-S4 sampled.",
                                               date(2025, 9, 20))
        proc.session.flush()
        stored = core.store.put_upload("samples.txt", sampled)
        proc.session.add(MonitoringEvidence(update_id=update.id, original_name=stored.original_name,
                                            media_type=stored.media_type, sha256=stored.sha256, size=stored.size))
    officer = _client(app, OFFICER, officer_secret)
    html = officer.get(f"/console/cases/{number}/inquiries", headers=EN).get_data(as_text=True)
    assert "Monitoring updates" in html and "by Monitoring officer Li Na" in html
    assert "Trench &lt;dug&gt;; S1-S4 sampled." in html  # autoescaped
    link = re.search(rf'href="(/console/cases/{number}/inquiries/monitoring-evidence/\d+)"', html)
    assert link is not None and "samples.txt" in html
    download = officer.get(link.group(1))
    assert download.status_code == 200 and download.data == sampled
    assert "attachment" in download.headers["Content-Disposition"]
    zh = officer.get(f"/console/cases/{number}/inquiries", headers={"Accept-Language": "zh-CN"})
    assert "监测更新" in zh.get_data(as_text=True)
    for reader in (_client(app, MONITOR), _client(app, OBLIGEE)):  # the console's route is the secretariat's
        assert reader.get(link.group(1)).status_code in (403, 404)
