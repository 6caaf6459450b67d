"""Sealed paper as a Chinese reader expects it (issue 14), on instruments the real pipeline renders
(templates, LibreOffice) and seals (pyHanko):

- 骑年盖月: the seal is centred on the date of the seal block and its disc covers the whole date
  (year and month), upright, in zh, zh-Hant, en and the bilingual edition;
- no page holds only the seal or only signatures: the signature and seal block keeps at least two
  lines of text above it, the seal never parts from the last signatories, 抄送 follows the seal on
  the last page (GB/T 9704-2012 §8);
- the cross-page seal (骑缝章): a strip of the seal at the right edge of every page, at one height,
  the strips side by side making one seal; drawn before the certification, so that a page changed
  afterwards breaks it.

The last page of each sealed instrument is written to var/seal-pages/ for a person to look at.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from cases.instruments import get_instrument
from cases.vocabulary import SideRole
from docgen.contract import ANCHOR_SEAL, CROSS_PAGE_SEAL_INSTRUMENTS, SEAL_MARKERS, TEMPLATE_MARGINS
from signing import PKI, SigningEnv, seal, verify
from signing.pdftext import Line, read_pages
from signing.placement import SEAL_DATE_DRIFT, SignaturePlan, find_anchors, plan_for
from signing.seal_image import SEAL_SIZE_PT
from test_signature_blocks import enrol_signers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                       reason="LibreOffice or poppler-utils is not installed"),
]

CASE = "MVC-2025-0002"
EDITIONS = ("zh", "en", "zh-Hant", "bilingual")
CO_SIGNED = ("agreement", "triage_record", "fact_finding_terms")
PLAIN = ("appointment_letter", "termination_notice", "acceptance_decision", "path_switch_decision")
# 1/1 to 9/9 signatories a side, and uneven sides: a representative set that renders in ~1 minute
COUNTS = ((1, 1), (2, 2), (3, 3), (5, 5), (7, 7), (9, 9), (5, 1), (1, 5))
HEADS = ("申请方签署人", "申請方簽署人", "Signatories for the applicant")
PW = "seal layout test passphrase"
SEAL_PAGES = Path(__file__).resolve().parent.parent / "var" / "seal-pages"


Key = tuple[str, str, tuple[int, int]]  # instrument (with subject), edition, signatories a side


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Key, bytes]]:
    """Every sealed instrument of the sample case in every edition with 2 signatories a side, and
    the co-signed ones with each of COUNTS."""
    app = App(Settings.load(tmp_path_factory.mktemp("data")), today=lambda: date(2026, 11, 25))
    app.init()
    out: dict[Key, bytes] = {}
    try:
        with app.procedure(actor="seal layout test") as proc:
            run_demo_cases(proc)
        for counts in COUNTS:
            with app.documents(actor="seal layout test") as (proc, docs):
                case = proc.get_case(CASE)
                enrol_signers(proc.session, case, dict(zip(SideRole, counts)))
                requests = [r for r in docs.requests_for(case)
                            if get_instrument(r.instrument).issued_by_secretariat
                            and (r.instrument in CO_SIGNED or counts == (2, 2))]
                for r in docs.render_many(case, requests, ["pdf"]):
                    name = r.request.instrument + (f"-{r.request.subject}" if r.request.subject else "")
                    assert r.pdf is not None
                    out[name.replace(":", "-"), r.request.edition.value, counts] = r.pdf
    finally:
        app.close()
    yield out


def kind_of(name: str) -> str:
    instrument = name.split("-")[0]
    return {"agreement": "co_signed", "triage_record": "co_signed", "fact_finding_terms": "co_signed",
            "closure_report": "closure_report"}.get(instrument, "plain")


def plan(pdf: bytes, name: str, counts: tuple[int, int], cross_page: bool = False) -> SignaturePlan:
    kind = kind_of(name)
    return plan_for(pdf, instrument_kind=kind, instrument=name,
                    signatories={"applicant": counts[0], "respondent": counts[1]} if kind == "co_signed" else {},
                    monitoring_slots=12 if kind == "closure_report" else 0, cross_page_seal=cross_page)


def date_line(pdf: bytes, page: int) -> tuple[Line, Line]:
    """The seal block's "(seal)" line and the date under it."""
    anchor = next(a for a in find_anchors(pdf) if a.text == ANCHOR_SEAL)
    lines = read_pages(pdf)[page].lines()
    start = next(i for i, ln in enumerate(lines) if abs(ln.y - anchor.y) < 1 and ln.x1 > anchor.x)
    marked = next(i for i in range(start, len(lines)) if any(m in lines[i].text for m in SEAL_MARKERS))
    return lines[marked], lines[marked + 1]


