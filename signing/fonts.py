"""CJK fonts for signature appearances: extracted once, parsed once, subset fast.

Why this module is more than ``GlyphAccumulatorFactory(path)``:

* Debian ships Noto CJK as TrueType *collections*; pyHanko's
  ``GlyphAccumulator`` needs a single OpenType face, so we extract the
  Simplified (index 2) or Traditional (index 3) face once, checking the face's
  name table rather than trusting the index.
* ``GlyphAccumulatorFactory`` is stateless: every signature re-opens and
  re-parses the font, and ``prepare_write`` subsets it destructively. On a
  65 000-glyph CFF face that is ~0.7 s per signature. We keep tiers instead,
  so the per-signature subset works on a much smaller font:

  - **face**: the full extracted face (every glyph, ~16-24 MB);
  - **common**: a one-off, desubroutinised subset of the face to a broad
    repertoire (GB 2312 for SC, Big5 for TC, Latin and punctuation), cached
    on disk (built once per machine, ~10-20 s);
  - **working sets**: small in-memory subsets (labels, digits, frequent
    surnames, plus the characters of a name), see :class:`CJKFont`.

  CIDs are preserved through every tier (Noto CJK is a CID-keyed CFF font and
  fontTools keeps CID names), so subsets of subsets remain correct.
"""
from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fontTools
from fontTools import subset as ft_subset
from fontTools.ttLib import TTCollection, TTFont
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import BasePdfFileWriter

logger = logging.getLogger(__name__)
# fontTools logs every subset's full glyph list at INFO; that is noise here.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
SANS_TTC = NOTO_DIR / "NotoSansCJK-Regular.ttc"
SERIF_TTC = NOTO_DIR / "NotoSerifCJK-Regular.ttc"

# Face index in the Noto CJK collections, and the suffix its family name must
# carry (checked, because a packaging change could reorder the collection).
FACE_INDEX: dict[str, tuple[int, str]] = {"sc": (2, " SC"), "tc": (3, " TC")}

# Layout tables are dropped from the derived tiers: horizontal CJK/Latin text
# needs no substitutions, and fontTools otherwise decompiles GSUB/GPOS (~0.6 s)
# on every subset even when told to drop them.
_DROP_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "JSTF", "MATH"]

# Small working sets kept per face (LRU), and how many characters beyond the
# base set a text may add for a small set to be built for it (a name: yes; a
# paragraph of free text: use the common tier instead).
_SMALL_SETS = 64
_SMALL_EXTRA = 12

# Always in the working set: what every appearance uses.
_BASE_CHARS = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "，。、：；！？（）《》〈〉“”‘’—…·「」『』【】〔〕／－＋％＃　"
    + "年月日时分秒星期一二三四五六七八九十零〇"
    # (no surnames: a name's small set is built anyway for its given name,
    # and building costs ~0.4 ms per glyph kept)
    # appearance labels (signing.appearance), simplified and traditional
    + "申请方相对秘书处签署人代表理监测员印章时间数字名更新义务状态摘要全文进行中已完成延迟"
    + "申請對書處簽時間數監測員義務狀態"
)


class FontError(RuntimeError):
    """A font could not be found, extracted or verified."""


