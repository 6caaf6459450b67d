"""Where the visible signatures go: template anchors in a rendered PDF -> a
:class:`SignaturePlan` for :func:`signing.seal.seal`.

The DOCX templates carry invisible anchors (white 1 pt runs, see
tools/build_templates.py): ``CASEDOCS-SEAL`` at the start of the
secretariat's name line in the seal area, ``CASEDOCS-SIG-<side>-<n>`` at the
start of the name line of a co-signed instrument's n-th signatory of a side
(the empty area under it is reserved for that signatory's box),
``CASEDOCS-SIG-<side>`` at the start of a side's signature block (older and
ink-signed templates), ``CASEDOCS-MONITORING`` at the top of the closure
report's empty monitoring-record area. LibreOffice renders them as
ordinary text in subset fonts (one ``TJ`` with kerning today; possibly split
over several show operations tomorrow), so this module walks the content
streams itself:

* it decodes glyphs through each font's ``/ToUnicode`` CMap and advances the
  text matrix with the font's widths, so an anchor's position is that of its
  first glyph even when it starts in the middle of a show operation;
* it joins glyphs into *runs* of one style (effective size; visibility: white
  fill or invisible render mode), so an anchor split over several operations
  (or kerned) is still found
  while the visible text glued right after it ("CASEDOCS-SEALSecretariat" in
  plain text extraction) is not part of it.

pypdf's ``extract_text(visitor_text=...)`` gives the same positions (the
tests compare them) but costs ~30 ms a page on these CJK documents; this walk
costs ~2-5 ms a page, reading the PDF included.

Fonts: simple fonts (what LibreOffice writes: single-byte subsets with
/Widths and /ToUnicode) and Type0 fonts with 2-byte codes (Identity-H).

Only unrotated pages (``/Rotate`` 0) with upright text are supported: a plan
for a rotated page, or from a rotated anchor, is refused with
:class:`PlacementError` rather than computed wrongly. Positions are PDF user
space (points, origin at the lower-left of the page's coordinate system).

Layout decisions (why, in short; details at each function):

* seal: a 119 pt (4.2 cm) square centred horizontally on the line carrying
  "（盖章）"/"(seal)" and vertically on that line and the date below it, a
  little low, as GB/T 9704 wants ("居中下压署名和成文日期", name and date
  slightly below the seal's centre);
* signatories, one anchor each (``CASEDOCS-SIG-<side>-<n>``): box n in the
  empty area under signatory n's name line, on whatever page it is, 200 x 56
  pt or as much of it as the area and the side's column leave (not below
  150 x 40 pt); any number of signatories, since the blocks flow over pages;
* signatories, one anchor a side (``CASEDOCS-SIG-<side>``, older templates):
  200 x 56 pt boxes stacked downwards from each side's anchor in
  that side's column (up to the next side's anchor or the right margin), down
  to the seal area or the bottom margin; two columns when the column is wide
  enough, shorter boxes (down to 40 pt) before giving up;
* monitoring: :func:`grid_slots` over the full text width, from the anchor (or
  below any text that follows it on that page) down to the bottom margin.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from . import appearance
from .errors import SigningCoreError
from .pdfdoc import check_field_name, signatory_field
from .seal import Box, FieldSlot, InstrumentKind, grid_slots

# -- anchors ---------------------------------------------------------------------------------
ANCHOR_PREFIX = "CASEDOCS-"
ANCHOR_SEAL = "CASEDOCS-SEAL"
ANCHOR_MONITORING = "CASEDOCS-MONITORING"
SIG_ANCHOR_PREFIX = "CASEDOCS-SIG-"
# Sides are lower-case identifiers (applicant, respondent), optionally numbered
# (-1, -2, ...: one anchor per signatory); the upper-case letter of visible
# text of the same style right after an anchor ends it.
_ANCHOR_RE = re.compile(r"CASEDOCS-(?:SEAL|MONITORING|SIG-[a-z0-9_]+(?:-[0-9]+)?)")
_SIG_RE = re.compile(r"([a-z0-9_]+)(?:-([0-9]+))?")


def sig_anchor(side: str, number: int | None = None) -> str:
    """A side's anchor, or with ``number`` the anchor of that side's signatory (1-based)."""
    return f"{SIG_ANCHOR_PREFIX}{side}" + (f"-{number}" if number is not None else "")


# -- geometry of the templates (tools/build_templates.py, setup_page) ------------------------
CM = 72 / 2.54


@dataclass(frozen=True)
class Margins:
    """Page margins in points. The defaults are the templates' A4 set-up; the
    text area is only used for monitoring slots and as the limit of stacks."""

    left: float = 2.8 * CM
    right: float = 2.6 * CM
    top: float = 3.0 * CM
    bottom: float = 2.6 * CM


TEMPLATE_MARGINS = Margins()

SEAL_SIZE = 119.0  # 4.2 cm, the diameter of the secretariat's round seal
# The seal's centre sits this far above the middle of name line and date, so
# they read "centre, slightly low" on the seal (GB/T 9704-2012 §7.3.5.1).
SEAL_LIFT = 3.0
SEAL_CLEARANCE = 3.0  # between the seal and text it must not cover (a header's rule sits ~3 pt below it)
SEAL_MARKERS = ("盖章", "蓋章", "(seal)", "seal")  # the line the seal goes over

SIG_BOX_W, SIG_BOX_H = 200.0, 56.0  # fits the 5-line approval text at 9 pt, shrunk a little
SIG_MIN_W, SIG_MIN_H = 150.0, 40.0  # below that the approval text gets unreadable
GAP = 6.0  # between boxes, and between boxes and what they must not touch
MONITOR_MIN_H = 40.0  # a monitoring slot's 7 lines at 7 pt, shrunk to ~60 %


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
        return _SIG_RE.fullmatch(self.text[len(SIG_ANCHOR_PREFIX):])


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

    def seal_arguments(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "seal_page": self.seal_page,
            "seal_box": self.seal_box,
            "signatory_fields": self.signatory_fields,
            "monitoring_slots": self.monitoring_slots,
        }


# == content-stream walk ======================================================================
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m x n in PDF's row-vector convention (apply m first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


@dataclass
class _Font:
    """What the walk needs of a font, as lookup tables: code -> text, code ->
    width in 1/1000 em. Single-byte fonts use 256-entry lists (fast)."""

    texts: Sequence[str] | Mapping[int, str]
    widths: Sequence[float] | Mapping[int, float]
    default_width: float
    two_byte: bool

    def codes(self, data: bytes) -> Sequence[int]:
        if not self.two_byte:
            return data  # iterating bytes gives the codes
        return [(data[i] << 8) | data[i + 1] for i in range(0, len(data) - 1, 2)]

    def text(self, code: int) -> str:
        return self.texts[code] if not self.two_byte else self.texts.get(code, "")  # type: ignore[union-attr]

    def width(self, code: int) -> float:
        if not self.two_byte:
            return self.widths[code]  # type: ignore[index]
        return self.widths.get(code, self.default_width)  # type: ignore[union-attr]


_NO_FONT = _Font([""] * 256, [0.0] * 256, 0.0, two_byte=False)


_BF_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_RANGE_ARRAY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\[(.*?)\]", re.S)
_RANGE_SIMPLE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(re.sub(rb"\s", b"", hexdigits).decode())
    return raw.decode("utf-16-be", "replace")


def _parse_tounicode(data: bytes) -> dict[int, str]:
    """bfchar and bfrange entries of a ToUnicode CMap (all LibreOffice, Word
    and pyHanko write)."""
    out: dict[int, str] = {}
    for kind, body in _BF_BLOCK.findall(data):
        if kind == b"bfchar":
            hexes = _HEX.findall(body)
            for src, dst in zip(hexes[0::2], hexes[1::2]):
                out[int(src, 16)] = _utf16(dst)
            continue
        for lo, hi, items in _RANGE_ARRAY.findall(body):
            for code, dst in zip(range(int(lo, 16), int(hi, 16) + 1), _HEX.findall(items)):
                out[code] = _utf16(dst)
        for lo, hi, dst in _RANGE_SIMPLE.findall(body):
            start = bytes.fromhex(dst.decode())
            base = int.from_bytes(start, "big")
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = (base + k).to_bytes(len(start), "big").decode("utf-16-be", "replace")
    return out


def _cid_widths(desc: DictionaryObject) -> dict[int, float]:
    """A CIDFont's /W array: ``c [w1 w2 ...]`` and ``c_first c_last w`` forms."""
    widths: dict[int, float] = {}
    w = desc.get("/W")
    items = list(w.get_object()) if w is not None else []
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1].get_object()
        if isinstance(nxt, ArrayObject):
            for k, width in enumerate(nxt):
                widths[first + k] = float(width)
            i += 2
        else:
            for code in range(first, int(nxt) + 1):
                widths[code] = float(items[i + 2])
            i += 3
    return widths