# == 骑年盖月 ================================================================================================
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("instrument", ["agreement", "appointment_letter-appointment-1", "termination_notice",
                                        "closure_report"])
def test_the_seal_is_centred_on_the_date_and_covers_its_year_and_month(
    pdfs: dict[Key, bytes], instrument: str, edition: str
) -> None:
    pdf = pdfs[instrument, edition, (2, 2)]
    result = plan(pdf, instrument, (2, 2))
    seal_line, date = date_line(pdf, result.seal_page)
    assert re.search(r"\d{4}", date.text), f"not a date under the seal line: {date.text!r}"
    x1, y1, x2, y2 = result.seal_box
    cx, cy, r = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2
    assert abs(cx - (date.x0 + date.x1) / 2) < 1, "centred on the date"
    # on the date line, a little above its middle; higher only to keep clear of the footer below
    assert date.bottom <= cy <= date.middle + SEAL_DATE_DRIFT, "the centre over the date line"
    # the whole date (its year and month among it) is under the disc, inside the seal's ring
    for x, y in ((date.x0, date.top), (date.x0, date.bottom), (date.x1, date.top), (date.x1, date.bottom)):
        assert (x - cx) ** 2 + (y - cy) ** 2 < (r - 4) ** 2, f"{date.text} sticks out of the seal at {x:.0f},{y:.0f}"
    assert y2 > seal_line.y, "the seal presses on the name line too"


def red_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    left, top, right, bottom = box
    px = image.load()
    return [(x, y) for y in range(max(top, 0), min(bottom, image.height))
            for x in range(max(left, 0), min(right, image.width))
            if px[x, y][0] > 150 and px[x, y][1] < 110 and px[x, y][2] < 110]  # type: ignore[index]


def page_png(pdf: bytes, page: int, folder: Path, dpi: int = 72) -> Image.Image:
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page + 1), "-l", str(page + 1),
                    str(path), str(folder / "page")], check=True)
    return Image.open(folder / "page.png").convert("RGB")


@pytest.fixture(scope="module")
def signing_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[PKI, SigningEnv]:
    pki = PKI.create(tmp_path_factory.mktemp("pki"), PW)
    return pki, SigningEnv.from_pki(pki)


def sealed(pdf: bytes, name: str, counts: tuple[int, int], env: tuple[PKI, SigningEnv]) -> tuple[bytes, SignaturePlan]:
    pki, signing_env = env
    result = plan(pdf, name, counts, cross_page=name.split("-")[0] in CROSS_PAGE_SEAL_INSTRUMENTS)
    return seal(pdf, env=signing_env, sealer=pki.seal_credential(), **result.seal_arguments()), result


@pytest.mark.parametrize("edition", EDITIONS)
def test_on_the_sealed_page_the_red_disc_sits_on_the_date(
    pdfs: dict[Key, bytes], signing_env: tuple[PKI, SigningEnv], tmp_path: Path, edition: str
) -> None:
    pdf = pdfs["agreement", edition, (2, 2)]
    out, result = sealed(pdf, "agreement", (2, 2), signing_env)
    _, date = date_line(pdf, result.seal_page)
    image = page_png(out, result.seal_page, tmp_path)
    height = read_pages(out)[result.seal_page].box[3]
    strip_left = round(image.width - SEAL_SIZE_PT / len(read_pages(out))) - 2
    red = red_pixels(image, (0, 0, strip_left, image.height))  # the main seal, not its cross-page strip
    assert len(red) > 500, f"no seal on the page ({len(red)} red pixels)"
    cx = sum(x for x, _ in red) / len(red)
    cy = height - sum(y for _, y in red) / len(red)
    assert abs(cx - (date.x0 + date.x1) / 2) < 6 and abs(cy - date.middle) < SEAL_DATE_DRIFT, (cx, cy, date)


