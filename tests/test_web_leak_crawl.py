"""The leak crawl (issue 11, 第六章第2.2条): every web page and API response reachable by each role.

The marked case of the document sweep (tests/test_confidentiality_rendering.py: every confidential item
carries a unique marker in Latin and Chinese script; C-1 is decided and narrowed, withheld from the other
side; C-2 is pending, withheld from third parties and the public) is put in a web app with its instruments
issued per audience. Each role then crawls the app with the Flask test client, in zh, zh-Hant and en:
from its entry pages it follows every same-origin link (a href, GET forms, link rel, img/script src, the
URLs the JSON answers name, the OpenAPI document's paths with the case number filled in), fetches the
downloads (PDF text, Info and XMP; every part of a DOCX; CSV, JSON, Atom), and probes the ids it may not
open (every file, exhibit and verification code of the case) for their error pages. It never follows
logout and never POSTs. Every marker withheld from the role's audience must be absent from every body,
every header (Content-Disposition) and the server log; every marker allowed to it must appear somewhere in
its crawl, which proves the crawl reaches the data (the test could fail)."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from cases.accounts import Role
from cases.confidentiality.audiences import Audience
from cases.models import DocumentVersion, Exhibit, SignedDocument
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo_signing import DEMO_SECRETARIAT_PASSPHRASE
from casedocs.services import accounts, issuing
from docgen.locale import Edition
from docgen.service import Request
from leak_crawl_support import LANGUAGES, Crawl, KeptLog, crawl, fresh_address
from test_confidentiality_rendering import M, WITHHELD, forms, whole_course
from web_support import add_account, log_in, web_app, web_settings

pytestmark = pytest.mark.slow  # LibreOffice renders the issued instruments once, for the module

TODAY = date(2026, 11, 25)
# The markers of the document sweep, and what a retaliation-risk assessment says (第六章第4条: the
# secretariat's only), which whole_course records as MKRISK.
MARKERS: dict[str, str] = {**M, "risk": "MKRISK 风险记号"}
EVERYTHING = frozenset(MARKERS)


# -- the record -----------------------------------------------------------------------------------

# Issued per audience (sealed PDF/A and its DOCX), so that every download route has something to serve:
# the notice delivered to both sides (each side opens its own rendering, 第六章第2.2条) and the two
# instruments the register publishes (第四章第四节).
ISSUED: dict[Audience, tuple[str, ...]] = {
    Audience.SECRETARIAT: ("launch_notice",),
    # the extension's and the path switch's reasons are printed only by their decisions (issue 11)
    Audience.APPLICANT: ("launch_notice", "extension_decision", "path_switch_decision"),
    Audience.RESPONDENT: ("launch_notice", "extension_decision", "path_switch_decision"),
    Audience.PUBLIC: ("case_summary", "closure_report"),
}


@dataclass(frozen=True)
class Record:
    settings: Settings
    number: str
    file_ids: tuple[int, ...]
    exhibit_ids: tuple[int, ...]
    signed_ids: tuple[int, ...]
    job_ids: tuple[int, ...]
    draft_id: int  # the preview's PDF: the secretariat's application form, every item in it
    codes: tuple[str, ...]
    tokens: dict[str, str]  # each account's API token
    totp: dict[str, str | None]  # each account's second factor, for the staff


def _issue(settings: Settings, number: str) -> None:
    with App(settings, today=lambda: TODAY) as core:
        desk = core.desk(DEMO_SECRETARIAT_PASSPHRASE, actor="officer.test")
        with core.documents(actor="officer.test") as (proc, docs):
            case = proc.get_case(number)
            for audience, instruments in ISSUED.items():
                for instrument in instruments:
                    rendered = docs.render(case, Request(instrument, Edition.ZH, None, audience=audience),
                                           ["docx", "pdf"])
                    issuing.seal_rendered(desk, proc.session, case, rendered)


class _RunHere:
    """Jobs run by the test itself (casedocs.jobs.execute), as a runner thread would."""

    name = "test"

    def dispatch(self, job_id: int) -> None:
        pass

    def health(self) -> dict[str, Any]:
        return {}


def _preview_job(settings: Settings, number: str) -> tuple[int, int]:
    """An officer's preview of the secretariat's rendering, done: its page and status name what it made."""
    from casedocs.jobs import Jobs, execute
    from casedocs.services.document_jobs import PREVIEW

    with App(settings, today=lambda: TODAY) as core:
        with core.procedure() as proc:
            officer = accounts.get_account(proc.session, "officer@example.org").id
        job_id = Jobs(core, _RunHere()).submit(PREVIEW, {"case": number, "instrument": "application_form",
                                                         "edition": "en", "subject": "", "audience": "secretariat"},
                                               who="officer@example.org", account_id=officer, case_number=number)
        assert execute(core, job_id, "test")
        status = Jobs(core, _RunHere()).status(job_id)
        assert status is not None and status.as_json()["state"] == "done", status
        return job_id, status.as_json()["result"]["file"]


ACCOUNTS: dict[str, tuple[Role, SideRole | None]] = {
    "officer": (Role.OFFICER, None), "admin": (Role.ADMIN, None),
    "applicant": (Role.PARTY, SideRole.APPLICANT), "respondent": (Role.PARTY, SideRole.RESPONDENT),
    "monitor": (Role.MONITOR, None),
}


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Record:
    settings = web_settings(tmp_path_factory.mktemp("crawl"))
    with App(settings, today=lambda: TODAY) as core:
        core.init(DEMO_SECRETARIAT_PASSPHRASE)
        with core.procedure(actor="officer.test") as proc:
            number = whole_course(proc).number
    _issue(settings, number)
    tokens: dict[str, str] = {}
    totp: dict[str, str | None] = {}
    for name, (role, side) in ACCOUNTS.items():
        totp[name] = add_account(settings, f"{name}@example.org", role, case=None if role.is_staff else number,
                                 side=side, totp=role.needs_second_factor)
        with App(settings) as core, core.procedure() as proc:
            account = accounts.get_account(proc.session, f"{name}@example.org")
            tokens[name] = accounts.issue_token(proc.session, account, actor="test")
    job, draft = _preview_job(settings, number)
    with App(settings) as core, core.procedure() as proc:
        case = proc.get_case(number)
        versions = list(proc.session.scalars(select(DocumentVersion).where(DocumentVersion.case_id == case.id)))
        exhibits = list(proc.session.scalars(select(Exhibit.id).where(Exhibit.case_id == case.id)))
        signed = list(proc.session.scalars(select(SignedDocument.id).where(SignedDocument.case_id == case.id)))
        return Record(settings, number, tuple(v.id for v in versions), tuple(exhibits), tuple(signed), (job,), draft,
                      tuple(sorted({v.verification_code for v in versions if v.verification_code})), tokens, totp)


def markers_in(text: str, names: frozenset[str] | set[str]) -> set[str]:
    """Which of the named markers the text holds, in either script (Simplified or Traditional)."""
    return {name for name in names if any(form in text for form in forms(MARKERS[name]))}


# -- the roles ---------------------------------------------------------------------------------------

PUBLIC_ENTRIES = ["/", "/register", "/register/stats", "/register.csv", "/register.json", "/register.atom",
                  "/register/checkpoints.json", "/verify", "/apply", "/api/v1/openapi.json", "/api/v1/register",
                  "/api/v1/docs", "/healthz", "/login"]
API_ENTRIES = ["/api/v1/openapi.json", "/api/v1/cases", "/api/v1/deadlines", "/api/v1/actions"]


@dataclass(frozen=True)
class Reader:
    """A role as the crawl plays it: the account (None: nobody signed in), by session or bearer token,
    where it starts, and what is withheld from it."""

    account: str | None
    token: bool
    withheld: frozenset[str]

    def entries(self, number: str) -> list[str]:
        if self.token:
            return [*API_ENTRIES, f"/api/v1/cases/{number}"]
        own = {"officer": ["/console/", "/console/cases", f"/console/cases/{number}", f"/console/cases/{number}/audit",
                           f"/console/cases/{number}/people", "/console/translations", "/console/roster",
                           "/console/signatories", "/console/file"],
               "applicant": ["/portal/", f"/portal/cases/{number}", f"/portal/cases/{number}/acts",
                             f"/portal/cases/{number}/signing"],
               "monitor": ["/portal/", f"/portal/cases/{number}/monitoring"]}
        kind = {"admin": "officer", "respondent": "applicant"}.get(self.account or "", self.account or "")
        return [*own.get(kind, []), *PUBLIC_ENTRIES, f"/register/{number}"]


RISK = frozenset({"risk"})
# The secretariat sees everything (第六章第2.2条); the side that asked (the applicant) everything but the
# risk assessment (第六章第4条); the respondent not C-1 (narrowed: the claim itself is released, its reasons
# are not); the public neither C-1 nor C-2. A monitor reads the case as the public does
# (web.access.reader_audience), but for the monitoring texts of its cases: monitoring is the secretariat's
# work, done by its staff or a body it delegates (第五章第2条; PROCEDURE.md §1 roles), which C-2 does not keep
# them from.
_C1 = frozenset(WITHHELD[Audience.RESPONDENT])
_PUBLIC = frozenset(WITHHELD[Audience.PUBLIC])
# In this order: a side's, the monitor's and the public's crawls each come right after the crawl of a reader
# who may see more, so a page kept for that reader (web/pagecache.py keeps pages 30 s per revision and
# reader scope) and handed to the next would be caught.
READERS: dict[str, Reader] = {
    "officer": Reader("officer", False, frozenset()), "applicant": Reader("applicant", False, RISK),
    "respondent": Reader("respondent", False, _C1 | RISK),
    "monitor": Reader("monitor", False, _PUBLIC - {"monitor"} | RISK),
    "anonymous": Reader(None, False, _PUBLIC | RISK),
    "officer token": Reader("officer", True, frozenset()), "applicant token": Reader("applicant", True, RISK),
    "respondent token": Reader("respondent", True, _C1 | RISK),
    "monitor token": Reader("monitor", True, _PUBLIC - {"monitor"} | RISK),
    "admin": Reader("admin", False, frozenset()), "admin token": Reader("admin", True, frozenset()),
}


def probes(record: Record) -> list[str]:
    """Every file, exhibit and verification code of the case at every route that serves one: what the
    reader may not open must answer as if it did not exist, without its title or file name."""
    n = record.number
    urls = [url for file_id in record.file_ids
            for url in (f"/console/cases/{n}/files/{file_id}", f"/portal/cases/{n}/files/{file_id}",
                        f"/api/v1/cases/{n}/documents/files/{file_id}", f"/register/{n}/files/{file_id}")]
    urls += [f"/console/cases/{n}/exhibits/{exhibit_id}" for exhibit_id in record.exhibit_ids]
    urls += [f"/portal/cases/{n}/signing/{document_id}" for document_id in record.signed_ids]
    urls += [url for job_id in record.job_ids for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json",
                                                          f"/api/v1/jobs/{job_id}", f"/console/cases/{n}/jobs/{job_id}")]
    urls += [url for code in record.codes for url in (f"/verify/{code}", f"/api/v1/verify/{code}")]
    return urls


@pytest.fixture(scope="module")
def app(record: Record) -> Iterator[Flask]:
    with web_app(record.settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


@pytest.fixture(scope="module")
def crawls(app: Flask, record: Record) -> dict[str, Crawl]:
    """Every reader's crawl, once; the server log of each kept with it."""
    done: dict[str, Crawl] = {}
    root = logging.getLogger()
    for role, reader in READERS.items():
        client = app.test_client()
        headers = {}
        if reader.account is not None and reader.token:
            headers["Authorization"] = f"Bearer {record.tokens[reader.account]}"
        elif reader.account is not None:
            assert log_in(client, f"{reader.account}@example.org",
                          totp_secret=record.totp[reader.account]).status_code == 302
        kept, level = KeptLog(), root.level
        root.addHandler(kept)
        root.setLevel(logging.DEBUG)
        try:
            done[role] = crawl(client, role, reader.entries(record.number), probes(record), record.number, headers)
        finally:
            root.removeHandler(kept)
            root.setLevel(level)
        done[role].log = kept.lines
        per_language = ", ".join(f"{language} {done[role].visits(language)}" for language in LANGUAGES)
        print(f"{role}: {done[role].visits()} responses ({per_language})")
    return done


