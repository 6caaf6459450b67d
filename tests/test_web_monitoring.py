"""Monitors in the browser (issue 12, "Monitors"): a monitor enrols with a signing passphrase, appends
an update with evidence files to the demo's closure report — the secretariat's, the public's and the
applicant's — and each appended revision is checked by pyHanko trusting only the mechanism's CA and by
poppler's pdfsig. The refusals (wrong passphrase, a date in the future or before the closure report, an
obligation of another case, a monitor outside its cases) change nothing. The newest revision is what the
public register and the party portal offer next; the officer's reports and inquiries page lists each
update with its evidence files; the monitor's page shows what falls due, by the dashboard's own rule;
when the slots run out a continuation report takes the update.

The tests of this module run in order on one record (module fixture)."""
from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from browser_support import demo_settings
from cases.accounts import Account, Role
from cases.confidentiality.audiences import Audience
from cases.lifecycle import DocumentKind
from cases.models import AuditEvent, MonitoringUpdate, SignedDocument
from cases.monitoring_evidence import MonitoringEvidence
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import issuing
from casedocs.services.register_documents import public_documents
from docgen.locale import Edition
from docgen.service import Request
from signing import PKI
from signing.offline import Verdict, verify_offline
from test_pdfsig import TRUSTED, VALID, nss_database, pdfsig
from web_support import PASSWORD, add_account, csrf_of, log_in, web_app

pytestmark = pytest.mark.slow
SECRET = "secretariat passphrase for monitoring tests"
NUMBER, OTHER = "MVC-2025-0002", "MVC-2025-0001"
TODAY = date(2026, 11, 25)
MONITOR, STRANGER = "li.na@mechanism.example", "other.monitor@mechanism.example"
OFFICER = "officer@mechanism.example"
APPLICANT = "ilunga@example.org"
PASSPHRASE = "quarry heron lantern 8813 saffron"
AGENT = "张伟 (Zhang Wei)"  # the respondent's agent: a natural person the public is never told of


@dataclass
class World:
    settings: Settings
    app: Flask
    reports: dict[Audience, int]  # the closure report's document id per audience
    obligations: list[int]
    other_obligation: int
    officer_totp: str


@dataclass(frozen=True)
class Record:
    updates: int
    evidence: int
    revisions: tuple[tuple[int, str], ...]
    appends: int


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _record(world: World) -> Record:
    """What a refused update must leave alone."""
    with App(world.settings) as core, core.db.session() as session:
        documents = session.scalars(select(SignedDocument).where(SignedDocument.kind == DocumentKind.CLOSURE_REPORT)
                                    .order_by(SignedDocument.id)).all()
        return Record(session.scalar(select(func.count(MonitoringUpdate.id))) or 0,
                      session.scalar(select(func.count(MonitoringEvidence.id))) or 0,
                      tuple((d.revision, d.latest_sha256) for d in documents),
                      len(session.scalars(select(AuditEvent.id).where(
                          AuditEvent.action == "append_monitoring_update")).all()))


def _client(world: World, email: str) -> FlaskClient:
    client = world.app.test_client()
    assert log_in(client, email).status_code == 302
    return client


def _form(client: FlaskClient, page: str) -> tuple[str, str]:
    html = client.get(page).get_data(as_text=True)
    key = re.search(r'name="submission" value="([^"]+)"', html)
    assert key, html[:3000]
    return csrf_of(html), key.group(1)


