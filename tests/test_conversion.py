"""DOCX → PDF/A-2b through the warm LibreOffice pool: real LibreOffice, no mocks.

Pool start-ups cost 1-2 s each on the 2-core machine, so most tests share one
module-scoped pool and compare stats *deltas* (and wait until the pool is
ready where a restart left over from an earlier test would matter). The
recycling/close, interpreter-exit, killed-parent and abandoned-directory tests
start pools of their own; the start-up failure test uses a fake Python.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from pypdf.generic import DictionaryObject, IndirectObject

from docgen.conversion import (
    ConversionError,
    ConverterPool,
    ConverterStartError,
    convert_naive,
)
from docgen.conversion.procgroup import group_members

pytestmark = pytest.mark.slow

TITLE = "调解磋商申请表"
GLYPH_TEST = "骨直角"  # drawn in Japanese forms unless the East Asian language is zh-CN


# --- inputs -------------------------------------------------------------------


def make_docx(marker: str, *, paragraphs: int = 3) -> bytes:
    """A one-page Chinese DOCX whose East Asian default language is zh-CN."""
    document = docx.Document()
    _set_east_asian_defaults(document)
    document.add_heading(TITLE, level=1)
    document.add_paragraph(f"文书编号 {marker}")
    for i in range(paragraphs):
        document.add_paragraph(f"申请人就矿产品价值链争议申请调解磋商。{GLYPH_TEST}。第{i + 1}段。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_east_asian_defaults(document: docx.document.Document) -> None:
    # python-docx's template says eastAsia="en-US"; LibreOffice would then pick
    # Japanese glyph forms for Chinese text (see shared/FIELD-NOTES.md).
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    fonts = rpr.find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")


# --- PDF inspection -------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Text as poppler's pdftotext extracts it (what a search index would see)."""
    path = tmp_path / f"extract-{time.monotonic_ns()}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def iter_fonts(reader: pypdf.PdfReader) -> Iterator[DictionaryObject]:
    """Every font dictionary used by the pages, including those inside form XObjects."""
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[DictionaryObject]:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        for font in _resolve(resources.get("/Font", DictionaryObject())).values():
            yield _resolve(font)
        for xobject in _resolve(resources.get("/XObject", DictionaryObject())).values():
            xobject = _resolve(xobject)
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                yield from walk(xobject["/Resources"])

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def unembedded_fonts(reader: pypdf.PdfReader) -> list[str]:
    """Names of fonts (or CID descendants) whose descriptor carries no font program."""
    missing: list[str] = []
    for font in iter_fonts(reader):
        targets = [font]
        if font.get("/Subtype") == "/Type0":
            targets = [_resolve(d) for d in _resolve(font["/DescendantFonts"])]
        for target in targets:
            descriptor = _resolve(target.get("/FontDescriptor"))
            has_program = isinstance(descriptor, DictionaryObject) and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            if not has_program:
                missing.append(str(target.get("/BaseFont", target.get("/Subtype"))))
    return missing


# --- fixtures -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConverterPool]:
    with ConverterPool(2, timeout=60, work_dir=tmp_path_factory.mktemp("lo")) as shared:
        yield shared


def pool_pids(pool: ConverterPool) -> list[int]:
    return [pid for info in pool.processes() for pid in info.member_pids]


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


# --- tests ----------------------------------------------------------------------


def test_pdf_is_pdfa2b_with_embedded_fonts_and_chinese_text(
    pool: ConverterPool, tmp_path: Path
) -> None:
    pdf = pool.convert(make_docx("A-1"), name="申请表.docx")

    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.xmp_metadata
    assert xmp is not None, "PDF/A requires XMP metadata"
    assert xmp.pdfaid_part == "2"
    assert xmp.pdfaid_conformance == "B"
    assert list(iter_fonts(reader)), "expected at least one font"
    assert unembedded_fonts(reader) == []
    text = pdf_text(pdf, tmp_path)
    assert TITLE in text
    assert GLYPH_TEST in text
    assert "A-1" in text


def test_plain_pdf_when_pdfa_is_off(pool: ConverterPool) -> None:
    pdf = pool.convert(make_docx("P-1"), name="plain.docx", pdfa=False)

    xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
    assert xmp is None or xmp.pdfaid_part is None


def test_convert_many_returns_every_document_in_input_order(pool: ConverterPool) -> None:
    names = [f"doc-{i:02d}.docx" for i in range(8)]
    assert pool.wait_until_ready(120)  # so that both processes can take work
    before = pool.stats

    results = list(pool.convert_many((name, make_docx(name)) for name in names))

    assert [name for name, _ in results] == names
    for name, pdf in results:
        text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert name in text, f"{name} came back with another document's content"
    after = pool.stats
    assert after.conversions - before.conversions == len(names)
    assert all(after.per_slot[i] > before.per_slot[i] for i in range(pool.size)), (
        "both processes should have taken work"
    )


