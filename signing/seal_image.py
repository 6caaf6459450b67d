"""The secretariat's visible electronic seal (电子印章): drawn once, cached.

Only the *visible sign* of the seal lives here; what makes a document sealed is
the certification signature behind it (Electronic Signature Law art. 13).

Design:
* Drawn with Pillow at 4x supersampling and downsampled, because Pillow does not
  antialias shapes; the PNG is cached on disk (keyed by the drawing parameters
  and the font file) and in memory.
* In PDF the seal is one image XObject whose colour plane is solid red and whose
  soft mask carries the shape. Both planes are Flate-compressed **once** per
  process, so sealing a document costs no image encoding at all (pyHanko's
  ``PdfImage`` would re-compress ~4 MB of pixels on every seal).
"""
from __future__ import annotations

import hashlib

import math
import os
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfContent, ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from .fonts import SERIF_TTC, SANS_TTC, FACE_INDEX, FontError, default_cache_dir

NAME_ZH = "采矿业和矿产价值链调解磋商机制"
NAME_EN_LINES = ("Mining and Mineral Value Chain", "Mediation and Consultation Mechanism")
UNIT_ZH = "秘书处"
UNIT_EN = "Secretariat"
SEAL_RED = (0xD7, 0x00, 0x0F)
DIAMETER_CM = 4.2
DPI = 600
PT_PER_CM = 72 / 2.54
SEAL_SIZE_PT = DIAMETER_CM * PT_PER_CM  # ~119 pt

_SUPERSAMPLE = 4
_DRAWING_VERSION = "4"  # bump when the drawing code changes (invalidates caches)


def _load_font(ttc: Path, script: str, px: int) -> ImageFont.FreeTypeFont:
    index, suffix = FACE_INDEX[script]
    font = ImageFont.truetype(str(ttc), px, index=index)
    family = font.getname()[0] or ""
    # Pillow opens faces by index too; check it is the face we think it is,
    # otherwise Japanese glyph forms would end up on a Chinese seal.
    if not family.endswith(suffix):
        raise FontError(f"face {index} of {ttc.name} is {family!r}, expected a '{suffix.strip()}' face")
    return font


