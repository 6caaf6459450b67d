"""Signature placement from the templates' anchors, on PDFs the project's own
pipeline renders (DOCX templates -> LibreOffice PDF/A), in every edition.

The module renders the demo's sample case once, with two signatories
enrolled on each side (acceptance decision, agreement, closure report in zh,
en, zh-Hant and bilingual: ~15 s), then checks anchors, seal, signatory
fields and monitoring slots against an independent reading of the same pages
(poppler's ``pdftotext -bbox`` and pypdf's text extraction), and finally
seals and signs the Chinese agreement with the real signing core and looks at
the rendered pages. Templates with one signature anchor a side (before
per-signatory anchors) are checked on synthetic PDFs. The signature blocks
with 1, 2, 5 and 9 signatories are in test_signature_blocks.py.
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
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from cases.vocabulary import SideRole
from signing import PKI, SigningEnv, seal, sign_field, verify
from docgen.contract import ANCHOR_MONITORING, ANCHOR_SEAL, TEMPLATE_MARGINS
from signing.pdftext import text_lines
from signing.placement import PlacementError, SignaturePlan, find_anchors, plan_for
from signing.seal import Box, InstrumentKind
from signing.samples import A4, issue_and_unlock, sample_pdf
from test_signature_blocks import enrol_signers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
                       reason="LibreOffice or poppler-utils is not installed"),
]

CASE = "MVC-2025-0002"  # the demo's sample case: it reaches the agreement and the closure report
EDITIONS = ("zh", "en", "zh-Hant", "bilingual")
INSTRUMENTS = ("acceptance_decision", "agreement", "closure_report")
SIG_APPLICANT, SIG_RESPONDENT = "CASEDOCS-SIG-applicant", "CASEDOCS-SIG-respondent"
SIGNATORY_ANCHORS = [f"{side}-{n}" for side in (SIG_APPLICANT, SIG_RESPONDENT) for n in (1, 2)]
EXPECTED_ANCHORS = {
    "acceptance_decision": [ANCHOR_SEAL],
    "agreement": [*SIGNATORY_ANCHORS, ANCHOR_SEAL],
    "closure_report": [ANCHOR_SEAL, ANCHOR_MONITORING],
}
KIND = {"acceptance_decision": "plain", "agreement": "co_signed", "closure_report": "closure_report"}
TWO_EACH = {"applicant": 2, "respondent": 2}
PW = "secretariat passphrase 2025"


# -- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], bytes]]:
    """(instrument, edition) -> PDF bytes, rendered by the real pipeline."""
    from casedocs.app import App
    from casedocs.config import Settings
    from casedocs.demo import run_demo_cases

    app = App(Settings.load(tmp_path_factory.mktemp("data")), today=lambda: date(2026, 11, 25))
    app.init()
    try:
        with app.procedure(actor="placement test") as proc:
            run_demo_cases(proc)
        with app.documents(actor="placement test") as (proc, docs):
            case = proc.get_case(CASE)
            enrol_signers(proc.session, case, {SideRole.APPLICANT: 2, SideRole.RESPONDENT: 2})
            requests = [r for r in docs.requests_for(case) if r.instrument in INSTRUMENTS]
            rendered = docs.render_many(case, requests, ["docx", "pdf"])
        out = {(r.request.instrument, r.request.edition.value): r.pdf for r in rendered}
    finally:
        app.close()
    assert set(out) == {(i, e) for i in INSTRUMENTS for e in EDITIONS}
    assert all(out.values())
    yield out  # type: ignore[misc]


@pytest.fixture(scope="module")
def files(pdfs: dict[tuple[str, str], bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The same PDFs on disk, for poppler."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for (instrument, edition), data in pdfs.items():
        out[instrument, edition] = folder / f"{instrument}-{edition}.pdf"
        out[instrument, edition].write_bytes(data)
    return out


# -- helpers: an independent reading of the page -----------------------------------------------------
def words(path: Path, page: int) -> list[tuple[str, Box]]:
    """pdftotext -bbox words of a page (0-based), boxes in PDF user space."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    out = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', html):
        x1, top, x2, bottom = map(float, m.groups()[:4])
        out.append((m.group(5), (x1, height - bottom, x2, height - top)))
    return out