# == no page holds only the seal or only signatures ==========================================================
def page_contents(pdf: bytes) -> list[tuple[int, int, int, bool]]:
    """(page, lines of text above the signature and seal block, signatories, has the seal) a page,
    the running header and footer left out."""
    anchors = find_anchors(pdf)
    out = []
    for page in read_pages(pdf):
        top, bottom = page.box[3] - TEMPLATE_MARGINS.top + 4, page.box[1] + TEMPLATE_MARGINS.bottom - 8
        lines = [ln for ln in page.lines() if bottom < ln.y < top]
        seal_here = [a for a in anchors if a.page == page.index and a.text == ANCHOR_SEAL]
        sigs = [a for a in anchors if a.page == page.index and a.text.startswith("CASEDOCS-SIG-")]
        block = max([a.y for a in seal_here + sigs] + [ln.y for ln in lines if ln.text.strip() in HEADS],
                    default=None)
        body = [ln for ln in lines if block is None or ln.y > block + 1]
        out.append((page.index, len(body), len(sigs), bool(seal_here)))
    return out


def layout_problems(pdf: bytes) -> list[str]:
    pages = page_contents(pdf)
    problems = []
    with_signatures = [p for p in pages if p[2]]
    for index, body, sigs, has_seal in pages:
        if has_seal and not sigs and body < 2:
            problems.append(f"page {index + 1} holds the seal without two lines of text or signatures")
        if sigs and not has_seal and body < 2 and index == with_signatures[-1][0]:
            problems.append(f"page {index + 1} ends the signatures without the seal")
    if with_signatures and with_signatures[0][1] < 2:
        problems.append(f"the signatures start page {with_signatures[0][0] + 1} without two lines of text above")
    return problems


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("counts", COUNTS, ids=[f"{a}x{b}" for a, b in COUNTS])
@pytest.mark.parametrize("instrument", CO_SIGNED)
def test_signatures_and_seal_stay_together_under_two_lines_of_text(
    pdfs: dict[Key, bytes], instrument: str, counts: tuple[int, int], edition: str
) -> None:
    name = next(n for n, e, c in pdfs if n.split("-")[0] == instrument and e == edition and c == counts)
    pdf = pdfs[name, edition, counts]
    assert layout_problems(pdf) == []
    pages = page_contents(pdf)
    seal_pages = [p for p in pages if p[3]]
    assert all(p[2] > 0 for p in seal_pages), "the seal never parts from the last signatories"


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_sealed_instrument_has_a_page_with_only_the_seal(pdfs: dict[Key, bytes], edition: str) -> None:
    found = {name: layout_problems(pdf) for (name, e, counts), pdf in pdfs.items()
             if e == edition and counts == (2, 2)}
    assert len(found) > 15
    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize("edition", ["zh", "zh-Hant", "en"])
def test_the_copy_to_line_ends_the_last_page_below_the_seal(pdfs: dict[Key, bytes], edition: str) -> None:
    letters = [(n, pdf) for (n, e, c), pdf in pdfs.items() if n.startswith("appointment_letter") and e == edition]
    assert letters
    for name, pdf in letters:
        pages = read_pages(pdf)
        anchor = next(a for a in find_anchors(pdf) if a.text == ANCHOR_SEAL)
        copy_to = [(p.index, ln) for p in pages for ln in p.lines() if re.match(r"(抄送|Copy to)", ln.text)]
        assert len(copy_to) == 1, name
        page, line = copy_to[0]
        _, date = date_line(pdf, anchor.page)
        assert page == anchor.page == len(pages) - 1 and line.top < date.bottom - 40, name


