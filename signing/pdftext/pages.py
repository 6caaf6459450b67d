"""Pages as the text reader sees them: runs, visible lines, and where a pattern's text starts."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject

from ..errors import MalformedPdf
from ..seal import Box
from .fonts import Font
from .walker import GState, PageWalker, Run

# Blank (in ems of the next run) between runs on one baseline that makes them separate columns:
# adjacent table cells are two cell paddings apart (2 x 0.19 cm, about 1 em of 10.5-11 pt text).
COLUMN_GAP = 0.9


@dataclass(frozen=True)
class Line:
    """Visible text on one baseline (runs within 1 pt), left to right."""

    y: float
    x0: float
    x1: float
    size: float
    text: str

    @property
    def top(self) -> float:
        return self.y + 0.9 * self.size  # ascender of CJK and Latin serif faces

    @property
    def bottom(self) -> float:
        return self.y - 0.25 * self.size

    @property
    def middle(self) -> float:
        return self.y + 0.35 * self.size  # visual centre of CJK glyphs and Latin caps


@dataclass(frozen=True)
class TextMatch:
    """Where a pattern's match starts: ``x``, ``y`` is the baseline start of its first glyph in
    user space, rounded to 1/1000 pt."""

    page: int  # 0-based
    text: str
    x: float
    y: float
    size: float  # effective font size (points in user space)
    upright: bool  # text runs left-to-right along the page's x axis
    visible: bool


@dataclass
class Page:
    index: int  # 0-based
    box: Box  # CropBox within MediaBox
    rotation: int  # degrees, 0 <= rotation < 360
    runs: list[Run] = field(default_factory=list)
    _lines: list[Line] | None = None

    def find(self, pattern: re.Pattern[str], prefix: str = "") -> list[TextMatch]:
        """Every match of ``pattern`` within one run (one style: an invisible word and the
        visible text glued after it are two runs), in content order. Runs without ``prefix`` are
        skipped unsearched (a page has hundreds)."""
        out = []
        for run in self.runs:
            text = "".join(run.text)
            if prefix not in text:
                continue
            # offsets of characters -> glyph index (a glyph may map to several chars)
            starts = []
            for i, t in enumerate(run.text):
                starts += [i] * len(t)
            for m in pattern.finditer(text):
                g = starts[m.start()]
                out.append(TextMatch(self.index, m.group(), round(run.xs[g], 3), round(run.ys[g], 3),
                                     round(run.size, 3), run.upright, run.visible))
        return out

    def lines(self) -> list[Line]:
        """Visible lines, top to bottom (computed once: placement asks often)."""
        if self._lines is None:
            self._lines = lines_of(self.runs)
        return self._lines

    def lines_within(self, x1: float, x2: float) -> list[Line]:
        """Visible lines of the text between ``x1`` and ``x2`` only (one column of a table)."""
        return lines_of([r for r in self.runs if r.visible and r.x0 < x2 and _ink_end(r) > x1])


def lines_of(runs: Sequence[Run], split_columns: bool = False) -> list[Line]:
    """The visible runs as lines, top to bottom; with ``split_columns``, runs of one baseline
    that a wide blank separates give one line each."""
    rows: list[list[Run]] = []
    for run in sorted((r for r in runs if r.visible), key=lambda r: -r.y):
        if rows and abs(rows[-1][0].y - run.y) < 1.0:
            rows[-1].append(run)
        else:
            rows.append([run])
    out = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        for part in _columns(row) if split_columns else [row]:
            text = "".join("".join(r.text) for r in part)
            if text.strip():
                out.append(Line(part[0].y, min(r.x0 for r in part), max(_ink_end(r) for r in part),
                                max(r.size for r in part), text))
    return out


def _columns(row: Sequence[Run]) -> list[list[Run]]:
    """The runs of one baseline (left to right), cut where a wide blank separates them."""
    parts: list[list[Run]] = []
    for run in row:
        if not "".join(run.text).strip():
            continue  # blanks carry no ink (and would bridge the columns)
        if parts and run.x0 - max(_ink_end(r) for r in parts[-1]) <= COLUMN_GAP * run.size:
            parts[-1].append(run)
        else:
            parts.append([run])
    return parts


def _ink_end(run: Run) -> float:
    """Where the run's last non-blank glyph ends (a trailing space is no text)."""
    k = len(run.text)
    while k > 1 and not run.text[k - 1].strip():
        k -= 1
    return run.xs[k] if k < len(run.xs) else run.end_x


def _box(page: Any) -> Box:
    media = page.mediabox
    crop = page.cropbox
    return (max(float(media.left), float(crop.left)), max(float(media.bottom), float(crop.bottom)),
            min(float(media.right), float(crop.right)), min(float(media.top), float(crop.top)))


def _contents(page: Any) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    # Streams of one page concatenate at token boundaries: join with a newline.
    return b"\n".join(s.get_object().get_data() for s in streams)


def read_pages(pdf: bytes) -> list[Page]:
    """Every page's runs. Raises :class:`MalformedPdf` when the PDF or a page cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise MalformedPdf(f"not a readable PDF: {e}") from e
    fonts: dict[Any, Font] = {}
    pages = []
    try:
        for index, page in enumerate(reader.pages):
            walker = PageWalker(fonts)
            res = page.get("/Resources")
            walker.walk(_contents(page), res.get_object() if res is not None else DictionaryObject(), GState())
            pages.append(Page(index, _box(page), int(page.rotation) % 360, walker.runs))
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError) as e:
        raise MalformedPdf(f"cannot read the pages of this PDF: {e}") from e
    return pages


@dataclass(frozen=True)
class TextLine:
    """A visible line of text: on one baseline, within one column."""

    page: int  # 0-based
    box: Box  # from the descent to the ascent of its largest glyphs
    text: str
    baseline: float


def text_lines(pdf: bytes) -> list[TextLine]:
    """Every visible line of text, top to bottom on each page; text on one baseline that a wide
    gap separates (the columns of a table) gives one line per column. What a placed box must not
    cover, but for the seal's own name and date lines."""
    return [TextLine(page.index, (ln.x0, ln.bottom, ln.x1, ln.top), ln.text, ln.y)
            for page in read_pages(pdf) for ln in lines_of(page.runs, split_columns=True)]