def _load_font(font: DictionaryObject) -> _Font:
    tu = font.get("/ToUnicode")
    umap = _parse_tounicode(tu.get_object().get_data()) if tu is not None else {}
    if font.get("/Subtype") == "/Type0":
        desc = font["/DescendantFonts"][0].get_object()
        return _Font(umap, _cid_widths(desc), float(desc.get("/DW", 1000)), two_byte=True)
    first = int(font.get("/FirstChar", 0))
    wlist = [float(w) for w in font.get("/Widths", ArrayObject()).get_object()]
    fd = font.get("/FontDescriptor")
    missing = float(fd.get_object().get("/MissingWidth", 0)) if fd is not None else 0.0
    # No ToUnicode: Latin-1 is right for the ASCII an anchor is made of.
    texts = [umap.get(code, chr(code) if 32 <= code < 127 else "") for code in range(256)]
    widths = [wlist[code - first] if 0 <= code - first < len(wlist) else missing for code in range(256)]
    return _Font(texts, widths, missing, two_byte=False)


@dataclass
class _Run:
    """Consecutive glyphs of one style: the unit anchors are searched in."""

    text: list[str]
    xs: list[float]
    ys: list[float]
    size: float
    visible: bool
    upright: bool
    end_x: float = 0.0
    end_y: float = 0.0

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def y(self) -> float:
        return self.ys[0]