def default_cache_dir() -> Path:
    """Where derived fonts and the seal image are cached (override per call)."""
    env = os.environ.get("CASEDOCS_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "casedocs"


def _repertoire(script: str) -> str:
    """Characters of the 'common' tier. Legacy national charsets are a good,
    dependency-free proxy for 'characters people actually write'."""
    chars: set[str] = set()
    for lo, hi in (
        (0x20, 0x7F),  # ASCII
        (0xA0, 0x180),  # Latin-1 + Latin Extended-A (transliterated names)
        (0x2000, 0x2070),  # general punctuation
        (0x2160, 0x2190),  # roman numerals
        (0x2460, 0x2500),  # enclosed numbers ①
        (0x3000, 0x3040),  # CJK symbols and punctuation
        (0xFF00, 0xFFF0),  # half/full-width forms
    ):
        chars.update(chr(c) for c in range(lo, hi))
    codec, lead, trail = (
        ("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
        if script == "sc"
        else ("big5", range(0xA1, 0xFA), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)))
    )
    for hi in lead:
        for lo in trail:
            try:
                chars.add(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                pass
    chars.update(_BASE_CHARS)
    return "".join(sorted(chars))


class _FileLock:
    """Cross-process exclusive lock, so two workers do not both spend 20 s
    building the same cached font (and never read a half-written one)."""

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
    # Bounding boxes of the full face remain valid for any subset; recomputing
    # them means executing every charstring (most of a 30 s build).
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


def _subset_font(source: bytes | Path, text: str, *, desubroutinize: bool) -> TTFont:
    font = TTFont(io.BytesIO(source) if isinstance(source, bytes) else str(source), lazy=True)
    opts = ft_subset.Options()
    opts.layout_features = []
    opts.layout_closure = False
    opts.drop_tables = list(opts.drop_tables) + _DROP_TABLES
    opts.name_IDs = ["*"]  # keep the PostScript name pyHanko reads
    opts.notdef_outline = True
    opts.glyph_names = True
    opts.desubroutinize = desubroutinize
    opts.recalc_bounds = False
    sub = ft_subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    return font


def _cmap_chars(font: TTFont) -> frozenset[str]:
    cmap = font.getBestCmap() or {}
    return frozenset(chr(cp) for cp in cmap)


@dataclass(frozen=True)
class _WorkingSet:
    data: bytes  # the OTF bytes every engine of this snapshot parses
    chars: frozenset[str]  # characters it can render
    version: int


class CJKFont:
    """One CJK face with tiered glyph caches. Thread-safe; share one instance
    per face per process (see :func:`get_font`).

    Which font an appearance is subset from (``for_text``):

    1. a small *working set* already covering the text (LRU of
       ``_SMALL_SETS``; ~20 ms per signature);
    2. for a text that adds only a few characters to the base set -- a
       person's name, typically -- a new small working set is built
       (~0.1 s once per name per process) and kept, because the same people
       sign again;
    3. otherwise (free text such as monitoring summaries) the whole *common*
       tier is used as is (~40-60 ms per signature, no build);
    4. characters outside the common tier (rare name characters, e.g. 堃)
       get a small working set from the full face (~0.5 s, once).

    A single ever-growing working set was tried and rejected: fontTools'
    subsetting cost grows with the glyphs retained, so each new name made
    the next rebuild slower (1.2 s at 2 500 glyphs).
    """

    def __init__(self, collection: Path, script: str, cache_dir: Path | None = None) -> None:
        self.collection = collection
        self.script = script
        self.cache_dir = cache_dir or default_cache_dir()
        self._lock = threading.Lock()
        self.face_path = extract_face(collection, script, self.cache_dir)
        common_path = self._ensure_common()
        with open(common_path, "rb") as fh:
            data = fh.read()
        # Parsed once: coverage decides which tier serves a text.
        self._common = _WorkingSet(data, _cmap_chars(TTFont(io.BytesIO(data), lazy=True)), 0)
        self._face_chars = _cmap_chars(TTFont(str(self.face_path), lazy=True))
        self._base = frozenset(c for c in _BASE_CHARS if c in self._face_chars)
        self._small: OrderedDict[int, _WorkingSet] = OrderedDict()
        self._next_id = 1
        self.rebuilds = 0  # observable for tests and measurements
        self._remember(self._build(set(self._base)))

    # -- tiers -------------------------------------------------------------
    def _ensure_common(self) -> Path:
        out_dir = self.cache_dir / "fonts"
        rep = _repertoire(self.script)
        key = _source_key(self.face_path, hashlib.sha256(rep.encode()).hexdigest())
        dest = out_dir / f"{self.collection.stem}.{self.script}.common-desub.{key}.otf"
        if dest.exists():
            return dest
        with _FileLock(out_dir / ".lock"):
            if not dest.exists():
                logger.warning(
                    "building the common-glyph cache for %s (%s); one-off, takes ~10-20 s",
                    self.collection.name,
                    self.script,
                )
                # Desubroutinised, so per-signature subsets skip subroutine
                # analysis entirely.
                _atomic_save(_subset_font(self.face_path, rep, desubroutinize=True), dest)
        return dest

    def _build(self, chars: set[str]) -> _WorkingSet:
        wanted = {c for c in chars if c in self._face_chars}
        if wanted <= self._common.chars:
            source: bytes | Path = self._common.data
        else:
            logger.info("rare characters %s: subsetting the full face", sorted(wanted - self._common.chars))
            source = self.face_path
        font = _subset_font(source, "".join(sorted(wanted)), desubroutinize=True)
        buf = io.BytesIO()
        font.recalcBBoxes = False
        font.save(buf)
        ws = _WorkingSet(buf.getvalue(), _cmap_chars(font), self._next_id)
        self._next_id += 1
        return ws

    def _remember(self, ws: _WorkingSet) -> None:
        self._small[ws.version] = ws
        while len(self._small) > _SMALL_SETS:
            self._small.popitem(last=False)

    # -- public API ----------------------------------------------------------
    def missing(self, text: str) -> set[str]:
        """Characters of ``text`` the face cannot draw at all (rendered as tofu)."""
        return {c for c in text if not c.isspace() and c not in self._face_chars}

    def for_text(self, text: str, font_size: int = 10) -> "WorkingSetFontFactory":
        """A pyHanko font factory able to render ``text``.

        Call it with the *complete* text of an appearance before signing: the
        engine cannot grow its font in the middle of a layout.
        """
        lost = self.missing(text)
        if lost:
            logger.warning("no glyph for %s in %s; they will render as blanks", sorted(lost), self.face_path.name)
        needed = {c for c in text if not c.isspace() and c not in lost}
        with self._lock:
            for key in reversed(self._small):
                ws = self._small[key]
                if needed <= ws.chars:
                    self._small.move_to_end(key)
                    return WorkingSetFontFactory(ws, font_size)
            extra = needed - self._base
            if len(extra) <= _SMALL_EXTRA or not needed <= self._common.chars:
                ws = self._build(set(self._base) | needed)
                self._remember(ws)
                self.rebuilds += 1
                return WorkingSetFontFactory(ws, font_size)
        return WorkingSetFontFactory(self._common, font_size)


class WorkingSetFontFactory(FontEngineFactory):
    """pyHanko ``FontEngineFactory`` bound to one immutable working-set snapshot."""

    def __init__(self, ws: _WorkingSet, font_size: int = 10) -> None:
        self._ws = ws
        self.font_size = font_size

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        # Same object-stream policy as pyHanko's GlyphAccumulatorFactory.
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        engine = GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self._ws.data),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )
        # The subset keeps the working set's FontBBox (still a valid bound);
        # recomputing it executes every charstring.
        engine.tt.recalcBBoxes = False
        return engine


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
