"""The signature blocks of the co-signed instruments, rendered by the real pipeline (templates,
LibreOffice), against the signing module's placement: nothing printed is ever under a box.

The agreement, the triage record and the fact-finding terms of the demo's sample case are
rendered in every edition with 1, 2 and 5 signatories enrolled on each side (and 5 against 1;
and the agreement with 9, whose rows flow over two pages), then planned as the issuing desk plans them (`plan_for` with the number of enrolled signers of
each side). Every visible line of text, as placement reads it and as poppler reads it, must stay
clear of every signatory's box and of the seal (but for the seal's own name and date lines,
which the seal is centred on).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from cases.models import Case, Signer
from cases.vocabulary import SideRole
from docgen.contract import ANCHOR_SEAL, TEMPLATE_MARGINS
from signing.pdftext import text_lines
from signing.placement import PlacementError, SignaturePlan, find_anchors, plan_for
from signing.seal import Box

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                       reason="LibreOffice or poppler-utils is not installed"),
]

CASE = "MVC-2025-0002"
INSTRUMENTS = ("agreement", "triage_record", "fact_finding_terms")
EDITIONS = ("zh", "en", "zh-Hant", "bilingual")
COUNTS = ((1, 1), (2, 2), (5, 5), (5, 1))  # signatories of the applicant, of the respondent
FLOWING = (9, 9)  # more rows than the agreement's last page holds: rendered for the agreement only
CASES = [(i, c) for c in COUNTS for i in INSTRUMENTS] + [("agreement", FLOWING)]
ROLES = ("representative", "member", "agent")
# Long names wrap in the side's column; names are printed as entered in every edition.
NAMES = ("Jean-Pierre Mwamba", "李强 (legal representative, 华钴精炼有限公司)",
         "Esther Ilunga-Kabeya of the Kawama Village Cooperative Society", "张伟", "Mireille Kabongo")
COLUMN_WIDTH = (21.0 - 2.8 - 2.6) / 2 * 72 / 2.54  # half the text width: the signature table's columns


def enrol_signers(session: Session, case: Case, counts: dict[SideRole, int]) -> None:
    """Replace the case's enrolled signers by `counts` people a side. Only who is enrolled matters
    to rendering and placement, so no certificate is issued (the issuing tests do that)."""
    session.execute(delete(Signer).where(Signer.case_id == case.id))
    for side, count in counts.items():
        for n in range(1, count + 1):
            session.add(Signer(person_id=f"{case.number}-{side.value}-{n}", case_id=case.id, side=side,
                               role=ROLES[(n - 1) % len(ROLES)], name=NAMES[(n - 1) % len(NAMES)],
                               certificate_serial=f"{side.value}-{n}", enrolled_on=date(2026, 1, 5),
                               enrolled_by="test"))
    session.flush()


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str, tuple[int, int]], bytes]]:
    """(instrument, edition, counts) -> PDF, rendered with those signatories enrolled."""
    app = App(Settings.load(tmp_path_factory.mktemp("data")), today=lambda: date(2026, 11, 25))
    app.init()
    out = {}
    try:
        with app.procedure(actor="signature blocks test") as proc:
            run_demo_cases(proc)
        for counts in (*COUNTS, FLOWING):
            with app.documents(actor="signature blocks test") as (proc, docs):
                case = proc.get_case(CASE)
                enrol_signers(proc.session, case, dict(zip(SideRole, counts)))
                requests = [r for r in docs.requests_for(case) if (r.instrument, counts) in CASES]
                for rendered in docs.render_many(case, requests, ["pdf"]):
                    out[rendered.request.instrument, rendered.request.edition.value, counts] = rendered.pdf
    finally:
        app.close()
    assert set(out) == {(i, e, c) for i, c in CASES for e in EDITIONS}
    yield out  # type: ignore[misc]


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def plan(pdf: bytes, counts: tuple[int, int], instrument: str) -> SignaturePlan:
    return plan_for(pdf, instrument_kind="co_signed", instrument=instrument,
                    signatories={"applicant": counts[0], "respondent": counts[1]})


def poppler_words(pdf: bytes, folder: Path, pages: set[int]) -> list[tuple[int, str, Box]]:
    """pdftotext -bbox words of some pages (0-based), boxes in PDF user space: a second opinion."""
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    out = []
    for page in sorted(pages):
        html = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                             html):
            x1, top, x2, bottom = map(float, m.groups()[:4])
            if not m.group(5).startswith("CASEDOCS-"):  # the white anchors are no printed text
                out.append((page, m.group(5), (x1, height - bottom, x2, height - top)))
    return out


def seal_block(pdf: bytes, page: int) -> Box:
    """Where the seal's own lines are: from its anchor's line (the secretariat's name, which may
    wrap) to the date under the "(seal)" line. The seal is centred on them."""
    anchor = next(a for a in find_anchors(pdf) if a.text == ANCHOR_SEAL)
    lines = [ln for ln in text_lines(pdf) if ln.page == page]
    start = next(i for i, ln in enumerate(lines) if abs(ln.baseline - anchor.y) < 1 and ln.box[2] > anchor.x)
    marked = next(i for i in range(start, len(lines)) if re.search(r"盖章|蓋章|\(seal\)", lines[i].text))
    own = [ln.box for ln in lines[start:marked + 2]]
    # a little slack: poppler's word boxes are those of the font's ascent and descent
    return (min(b[0] for b in own) - 2, min(b[1] for b in own) - 2, max(b[2] for b in own) + 2,
            max(b[3] for b in own) + 4)


def within(inner: Box, outer: Box) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize(("instrument", "counts"), CASES, ids=[f"{i}-{c[0]}-{c[1]}" for i, c in CASES])
def test_no_printed_text_lies_under_a_signature_box_or_the_seal(
    pdfs: dict[tuple[str, str, tuple[int, int]], bytes], tmp_path: Path, instrument: str, edition: str,
    counts: tuple[int, int],
) -> None:
    pdf = pdfs[instrument, edition, counts]
    result = plan(pdf, counts, instrument)
    assert [f.name for f in result.signatory_fields] == \
        [f"sig-applicant-{n}" for n in range(1, counts[0] + 1)] + [f"sig-respondent-{n}" for n in range(1, counts[1] + 1)]
    boxes = [(f.name, f.page, f.box) for f in result.signatory_fields]
    own = seal_block(pdf, result.seal_page)
    lines = [(ln.page, ln.text, ln.box) for ln in text_lines(pdf)]
    words = poppler_words(pdf, tmp_path, {result.seal_page, *(page for _, page, _ in boxes)})
    for reader, texts in (("placement", lines), ("pdftotext", words)):
        covered = [(name, text) for name, page, box in boxes for p, text, where in texts
                   if p == page and overlap(where, box)]
        assert not covered, f"{reader}: text under signature boxes: {covered}"
        under_seal = [text for p, text, where in texts if p == result.seal_page
                      and overlap(where, result.seal_box) and not within(where, own)]
        assert not under_seal, f"{reader}: text under the seal: {under_seal}"


@pytest.mark.parametrize(("instrument", "counts"), CASES, ids=[f"{i}-{c[0]}-{c[1]}" for i, c in CASES])
def test_each_box_is_in_its_signatorys_area_within_the_sides_column(
    pdfs: dict[tuple[str, str, tuple[int, int]], bytes], instrument: str, counts: tuple[int, int]
) -> None:
    for edition in EDITIONS:
        pdf = pdfs[instrument, edition, counts]
        result = plan(pdf, counts, instrument)
        anchors = {a.text: a for a in reversed(find_anchors(pdf))}  # the first occurrence (bilingual: Chinese)
        lines = text_lines(pdf)
        columns = {"applicant": anchors["CASEDOCS-SIG-applicant-1"].x,
                   "respondent": anchors["CASEDOCS-SIG-respondent-1"].x}
        assert columns["respondent"] - columns["applicant"] == pytest.approx(COLUMN_WIDTH, abs=1)
        for field in result.signatory_fields:
            _, side, number = field.name.split("-")
            anchor = anchors[f"CASEDOCS-SIG-{side}-{number}"]
            x1, y1, x2, y2 = field.box
            assert field.page == anchor.page, (edition, field.name)
            assert x1 == pytest.approx(columns[side]) and x2 - x1 <= COLUMN_WIDTH - 10, "inside the side's column"
            assert (x2 - x1, y2 - y1) == (pytest.approx(200), pytest.approx(56)), "full size"
            assert y1 >= TEMPLATE_MARGINS.bottom
            # right under the signatory's own name line, or under its last line when it wraps (to
            # three lines at most here: 20 pt apart)
            name = next(ln for ln in lines if ln.page == field.page and abs(ln.baseline - anchor.y) < 1
                        and x1 - 1 <= ln.box[0] < x2)
            wrapped = [ln for ln in lines if ln.page == field.page and x1 - 1 <= ln.box[0] < x2
                       and y2 < ln.box[1] < name.box[1]]
            assert y2 < name.box[1] and name.box[1] - y2 < 5 + 20 * len(wrapped), (edition, field.name, name.text)
        # Rows keep the two sides level: the n-th signatories' boxes are side by side or nearly.
        by_name = {f.name: f for f in result.signatory_fields}
        for n in range(1, min(counts) + 1):
            a, r = by_name[f"sig-applicant-{n}"], by_name[f"sig-respondent-{n}"]
            assert a.page == r.page and abs(a.box[3] - r.box[3]) < 45, (edition, n)


@pytest.mark.parametrize("edition", EDITIONS)
def test_many_signatories_flow_over_pages_under_a_repeated_header(
    pdfs: dict[tuple[str, str, tuple[int, int]], bytes], edition: str
) -> None:
    pdf = pdfs["agreement", edition, FLOWING]
    result = plan(pdf, FLOWING, "agreement")
    pages = sorted({f.page for f in result.signatory_fields})
    # the first rows under the text, the last with the seal (issue 14): over consecutive pages
    assert len(pages) >= 2 and pages == list(range(pages[0], pages[0] + len(pages))), pages
    headers = ("申请方签署人", "相对方签署人") if edition != "en" else \
        ("Signatories for the applicant", "Signatories for the respondent")
    if edition == "zh-Hant":
        headers = ("申請方簽署人", "相對方簽署人")
    lines = text_lines(pdf)
    for page in pages:
        assert tuple(ln.text for ln in lines if ln.page == page and ln.text in headers) == headers, page
    # the rows keep their order over the page break
    tops = [(f.page, -f.box[3]) for f in result.signatory_fields if f.name.startswith("sig-applicant")]
    assert tops == sorted(tops)


def test_a_rendering_that_lists_other_signatories_than_those_asked_for_is_refused(
    pdfs: dict[tuple[str, str, tuple[int, int]], bytes],
) -> None:
    pdf = pdfs["triage_record", "en", (2, 2)]
    with pytest.raises(PlacementError, match=r"triage_record: the PDF lists 2 signatories of the applicant "
                                             r"\(CASEDOCS-SIG-applicant-1\.\.CASEDOCS-SIG-applicant-2\) but 3 "
                                             r"signature field\(s\) were requested"):
        plan_for(pdf, instrument_kind="co_signed", instrument="triage_record",
                 signatories={"applicant": 3, "respondent": 2})
