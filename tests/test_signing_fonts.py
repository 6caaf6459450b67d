"""Fonts (faces verified, parsed once, CFF subsets written per appearance),
appearance text helpers and the pyHanko/asn1crypto speed-ups."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fontTools import subset as ft_subset
from fontTools.cffLib import CFFFontSet
from fontTools.cffLib.transforms import desubroutinizeCharString
from fontTools.misc.psCharStrings import encodeFloat, encodeIntCFF
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import StreamObject
from pyhanko.pdf_utils.misc import PdfStreamError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.stamp import TextStamp, TextStampStyle

from signing import _speedups, fonts
from signing.appearance import display_width, wrap_cells
from signing.fonts import SANS_TTC, SERIF_TTC, CJKFont, FontError, extract_face, family_name, get_font
from signing.pdfdoc import open_reader
from signing.seal_image import render_seal_mask, seal_png_path


@pytest.mark.parametrize("ttc, script, family", [(SANS_TTC, "sc", "Noto Sans CJK SC"), (SERIF_TTC, "tc", "Noto Serif CJK TC")])
def test_extracted_face_is_the_named_script(ttc, script: str, family: str) -> None:  # type: ignore[no-untyped-def]
    path = extract_face(ttc, script)
    assert family_name(TTFont(str(path), lazy=True)) == family
    assert extract_face(ttc, script) == path  # cached, same file


def test_unknown_script_is_refused() -> None:
    with pytest.raises(FontError):
        extract_face(SANS_TTC, "jp")


def test_font_is_shared_and_outlines_are_prepared_once() -> None:
    assert get_font("sans", "sc") is get_font("sans", "sc")  # parsed once per process
    font = CJKFont(SANS_TTC, "sc")  # a private instance, so the counts are ours
    built = font.outlines_built
    font.for_text("申请方 · 签署人 Applicant 2026-01-01")  # base characters: prepared at load
    font.for_text("相对方 · 代表人")
    assert font.outlines_built == built
    font.for_text("签署人 鑫淼")  # a new name: its two characters, nothing else
    assert font.outlines_built == built + 2
    font.for_text("鑫淼 2026-02-02")
    assert font.outlines_built == built + 2  # reused


def test_outline_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_MAX_OUTLINES", 40)
    font = CJKFont(SANS_TTC, "sc")
    assert len(font._outlines) == 40
    text = "摘要：矿区下游三个取样点的水质指标均在标准范围内，社区反馈已记录，整改措施按期推进。"
    cff, _ = _embedded_cff(font, text)  # evicted glyphs are simply prepared again
    assert len(font._outlines) == 40
    assert len(cff.charset) == len({c for c in text}) + 1  # + .notdef


def _embedded_cff(font: CJKFont, text: str) -> tuple[Any, bytes]:
    """(fontTools CFF top dict, whole PDF) of a writer holding one appearance's font."""
    w = PdfFileWriter(stream_xrefs=False)  # plain objects, so we can grep them
    engine = font.for_text(text).create_font_engine(w)
    engine.shape(text)
    engine.prepare_write()
    out = io.BytesIO()
    w.write(out)
    cidfont = engine.as_resource().get_object()["/DescendantFonts"][0].get_object()
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(cidfont["/FontDescriptor"]["/FontFile3"].get_object().data), None)
    return cff[0], out.getvalue()


def test_engine_embeds_a_small_cid_subset() -> None:
    font = get_font("sans", "sc")
    _, data = _embedded_cff(font, "相对方 · 代表人 赵丽")
    assert b"/CIDFontType0" in data and b"/FontFile3" in data
    assert re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansCJKsc-Regular", data)  # subset tag
    assert len(data) < 40_000, "a subset of a few glyphs, not the 16 MB face"