def page_box(pdf: bytes, page: int) -> Box:
    box = PdfReader(io.BytesIO(pdf)).pages[page].mediabox
    return (float(box.left), float(box.bottom), float(box.right), float(box.top))


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner: Box, outer: Box) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def pypdf_anchor_positions(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """Anchors as pypdf's own text extraction places them (a second opinion)."""
    out = []
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float, index: int = index) -> None:
            for m in re.finditer(r"CASEDOCS-(?:SEAL|MONITORING|SIG-[a-z]+(?:-[0-9]+)?)", text):
                if m.start() == 0:  # LibreOffice starts a show operation with each anchor
                    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                    out.append((index, m.group(), x, y))
        page.extract_text(visitor_text=visit)
    return out


# == anchors ================================================================================================
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("instrument", INSTRUMENTS)
def test_anchors_are_found_in_every_edition(pdfs: dict[tuple[str, str], bytes], instrument: str, edition: str) -> None:
    pdf = pdfs[instrument, edition]
    anchors = find_anchors(pdf)
    expected = EXPECTED_ANCHORS[instrument]
    # The bilingual edition is the Chinese part followed by the English part, and then (a closure
    # report) the one monitoring record.
    repeated = [t for t in expected if t != ANCHOR_MONITORING] if edition == "bilingual" else []
    assert sorted(a.text for a in anchors) == sorted(expected + repeated)
    if ANCHOR_MONITORING in expected:
        assert anchors[-1].text == ANCHOR_MONITORING, "the monitoring record ends the document"
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    for a in anchors:
        assert 0 <= a.page < pages
        assert inside((a.x, a.y, a.x, a.y), page_box(pdf, a.page)), a
        assert a.upright and a.size == pytest.approx(1.0)  # the 1 pt runs of the templates
    if edition == "bilingual":
        firsts = {a.text: a for a in reversed(anchors)}
        seconds = {a.text: a for a in anchors}
        assert all(firsts[t].page < seconds[t].page for t in repeated), "the Chinese part comes first"
    # pypdf, walking the same content differently, puts every anchor at the same point.
    theirs = pypdf_anchor_positions(pdf)
    assert [(p, t) for p, t, _, _ in theirs] == [(a.page, a.text) for a in anchors]
    for a, (_, _, x, y) in zip(anchors, theirs):
        assert (a.x, a.y) == (pytest.approx(x, abs=0.01), pytest.approx(y, abs=0.01))


def test_the_anchor_text_is_not_glued_to_the_visible_text_after_it(pdfs: dict[tuple[str, str], bytes]) -> None:
    # pdftotext -raw reads "CASEDOCS-SEALSecretariat of..." in the English editions
    # (the anchor and the name are on one line, without a space).
    pdf = pdfs["agreement", "en"]
    assert "CASEDOCS-SEALSecretariat" in subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert {a.text for a in find_anchors(pdf)} == {ANCHOR_SEAL, *SIGNATORY_ANCHORS}


