"""The public case register (issue 13) through the Flask test client, on the demo's real record: which
cases it lists (those with a case summary issued for the public, and no other), its public documents for
download (the sealed public renderings of published instruments, and nothing else), its filters and search, the exports
(CSV, JSON, Atom, the API), the statistics, the audit checkpoints, and that no name of a person of a
case ever reaches a register page or export."""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from cases.documents import record_version
from cases.confidentiality.audiences import Audience
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import (Agent, Case, Claim, DocumentVersion, MonitoringUpdate, Obligation, Party, Representative,
                          RiskAssessment)
from cases.tracker import status as deadline_status
from cases.vocabulary import DeadlineStatus
from casedocs.app import App
from casedocs.checkpoints import Checkpoint, Checkpoints, checkpoint_dir
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from web_support import web_app, web_settings

TODAY = date(2026, 11, 25)
SAMPLE, REJECTED, REFUSED = "MVC-2025-0002", "MVC-2025-0001", "MVC-2025-0003"
MARKER = "Zyxmarkerova"
LANGUAGES = {"zh": "zh-CN,zh;q=0.9", "zh-Hant": "zh-TW,zh;q=0.9", "en": "en-GB,en;q=0.9"}
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_CODE, SECRETARIAT_CODE, UNPUBLISHED_CODE = "PUBL-ICSU-MM", "SECR-ETAR-IA", "ACCE-PTPU-BL"


def _demo(tmp: Path) -> Settings:
    settings = web_settings(tmp)
    with App(settings, today=lambda: TODAY) as app:
        app.init()
        with app.procedure() as proc:
            run_demo_cases(proc)
    return settings


def _issue_summary(settings: Settings, number: str, status: VersionStatus = VersionStatus.ISSUED,
                   version: int = 1, audience: Audience = Audience.PUBLIC) -> None:
    """Record a version of the case's summary for `audience`, as the issuing desk does
    (cases.documents.record_version)."""
    with App(settings, today=lambda: TODAY) as app, app.procedure() as proc:
        case = proc.get_case(number)
        record_version(proc.session, app.store, f"%PDF case summary of {number}".encode(), case_id=case.id,
                       instrument="case_summary", subject=None, edition="zh", version=version,
                       verification_code=f"SUM{case.id}{version}{audience.value[:3]}", format="pdf",
                       actor="officer.test", status=status, audience=audience)


def _seal(settings: Settings, number: str, instrument: str, audience: Audience, code: str) -> bytes:
    """Record a sealed revision (revision 1, issued) of an instrument for `audience`: its bytes."""
    data = f"%PDF sealed {instrument} of {number} for the {audience.value}".encode()
    with App(settings, today=lambda: TODAY) as app, app.procedure() as proc:
        case = proc.get_case(number)
        record_version(proc.session, app.store, data, case_id=case.id, instrument=instrument, subject=None,
                       edition="en", version=1, verification_code=code, format="pdf", actor="officer.test",
                       revision=1, stage=VersionStage.SEALED, status=VersionStatus.ISSUED, audience=audience)
    return data


