"""The signing record (签署记录 / Signing Record, issue 12; 第四章第四节第1条: both sides sign the agreement).

The demo's agreement is co-signed by four signatories (one of them "in the browser": passphrase and mailed
code) and frozen by the last signature; the record is then sealed for each side, in both languages, and
must state every signature truthfully: the signer, role and side, the time of its time-stamp as pyHanko
verifies it in the frozen PDF, the method, and the frozen PDF's real sha256 and verification code.
Real LibreOffice, pyHanko and poppler throughout.
"""
from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casedocs.app import App
from casedocs.cli import main
from casedocs.services import casepage, cosigning, issuing, signing_record
from casedocs.services.desk import Desk, get_document, latest
from casedocs.services.verification import verify_pdf
from cases.confidentiality.audiences import Audience
from cases.instruments import not_applicable
from cases.lifecycle import DocumentKind, DocumentState
from cases.models import Case, SignedDocument
from cases.signing_method import SigningMethod
from docgen.locale import Edition
from docgen.service import Request
from signing_records import NUMBER, SIGNATORY_PASSPHRASE, TODAY, Prepared, prepare

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
BEIJING = ZoneInfo("Asia/Shanghai")
NAMES = ("Applicant signatory 1", "Applicant signatory 2", "Respondent signatory 1", "Respondent signatory 2")


@dataclass(frozen=True)
class Frozen:
    prepared: Prepared
    app: App
    desk: Desk
    agreement_pdf: bytes


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Frozen]:
    """Two signatures on the command line (prepare), the third in the browser's way, the fourth freezes the
    agreement and, given the rendering, issues the records."""
    prepared = prepare(tmp_path_factory.mktemp("signing-record") / "data", signed=2)
    app = App(prepared.settings(), today=lambda: TODAY)
    desk = app.desk()
    cosigning.sign(desk, prepared.agreement, prepared.signatories[2], SIGNATORY_PASSPHRASE,
                   method=SigningMethod.PASSPHRASE_AND_EMAIL_CODE)
    document = cosigning.sign(desk, prepared.agreement, prepared.signatories[3], SIGNATORY_PASSPHRASE,
                              rendering=app.rendering())
    assert document.state is DocumentState.FROZEN
    yield Frozen(prepared, app, desk, latest(desk, prepared.agreement))
    app.close()


def records(app: App) -> list[SignedDocument]:
    with app.procedure() as proc:
        return list(proc.session.scalars(select(SignedDocument).where(SignedDocument.instrument == "signing_record")
                                         .order_by(SignedDocument.id)))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def stamped_times(pdf: bytes, data: Path) -> dict[str, str]:
    """Each signer's time-stamp time in Beijing, as pyHanko verifies the frozen agreement."""
    report = verify_pdf(data, pdf)
    assert report.valid and report.frozen, report.reasons
    return {str(s.signer): f"{datetime.fromisoformat(str(s.timestamp)).astimezone(BEIJING):%Y-%m-%d %H:%M:%S}"
            for s in report.signatures if s.kind == "approval"}