# == the seal ================================================================================================
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("instrument", INSTRUMENTS)
def test_the_seal_sits_over_the_seal_line_and_the_date(
    pdfs: dict[tuple[str, str], bytes], files: dict[tuple[str, str], Path], instrument: str, edition: str
) -> None:
    pdf = pdfs[instrument, edition]
    plan = _plan(pdf, instrument)
    first_seal = next(a for a in find_anchors(pdf) if a.text == ANCHOR_SEAL)
    assert plan.seal_page == first_seal.page  # the Chinese part's seal area in the bilingual edition
    x1, y1, x2, y2 = plan.seal_box
    assert (x2 - x1, y2 - y1) == (pytest.approx(119), pytest.approx(119))
    assert inside(plan.seal_box, page_box(pdf, plan.seal_page))

    seen = words(files[instrument, edition], plan.seal_page)
    # the "(seal)" word: "（盖章）" ends the Chinese name line, "(seal)" the English one
    marker = [b for w, b in seen if re.search(r"盖章|蓋章|\(seal\)", w) and abs(b[1] - first_seal.y) < 40]
    assert marker, "no seal line near the anchor"
    on_line = [b for _, b in seen if abs(b[1] - marker[0][1]) < 1]
    seal_line = (min(b[0] for b in on_line), marker[0][1], max(b[2] for b in on_line), marker[0][3])
    assert overlap(plan.seal_box, marker[0])
    centre = (x1 + x2) / 2
    assert seal_line[0] - 1 <= centre <= seal_line[2] + 1, "centred on the seal line"
    date_line = [b for w, b in seen if seal_line[1] - 30 < b[1] < seal_line[1] - 5]
    assert any(overlap(plan.seal_box, b) for b in date_line), "the seal also presses on the date below"
    # ...and covers nothing above the seal block (the body's last line, a running header)
    above = [(w, b) for w, b in seen if b[1] > first_seal.y + 5 and overlap(plan.seal_box, b)]
    assert not above, f"the seal covers {above}"


