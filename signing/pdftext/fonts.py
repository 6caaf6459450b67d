"""What the text reader needs of a PDF font: code -> text, code -> advance width.

Simple fonts (what LibreOffice writes: single-byte subsets with /Widths and /ToUnicode) and
Type0 fonts with 2-byte codes (Identity-H). ISO 32000-1 §9.6-9.10.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf.generic import ArrayObject, DictionaryObject


@dataclass(frozen=True)
class Font:
    """A font as lookups. Single-byte fonts look up 256-entry lists (the walk calls these for
    every glyph of every page, so they are plain bound methods, no branching)."""

    text: Callable[[int], str]  # code -> the text it stands for ("" when unknown)
    width: Callable[[int], float]  # code -> advance in 1/1000 em
    two_byte: bool

    def codes(self, data: bytes) -> Sequence[int]:
        if not self.two_byte:
            return data  # iterating bytes gives the codes
        return [(data[i] << 8) | data[i + 1] for i in range(0, len(data) - 1, 2)]


def _simple(texts: list[str], widths: list[float]) -> Font:
    return Font(texts.__getitem__, widths.__getitem__, two_byte=False)


def _cid(texts: dict[int, str], widths: dict[int, float], default_width: float) -> Font:
    return Font(lambda code: texts.get(code, ""), lambda code: widths.get(code, default_width), two_byte=True)


NO_FONT = _simple([""] * 256, [0.0] * 256)  # an unreadable font: no text, no anchors

_BF_BLOCK = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_RANGE_ARRAY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\[(.*?)\]", re.S)
_RANGE_SIMPLE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(re.sub(rb"\s", b"", hexdigits).decode())
    return raw.decode("utf-16-be", "replace")


def parse_tounicode(data: bytes) -> dict[int, str]:
    """bfchar and bfrange entries of a ToUnicode CMap (all LibreOffice, Word and pyHanko write)."""
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


def load_font(font: DictionaryObject) -> Font:
    """The lookups of a font dictionary; raises KeyError, ValueError... on a broken one."""
    tu = font.get("/ToUnicode")
    umap = parse_tounicode(tu.get_object().get_data()) if tu is not None else {}
    if font.get("/Subtype") == "/Type0":
        descendants = font["/DescendantFonts"].get_object()
        if not isinstance(descendants, ArrayObject):
            raise ValueError("/DescendantFonts is not an array")
        desc = descendants[0].get_object()
        return _cid(umap, _cid_widths(desc), float(desc.get("/DW", 1000)))
    first = int(font.get("/FirstChar", 0))
    wlist = [float(w) for w in font.get("/Widths", ArrayObject()).get_object()]
    fd = font.get("/FontDescriptor")
    missing = float(fd.get_object().get("/MissingWidth", 0)) if fd is not None else 0.0
    # No ToUnicode: Latin-1 is right for the ASCII an anchor is made of.
    texts = [umap.get(code, chr(code) if 32 <= code < 127 else "") for code in range(256)]
    widths = [wlist[code - first] if 0 <= code - first < len(wlist) else missing for code in range(256)]
    return _simple(texts, widths)