def _mark_every_person(settings: Settings) -> None:
    """Put MARKER on every name, address and contact of the sample case, and in its free texts."""
    with App(settings, today=lambda: TODAY) as app, app.db.session() as session:
        case = session.scalars(select(Case).where(Case.number == SAMPLE)).one()
        case.title = f"{case.title} {MARKER}"
        case.facts = f"{case.facts} {MARKER}"
        for side in case.sides:
            for party in side.members:
                party.full_name, party.address = f"{party.full_name} {MARKER}", f"{party.address} {MARKER}"
                party.contact, party.other_info = f"{MARKER}@example.org", MARKER
        for agent in session.scalars(select(Agent)):
            agent.name, agent.organisation, agent.contact = f"{agent.name} {MARKER}", MARKER, f"{MARKER}@law.example"
        for representative in session.scalars(select(Representative)):
            representative.name, representative.contact = f"{representative.name} {MARKER}", MARKER
        for claim in session.scalars(select(Claim).where(Claim.case_id == case.id)):
            claim.claim, claim.reasons = f"{claim.claim} {MARKER}", MARKER
        for risk in session.scalars(select(RiskAssessment)):
            risk.person = MARKER
        for obligation in session.scalars(select(Obligation)):
            obligation.description, obligation.indicators = f"{obligation.description} {MARKER}", MARKER
        for update in session.scalars(select(MonitoringUpdate)):
            update.monitor, update.text = MARKER, f"{update.text} {MARKER}"
        for request in case.confidentiality_requests:
            request.information = f"{request.information} {MARKER}"
        case.public_summary = f"{case.public_summary} {MARKER}"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = _demo(tmp_path_factory.mktemp("register"))
    _mark_every_person(settings)
    _issue_summary(settings, SAMPLE)
    _issue_summary(settings, REFUSED, VersionStatus.DRAFT)  # a draft publishes nothing
    # nor does the secretariat's rendering, issued: it is not what the public may read (issue 11)
    _issue_summary(settings, REFUSED, VersionStatus.ISSUED, version=2, audience=Audience.SECRETARIAT)
    _seal(settings, SAMPLE, "case_summary", Audience.PUBLIC, PUBLIC_CODE)
    _seal(settings, SAMPLE, "case_summary", Audience.SECRETARIAT, SECRETARIAT_CODE)
    _seal(settings, SAMPLE, "acceptance_decision", Audience.PUBLIC, UNPUBLISHED_CODE)
    return settings


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, today=lambda: TODAY) as flask_app:
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _get(client: FlaskClient, url: str, lang: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": LANGUAGES[lang]})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _listed(client: FlaskClient, query: str = "") -> list[str]:
    return [row["case"] for row in json.loads(_get(client, f"/register.json{query}"))["cases"]]


# -- what is on the register --------------------------------------------------------------------

def test_the_sample_case_appears_on_the_register_once_its_case_summary_is_issued_for_the_public_and_not_before(
        tmp_path: Path) -> None:
    settings = _demo(tmp_path)
    with web_app(settings, today=lambda: TODAY) as flask_app:
        client = flask_app.test_client()
        assert _listed(client) == [] and client.get(f"/register/{SAMPLE}").status_code == 404
        _issue_summary(settings, SAMPLE, VersionStatus.DRAFT)
        assert _listed(client) == [], "a draft rendering of the summary publishes nothing"
    _issue_summary(settings, SAMPLE, VersionStatus.ISSUED, version=3, audience=Audience.SECRETARIAT)
    with web_app(settings, today=lambda: TODAY) as flask_app:
        assert _listed(flask_app.test_client()) == [], "the secretariat's rendering, issued, publishes nothing"
    _issue_summary(settings, SAMPLE, VersionStatus.ISSUED, version=2)
    with web_app(settings, today=lambda: TODAY) as flask_app:
        client = flask_app.test_client()
        assert _listed(client) == [SAMPLE]
        assert SAMPLE in _get(client, "/register") and SAMPLE in _get(client, f"/register/{SAMPLE}")


def test_only_cases_with_an_issued_case_summary_are_listed_and_others_answer_404_like_no_case(
        client: FlaskClient) -> None:
    assert _listed(client) == [SAMPLE]
    for number in (REJECTED, REFUSED, "MVC-2099-9999"):
        response = client.get(f"/register/{number}")
        assert response.status_code == 404
    unlisted, missing = client.get(f"/register/{REFUSED}"), client.get("/register/MVC-2099-9999")
    # the same page but for the address the language switch returns to
    assert unlisted.get_data(as_text=True).replace(REFUSED, "N") == missing.get_data(as_text=True).replace("MVC-2099-9999", "N")


def test_the_case_page_shows_categories_stages_with_dates_and_monitoring_progress(client: FlaskClient) -> None:
    page = _get(client, f"/register/{SAMPLE}", "en")
    for shown in ("Community", "Company (refining)", "Company (mining)", "Lualaba Province (Kolwezi)",
                  "Cobalt mining and refining", "environment: water pollution", "External expert mediation",
                  "Agreement signed", "3 March 2025", "12 March 2025", "Fulfilled", "In progress", "20 October 2026"):
        assert shown in page, shown
    zh = _get(client, f"/register/{SAMPLE}", "zh")
    assert "方案实施监测" in zh and "社区" in zh and "2025年3月12日" in zh
    assert "方案實施監測" in _get(client, f"/register/{SAMPLE}", "zh-Hant")


def test_a_public_document_downloads_from_the_register_and_from_its_code_while_others_answer_404(
        client: FlaskClient, settings: Settings) -> None:
    with App(settings) as core, core.db.session() as session:
        ids = {code: file_id for code, file_id in session.execute(
            select(DocumentVersion.verification_code, DocumentVersion.id)
            .where(DocumentVersion.verification_code.in_([PUBLIC_CODE, SECRETARIAT_CODE, UNPUBLISHED_CODE])))}
        draft = session.scalars(select(DocumentVersion.id).where(DocumentVersion.status == VersionStatus.DRAFT)).first()
    page = _get(client, f"/register/{SAMPLE}", "en")
    link = f"/register/{SAMPLE}/files/{ids[PUBLIC_CODE]}"
    assert link in page and PUBLIC_CODE in page
    assert SECRETARIAT_CODE not in page and UNPUBLISHED_CODE not in page
    downloaded = client.get(link)
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert downloaded.data == b"%PDF sealed case_summary of MVC-2025-0002 for the public"
    assert "attachment" in downloaded.headers["Content-Disposition"]
    # the secretariat's sealed rendering, a public rendering of an instrument the procedure does not publish, a
    # draft, a file of another case, a file that does not exist: all answer alike
    for number, file_id in ((SAMPLE, ids[SECRETARIAT_CODE]), (SAMPLE, ids[UNPUBLISHED_CODE]), (SAMPLE, draft),
                            (REFUSED, ids[PUBLIC_CODE]), (SAMPLE, 999999)):
        assert client.get(f"/register/{number}/files/{file_id}").status_code == 404, (number, file_id)
    verified = _get(client, f"/verify/{PUBLIC_CODE}", "en")
    assert link in verified and "Download the public document" in verified
    for code in (SECRETARIAT_CODE, UNPUBLISHED_CODE):
        other = _get(client, f"/verify/{code}", "en")
        assert "/files/" not in other and "This document is not published" in other


# -- filters and search -------------------------------------------------------------------------

@pytest.mark.parametrize("query, found", [
    ("?stage=monitoring", True), ("?stage=closed", False),
    ("?path=external_mediation", True), ("?path=bilateral_dialogue", False),
    ("?outcome=agreement_signed", True), ("?outcome=ongoing", False),
    ("?year=2025", True), ("?year=2024", False),
    ("?party_category=community", True), ("?party_category=ngo", False),
    ("?region=Lualaba+Province+(Kolwezi)", True), ("?country=China", False),
    ("?industry=Cobalt+mining+and+refining", True), ("?issue_type=livelihoods:+crop+loss", True),
    ("?issue_type=child+labour", False), ("?stage=not-a-stage", True),
])
def test_each_filter_narrows_the_register(client: FlaskClient, query: str, found: bool) -> None:
    assert _listed(client, query) == ([SAMPLE] if found else [])


@pytest.mark.parametrize("term, found", [
    ("监测", True), ("外部专家调解", True), ("調解", True), ("社区", True), ("钴", False),
    ("cobalt", True), ("Kolwezi", True), ("monitor", True), ("water pollution", True), ("insurance", False),
    ("Kawama", False), ("华钴", False), (MARKER, False),
])
def test_the_search_finds_chinese_and_english_terms_of_the_published_fields_only(
        client: FlaskClient, term: str, found: bool) -> None:
    assert _listed(client, f"?q={term}") == ([SAMPLE] if found else [])
    page = _get(client, f"/register?q={term}", "zh")
    assert (f"/register/{SAMPLE}" in page) is found


# -- exports ------------------------------------------------------------------------------------

def test_the_csv_export_parses_with_one_row_per_registered_case(client: FlaskClient) -> None:
    response = client.get("/register.csv?stage=monitoring")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [row["case"] for row in rows] == [SAMPLE]
    [row] = rows
    assert row["stage"] == "monitoring" and row["stage_zh"] == "方案实施监测" and row["received_on"] == "2025-03-03"
    assert row["applicant_categories"] == "community" and row["url"].endswith(f"/register/{SAMPLE}")
    assert list(csv.DictReader(io.StringIO(client.get("/register.csv?stage=closed").get_data().decode("utf-8-sig")))) == []


def test_the_json_export_and_the_api_have_the_register_shape(client: FlaskClient) -> None:
    document = json.loads(_get(client, "/register.json"))
    assert set(document) == {"cases", "page", "per_page", "total", "pages", "next", "prev"}
    [case] = document["cases"]
    for key, kind in (("case", str), ("stage", str), ("path", str), ("region", str), ("industry", str),
                      ("issue_types", list), ("party_categories", dict), ("received_on", str),
                      ("updated_on", str), ("url", str)):
        assert isinstance(case[key], kind), key
    assert case["case"] == SAMPLE and case["stage"] == "monitoring" and case["path"] == "external_mediation"
    assert case["party_categories"] == {"applicant": ["community"], "respondent": ["company_refining", "company_mining"]}
    assert date.fromisoformat(case["received_on"]) == date(2025, 3, 3)
    assert date.fromisoformat(case["updated_on"]) >= date(2026, 10, 20)
    api = client.get("/api/v1/register")  # no token: the register is public
    assert api.status_code == 200 and api.get_json() == document
    assert client.get("/api/v1/register?stage=closed").get_json()["cases"] == []
    assert "/api/v1/register" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_atom_feed_parses_as_atom_with_new_cases_stage_changes_and_monitoring_updates(
        client: FlaskClient) -> None:
    response = client.get("/register.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") or "" for entry in entries]
    assert len(ids) == len(set(ids)) > 0
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        datetime.fromisoformat((entry.findtext(f"{ATOM}updated") or "").replace("Z", "+00:00"))
    assert any(i.endswith("#published") for i in ids)
    assert any("#stage-monitoring-2026-03-20" in i for i in ids)
    assert sum("-update-" in i for i in ids) == 2
    assert all(SAMPLE in i for i in ids), "only registered cases are in the feed"