# == signatories =============================================================================================
@pytest.mark.parametrize("edition", EDITIONS)
def test_two_signatories_a_side_get_separate_boxes_in_their_blocks(
    pdfs: dict[tuple[str, str], bytes], edition: str
) -> None:
    pdf = pdfs["agreement", edition]
    plan = plan_for(pdf, instrument_kind="co_signed", signatories=TWO_EACH, instrument="agreement")
    names = [f.name for f in plan.signatory_fields]
    assert names == ["sig-applicant-1", "sig-applicant-2", "sig-respondent-1", "sig-respondent-2"]
    anchors = {a.text: a for a in reversed(find_anchors(pdf))}  # the first occurrence of each
    boxes = [f.box for f in plan.signatory_fields]
    for f in plan.signatory_fields:
        anchor = anchors[f"CASEDOCS-{f.name.replace('sig-', 'SIG-')}"]  # signatory n's own anchor
        assert f.page == anchor.page
        assert inside(f.box, page_box(pdf, f.page))
        assert f.box[0] == pytest.approx(anchor.x) and f.box[3] < anchor.y, "below the signatory's name line"
        assert f.box[2] - f.box[0] == pytest.approx(200) and f.box[3] - f.box[1] == pytest.approx(56)
        assert f.label and "signatory" in f.label
    assert all(not overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(not overlap(b, plan.seal_box) for f, b in zip(plan.signatory_fields, boxes) if f.page == plan.seal_page)
    app1, app2, resp1, _ = boxes
    first, second = plan.signatory_fields[0], plan.signatory_fields[1]
    # stacked downwards (the last row, kept with the seal, may start the next page: issue 14)
    assert app2[3] < app1[1] if first.page == second.page else second.page == first.page + 1, "stacked downwards"
    assert resp1[0] > app1[2], "the respondent's column is to the right"


def test_a_rendering_listing_other_signatories_than_asked_for_is_refused_naming_both_numbers(
    pdfs: dict[tuple[str, str], bytes]
) -> None:
    # Rendered with two enrolled on each side: three asked for means someone enrolled since.
    with pytest.raises(PlacementError, match=r"agreement: the PDF lists 2 signatories of the respondent "
                                             r"\(CASEDOCS-SIG-respondent-1\.\.CASEDOCS-SIG-respondent-2\) "
                                             r"but 3 signature field\(s\) were requested"):
        plan_for(pdfs["agreement", "zh"], instrument_kind="co_signed", instrument="agreement",
                 signatories={"applicant": 2, "respondent": 3})


# == monitoring ================================================================================================
@pytest.mark.parametrize("edition", EDITIONS)
def test_twelve_monitoring_slots_fill_the_monitoring_page(
    pdfs: dict[tuple[str, str], bytes], files: dict[tuple[str, str], Path], edition: str
) -> None:
    pdf = pdfs["closure_report", edition]
    plan = plan_for(pdf, instrument_kind="closure_report", monitoring_slots=12, instrument="closure_report")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    anchor = next(a for a in find_anchors(pdf) if a.text == ANCHOR_MONITORING)
    slots = plan.monitoring_slots
    assert [s.name for s in slots] == [f"monitor-{i:02d}" for i in range(1, 13)]
    assert {s.page for s in slots} == {anchor.page}
    # the closure report's last page (the bilingual edition's one record, after both texts)
    assert anchor.page == pages - 1
    box = page_box(pdf, anchor.page)
    left, right = box[0] + TEMPLATE_MARGINS.left, box[2] - TEMPLATE_MARGINS.right
    assert min(s.box[0] for s in slots) == pytest.approx(left, abs=0.01)  # the full text width
    assert max(s.box[2] for s in slots) == pytest.approx(right, abs=0.01)
    for s in slots:
        assert inside(s.box, box) and s.box[3] <= anchor.y + 1 and s.box[1] >= box[1] + TEMPLATE_MARGINS.bottom - 0.01
        assert s.box[3] - s.box[1] >= 40
    boxes = [s.box for s in slots]
    assert all(not overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    # nothing printed under a slot: not the heading, not the bilingual language clause
    covered = [w for w, b in words(files["closure_report", edition], anchor.page)
               if any(overlap(b, s) for s in boxes) and not w.startswith("CASEDOCS-")]
    assert not covered, covered
    covered = [ln.text for ln in text_lines(pdf) if ln.page == anchor.page and any(overlap(ln.box, s) for s in boxes)]
    assert not covered, covered
    # ...which holds the heading and the slots only (both headings in the bilingual edition)
    printed = [ln.text for ln in text_lines(pdf) if ln.page == anchor.page and ln.box[1] > box[1] + 60]
    heading = {"zh": ["监测记录"], "en": ["Monitoring record"], "zh-Hant": ["監測記錄"],
               "bilingual": ["监测记录", "Monitoring record"]}[edition]
    assert printed[1:] == heading, printed  # [0] is the running header


# == refusals ====================================================================================================
def test_a_pdf_without_anchors_is_refused_naming_what_is_missing() -> None:
    pdf = sample_pdf("Problem-Solving Agreement")
    assert find_anchors(pdf) == []
    with pytest.raises(PlacementError) as caught:
        plan_for(pdf, instrument_kind="co_signed", signatories=TWO_EACH, instrument="agreement")
    message = str(caught.value)
    assert message.startswith("agreement:")
    for anchor in (ANCHOR_SEAL, SIG_APPLICANT, SIG_RESPONDENT):
        assert anchor in message
    assert isinstance(caught.value, ValueError)


def test_a_missing_signature_anchor_is_named_alone(pdfs: dict[tuple[str, str], bytes]) -> None:
    # a decision has a seal area but no signature blocks
    with pytest.raises(PlacementError, match=r"acceptance_decision: anchors CASEDOCS-SIG-applicant, "
                                             r"CASEDOCS-SIG-respondent not found .*found: CASEDOCS-SEAL"):
        plan_for(pdfs["acceptance_decision", "zh"], instrument_kind="co_signed", signatories=TWO_EACH,
                 instrument="acceptance_decision")
    with pytest.raises(PlacementError, match=r"agreement: anchor CASEDOCS-MONITORING not found"):
        plan_for(pdfs["agreement", "zh"], instrument_kind="closure_report", monitoring_slots=4,
                 instrument="agreement")


def test_requests_that_do_not_match_the_kind_are_refused(pdfs: dict[tuple[str, str], bytes]) -> None:
    pdf = pdfs["closure_report", "zh"]
    with pytest.raises(PlacementError, match="at least one monitoring slot"):
        plan_for(pdf, instrument_kind="closure_report")
    with pytest.raises(PlacementError, match="only co-signed instruments carry signatory fields"):
        plan_for(pdf, instrument_kind="plain", signatories=TWO_EACH)
    with pytest.raises(PlacementError, match="unknown instrument kind"):
        plan_for(pdf, instrument_kind="agreement")


def test_rotated_pages_are_refused(pdfs: dict[tuple[str, str], bytes]) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdfs["acceptance_decision", "zh"]))
    for page in writer.pages:
        page[NameObject("/Rotate")] = NumberObject(90)
    out = io.BytesIO()
    writer.write(out)
    assert find_anchors(out.getvalue())  # still found, in user space...
    with pytest.raises(PlacementError, match=r"page 2 is rotated by 90°; placement supports unrotated pages only"):
        plan_for(out.getvalue(), instrument_kind="plain")  # ...but not planned for