class _GState:
    """The parts of the graphics and text state that place and style glyphs
    (saved and restored by q/Q)."""

    __slots__ = ("ctm", "fill", "font", "size", "tc", "tw", "th", "tl", "rise", "mode")

    def __init__(self) -> None:
        self.ctm: Matrix = IDENTITY
        self.fill: tuple[Any, ...] = (b"g", 0.0)
        self.font: _Font | None = None
        self.size = 0.0
        self.tc = 0.0
        self.tw = 0.0
        self.th = 1.0
        self.tl = 0.0
        self.rise = 0.0
        self.mode = 0

    def copy(self) -> "_GState":
        new = _GState.__new__(_GState)
        for name in _GState.__slots__:
            setattr(new, name, getattr(self, name))
        return new


# Content streams are parsed one *instruction* (operands + operator) per
# regex match: the C regex engine does the tokenising, Python only sees the
# operators (300-2,800 a page here, a fifth of the tokens), and parses the
# operands of the dozen that place or style text.
_STR_LIT = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"  # one level of unescaped nesting
# Possessive quantifiers (Python 3.11+): no backtracking into operands,
# which halves the time of the scan.
_OPERAND = (
    rb"[+-]?+(?:\d++\.?+\d*+|\.\d++)"
    rb"|/[^\s/\[\]()<>{}%]*+"
    rb"|<[0-9A-Fa-f\s]*+>"
    rb"|\[(?:[^\[\]()]++|" + _STR_LIT + rb")*+\]"
    rb"|" + _STR_LIT
    + rb"|<<(?:[^<>]++|<[^<>]*+>|<<(?:[^<>]|<[^<>]*>)*>>)*+>>"  # property lists (BDC, DP)
)
_INSTRUCTION = re.compile(rb"((?:\s*+(?:" + _OPERAND + rb"))*+)\s*+([A-Za-z'\"*][A-Za-z0-9*']*+)", re.S)
_TJ_ITEM = re.compile(rb"<([0-9A-Fa-f\s]*)>|(" + _STR_LIT + rb")|([+-]?(?:\d+\.?\d*|\.\d+))", re.S)
_INLINE_IMAGE = re.compile(rb"(?<![^\s])BI\s.*?\sID\s.*?\sEI(?=\s|$)", re.S)
_ESC = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_NUMERIC_OPS = {b"Td", b"TD", b"Tm", b"cm", b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr", b"rg", b"g", b"k", b"sc", b"scn"}
# Everything else (marked content, paths, line styles...) cannot move or style text.
_TEXT_OPS = _NUMERIC_OPS | {b"TJ", b"Tj", b"'", b'"', b"Tf", b"BT", b"T*", b"q", b"Q", b"cs", b"Do"}


def _hexstring(digits: bytes) -> bytes:
    try:
        return bytes.fromhex(digits.decode())  # skips whitespace itself
    except ValueError:
        digits = re.sub(rb"\s", b"", digits)
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())  # odd length: a final 0 is implied


