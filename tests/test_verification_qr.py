"""The QR code beside every instrument's verification code (issue 13), on instruments the real pipeline
renders (the committed templates, LibreOffice) for the demo's sample case:

- every footer of every edition (zh, en, zh-Hant, both sections of the bilingual one) carries, right
  after the printed code, a PNG whose QR symbol is segno's for `<public url>/verify/<code>` with that
  document's code;
- the PDF shows it on the first and the last page: the footer is rasterised (pdftoppm) and the symbol
  read back module by module (no QR decoder is installed: the modules read from the page are
  compared with segno's matrix of the expected URL, which a symbol of any other text cannot match);
- a new public URL is a new rendering (the URL is in the context, docgen.cache), the same one is not.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from docgen.cache import DirectoryCache
from docgen.locale import Edition
from docgen.qr import qr_code, verification_url
from docgen.service import DocumentService, Rendered, Request

CASE = "MVC-2025-0002"
INSTRUMENT = "agreement"  # several pages; co-signed, so signing anchors on its last pages
PUBLIC_URL = "https://mediation.example.org/casedocs"
DPI = 600
CM_PX = DPI / 2.54
BOTTOM_MARGIN_CM = 2.6  # the templates' (docgen.contract.TEMPLATE_MARGINS): the footer lives below it

Matrix = list[list[bool]]

needs_tools = pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                                 reason="LibreOffice or poppler is not installed")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The demo's cases, on a service whose public URL is not the default."""
    settings = Settings.load(tmp_path_factory.mktemp("data"), environ={"CASEDOCS_PUBLIC_URL": PUBLIC_URL + "/",
                                                                        "CASEDOCS_CONVERTERS": "1"})
    app = App(settings, today=lambda: date(2026, 11, 25))
    app.init()
    with app.procedure(actor="verification qr test") as proc:
        run_demo_cases(proc)
    yield app
    app.close()


@pytest.fixture(scope="module")
def rendered(app: App) -> dict[str, Rendered]:
    """The sample case's agreement in every edition, DOCX and PDF."""
    with app.documents(actor="verification qr test") as (proc, docs):
        case = proc.get_case(CASE)
        results = docs.render_many(case, [Request(INSTRUMENT, edition) for edition in Edition], ["docx", "pdf"])
    return {result.request.edition.value: result for result in results}


def expected(code: str, public_url: str = PUBLIC_URL) -> Matrix:
    return [[bool(bit) for bit in row] for row in qr_code(f"{public_url}/verify/{code}").matrix]


def symbol(image: Image.Image) -> Matrix:
    """The modules of the one QR symbol in `image` (black on white, nothing else dark above its
    text), read at each module's centre. Its extent comes from the dark pixels of the symbol's top
    band, which holds both upper finder patterns; its size (21 + 4k modules) is the one whose
    finder pattern (7 modules) is as wide as the top-left one measures."""
    dark = image.convert("L").point(lambda value: 255 if value < 128 else 0)
    box = dark.getbbox()
    assert box is not None, "nothing dark: no symbol"
    top = box[1]
    band = dark.crop((0, top, dark.width, top + 3)).getbbox()  # the finder patterns' top edges
    assert band is not None
    left, right = band[0], band[2]
    finder = 0
    while dark.getpixel((left + finder, top + 2)):
        finder += 1
    count = min(range(21, 178, 4), key=lambda n: abs((right - left) / n * 7 - finder))
    module = (right - left) / count
    assert abs(module * 7 - finder) < module, f"no QR code: a finder pattern of {finder} px, {module:.1f} px modules"
    return [[bool(dark.getpixel((int(left + (x + 0.5) * module), int(top + (y + 0.5) * module))))
             for x in range(count)] for y in range(count)]


def footer_images(docx: bytes) -> list[tuple[str, bytes]]:
    """(footer text, image bytes) of each footer part, read from the package as Word does."""
    found = []
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        for name in sorted(n for n in package.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)):
            xml = package.read(name).decode("utf-8")
            rels = package.read(name.replace("word/", "word/_rels/") + ".rels").decode("utf-8")
            embeds = re.findall(r'r:embed="([^"]+)"', xml)
            assert len(embeds) == 1, f"{name} has {len(embeds)} pictures"
            target = re.search(rf'Id="{embeds[0]}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{embeds[0]}"',
                               rels)
            assert target is not None, f"{name}: its picture's relationship is missing"
            text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
            found.append((text, package.read("word/" + (target.group(1) or target.group(2)))))
    return found