def test_convert_many_raises_for_the_failing_document(pool: ConverterPool) -> None:
    items = [
        ("good-1.docx", make_docx("g1")),
        ("bad.docx", b"not a docx"),
        ("good-2.docx", make_docx("g2")),
    ]
    seen: list[str] = []

    with pytest.raises(ConversionError) as caught:
        for name, _ in pool.convert_many(items):
            seen.append(name)

    assert caught.value.name == "bad.docx"
    assert seen == ["good-1.docx"]


@pytest.mark.parametrize(
    "garbage",
    [os.urandom(4096), "调解 plain text, not a document".encode(), b""],
    ids=["random-bytes", "text", "empty"],
)
def test_garbage_input_is_a_conversion_error_naming_the_document(
    pool: ConverterPool, garbage: bytes
) -> None:
    with pytest.raises(ConversionError) as caught:
        pool.convert(garbage, name="garbage.docx")

    assert caught.value.name == "garbage.docx"
    assert "garbage.docx" in str(caught.value)
    assert "invalid DOCX" in caught.value.reason


def test_docx_that_libreoffice_cannot_load_is_rejected_by_libreoffice(pool: ConverterPool) -> None:
    # Passes the ZIP pre-check; only the forced Word import filter stops it
    # (with type detection LibreOffice would happily render it as text).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "this is not XML <<<")
    before = pool.stats

    with pytest.raises(ConversionError) as caught:
        pool.convert(buffer.getvalue(), name="broken.docx")

    assert caught.value.name == "broken.docx"
    assert pool.stats.restarts == before.restarts, "a bad document must not cost a restart"


def test_killed_soffice_is_restarted_and_the_next_conversion_succeeds(
    pool: ConverterPool, tmp_path: Path
) -> None:
    assert pool.wait_until_ready(120)
    victim = pool.processes()[0]
    assert victim.soffice_pid is not None
    before = pool.stats

    os.kill(victim.soffice_pid, signal.SIGKILL)
    # The idle queue is FIFO, so `size` sequential conversions reach every
    # process, the killed one included, whichever is first in line.
    pdfs = [pool.convert(make_docx(f"after-{i}"), name=f"after-{i}.docx") for i in range(pool.size)]

    assert all(TITLE in pdf_text(pdf, tmp_path) for pdf in pdfs)
    assert pool.stats.restarts > before.restarts
    assert wait_for(lambda: victim.soffice_pid not in pool_pids(pool), 10)


def test_timeout_is_a_conversion_error_and_the_pool_recovers(pool: ConverterPool) -> None:
    assert pool.wait_until_ready(120)
    before = pool.stats

    with pytest.raises(ConversionError) as caught:
        pool.convert(make_docx("slow"), name="slow.docx", timeout=0.01)

    assert caught.value.name == "slow.docx"
    assert "timeout after 0.01 s" in caught.value.reason
    after = pool.stats
    assert after.timeouts - before.timeouts == 2, "one attempt plus one retry"
    assert after.retries - before.retries == 1
    # Usable again with the normal limit (waits for a restarted process).
    pdf = pool.convert(make_docx("after-timeout"), name="after-timeout.docx")
    assert pdf.startswith(b"%PDF-")


def test_hung_libreoffice_is_killed_and_replaced(pool: ConverterPool) -> None:
    # A real hang (unoserver #108: soffice at 100 % CPU, never answering),
    # simulated by stopping every soffice.bin so the retry hangs as well.
    # Every process idle and warm (none still restarting from earlier tests),
    # so that the first attempt *and* the retry meet a hung LibreOffice.
    assert pool.wait_until_ready(120)
    stopped = [info.soffice_pid for info in pool.processes()]
    assert None not in stopped
    before = pool.stats

    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)  # type: ignore[arg-type]
    with pytest.raises(ConversionError) as caught:
        pool.convert(make_docx("hang"), name="hang.docx", timeout=2)

    assert caught.value.name == "hang.docx"
    assert "timeout after 2 s" in caught.value.reason
    assert pool.stats.timeouts - before.timeouts == 2
    assert all(not _alive(pid) for pid in stopped if pid is not None), "hung soffice left behind"
    assert pool.convert(make_docx("after-hang"), name="after-hang.docx").startswith(b"%PDF-")