def _literal(token: bytes) -> bytes:
    """The bytes of a literal string token, parentheses included."""
    body = token[1:-1]
    if b"\\" not in body:
        return body
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        i += 1
        if c != 0x5C or i >= n:  # not a backslash
            out.append(c)
            continue
        c = body[i]
        i += 1
        if c in _ESC:
            out += _ESC[c]
        elif 0x30 <= c <= 0x37:  # octal, up to three digits
            j = i
            while j < n and j < i + 2 and 0x30 <= body[j] <= 0x37:
                j += 1
            out.append(int(body[i - 1 : j], 8) & 0xFF)
            i = j
        elif c == 0x0D:  # line continuation
            i += i < n and body[i] == 0x0A
        elif c != 0x0A:
            out.append(c)
    return bytes(out)


def _string(operands: bytes) -> bytes | None:
    """The last string operand (of Tj, ', ")."""
    for hexdigits, lit, number in reversed(_TJ_ITEM.findall(operands)):
        if not number:  # a string: literal, or hex (possibly empty)
            return _literal(lit) if lit else _hexstring(hexdigits)
    return None


def _numbers(operands: bytes) -> list[float]:
    out = []
    for word in operands.split():
        try:
            out.append(float(word))
        except ValueError:
            pass  # a colour-space or pattern name among sc/scn operands
    return out


def _is_white(fill: tuple[Any, ...]) -> bool:
    op, *values = fill
    if op == b"k" or len(values) == 4:  # CMYK: white is no ink
        return len(values) == 4 and all(v == 0 for v in values)
    return bool(values) and all(v >= 0.999 for v in values)