# == robustness of the content-stream walk (synthetic PDFs, no LibreOffice needed) ==================================
def _pdf_with_content(content: bytes, form: bytes | None = None) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    w = PdfFileWriter(stream_xrefs=False)
    font = w.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica"), pdf_name("/FirstChar"): generic.NumberObject(32),
        pdf_name("/Widths"): generic.ArrayObject([generic.NumberObject(600)] * 95),
    }))
    fonts = generic.DictionaryObject({pdf_name("/F1"): font})
    resources = generic.DictionaryObject({pdf_name("/Font"): fonts})
    if form is not None:
        xobject = w.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 200, 50))),
            pdf_name("/Matrix"): generic.ArrayObject(map(generic.NumberObject, (1, 0, 0, 1, 300, 100))),
            pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): fonts}),
        }, stream_data=form))
        resources[pdf_name("/XObject")] = generic.DictionaryObject({pdf_name("/Fm1"): xobject})
    w.insert_page(PageObject(contents=w.add_object(generic.StreamObject(stream_data=content)),
                             media_box=A4, resources=resources))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_split_kerned_and_transformed_anchors_are_found_at_their_first_glyph() -> None:
    content = b"\n".join([
        # one anchor split over Tj, a kerned TJ and a hex Tj, in a scaled and
        # translated coordinate system, between visible text of another size
        b"q 2 0 0 2 50 100 cm",
        b"BT /F1 6 Tf 0 0 0 rg 10 20 Td (Name:) Tj",
        b"/F1 0.5 Tf 1 1 1 rg (CASE) Tj [(DOC) -40 (S-S) 12 (IG-app)] TJ <6c6963616e74> Tj",
        b"/F1 6 Tf 0 0 0 rg (Applicant) Tj ET Q",
        # a literal with escapes and nesting, then a marked-content property list
        b"/P <</MCID 3 /Alt (a (nested) \\) string)>> BDC",
        # split over two BT/ET blocks, as LibreOffice writes each show operation
        b"BT 1 0 0 1 72 500 Tm /F1 1 Tf 1 g (\\103ASEDOCS-) Tj ET",
        b"BT 1 0 0 1 77.4 500 Tm /F1 1 Tf 1 g (SEAL) Tj ET EMC",
        b"q /Fm1 Do Q",  # a form XObject, placed by its /Matrix
        # after other glyphs and a kerning in the same TJ, with char/word spacing and scaling
        b"BT /F1 1 Tf 1 1 1 rg 200 300 Td 50 Tz 0.5 Tc 2 Tw [(ab ) -1000 (CASEDOCS-SIG-respondent)] TJ ET",
    ])
    form = b"BT /F1 1 Tf 1 1 1 rg 5 7 Td (CASEDOCS-MONITORING) Tj ET"
    anchors = find_anchors(_pdf_with_content(content, form))
    assert [a.text for a in anchors] == [SIG_APPLICANT, ANCHOR_SEAL, ANCHOR_MONITORING, SIG_RESPONDENT]
    sig, seal_anchor, monitoring, spaced = anchors
    # after "Name:" (5 glyphs x 600/1000 x 6 pt) in text space, x2 by the CTM
    assert (sig.x, sig.y) == (pytest.approx(50 + 2 * (10 + 18)), pytest.approx(100 + 2 * 20))
    assert sig.size == pytest.approx(1.0)
    assert (seal_anchor.x, seal_anchor.y) == (pytest.approx(72), pytest.approx(500))
    assert (monitoring.x, monitoring.y) == (pytest.approx(305), pytest.approx(107))  # the form's /Matrix
    # "a", "b": (0.6 + Tc 0.5) x Tz 50 % each; " ": (0.6 + 0.5 + Tw 2) x 50 %; kerning -1000: +1 x 50 %
    assert (spaced.x, spaced.y) == (pytest.approx(200 + 0.55 + 0.55 + 1.55 + 0.5), pytest.approx(300))