def test_subset_glyphs_are_the_faces_glyphs() -> None:
    """Same CIDs, outlines, hints, widths and Private DICTs as the face, no
    subroutines left, .notdef first."""
    font = get_font("sans", "sc")
    text = "相对方 · 代表人 王堃 Respondent (AV) 2026-01-01 ①"  # 堃: outside GB 2312
    sub, _ = _embedded_cff(font, text)
    face = TTFont(str(font.face_path), lazy=True)["CFF "].cff[0]
    assert sub.ROS == face.ROS and sub.charset[0] == ".notdef"
    cmap = TTFont(str(font.face_path), lazy=True).getBestCmap()
    assert {cmap[ord(c)] for c in text} <= set(sub.charset)
    assert len(sub.GlobalSubrs) == 0
    for name in sub.charset:
        mine, theirs = sub.CharStrings[name], face.CharStrings[name]
        desubroutinizeCharString(theirs)
        mine.decompile()
        assert mine.program == theirs.program, name  # outline and hints
        a, b = RecordingPen(), RecordingPen()
        mine.draw(a)
        theirs.draw(b)
        assert a.value == b.value and mine.width == theirs.width, name
        mine_private, face_private = mine.private.rawDict, dict(theirs.private.rawDict)
        face_private.pop("Subrs", None)
        assert "Subrs" not in mine_private and mine_private == face_private


@pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_appearance_renders_exactly_as_pyhankos_own_engine(tmp_path: Path) -> None:
    """The reference is pyHanko's GlyphAccumulator on a fontTools subset of
    the face without layout tables (what this module did before): the two
    pages must render pixel for pixel the same and extract the same text."""
    font = get_font("sans", "sc")
    text = "相对方 · 代表人\nRespondent · Representative\n欧阳修 王堃\n签署时间 Signed: 2026-01-01 10:00 (UTC+8)"
    opts = ft_subset.Options()
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    opts.name_IDs = ["*"]
    opts.glyph_names = True
    opts.desubroutinize = True
    reference = TTFont(str(font.face_path), lazy=True)
    subsetter = ft_subset.Subsetter(opts)
    subsetter.populate(text=text)
    subsetter.subset(reference)
    reference.save(str(tmp_path / "reference.otf"))

    def render(factory: FontEngineFactory, name: str) -> tuple[bytes, str]:
        w = PdfFileWriter()
        w.insert_page(PageObject(contents=w.add_object(StreamObject(stream_data=b"")), media_box=(0, 0, 300, 120)))
        style = TextStampStyle(
            stamp_text="%(body)s", text_box_style=TextBoxStyle(font=factory, font_size=9, leading=11), border_width=0
        )
        TextStamp(w, style, text_params={"body": text}, box=layout.BoxConstraints(300, 120)).apply(0, 0, 0)
        pdf = tmp_path / f"{name}.pdf"
        with open(pdf, "wb") as fh:
            w.write(fh)
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / name)], check=True)
        extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        return Image.open(tmp_path / f"{name}.png").convert("L").tobytes(), extracted

    ours, ours_text = render(font.for_text(text, 9), "ours")
    theirs, theirs_text = render(GlyphAccumulatorFactory(str(tmp_path / "reference.otf"), font_size=9), "theirs")
    assert sum(1 for v in ours if v < 128) > 1000, "the appearance is not blank"
    assert ours == theirs
    assert ours_text.strip() == theirs_text.strip() == text


def test_concurrent_engines_build_identical_fonts() -> None:
    font = CJKFont(SANS_TTC, "sc")  # cold outline cache: threads race to fill it
    texts = ["监测员 诸葛亮 燕赵", "监测员 司马迁 齐鲁", "代表人 欧阳修 吴越", "签署人 黄飞鸿 巴蜀"] * 4

    def build(text: str) -> bytes:
        engine = font.for_text(text).create_font_engine(PdfFileWriter())
        engine.shape(text)
        return font.subset_cff(engine._glyphs.keys())[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(build, texts))
    expected = {t: build(t) for t in set(texts)}  # one thread, warm cache
    assert all(r == expected[t] for t, r in zip(texts, results))