def screenshot(pdf: bytes, tmp_path: Path, name: str) -> list[Path]:
    """Every page as PNG (pdftoppm, 80 dpi) in var/screenshots, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(source), str(SCREENSHOTS / name)], check=True)
    return sorted(SCREENSHOTS.glob(f"{name}-*.png"))


def test_the_last_signature_issues_a_sealed_bilingual_signing_record_to_each_side(frozen: Frozen) -> None:
    issued = records(frozen.app)
    assert [(d.audience, d.edition, d.kind, d.state) for d in issued] == [
        (Audience.APPLICANT, "bilingual", DocumentKind.PLAIN, DocumentState.SEALED),
        (Audience.RESPONDENT, "bilingual", DocumentKind.PLAIN, DocumentState.SEALED)]
    for document in issued:
        report = verify_pdf(frozen.prepared.data, latest(frozen.desk, document.id))
        assert report.valid and report.certified, report.reasons
    with frozen.app.procedure() as proc:
        assert signing_record.due(proc.session, proc.get_case(NUMBER)) == []  # nothing issued twice


def test_the_record_lists_every_signer_with_the_verified_time_stamp_the_method_and_the_real_sha256(
        frozen: Frozen, tmp_path: Path) -> None:
    sha256 = hashlib.sha256(frozen.agreement_pdf).hexdigest()
    times = stamped_times(frozen.agreement_pdf, frozen.prepared.data)
    assert sorted(times) == sorted(NAMES)
    with frozen.app.procedure() as proc:
        code = get_document(proc.session, frozen.prepared.agreement).verification_code
    text = pdf_text(latest(frozen.desk, records(frozen.app)[0].id), tmp_path)
    zh, en = text.split("This instrument is made in Chinese and English")[0], text.split("Signing Record")[-1]
    for part in (zh, en):
        assert sha256 in flat(part) and code in part
        for name, when in times.items():
            assert flat(name) in flat(part) and flat(when) in flat(part), (name, when)
    assert flat(zh).count("签署口令＋邮件验证码") == 1 and flat(zh).count("签署口令") == 4
    assert flat(en).count("Passphrase+emailcode") == 1 and flat(en).count("Passphrase") == 4
    assert "代表人" in zh and "申请方" in zh and "相对方" in zh
    assert all(word in flat(en) for word in ("Representative", "Applicant", "Respondent"))


def test_the_zh_and_en_editions_state_the_same_signatures_and_are_sealed(frozen: Frozen, tmp_path: Path) -> None:
    times = stamped_times(frozen.agreement_pdf, frozen.prepared.data)
    with frozen.app.documents() as (proc, docs):
        case = proc.get_case(NUMBER)
        ids = {edition: issuing.issue(frozen.desk, proc.session, docs, case,
                                      Request("signing_record", edition)).id for edition in (Edition.ZH, Edition.EN)}
    for edition, document_id in ids.items():
        pdf = latest(frozen.desk, document_id)
        assert verify_pdf(frozen.prepared.data, pdf).valid
        text = pdf_text(pdf, tmp_path)
        assert ("签署记录" in text) is (edition is Edition.ZH) and ("Signing Record" in text) is (edition is Edition.EN)
        assert all(flat(when) in flat(text) for when in times.values())
        pages = screenshot(pdf, tmp_path, f"signing_record_{edition.value}")
        assert pages, edition


def test_the_public_rendering_names_no_signatory(frozen: Frozen, tmp_path: Path) -> None:
    with frozen.app.documents() as (proc, docs):
        rendered = docs.render(proc.get_case(NUMBER), Request("signing_record", Edition.BILINGUAL,
                                                              audience=Audience.PUBLIC), ["pdf"])
    assert rendered.pdf is not None
    text = flat(pdf_text(rendered.pdf, tmp_path))
    assert not any(flat(name) in text for name in NAMES)
    assert "不予披露" in text and "withheld" in text


def test_a_record_left_unissued_after_the_freeze_is_due_and_the_next_command_issues_it(
        tmp_path: Path) -> None:
    """As if the process was killed between the freeze's commit and the issuing: the freeze stands, the
    instrument applies (the console offers it), and `casedocs issue` and the next `sign` issue it."""
    prepared = prepare(tmp_path / "data", signed=3)
    app = App(prepared.settings(), today=lambda: TODAY)
    try:
        with app.procedure() as proc:
            assert not_applicable(proc.get_case(NUMBER), "signing_record") == "no co-signed agreement has been frozen"
        desk = app.desk()
        cosigning.sign(desk, prepared.agreement, prepared.signatories[3], SIGNATORY_PASSPHRASE)  # no rendering
        with app.procedure() as proc:
            case: Case = proc.get_case(NUMBER)
            assert not_applicable(case, "signing_record") is None
            assert "signing_record" in [a.instrument for a in casepage.applicable(case)]  # the console offers it
            assert [r.audience for r in signing_record.due(proc.session, case)] == [Audience.APPLICANT,
                                                                                   Audience.RESPONDENT]
        result = CliRunner().invoke(main, ["issue", NUMBER, "signing_record", "--lang", "bilingual",
                                           "--audience", "applicant"], env=prepared.environment(prepared.data))
        assert result.exit_code == 0, result.output
        with app.procedure() as proc:
            assert [r.audience for r in signing_record.due(proc.session, proc.get_case(NUMBER))] == [
                Audience.RESPONDENT]
        # A retry of the last signature (did it sign?) issues what is still due.
        cosigning.sign(desk, prepared.agreement, prepared.signatories[3], SIGNATORY_PASSPHRASE,
                       rendering=app.rendering())
        assert [d.audience for d in records(app)] == [Audience.APPLICANT, Audience.RESPONDENT]
    finally:
        app.close()