# == signature anchors on synthetic pages (no LibreOffice needed) ==================================================
def _text(x: float, y: float, size: float, text: bytes, white: bool = False) -> bytes:
    colour = b"1 1 1 rg" if white else b"0 0 0 rg"
    return b"BT /F1 %g Tf %s 1 0 0 1 %g %g Tm (%s) Tj ET" % (size, colour, x, y, text)


def _signatory(x: float, y: float, anchor: bytes, name: bytes) -> list[bytes]:
    """A name line starting with its white 1 pt anchor, as the templates write them."""
    return [_text(x, y, 1, anchor, white=True), _text(x + 14, y, 11, name)]


# The secretariat's name line with its anchor, and the date under it (Helvetica: 7.2 pt a glyph).
SEAL_LINES = [_text(300, 200, 1, b"CASEDOCS-SEAL", white=True), _text(310, 200, 12, b"Secretariat \\(seal\\)"),
              _text(330, 178, 12, b"1 June 2025")]


def _approx_boxes(boxes: list[Box]) -> list[object]:
    return [pytest.approx(b, abs=0.01) for b in boxes]


def test_a_template_with_one_anchor_a_side_still_stacks_the_boxes_under_it() -> None:
    # Templates from before per-signatory anchors: each side's block starts with its anchor.
    pdf = _pdf_with_content(b"\n".join([
        _text(80, 600, 1, b"CASEDOCS-SIG-applicant", white=True), _text(94, 600, 12, b"Applicant"),
        _text(300, 600, 1, b"CASEDOCS-SIG-respondent", white=True), _text(314, 600, 12, b"Respondent"),
        *SEAL_LINES]))
    plan = plan_for(pdf, instrument_kind="co_signed", signatories={"applicant": 2, "respondent": 3})
    assert [f.name for f in plan.signatory_fields] == ["sig-applicant-1", "sig-applicant-2", "sig-respondent-1",
                                                        "sig-respondent-2", "sig-respondent-3"]
    top = 600 - 0.25 * 12 - 1  # under the heading's descent
    assert [f.box for f in plan.signatory_fields] == _approx_boxes([
        (80, top - 56, 280, top), (80, top - 118, 280, top - 62),
        (300, top - 56, 500, top), (300, top - 118, 500, top - 62), (300, top - 180, 500, top - 124)])
    # ...and refused when they do not fit above the seal, naming the side
    with pytest.raises(PlacementError, match=r"agreement: 9 signature field\(s\) of the respondent do not fit"):
        plan_for(pdf, instrument_kind="co_signed", instrument="agreement",
                 signatories={"applicant": 2, "respondent": 9})



