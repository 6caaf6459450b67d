"""The check that a template keeps the contract with the signing module (docgen/contract.py):
the part of `casedocs templates lint` (docgen/lint.py) that replaces regenerating the templates
from a specification. The DOCX files are the source; this says where one and the contract
disagree, in sentences an officer can act on in Word or LibreOffice.
"""
from __future__ import annotations

import re

from lxml import etree

from cases.instruments import Instrument, Signatory
from cases.vocabulary import SideRole
from docgen.contract import (
    ANCHOR_COLOUR,
    ANCHOR_MONITORING,
    ANCHOR_PREFIX,
    ANCHOR_SEAL,
    ANCHOR_SIZE_PT,
    CM,
    EAST_ASIAN_LANGUAGE,
    MONITORING_HEADING,
    PAGE_SIZE_CM,
    SEAL_MARKERS,
    SIGNATORY_NUMBER,
    SIGNATURE_AREA_MIN_PT,
    TEMPLATE_MARGINS,
    TEMPLATE_SIGNATORY_ANCHOR_RE,
    sig_anchor,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_TWIPS_PER_PT = 20
_PAGE_TOLERANCE_PT = 0.1  # Word rounds centimetres to whole twips (1/20 pt)


def anchor_signatory(side: str) -> str:
    """How the lint names a side's per-signatory anchor, whatever expression numbers it."""
    return f"{sig_anchor(side)}-{{{{ n }}}}"


def setup_problems(parts: dict[str, bytes]) -> list[str]:
    """The styles' East Asian language, the page size and the margins."""
    return _language(parts) + _page_setup(parts)


def _language(parts: dict[str, bytes]) -> list[str]:
    styles = parts.get("word/styles.xml")
    if styles is None:
        return ["word/styles.xml is missing"]
    default = etree.fromstring(styles).find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}lang")
    east_asia = default.get(f"{_W}eastAsia") if default is not None else None
    if east_asia != EAST_ASIAN_LANGUAGE:
        return [f"the styles' default East Asian language is {east_asia or 'unset'}, not {EAST_ASIAN_LANGUAGE}: "
                "LibreOffice would draw Chinese in Japanese glyph forms"]
    return []


def _page_setup(parts: dict[str, bytes]) -> list[str]:
    """Every section is A4 portrait with the margins placement lays the boxes out in (it stops
    stacks at the bottom margin and spreads monitoring slots over the text width)."""
    problems = []
    want = TEMPLATE_MARGINS
    for number, section in enumerate(etree.fromstring(parts["word/document.xml"]).iter(f"{_W}sectPr"), start=1):
        where = f"section {number}: " if number > 1 else ""
        size, margins = section.find(f"{_W}pgSz"), section.find(f"{_W}pgMar")
        width, height = _points(size, "w"), _points(size, "h")
        if width is None or height is None or not (_close(width, PAGE_SIZE_CM[0] * CM)
                                                   and _close(height, PAGE_SIZE_CM[1] * CM)):
            problems.append(f"{where}the page is {_cm(width)} x {_cm(height)} cm, not A4 portrait "
                            f"({PAGE_SIZE_CM[0]:.1f} x {PAGE_SIZE_CM[1]:.1f} cm): the signing module lays out A4 "
                            "pages (Layout → Size → A4)")
        sides = ("top", "right", "bottom", "left")
        found = {side: _points(margins, side, absolute=True) for side in sides}
        gutter = _points(margins, "gutter") or 0.0
        if found["left"] is not None:
            found["left"] += gutter  # Word adds the gutter to the left margin
        expected = {side: getattr(want, side) for side in sides}
        if any(found[side] is None or not _close(found[side], expected[side]) for side in sides):
            problems.append(f"{where}the page margins are {_margins(found)} cm, not the {_margins(expected)} cm "
                            "the signing module places the seal and the signature boxes within: set them back "
                            "(Layout → Margins → Custom margins; no gutter), or change docgen/contract.py")
    return problems


def _points(element: etree._Element | None, attribute: str, absolute: bool = False) -> float | None:
    value = element.get(f"{_W}{attribute}") if element is not None else None
    if value is None or not value.lstrip("-").isdigit():
        return None
    twips = int(value)
    return (abs(twips) if absolute else twips) / _TWIPS_PER_PT  # a negative top or bottom margin is a fixed one


def _close(found: float | None, expected: float) -> bool:
    return found is not None and abs(found - expected) <= _PAGE_TOLERANCE_PT