class _PageWalker:
    """Walks one page's content (and its form XObjects) into runs."""

    def __init__(self, fonts: dict[Any, _Font]) -> None:
        self.fonts = fonts  # shared cache, keyed by the font's object id
        self.runs: list[_Run] = []
        self._run: _Run | None = None
        self._by_name: dict[tuple[int, str], _Font | None] = {}

    # -- resources --------------------------------------------------------------------------
    def _font(self, resources: DictionaryObject, name: str) -> _Font | None:
        key = (id(resources), name)  # pypdf lookups are slow; pages switch fonts hundreds of times
        if key not in self._by_name:
            self._by_name[key] = self._load(resources, name)
        return self._by_name[key]

    def _load(self, resources: DictionaryObject, name: str) -> _Font | None:
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else None
        ref = fonts.raw_get(name) if fonts is not None and name in fonts else None
        if ref is None:
            return None
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        if key not in self.fonts:
            try:
                self.fonts[key] = _load_font(ref.get_object())
            except (KeyError, ValueError, TypeError, AttributeError, IndexError):
                self.fonts[key] = _NO_FONT  # unreadable font: no text, no anchors
        return self.fonts[key]

    # -- glyphs -------------------------------------------------------------------------------
    def _show(self, items: Sequence[bytes | float], gs: _GState, tm: list[float]) -> None:
        """One Tj/TJ: glyph positions along the text matrix's x axis, then one
        run (continued or new) for all of them."""
        font = gs.font
        if font is None:
            return
        # Text space -> user space: Tm x CTM, fixed during the operation (the
        # text matrix only moves along its own x axis).
        m = _mul(tuple(tm), gs.ctm)  # type: ignore[arg-type]
        size = gs.size * math.hypot(m[2], m[3])
        visible = gs.mode not in (3, 7) and not _is_white(gs.fill) and size > 1.5
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
        # A run goes on only in the same style and where the previous glyph
        # ended (a kerning of a few per cent of the size is still "there").
        if (
            run is None
            or abs(run.size - size) > 0.01
            or (run.visible, run.upright) != (visible, upright)
            or abs(run.end_y - ys[0]) > 0.1 * size
            or abs(run.end_x - xs[0]) > 0.6 * size
        ):
            run = _Run([], [], [], size, visible, upright)
            self.runs.append(run)
            self._run = run
        run.text += texts
        run.xs += xs
        run.ys += ys
        run.end_x, run.end_y = end

    # -- the stream ------------------------------------------------------------------------------
    def walk(self, data: bytes, resources: DictionaryObject, gs: _GState, depth: int = 0) -> None:
        if b"BI" in data:  # inline images: their binary data is not content syntax
            data = _INLINE_IMAGE.sub(b" ", data)
        stack: list[_GState] = []
        tm = list(IDENTITY)
        tlm = list(IDENTITY)
        for operands, op in _INSTRUCTION.findall(data):
            if op not in _TEXT_OPS:
                continue
            try:
                gs = self._op(op, operands, gs, stack, tm, tlm, resources, depth)
            except (IndexError, TypeError, ValueError):
                pass  # a malformed instruction is ignored, as viewers do

    def _op(
        self,
        op: bytes,
        operands: bytes,
        gs: _GState,
        stack: list[_GState],
        tm: list[float],
        tlm: list[float],
        resources: DictionaryObject,
        depth: int,
    ) -> _GState:
        """Apply one operator; returns the (possibly restored) graphics state."""
        if op == b"TJ":
            items: list[bytes | float] = []
            for hexdigits, lit, num in _TJ_ITEM.findall(operands):
                items.append(float(num) if num else _literal(lit) if lit else _hexstring(hexdigits))
            self._show(items, gs, tm)
            return gs
        if op in (b"Tj", b"'", b'"'):
            if op != b"Tj":
                if op == b'"':
                    gs.tw, gs.tc = _numbers(operands.split(b"(")[0].split(b"<")[0])[:2]
                self._td(0.0, -gs.tl, tm, tlm)
            string = _string(operands)
            if string is not None:
                self._show([string], gs, tm)
            return gs
        if op in _NUMERIC_OPS:
            return self._numeric(op, _numbers(operands), gs, tm, tlm)
        if op == b"Tf":
            name, size = operands.split()[-2:]
            gs.font, gs.size = self._font(resources, name.decode("latin-1")), float(size)
        elif op == b"BT":
            # The run is *not* ended here: LibreOffice writes every show
            # operation in its own BT/ET, so a split anchor spans several.
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

    def _numeric(self, op: bytes, a: list[float], gs: _GState, tm: list[float], tlm: list[float]) -> _GState:
        if op == b"Td":
            self._td(a[0], a[1], tm, tlm)
        elif op == b"TD":
            gs.tl = -a[1]
            self._td(a[0], a[1], tm, tlm)
        elif op == b"Tm":
            tm[:] = tlm[:] = a[:6]
        elif op == b"cm":
            gs.ctm = _mul(tuple(a[:6]), gs.ctm)  # type: ignore[arg-type]
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

    def _form(self, name: str, gs: _GState, resources: DictionaryObject, depth: int) -> None:
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if xobjects is None or name not in xobjects:
            return
        form = xobjects[name].get_object()
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            return
        inner = gs.copy()
        matrix = form.get("/Matrix")
        if matrix is not None:
            inner.ctm = _mul(tuple(float(v) for v in matrix), gs.ctm)  # type: ignore[arg-type]
        res = form.get("/Resources")
        self.walk(form.get_data(), res.get_object() if res is not None else resources, inner, depth + 1)


# == pages ===================================================================================
@dataclass(frozen=True)
class _Line:
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


