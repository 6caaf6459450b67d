"""When a sealed closure report's monitoring slots run out: frozen as it stands, continued by a new sealed report."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from casedocs.services import enrolment, issuing, monitoring
from casedocs.services.desk import SigningError, latest
from casedocs.services.verification import verify_pdf
from cases.instruments import Subject, SubjectKind
from cases.models import AuditEvent, SignedDocument
from cases.vocabulary import ObligationStatus, SignerRole
from docgen.locale import Edition
from docgen.service import Request
from tests.test_docgen import pdf_text

pytestmark = pytest.mark.slow
SECRET = "secretariat passphrase for tests"
NUMBER = "MVC-2025-0002"
MONITOR_PASSPHRASE = "passphrase of the monitor for tests"


def demo_app(data: Path, monitoring_slots: int) -> App:
    settings = replace(Settings.load(data), converter_processes=1, monitoring_slots=monitoring_slots)
    application = App(settings, today=lambda: date(2026, 11, 25))
    assert application.init(SECRET)
    with application.procedure() as proc:
        run_demo_cases(proc)
    return application


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("CASEDOCS_SECRETARIAT_PASSPHRASE", SECRET)
    application = demo_app(tmp_path / "data", monitoring_slots=2)
    yield application
    application.close()


def test_a_full_closure_report_is_frozen_and_continued(app: App, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    desk = app.desk(SECRET)
    with app.procedure() as proc:
        monitor = enrolment.enrol(desk, proc.session, None, None, SignerRole.MONITOR, "Li Na",
                                  MONITOR_PASSPHRASE).person_id
        case = proc.get_case(NUMBER)
        updates = [u.id for u in case.monitoring_updates]
        obligation = case.agreement.obligations[0].id
    with app.documents() as (proc, docs):
        first = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER),
                              Request("closure_report", Edition.ZH)).id
    for update in updates:  # the demo case's two updates fill both slots
        assert monitoring.append_to_closure_reports(desk, NUMBER, update, monitor, MONITOR_PASSPHRASE,
                                                    rendering=app.rendering()) == [first]
    full = latest(desk, first)
    report = verify_pdf(app.settings.data_dir, full)
    assert report.valid and report.frozen, report.reasons
    assert [s.field for s in report.signatures] == ["seal-secretariat", "monitor-01", "monitor-02"]
    with pytest.raises(SigningError, match="is full and no document service"):  # refused before anything is written
        monitoring.append_to_closure_reports(desk, NUMBER, updates[0], monitor, MONITOR_PASSPHRASE)

    # The third update, through the command line: a continuation report is issued, sealed and signed.
    monkeypatch.setenv("MONITOR_PASS", MONITOR_PASSPHRASE)
    result = CliRunner().invoke(main, ["monitor", NUMBER, "--obligation", str(obligation), "--status",
                                       ObligationStatus.IN_PROGRESS.value, "--text", "第三次监测：安置房已完工80%。",
                                       "--monitor", monitor, "--on", "2026-11-20", "--passphrase-env", "MONITOR_PASS",
                                       "--data", str(app.settings.data_dir)])
    assert result.exit_code == 0, result.output
    continuation = int(re.search(r"document\(s\) (\d+)", result.output).group(1))  # type: ignore[union-attr]
    assert continuation != first
    assert latest(desk, first) == full  # the full report is never touched again

    pdf = latest(desk, continuation)
    report = verify_pdf(app.settings.data_dir, pdf)
    assert report.valid and not report.frozen, report.reasons
    assert [s.field for s in report.signatures] == ["seal-secretariat", "monitor-01"]
    text = re.sub(r"\s+", "", pdf_text(pdf, tmp_path))
    from hashlib import sha256

    previous = sha256(full).hexdigest()
    assert previous in text and "续报" in text
    with app.procedure() as proc:
        row = proc.session.get(SignedDocument, continuation)
        assert row is not None and row.subject == Subject(SubjectKind.CONTINUATION, 2)
        assert row.continues_sha256 == previous
        assert "issue_continuation" in set(proc.session.scalars(select(AuditEvent.action)))


def test_twelve_updates_on_the_bilingual_closure_report_validate_and_show(tmp_path: Path) -> None:
    """The real template, the default twelve slots, the edition where placement is hardest."""
    import subprocess

    from PIL import Image

    from signing.placement import plan_for

    app = demo_app(tmp_path / "data", monitoring_slots=12)
    desk = app.desk(SECRET)
    with app.procedure() as proc:
        monitor = enrolment.enrol(desk, proc.session, None, None, SignerRole.MONITOR, "李娜",
                                  MONITOR_PASSPHRASE).person_id
        case = proc.get_case(NUMBER)
        obligations = [o.id for o in case.agreement.obligations]
        updates = [u.id for u in case.monitoring_updates]
        for i in range(12 - len(updates)):
            updates.append(proc.record_monitoring_update(
                case, obligations[i % len(obligations)], "李娜", ObligationStatus.IN_PROGRESS,
                f"第{i + 3}次监测：社区饮用水取样点水质达标。Round {i + 3}: drinking water within limits.",
                date(2026, 10, 21)).id)
    with app.documents() as (proc, docs):
        rendered = docs.render(proc.get_case(NUMBER), Request("closure_report", Edition.BILINGUAL), ["pdf"])
        slots = plan_for(rendered.pdf, instrument_kind="closure_report", monitoring_slots=12).monitoring_slots
        document = issuing.seal_rendered(desk, proc.session, proc.get_case(NUMBER), rendered).id
    for update in updates:
        assert monitoring.append_to_closure_reports(desk, NUMBER, update, monitor, MONITOR_PASSPHRASE) == [document]
    pdf = latest(desk, document)
    report = verify_pdf(app.settings.data_dir, pdf)
    assert report.valid and report.frozen, report.reasons
    assert [s.field for s in report.signatures] == ["seal-secretariat", *(f"monitor-{i:02d}" for i in range(1, 13))]
    # every update after the seal and after each earlier update is form filling; the last is followed
    # only by the freeze (validation data and the archive time-stamp)
    assert [s.modification_level for s in report.signatures] == ["FORM_FILLING"] * 12 + ["LTA_UPDATES"]

    page = slots[0].page
    assert {s.page for s in slots} == {page}
    (tmp_path / "report.pdf").write_bytes(pdf)
    dpi = 72
    subprocess.run(["pdftoppm", "-f", str(page + 1), "-l", str(page + 1), "-r", str(dpi), "-gray", "-png",
                    str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png)
    for slot in slots:
        x1, y1, x2, y2 = slot.box
        crop = image.crop((int(x1), int(image.height - y2), int(x2), int(image.height - y1)))
        inked = sum(1 for value in crop.tobytes() if value < 128)
        assert inked > 400, f"{slot.name}: its appearance is blank ({inked} dark pixels)"
    text = pdf_text(pdf, tmp_path)
    assert "第14次监测" not in text and "监测" in text
    app.close()
