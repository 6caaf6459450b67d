"""Re-rendering an unchanged record converts nothing, and never hands out a stale PDF (issue 8).

Real LibreOffice (the app's pool) and the real templates; conversions are counted by the
pool itself. What a found rendering must equal is what a fresh render gives: the
DOCX part for part, the PDF byte for byte apart from the moment of conversion
(LibreOffice stamps its creation time and a document ID into every PDF).
"""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pypdf
import pytest

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from cases.documents import issue
from cases.models import DocumentVersion
from cases.vocabulary import RiskLevel, SideRole
from docgen.cache import DirectoryCache, RenderKey
from docgen.locale import Edition
from docgen.service import Rendered, Request

pytestmark = pytest.mark.slow

FIRST = "MVC-2025-0001"  # no test here changes its record
SAMPLE = "MVC-2025-0002"
REFUSED = "MVC-2025-0003"
DAY = date(2026, 11, 25)
KEY = bytes(range(32))  # one instance key for every app here: same verification codes


class Clock:
    def __init__(self) -> None:
        self.today = DAY

    def __call__(self) -> date:
        return self.today


def _app(data_dir: Path, clock: Clock) -> App:
    data_dir.mkdir(parents=True)
    (data_dir / "instance.key").write_bytes(KEY)
    app = App(Settings.load(data_dir), today=clock)
    app.init()
    with app.procedure() as proc:
        run_demo_cases(proc)
    return app


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[App]:
    application = _app(tmp_path_factory.mktemp("cache") / "data", clock)
    yield application
    application.close()


def render(app: App, number: str, request: Request, formats: tuple[str, ...] = ("docx", "pdf")) -> Rendered:
    with app.documents(pdf="pdf" in formats) as (proc, docs):
        return docs.render(proc.get_case(number), request, formats)


def conversions(app: App) -> int:
    return app.pool().stats.conversions


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages_as_pictures(pdf: bytes, prefix: Path) -> list[bytes]:
    prefix.parent.mkdir(parents=True, exist_ok=True)
    source = prefix.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(source), str(prefix)], check=True)
    return [page.read_bytes() for page in sorted(prefix.parent.glob(f"{prefix.name}-*.pgm"))]


def docx_parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


_CONVERSION_TIME = re.compile(rb"D:\d{14}[^)]*|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^<\"]*|uuid:[0-9a-fA-F-]+")
_READER_ID = re.compile(rb"(IndirectObject\(\d+, \d+), \d+\)")  # the repr names the reader object


