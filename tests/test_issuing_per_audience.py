"""A sealed instrument is sealed per audience that receives it (issue 11, 第六章第2.2条), and what is sealed for
the public is published (issue 13): real LibreOffice, real pyHanko, the web app on the same record.

The case is the confidentiality tests' (tests/confidentiality_support.py): the applicant's request keeps a
witness (her name, her statement, the reasons of a claim) from the respondent, hence from the public.
"""
from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from cases.confidentiality.audiences import Audience
from cases.models import Case, DocumentVersion, SignedDocument
from casedocs.app import App
from casedocs.cli import main
from casedocs.config import PASSPHRASE_ENV, Settings
from casedocs.services import issuing
from casedocs.services.desk import latest
from casedocs.services.verification import is_public, verify_pdf
from confidentiality_support import WITNESS, file_confidential_case
from docgen.locale import Edition
from docgen.service import Request
from web_support import web_app, web_settings

pytestmark = pytest.mark.slow
SECRET = "secretariat passphrase for the audience tests"
TODAY = date(2026, 11, 25)
WITNESS_LATIN = WITNESS.split(" 证")[0]  # "Amani Witness": what the en edition prints of her name


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("audiences"), converter_processes=1)
    with App(settings, today=lambda: TODAY) as app:
        assert app.init(SECRET)
        with app.procedure() as proc:
            case = file_confidential_case(proc, received_on="2026-11-16")
            proc.accept(case, date(2026, 11, 18))
            proc.publish_summary(case, "Seepage into the Kawama river; the sides discuss water testing.",
                                 date(2026, 11, 20))
    return settings


@pytest.fixture(scope="module")
def number(settings: Settings) -> str:
    """The one case of the record."""
    with App(settings) as app, app.db.session() as session:
        return session.scalars(select(Case.number)).one()


def _issue_cli(settings: Settings, number: str, instrument: str, audience: str, out: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["issue", number, instrument, "--lang", "en", "--audience", audience,
                                       "--out", str(out), "--json", "--data", str(settings.data_dir)],
                                env={PASSPHRASE_ENV: SECRET})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_issuing_for_the_public_audience_seals_the_public_rendering_without_the_withheld_witness(
        settings: Settings, number: str, tmp_path: Path) -> None:
    secretariats = _issue_cli(settings, number, "acceptance_decision", "secretariat", tmp_path / "secretariat.pdf")
    publics = _issue_cli(settings, number, "acceptance_decision", "public", tmp_path / "public.pdf")
    assert secretariats["audience"] == "secretariat" and publics["audience"] == "public"
    assert secretariats["verification_code"] != publics["verification_code"]
    full, public = (tmp_path / "secretariat.pdf").read_bytes(), (tmp_path / "public.pdf").read_bytes()
    assert WITNESS_LATIN in _text(full), "the secretariat sees everything"
    assert WITNESS_LATIN not in _text(public) and b"Witness" not in public
    report = verify_pdf(settings.data_dir, public)
    assert report.valid and report.certified and [s.field for s in report.signatures] == ["seal-secretariat"]
    with App(settings) as app, app.db.session() as session:
        document = session.get(SignedDocument, publics["document"])
        assert document is not None and document.audience is Audience.PUBLIC
        rows = list(session.scalars(select(DocumentVersion).where(
            DocumentVersion.verification_code == document.verification_code)))
        # the rendering (DOCX, PDF) and the sealed revision: all the public's, all issued
        assert len(rows) == 3 and {row.audience for row in rows} == {Audience.PUBLIC}
        assert not any(is_public(row) for row in rows), "the procedure does not publish an acceptance decision"


def test_the_sealed_public_case_summary_verifies_and_downloads_from_the_register_and_from_its_code(
        settings: Settings, number: str) -> None:
    with App(settings, today=lambda: TODAY) as app:
        desk = app.desk(SECRET)
        with app.documents() as (proc, docs):
            case = proc.get_case(number)
            kept = issuing.issue(desk, proc.session, docs, case, Request("case_summary", Edition.ZH))
            public = issuing.issue(desk, proc.session, docs, case,
                                   Request("case_summary", Edition.ZH, audience=Audience.PUBLIC))
            public_id, public_code, kept_code = public.id, public.verification_code, kept.verification_code
        sealed = latest(desk, public_id)
        with app.db.session() as session:
            row = session.scalars(select(DocumentVersion).where(DocumentVersion.sha256 == public.latest_sha256,
                                                                DocumentVersion.revision == 1)).one()
            assert is_public(row)
            file_id = row.id
            kept_rows = list(session.scalars(select(DocumentVersion).where(
                DocumentVersion.verification_code == kept_code)))
            assert kept_rows and not any(is_public(r) for r in kept_rows)
    report = verify_pdf(settings.data_dir, sealed)
    assert report.valid and report.certified
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as flask_app:
        _downloads(flask_app, number, file_id, public_code, kept_code, sealed,
                   [r.id for r in kept_rows if r.format == "pdf"])


def _downloads(flask_app: Flask, number: str, file_id: int, public_code: str, kept_code: str, sealed: bytes,
               kept_files: list[int]) -> None:
    client = flask_app.test_client()
    listed = client.get("/register.json").get_json()
    assert [c["case"] for c in listed["cases"]] == [number]
    page = client.get(f"/register/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    link = f"/register/{number}/files/{file_id}"
    assert link in page and public_code in page and kept_code not in page
    downloaded = client.get(link)
    assert downloaded.status_code == 200 and downloaded.data == sealed
    code_page = client.get(f"/verify/{public_code}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert link in code_page
    assert "/files/" not in client.get(f"/verify/{kept_code}").get_data(as_text=True)
    for kept in kept_files:
        assert client.get(f"/register/{number}/files/{kept}").status_code == 404