@pytest.mark.parametrize("role", list(READERS))
def test_no_page_answer_header_or_download_a_role_reaches_holds_what_is_withheld_from_it(
        crawls: dict[str, Crawl], role: str) -> None:
    leaks = [(seen.url, seen.language, sorted(markers_in(seen.text, READERS[role].withheld)))
             for seen in crawls[role].pages if markers_in(seen.text, READERS[role].withheld)]
    assert not leaks, leaks


LATIN = {part for marker in MARKERS.values() for part in marker.split(" ") if part.startswith("MK")}


def test_no_page_shows_a_marker_cut_short(crawls: dict[str, Crawl]) -> None:
    """A title or name shortened for a list ("Statement of the witness MKEXT…") would slip past a search for
    the whole marker: every MK… word a page holds must be a whole marker (then judged by the test above)."""
    cut = {(role, seen.url, word) for role, crawl in crawls.items() for seen in crawl.pages
           if seen.content_type != "application/pdf"  # its text is searched with the spaces taken out
           for word in re.findall(r"(?<![A-Za-z0-9_/+-])MK[A-Z]+(?![A-Za-z0-9_/+])", seen.text)
           if word not in LATIN}
    assert not cut, sorted(cut)[:20]


# Never shown on any page or API answer, to anyone: the translations (the documents print them, and the
# document sweep searches them) and the retaliation-risk assessment. Nor does the portal or the API show
# an objection's statement (the console does). These cannot prove the crawl reaches them.
NOT_ON_THE_WEB = frozenset({"facts_zh", "reasons_zh", "risk"})
NOT_FOR_PARTIES_OR_MONITORS = frozenset({"statement"})


