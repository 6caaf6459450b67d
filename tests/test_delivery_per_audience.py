"""A document delivered to a side is that side's rendering, sealed for it (issue 11, 第六章第2.2条): `casedocs
deliver` issues the side's rendering where it was not yet, records the delivery and names the very document
delivered, together or not at all (kill -9 included). Real LibreOffice and pyHanko, the command line as a user
runs it.

The case is the confidentiality tests' (tests/confidentiality_support.py): the applicant's request keeps a
witness from the respondent.
"""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select

from cases.confidentiality.audiences import Audience
from cases.models import AuditEvent, Case, SignedDocument
from casedocs.app import App
from casedocs.cli import main
from casedocs.config import PASSPHRASE_ENV, Settings
from casedocs.services import issuing, portal
from casedocs.services.desk import latest
from casedocs.services.verification import verify_pdf
from cases.vocabulary import Channel, SideRole
from confidentiality_support import WITNESS, file_confidential_case
from crash_harness import TRIAL_MARKER, fork_command, kill_marked, leftovers, wait
from docgen.locale import Edition
from docgen.service import Request
from web_support import web_settings

pytestmark = pytest.mark.slow
SECRET = "secretariat passphrase for the delivery tests"
TODAY = date(2026, 11, 25)
SENT_ON = date(2026, 11, 19)
WITNESS_LATIN = WITNESS.split(" 证")[0]  # "Amani Witness"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = web_settings(tmp_path_factory.mktemp("delivery"), converter_processes=1)
    with App(settings, today=lambda: TODAY) as app:
        assert app.init(SECRET)
        with app.procedure() as proc:
            case = file_confidential_case(proc, received_on="2026-11-16")
            proc.accept(case, date(2026, 11, 18))
            proc.send_invitation(case, SENT_ON, Channel.POST)
    return settings


@pytest.fixture(scope="module")
def number(settings: Settings) -> str:
    with App(settings) as app, app.db.session() as session:
        return session.scalars(select(Case.number).order_by(Case.id)).first() or ""


def _deliver(settings: Settings, number: str, on: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["deliver", number, "invitation", "--side", "respondent", "--on", on,
                                       "--lang", "en", "--json", "--data", str(settings.data_dir), *extra],
                                env={PASSPHRASE_ENV: SECRET})
    return result.exit_code, result.output


def _state(settings: Settings, number: str) -> tuple[date | None, list[int], int]:
    """The respondent's invitation: when delivered, the documents sealed for the respondent, the
    deliver_document events."""
    with App(settings) as app, app.db.session() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        [delivery] = [d for d in case.deliveries if d.addressee_side is SideRole.RESPONDENT]
        documents = list(session.scalars(select(SignedDocument.id).where(
            SignedDocument.case_id == case.id, SignedDocument.audience == Audience.RESPONDENT)))
        events = session.scalars(select(AuditEvent).where(AuditEvent.chain == number,
                                                          AuditEvent.action == "deliver_document")).all()
        return delivery.delivered_on, documents, len(events)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_refused_delivery_issues_nothing_for_the_side(settings: Settings, number: str) -> None:
    code, output = _deliver(settings, number, "2026-11-10")  # before the invitation was sent
    assert code == 2 and "cannot record_delivery" in output and "Traceback" not in output
    assert _state(settings, number) == (None, [], 0), "the rendering sealed before the refusal was rolled back"


