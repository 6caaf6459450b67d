"""Where the visible signatures go: template anchors in a rendered PDF -> a
:class:`SignaturePlan` for :func:`signing.seal.seal`. Policy only: the PDF's text and its
positions come from :mod:`signing.pdftext`, the anchors and sizes the templates promise from
:mod:`docgen.contract`.

Anchors are found in runs of one style, at their first glyph, so an anchor split over several
show operations (or kerned) is found, while the visible text glued right after it
("CASEDOCS-SEALSecretariat" in plain text extraction) is not part of it. The first occurrence
of each anchor counts (the Chinese part of a bilingual edition).

Only unrotated pages (``/Rotate`` 0) with upright text are supported: a plan for a rotated page,
or from a rotated anchor, is refused with :class:`PlacementError` rather than computed wrongly.
Positions are PDF user space (points, origin at the lower-left of the page's coordinate system).

Layout decisions (why, in short; details at each function):

* seal: a 119 pt (4.2 cm) square centred on the date under the line carrying
  "（盖章）"/"(seal)", a little above the date's middle, so that it covers the
  date's year and month and the name (骑年盖月; GB/T 9704 "居中下压署名和成文
  日期": name and date slightly below the seal's centre), upright;
* signatories, one anchor each (``CASEDOCS-SIG-<side>-<n>``): box n in the
  empty area under signatory n's name line, on whatever page it is, 200 x 56
  pt or as much of it as the area and the side's column leave (not below
  150 x 40 pt); any number of signatories, since the blocks flow over pages;
* signatories, one anchor a side (``CASEDOCS-SIG-<side>``, older templates):
  200 x 56 pt boxes stacked downwards from each side's anchor in
  that side's column (up to the next signature anchor to its right on the page,
  or the right margin: one rule with the numbered anchors), down
  to the seal area or the bottom margin; two columns when the column is wide
  enough, shorter boxes (down to 40 pt) before giving up;
* monitoring: :func:`grid_slots` over the full text width, from the anchor (or
  below any text that follows it on that page) down to the bottom margin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from docgen.contract import (
    ANCHOR_MONITORING,
    ANCHOR_SEAL,
    SEAL_MARKERS,
    SIG_BOX_H,
    SIG_BOX_W,
    SIG_MIN_H,
    SIG_MIN_W,
    TEMPLATE_MARGINS,
    Margins,
    sig_anchor,
)

from . import appearance
from .anchors import (
    Anchor,
    PlacementError,
    anchors_on,
    check_usable,
    find_anchors,
    first_anchors,
    numbered_anchors,
    read,
    require,
)
from .errors import SigningCoreError
from .pdfdoc import check_field_name, signatory_field
from .pdftext import Line, Page
from .seal import Box, FieldSlot, InstrumentKind, grid_slots
from .seal_strips import Strip, plan_strips

SEAL_SIZE = 119.0  # 4.2 cm, the diameter of the secretariat's round seal
# The seal's centre sits this far above the middle of name line and date, so
# they read "centre, slightly low" on the seal (GB/T 9704-2012 §7.3.5.1).
SEAL_LIFT = 3.0
# How far the seal's centre may move off the date's middle to keep clear of other text: at 24 pt
# the disc (r = 59.5 pt) is still 109 pt wide at the date, wider than any date of the templates
# ("2026年12月31日" is 86 pt at 12 pt, "31 December 2026" ~95 pt), so year and month stay covered.
SEAL_DATE_DRIFT = 24.0
SEAL_CLEARANCE = 3.0  # between the seal and text it must not cover (a header's rule sits ~3 pt below it)
GAP = 6.0  # between boxes, and between boxes and what they must not touch
MONITOR_MIN_H = 40.0  # a monitoring slot's 7 lines at 7 pt, shrunk to ~60 %


@dataclass(frozen=True)
class SignaturePlan:
    """Everything :func:`signing.seal.seal` needs about *where*; pass it with
    ``seal(pdf, env=..., sealer=..., **plan.seal_arguments())``."""

    instrument: str
    kind: InstrumentKind
    seal_page: int
    seal_box: Box
    signatory_fields: tuple[FieldSlot, ...] = ()
    monitoring_slots: tuple[FieldSlot, ...] = ()
    strips: tuple[Strip, ...] = ()  # the cross-page seal, one strip a page (none: not asked for, or one page)

    def seal_arguments(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "seal_page": self.seal_page,
            "seal_box": self.seal_box,
            "signatory_fields": self.signatory_fields,
            "monitoring_slots": self.monitoring_slots,
            "cross_page_strips": self.strips,
        }


# == the plan ===============================================================================
def plan_for(
    pdf: bytes,
    *,
    instrument_kind: InstrumentKind | str,
    signatories: Mapping[str, int] | None = None,
    monitoring_slots: int = 0,
    instrument: str | None = None,
    margins: Margins = TEMPLATE_MARGINS,
    cross_page_seal: bool = False,
) -> SignaturePlan:
    """Where the seal, the signatories' fields (``signatories``: side -> how
    many) and the monitoring slots go in this rendered instrument.

    ``instrument`` (e.g. "agreement") only names the document in errors.
    The first occurrence of each anchor counts (the Chinese part of a
    bilingual edition). ``cross_page_seal``: a strip of the seal at the right edge
    of every page of a multi-page instrument (骑缝章, :mod:`signing.seal_strips`;
    a one-page instrument has no page to join, so it gets none). Raises
    :class:`PlacementError`.
    """
    try:
        kind = InstrumentKind(instrument_kind)
    except ValueError:
        raise PlacementError(
            f"unknown instrument kind {instrument_kind!r}; use one of {[k.value for k in InstrumentKind]}"
        ) from None
    name = instrument or f"{kind.value} instrument"
    wanted = {side: count for side, count in (signatories or {}).items() if count}
    _check_request(name, kind, wanted, monitoring_slots)

    pages = read(pdf)
    anchors = first_anchors([a for p in pages for a in anchors_on(p)])
    numbered = numbered_anchors(name, wanted, anchors)
    required = [ANCHOR_SEAL, *(sig_anchor(s) for s in wanted if s not in numbered)]
    if monitoring_slots:
        required.append(ANCHOR_MONITORING)
    require(name, anchors, required)
    for anchor in [*(anchors[text] for text in required), *(a for side in numbered.values() for a in side)]:
        check_usable(name, anchor, pages[anchor.page])

    sig_anchors = [a for a in anchors.values() if a.side is not None]
    # Reserved areas first: they do not depend on the seal, and the seal must keep clear of them.
    reserved = _reserved_fields(name, numbered, pages, sig_anchors, margins)
    seal_anchor = anchors[ANCHOR_SEAL]
    seal_page = pages[seal_anchor.page]
    obstacles = [f.box for side in reserved.values() for f in side if f.page == seal_anchor.page]
    seal_box, seal_area = _seal_box(seal_anchor, seal_page, obstacles)
    stacked = _signatory_fields(name, {s: c for s, c in wanted.items() if s not in numbered}, anchors, pages,
                                seal_anchor.page, seal_area, margins)
    fields = [f for side in wanted for f in reserved.get(side, stacked.get(side, []))]
    slots = _monitoring_slots(name, monitoring_slots, anchors.get(ANCHOR_MONITORING), pages, margins)
    _check_layout(name, pages, seal_anchor.page, seal_box, [*fields, *slots])
    strips = plan_strips([p.box for p in pages], seal_anchor.page, seal_box) \
        if cross_page_seal and len(pages) > 1 else ()
    return SignaturePlan(name, kind, seal_anchor.page, seal_box, tuple(fields), tuple(slots), strips)


def _check_request(name: str, kind: InstrumentKind, signatories: Mapping[str, int], monitoring: int) -> None:
    for side, count in signatories.items():
        if not isinstance(count, int) or count < 0:
            raise PlacementError(f"{name}: the number of signatories of {side!r} must be a whole number, not {count!r}")
        try:
            check_field_name(signatory_field(side, count))
        except SigningCoreError as e:
            raise PlacementError(f"{name}: side {side!r} cannot name a field: {e}") from None
    if kind is InstrumentKind.CO_SIGNED and not signatories:
        raise PlacementError(f"{name}: a co-signed instrument needs at least one signatory")
    if kind is not InstrumentKind.CO_SIGNED and signatories:
        raise PlacementError(f"{name}: only co-signed instruments carry signatory fields, not a {kind.value} one")
    if kind is InstrumentKind.CLOSURE_REPORT and monitoring < 1:
        raise PlacementError(f"{name}: a closure report needs at least one monitoring slot")
    if kind is not InstrumentKind.CLOSURE_REPORT and monitoring:
        raise PlacementError(f"{name}: only closure reports carry monitoring slots")


# -- seal ----------------------------------------------------------------------------------------
def _seal_box(anchor: Anchor, page: Page, obstacles: Sequence[Box] = ()) -> tuple[Box, Box]:
    """The seal's square, and the area (square plus name and date lines) the
    signatories must stay clear of. ``obstacles``: boxes already placed on the
    page (signatories' reserved areas) the seal must not cover either.

    骑年盖月: the seal is centred on the date line, horizontally on the date and vertically a
    little above its middle, so that it covers the year and the month and the name line above
    (GB/T 9704-2012 §7.3.5.1: "居中下压署名和成文日期"). It moves up or down only as far as
    the date keeps within :data:`SEAL_DATE_DRIFT` of its centre (then the year and the month
    stay under the disc): to keep clear of the text above the block and of what follows it."""
    lines = page.lines()
    block = _block_at(anchor, lines)
    marked = next((i for i, line in enumerate(block) if any(m in line.text for m in SEAL_MARKERS)), 0)
    block = block[:marked + 2]  # the block ends with the date: what follows it is text to keep clear of
    seal_line = block[marked]
    date_line = block[marked + 1] if marked + 1 < len(block) else seal_line
    cx = (date_line.x0 + date_line.x1) / 2
    centre = date_line.middle + SEAL_LIFT
    half = SEAL_SIZE / 2
    x1, x2 = cx - half, cx + half
    ceiling = _ceiling(x1, x2, block, lines, obstacles)
    floor = _floor_below(x1, x2, block, lines)
    lowest, highest = date_line.middle - SEAL_DATE_DRIFT, date_line.middle + SEAL_DATE_DRIFT
    # Under the text above the block, over the text below it; the date stays near the centre.
    cy = min(centre, ceiling - half)
    cy = max(cy, floor + half)
    cy = min(max(cy, lowest), highest)
    box = _inside((cx - half, cy - half, cx + half, cy + half), page.box)
    area = (min(box[0], *(ln.x0 for ln in block)), min(box[1], block[-1].bottom),
            max(box[2], *(ln.x1 for ln in block)), max(box[3], block[0].top))
    return box, area


def _ceiling(x1: float, x2: float, block: Sequence[Line], lines: Sequence[Line], obstacles: Sequence[Box]) -> float:
    """The highest the seal's top may be: under the text above its block (the body's last line,
    or the running header when the seal block starts a page) and under the obstacles above it."""
    above = [ln.bottom for ln in lines if ln.y > block[0].y + 1.0 and ln.x0 < x2 and ln.x1 > x1]
    above += [b[1] for b in obstacles if b[1] > block[0].y + 1.0 and b[0] < x2 and b[2] > x1]
    return min((bottom - SEAL_CLEARANCE for bottom in above), default=math.inf)


def _floor_below(x1: float, x2: float, block: Sequence[Line], lines: Sequence[Line]) -> float:
    """The lowest the seal's bottom may be: over the text below its block."""
    below = [ln.top for ln in lines if ln.y < block[-1].y - 1.0 and ln.x0 < x2 and ln.x1 > x1]
    return max((top + SEAL_CLEARANCE for top in below), default=-math.inf)


