"""The pages of the exact revision a person signs, as images for the signing page (issue 12: "the
person sees every page of the exact PDF they sign, rendered in the page, with their own field
highlighted"). Rendered on the server by poppler's pdftoppm, so that the page needs no script and no
PDF viewer, and kept per revision (content-addressed by its sha256: the bytes never change).

No session: callers read the revision's bytes (desk.blobs) and pass them in.
"""
from __future__ import annotations

import io
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from pyhanko.pdf_utils import generic
from pyhanko.sign.fields import enumerate_sig_fields

from cases.errors import CaseError
from signing.pdfdoc import open_reader, page_refs

# 144 dpi: an A4 page is 1190 pixels wide, 3 image pixels per CSS pixel where the page fills a 390 px
# phone's width edge to edge (_sign_style.html), as many as a phone's densest display shows: small print
# stays legible, and sharp when the reader pinches to zoom.
RESOLUTION = 144
RENDER_TIMEOUT = 60


@dataclass(frozen=True)
class FieldBox:
    """Where a signature field's widget sits: its page (0-based) and its rectangle as fractions of
    the page's width and height, from the top left (what an image of the page needs)."""

    page: int
    left: float
    top: float
    right: float
    bottom: float


def page_count(pdf: bytes) -> int:
    return len(page_refs(open_reader(pdf)))


def field_box(pdf: bytes, field: str) -> FieldBox | None:
    """The field's place on its page, or None when it has no visible widget."""
    reader = open_reader(pdf)
    pages = page_refs(reader)
    for name, _value, field_ref in enumerate_sig_fields(reader):
        if name != field:
            continue
        widget = field_ref.get_object()
        if "/Rect" not in widget and "/Kids" in widget:
            widget = widget["/Kids"][0].get_object()
        page_ref = widget.raw_get("/P") if "/P" in widget else None
        if "/Rect" not in widget or not isinstance(page_ref, generic.IndirectObject):
            return None
        try:
            index = pages.index(page_ref.reference)
        except ValueError:
            return None
        page = page_ref.get_object()  # type: ignore[no-untyped-call]  # pyHanko's generic objects are untyped
        box = [float(v) for v in page.get("/CropBox", page["/MediaBox"])]
        x0, y0, x1, y1 = [float(v) for v in widget["/Rect"]]
        width, height = box[2] - box[0], box[3] - box[1]
        return FieldBox(index, (min(x0, x1) - box[0]) / width, (box[3] - max(y0, y1)) / height,
                        (max(x0, x1) - box[0]) / width, (box[3] - min(y0, y1)) / height)
    return None


def page_image(cache: Path, sha256: str, pdf: bytes, page: int, highlight: FieldBox | None = None) -> bytes:
    """PNG of page `page` (0-based) of the revision `sha256`; the field framed when `highlight` is on
    this page. Kept under `cache`/<sha256>/ once made."""
    if not 0 <= page < page_count(pdf):
        raise CaseError(f"the document has no page {page + 1}")
    folder = cache / sha256
    plain = folder / f"{page + 1}.png"
    if not plain.exists():
        _render(pdf, page, plain)
    if highlight is None or highlight.page != page:
        return plain.read_bytes()
    marked = folder / f"{page + 1}-{highlight.left:.4f}-{highlight.top:.4f}.png"
    if not marked.exists():
        _atomic_write(marked, _framed(plain.read_bytes(), highlight))
    return marked.read_bytes()


def _render(pdf: bytes, page: int, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page + 1), "-l", str(page + 1),
                            "-singlefile", str(source), str(Path(work) / "page")],
                           check=True, capture_output=True, timeout=RENDER_TIMEOUT)
        except (OSError, subprocess.SubprocessError) as error:
            raise CaseError(f"page {page + 1} could not be shown: {type(error).__name__}") from None
        os.replace(Path(work) / "page.png", target)


def _framed(png: bytes, box: FieldBox) -> bytes:
    """The page with the person's field washed yellow and framed in a thick dark orange line."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    width, height = image.size
    rect = (box.left * width, box.top * height, box.right * width, box.bottom * height)
    wash = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(wash).rectangle(rect, fill=(255, 214, 0, 90))
    image = Image.alpha_composite(image, wash)
    pad = max(3, width // 200)
    outer = (rect[0] - pad, rect[1] - pad, rect[2] + pad, rect[3] + pad)
    ImageDraw.Draw(image).rectangle(outer, outline=(196, 72, 0, 255), width=max(3, width // 150))
    out = io.BytesIO()
    image.convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()


def _atomic_write(target: Path, data: bytes) -> None:
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