@dataclass
class _Page:
    index: int
    box: Box  # CropBox within MediaBox
    rotation: int
    runs: list[_Run] = field(default_factory=list)
    _lines: list[_Line] | None = None

    def anchors(self) -> list[Anchor]:
        out = []
        for run in self.runs:
            text = "".join(run.text)
            if ANCHOR_PREFIX not in text:
                continue
            # offsets of characters -> glyph index (a glyph may map to several chars)
            starts = []
            for i, t in enumerate(run.text):
                starts += [i] * len(t)
            for m in _ANCHOR_RE.finditer(text):
                g = starts[m.start()]
                out.append(Anchor(self.index, m.group(), round(run.xs[g], 3), round(run.ys[g], 3),
                                  round(run.size, 3), run.upright))
        return out

    def lines(self) -> list[_Line]:
        """Visible lines, top to bottom (computed once: the plan asks often)."""
        if self._lines is None:
            self._lines = _lines(self.runs)
        return self._lines

    def lines_within(self, x1: float, x2: float) -> list[_Line]:
        """Visible lines of the text between ``x1`` and ``x2`` only (one column of a table)."""
        return _lines([r for r in self.runs if r.visible and r.x0 < x2 and _ink_end(r) > x1])


# Blank (in ems of the next run) between runs on one baseline that makes them separate columns:
# adjacent table cells are two cell paddings apart (2 x 0.19 cm, about 1 em of 10.5-11 pt text).
COLUMN_GAP = 0.9


def _lines(runs: Sequence[_Run], split_columns: bool = False) -> list[_Line]:
    rows: list[list[_Run]] = []
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
                out.append(_Line(part[0].y, min(r.x0 for r in part), max(_ink_end(r) for r in part),
                                 max(r.size for r in part), text))
    return out


def _columns(row: Sequence[_Run]) -> list[list[_Run]]:
    """The runs of one baseline (left to right), cut where a wide blank separates them."""
    parts: list[list[_Run]] = []
    for run in row:
        if not "".join(run.text).strip():
            continue  # blanks carry no ink (and would bridge the columns)
        if parts and run.x0 - max(_ink_end(r) for r in parts[-1]) <= COLUMN_GAP * run.size:
            parts[-1].append(run)
        else:
            parts.append([run])
    return parts


def _ink_end(run: _Run) -> float:
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


def _read(pdf: bytes) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise PlacementError(f"not a readable PDF: {e}") from e


def _contents(page: Any) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    # Streams of one page concatenate at token boundaries: join with a newline.
    return b"\n".join(s.get_object().get_data() for s in streams)


def _scan(pdf: bytes) -> list[_Page]:
    reader = _read(pdf)
    fonts: dict[Any, _Font] = {}
    pages = []
    try:
        for index, page in enumerate(reader.pages):
            walker = _PageWalker(fonts)
            res = page.get("/Resources")
            walker.walk(_contents(page), res.get_object() if res is not None else DictionaryObject(), _GState())
            pages.append(_Page(index, _box(page), int(page.rotation) % 360, walker.runs))
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError) as e:
        raise PlacementError(f"cannot read the pages of this PDF: {e}") from e
    return pages


def find_anchors(pdf: bytes) -> list[Anchor]:
    """Every anchor occurrence, in document order (page, then content order)."""
    return [a for page in _scan(pdf) for a in page.anchors()]


@dataclass(frozen=True)
class TextLine:
    """A visible line of text as placement sees it: on one baseline, within one column."""

    page: int  # 0-based
    box: Box  # from the descent to the ascent of its largest glyphs
    text: str
    baseline: float


def text_lines(pdf: bytes) -> list[TextLine]:
    """Every visible line of text, top to bottom on each page; text on one baseline that a wide
    gap separates (the columns of a table) gives one line per column. What a placed box must not
    cover, but for the seal's own name and date lines."""
    return [TextLine(page.index, (ln.x0, ln.bottom, ln.x1, ln.top), ln.text, ln.y)
            for page in _scan(pdf) for ln in _lines(page.runs, split_columns=True)]