# -- statistics and checkpoints -----------------------------------------------------------------

def test_the_statistics_page_counts_the_registered_cases_and_the_time_limits_they_met(
        client: FlaskClient, settings: Settings) -> None:
    page = _get(client, "/register/stats", "en")
    assert "Counted over the 1 cases on the register" in page and "<svg" in page and "<script" not in page
    with App(settings, today=lambda: TODAY) as app, app.db.session() as session:
        case = session.scalars(select(Case).where(Case.number == SAMPLE)).one()
        statuses = [deadline_status(d, TODAY) for d in case.deadlines]
    met, judged = statuses.count(DeadlineStatus.MET), sum(statuses.count(s) for s in (
        DeadlineStatus.MET, DeadlineStatus.MISSED, DeadlineStatus.OVERDUE))
    assert judged > 0 and f"were met ({met} of {judged})" in page
    # formal review 3 → 12 March 2025: 7 working days
    assert '<th scope="row">Formal review</th><td>1</td><td class="stage-median">7.0</td>' in page
    assert "按阶段统计案件" in _get(client, "/register/stats", "zh")


def test_checkpoints_json_lists_only_registered_cases_and_their_signatures_verify(
        client: FlaskClient, settings: Settings) -> None:
    document = json.loads(_get(client, "/register/checkpoints.json"))
    assert [c["case"] for c in document["checkpoints"]] == [SAMPLE]
    key = Checkpoints(checkpoint_dir(settings.data_dir)).public_key()
    for entry in document["checkpoints"]:
        checkpoint = Checkpoint.from_json({k: v for k, v in entry.items() if k != "case"})
        assert checkpoint.verify(key) and checkpoint.length > 40
        assert checkpoint.key == document["key"]["id"]
    tampered = Checkpoint.from_json({**document["checkpoints"][0], "length": 3})
    assert not tampered.verify(key)