def _block_at(anchor: Anchor, lines: Sequence[Line]) -> list[Line]:
    """The lines starting at an anchor: the anchor's line (the secretariat's name,
    a signatory's name; possibly wrapped) and up to four lines right below it (the
    date), with no blank line between. Without visible text, the anchor itself
    stands for the line."""
    start = next((i for i, ln in enumerate(lines) if abs(ln.y - anchor.y) < 1.0 and ln.x1 > anchor.x), None)
    if start is None:
        return [Line(anchor.y, anchor.x, anchor.x, 12.0, "")]
    block = [lines[start]]
    for line in lines[start + 1 : start + 5]:
        if block[-1].y - line.y > 2.2 * block[-1].size:
            break
        block.append(line)
    return block


def _inside(box: Box, page: Box) -> Box:
    """Shift ``box`` (not resize) so that it lies within ``page``."""
    x1, y1, x2, y2 = box
    dx = max(page[0] - x1, 0.0) + min(page[2] - x2, 0.0)
    dy = max(page[1] - y1, 0.0) + min(page[3] - y2, 0.0)
    return (round(x1 + dx, 2), round(y1 + dy, 2), round(x2 + dx, 2), round(y2 + dy, 2))


# -- signatories ---------------------------------------------------------------------------------------
def _signatory_fields(
    name: str,
    signatories: Mapping[str, int],
    anchors: Mapping[str, Anchor],
    pages: Sequence[Page],
    seal_page: int,
    seal_area: Box,
    margins: Margins,
) -> dict[str, list[FieldSlot]]:
    """Sides with one anchor each (older templates): boxes stacked under it."""
    fields: dict[str, list[FieldSlot]] = {}
    sig_anchors = [a for a in anchors.values() if a.side is not None]
    for side, count in signatories.items():
        anchor = anchors[sig_anchor(side)]
        page = pages[anchor.page]
        left, right, top = _column(anchor, page, sig_anchors, margins)
        floor = _floor(anchor, page, left, right, sig_anchors, seal_area if anchor.page == seal_page else None, margins)
        boxes = _stack(count, left, right, top, floor)
        if boxes is None:
            raise PlacementError(
                f"{name}: {count} signature field(s) of the {side} do not fit on page {anchor.page + 1} "
                f"below {anchor.text} ({right - left:.0f} x {top - floor:.0f} pt free; each needs at least "
                f"{SIG_MIN_W:.0f} x {SIG_MIN_H:.0f} pt)"
            )
        fields[side] = [_field(side, i, anchor.page, box) for i, box in enumerate(boxes, start=1)]
    return fields


