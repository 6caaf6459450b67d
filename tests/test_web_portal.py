"""The party and monitor portals (issue 12) through Flask's test client: a party sees its side of
its case — what it must do and by when, the instruments sent to it as issued — and opening one sent
through the portal is its delivery; a monitor sees its obligations; neither reaches anything else: a
party asking for the other side's confidential exhibit and a monitor asking for anything of a case it
does not monitor are refused, and nothing is recorded (issue 12, "Refusals")."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.accounts import Role
from cases.confidentiality.audiences import Audience
from cases.documents import record_version
from cases.instruments import InstrumentId
from cases.lifecycle import VersionStatus
from cases.models import AuditEvent, Case, Delivery, DocumentVersion, Exhibit
from cases.store import BlobStore
from cases.vocabulary import Channel, SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from casedocs.services import accounts
from confidentiality_support import file_confidential_case
from factories import BASE_APPLICATION, exhibit, file_case
from web.access import CaseAccess, rule_for
from web_support import add_account, csrf_of, init_data, log_in, web_app, web_settings

TODAY = date(2026, 11, 25)
APPLICANT, RESPONDENT, MONITOR = "villager@example.org", "company@example.org", "monitor@example.org"
INVITED = "invited-company@example.org"
KEPT_BACK = "confidential-respondent@example.org"  # the respondent of the case with a confidential exhibit
STATEMENT = "witness statement MARKER-KEPT-BACK 证人陈述"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("portal"))
    init_data(settings)
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        run_demo_cases(proc)
    return settings


@pytest.fixture(scope="module")
def portal_case(settings: Settings) -> str:
    """A case accepted on 2026-11-24 with the acceptance decision sent to the applicant through the
    portal, and that decision issued for the applicant (and, apart, for the secretariat: issue 11)."""
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = file_case(proc, {**json.loads(json.dumps(BASE_APPLICATION)), "received_on": "2026-11-20"})
        proc.accept(case, date(2026, 11, 24), channel=Channel.PORTAL)
        record_version(proc.session, core.store, b"%PDF-1.7 the secretariat's acceptance decision", case_id=case.id,
                       instrument=InstrumentId.ACCEPTANCE_DECISION.value, subject=None, edition="zh", version=1,
                       verification_code="PORT-AL00", format="pdf", actor="test", status=VersionStatus.ISSUED)
        record_version(proc.session, core.store, b"%PDF-1.7 the acceptance decision", case_id=case.id,
                       instrument=InstrumentId.ACCEPTANCE_DECISION.value, subject=None, edition="zh", version=1,
                       verification_code="PORT-AL01", format="pdf", actor="test", status=VersionStatus.ISSUED,
                       audience=Audience.APPLICANT)
        return case.number


@pytest.fixture(scope="module")
def invited_case(settings: Settings) -> str:
    """A case whose invitation was sent to the respondent through the portal and issued, in zh and en, for
    the secretariat only (the respondent's rendering is issued by the test)."""
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = file_case(proc, {**json.loads(json.dumps(BASE_APPLICATION)), "received_on": "2026-11-16"})
        proc.accept(case, date(2026, 11, 18))
        proc.send_invitation(case, date(2026, 11, 19), channel=Channel.PORTAL)
        for edition in ("zh", "en"):
            _issue_invitation(proc.session, core.store, case.id, edition, Audience.SECRETARIAT)
        return case.number


def _issue_invitation(session: Session, store: BlobStore, case_id: int, edition: str, audience: Audience) -> int:
    row = record_version(session, store, f"%PDF-1.7 {edition} invitation for the {audience}".encode(),
                         case_id=case_id, instrument=InstrumentId.INVITATION.value, subject=None, edition=edition,
                         version=1, verification_code=f"INVI-{edition}-{audience}", format="pdf", actor="test",
                         status=VersionStatus.ISSUED, audience=audience)
    session.flush()
    return row.id


@pytest.fixture(scope="module")
def confidential_case(settings: Settings) -> str:
    """The applicant asked that its witness's statement (exhibit 1) be kept from the other side
    (第六章第2.2条; tests/confidentiality_support.py)."""
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        exhibits = [exhibit("Water sampling results"),
                    exhibit("Statement of the witness", name="witness-statement.txt", body=STATEMENT)]
        return file_confidential_case(proc, received_on="2026-11-20", exhibits=exhibits).number


@pytest.fixture(scope="module")
def app(settings: Settings, portal_case: str, invited_case: str, confidential_case: str) -> Iterator[Flask]:
    add_account(settings, KEPT_BACK, Role.PARTY, case=confidential_case, side=SideRole.RESPONDENT)
    add_account(settings, APPLICANT, Role.PARTY, case=portal_case, side=SideRole.APPLICANT)
    add_account(settings, RESPONDENT, Role.PARTY, case=portal_case, side=SideRole.RESPONDENT)
    add_account(settings, INVITED, Role.PARTY, case=invited_case, side=SideRole.RESPONDENT)
    add_account(settings, MONITOR, Role.MONITOR, case="MVC-2025-0002")
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _file_id(html: str, number: str) -> int:
    marker = f"/portal/cases/{number}/files/"
    assert marker in html, html[:2000]
    return int(html.split(marker, 1)[1].split('"', 1)[0])


def test_a_party_lands_on_its_cases_and_sees_its_side_of_the_case(app: Flask, portal_case: str) -> None:
    client = _client(app, APPLICANT)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert f"/portal/cases/{portal_case}" in home and "MVC-2025-0002" not in home
    page = client.get(f"/portal/cases/{portal_case}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You act for the Applicant" in page
    assert "Decision to Accept the Application" in page and "Opening it here is its delivery to you" in page


def test_opening_an_instrument_sent_through_the_portal_is_its_delivery(app: Flask, settings: Settings,
                                                                      portal_case: str) -> None:
    client = _client(app, APPLICANT)
    page = client.get(f"/portal/cases/{portal_case}").get_data(as_text=True)
    opened = client.get(f"/portal/cases/{portal_case}/files/{_file_id(page, portal_case)}")
    assert opened.status_code == 200 and opened.data == b"%PDF-1.7 the acceptance decision"
    assert opened.mimetype == "application/pdf"
    with App(settings) as core, core.procedure() as proc:
        case = proc.get_case(portal_case)
        [delivery] = [d for d in case.deliveries if d.instrument == "acceptance_decision"]
        assert delivery.delivered_on == TODAY
        [event] = proc.session.scalars(select(AuditEvent).where(AuditEvent.chain == portal_case,
                                                                AuditEvent.action == "record_delivery")).all()
        assert event.actor.startswith(f"{APPLICANT} (web ")
    again = client.get(f"/portal/cases/{portal_case}/files/{_file_id(page, portal_case)}")
    assert again.status_code == 200  # read again: no second delivery
    with App(settings) as core, core.db.session() as db:
        assert len(db.scalars(select(AuditEvent).where(AuditEvent.chain == portal_case,
                                                       AuditEvent.action == "record_delivery")).all()) == 1


def test_a_party_cannot_open_the_other_sides_instruments_nor_another_case_nor_the_console(
        app: Flask, settings: Settings, portal_case: str) -> None:
    applicant = _client(app, APPLICANT)
    file_id = _file_id(applicant.get(f"/portal/cases/{portal_case}").get_data(as_text=True), portal_case)
    respondent = _client(app, RESPONDENT)
    assert respondent.get(f"/portal/cases/{portal_case}/files/{file_id}").status_code == 404
    assert "Decision to Accept the Application" not in respondent.get(f"/portal/cases/{portal_case}").get_data(as_text=True)
    assert applicant.get("/portal/cases/MVC-2025-0002").status_code == 404
    assert applicant.get("/portal/cases/MVC-2099-0001").status_code == 404
    assert applicant.get(f"/console/cases/{portal_case}").status_code in (403, 404)
    assert applicant.get(f"/portal/cases/{portal_case}/monitoring").status_code in (403, 404)


def test_a_monitor_sees_the_obligations_of_its_case_and_nothing_else(app: Flask, portal_case: str) -> None:
    monitor = _client(app, MONITOR)
    page = monitor.get("/portal/cases/MVC-2025-0002/monitoring", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Repair the lining" in html and "Obligations under monitoring" in html
    assert monitor.get("/portal/cases/MVC-2025-0002").status_code in (403, 404)
    assert monitor.get(f"/portal/cases/{portal_case}/monitoring").status_code == 404


def test_the_respondent_opens_only_its_own_rendering_and_is_told_when_it_is_not_issued_yet(
        app: Flask, settings: Settings, invited_case: str) -> None:
    """Issue 11: a document delivered to a side is that side's rendering, never the secretariat's in its place."""
    respondent = _client(app, INVITED)
    url = f"/portal/cases/{invited_case}"
    with App(settings) as core, core.db.session() as session:
        secretariats = list(session.scalars(select(DocumentVersion.id).where(
            DocumentVersion.verification_code.like("INVI-%"), DocumentVersion.audience == Audience.SECRETARIAT)))
    assert len(secretariats) == 2
    page = respondent.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Invitation to Mediation and Consultation" in page and f"{url}/files/" not in page
    assert "Your side's version is not issued yet." in page
    assert all(respondent.get(f"{url}/files/{file_id}").status_code == 404 for file_id in secretariats)

    with App(settings) as core, core.procedure() as proc:
        case_id = proc.get_case(invited_case).id
        own = _issue_invitation(proc.session, core.store, case_id, "en", Audience.RESPONDENT)
    page = respondent.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert [int(part.split('"', 1)[0]) for part in page.split(f"{url}/files/")[1:]] == [own]
    assert "Your side's version is not issued yet." not in page
    opened = respondent.get(f"{url}/files/{own}")
    assert opened.status_code == 200 and opened.data == b"%PDF-1.7 en invitation for the respondent"
    assert all(respondent.get(f"{url}/files/{file_id}").status_code == 404 for file_id in secretariats)


def _recorded(settings: Settings) -> tuple[int, int]:
    """What a refused request must leave alone: every audit event of every chain, every delivery."""
    with App(settings) as core, core.db.session() as session:
        return (session.scalar(select(func.count(AuditEvent.id))) or 0,
                session.scalar(select(func.count(Delivery.id))) or 0)


def test_a_party_asking_for_the_other_sides_confidential_exhibit_is_refused_and_nothing_is_recorded(
        app: Flask, settings: Settings, confidential_case: str) -> None:
    """第六章第2.2条: the applicant's request keeps its witness's statement from the respondent. An
    exhibit is served only to the secretariat, on the console; the respondent is refused there and
    wherever else it might ask, told nothing of the file, and the refusal records nothing."""
    with App(settings) as core, core.procedure() as proc:
        case = proc.get_case(confidential_case)
        (kept,) = [e for e in proc.session.scalars(select(Exhibit).where(Exhibit.case_id == case.id))
                   if e.original_name == "witness-statement.txt"]
        kept_id = kept.id
    respondent = _client(app, KEPT_BACK)
    before = _recorded(settings)
    answers = {url: respondent.get(url) for url in (
        f"/console/cases/{confidential_case}/exhibits/{kept_id}",
        f"/console/cases/{confidential_case}/exhibits/{kept_id}?download=1",
        f"/portal/cases/{confidential_case}/files/{kept_id}",
        f"/portal/cases/{confidential_case}/obligations/evidence/{kept_id}")}
    assert answers[f"/console/cases/{confidential_case}/exhibits/{kept_id}"].status_code == 403  # staff only
    for url, answer in answers.items():
        assert answer.status_code in (403, 404), url
        body = answer.get_data(as_text=True)
        assert "MARKER-KEPT-BACK" not in body and "witness-statement" not in body, url
        assert "witness-statement" not in answer.headers.get("Content-Disposition", ""), url
    page = respondent.get(f"/portal/cases/{confidential_case}").get_data(as_text=True)
    assert page and "witness-statement" not in page and "Statement of the witness" not in page
    assert _recorded(settings) == before


def _build(app: Flask, endpoint: str, arguments: set[str], number: str) -> str:
    """A URL of the endpoint for the case `number`: every other argument a plausible id (the rule is
    checked on the case before the view looks at anything else)."""
    values: dict[str, object] = {name: 1 for name in arguments}
    values.update({"number": number, "act_name": "raise_objection", "sha256": "0" * 64})
    with app.test_request_context():
        return app.url_map.bind("localhost").build(endpoint, values)


def test_a_monitor_asking_for_anything_of_a_case_outside_its_own_is_refused_and_nothing_is_recorded(
        app: Flask, settings: Settings, portal_case: str) -> None:
    """A monitor acts for the secretariat on the cases it monitors only (第五章第2条). Every route about
    one case, page, download, form and API call alike, asked for a case it does not monitor — and for
    its own case's areas other than monitoring — answers as if the case did not exist (404), or 403
    where the route is not open to monitors at all; nothing is recorded."""
    monitor = _client(app, MONITOR)
    token = csrf_of(monitor.get("/portal/cases/MVC-2025-0002/monitoring").get_data(as_text=True))
    with App(settings) as core, core.procedure() as proc:
        bearer = accounts.issue_token(proc.session, accounts.get_account(proc.session, MONITOR), actor="test")
    before = _recorded(settings)
    asked = 0
    for rule in app.url_map.iter_rules():
        access = rule_for(app, rule.endpoint)
        if not isinstance(access, CaseAccess):
            continue
        for number in (portal_case, "MVC-2025-0001"):
            url = _build(app, rule.endpoint, set(rule.arguments), number)
            headers = {"Authorization": f"Bearer {bearer}"} if url.startswith("/api/") else {}
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                answer = monitor.open(url, method=method, headers=headers,
                                      data={"csrf_token": token} if method == "POST" else None)
                expected = {404} if Role.MONITOR in access.roles else {403}
                assert answer.status_code in expected, (method, url, answer.status_code)
                asked += 1
    assert asked > 40  # the walk reached the portal's, the console's and the API's case routes
    own = ("/portal/cases/MVC-2025-0002", "/portal/cases/MVC-2025-0002/obligations",
           "/portal/cases/MVC-2025-0002/signing", "/portal/cases/MVC-2025-0002/files/1")
    for url in own:  # its own case, outside the monitoring area
        assert monitor.get(url).status_code in (403, 404), url
    assert _recorded(settings) == before