def test_one_anchor_blocks_stacked_one_under_the_other_keep_the_full_width() -> None:
    # The ink-signed layout (the applicant's block, then the respondent's under it, both at the
    # left margin): neither side's anchor narrows the other's column, and the applicant's boxes
    # stop above the respondent's block.
    pdf = _pdf_with_content(b"\n".join([
        _text(80, 600, 1, b"CASEDOCS-SIG-applicant", white=True), _text(94, 600, 12, b"Applicant"),
        _text(80, 400, 1, b"CASEDOCS-SIG-respondent", white=True), _text(94, 400, 12, b"Respondent"),
        *SEAL_LINES]))
    plan = plan_for(pdf, instrument_kind="co_signed", signatories={"applicant": 2, "respondent": 1})
    top, lower = 600 - 0.25 * 12 - 1, 400 - 0.25 * 12 - 1
    assert [f.box for f in plan.signatory_fields] == _approx_boxes([
        (80, top - 56, 280, top), (80, top - 118, 280, top - 62), (80, lower - 56, 280, lower)])
    # four go into two columns across the text width
    plan = plan_for(pdf, instrument_kind="co_signed", signatories={"applicant": 4, "respondent": 1})
    assert [f.box for f in plan.signatory_fields[:4]] == _approx_boxes([
        (80, top - 56, 280, top), (80, top - 118, 280, top - 62),
        (286, top - 56, 486, top), (286, top - 118, 486, top - 62)])

def test_numbered_anchors_put_each_box_under_its_own_name() -> None:
    pdf = _pdf_with_content(b"\n".join([
        *_signatory(80, 600, b"CASEDOCS-SIG-applicant-1", b"Representative: A"),
        *_signatory(80, 500, b"CASEDOCS-SIG-applicant-2", b"Agent: B"),
        *_signatory(300, 600, b"CASEDOCS-SIG-respondent-1", b"Member: C"),
        _text(80, 380, 12, b"Text after the signature table"),
        *SEAL_LINES]))
    plan = plan_for(pdf, instrument_kind="co_signed", signatories={"applicant": 2, "respondent": 1})
    top = 600 - 0.25 * 11 - 2  # under the name line's descent
    assert [(f.name, f.box) for f in plan.signatory_fields] == [
        ("sig-applicant-1", pytest.approx((80, top - 56, 280, top), abs=0.01)),
        ("sig-applicant-2", pytest.approx((80, top - 156, 280, top - 100), abs=0.01)),
        ("sig-respondent-1", pytest.approx((300, top - 56, 500, top), abs=0.01)),
    ]


def test_numbered_anchors_must_all_be_there_and_leave_room_for_the_box() -> None:
    gap = _pdf_with_content(b"\n".join([
        *_signatory(80, 600, b"CASEDOCS-SIG-applicant-1", b"Representative: A"),
        *_signatory(80, 500, b"CASEDOCS-SIG-applicant-3", b"Agent: B"),
        *_signatory(300, 600, b"CASEDOCS-SIG-respondent-1", b"Member: C"), *SEAL_LINES]))
    with pytest.raises(PlacementError, match=r"agreement: signatory anchor\(s\) CASEDOCS-SIG-applicant-2 not found, "
                                             r"though CASEDOCS-SIG-applicant-3 is"):
        plan_for(gap, instrument_kind="co_signed", instrument="agreement",
                 signatories={"applicant": 3, "respondent": 1})
    # Text right under a name (the empty area deleted in Word): no box is drawn over it.
    crowded = _pdf_with_content(b"\n".join([
        *_signatory(80, 600, b"CASEDOCS-SIG-applicant-1", b"Representative: A"),
        _text(80, 570, 11, b"Signature: ____________"),
        *_signatory(300, 600, b"CASEDOCS-SIG-respondent-1", b"Member: C"), *SEAL_LINES]))
    with pytest.raises(PlacementError, match=r"agreement: no room for the signature box of CASEDOCS-SIG-applicant-1 "
                                             r"on page 1 \(200 x 1[0-9] pt free under the name"):
        plan_for(crowded, instrument_kind="co_signed", instrument="agreement",
                 signatories={"applicant": 1, "respondent": 1})