def _star_points(cx: float, cy: float, r_out: float, r_in: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = math.radians(90 + 36 * i)  # first point straight up
        pts.append((cx + r * math.cos(a), cy - r * math.sin(a)))
    return pts


def _paste_rotated_char(
    canvas: Image.Image,
    ch: str,
    font: ImageFont.FreeTypeFont,
    cx: float,
    cy: float,
    angle_deg: float,
    condense: float = 1.0,
) -> None:
    """Draw one character centred at (cx, cy), rotated so its top points away
    from the seal's centre (angle_deg: counter-clockwise rotation)."""
    l, t, r, b = font.getbbox(ch)
    pad = 4
    tile = Image.new("L", (round(r - l) + 2 * pad, round(b - t) + 2 * pad), 0)
    ImageDraw.Draw(tile).text((pad - l, pad - t), ch, font=font, fill=255)
    # Seal lettering is condensed (长宋): 15 characters must share the arc.
    tile = tile.resize((max(1, round(tile.width * condense)), tile.height), Image.Resampling.LANCZOS)
    tile = tile.rotate(angle_deg, resample=Image.Resampling.BICUBIC, expand=True)
    canvas.paste(255, (round(cx - tile.width / 2), round(cy - tile.height / 2)), tile)


def _centered_text(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, cx: float, cy: float) -> None:
    draw.text((cx, cy), text, font=font, fill=255, anchor="mm")


def render_seal_mask(px: int) -> Image.Image:
    """The seal's shape as an 'L' mask (255 = ink), ``px`` pixels across."""
    s = px * _SUPERSAMPLE
    R = s / 2
    mask = Image.new("L", (s, s), 0)
    draw = ImageDraw.Draw(mask)

    ring = 0.055 * R
    draw.ellipse((ring / 2, ring / 2, s - ring / 2, s - ring / 2), outline=255, width=round(ring))

    # Star, slightly above centre as on official seals.
    cx, cy = R, R * 1.0
    draw.polygon(_star_points(cx, cy - 0.02 * R, 0.28 * R, 0.28 * R * 0.382), fill=255)

    # Chinese name around the upper arc, serif (Song style) as expected.
    zh_font = _load_font(SERIF_TTC, "sc", round(0.25 * R))
    n = len(NAME_ZH)
    span = 240.0  # degrees of arc used by the name
    text_r = 0.74 * R
    for i, ch in enumerate(NAME_ZH):
        # from left (90 + span/2) to right (90 - span/2), reading clockwise
        a = 90 + span / 2 - span * i / (n - 1)
        rad = math.radians(a)
        x = cx + text_r * math.cos(rad)
        y = cy - text_r * math.sin(rad)
        _paste_rotated_char(mask, ch, zh_font, x, y, a - 90, condense=0.72)

    unit_font = _load_font(SERIF_TTC, "sc", round(0.17 * R))
    en_font = _load_font(SANS_TTC, "sc", round(0.058 * R))
    sec_font = _load_font(SANS_TTC, "sc", round(0.085 * R))
    _centered_text(draw, UNIT_ZH, unit_font, cx, cy + 0.44 * R)
    _centered_text(draw, NAME_EN_LINES[0], en_font, cx, cy + 0.60 * R)
    _centered_text(draw, NAME_EN_LINES[1], en_font, cx, cy + 0.68 * R)
    _centered_text(draw, UNIT_EN, sec_font, cx, cy + 0.79 * R)
    return mask.resize((px, px), Image.Resampling.LANCZOS)


def _cache_key() -> str:
    parts = [_DRAWING_VERSION, NAME_ZH, *NAME_EN_LINES, UNIT_ZH, UNIT_EN, str(SEAL_RED), str(DPI)]
    for f in (SERIF_TTC, SANS_TTC):
        st = f.stat()
        parts.append(f"{f}|{st.st_size}|{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def seal_png_path(cache_dir: Path | None = None) -> Path:
    """Path of the cached seal PNG (RGBA, transparent background), drawing it once."""
    out_dir = (cache_dir or default_cache_dir()) / "seal"
    dest = out_dir / f"seal-{_cache_key()}.png"
    if dest.exists():
        return dest
    out_dir.mkdir(parents=True, exist_ok=True)
    px = round(DIAMETER_CM / 2.54 * DPI)
    alpha = render_seal_mask(px)
    img = Image.new("RGBA", (px, px), SEAL_RED + (0,))
    img.putalpha(alpha)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    img.save(tmp, format="PNG", dpi=(DPI, DPI))
    os.replace(tmp, dest)
    return dest


@dataclass(frozen=True)
class _EncodedSeal:
    width: int
    height: int
    rgb_flate: bytes
    alpha_flate: bytes


_encoded: dict[str, _EncodedSeal] = {}
_encoded_lock = threading.Lock()


def _encoded_seal(cache_dir: Path | None) -> _EncodedSeal:
    path = seal_png_path(cache_dir)
    key = str(path)
    with _encoded_lock:
        enc = _encoded.get(key)
        if enc is None:
            img = Image.open(path)
            img.load()
            rgba = img.convert("RGBA")
            r, g, b, a = rgba.split()
            rgb = Image.merge("RGB", (r, g, b))
            enc = _EncodedSeal(
                rgba.width,
                rgba.height,
                zlib.compress(rgb.tobytes(), 9),
                zlib.compress(a.tobytes(), 9),
            )
            _encoded[key] = enc
        return enc


def image_xobject(writer: BasePdfFileWriter, enc: "_EncodedSeal | None" = None,
                  cache_dir: Path | None = None) -> generic.IndirectObject:
    """The seal as one image XObject added to ``writer``: a solid red colour plane and the
    shape in its soft mask (both compressed once per process)."""
    enc = enc or _encoded_seal(cache_dir)
    common = {
        pdf_name("/Type"): pdf_name("/XObject"),
        pdf_name("/Subtype"): pdf_name("/Image"),
        pdf_name("/Width"): generic.NumberObject(enc.width),
        pdf_name("/Height"): generic.NumberObject(enc.height),
        pdf_name("/BitsPerComponent"): generic.NumberObject(8),
        pdf_name("/Filter"): pdf_name("/FlateDecode"),
    }
    smask = generic.StreamObject(
        dict(common, **{pdf_name("/ColorSpace"): pdf_name("/DeviceGray")}),
        encoded_data=enc.alpha_flate,
    )
    image = generic.StreamObject(
        dict(
            common,
            **{
                pdf_name("/ColorSpace"): pdf_name("/DeviceRGB"),
                pdf_name("/SMask"): writer.add_object(smask),
            },
        ),
        encoded_data=enc.rgb_flate,
    )
    return writer.add_object(image)


class SealImage(PdfContent):
    """pyHanko content drawing the seal, scaled to its 4.2 cm natural size box.

    Use as the ``background`` of a ``StaticStampStyle``; the style's layout
    rule then fits it (aspect ratio kept) into the caller's seal rectangle.
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        super().__init__(box=BoxConstraints(width=SEAL_SIZE_PT, height=SEAL_SIZE_PT))
        self._enc = _encoded_seal(cache_dir)
        self._ref: generic.IndirectObject | None = None
        self._ref_writer: object | None = None

    def _image_ref(self) -> generic.IndirectObject:
        writer = self.writer
        assert writer is not None, "pyHanko sets the writer before rendering"
        if self._ref is not None and self._ref_writer is writer:
            return self._ref
        self._ref = image_xobject(writer, self._enc)
        self._ref_writer = writer
        return self._ref

    def render(self) -> bytes:
        self.set_resource(
            category=ResourceType.XOBJECT, name=pdf_name("/ImgSeal"), value=self._image_ref()
        )
        return b"q %g 0 0 %g 0 0 cm /ImgSeal Do Q" % (self.box.width, self.box.height)


def seal_png_bytes(cache_dir: Path | None = None) -> bytes:
    return seal_png_path(cache_dir).read_bytes()


__all__ = [
    "NAME_ZH",
    "SEAL_RED",
    "SEAL_SIZE_PT",
    "SealImage",
    "image_xobject",
    "render_seal_mask",
    "seal_png_bytes",
    "seal_png_path",
]