@pytest.mark.parametrize("account", ["anonymous", "officer", "admin", "applicant", "respondent", "monitor"])
def test_every_item_a_role_may_see_appears_somewhere_in_its_crawl(crawls: dict[str, Crawl], account: str) -> None:
    """The other half of the sweep: an absent marker proves nothing unless the crawl reaches the data."""
    roles = [role for role in (account, f"{account} token") if role in crawls]
    seen = "\n".join(crawls[role].everything() for role in roles)
    allowed = EVERYTHING - READERS[account].withheld - NOT_ON_THE_WEB
    if account not in ("officer", "admin"):
        allowed -= NOT_FOR_PARTIES_OR_MONITORS
    assert markers_in(seen, allowed) == allowed, sorted(allowed - markers_in(seen, allowed))
    assert "claim" in allowed  # the narrowed decision released the claim itself to everyone
    if READERS[account].withheld & _C1:  # what is withheld is reached, and shows the decision instead
        assert "MVC-2025-0001/保密-1" in seen.replace(" ", "")
    pdfs = [s.url for role in roles for s in crawls[role].pages
            if s.status == 200 and s.content_type == "application/pdf"]
    assert pdfs, f"{account} downloaded no PDF"


def test_the_crawl_reaches_each_roles_own_pages_and_downloads(crawls: dict[str, Crawl], record: Record) -> None:
    n = record.number
    ok = {role: {s.url for s in crawl.pages if s.status == 200} for role, crawl in crawls.items()}
    assert {f"/register/{n}", "/register.csv", "/register.atom", "/register.json"} <= ok["anonymous"]
    assert {f"/console/cases/{n}", f"/console/cases/{n}/audit"} <= ok["officer"]
    for side in ("applicant", "respondent"):
        assert f"/portal/cases/{n}" in ok[side]
        assert any(url.startswith(f"/portal/cases/{n}/files/") for url in ok[side]), side
        assert any(url.startswith(f"/api/v1/cases/{n}/documents/files/") for url in ok[f"{side} token"]), side
    assert f"/portal/cases/{n}/monitoring" in ok["monitor"]
    draft = [s.text for s in crawls["officer"].pages if s.url == f"/console/cases/{n}/files/{record.draft_id}"]
    in_english = _C1 - {"reasons_zh"}  # the en edition prints the reasons in their original language
    assert draft and all(markers_in(text, in_english) == in_english for text in draft)  # what the probes hide
    assert f"/api/v1/cases/{n}/monitoring" in ok["monitor token"]
    for role, crawl in crawls.items():
        assert crawl.visits("zh") == crawl.visits("zh-Hant") == crawl.visits("en") > 50, role