def test_a_delivery_killed_before_it_commits_leaves_nothing_and_the_next_one_completes_it(
        settings: Settings, number: str, tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    plan = tmp_path / "plan"
    plan.write_text("deliver.recorded\n")
    environment = {PASSPHRASE_ENV: SECRET, "CASEDOCS_CRASH_POINTS": str(plan), TRIAL_MARKER: marker}
    try:
        pid = fork_command(["deliver", number, "invitation", "--side", "respondent", "--on", "2026-11-21",
                            "--data", str(settings.data_dir)], environment, tmp_path / "log")
        ended = wait(pid)
        assert ended.killed, (tmp_path / "log").read_text()
        assert leftovers(marker, 10.0) == []
    finally:
        kill_marked(marker)
    assert _state(settings, number) == (None, [], 0)


def test_the_delivery_to_the_respondent_points_at_its_sealed_rendering_which_lacks_the_witness_and_validates(
        settings: Settings, number: str) -> None:
    code, output = _deliver(settings, number, "2026-11-21")
    assert code == 0, output
    done = json.loads(output)
    [file] = done["files"]
    assert file["audience"] == "respondent" and file["issued_now"] is True
    delivered_on, documents, events = _state(settings, number)
    assert delivered_on == date(2026, 11, 21) and documents == [file["document"]] and events == 1
    with App(settings, today=lambda: TODAY) as app:
        with app.db.session() as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.chain == number,
                                                             AuditEvent.action == "deliver_document")).one()
            assert event.detail["delivery"] == done["delivery"] and event.detail["document"] == file["document"]
            document = session.get(SignedDocument, file["document"])
            assert document is not None and document.audience is Audience.RESPONDENT
            assert event.detail["sha256"] == document.latest_sha256
        sealed = latest(app.desk(SECRET), file["document"])
        with app.procedure() as proc:  # the portal offers the respondent that very file
            [sent] = portal.party_case(proc, number, SideRole.RESPONDENT, TODAY, "en").documents
            assert [f.verification_code for f in sent.files] == [file["verification_code"]]
        with app.documents(pdf=False) as (proc, docs):  # what the secretariat's own rendering would have shown
            full = docs.render(proc.get_case(number), Request("invitation", Edition.EN), ["docx"]).docx
            assert WITNESS_LATIN.encode() in b"".join(zipfile.ZipFile(io.BytesIO(full)).read(n)
                                                      for n in zipfile.ZipFile(io.BytesIO(full)).namelist())
    assert WITNESS_LATIN not in _text(sealed) and b"Witness" not in sealed
    report = verify_pdf(settings.data_dir, sealed)
    assert report.valid and report.certified and [s.field for s in report.signatures] == ["seal-secretariat"]


def test_delivering_again_delivers_the_rendering_already_sealed_for_the_side(settings: Settings, number: str) -> None:
    before = _state(settings, number)[1]
    code, output = _deliver(settings, number, "2026-11-22")  # a corrected date
    assert code == 0, output
    [file] = json.loads(output)["files"]
    assert file["issued_now"] is False and [file["document"]] == before == _state(settings, number)[1]


def test_a_delivery_recorded_as_a_bare_act_names_the_sides_sealed_rendering(settings: Settings, number: str) -> None:
    _, documents, events = _state(settings, number)
    result = CliRunner().invoke(main, ["case", "act", number, "record_delivery", "instrument=invitation",
                                       "side=respondent", "delivered_on=2026-11-23", "--data", str(settings.data_dir)])
    assert result.exit_code == 0, result.output
    assert _state(settings, number) == (date(2026, 11, 23), documents, events + 1)
    with App(settings) as app, app.db.session() as session:
        last = session.scalars(select(AuditEvent).where(AuditEvent.chain == number,
                                                        AuditEvent.action == "deliver_document")
                               .order_by(AuditEvent.seq.desc())).first()
        assert last is not None and [last.detail["document"]] == documents and not last.detail["issued_now"]


def test_opening_its_file_in_the_portal_delivers_it_and_the_delivery_names_that_file(settings: Settings) -> None:
    with App(settings, today=lambda: TODAY) as app:
        with app.procedure() as proc:
            case = file_confidential_case(proc, received_on="2026-11-16")
            proc.accept(case, date(2026, 11, 18))
            proc.send_invitation(case, SENT_ON, Channel.PORTAL)
            number = case.number
        with app.documents() as (proc, docs):
            document = issuing.issue(app.desk(SECRET), proc.session, docs, proc.get_case(number),
                                     Request("invitation", Edition.EN, audience=Audience.RESPONDENT))
            document_id, sha256 = document.id, document.latest_sha256
        with app.procedure(actor="respondent.portal") as proc:
            [sent] = portal.party_case(proc, number, SideRole.RESPONDENT, TODAY, "en").documents
            opened = portal.open_document(proc, number, SideRole.RESPONDENT, sent.files[0].id, TODAY)
            assert opened.delivered_now and WITNESS_LATIN.encode() not in opened.data
        delivered_on, documents, events = _state(settings, number)
        assert delivered_on == TODAY and documents == [document_id] and events == 1
        with app.db.session() as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.chain == number,
                                                             AuditEvent.action == "deliver_document")).one()
            assert event.actor == "respondent.portal"
            assert (event.detail["document"], event.detail["sha256"], event.detail["audience"]) == \
                (document_id, sha256, "respondent")