# == the cross-page seal =====================================================================================
def test_each_page_carries_a_strip_of_the_seal_at_its_right_edge_and_the_strips_make_one_seal(
    pdfs: dict[Key, bytes], signing_env: tuple[PKI, SigningEnv], tmp_path: Path
) -> None:
    pdf = pdfs["agreement", "zh", (2, 2)]
    out, result = sealed(pdf, "agreement", (2, 2), signing_env)
    pages = read_pages(out)
    n = len(pages)
    assert n >= 2 and len(result.strips) == n
    width = SEAL_SIZE_PT / n
    for s, p in zip(result.strips, pages):
        assert s.clip[2] == pytest.approx(p.box[2]) and s.clip[2] - s.clip[0] == pytest.approx(width, abs=0.01)
    assert len({(s.clip[1], s.clip[3]) for s in result.strips}) == 1, "one height on every page"
    report = verify(out, signing_env[0].trust_roots(), signing_env[0].crls())
    assert report.valid, report.reasons
    # On each page's image: red in the strip at the right edge, and the strips side by side are one disc.
    dpi = 72
    slices = []
    for page in range(n):
        image = page_png(out, page, tmp_path, dpi)
        top = round(image.height - result.strips[page].clip[3])
        bottom = round(image.height - result.strips[page].clip[1])
        left = round(image.width - width)
        strip = image.crop((left, top, image.width, bottom))
        assert len(red_pixels(strip, (0, 0, strip.width, strip.height))) > 50, f"no strip on page {page + 1}"
        margin_red = red_pixels(image, (round(image.width - TEMPLATE_MARGINS.right), 0, left - 1, image.height))
        if page != result.seal_page:
            assert margin_red == [], f"red outside the strip on page {page + 1}"
        slices.append(strip)
    joined = Image.new("RGB", (sum(s.width for s in slices), slices[0].height), "white")
    x = 0
    for s in slices:
        joined.paste(s, (x, 0))
        x += s.width
    red = red_pixels(joined, (0, 0, joined.width, joined.height))
    cx = sum(p[0] for p in red) / len(red) / joined.width
    cy = sum(p[1] for p in red) / len(red) / joined.height
    assert abs(cx - 0.5) < 0.05 and abs(cy - 0.5) < 0.08, "the strips together are the seal, centred"
    SEAL_PAGES.mkdir(parents=True, exist_ok=True)
    joined.save(SEAL_PAGES / "agreement-zh-cross-page-seal-joined.png")


def test_changing_a_page_after_sealing_breaks_the_certification_of_a_document_with_strips(
    pdfs: dict[Key, bytes], signing_env: tuple[PKI, SigningEnv]
) -> None:
    out, result = sealed(pdfs["agreement", "zh", (2, 2)], "agreement", (2, 2), signing_env)
    assert result.strips
    assert verify(out, signing_env[0].trust_roots(), signing_env[0].crls()).valid
    writer = IncrementalPdfFileWriter(io.BytesIO(out))
    cover = writer.add_object(generic.StreamObject(stream_data=b"q 1 1 1 rg 480 300 115 200 re f Q"))
    writer.add_stream_to_page(0, cover)  # white over page 1's strip and text
    changed = io.BytesIO()
    writer.write(changed)
    report = verify(changed.getvalue(), signing_env[0].trust_roots(), signing_env[0].crls())
    assert not report.valid, "a page changed after sealing must break the seal"


def test_a_one_page_or_unlisted_instrument_gets_no_cross_page_seal(pdfs: dict[Key, bytes]) -> None:
    assert "acceptance_decision" not in CROSS_PAGE_SEAL_INSTRUMENTS
    pdf = pdfs["acceptance_decision", "zh", (2, 2)]
    assert plan(pdf, "acceptance_decision", (2, 2), cross_page=False).strips == ()
    name, one_page = next((n, pdf) for (n, e, c), pdf in pdfs.items() if len(read_pages(pdf)) == 1)
    assert plan(one_page, name, (2, 2), cross_page=True).strips == (), "one page: nothing to join"


# == for a person to look at ===============================================================================
def test_the_last_page_of_each_sealed_instrument_is_saved_for_review(
    pdfs: dict[Key, bytes], signing_env: tuple[PKI, SigningEnv], tmp_path: Path
) -> None:
    SEAL_PAGES.mkdir(parents=True, exist_ok=True)
    written = 0
    for (name, edition, counts), pdf in sorted(pdfs.items()):
        if counts not in ((2, 2), (9, 9)) or (counts == (9, 9) and name.split("-")[0] != "agreement"):
            continue
        out, result = sealed(pdf, name, counts, signing_env)
        last = max(result.seal_page, len(read_pages(out)) - 1 if kind_of(name) != "closure_report" else result.seal_page)
        image = page_png(out, last, tmp_path, 60)
        image.save(SEAL_PAGES / f"{name}-{edition}-{counts[0]}x{counts[1]}.png")
        written += 1
    assert written > 40