# -- nothing personal ---------------------------------------------------------------------------

def test_no_name_address_or_contact_of_a_person_of_the_case_reaches_any_register_page_or_export(
        client: FlaskClient) -> None:
    urls = ["/register", f"/register/{SAMPLE}", "/register/stats", "/register.csv", "/register.json",
            "/register.atom", "/register/checkpoints.json", "/api/v1/register", "/register?q=Kolwezi",
            "/register?stage=monitoring&party_category=community"]
    for lang in LANGUAGES:
        for url in urls:
            body = client.get(url, headers={"Accept-Language": LANGUAGES[lang]}).get_data(as_text=True)
            # (the Musonoie river is named by the published points in dispute: a place, not a person)
            for name in (MARKER, MARKER.lower(), "Kawama", "Huagu", "华钴", "Zhang Wei", "张伟", "Mwamba", "Li Na",
                         "Hengyuan"):
                assert name not in body, (name, url, lang)


def test_the_search_runs_in_postgresql_text_search_with_chinese_and_english_terms(
        tmp_path: Path, fresh_postgres_url: str) -> None:
    import dataclasses

    settings = dataclasses.replace(web_settings(tmp_path), database_url=fresh_postgres_url)
    with App(settings, today=lambda: TODAY) as core:
        core.init()
        with core.procedure() as proc:
            run_demo_cases(proc)
    _issue_summary(settings, SAMPLE)
    with web_app(settings, today=lambda: TODAY) as flask_app:
        client = flask_app.test_client()
        for term, found in (("监测", True), ("調解", True), ("cob", True), ("water pollution", True),
                            ("Kawama", False), ("保险", False)):
            assert _listed(client, f"?q={term}") == ([SAMPLE] if found else []), term
        assert _listed(client, "?stage=monitoring&q=Kolwezi") == [SAMPLE]