def _field(side: str, number: int, page: int, box: Box) -> FieldSlot:
    zh, en = appearance.side_label(side)
    return FieldSlot(signatory_field(side, number), page, box, f"{zh}签署人{number} {en} signatory {number}")


def _reserved_fields(
    name: str,
    numbered: Mapping[str, Sequence[Anchor]],
    pages: Sequence[Page],
    sig_anchors: Sequence[Anchor],
    margins: Margins,
) -> dict[str, list[FieldSlot]]:
    """Sides with one anchor per signatory: box n in the area under signatory n's name."""
    return {side: [_field(side, n, a.page, _reserved_box(name, a, pages[a.page], sig_anchors, margins))
                   for n, a in enumerate(anchors, start=1)]
            for side, anchors in numbered.items()}


def _reserved_box(name: str, anchor: Anchor, page: Page, sig_anchors: Sequence[Anchor], margins: Margins) -> Box:
    """The box under a signatory's name line (which may wrap), in the side's column, down to the
    next text below it in that column or the bottom margin: the template leaves that area empty."""
    left = anchor.x
    width = min(SIG_BOX_W, _column_right(anchor, page, sig_anchors, margins) - left)
    lines = page.lines_within(left, left + width)
    name_lines = _block_at(anchor, lines)
    top = name_lines[-1].bottom - 2.0
    below = [ln.top for ln in lines if ln.y < name_lines[-1].y - 1.0]
    floor = max(page.box[1] + margins.bottom, max(below, default=-math.inf) + 1.0)
    height = min(SIG_BOX_H, top - floor)
    if width < SIG_MIN_W or height < SIG_MIN_H:
        raise PlacementError(
            f"{name}: no room for the signature box of {anchor.text} on page {anchor.page + 1} "
            f"({width:.0f} x {max(top - floor, 0):.0f} pt free under the name; at least "
            f"{SIG_MIN_W:.0f} x {SIG_MIN_H:.0f} pt needed): the template must leave an empty area there"
        )
    return (round(left, 2), round(top - height, 2), round(left + width, 2), round(top, 2))