def test_recycling_and_close_leave_no_process_behind(tmp_path: Path) -> None:
    work_dir = tmp_path / "work"
    seen_pids: set[int] = set()
    with ConverterPool(1, timeout=60, work_dir=work_dir, max_conversions_per_process=2) as own:
        for i in range(3):
            seen_pids.update(pool_pids(own))
            own.convert(make_docx(f"r{i}"), name=f"r{i}.docx")
        seen_pids.update(pool_pids(own))
        stats = own.stats
        soffice_pids = {info.soffice_pid for info in own.processes()}
        pgids = {info.worker_pid for info in own.processes()}

    assert stats.recycles == 1
    assert stats.conversions == 3
    assert stats.per_process == (1,), "the third document ran on the recycled process"
    assert len(seen_pids) >= 6, "two generations of worker + oosplash + soffice.bin"
    assert soffice_pids and None not in soffice_pids
    alive = [pid for pid in seen_pids if _alive(pid)]
    assert alive == [], f"processes left behind: {alive}"
    assert all(group_members(pgid) == [] for pgid in pgids if pgid is not None)
    assert list(work_dir.iterdir()) == [], "temporary profiles must be removed"
    with pytest.raises(ConversionError):
        own.convert(make_docx("late"), name="late.docx")


def _alive(pid: int) -> bool:
    """True for a live process; a zombie waiting for init to reap it is dead."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_pool_left_open_is_closed_at_interpreter_exit(tmp_path: Path) -> None:
    # A separate interpreter that forgets close(): atexit must end its LibreOffice.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from docgen.conversion import ConverterPool\n"
        "pool = ConverterPool(1, timeout=60, work_dir=Path(sys.argv[1])).start()\n"
        "print(' '.join(str(pid) for info in pool.processes() for pid in info.member_pids))\n"
    )
    work_dir = tmp_path / "work"
    result = subprocess.run(
        [sys.executable, "-c", script, str(work_dir)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).resolve().parents[1],
    )

    assert result.returncode == 0, result.stderr
    pids = [int(pid) for pid in result.stdout.split()]
    assert len(pids) >= 3, "worker, oosplash and soffice.bin"
    assert wait_for(lambda: not any(_alive(pid) for pid in pids), 10), "orphans after exit"
    assert list(work_dir.iterdir()) == []


def test_a_parent_killed_with_sigkill_leaves_no_libreoffice_behind(tmp_path: Path) -> None:
    # No atexit, no close(): the worker sees its parent gone and ends its process group (issue 9).
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from docgen.conversion import ConverterPool\n"
        "pool = ConverterPool(2, timeout=60, work_dir=Path(sys.argv[1])).start()\n"
        "print(' '.join(str(pid) for info in pool.processes() for pid in info.member_pids), flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "work")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert parent.stdout is not None
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) >= 6, "two workers, each with oosplash and soffice.bin"
        assert all(_alive(pid) for pid in pids)
    finally:
        parent.kill()
        parent.wait()

    assert wait_for(lambda: not any(_alive(pid) for pid in pids), 10), "LibreOffice outlived its parent"


def test_a_new_pool_removes_the_directories_of_pools_whose_process_died(tmp_path: Path) -> None:
    work_dir = tmp_path / "work"
    abandoned = work_dir / "lo-pool-abandoned"
    (abandoned / "slot-0" / "profile").mkdir(parents=True)
    (abandoned / "owner").write_text("999999999 12345\n")  # no such process
    live = work_dir / "lo-pool-live"
    live.mkdir()
    (live / "owner").write_text(f"{os.getpid()} {_start_time(os.getpid())}\n")  # this test: alive

    with ConverterPool(1, timeout=60, work_dir=work_dir):
        remaining = sorted(path.name for path in work_dir.iterdir())

    assert "lo-pool-abandoned" not in remaining
    assert "lo-pool-live" in remaining and len(remaining) == 2, "the live pool's and the new pool's"


def _start_time(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


def test_start_failure_reports_the_worker_log(tmp_path: Path) -> None:
    fake = tmp_path / "python3"  # a Python without uno, as far as the pool can tell
    fake.write_text("#!/bin/sh\necho 'ImportError: no module named uno' >&2\nexit 3\n")
    fake.chmod(0o755)

    with pytest.raises(ConverterStartError) as caught:
        ConverterPool(1, timeout=5, work_dir=tmp_path / "work", uno_python=fake).start()

    message = str(caught.value)
    assert "exited with code 3" in message
    assert "no module named uno" in message


def test_convert_naive_produces_pdfa(tmp_path: Path) -> None:
    source = tmp_path / "naive.docx"
    source.write_bytes(make_docx("N-1"))

    out = convert_naive(source, tmp_path / "out", timeout=120)

    assert out == tmp_path / "out" / "naive.pdf"
    reader = pypdf.PdfReader(out)
    assert reader.xmp_metadata is not None
    assert reader.xmp_metadata.pdfaid_part == "2"
    assert unembedded_fonts(reader) == []
    assert TITLE in pdf_text(out.read_bytes(), tmp_path)


def test_convert_naive_rejects_garbage(tmp_path: Path) -> None:
    source = tmp_path / "junk.docx"
    source.write_bytes(os.urandom(1024))

    with pytest.raises(ConversionError) as caught:
        convert_naive(source, tmp_path / "out", timeout=120)

    assert caught.value.name == "junk.docx"