# == the plan ===============================================================================
def plan_for(
    pdf: bytes,
    *,
    instrument_kind: InstrumentKind | str,
    signatories: Mapping[str, int] | None = None,
    monitoring_slots: int = 0,
    instrument: str | None = None,
    margins: Margins = TEMPLATE_MARGINS,
) -> SignaturePlan:
    """Where the seal, the signatories' fields (``signatories``: side -> how
    many) and the monitoring slots go in this rendered instrument.

    ``instrument`` (e.g. "agreement") only names the document in errors.
    The first occurrence of each anchor counts (the Chinese part of a
    bilingual edition). Raises :class:`PlacementError`.
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

    pages = _scan(pdf)
    anchors = _first_anchors([a for p in pages for a in p.anchors()])
    numbered = _numbered_anchors(name, wanted, anchors)
    required = [ANCHOR_SEAL, *(sig_anchor(s) for s in wanted if s not in numbered)]
    if monitoring_slots:
        required.append(ANCHOR_MONITORING)
    _require(name, anchors, required)
    for anchor in [*(anchors[text] for text in required), *(a for side in numbered.values() for a in side)]:
        _check_usable(name, anchor, pages[anchor.page])

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
    return SignaturePlan(name, kind, seal_anchor.page, seal_box, tuple(fields), tuple(slots))


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


def _numbered_anchors(name: str, wanted: Mapping[str, int], anchors: Mapping[str, Anchor]) -> dict[str, list[Anchor]]:
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


def _first_anchors(anchors: Sequence[Anchor]) -> dict[str, Anchor]:
    out: dict[str, Anchor] = {}
    for a in anchors:
        out.setdefault(a.text, a)
    return out


def _require(name: str, anchors: Mapping[str, Anchor], required: Sequence[str]) -> None:
    missing = [a for a in required if a not in anchors]
    if missing:
        found = ", ".join(sorted(anchors)) or "no anchor at all"
        raise PlacementError(
            f"{name}: anchor{'s' if len(missing) > 1 else ''} {', '.join(missing)} not found in the PDF "
            f"(found: {found}); the template must carry them as white 1 pt text"
        )


def _check_usable(name: str, anchor: Anchor, page: _Page) -> None:
    if page.rotation:
        raise PlacementError(
            f"{name}: page {anchor.page + 1} is rotated by {page.rotation}°; placement supports unrotated pages only"
        )
    if not anchor.upright:
        raise PlacementError(f"{name}: anchor {anchor.text} on page {anchor.page + 1} is not upright text")


# -- seal ----------------------------------------------------------------------------------------
def _seal_box(anchor: Anchor, page: _Page, obstacles: Sequence[Box] = ()) -> tuple[Box, Box]:
    """The seal's square, and the area (square plus name and date lines) the
    signatories must stay clear of. ``obstacles``: boxes already placed on the
    page (signatories' reserved areas) the seal must not cover either."""
    lines = page.lines()
    block = _block_at(anchor, lines)
    marked = next((i for i, line in enumerate(block) if any(m in line.text for m in SEAL_MARKERS)), 0)
    block = block[:marked + 2]  # the block ends with the date: what follows it is text to keep clear of
    seal_line = block[marked]
    date_line = block[marked + 1] if marked + 1 < len(block) else seal_line
    cx = (seal_line.x0 + seal_line.x1) / 2
    cy = (seal_line.middle + date_line.middle) / 2 + SEAL_LIFT
    half = SEAL_SIZE / 2
    x1, x2 = cx - half, cx + half
    ceiling = _ceiling(x1, x2, block, lines, obstacles)
    # Lower the seal under what is above its block, as far as the seal line stays under it...
    cy -= max(0.0, min(cy + half - ceiling, cy + half - (seal_line.top + SEAL_CLEARANCE)))
    # ...and raise it over what is below (the footer, when the block ends a page), as far as the
    # date stays under it and it keeps under the ceiling.
    floor = _floor_below(x1, x2, block, lines)
    cy += max(0.0, min(floor - (cy - half), date_line.bottom - SEAL_CLEARANCE - (cy - half), ceiling - (cy + half)))
    box = _inside((cx - half, cy - half, cx + half, cy + half), page.box)
    area = (min(box[0], *(ln.x0 for ln in block)), min(box[1], block[-1].bottom),
            max(box[2], *(ln.x1 for ln in block)), max(box[3], block[0].top))
    return box, area


def _ceiling(x1: float, x2: float, block: Sequence[_Line], lines: Sequence[_Line], obstacles: Sequence[Box]) -> float:
    """The highest the seal's top may be: under the text above its block (the body's last line,
    or the running header when the seal block starts a page) and under the obstacles above it."""
    above = [ln.bottom for ln in lines if ln.y > block[0].y + 1.0 and ln.x0 < x2 and ln.x1 > x1]
    above += [b[1] for b in obstacles if b[1] > block[0].y + 1.0 and b[0] < x2 and b[2] > x1]
    return min((bottom - SEAL_CLEARANCE for bottom in above), default=math.inf)


def _floor_below(x1: float, x2: float, block: Sequence[_Line], lines: Sequence[_Line]) -> float:
    """The lowest the seal's bottom may be: over the text below its block."""
    below = [ln.top for ln in lines if ln.y < block[-1].y - 1.0 and ln.x0 < x2 and ln.x1 > x1]
    return max((top + SEAL_CLEARANCE for top in below), default=-math.inf)


def _block_at(anchor: Anchor, lines: Sequence[_Line]) -> list[_Line]:
    """The lines starting at an anchor: the anchor's line (the secretariat's name,
    a signatory's name; possibly wrapped) and up to four lines right below it (the
    date), with no blank line between. Without visible text, the anchor itself
    stands for the line."""
    start = next((i for i, ln in enumerate(lines) if abs(ln.y - anchor.y) < 1.0 and ln.x1 > anchor.x), None)
    if start is None:
        return [_Line(anchor.y, anchor.x, anchor.x, 12.0, "")]
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
    pages: Sequence[_Page],
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
    pages: Sequence[_Page],
    sig_anchors: Sequence[Anchor],
    margins: Margins,
) -> dict[str, list[FieldSlot]]:
    """Sides with one anchor per signatory: box n in the area under signatory n's name."""
    return {side: [_field(side, n, a.page, _reserved_box(name, a, pages[a.page], sig_anchors, margins))
                   for n, a in enumerate(anchors, start=1)]
            for side, anchors in numbered.items()}


