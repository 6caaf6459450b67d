"""CJK fonts for signature appearances: extracted once, parsed once, subset
per signature without fontTools' subsetter.

Why this module is more than ``GlyphAccumulatorFactory(path)``:

* Debian ships Noto CJK as TrueType *collections*; pyHanko's
  ``GlyphAccumulator`` needs a single OpenType face, so we extract the
  Simplified (index 2) or Traditional (index 3) face once, checking the face's
  name table rather than trusting the index.
* ``GlyphAccumulator`` re-parses the font for every appearance and subsets it
  with fontTools (~0.7 s per signature on a 65 000-glyph CFF face). Earlier
  versions of this module kept pre-subset "working sets"; profiling showed
  that fontTools was still most of a signature's cost (25 ms per appearance
  from a small set, 70 ms from a 7 000-glyph set, 75-130 ms to build a set
  for a new name).

What we do instead (:class:`CJKFont`, :class:`CJKFontEngine`):

* the face is parsed once per process (CFF top dict, FD array, HarfBuzz face);
* each glyph's charstring is desubroutinised once (~0.3 ms) and cached, keyed
  by glyph id of that face;
* an appearance's font program is a CID-keyed CFF written directly from the
  cached charstrings of the glyphs it uses (well under 1 ms): same glyph
  outlines and CIDs, each FD's Private DICT copied byte for byte minus its
  Subrs entry.

Shaping is HarfBuzz on the face *without* its layout tables (GSUB, GPOS...),
which is exactly how the earlier working sets (subset with layout tables
dropped) were shaped: plain cmap and advance widths.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import math
import os
import struct
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import fontTools
import uharfbuzz as hb
from fontTools.cffLib import CFFFontSet, TopDict
from fontTools.cffLib.transforms import desubroutinizeCharString
from fontTools.misc.psCharStrings import T2CharString, encodeFloat, encodeIntCFF
from fontTools.ttLib import TTCollection, TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult
# pyHanko's own line formatter, so content streams are what GlyphAccumulator
# would write for the same shaping result.
from pyhanko.pdf_utils.font.opentype import _format_cid_glyphline_from_buffer, _gids_by_cluster
from pyhanko.pdf_utils.writer import BasePdfFileWriter

logger = logging.getLogger(__name__)

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
SANS_TTC = NOTO_DIR / "NotoSansCJK-Regular.ttc"
SERIF_TTC = NOTO_DIR / "NotoSerifCJK-Regular.ttc"

# Face index in the Noto CJK collections, and the suffix its family name must
# carry (checked, because a packaging change could reorder the collection).
FACE_INDEX: dict[str, tuple[int, str]] = {"sc": (2, " SC"), "tc": (3, " TC")}

# Tables HarfBuzz sees: no GSUB/GPOS/GDEF/BASE/JSTF/MATH, so horizontal
# CJK/Latin text is shaped by cmap and advances only (no kerning, no
# substitutions), as it always has been here.
_SHAPING_TABLES = ("head", "hhea", "hmtx", "maxp", "cmap", "OS/2", "post", "name", "CFF ")

# Desubroutinised charstrings kept per face (~200 bytes each): far more than
# the characters people actually write, and a bound however much free text
# is signed over the process's life.
_MAX_OUTLINES = 20_000

# Warmed when the font is loaded: what every appearance uses.
_BASE_CHARS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "，。、：；！？（）《》〈〉“”‘’—…·「」『』【】〔〕／－＋％＃　"
    + "年月日时分秒星期一二三四五六七八九十零〇"
    # appearance labels (signing.appearance), simplified and traditional
    + "申请方相对秘书处签署人代表理监测员印章时间数字名更新义务状态摘要全文进行中已完成延迟"
    + "申請對書處簽時間數監測員義務狀態"
)


class FontError(RuntimeError):
    """A font could not be found, extracted or verified."""


def default_cache_dir() -> Path:
    """Where derived fonts and the seal image are cached unless a call names a directory (the app
    passes casedocs.config.Settings.cache_dir, from $CASEDOCS_CACHE_DIR or $XDG_CACHE_HOME)."""
    return Path.home() / ".cache" / "casedocs"


class _FileLock:
    """Cross-process exclusive lock, so two workers do not both extract the
    same face (and never read a half-written one)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fh: io.BufferedRandom | None = None

    def __enter__(self) -> "_FileLock":
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self._path, "a+b")
        fcntl.flock(self._fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._fh is not None
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def _source_key(source: Path, extra: str = "") -> str:
    st = source.stat()
    raw = f"{source.resolve()}|{st.st_size}|{st.st_mtime_ns}|{fontTools.version}|{extra}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _atomic_save(font: TTFont, dest: Path) -> None:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    # The face's bounding boxes are already right; recomputing them means
    # executing every charstring.
    font.recalcBBoxes = False
    font.save(str(tmp))
    os.replace(tmp, dest)


def family_name(font: TTFont) -> str:
    return str(font["name"].getDebugName(1))


def extract_face(collection: Path, script: str, cache_dir: Path | None = None) -> Path:
    """Extract one face ('sc' or 'tc') of a Noto CJK collection to an OTF file.

    Idempotent and cached: the file is named after the source's size/mtime, so
    a font package upgrade produces a fresh extraction.
    """
    if script not in FACE_INDEX:
        raise FontError(f"unknown script {script!r}; expected one of {sorted(FACE_INDEX)}")
    if not collection.exists():
        raise FontError(f"font collection not found: {collection} (install fonts-noto-cjk)")
    index, suffix = FACE_INDEX[script]
    out_dir = (cache_dir or default_cache_dir()) / "fonts"
    dest = out_dir / f"{collection.stem}.{script}.{_source_key(collection)}.otf"
    if dest.exists():
        return dest
    with _FileLock(out_dir / ".lock"):
        if dest.exists():
            return dest
        ttc = TTCollection(str(collection), lazy=True)
        if index >= len(ttc.fonts):
            raise FontError(f"{collection} has {len(ttc.fonts)} faces, no index {index}")
        face = ttc.fonts[index]
        name = family_name(face)
        if not name.endswith(suffix):
            raise FontError(
                f"face {index} of {collection.name} is {name!r}, expected a '{suffix.strip()}' face"
            )
        _atomic_save(face, dest)
        logger.info("extracted %s face %d (%s) to %s", collection.name, index, name, dest)
    return dest


# -- CFF writing ---------------------------------------------------------------------
# A CID-keyed CFF (Adobe TN #5176) holding only the glyphs an appearance uses.
# Offsets in DICTs are written as fixed 5-byte integers so that sizes do not
# depend on the offsets they contain (one layout pass).
def _index(items: Sequence[bytes]) -> bytes:
    if not items:
        return b"\x00\x00"
    offsets = [1]
    for item in items:
        offsets.append(offsets[-1] + len(item))
    size = next(n for n in (1, 2, 3, 4) if offsets[-1] < 1 << (8 * n))
    return struct.pack(">HB", len(items), size) + b"".join(o.to_bytes(size, "big") for o in offsets) + b"".join(items)


def _index_item(data: bytes, at: int, i: int) -> bytes:
    """Item ``i`` of the INDEX starting at ``data[at]``, without parsing the rest."""
    count, size = struct.unpack_from(">HB", data, at)
    if not 0 <= i < count:
        raise FontError(f"CFF INDEX item {i} out of range ({count})")
    p = at + 3 + i * size
    start = int.from_bytes(data[p : p + size], "big")
    end = int.from_bytes(data[p + size : p + 2 * size], "big")
    base = at + 2 + (count + 1) * size
    return data[base + start : base + end]


def _fixed(v: int) -> bytes:
    return b"\x1d" + struct.pack(">l", v)


def _num(v: float) -> bytes:
    return encodeIntCFF(v) if float(v).is_integer() else encodeFloat(v)


def _nums(values: Iterable[float]) -> bytes:
    return b"".join(_num(v) for v in values)


def _without_subrs(private: bytes) -> bytes:
    """A Private DICT minus its Subrs operator (19): our charstrings are
    desubroutinised, and a Subrs offset would point nowhere."""
    out = bytearray()
    i = start = 0
    while i < len(private):
        b0 = private[i]
        if b0 <= 21:  # operator (12 = two-byte escape)
            end = i + (2 if b0 == 12 else 1)
            if b0 != 19:
                out += private[start:end]
            i = start = end
        elif b0 == 28:
            i += 3
        elif b0 == 29:
            i += 5
        elif b0 == 30:  # real: nibbles up to an 0xf nibble
            i += 1
            while private[i] >> 4 != 0xF and private[i] & 0xF != 0xF:
                i += 1
            i += 1
        elif b0 <= 246:
            i += 1
        elif b0 <= 254:
            i += 2
        else:
            raise FontError("malformed Private DICT")
    return bytes(out)


Bounds = tuple[int, int, int, int]


@dataclass(frozen=True)
class _Glyph:
    cid: int
    charstring: bytes  # desubroutinised Type 2 charstring
    fd: int  # FD index in the source face
    bounds: Bounds | None  # None for a blank glyph (space)


def _union(glyphs: Iterable[_Glyph]) -> Bounds:
    """Tight FontBBox of a subset, as fontTools computes it when pyHanko
    subsets: rasterisers size glyph caches by it, so a face-wide box (three
    em wide for Noto CJK) renders glyphs slightly differently."""
    boxes = [g.bounds for g in glyphs if g.bounds is not None]
    if not boxes:
        return (0, 0, 0, 0)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _build_cff(name: str, top: TopDict, glyphs: Sequence[_Glyph], privates: dict[int, bytes]) -> bytes:
    """``glyphs`` in output order, .notdef (CID 0) first; ``privates`` maps a
    source FD index to its Private DICT (already without Subrs)."""
    strings: list[bytes] = []

    def sid(s: str) -> bytes:
        strings.append(s.encode("latin-1"))
        return encodeIntCFF(390 + len(strings))  # custom strings start at SID 391

    registry, ordering, supplement = top.ROS
    fds = list(dict.fromkeys(g.fd for g in glyphs))  # source FD -> output position
    fd_pos = {fd: i for i, fd in enumerate(fds)}
    ros = sid(registry) + sid(ordering) + encodeIntCFF(supplement) + b"\x0c\x1e"
    fd_heads = []
    for fd in fds:
        d = top.FDArray[fd]
        head = sid(d.FontName) + b"\x0c\x26" if hasattr(d, "FontName") else b""
        if "FontMatrix" in d.rawDict:
            head += _nums(d.rawDict["FontMatrix"]) + b"\x0c\x07"
        fd_heads.append(head)
    top_static = ros + encodeIntCFF(getattr(top, "CIDCount", 8720)) + b"\x0c\x22"
    top_static += _nums(_union(glyphs)) + b"\x05"
    if "FontMatrix" in top.rawDict:
        top_static += _nums(top.rawDict["FontMatrix"]) + b"\x0c\x07"

    def top_dict(charset: int, fdselect: int, charstrings: int, fdarray: int) -> bytes:
        return (
            top_static
            + _fixed(charset) + b"\x0f"
            + _fixed(fdselect) + b"\x0c\x25"
            + _fixed(charstrings) + b"\x11"
            + _fixed(fdarray) + b"\x0c\x24"
        )  # fmt: skip

    def fd_array(private_at: int) -> tuple[bytes, bytes]:
        dicts, blobs = [], b""
        for fd, head in zip(fds, fd_heads):
            blob = privates[fd]
            dicts.append(head + _fixed(len(blob)) + _fixed(private_at + len(blobs)) + b"\x12")
            blobs += blob
        return _index(dicts), blobs

    header = b"\x01\x00\x04\x04" + _index([name.encode("latin-1")])
    top_size = len(_index([top_dict(0, 0, 0, 0)]))
    string_index = _index(strings)
    charset = b"\x00" + b"".join(struct.pack(">H", g.cid) for g in glyphs[1:])
    fdselect = b"\x00" + bytes(fd_pos[g.fd] for g in glyphs)
    charstrings = _index([g.charstring for g in glyphs])
    at_charset = len(header) + top_size + len(string_index) + 2  # + empty Global Subr INDEX
    at_fdselect = at_charset + len(charset)
    at_charstrings = at_fdselect + len(fdselect)
    at_fdarray = at_charstrings + len(charstrings)
    fdarray_size = len(fd_array(0)[0])
    fdarray, private_blobs = fd_array(at_fdarray + fdarray_size)
    top_index = _index([top_dict(at_charset, at_fdselect, at_charstrings, at_fdarray)])
    assert len(top_index) == top_size
    return b"".join(
        (header, top_index, string_index, b"\x00\x00", charset, fdselect, charstrings, fdarray, private_blobs)
    )


# -- the face ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Metrics:
    ascent: int
    descent: int
    italic_angle: float
    cap_height: int
    stem_v: int
    flags: int


class CJKFont:
    """One CJK face, parsed once, with a cache of desubroutinised glyph
    outlines. Thread-safe; share one instance per face per process (see
    :func:`get_font`)."""

    def __init__(self, collection: Path, script: str, cache_dir: Path | None = None) -> None:
        self.collection = collection
        self.script = script
        self.cache_dir = cache_dir or default_cache_dir()
        self.face_path = extract_face(collection, script, self.cache_dir)
        tt = TTFont(str(self.face_path), lazy=True)
        self.family = family_name(tt)
        self.ps_name = str(tt["name"].getDebugName(6))
        tables = {tag: tt.reader[tag] for tag in _SHAPING_TABLES if tag in tt.reader}
        if "CFF " not in tables:
            raise FontError(f"{self.face_path.name} has no CFF outlines")
        self._cff = tables["CFF "]
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(self._cff), None)
        self._top: TopDict = cff[0]
        if not hasattr(self._top, "ROS") or not hasattr(self._top, "FDArray"):
            raise FontError(f"{self.face_path.name} is not a CID-keyed CFF font")
        self._charstrings_at: int = self._top.rawDict["CharStrings"]
        # The callback keeps `tables` alive as long as the face.
        self._hb_face = hb.Face.create_for_tables(lambda _face, tag, _data: tables.get(tag, b""), None)
        self._chars = frozenset(chr(c) for c in self._hb_face.unicodes)
        head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]
        if head.unitsPerEm != 1000:
            # pyHanko's line formatter writes advances in font units as
            # thousandths of an em
            raise FontError(f"{self.face_path.name}: {head.unitsPerEm} units per em, expected 1000")
        self.metrics = _Metrics(
            ascent=hhea.ascent,
            descent=hhea.descent,
            italic_angle=float(getattr(tt["post"], "italicAngle", 0)),
            cap_height=getattr(os2, "sCapHeight", 750),
            stem_v=int(10 + 220 * (os2.usWeightClass - 50) / 900),  # as pyHanko estimates it
            flags=4 | (2 if "Serif" in self.family else 0),  # symbolic (+ serif)
        )
        self._lock = threading.Lock()  # fontTools' lazy CFF structures are not thread-safe
        self._outlines: OrderedDict[int, _Glyph] = OrderedDict()
        self._privates: dict[int, bytes] = {}
        self.outlines_built = 0  # observable for tests and measurements
        self.warm(_BASE_CHARS)

    # -- glyph data ----------------------------------------------------------------
    def _glyph(self, gid: int) -> _Glyph:
        with self._lock:
            g = self._outlines.get(gid)
            if g is not None:
                self._outlines.move_to_end(gid)
                return g
            top = self._top
            name = top.charset[gid]
            cid = 0 if gid == 0 else int(name[3:])  # CID-keyed glyph names are "cidNNNNN"
            fd = top.FDSelect[gid]
            private = top.FDArray[fd].Private
            cs = T2CharString(
                bytecode=_index_item(self._cff, self._charstrings_at, gid), private=private, globalSubrs=top.GlobalSubrs
            )
            desubroutinizeCharString(cs)
            cs.compile()
            bytecode = cs.bytecode  # calcBounds decompiles again and drops it
            box = cs.calcBounds(None)
            bounds = None if box is None else (math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3]))
            g = _Glyph(cid, bytecode, fd, bounds)
            if fd not in self._privates:
                size, at = top.FDArray[fd].rawDict["Private"]
                self._privates[fd] = _without_subrs(self._cff[at : at + size])
            self._outlines[gid] = g
            self.outlines_built += 1
            while len(self._outlines) > _MAX_OUTLINES:
                self._outlines.popitem(last=False)
            return g

    def cid_of(self, gid: int) -> int:
        return self._glyph(gid).cid

    def subset_cff(self, gids: Iterable[int]) -> tuple[bytes, Bounds]:
        """A CID-keyed CFF font program with .notdef and the glyphs ``gids``,
        and its FontBBox."""
        glyphs = [self._glyph(0)] + sorted((self._glyph(g) for g in set(gids) - {0}), key=lambda g: g.cid)
        with self._lock:
            privates = dict(self._privates)
        return _build_cff(self.ps_name, self._top, glyphs, privates), _union(glyphs)

    def warm(self, text: str) -> None:
        """Prepare the outlines of ``text``'s characters (optional: missing ones
        are prepared when an appearance is written)."""
        font = hb.Font(self._hb_face)
        for c in set(text):
            gid = font.get_nominal_glyph(ord(c))
            if gid:
                self._glyph(gid)

    # -- public API ----------------------------------------------------------------
    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` the face cannot draw at all (rendered as tofu)."""
        return {c for c in text if not c.isspace() and c not in self._chars}

    def for_text(self, text: str, font_size: int = 10) -> "CJKFontFactory":
        """A pyHanko font factory for an appearance showing ``text``.

        Any text the face covers can be shaped with it; passing the text here
        prepares its outlines and logs characters that will render as blanks.
        """
        lost = self.missing(text)
        if lost:
            logger.warning("no glyph for %s in %s; they will render as blanks", sorted(lost), self.face_path.name)
        self.warm(text)
        return CJKFontFactory(self, font_size)


class CJKFontEngine(FontEngine):
    """pyHanko font engine: HarfBuzz shaping on the shared face, and at write
    time a Type 0 font whose CFF program holds just the glyphs shaped."""

    def __init__(self, font: CJKFont, writer: BasePdfFileWriter, font_size: int, obj_stream: Any = None) -> None:
        super().__init__(writer, font.ps_name, embedded_subset=True, obj_stream=obj_stream, font_size=font_size)
        self._font = font
        self._hb = hb.Font(font._hb_face)
        self._glyphs: dict[int, tuple[int, int]] = {}  # gid -> (cid, advance in font units)
        self._to_unicode: dict[int, str] = {}  # cid -> text
        self._font_ref = writer.allocate_placeholder()
        self._written = False

    def _cid_and_width(self, gid: int) -> tuple[int, int]:
        found = self._glyphs.get(gid)
        if found is None:
            found = self._glyphs[gid] = (self._font.cid_of(gid), self._hb.get_glyph_h_advance(gid))
        return found

    def shape(self, txt: str, with_actual_text: bool = True) -> ShapeResult:
        if not txt:
            return ShapeResult(b"", 0, 0)
        buf = hb.Buffer()
        buf.add_str(txt)
        buf.guess_segment_properties()
        hb.shape(self._hb, buf)
        ops, (total_x, total_y) = _format_cid_glyphline_from_buffer(
            buf,
            cid_width_callback=self._cid_and_width,
            units_per_em=1000,
            font_size=self.font_size,
            vertical=buf.direction in ("ttb", "btt"),
        )
        # ToUnicode: cluster values are character indexes into txt
        for cluster, next_cluster, gids in _gids_by_cluster(buf):
            chars = txt[cluster:next_cluster]
            if len(gids) == 1:
                if gids[0]:
                    self._to_unicode[self._cid_and_width(gids[0])[0]] = chars
                continue
            for gid in gids:  # several glyphs: map each to a character it is the glyph of
                cid = self._cid_and_width(gid)[0] if gid else None
                if cid is not None and cid not in self._to_unicode:
                    for c in chars:
                        if self._hb.get_nominal_glyph(ord(c)) == gid:
                            self._to_unicode[cid] = c
                            break
        if with_actual_text:
            props = generic.DictionaryObject({generic.pdf_name("/ActualText"): generic.TextStringObject(txt)})
            out = io.BytesIO()
            out.write(b"/Span ")
            props.write_to_stream(out)
            ops = out.getvalue() + b" BDC " + ops + b" EMC"
        return ShapeResult(graphics_ops=ops, x_advance=total_x / 1000, y_advance=total_y / 1000)

    def as_resource(self) -> generic.IndirectObject:
        return self._font_ref

    def _widths(self) -> generic.ArrayObject:
        """/W for glyphs whose width differs from /DW (1000: every CJK glyph),
        runs of consecutive CIDs grouped: a short array, not one per glyph."""
        widths = sorted(self._glyphs.values())
        out = generic.ArrayObject()
        prev = None
        for cid, w in widths:
            if w == 1000:
                continue
            if prev is None or cid != prev + 1:
                out += [generic.NumberObject(cid), generic.ArrayObject()]
            out[-1].append(generic.NumberObject(w))
            prev = cid
        return out

    def _to_unicode_cmap(self) -> generic.StreamObject:
        items = sorted(self._to_unicode.items())
        body = []
        for i in range(0, len(items), 100):  # at most 100 entries per block
            chunk = items[i : i + 100]
            body.append(f"{len(chunk)} beginbfchar")
            body += [f"<{cid:04x}> <{s.encode('utf-16be').hex()}>" for cid, s in chunk]
            body.append("endbfchar")
        cmap = "\n".join(
            [
                "/CIDInit /ProcSet findresource begin",
                "12 dict begin",
                "begincmap",
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS2) /Supplement 0 >> def",
                "/CMapName /Adobe-Identity-UCS2 def",
                "/CMapType 2 def",
                "1 begincodespacerange",
                "<0000> <FFFF>",
                "endcodespacerange",
                *body,
                "endcmap",
                "CMapName currentdict /CMap defineresource pop",
                "end",
                "end",
            ]
        )
        stream = generic.StreamObject(stream_data=cmap.encode("ascii"))
        stream.compress()
        return stream

    def prepare_write(self) -> None:
        if self._written:
            return
        self._written = True
        f, m, w, n = self._font, self._font.metrics, self.writer, generic.pdf_name
        name = f"{self.subset_prefix}+{f.ps_name}"
        cff, bbox = f.subset_cff(self._glyphs.keys())
        program = generic.StreamObject({n("/Subtype"): n("/CIDFontType0C")}, stream_data=cff)
        program.compress()
        descriptor = generic.DictionaryObject(
            {
                n("/Type"): n("/FontDescriptor"),
                n("/FontName"): n("/" + name),
                n("/Flags"): generic.NumberObject(m.flags),
                n("/FontBBox"): generic.ArrayObject(map(generic.NumberObject, bbox)),
                n("/ItalicAngle"): generic.FloatObject(m.italic_angle),
                n("/Ascent"): generic.NumberObject(m.ascent),
                n("/Descent"): generic.NumberObject(m.descent),
                n("/CapHeight"): generic.NumberObject(m.cap_height),
                n("/StemV"): generic.NumberObject(m.stem_v),
                n("/FontFile3"): w.add_object(program),
            }
        )
        registry, ordering, supplement = f._top.ROS
        cidfont = generic.DictionaryObject(
            {
                n("/Type"): n("/Font"),
                n("/Subtype"): n("/CIDFontType0"),
                n("/BaseFont"): n("/" + name),
                n("/CIDSystemInfo"): generic.DictionaryObject(
                    {
                        n("/Registry"): generic.pdf_string(registry),
                        n("/Ordering"): generic.pdf_string(ordering),
                        n("/Supplement"): generic.NumberObject(supplement),
                    }
                ),
                n("/FontDescriptor"): w.add_object(descriptor, obj_stream=self.obj_stream),
                n("/DW"): generic.NumberObject(1000),
                n("/W"): self._widths(),
            }
        )
        type0 = generic.DictionaryObject(
            {
                n("/Type"): n("/Font"),
                n("/Subtype"): n("/Type0"),
                n("/BaseFont"): n(f"/{name}-Identity-H"),
                n("/Encoding"): n("/Identity-H"),
                n("/DescendantFonts"): generic.ArrayObject([w.add_object(cidfont, obj_stream=self.obj_stream)]),
                n("/ToUnicode"): w.add_object(self._to_unicode_cmap()),
            }
        )
        w.add_object(type0, self.obj_stream, idnum=self._font_ref.idnum)


class CJKFontFactory(FontEngineFactory):
    """pyHanko ``FontEngineFactory`` for one shared :class:`CJKFont`."""

    def __init__(self, font: CJKFont, font_size: int = 10) -> None:
        self.font = font
        self.font_size = font_size

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> CJKFontEngine:
        # Same object-stream policy as pyHanko's GlyphAccumulatorFactory.
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return CJKFontEngine(self.font, writer, self.font_size, obj_stream)


_fonts: dict[tuple[str, str, str], CJKFont] = {}
_fonts_lock = threading.Lock()


def get_font(style: str = "sans", script: str = "sc", cache_dir: Path | None = None) -> CJKFont:
    """Process-wide shared font ('sans'/'serif', 'sc'/'tc'): parsed once."""
    collection = {"sans": SANS_TTC, "serif": SERIF_TTC}.get(style)
    if collection is None:
        raise FontError(f"unknown style {style!r}; expected 'sans' or 'serif'")
    key = (style, script, str(cache_dir or default_cache_dir()))
    with _fonts_lock:
        font = _fonts.get(key)
        if font is None:
            font = _fonts[key] = CJKFont(collection, script, cache_dir)
        return font