def _column_right(anchor: Anchor, page: Page, sig_anchors: Sequence[Anchor], margins: Margins) -> float:
    """The right edge of a side's column: the right margin, or just left of the nearest signature
    anchor to its right on the page, where the next side's column starts (side-by-side blocks,
    a co-signature table's other column). Blocks stacked one under the other share one left edge,
    so they do not limit each other."""
    right = page.box[2] - margins.right
    for other in sig_anchors:
        if other.page == anchor.page and other.x > anchor.x + GAP:
            right = min(right, other.x - GAP)
    return right


def _column(anchor: Anchor, page: Page, sig_anchors: Sequence[Anchor], margins: Margins) -> tuple[float, float, float]:
    """(left, right, top) of the side's column under a side's one anchor; the top is just under
    the block's heading, which shares the anchor's line."""
    heading = [ln for ln in page.lines() if abs(ln.y - anchor.y) < 1.0]
    descent = max((ln.y - ln.bottom for ln in heading), default=3.0)
    return anchor.x, _column_right(anchor, page, sig_anchors, margins), anchor.y - descent - 1.0


def _floor(
    anchor: Anchor,
    page: Page,
    left: float,
    right: float,
    sig_anchors: Sequence[Anchor],
    seal_area: Box | None,
    margins: Margins,
) -> float:
    """The lowest a side's boxes may go: the bottom margin, or above whatever
    comes below the block in the same column (the seal area, a block of
    another side stacked underneath)."""
    floor = page.box[1] + margins.bottom
    obstacles: list[tuple[float, float, float]] = []  # (x1, x2, top)
    if seal_area is not None:
        obstacles.append((seal_area[0], seal_area[2], seal_area[3]))
    for other in sig_anchors:
        if other.page == anchor.page and other.y < anchor.y - 1.0:
            obstacles.append((other.x, other.x + SIG_MIN_W, other.y + 12.0))
    for x1, x2, top in obstacles:
        if x1 < right and x2 > left and top < anchor.y:
            floor = max(floor, top + GAP)
    return floor


