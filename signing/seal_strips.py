"""The cross-page seal (骑缝章): a vertical strip of the seal at the right edge of every page.

Chinese practice stamps a multi-page contract across the right edges of its pages, fanned out, so
that no page can be swapped without the seal showing it (issue 14). Each page of an instrument of
``n`` pages carries its own ``1/n``-wide slice of the 4.2 cm seal, at the page's right edge and at
the same height on every page; page 1 carries the leftmost slice, page ``n`` the rightmost, so the
slices side by side (the pages fanned out to the left, page 1 on top) make one seal.

The strips are page content, added in the same revision as the certification signature and
before it is computed (:func:`signing.seal.seal`), so the certification covers them: a page
changed afterwards, strip or text, breaks the seal as any other change does.

Geometry only here (:func:`plan_strips`, pure); :func:`draw_strips` adds them to a pyHanko writer.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from .errors import SigningCoreError
from .seal_image import SEAL_SIZE_PT, image_xobject

Box = tuple[float, float, float, float]
STRIP_XOBJECT = "/CasedocsCrossPageSeal"
# Where the strips may sit, as fractions of the page height (their centre): the middle first, then
# a little above or below it, whichever keeps clear of the main seal on its page.
_HEIGHTS = (0.5, 0.62, 0.38, 0.74, 0.26)
_CLEARANCE = 6.0


@dataclass(frozen=True)
class Strip:
    """One page's slice: ``clip`` is the visible strip (at the page's right edge), ``seal`` the
    whole seal's square it is cut from (mostly off the page, to the right)."""

    page: int  # 0-based
    clip: Box
    seal: Box


def plan_strips(page_boxes: Sequence[Box], seal_page: int | None = None, seal_box: Box | None = None,
                size: float = SEAL_SIZE_PT) -> tuple[Strip, ...]:
    """One strip per page, all at the same height: the page's middle unless the main seal on
    ``seal_page`` (``seal_box``) reaches into the strip's band there."""
    n = len(page_boxes)
    if n < 1:
        raise SigningCoreError("a cross-page seal needs at least one page")
    width = size / n
    y_centre = None
    for fraction in _HEIGHTS:
        candidates = [box[1] + fraction * (box[3] - box[1]) for box in page_boxes]
        clear = True
        if seal_page is not None and seal_box is not None:
            page = page_boxes[seal_page]
            band = (page[2] - width - _CLEARANCE, candidates[seal_page] - size / 2 - _CLEARANCE,
                    page[2], candidates[seal_page] + size / 2 + _CLEARANCE)
            clear = not (seal_box[0] < band[2] and band[0] < seal_box[2]
                         and seal_box[1] < band[3] and band[1] < seal_box[3])
        if clear:
            y_centre = candidates
            break
    if y_centre is None:  # the seal is everywhere on the edge: the middle, over it
        y_centre = [box[1] + 0.5 * (box[3] - box[1]) for box in page_boxes]
    strips = []
    for i, box in enumerate(page_boxes):
        right = box[2]
        y1, y2 = y_centre[i] - size / 2, y_centre[i] + size / 2
        seal_left = right - (i + 1) * width
        strips.append(Strip(i, (round(right - width, 3), round(y1, 3), right, round(y2, 3)),
                            (round(seal_left, 3), round(y1, 3), round(seal_left + size, 3), round(y2, 3))))
    return tuple(strips)


def draw_strips(writer: IncrementalPdfFileWriter, strips: Sequence[Strip], cache_dir: Path | None = None) -> None:
    """Add each strip to its page's content in ``writer`` (one shared image XObject)."""
    if not strips:
        return
    image = image_xobject(writer, cache_dir=cache_dir)
    # The page's own content is wrapped in q ... Q, so that whatever state it leaves (a scaled
    # matrix, a clip) does not move or cut the strip drawn after it.
    save = writer.add_object(generic.StreamObject(stream_data=b"q"))
    for strip in strips:
        cx1, cy1, cx2, cy2 = strip.clip
        sx1, sy1, sx2, sy2 = strip.seal
        # one name per page: pages often share one resource dictionary (LibreOffice's do)
        name = f"{STRIP_XOBJECT}{strip.page + 1}"
        ops = (b"Q q %.3f %.3f %.3f %.3f re W n %.3f 0 0 %.3f %.3f %.3f cm %s Do Q"
               % (cx1, cy1, cx2 - cx1, cy2 - cy1, sx2 - sx1, sy2 - sy1, sx1, sy1, name.encode()))
        stream = writer.add_object(generic.StreamObject(stream_data=ops))
        resources = generic.DictionaryObject({
            pdf_name("/XObject"): generic.DictionaryObject({pdf_name(name): image})})
        writer.add_stream_to_page(strip.page, save, prepend=True)
        writer.add_stream_to_page(strip.page, stream, resources=resources)


__all__ = ["STRIP_XOBJECT", "Strip", "draw_strips", "plan_strips"]