def _update(world: World, client: FlaskClient, obligation: int, *, text: str = "Trench complete; S1-S4 sampled.",
            on: str = "2026-11-20", passphrase: str = PASSPHRASE, status: str = "in_progress",
            files: list[tuple[str, bytes]] | None = None, key: str | None = None) -> tuple[int, str]:
    page = f"/portal/cases/{NUMBER}/monitoring/{obligation}/update"
    token, fresh = _form(client, page)
    data: dict[str, object] = {"csrf_token": token, "submission": key or fresh, "status": status, "text": text,
                               "on": on, "passphrase": passphrase,
                               "evidence": [(BytesIO(content), name) for name, content in files or []]}
    response = client.post(page, data=data, content_type="multipart/form-data", follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("web-monitoring")
    PKI.create(tmp / "data" / "pki", SECRET, kdf_iterations=2_000)  # the tests are not about key stretching
    settings = demo_settings(tmp, SECRET, TODAY, converter_processes=1, monitoring_slots=3)
    add_account(settings, MONITOR, Role.MONITOR, case=NUMBER)
    add_account(settings, STRANGER, Role.MONITOR, case=OTHER)
    add_account(settings, APPLICANT, Role.PARTY, case=NUMBER, side=SideRole.APPLICANT)
    officer_totp = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert officer_totp is not None
    with App(settings, today=lambda: TODAY) as core:
        desk = core.desk(SECRET)
        reports = {}
        for audience in (Audience.SECRETARIAT, Audience.PUBLIC, Audience.APPLICANT):
            with core.documents() as (proc, docs):
                reports[audience] = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER),
                                                  Request("closure_report", Edition.ZH, audience=audience)).id
        with core.procedure() as proc:
            case = proc.get_case(NUMBER)
            obligations = [o.id for o in case.agreement.obligations] if case.agreement else []
            other = proc.get_case(OTHER)
            other_obligation = other.agreement.obligations[0].id if other.agreement else 10_000
    with web_app(settings, today=lambda: TODAY) as app:
        yield World(settings, app, reports, obligations, other_obligation, officer_totp)