# -- the feed against RFC 4287's own schema -----------------------------------------------------

ATOM_SCHEMA = Path(__file__).parent / "resources" / "atom"


def atom_problems(feed: bytes) -> list[str]:
    """What RFC 4287's RELAX NG schema (Appendix B, vendored in tests/resources/atom with its source) finds
    wrong with `feed`, and which of the schema's Schematron assertions (annotations RELAX NG ignores, kept
    in the converted schema) it fails: [] for a valid Atom feed."""
    from lxml import etree

    schema_tree = etree.parse(str(ATOM_SCHEMA / "atom.rng"))
    schema = etree.RelaxNG(schema_tree)
    document = etree.fromstring(feed)
    problems = [] if schema.validate(document) else [str(error) for error in schema.error_log]
    namespaces = {"atom": "http://www.w3.org/2005/Atom"}
    for rule in schema_tree.iterfind(".//{http://www.ascc.net/xml/schematron}rule"):
        for node in document.getroottree().xpath(f"//{rule.get('context')}", namespaces=namespaces):
            for check in rule.iterfind("{http://www.ascc.net/xml/schematron}assert"):
                if not node.xpath(f"boolean({check.get('test')})", namespaces=namespaces):
                    problems.append(check.text or check.get("test") or "")
    return problems


def test_the_atom_feed_validates_against_the_rfc_4287_schema_which_refuses_a_broken_feed(
        client: FlaskClient) -> None:
    feed = client.get("/register.atom").get_data()
    assert atom_problems(feed) == []
    # the validation can fail: a feed without its id, an entry with a date that is not an RFC 3339 date-time,
    # an entry with neither a link nor content
    no_id = re.sub(rb"<id>[^<]*</id>", b"", feed, count=1)
    bad_date = re.sub(rb"(<entry>.*?<updated>)[^<]*(</updated>)", rb"\g<1>25 November 2026\g<2>", feed, count=1,
                      flags=re.S)
    no_link = re.sub(rb"(<entry>.*?)<link [^>]*/>", rb"\g<1>", feed, count=1, flags=re.S)
    for broken in (no_id, bad_date, no_link):
        assert broken != feed
        assert atom_problems(broken), broken[:300]


# -- the phases of the procedure, and why one was not undertaken -----------------------------------

