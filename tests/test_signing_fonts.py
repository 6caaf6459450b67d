"""Fonts (faces verified, parsed once, subset per signature), appearance text
helpers and the pyHanko hex-reader speed-up."""
from __future__ import annotations

import io
import re

import pytest
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils.misc import PdfStreamError
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing import _speedups
from signing.appearance import display_width, wrap_cells
from signing.fonts import SANS_TTC, SERIF_TTC, FontError, extract_face, family_name, get_font
from signing.seal_image import render_seal_mask, seal_png_path


@pytest.mark.parametrize("ttc, script, family", [(SANS_TTC, "sc", "Noto Sans CJK SC"), (SERIF_TTC, "tc", "Noto Serif CJK TC")])
def test_extracted_face_is_the_named_script(ttc, script: str, family: str) -> None:  # type: ignore[no-untyped-def]
    path = extract_face(ttc, script)
    assert family_name(TTFont(str(path), lazy=True)) == family
    assert extract_face(ttc, script) == path  # cached, same file


def test_unknown_script_is_refused() -> None:
    with pytest.raises(FontError):
        extract_face(SANS_TTC, "jp")


def test_font_is_shared_and_small_sets_are_built_only_for_names() -> None:
    font = get_font("sans", "sc")
    assert get_font("sans", "sc") is font  # parsed once per process
    font.for_text("申请方 · 签署人 Applicant 2026-01-01")  # base characters only
    rebuilds = font.rebuilds
    font.for_text("相对方 · 代表人")
    assert font.rebuilds == rebuilds  # covered by the base working set
    name = font.for_text("签署人 鑫淼")  # a name adds two characters: one small set
    assert font.rebuilds == rebuilds + 1 and {"鑫", "淼"} <= name._ws.chars
    font.for_text("鑫淼 2026-02-02")
    assert font.rebuilds == rebuilds + 1  # reused
    prose = "摘要：矿区下游三个取样点的水质指标均在标准范围内，社区反馈已记录，整改措施按期推进。"
    fac = font.for_text(prose)  # free text: the common tier, no build
    assert font.rebuilds == rebuilds + 1 and len(fac._ws.chars) > 5000


def test_engine_embeds_a_small_cid_subset() -> None:
    font = get_font("sans", "sc")
    text = "相对方 · 代表人 赵丽"
    w = PdfFileWriter(stream_xrefs=False)  # plain objects, so we can grep them
    engine = font.for_text(text).create_font_engine(w)
    engine.shape(text)
    engine.prepare_write()
    out = io.BytesIO()
    w.write(out)
    data = out.getvalue()
    assert b"/CIDFontType0" in data and b"/FontFile3" in data
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansCJKsc-Regular", data)  # subset tag
    assert len(data) < 40_000, "a subset of a few glyphs, not the 16 MB face"


def test_rare_characters_come_from_the_full_face() -> None:
    font = get_font("sans", "sc")
    assert "堃" not in font.missing("堃")  # the face has it...
    fac = font.for_text("王堃")  # ...though it is outside GB 2312
    assert "堃" in fac._ws.chars


def test_seal_image_is_cached_and_round() -> None:
    p1 = seal_png_path()
    assert seal_png_path() == p1
    mask = render_seal_mask(200)
    assert mask.getpixel((100, 100)) > 200  # the star's centre is ink
    assert mask.getpixel((3, 3)) == 0  # outside the ring is transparent


def test_wrap_cells() -> None:
    lines = wrap_cells("摘要 Summary: " + "水质达标" * 20 + " all sampling points within limits", 40, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(display_width(x) <= 40 for x in lines)
    assert wrap_cells("a b", 10, 2) == ["a b"]
    assert wrap_cells("sampling points", 10, 3) == ["sampling", "points"]  # words kept whole


@pytest.mark.parametrize(
    "raw",
    [
        b"<48656C6C6F>rest",
        b"<48 65\n6C 6C\r\n6F>",
        b"<486>",  # odd length: padded with 0
        b"<>",
        b"<" + b"0" * 20000 + b"AB>tail",
        b"<4865 % comment\n6C>",
    ],
)
def test_fast_hex_reader_matches_pyhanko(raw: bytes) -> None:
    a, b = io.BytesIO(raw), io.BytesIO(raw)
    expected = _speedups.original()(a)
    got = _speedups.fast_read_hex_string_from_stream(b)
    assert got == expected and type(got) is type(expected)
    assert a.tell() == b.tell()


@pytest.mark.parametrize("raw", [b"<48G5>", b"<4865"])
def test_fast_hex_reader_keeps_pyhankos_errors(raw: bytes) -> None:
    with pytest.raises(PdfStreamError):
        _speedups.original()(io.BytesIO(raw))
    with pytest.raises(PdfStreamError):
        _speedups.fast_read_hex_string_from_stream(io.BytesIO(raw))