def _cm(points: float | None) -> str:
    return "?" if points is None else f"{points / CM:.2f}".rstrip("0").rstrip(".")


def _margins(by_side: dict[str, float | None]) -> str:
    return ", ".join(f"{side} {_cm(value)}" for side, value in by_side.items())


def required_anchors(instrument: Instrument) -> list[str]:
    """The anchors the signing module needs in this instrument's template (PROCEDURE.md §4: who
    signs each instrument)."""
    sides = [side.value for side in SideRole]
    anchors = []
    if instrument.issued_by_secretariat:
        anchors.append(ANCHOR_SEAL)
    if instrument.co_signed:  # digital signatures: one anchor (and area) per signatory of each side
        anchors += [anchor_signatory(side) for side in sides]
    if instrument.signatory in (Signatory.APPOINTING_SIDE, Signatory.REQUESTING_SIDE):
        anchors += [sig_anchor(side) for side in sides]  # either side may be the one signing
    if instrument.signatory is Signatory.APPLICANT:
        anchors.append(sig_anchor(SideRole.APPLICANT.value))
    if instrument.signatory is Signatory.SECRETARIAT_AND_MONITORS:  # monitors sign on the monitoring page
        anchors.append(ANCHOR_MONITORING)
    return anchors


def anchor_problems(parts: dict[str, bytes], instrument: Instrument, lang: str) -> list[str]:
    """The anchors the signing module needs: there, invisible, each signatory's with its empty area
    under it, the seal's on the "(seal)" line, the monitoring anchor on its own page."""
    root = etree.fromstring(parts["word/document.xml"])
    styles = etree.fromstring(parts["word/styles.xml"]) if "word/styles.xml" in parts else None
    every: dict[str, list[etree._Element]] = {}
    for run in root.iter(f"{_W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{_W}t")).strip()
        numbered = TEMPLATE_SIGNATORY_ANCHOR_RE.fullmatch(text)
        if numbered:
            every.setdefault(anchor_signatory(numbered.group(1)), []).append(run)
        elif text.startswith(ANCHOR_PREFIX):
            every.setdefault(text, []).append(run)
    found = {anchor: runs[0] for anchor, runs in every.items()}
    # The signature block may list the signatories in more than one loop (all rows but the last, and
    # the last with the seal, issue 14): each loop must number its own anchors.
    loops = max(1, "".join(t.text or "" for t in root.iter(f"{_W}t")).count("for row in signature_rows"))
    problems = []
    for anchor in required_anchors(instrument):
        runs = every.get(anchor, [])
        if not runs or ("{{" in anchor and len(runs) < loops):
            where = (" at the start of each signatory's name line, numbered by the loop over signature_rows: "
                     f"{anchor.replace('{{ n }}', SIGNATORY_NUMBER)}") if "{{" in anchor else ""
            problems.append(f"the signing anchor {anchor} is missing (a run with exactly that text, white, "
                            f"{ANCHOR_SIZE_PT:g} pt{where})")
            continue
        for run in runs:
            if not _invisible(run, styles):
                problems.append(f"the signing anchor {anchor} is visible: make its run white and {ANCHOR_SIZE_PT:g} pt")
            elif anchor == ANCHOR_SEAL and not _says_seal(run):
                problems.append(f"the line carrying {ANCHOR_SEAL} (or one of the four lines under it) must say "
                                f"{' or '.join(SEAL_MARKERS[:3])}: the seal goes over that line and the date under it")
            elif "{{" in anchor and not _signature_area(run, styles):
                problems.append(f"the name line carrying {anchor} must be followed by an empty paragraph of exact "
                                f"line height {SIGNATURE_AREA_MIN_PT:g} pt or more: the signatory's signature box "
                                "goes there")
            else:
                continue
            break
    if ANCHOR_MONITORING in required_anchors(instrument) and ANCHOR_MONITORING in found:
        problems += _monitoring_page(root, found[ANCHOR_MONITORING], lang)
    return problems


def _run_property(run: etree._Element, styles: etree._Element | None, tag: str) -> str | None:
    """A run property set directly or by its character style."""
    direct = run.find(f"{_W}rPr/{_W}{tag}")
    if direct is not None:
        return direct.get(f"{_W}val")
    style_id = run.find(f"{_W}rPr/{_W}rStyle")
    if style_id is not None and styles is not None:
        for style in styles.iter(f"{_W}style"):
            if style.get(f"{_W}styleId") == style_id.get(f"{_W}val"):
                element = style.find(f"{_W}rPr/{_W}{tag}")
                return element.get(f"{_W}val") if element is not None else None
    return None