def without_conversion_time(pdf: bytes) -> dict[int, bytes]:
    """Every object of the PDF, streams decoded, with what differs between two conversions of one
    DOCX left out: LibreOffice's time stamps and document UUID (Info dictionary, XMP and the ICC
    profile's date), and the
    embedded font programs with their lengths (its Type 1 encryption starts with random bytes;
    the glyphs are compared as pictures by the caller). The trailer's /ID is not an object."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    objects: dict[int, bytes] = {}
    size = reader.trailer["/Size"]
    assert isinstance(size, int)
    for number in range(1, size):
        obj = reader.get_object(number)
        if obj is None or isinstance(obj, pypdf.generic.NumberObject):
            continue
        if isinstance(obj, pypdf.generic.StreamObject) and "/Length1" in obj:
            objects[number] = b"font program"
        elif isinstance(obj, pypdf.generic.StreamObject):
            header = {key: value for key, value in obj.items() if key not in ("/Length", "/Filter")}
            data = obj.get_data()
            if data[36:40] == b"acsp":  # the PDF/A output intent's ICC profile: made (and dated) per export
                data = data[:24] + bytes(12) + data[36:]
            content = repr(header).encode() + data
        else:
            content = repr(obj).encode()
        objects[number] = _READER_ID.sub(rb"\1)", _CONVERSION_TIME.sub(b"T", content))
    return objects


def test_an_unchanged_record_is_given_back_without_converting_again(app: App) -> None:
    request = Request("acceptance_decision", Edition.ZH)
    first = render(app, SAMPLE, request)
    before = conversions(app)

    again = render(app, SAMPLE, request)

    assert conversions(app) == before, "the pool converted an unchanged document again"
    assert (again.version, again.code) == (first.version, first.code)
    assert (again.docx, again.pdf) == (first.docx, first.pdf)
    assert again.pdf_version is not None and first.pdf_version is not None
    assert again.pdf_version.id == first.pdf_version.id, "no new version is recorded for the same bytes"


def test_a_change_to_the_record_is_rendered_and_converted_anew(app: App, tmp_path: Path) -> None:
    request = Request("invitation", Edition.EN)
    first = render(app, SAMPLE, request)
    with app.procedure() as proc:
        proc.assess_risk(proc.get_case(SAMPLE), SideRole.APPLICANT, "a village representative",
                         "threats after the first meeting", RiskLevel.LOW, "meetings in the county town", DAY)
    before = conversions(app)

    changed = render(app, SAMPLE, request)

    assert conversions(app) == before + 1
    assert changed.version == first.version + 1 and changed.code != first.code
    assert changed.pdf is not None
    text = pdf_text(changed.pdf, tmp_path)
    assert changed.code in text and first.code not in text


def test_a_new_day_is_a_new_rendering_when_the_document_prints_the_date(app: App, clock: Clock,
                                                                         tmp_path: Path) -> None:
    request = Request("case_summary", Edition.ZH)
    first = render(app, REFUSED, request)
    assert first.pdf is not None and "2026年11月25日" in "".join(pdf_text(first.pdf, tmp_path).split())
    before = conversions(app)
    clock.today = date(2026, 11, 26)
    try:
        later = render(app, REFUSED, request)
    finally:
        clock.today = DAY

    assert conversions(app) == before + 1
    assert later.version == first.version + 1
    assert later.pdf is not None and "2026年11月26日" in "".join(pdf_text(later.pdf, tmp_path).split())


def test_an_issued_version_is_not_handed_out_again(app: App) -> None:
    request = Request("launch_notice", Edition.ZH)
    first = render(app, SAMPLE, request)
    with app.procedure() as proc:
        for row in (first.docx_version, first.pdf_version):
            assert row is not None
            issue(proc.session, proc.session.get(DocumentVersion, row.id), "officer")  # type: ignore[arg-type]
    before = conversions(app)

    again = render(app, SAMPLE, request)

    assert again.version == first.version + 1 and conversions(app) == before + 1


def test_a_docx_made_earlier_is_converted_once_when_its_pdf_is_wanted(app: App) -> None:
    request = Request("acceptance_decision", Edition.EN)
    docx_only = render(app, SAMPLE, request, ("docx",))
    assert docx_only.pdf is None
    before = conversions(app)

    with_pdf = render(app, SAMPLE, request)
    once_more = render(app, SAMPLE, request)

    assert conversions(app) == before + 1
    assert with_pdf.version == once_more.version == docx_only.version
    assert with_pdf.docx == docx_only.docx and once_more.pdf == with_pdf.pdf


def test_without_its_cache_entries_a_version_is_never_handed_out_unchecked(app: App) -> None:
    # E.g. a data directory restored without render-cache/: nothing vouches that the stored
    # bytes are what today's pipeline makes, so the document is made again.
    request = Request("acceptance_decision", Edition.ZH_HANT)
    first = render(app, SAMPLE, request, ("docx",))
    cache_dir = app.settings.data_dir / "render-cache"
    for entry in cache_dir.rglob("*"):
        if entry.is_file():
            entry.unlink()

    again = render(app, SAMPLE, request, ("docx",))

    assert again.version == first.version + 1


def test_what_is_found_is_what_a_fresh_render_gives(app: App, tmp_path: Path) -> None:
    request = Request("rejection_decision", Edition.BILINGUAL)
    render(app, FIRST, request)
    found = render(app, FIRST, request)
    fresh_app = _app(tmp_path / "fresh", Clock())  # the same record, the same instance key, never rendered
    try:
        before = conversions(fresh_app)
        fresh = render(fresh_app, FIRST, request)
        assert conversions(fresh_app) == before + 1
    finally:
        fresh_app.close()

    assert (found.version, found.code) == (fresh.version, fresh.code)
    assert (found.docx_version.template_sha256, found.docx_version.context_sha256) == \
        (fresh.docx_version.template_sha256, fresh.docx_version.context_sha256)
    found_parts, fresh_parts = docx_parts(found.docx), docx_parts(fresh.docx)
    assert found_parts.keys() == fresh_parts.keys()
    assert [part for part in found_parts if found_parts[part] != fresh_parts[part]] == []
    assert found.pdf is not None and fresh.pdf is not None
    assert without_conversion_time(found.pdf) == without_conversion_time(fresh.pdf)
    assert pages_as_pictures(found.pdf, tmp_path / "found") == pages_as_pictures(fresh.pdf, tmp_path / "fresh")


def test_a_key_differing_in_anything_is_a_miss(tmp_path: Path) -> None:
    cache = DirectoryCache(tmp_path / "render-cache")
    key = RenderKey("t" * 64, "c" * 64, "zh", "pdf", "pipeline-1")
    cache.put(key, "a" * 64)

    assert cache.get(key) == "a" * 64
    for field, other in (("template_sha256", "u" * 64), ("context_sha256", "d" * 64), ("edition", "en"),
                         ("format", "docx"), ("pipeline", "pipeline-2")):
        assert cache.get(RenderKey(**{**vars(key), field: other})) is None, field


def test_a_damaged_cache_entry_is_a_miss(tmp_path: Path) -> None:
    cache = DirectoryCache(tmp_path / "render-cache")
    key = RenderKey("t" * 64, "c" * 64, "zh", "pdf", "pipeline-1")
    cache.put(key, "a" * 64)
    path = next(p for p in (tmp_path / "render-cache").rglob("*") if p.is_file())
    path.write_text("a" * 20)

    assert cache.get(key) is None
