"""The walk of one page's content streams (and its form XObjects) into runs of glyphs.

It decodes glyphs through each font's /ToUnicode CMap and advances the text matrix with the
font's widths, so a glyph's position is known even in the middle of a show operation; and it
joins glyphs into *runs* of one style (effective size; visibility: white fill or invisible
render mode), so a word split over several operations (or kerned) is still one run, while
visible text glued right after invisible text is not part of it. ISO 32000-1 §8.4, §9.3, §9.4.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

from .fonts import NO_FONT, Font, load_font
from .syntax import (
    IDENTITY,
    INLINE_IMAGE,
    INSTRUCTION,
    NUMERIC_OPS,
    TEXT_OPS,
    Matrix,
    last_string,
    matrix,
    multiply,
    numbers,
    show_items,
)

INVISIBLE_SIZE = 1.5  # text this small (in user space points) prints nothing one can read


@dataclass
class Run:
    """Consecutive glyphs of one style: ``text[i]`` starts at (``xs[i]``, ``ys[i]``), the
    baseline start of glyph i in user space (text matrix, text rise and CTM applied)."""

    text: list[str]
    xs: list[float]
    ys: list[float]
    size: float  # effective font size (points in user space)
    visible: bool
    upright: bool  # text runs left-to-right along the page's x axis
    end_x: float = 0.0
    end_y: float = 0.0

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def y(self) -> float:
        return self.ys[0]


class GState:
    """The parts of the graphics and text state that place and style glyphs (saved and
    restored by q/Q)."""

    __slots__ = ("ctm", "fill", "font", "size", "tc", "tw", "th", "tl", "rise", "mode")

    def __init__(self) -> None:
        self.ctm: Matrix = IDENTITY
        self.fill: tuple[Any, ...] = (b"g", 0.0)
        self.font: Font | None = None
        self.size = 0.0
        self.tc = 0.0
        self.tw = 0.0
        self.th = 1.0
        self.tl = 0.0
        self.rise = 0.0
        self.mode = 0

    def copy(self) -> GState:
        new = GState.__new__(GState)
        for name in GState.__slots__:
            setattr(new, name, getattr(self, name))
        return new


def is_white(fill: tuple[Any, ...]) -> bool:
    op, *values = fill
    if op == b"k" or len(values) == 4:  # CMYK: white is no ink
        return len(values) == 4 and all(v == 0 for v in values)
    return bool(values) and all(v >= 0.999 for v in values)


class PageWalker:
    """Walks one page's content (and its form XObjects) into :attr:`runs`."""

    def __init__(self, fonts: dict[Any, Font]) -> None:
        self.fonts = fonts  # shared cache over the document's pages, keyed by the font's object id
        self.runs: list[Run] = []
        self._run: Run | None = None
        self._by_name: dict[tuple[int, str], Font | None] = {}

    # -- resources --------------------------------------------------------------------------
    def _font(self, resources: DictionaryObject, name: str) -> Font | None:
        key = (id(resources), name)  # pypdf lookups are slow; pages switch fonts hundreds of times
        if key not in self._by_name:
            self._by_name[key] = self._load(resources, name)
        return self._by_name[key]

    def _load(self, resources: DictionaryObject, name: str) -> Font | None:
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else None
        ref = fonts.raw_get(name) if fonts is not None and name in fonts else None
        if ref is None:
            return None
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        if key not in self.fonts:
            try:
                self.fonts[key] = load_font(ref.get_object())
            except (KeyError, ValueError, TypeError, AttributeError, IndexError):
                self.fonts[key] = NO_FONT  # unreadable font: no text, no anchors
        return self.fonts[key]

    # -- glyphs -------------------------------------------------------------------------------
    def _show(self, items: Sequence[bytes | float], gs: GState, tm: list[float]) -> None:
        """One Tj/TJ: glyph positions along the text matrix's x axis, then one run (continued or
        new) for all of them."""
        font = gs.font
        if font is None:
            return
        # Text space -> user space: Tm x CTM, fixed during the operation (the text matrix only
        # moves along its own x axis).
        m = multiply(matrix(tm), gs.ctm)
        size = gs.size * math.hypot(m[2], m[3])
        visible = gs.mode not in (3, 7) and not is_white(gs.fill) and size > INVISIBLE_SIZE
        upright = abs(m[1]) < 1e-6 and abs(m[2]) < 1e-6 and m[0] > 0 and m[3] > 0
        scale = gs.size / 1000
        texts: list[str] = []
        adv: list[float] = []
        tx = 0.0
        th, tc, tw = gs.th, gs.tc, gs.tw
        single = not font.two_byte
        text_of, width_of = font.text, font.width
        for item in items:
            if isinstance(item, float):
                tx -= item * scale * th
                continue
            for code in font.codes(item):
                text = text_of(code)
                if text:
                    texts.append(text)
                    adv.append(tx)
                # word spacing applies to the single-byte code 32 only (ISO 32000 9.3.3)
                tx += (width_of(code) * scale + tc + (tw if single and code == 32 else 0.0)) * th
        rx, ry = gs.rise * m[2], gs.rise * m[3]
        xs = [m[0] * t + rx + m[4] for t in adv]
        ys = [m[1] * t + ry + m[5] for t in adv]
        end = (m[0] * tx + rx + m[4], m[1] * tx + ry + m[5])
        tm[4] += tx * tm[0]
        tm[5] += tx * tm[1]
        if texts:
            self._extend(texts, xs, ys, end, size, visible, upright)

    def _extend(
        self, texts: list[str], xs: list[float], ys: list[float], end: tuple[float, float],
        size: float, visible: bool, upright: bool,
    ) -> None:
        run = self._run
        # A run goes on only in the same style and where the previous glyph ended (a kerning of
        # a few per cent of the size is still "there").
        if (
            run is None
            or abs(run.size - size) > 0.01
            or (run.visible, run.upright) != (visible, upright)
            or abs(run.end_y - ys[0]) > 0.1 * size
            or abs(run.end_x - xs[0]) > 0.6 * size
        ):
            run = Run([], [], [], size, visible, upright)
            self.runs.append(run)
            self._run = run
        run.text += texts
        run.xs += xs
        run.ys += ys
        run.end_x, run.end_y = end

    # -- the stream ------------------------------------------------------------------------------
    def walk(self, data: bytes, resources: DictionaryObject, gs: GState, depth: int = 0) -> None:
        if b"BI" in data:  # inline images: their binary data is not content syntax
            data = INLINE_IMAGE.sub(b" ", data)
        stack: list[GState] = []
        tm = list(IDENTITY)
        tlm = list(IDENTITY)
        for operands, op in INSTRUCTION.findall(data):
            if op not in TEXT_OPS:
                continue
            try:
                gs = self._op(op, operands, gs, stack, tm, tlm, resources, depth)
            except (IndexError, TypeError, ValueError):
                pass  # a malformed instruction is ignored, as viewers do

    def _op(
        self,
        op: bytes,
        operands: bytes,
        gs: GState,
        stack: list[GState],
        tm: list[float],
        tlm: list[float],
        resources: DictionaryObject,
        depth: int,
    ) -> GState:
        """Apply one operator; returns the (possibly restored) graphics state."""
        if op == b"TJ":
            self._show(show_items(operands), gs, tm)
            return gs
        if op in (b"Tj", b"'", b'"'):
            if op != b"Tj":
                if op == b'"':
                    gs.tw, gs.tc = numbers(operands.split(b"(")[0].split(b"<")[0])[:2]
                self._td(0.0, -gs.tl, tm, tlm)
            string = last_string(operands)
            if string is not None:
                self._show([string], gs, tm)
            return gs
        if op in NUMERIC_OPS:
            return self._numeric(op, numbers(operands), gs, tm, tlm)
        if op == b"Tf":
            name, size = operands.split()[-2:]
            gs.font, gs.size = self._font(resources, name.decode("latin-1")), float(size)
        elif op == b"BT":
            # The run is *not* ended here: LibreOffice writes every show operation in its own
            # BT/ET, so a split word spans several.
            tm[:] = tlm[:] = IDENTITY
        elif op == b"T*":
            self._td(0.0, -gs.tl, tm, tlm)
        elif op == b"q":
            stack.append(gs.copy())
        elif op == b"Q":
            if stack:
                return stack.pop()
        elif op == b"cs":
            gs.fill = (b"g", 0.0)  # a new colour space starts at its initial colour (black)
        elif op == b"Do" and depth < 8:
            self._form(operands.split()[-1].decode("latin-1"), gs, resources, depth)
        return gs

    def _numeric(self, op: bytes, a: list[float], gs: GState, tm: list[float], tlm: list[float]) -> GState:
        if op == b"Td":
            self._td(a[0], a[1], tm, tlm)
        elif op == b"TD":
            gs.tl = -a[1]
            self._td(a[0], a[1], tm, tlm)
        elif op == b"Tm":
            tm[:] = tlm[:] = a[:6]
        elif op == b"cm":
            gs.ctm = multiply(matrix(a), gs.ctm)
        elif op == b"Tc":
            gs.tc = a[0]
        elif op == b"Tw":
            gs.tw = a[0]
        elif op == b"Tz":
            gs.th = a[0] / 100
        elif op == b"TL":
            gs.tl = a[0]
        elif op == b"Ts":
            gs.rise = a[0]
        elif op == b"Tr":
            gs.mode = int(a[0])
        else:  # rg g k sc scn
            gs.fill = (op, *a)
        return gs

    @staticmethod
    def _td(tx: float, ty: float, tm: list[float], tlm: list[float]) -> None:
        tlm[4] += tx * tlm[0] + ty * tlm[2]
        tlm[5] += tx * tlm[1] + ty * tlm[3]
        tm[:] = tlm

    def _form(self, name: str, gs: GState, resources: DictionaryObject, depth: int) -> None:
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if xobjects is None or name not in xobjects:
            return
        form = xobjects[name].get_object()
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            return
        inner = gs.copy()
        form_matrix = form.get("/Matrix")
        if form_matrix is not None:
            inner.ctm = multiply(matrix([float(v) for v in form_matrix]), gs.ctm)
        res = form.get("/Resources")
        self.walk(form.get_data(), res.get_object() if res is not None else resources, inner, depth + 1)