def _phase_rows(page: str) -> dict[str, str]:
    """The phase table of a case page: each phase's row as text (tags dropped), by the phase's key."""
    table = page.split('id="case-phases"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'data-phase="([a-z_]+)">(.*?)</tr>', table, flags=re.S)
    return {phase: " ".join(re.sub(r"<[^>]+>", " ", row).split()) for phase, row in rows}


def test_the_case_page_shows_each_phase_with_its_status_dates_and_why_a_phase_was_not_undertaken(
        tmp_path: Path) -> None:
    from register_many_support import register_many

    settings = web_settings(tmp_path)
    with App(settings) as core:
        core.init()
    accepted, invited, launched, dialogue, terminated, refused = register_many(settings, 6, TODAY)
    with web_app(settings, today=lambda: TODAY) as flask_app:
        client = flask_app.test_client()
        rows = _phase_rows(_get(client, f"/register/{refused}", "en"))
        assert list(rows) == ["formal_review", "invitation", "launch", "triage", "process", "termination",
                              "monitoring"]
        assert rows["formal_review"] == "Formal review Completed 3 March 2025 12 March 2025 —"
        for phase, name in (("launch", "Launch of the procedure"), ("triage", "Assessment and triage"),
                            ("process", "Dialogue or mediation"), ("termination", "Termination and closure report"),
                            ("monitoring", "Monitoring of the agreement")):
            assert rows[phase] == (f"{name} Not undertaken — — The respondent declined the invitation; "
                                   "the procedure was not launched"), rows
        rows = _phase_rows(_get(client, f"/register/{terminated}", "en"))
        assert rows["process"] == "Dialogue or mediation Completed 6 May 2025 10 June 2025 —"
        assert rows["termination"] == "Termination and closure report In progress 10 June 2025 current —"
        assert rows["monitoring"] == ("Monitoring of the agreement Not undertaken — — The process ended without an "
                                      "agreement to monitor: No understanding could be reached and one or both sides declined to continue")
        rows = _phase_rows(_get(client, f"/register/{invited}", "en"))
        assert rows["invitation"].startswith("Invitation of the respondent In progress 12 March 2025 current")
        assert rows["launch"] == "Launch of the procedure Not reached yet — — —"
        zh = _phase_rows(_get(client, f"/register/{refused}", "zh"))
        assert zh["launch"] == "程序启动 未进行 — — 相对方拒绝邀请，程序不予启动"
        assert _phase_rows(_get(client, f"/register/{terminated}", "zh"))["monitoring"] == \
            ("方案实施监测 未进行 — — 进程终结时未签署问题解决方案，无需监测："
                                                                             "双方经过努力无法达成谅解，一方或双方明确表示不愿继续进程")
        hant = _phase_rows(_get(client, f"/register/{refused}", "zh-Hant"))
        assert hant["launch"].startswith("程序啟動 未進行")
        document = json.loads(_get(client, f"/register.json?outcome=respondent_unresponsive&stage=not_launched"))
        [case] = document["cases"]
        assert case["case"] == refused and case["phases"][2] == {
            "phase": "launch", "status": "not_undertaken", "started_on": None, "ended_on": None,
            "not_undertaken_because": "respondent_refused", "termination_ground": None}
        assert {accepted, launched, dialogue} <= set(_listed(client))


def test_a_dismissal_ends_the_phase_it_cut_short_and_every_later_phase_is_not_undertaken_for_it() -> None:
    from casedocs.services.register import StageSpan
    from casedocs.services.register_phases import NotUndertaken, PhaseStatus, phases
    from cases.vocabulary import Stage

    days = [date(2025, 3, 3), date(2025, 3, 12), date(2025, 4, 1), date(2025, 4, 9)]
    spans = (StageSpan(Stage.RECEIVED, days[0], days[1], 7), StageSpan(Stage.ACCEPTED, days[1], days[2], 14),
             StageSpan(Stage.INVITED, days[2], days[3], 6), StageSpan(Stage.DISMISSED, days[3], None, None))
    lines = {line.phase.value: line for line in phases(spans, Stage.DISMISSED, None, False)}
    assert lines["formal_review"].status is PhaseStatus.COMPLETED
    cut = lines["invitation"]
    assert (cut.status, cut.started_on, cut.ended_on, cut.reason) == (
        PhaseStatus.ENDED_EARLY, days[1], days[3], NotUndertaken.DISMISSED)
    for later in ("launch", "triage", "process", "termination", "monitoring"):
        assert (lines[later].status, lines[later].reason) == (PhaseStatus.NOT_UNDERTAKEN, NotUndertaken.DISMISSED)