def _paragraph_property(paragraph: etree._Element, styles: etree._Element | None, tag: str,
                        attribute: str) -> str | None:
    """A paragraph property's attribute, set directly or by its style (or the styles it is based on)."""
    element = paragraph.find(f"{_W}pPr/{_W}{tag}")
    if element is not None and element.get(f"{_W}{attribute}") is not None:
        return element.get(f"{_W}{attribute}")
    style_id = paragraph.find(f"{_W}pPr/{_W}pStyle")
    seen: set[str] = set()
    current = style_id.get(f"{_W}val") if style_id is not None else None
    while styles is not None and current and current not in seen:
        seen.add(current)
        style = next((s for s in styles.iter(f"{_W}style") if s.get(f"{_W}styleId") == current), None)
        if style is None:
            return None
        element = style.find(f"{_W}pPr/{_W}{tag}")
        if element is not None and element.get(f"{_W}{attribute}") is not None:
            return element.get(f"{_W}{attribute}")
        based_on = style.find(f"{_W}basedOn")
        current = based_on.get(f"{_W}val") if based_on is not None else None
    return None


def _signature_area(anchor_run: etree._Element, styles: etree._Element | None) -> bool:
    """Whether the first paragraph after the anchor's (past paragraphs holding only `{%p %}` tags)
    is an empty one of exact line height, tall enough for the signature box."""
    paragraph = next(anchor_run.iterancestors(f"{_W}p"), None)
    sibling = paragraph.getnext() if paragraph is not None else None
    while sibling is not None:
        if sibling.tag == f"{_W}p":
            text = "".join(t.text or "" for t in sibling.iter(f"{_W}t")).strip()
            if not re.fullmatch(r"(\{%p.*?%\}\s*)+", text):
                rule = _paragraph_property(sibling, styles, "spacing", "lineRule")
                line = _paragraph_property(sibling, styles, "spacing", "line")
                return (not text and rule == "exact" and line is not None and line.isdigit()
                        and int(line) >= SIGNATURE_AREA_MIN_PT * _TWIPS_PER_PT)
        sibling = sibling.getnext()
    return False


def _invisible(run: etree._Element, styles: etree._Element | None) -> bool:
    color = (_run_property(run, styles, "color") or "").upper()
    size = _run_property(run, styles, "sz")  # in half-points
    return color == ANCHOR_COLOUR and size is not None and size.isdigit() and int(size) <= 2 * ANCHOR_SIZE_PT


def _says_seal(anchor_run: etree._Element) -> bool:
    """Whether the anchor's paragraph or one of the four after it (the lines placement centres the
    seal on) says "(seal)"."""
    paragraph = next(anchor_run.iterancestors(f"{_W}p"), None)
    for _ in range(5):
        if paragraph is None:
            return False
        if any(marker in "".join(t.text or "" for t in paragraph.iter(f"{_W}t")) for marker in SEAL_MARKERS):
            return True
        paragraph = paragraph.getnext()
        while paragraph is not None and paragraph.tag != f"{_W}p":
            paragraph = paragraph.getnext()
    return False


def _monitoring_page(root: etree._Element, anchor_run: etree._Element, lang: str) -> list[str]:
    """The monitoring record starts on a new page with its heading, just before the anchor."""
    paragraphs = list(root.iter(f"{_W}p"))
    texts = ["".join(t.text or "" for t in p.iter(f"{_W}t")).strip() for p in paragraphs]
    index = next(i for i, p in enumerate(paragraphs) if anchor_run in p.iter(f"{_W}r"))
    heading = MONITORING_HEADING[lang]
    filled = [i for i in range(index) if texts[i]]
    if not filled or texts[filled[-1]] != heading:
        return [f"the monitoring anchor must follow the heading {heading!r}"]
    at = filled[-1]
    page_break = paragraphs[at].find(f"{_W}pPr/{_W}pageBreakBefore")
    starts_page = page_break is not None and page_break.get(f"{_W}val") not in ("0", "false")
    # ...or a page break run in the heading or in the empty paragraphs just before it.
    start = filled[-2] + 1 if len(filled) > 1 else 0
    starts_page |= any(br.get(f"{_W}type") == "page" for p in paragraphs[start:at + 1] for br in p.iter(f"{_W}br"))
    return [] if starts_page else [f"the heading {heading!r} must start a new page (page break before)"]