def _stack(count: int, left: float, right: float, top: float, floor: float) -> list[Box] | None:
    """``count`` boxes stacked downwards from (left, top), column after column.
    Full-size boxes in as few columns as fit; else the tallest shorter boxes
    (not below SIG_MIN_H); None when nothing fits."""
    width, height = right - left, top - floor
    best: tuple[float, int, float] | None = None  # (box height, columns, box width)
    columns = 1
    while True:
        w = min(SIG_BOX_W, (width - GAP * (columns - 1)) / columns)
        if w < SIG_MIN_W or columns > count:
            break
        rows = -(-count // columns)
        h = min(SIG_BOX_H, (height - GAP * (rows - 1)) / rows)
        if h >= SIG_BOX_H:
            best = (h, columns, w)
            break
        if h >= SIG_MIN_H and (best is None or h > best[0]):
            best = (h, columns, w)
        columns += 1
    if best is None:
        return None
    h, columns, w = best
    rows = -(-count // columns)
    boxes = []
    for i in range(count):
        c, r = divmod(i, rows)
        x1 = left + c * (w + GAP)
        y2 = top - r * (h + GAP)
        boxes.append((round(x1, 2), round(y2 - h, 2), round(x1 + w, 2), round(y2, 2)))
    return boxes


# -- monitoring --------------------------------------------------------------------------------------
def _monitoring_slots(
    name: str, count: int, anchor: Anchor | None, pages: Sequence[Page], margins: Margins
) -> list[FieldSlot]:
    if not count or anchor is None:
        return []
    page = pages[anchor.page]
    area = _monitoring_area(anchor, page, margins)
    rows = -(-count // 2)
    slot_h = (area[3] - area[1] - GAP * (rows - 1)) / rows
    if slot_h < MONITOR_MIN_H:
        raise PlacementError(
            f"{name}: {count} monitoring slots do not fit on page {anchor.page + 1} "
            f"({area[3] - area[1]:.0f} pt free below {anchor.text}, {slot_h:.0f} pt a slot; "
            f"at least {MONITOR_MIN_H:.0f} pt needed)"
        )
    return grid_slots(area, count, columns=2, page=anchor.page, gap=GAP)


def _monitoring_area(anchor: Anchor, page: Page, margins: Margins) -> Box:
    """Full text width, from the anchor down to the bottom margin, but below
    any visible text that follows the anchor in the text area (the bilingual
    edition puts its language clause there, after the anchor)."""
    bottom = page.box[1] + margins.bottom
    top = anchor.y
    for line in page.lines():
        if line.y <= anchor.y + 1.0 and line.bottom > bottom:
            top = min(top, line.bottom - GAP)
    return (round(page.box[0] + margins.left, 2), round(bottom, 2),
            round(page.box[2] - margins.right, 2), round(top, 2))


# -- final checks ---------------------------------------------------------------------------------------
def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_layout(name: str, pages: Sequence[Page], seal_page: int, seal_box: Box, slots: Sequence[FieldSlot]) -> None:
    """Belt and braces: every box inside its page, none over another."""
    placed = [("the seal", seal_page, seal_box), *((s.name, s.page, s.box) for s in slots)]
    for label, page, box in placed:
        pb = pages[page].box
        if not (box[0] >= pb[0] and box[1] >= pb[1] and box[2] <= pb[2] and box[3] <= pb[3]):
            raise PlacementError(f"{name}: {label} {box} leaves page {page + 1} {pb}")
    for i, (la, pa, ba) in enumerate(placed):
        for lb, pb_, bb in placed[i + 1 :]:
            if pa == pb_ and _overlap(ba, bb):
                raise PlacementError(f"{name}: {la} {ba} and {lb} {bb} overlap on page {pa + 1}")


# Anchor, PlacementError and find_anchors are defined in signing.anchors; callers of placement
# import them from here.
__all__ = [
    "Anchor",
    "PlacementError",
    "SignaturePlan",
    "find_anchors",
    "plan_for",
]