def test_a_monitor_enrols_with_a_passphrase_that_is_neither_common_nor_its_login_password(world: World) -> None:
    client = _client(world, MONITOR)
    page = client.get(f"/portal/cases/{NUMBER}/monitoring", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Enrol to sign your updates" in page and "Append an update" not in page
    enrol = f"/portal/cases/{NUMBER}/monitoring/enrol"
    for weak, said in (("password1234", "too common"), ("short one", "at least 12"), (PASSWORD, "login password")):
        token = csrf_of(client.get(enrol).get_data(as_text=True))
        response = client.post(enrol, data={"csrf_token": token, "name": "Li Na", "passphrase": weak,
                                            "passphrase_again": weak}, headers={"Accept-Language": "en"})
        assert response.status_code == 422 and said in response.get_data(as_text=True), weak
    token = csrf_of(client.get(enrol).get_data(as_text=True))
    response = client.post(enrol, data={"csrf_token": token, "name": "Li Na", "passphrase": PASSPHRASE,
                                        "passphrase_again": PASSPHRASE}, follow_redirects=True)
    assert "You are enrolled" in response.get_data(as_text=True)
    with App(world.settings) as core, core.db.session() as session:
        person = session.scalars(select(Account.person_id).where(Account.email == MONITOR)).one()
        assert person is not None and person.startswith("MONITOR-")
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrol_in_browser")).all()
        assert events and PASSPHRASE not in str([e.detail for e in events])


def test_the_monitors_page_shows_what_falls_due_by_the_dashboards_rule(world: World) -> None:
    from casedocs.services.console import monitoring_due

    client = _client(world, MONITOR)
    page = client.get(f"/portal/cases/{NUMBER}/monitoring", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with App(world.settings, today=lambda: TODAY) as core, core.db.session() as session:
        due = [d for d in monitoring_due(session, core.calendar, TODAY) if d.case_number == NUMBER]
    assert due, "the demo case has monitoring due on 2026-11-25"
    section = page.split('id="due-h"', 1)[1].split("</section>", 1)[0]
    for item in due:
        assert f"Obligation {item.obligation_id}" in section
    assert f"/portal/cases/{NUMBER}/monitoring/{world.obligations[0]}/update" in page


def test_refused_updates_change_nothing_and_say_what_is_allowed(world: World) -> None:
    client = _client(world, MONITOR)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = _record(world)
    status, html = _update(world, client, world.obligations[0], passphrase="not my passphrase at all")
    assert status == 422 and "Wrong passphrase: nothing was signed" in html
    status, html = _update(world, client, world.obligations[0], on="2026-12-01")
    assert status == 422 and "in the future" in html
    status, html = _update(world, client, world.obligations[0], on="2026-01-05")
    assert status == 422 and "before 2026-03-20" in html
    status, html = _update(world, client, world.obligations[0], text="   ")
    assert status == 422 and "names its monitor and its findings" in html
    status, html = _update(world, client, world.obligations[0], files=[("fake.pdf", b"not a pdf at all")])
    assert status == 422 and "not a valid .pdf" in html
    page = f"/portal/cases/{NUMBER}/monitoring/{world.other_obligation}/update"  # another case's obligation
    assert client.get(page).status_code == 404
    assert client.post(page, data={"csrf_token": csrf_of(client.get(f"/portal/cases/{NUMBER}/monitoring")
                                                         .get_data(as_text=True))}).status_code == 404
    assert _record(world) == before


def test_a_monitor_outside_the_case_reaches_nothing_of_it(world: World) -> None:
    client = _client(world, STRANGER)
    before = _record(world)
    for page in (f"/portal/cases/{NUMBER}/monitoring", f"/portal/cases/{NUMBER}/monitoring/enrol",
                 f"/portal/cases/{NUMBER}/monitoring/{world.obligations[0]}/update"):
        assert client.get(page).status_code == 404, page
    token = csrf_of(client.get(f"/portal/cases/{OTHER}/monitoring").get_data(as_text=True))
    response = client.post(f"/portal/cases/{NUMBER}/monitoring/{world.obligations[0]}/update",
                           data={"csrf_token": token, "status": "fulfilled", "text": "x", "on": "2026-11-20",
                                 "passphrase": PASSPHRASE})
    assert response.status_code == 404
    assert _record(world) == before


def test_an_update_with_evidence_is_signed_into_the_secretariats_and_the_publics_report(
        world: World, tmp_path: Path) -> None:
    client = _client(world, MONITOR)
    before = _record(world)
    evidence = [("../../etc/passwd.txt", "S1-S4 sampled 2026-11-18: cobalt 0.02 mg/L.".encode()),
                ("C:\\reports\\inspection.pdf", b"%PDF-1.7 inspection report\n%%EOF")]
    text = f"Trench complete; S1-S4 within WHO guidance. Met {AGENT} on site."
    status, html = _update(world, client, world.obligations[0], text=text, files=evidence)
    assert status == 200 and "signed into the closure report" in html, html[:3000]
    after = _record(world)
    assert (after.updates, after.evidence, after.appends) == (before.updates + 1, before.evidence + 2,
                                                              before.appends + 3)
    with App(world.settings) as core, core.db.session() as session:
        names = sorted(session.scalars(select(MonitoringEvidence.original_name)))
        assert "passwd.txt" in names and all("/" not in n and "\\" not in n and n.endswith((".pdf", ".txt"))
                                             for n in names), names
        for row in session.scalars(select(MonitoringEvidence)):
            assert core.store.get(row.sha256)  # stored under its sha256, nowhere the name points
        public = public_documents(session, NUMBER)
        report = next(d for d in public if d.instrument == "closure_report")
        assert report.revision == 2  # the register offers the revision with the update
        pdfs = {a: core.store.get(session.get(SignedDocument, d).latest_sha256)  # type: ignore[union-attr]
                for a, d in world.reports.items()}
    assert report.sha256 == hashlib.sha256(pdfs[Audience.PUBLIC]).hexdigest()
    assert "Met 张伟" in re.sub(r"\s+", " ", pdf_text(pdfs[Audience.SECRETARIAT], tmp_path))  # as written
    assert "张伟" not in re.sub(r"\s+", " ", pdf_text(pdfs[Audience.PUBLIC], tmp_path))  # withheld from the public
    root = PKI.open(world.settings.data_dir / "pki", SECRET).root_cert.public_bytes(Encoding.PEM)
    nss = nss_database(tmp_path / "nss", root)
    for audience, pdf in pdfs.items():
        assert verify_offline(pdf, [root]).verdict is Verdict.VALID, audience
        path = tmp_path / f"{audience}.pdf"
        path.write_bytes(pdf)
        entries = [e for e in pdfsig(path, nss) if e.signature is not None]
        assert sorted(e.field for e in entries) == ["monitor-01", "seal-secretariat"], entries
        for entry in entries:
            assert (entry.signature, entry.certificate) == (VALID, TRUSTED), entry


def test_the_monitor_downloads_the_latest_updates_evidence_and_nobody_else_does(world: World) -> None:
    page = _client(world, MONITOR).get(f"/portal/cases/{NUMBER}/monitoring").get_data(as_text=True)
    links = re.findall(rf'/portal/cases/{NUMBER}/monitoring/evidence/(\d+)', page)
    assert len(links) == 2, page[:3000]
    download = _client(world, MONITOR).get(f"/portal/cases/{NUMBER}/monitoring/evidence/{links[0]}")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.data.startswith(b"S1-S4 sampled")
    assert _client(world, STRANGER).get(f"/portal/cases/{NUMBER}/monitoring/evidence/{links[0]}").status_code == 404
    assert _client(world, APPLICANT).get(f"/portal/cases/{NUMBER}/monitoring/evidence/{links[0]}").status_code \
        in (403, 404)
    assert _client(world, STRANGER).get(f"/portal/cases/{OTHER}/monitoring/evidence/{links[0]}").status_code == 404


def test_the_officer_downloads_each_updates_evidence_from_the_reports_and_inquiries_page(world: World) -> None:
    """第五章第2条: the secretariat follows the performance through its monitors and keeps what they find."""
    officer = world.app.test_client()
    assert log_in(officer, OFFICER, totp_secret=world.officer_totp).status_code == 302
    page = officer.get(f"/console/cases/{NUMBER}/inquiries", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Trench complete; S1-S4 within WHO guidance." in page and "passwd.txt" in page
    links = re.findall(rf'/console/cases/{NUMBER}/inquiries/monitoring-evidence/(\d+)', page)
    with App(world.settings) as core, core.db.session() as session:
        assert sorted(map(int, links)) == sorted(session.scalars(select(MonitoringEvidence.id)))
    download = officer.get(f"/console/cases/{NUMBER}/inquiries/monitoring-evidence/{links[0]}")
    assert download.status_code == 200 and download.data.startswith(b"S1-S4 sampled")
    assert "attachment" in download.headers["Content-Disposition"]
    assert officer.get(f"/console/cases/{OTHER}/inquiries/monitoring-evidence/{links[0]}").status_code == 404


def test_the_party_portal_offers_the_sides_report_with_the_update(world: World) -> None:
    client = _client(world, APPLICANT)
    page = client.get(f"/portal/cases/{NUMBER}").get_data(as_text=True)
    links = re.findall(rf'/portal/cases/{NUMBER}/files/(\d+)', page)
    assert links, page[:3000]
    opened = client.get(f"/portal/cases/{NUMBER}/files/{links[0]}")
    with App(world.settings) as core, core.db.session() as session:
        document = session.get(SignedDocument, world.reports[Audience.APPLICANT])
        assert document is not None and document.revision == 2
        assert opened.status_code == 200 and opened.data == core.store.get(document.latest_sha256)


def test_the_same_form_sent_twice_appends_once(world: World) -> None:
    client = _client(world, MONITOR)
    before = _record(world)
    key = "monitoring-form-sent-twice"
    assert _update(world, client, world.obligations[2], text="Quarterly meeting held.", key=key)[0] == 200
    # the passphrase is not part of the form's kept fingerprint: sent again with another, it is the same form
    status, html = _update(world, client, world.obligations[2], text="Quarterly meeting held.", key=key,
                           passphrase="another passphrase entirely")
    assert status == 200 and "not done a second time" in html
    assert _record(world).updates == before.updates + 1


def test_when_the_slots_run_out_the_next_update_goes_into_a_continuation_report(world: World) -> None:
    client = _client(world, MONITOR)
    for n in range(2):  # three slots: one used above, one by the form sent twice, then this fills the third
        status, html = _update(world, client, world.obligations[1], status="fulfilled", text=f"Round {n}.")
        assert status == 200, html[:3000]
    with App(world.settings) as core, core.db.session() as session:
        continuations = session.scalars(select(SignedDocument).where(
            SignedDocument.kind == DocumentKind.CLOSURE_REPORT, SignedDocument.continues_sha256.is_not(None))).all()
        assert {d.audience for d in continuations} == {Audience.SECRETARIAT, Audience.PUBLIC, Audience.APPLICANT}
        assert all(d.monitoring_used == 1 for d in continuations)


def test_an_evidence_files_name_never_keeps_a_folder_part() -> None:
    from casedocs.services.browser_monitoring import plain_name

    assert plain_name("../../etc/passwd") == "passwd"
    assert plain_name("C:\\reports\\inspection.pdf") == "inspection.pdf"
    assert plain_name("..hidden\x00.txt") == "hidden.txt"
    with pytest.raises(Exception, match="needs a name"):
        plain_name("../")
