"""The template's anchors in a rendered instrument (the contract of :mod:`docgen.contract`):
where each is, the first occurrence of each, a side's numbered signatories, and the refusals when
a rendering lacks what the plan needs. :mod:`signing.placement` lays the boxes out from them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from docgen.contract import ANCHOR_PREFIX, ANCHOR_RE, SIG_ANCHOR_PREFIX, SIG_ANCHOR_RE, sig_anchor

from .errors import MalformedPdf, SigningCoreError
from .pdftext import Page, read_pages


class PlacementError(SigningCoreError, ValueError):
    """The PDF does not let us place the signatures: an anchor is missing, the
    page is rotated, or the requested fields do not fit."""


@dataclass(frozen=True)
class Anchor:
    """One anchor occurrence: ``x``, ``y`` is the baseline start of its first
    glyph in user space (text matrix, text rise and CTM applied)."""

    page: int  # 0-based
    text: str
    x: float
    y: float
    size: float = 1.0  # effective font size (points in user space)
    upright: bool = True  # text runs left-to-right along the page's x axis

    @property
    def side(self) -> str | None:
        """The side of a ``CASEDOCS-SIG-<side>`` or ``CASEDOCS-SIG-<side>-<n>`` anchor, else None."""
        match = self._sig()
        return match.group(1) if match else None

    @property
    def number(self) -> int | None:
        """n of a signatory's ``CASEDOCS-SIG-<side>-<n>`` anchor, else None."""
        match = self._sig()
        return int(match.group(2)) if match and match.group(2) else None

    def _sig(self) -> re.Match[str] | None:
        if not self.text.startswith(SIG_ANCHOR_PREFIX):
            return None
        return SIG_ANCHOR_RE.fullmatch(self.text[len(SIG_ANCHOR_PREFIX):])


def read(pdf: bytes) -> list[Page]:
    """The pages of a rendered instrument, or :class:`PlacementError`."""
    try:
        return read_pages(pdf)
    except MalformedPdf as e:
        raise PlacementError(str(e)) from e


def anchors_on(page: Page) -> list[Anchor]:
    """The anchors on one page, in content order."""
    return [Anchor(m.page, m.text, m.x, m.y, m.size, m.upright) for m in page.find(ANCHOR_RE, ANCHOR_PREFIX)]


def find_anchors(pdf: bytes) -> list[Anchor]:
    """Every anchor occurrence, in document order (page, then content order)."""
    return [a for page in read(pdf) for a in anchors_on(page)]


def numbered_anchors(name: str, wanted: Mapping[str, int], anchors: Mapping[str, Anchor]) -> dict[str, list[Anchor]]:
    """For each side asked for whose template numbers its signatories (``CASEDOCS-SIG-<side>-<n>``),
    its anchors 1..n in order; n must be the number of fields asked for (the rendering lists the
    enrolled signers, so a different number means it was rendered before an enrolment changed)."""
    by_side: dict[str, dict[int, Anchor]] = {}
    for a in anchors.values():
        if a.side is not None and a.number is not None:
            by_side.setdefault(a.side, {})[a.number] = a
    out = {}
    for side, count in wanted.items():
        found = by_side.get(side)
        if not found:
            continue
        missing = [n for n in range(1, max(found) + 1) if n not in found]
        if missing:
            raise PlacementError(f"{name}: signatory anchor(s) {', '.join(sig_anchor(side, n) for n in missing)} "
                                 f"not found, though {sig_anchor(side, max(found))} is")
        if len(found) != count:
            raise PlacementError(
                f"{name}: the PDF lists {len(found)} signator{'y' if len(found) == 1 else 'ies'} of the {side} "
                f"({sig_anchor(side, 1)}..{sig_anchor(side, len(found))}) but {count} signature field(s) were "
                "requested; render it again with the enrolled signatories"
            )
        out[side] = [found[n] for n in sorted(found)]
    return out


def first_anchors(anchors: Sequence[Anchor]) -> dict[str, Anchor]:
    """The first occurrence of each anchor (the Chinese part of a bilingual edition)."""
    out: dict[str, Anchor] = {}
    for a in anchors:
        out.setdefault(a.text, a)
    return out


def require(name: str, anchors: Mapping[str, Anchor], required: Sequence[str]) -> None:
    """Refuse a rendering without the anchors the plan needs, naming those it has."""
    missing = [a for a in required if a not in anchors]
    if missing:
        found = ", ".join(sorted(anchors)) or "no anchor at all"
        raise PlacementError(
            f"{name}: anchor{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found in the PDF "
            f"(found: {found}); the template must carry them as white 1 pt text"
        )


def check_usable(name: str, anchor: Anchor, page: Page) -> None:
    """Refuse what placement cannot lay out correctly: rotated pages and rotated anchors."""
    if page.rotation:
        raise PlacementError(
            f"{name}: page {anchor.page + 1} is rotated by {page.rotation}°; placement supports unrotated pages only"
        )
    if not anchor.upright:
        raise PlacementError(f"{name}: anchor {anchor.text} on page {anchor.page + 1} is not upright text")


__all__ = ["Anchor", "PlacementError", "anchors_on", "check_usable", "find_anchors", "first_anchors",
           "numbered_anchors", "read", "require"]
