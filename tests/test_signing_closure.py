"""Closure report: twelve signed monitoring updates appended over time."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from signing import (
    PKI,
    FieldOwnershipError,
    MonitoringUpdate,
    NoSlotLeft,
    SigningEnv,
    append_monitoring_update,
    archive_timestamp,
    grid_slots,
    seal,
    verify,
)
from signing.errors import FieldNotFound
from signing.samples import issue_and_unlock, sample_pdf
from signing_support import SECRETARIAT_PASSPHRASE

PW = SECRETARIAT_PASSPHRASE
SLOT_AREA = (56, 56, 539, 715)  # the free area of the monitoring-record page
SEAL_BOX = (420, 600, 539, 719)  # on page 1, over its text


def _update(i: int) -> MonitoringUpdate:
    status = ["进行中 In progress", "已完成 Completed", "延迟 Delayed"][i % 3]
    full = f"第{i}次监测报告全文。Full monitoring report no. {i}. " * 40
    return MonitoringUpdate(
        date=dt.date(2026, 1, 1) + dt.timedelta(days=30 * i),
        obligation=f"第{i}项 社区饮用水水质监测 Community drinking-water monitoring",
        status=status,
        summary_lines=[
            f"第{i}次季度检查：矿区下游三个取样点的水质指标均在标准范围内，社区反馈已记录。",
            f"Quarter {i}: all three downstream sampling points within limits; community feedback recorded.",
        ],
        full_text=full,
    )


@pytest.fixture(scope="module")
def report_pdf(pki: PKI, env: SigningEnv) -> bytes:
    slots = grid_slots(SLOT_AREA, 12, columns=2, page=-1)
    pdf = seal(
        sample_pdf("Closure Report", record_page=True),
        env=env,
        sealer=pki.seal_credential(),
        kind="closure_report",
        seal_page=0,
        seal_box=SEAL_BOX,
        monitoring_slots=slots,
    )
    monitors = [
        issue_and_unlock(pki, "M-1", "李监测", "secretariat", "monitor"),
        issue_and_unlock(pki, "M-2", "Grace Mwamba", "secretariat", "monitor"),
    ]
    for i in range(1, 13):
        before = pdf
        pdf = append_monitoring_update(pdf, None, monitors[i % 2], _update(i), env=env)
        assert pdf.startswith(before)
    return pdf


def test_twelve_updates_and_the_seal_validate(pki: PKI, report_pdf: bytes) -> None:
    report = verify(report_pdf, pki.trust_roots(), pki.crls())
    assert report.valid, report.reasons
    by_field = {s.field: s for s in report.signatures}
    seal_sig = by_field["seal-secretariat"]
    assert seal_sig.kind == "certification" and seal_sig.docmdp == "FILL_FORMS"
    assert seal_sig.modification_level == "FORM_FILLING" and seal_sig.docmdp_ok
    updates = [s for s in report.signatures if s.field.startswith("monitor-")]
    assert [s.field for s in updates] == [f"monitor-{i:02d}" for i in range(1, 13)]
    for i, s in enumerate(updates, start=1):
        assert s.intact and s.trusted and s.timestamp_trusted and s.role == "monitor"
        digest = hashlib.sha256(_update(i).full_text.encode()).hexdigest()
        assert s.reason is not None and digest in s.reason
    assert report.empty_fields == []


def test_no_slot_left_and_only_monitors(pki: PKI, env: SigningEnv, report_pdf: bytes) -> None:
    monitor = pki.unlock_person("M-1", "pass-M-1-pass")
    with pytest.raises(NoSlotLeft):
        append_monitoring_update(report_pdf, None, monitor, _update(13), env=env)
    with pytest.raises(FieldNotFound):
        append_monitoring_update(report_pdf, 13, monitor, _update(13), env=env)
    party = issue_and_unlock(pki, "A-77", "冯军", "applicant", "signatory")
    fresh = seal(
        sample_pdf("Closure Report", record_page=True), env=env, sealer=pki.seal_credential(),
        kind="closure_report", seal_page=0, seal_box=SEAL_BOX,
        monitoring_slots=grid_slots(SLOT_AREA, 2, columns=2, page=-1),
    )  # fmt: skip
    with pytest.raises(FieldOwnershipError):
        append_monitoring_update(fresh, None, party, _update(1), env=env)


def test_archive_timestamp_keeps_everything_valid(pki: PKI, env: SigningEnv, report_pdf: bytes) -> None:
    renewed = archive_timestamp(report_pdf, env=env)
    assert renewed.startswith(report_pdf)
    report = verify(renewed, pki.trust_roots(), pki.crls())
    assert report.valid, report.reasons
    assert not report.frozen and report.document_timestamps[-1].trusted


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_monitoring_page_renders_every_slot(report_pdf: bytes, tmp_path: Path) -> None:
    pdf = tmp_path / "closure.pdf"
    pdf.write_bytes(report_pdf)
    dpi = 100
    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", str(dpi), "-png", str(pdf), str(tmp_path / "last")], check=True)
    (png,) = tmp_path.glob("last*.png")
    img = Image.open(png).convert("L")
    scale = dpi / 72
    for slot in grid_slots(SLOT_AREA, 12, columns=2, page=-1):
        x1, y1, x2, y2 = slot.box
        # inside the border, so only the appearance's text counts
        crop = img.crop(
            (int(x1 * scale) + 4, int(img.height - y2 * scale) + 4, int(x2 * scale) - 4, int(img.height - y1 * scale) - 4)
        )
        dark = sum(1 for v in crop.tobytes() if v < 128)
        assert dark > 0.01 * crop.width * crop.height, f"{slot.name} looks blank ({dark} dark pixels)"