def test_private_dict_loses_only_its_subrs() -> None:
    blue_scale = encodeFloat(0.039625) + b"\x0c\x09"
    private = (
        encodeIntCFF(-250) + encodeIntCFF(1350) + b"\x06"  # BlueValues
        + blue_scale
        + encodeIntCFF(31) + b"\x13"  # Subrs
        + encodeIntCFF(1000) + b"\x14"  # defaultWidthX
        + b"\x1d\x00\x01\x00\x00\x15"  # nominalWidthX, 5-byte int
    )  # fmt: skip
    expected = private.replace(encodeIntCFF(31) + b"\x13", b"")
    assert fonts._without_subrs(private) == expected


def test_rare_characters_come_from_the_full_face() -> None:
    font = get_font("sans", "sc")
    assert "堃" not in font.missing("堃")  # the face has it, though it is outside GB 2312
    assert font.missing("王\U0001F600") == {"\U0001F600"}  # an emoji is not in the face


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


@pytest.mark.parametrize(
    "value", ["李监测", "  Secretariat\u00a0of the  Mechanism ", "ＣＡＳＥＤＯＣＳ Root CA", "Li\u00adWei\u200b", "a\u3000b"]
)
def test_cached_string_prep_matches_asn1crypto(value: str) -> None:
    assert _speedups.ldap_string_prep_cached(None, value) == _speedups._original_string_prep(None, value)  # type: ignore[arg-type]
    assert _speedups.ldap_string_prep_cached(None, value) == _speedups._original_string_prep(None, value)  # type: ignore[arg-type]  # cached


def test_cached_string_prep_keeps_asn1cryptos_errors() -> None:
    for _ in range(2):  # errors are not cached: they recur
        with pytest.raises(ValueError):
            _speedups.ldap_string_prep_cached(None, "private use \ue000")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def multi_revision_pdf(pki, env) -> bytes:  # type: ignore[no-untyped-def]
    """Sealed (with empty fields), then two approval signatures: four revisions."""
    from signing import seal, sign_field
    from signing.samples import SEAL_BOX, cosign_slots, issue_and_unlock, sample_pdf

    pdf = seal(
        sample_pdf(), env=env, sealer=pki.seal_credential(), kind="co_signed", seal_page=-1, seal_box=SEAL_BOX,
        signatory_fields=cosign_slots(),
    )  # fmt: skip
    for pid, name, field in [("F-1", "司马光", "sig-applicant-1"), ("F-2", "Li Wei", "sig-respondent-1")]:
        cred = issue_and_unlock(pki, pid, name, "applicant", "signatory")
        pdf = sign_field(pdf, field, cred, env=env, field_owner=pid)
    return pdf


def test_orphans_are_computed_once_per_revision_with_the_same_result(multi_revision_pdf: bytes) -> None:
    reader = open_reader(multi_revision_pdf)
    for revision in range(1, reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        first = _speedups.find_orphans_once(resolver)
        assert first == set(_speedups._original_find_orphans(resolver))
        assert _speedups.find_orphans_once(resolver) is first  # cached on the resolver


def test_shared_dependency_walks_give_pyhankos_answers(multi_revision_pdf: bytes) -> None:
    """Every (revision, object, since) combination the difference analysis
    can ask about: field appearances, fields, the form, the catalogue; each
    `since` asked in an order that exercises reuse and re-walks."""
    reader = open_reader(multi_revision_pdf)
    revisions = reader.xrefs.total_revisions
    for revision in range(revisions):
        res = reader.get_historical_resolver(revision)
        root = res.root
        roots = [res.trailer_view.raw_get("/Root")]
        if "/AcroForm" in root:  # not in the unsigned original
            roots.append(root.raw_get("/AcroForm"))
        for field in root["/AcroForm"]["/Fields"] if "/AcroForm" in root else []:
            roots.append(field)
            ap = field.get_object().get("/AP")
            if ap is not None:
                roots.append(ap.raw_get("/N"))
        for obj in roots:
            for since in [revisions, 1, 0, 3, 2, revisions - 1, 1, 3]:
                got = _speedups.collect_dependencies_shared(res, obj, since)
                assert got == _speedups._original_collect(res, obj, since), (revision, obj, since)
                got.add("mutating a result must not corrupt the next one")