def test_no_url_any_role_reaches_answers_with_a_server_error(crawls: dict[str, Crawl]) -> None:
    errors = [(role, s.url, s.status) for role, crawl in crawls.items() for s in crawl.pages
              if s.status >= 500 and s.url != "/healthz"]  # 503: the test app runs no job threads
    assert not errors, errors


def test_the_server_log_names_no_confidential_item(crawls: dict[str, Crawl]) -> None:
    """What the server writes to its log is read by whoever runs it: identifiers only."""
    named = [(role, sorted(markers_in(line, EVERYTHING)), line[:200]) for role, crawl in crawls.items()
             for line in crawl.log if markers_in(line, EVERYTHING)]
    assert not named, named
    assert any(crawl.log for crawl in crawls.values())  # the log was captured


def test_the_register_search_finds_the_case_by_no_word_withheld_from_the_public(app: Flask) -> None:
    """A count is a leak too (第六章第2.2条): searching the register for a withheld word must answer as for a
    word nowhere in the record, while a published word (the region) finds the case."""
    client = app.test_client()

    def total(url: str, query: str) -> int:
        answer = client.get(url, query_string={"q": query}, environ_overrides={"REMOTE_ADDR": fresh_address()})
        assert answer.status_code == 200, (url, query, answer.status_code)
        return int(answer.get_json()["total"])

    for url in ("/register.json", "/api/v1/register"):
        assert total(url, "Lualaba") == 1 and total(url, "Zyxnowhere") == 0
        found = [(url, form) for name in sorted(READERS["anonymous"].withheld) for form in forms(MARKERS[name])
                 if total(url, form)]
        assert not found, found