def footer_strip(pdf: Path, page: int, out: Path) -> Image.Image:
    """The page's footer (below the bottom margin), rasterised by poppler."""
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(DPI), "-gray", "-png", "-singlefile",
                    str(pdf), str(out)], check=True, capture_output=True)
    image = Image.open(out.with_suffix(".png"))
    return image.crop((0, image.height - round(BOTTOM_MARGIN_CM * CM_PX), image.width, image.height))


def test_the_verification_url_is_the_public_url_and_the_code() -> None:
    assert verification_url("https://x.example/base/", "ABCD-EFGH-IJ") == "https://x.example/base/verify/ABCD-EFGH-IJ"
    assert verification_url("https://x.example", "") == ""


@pytest.mark.slow
@needs_tools
@pytest.mark.parametrize("edition", [edition.value for edition in Edition])
def test_every_footer_of_every_edition_carries_the_qr_code_of_its_verification_page(
    rendered: dict[str, Rendered], edition: str
) -> None:
    result = rendered[edition]
    footers = footer_images(result.docx)
    assert len(footers) == (2 if edition == "bilingual" else 1)  # the bilingual edition's two sections
    for text, png in footers:
        assert result.code in text
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert symbol(Image.open(io.BytesIO(png))) == expected(result.code)


@pytest.mark.slow
@needs_tools
@pytest.mark.parametrize("edition", [edition.value for edition in Edition])
def test_the_first_and_the_last_page_of_the_pdf_show_the_qr_code_of_its_verification_page(
    rendered: dict[str, Rendered], edition: str, tmp_path: Path
) -> None:
    result = rendered[edition]
    assert result.pdf is not None
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(result.pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    assert pages > 1
    for page in (1, pages):  # the bilingual edition's last page is in its English section
        strip = footer_strip(pdf, page, tmp_path / f"footer-{page}")
        assert symbol(strip) == expected(result.code), f"page {page}"


@pytest.mark.slow
@needs_tools
def test_the_qr_code_is_no_taller_than_the_footer_leaves_room_for(rendered: dict[str, Rendered],
                                                                 tmp_path: Path) -> None:
    """It stays below the bottom margin: the text above keeps its place (the page count and the
    signing anchors with it)."""
    assert rendered["zh"].pdf is not None
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(rendered["zh"].pdf)
    strip = footer_strip(pdf, 1, tmp_path / "footer")
    box = strip.convert("L").point(lambda value: 255 if value < 128 else 0).getbbox()
    assert box is not None
    assert box[1] > 0.1 * CM_PX, "the footer reaches the bottom margin"
    assert box[3] - box[1] < 1.2 * CM_PX


def test_a_new_public_url_is_a_new_rendering_and_the_same_one_is_not(app: App, tmp_path: Path) -> None:
    """The URL is in the context: the render cache (issue 8) never serves a document whose QR code
    leads to the old address."""
    rendering = app.rendering(pdf=False)
    cache = DirectoryCache(tmp_path / "cache")
    request = Request("launch_notice", Edition.ZH)

    def render(public_url: str) -> Rendered:
        with app.procedure(actor="verification qr test") as proc:
            docs = DocumentService(proc.session, rendering.store, rendering.templates, rendering.key, proc.actor,
                                   rendering.today, cache=cache, public_url=public_url)
            return docs.render(proc.get_case(CASE), request, ["docx"])

    first = render(PUBLIC_URL)
    again = render(PUBLIC_URL)
    moved = render("https://elsewhere.example.org")
    assert (again.version, again.code) == (first.version, first.code)
    assert moved.version == first.version + 1
    [(_, png)] = footer_images(moved.docx)
    assert symbol(Image.open(io.BytesIO(png))) == expected(moved.code, "https://elsewhere.example.org")