# == end to end: seal and sign the Chinese agreement, and look ====================================================
@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return PKI.create(tmp_path_factory.mktemp("pki"), PW)


def test_sealing_and_signing_with_the_plan_puts_the_seal_and_signatures_in_place(
    pdfs: dict[tuple[str, str], bytes], pki: PKI, tmp_path: Path
) -> None:
    env = SigningEnv.from_pki(pki)
    pdf = pdfs["agreement", "zh"]
    plan = plan_for(pdf, instrument_kind="co_signed", signatories=TWO_EACH, instrument="agreement")
    sealed = seal(pdf, env=env, sealer=pki.seal_credential(), **plan.seal_arguments())
    people = {
        "sig-applicant-1": ("A-1", "Jean-Pierre Mwamba", "applicant", "representative"),
        "sig-applicant-2": ("A-2", "Esther Ilunga", "applicant", "representative"),
        "sig-respondent-1": ("R-1", "华钴精炼有限公司", "respondent", "signatory"),
        "sig-respondent-2": ("R-2", "张伟", "respondent", "agent"),
    }
    signed = sealed
    for field_name, (pid, name, side, role) in people.items():
        cred = issue_and_unlock(pki, pid, name, side, role)
        signed = sign_field(signed, field_name, cred, env=env, field_owner=pid)
    report = verify(signed, pki.trust_roots(), pki.crls())
    assert report.valid, report.reasons
    assert report.empty_fields == []

    # Render the pages and find the seal's red and the boxes' grey borders where the plan put them.
    path = tmp_path / "agreement-signed.pdf"
    path.write_bytes(signed)
    scale = 60 / 72

    def render(page: int) -> Image.Image:
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(page + 1), "-l", str(page + 1),
                        str(path), str(tmp_path / f"page{page}")], check=True)
        return Image.open(tmp_path / f"page{page}.png").convert("RGB")

    def pixels(box: Box, page: int) -> tuple[int, int, int, int]:
        height = page_box(signed, page)[3]
        return (round(box[0] * scale), round((height - box[3]) * scale),
                round(box[2] * scale), round((height - box[1]) * scale))

    image = render(plan.seal_page)
    red = [(x, y) for y in range(image.height) for x in range(image.width)
           if _is_red(image.getpixel((x, y)))]
    assert len(red) > 300, "no red seal on the page"
    left, top, right, bottom = pixels(plan.seal_box, plan.seal_page)
    inside_seal = [p for p in red if left - 1 <= p[0] <= right + 1 and top - 1 <= p[1] <= bottom + 1]
    assert len(inside_seal) / len(red) > 0.98, "red outside the seal box"
    cx = sum(x for x, _ in inside_seal) / len(inside_seal)
    assert abs(cx - (left + right) / 2) < 6, "the seal is centred in its box"
    for f in plan.signatory_fields:
        image = render(f.page)
        l, t, r, b = pixels(f.box, f.page)
        # the stamp's 1 pt grey (0.45) border, anti-aliased at 60 dpi: one of the rows at the top edge
        rows = [[image.getpixel((x, y)) for x in range(l + 3, r - 3)] for y in (t - 1, t, t + 1)]
        grey = max(sum(1 for p in row if p[0] < 225 and max(p) - min(p) < 16) for row in rows)
        assert grey > 0.8 * len(rows[0]), f"no signature box border at {f.name}"


def _is_red(p: tuple[int, int, int]) -> bool:
    r, g, b = p
    return r > 150 and g < 110 and b < 110


def _plan(pdf: bytes, instrument: str) -> SignaturePlan:
    kind = KIND[instrument]
    if kind == "co_signed":
        return plan_for(pdf, instrument_kind=kind, signatories=TWO_EACH, instrument=instrument)
    if kind == "closure_report":
        return plan_for(pdf, instrument_kind=kind, monitoring_slots=12, instrument=instrument)
    return plan_for(pdf, instrument_kind=InstrumentKind.PLAIN, instrument=instrument)