def _reserved_box(name: str, anchor: Anchor, page: _Page, sig_anchors: Sequence[Anchor], margins: Margins) -> Box:
    """The box under a signatory's name line (which may wrap), in the side's column, down to the
    next text below it in that column or the bottom margin: the template leaves that area empty."""
    left = anchor.x
    right = page.box[2] - margins.right
    for other in sig_anchors:  # the other side's column starts at its anchors
        if other.page == anchor.page and other.x > anchor.x + GAP:
            right = min(right, other.x - GAP)
    width = min(SIG_BOX_W, right - left)
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


def _column(anchor: Anchor, page: _Page, sig_anchors: Sequence[Anchor], margins: Margins) -> tuple[float, float, float]:
    """(left, right, top) of the side's column: from its anchor to the next
    side's anchor on the same line (side-by-side blocks) or the right margin;
    the top is just under the block's heading, which shares the anchor's line."""
    right = page.box[2] - margins.right
    for other in sig_anchors:
        if other.page == anchor.page and abs(other.y - anchor.y) < 1.0 and other.x > anchor.x:
            right = min(right, other.x - GAP)
    heading = [ln for ln in page.lines() if abs(ln.y - anchor.y) < 1.0]
    descent = max((ln.y - ln.bottom for ln in heading), default=3.0)
    return anchor.x, right, anchor.y - descent - 1.0


def _floor(
    anchor: Anchor,
    page: _Page,
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
    name: str, count: int, anchor: Anchor | None, pages: Sequence[_Page], margins: Margins
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


def _monitoring_area(anchor: Anchor, page: _Page, margins: Margins) -> Box:
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


def _check_layout(name: str, pages: Sequence[_Page], seal_page: int, seal_box: Box, slots: Sequence[FieldSlot]) -> None:
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


__all__ = [
    "ANCHOR_MONITORING",
    "ANCHOR_SEAL",
    "Anchor",
    "Margins",
    "PlacementError",
    "SignaturePlan",
    "TEMPLATE_MARGINS",
    "TextLine",
    "find_anchors",
    "plan_for",
    "sig_anchor",
    "text_lines",
]
