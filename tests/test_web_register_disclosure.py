"""The register's points in dispute through the PUBLIC disclosure (第六章第1.1条, 第六章第2.2条; issue 13), its
pages and its limit per address, on a register of confidential cases (tests/confidentiality_support): the
witness (a natural person) is named in the reasons of claim 0, the reasons of claim 1 and the whole of
claim 2 are under the applicant's confidentiality request. What the public may read is on the case page,
in the JSON, the CSV and the API, and found by the search; what is withheld is on none of them, and the
search does not find it."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cases.confidentiality.audiences import Audience
from cases.documents import record_version
from cases.lifecycle import VersionStatus
from casedocs.app import App
from casedocs.config import Settings
from confidentiality_support import APPLICATION, SECRET_REASONS, WITNESS, file_confidential_case
from web_support import web_app, web_settings

TODAY = date(2026, 11, 25)
LANGUAGES = {"zh": "zh-CN,zh;q=0.9", "zh-Hant": "zh-TW,zh;q=0.9", "en": "en-GB,en;q=0.9"}
WHOLE_CLAIM = "Relocation of the witness MARKER-WHOLE 搬迁记号"
CLAIMS = [{"claim": "Independent water testing 独立水质检测", "reasons": f"Seen by {WITNESS} near the river"},
          {"claim": "Protection of the witness", "reasons": SECRET_REASONS},
          {"claim": WHOLE_CLAIM, "reasons": "She cannot stay MARKER-WHOLE-REASONS"}]
WITHHELD = (WITNESS, "Amani", "证人甲", "MARKER-REASONS", "Reprisals", "报复记号", "MARKER-WHOLE", "搬迁记号", "搬遷記號",
            "Kawama, plot 7", "+243 970 000 777", "Maître Kabila")
CASES = 3


def _issue_public_summary(settings: Settings, number: str) -> None:
    with App(settings, today=lambda: TODAY) as app, app.procedure() as proc:
        case = proc.get_case(number)
        record_version(proc.session, app.store, f"%PDF case summary of {number}".encode(), case_id=case.id,
                       instrument="case_summary", subject=None, edition="zh", version=1,
                       verification_code=f"SUMC{case.id}", format="pdf", actor="officer.test",
                       status=VersionStatus.ISSUED, audience=Audience.PUBLIC)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("register-disclosure"))
    request = {**APPLICATION["confidentiality_requests"][0]}
    request["items"] = [*request["items"], "claim:2"]
    with App(settings, today=lambda: TODAY) as app:
        app.init()
        with app.procedure() as proc:
            numbers = [file_confidential_case(proc, received_on=f"2026-11-{18 + i}", claims=CLAIMS,
                                              confidentiality_requests=[request]).number for i in range(CASES)]
    for number in numbers:
        _issue_public_summary(settings, number)
    return settings


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[Flask]:
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        yield flask_app


@pytest.fixture(scope="module")
def numbers(app: Flask) -> list[str]:
    return [row["case"] for row in app.test_client().get("/register.json").get_json()["cases"]]


def _text(client: FlaskClient, url: str, lang: str = "en") -> str:
    response = client.get(url, headers={"Accept-Language": LANGUAGES[lang]})
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _listed(client: FlaskClient, query: str) -> list[str]:
    return [row["case"] for row in json.loads(_text(client, f"/register.json?{query}"))["cases"]]


# -- the points in dispute ------------------------------------------------------------------------

def test_the_case_page_prints_the_claims_the_public_may_read_and_placeholders_for_the_withheld_ones(
        app: Flask, numbers: list[str]) -> None:
    client, number = app.test_client(), numbers[0]
    shown = {"en": ("Independent water testing", "Protection of the witness", "Seen by",
                    f"[withheld pending confidentiality request {number}/C-1]"),
             "zh": ("独立水质检测", "Protection of the witness", f"〔依保密申请 {number}/保密-1 暂不披露〕"),
             "zh-Hant": ("獨立水質檢測", f"〔依保密申請 {number}/保密-1 暫不披露〕")}
    for lang, expected in shown.items():
        page = _text(client, f"/register/{number}", lang)
        assert 'id="case-points"' in page
        for text in expected:
            assert text in page, (lang, text)
        leaked = [marker for marker in WITHHELD if marker in page]
        assert not leaked, (lang, leaked)


def test_the_json_csv_and_api_carry_the_points_in_dispute_with_what_is_withheld_marked(
        app: Flask, numbers: list[str]) -> None:
    client = app.test_client()
    document = json.loads(_text(client, "/register.json"))
    points = document["cases"][0]["points_in_dispute"]
    assert [p["position"] for p in points] == [1, 2, 3]
    assert [p["withheld"] for p in points] == [[], ["reasons"], ["claim", "reasons"]]
    assert "Independent water testing" in points[0]["claim"]["en"] and "獨立水質檢測" in points[0]["claim"]["zh-Hant"]
    assert points[0]["reasons"]["en"].startswith("Seen by [") and "near the river" in points[0]["reasons"]["en"]
    assert client.get("/api/v1/register").get_json()["cases"][0]["points_in_dispute"] == points
    rows = list(csv.DictReader(io.StringIO(client.get("/register.csv").get_data().decode("utf-8-sig"))))
    in_csv = rows[0]["points_in_dispute_en"]
    assert in_csv.startswith("1. ") and "Independent water testing" in in_csv
    assert "3. [withheld pending confidentiality request" in rows[0]["points_in_dispute_en"]
    for url in ("/register.json", "/register.csv", "/api/v1/register", "/register.atom", "/register",
                "/register/stats"):
        for lang in LANGUAGES:
            body = _text(client, url, lang)
            leaked = [marker for marker in WITHHELD if marker in body]
            assert not leaked, (url, lang, leaked)


@pytest.mark.parametrize("term, found", [
    ("water testing", True), ("独立水质", True), ("獨立水質", True), ("river", True), ("witness", True),
    ("Amani", False), ("证人甲", False), ("MARKER-REASONS", False), ("Reprisals", False), ("报复记号", False),
    ("Relocation", False), ("搬迁记号", False), ("stay", False), ("withheld", False), ("暂不披露", False),
    ("pending", False),
])
def test_the_search_finds_the_published_claims_and_nothing_withheld_nor_the_placeholders(
        app: Flask, numbers: list[str], term: str, found: bool) -> None:
    client = app.test_client()
    assert sorted(_listed(client, f"q={term}")) == (sorted(numbers) if found else []), term
    page = _text(client, f"/register?q={term}", "zh")
    assert (f"/register/{numbers[0]}" in page) is found


# -- pages ----------------------------------------------------------------------------------------

def _page(client: FlaskClient, url: str) -> tuple[dict[str, Any], str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_json(), response.headers.get("Link", "")


def test_the_json_and_the_api_come_a_page_at_a_time_with_links_to_the_next_and_previous(
        app: Flask, numbers: list[str]) -> None:
    client = app.test_client()
    for base in ("/register.json", "/api/v1/register"):
        first, first_links = _page(client, f"{base}?per_page=2")
        assert [c["case"] for c in first["cases"]] == numbers[:2]
        assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, CASES, 2)
        assert first["prev"] is None and first["next"].endswith(f"{base}?per_page=2&page=2")
        assert first_links == f'<{first["next"]}>; rel="next"'
        second, second_links = _page(client, first["next"].split("localhost", 1)[1])
        assert [c["case"] for c in second["cases"]] == numbers[2:]
        assert second["next"] is None and second["prev"].endswith("page=1") and 'rel="prev"' in second_links
        # a page past the last, or one that is not a number, answers the nearest page, never an error
        assert _page(client, f"{base}?per_page=2&page=99")[0]["page"] == 2
        assert _page(client, f"{base}?per_page=x&page=-1")[0]["page"] == 1
    filtered, _ = _page(client, "/register.json?per_page=1&q=water")
    assert "q=water" in filtered["next"] and filtered["total"] == CASES


def test_the_list_and_the_csv_page_with_rel_next_and_prev(app: Flask, numbers: list[str]) -> None:
    client = app.test_client()
    page = _text(client, "/register?per_page=2", "en")
    assert "Page 1 of 2" in page and 'rel="next"' in page and 'rel="prev"' not in page
    assert f"/register/{numbers[0]}" in page and f"/register/{numbers[2]}" not in page
    assert f"{CASES} of {CASES} cases" in page
    second = _text(client, "/register?per_page=2&page=2", "zh")
    assert "第 2 页，共 2 页" in second and 'rel="prev"' in second and f"/register/{numbers[2]}" in second
    response = client.get("/register.csv?per_page=2")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [row["case"] for row in rows] == numbers[:2] and 'rel="next"' in response.headers["Link"]


# -- the limit per address ------------------------------------------------------------------------

def test_one_address_reading_the_register_too_fast_is_told_to_wait_while_another_is_not(app: Flask) -> None:
    from web.public.register_paging import READS

    per_minute = min(item.amount for item in READS)
    flood = app.test_client()
    flood.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    answers = [flood.get("/register.json").status_code for _ in range(per_minute)]
    assert set(answers) == {200}
    for url, lang in (("/register.json", "en"), ("/api/v1/register", "en"), ("/register", "zh"),
                      ("/register.csv", "en")):
        refused = flood.get(url, headers={"Accept-Language": LANGUAGES[lang]})
        assert refused.status_code == 429, url
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        text = refused.get_data(as_text=True)
        assert ("请在" in text) if lang == "zh" else ("Try again in" in text), url
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.10"
    assert other.get("/register").status_code == 200


def test_the_register_with_its_points_in_dispute_is_read_in_as_many_queries_for_one_case_as_for_all(
        settings: Settings, numbers: list[str]) -> None:
    from sqlalchemy import event

    from casedocs.services import register as reg

    counts = []
    with App(settings, today=lambda: TODAY) as app:
        for number in (numbers[0], None):
            with app.db.session() as session:
                seen: list[str] = []

                def count(*args: Any) -> None:
                    seen.append(str(args[2]))

                engine = session.get_bind()
                event.listen(engine, "before_cursor_execute", count)
                try:
                    found = reg.register(session, app.calendar, number, on=TODAY)
                finally:
                    event.remove(engine, "before_cursor_execute", count)
                assert all(len(case.points) == len(CLAIMS) for case in found)
                counts.append(len(seen))
    assert counts[0] == counts[1], counts
