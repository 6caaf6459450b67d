"""The template contract: what the DOCX templates promise the signing module, in one place.

The templates (templates/<lang>/<instrument id>.docx) are the source; officers edit them in Word,
WPS or LibreOffice. The signing module finds the places for the seal, the signatories' boxes and
the monitoring slots in the rendered PDF by anchors the templates carry, and lays them out inside
the page margins the templates set. `docgen.lint` checks the templates against this module;
`signing.placement` reads rendered PDFs by it. A change here is a change of both sides.

This module imports nothing of the domain, of docgen's rendering (docxtpl, LibreOffice) or of
signing: `signing.placement` imports it without pulling in anything heavy (docgen/__init__.py
imports nothing), and a test keeps it so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# -- languages -------------------------------------------------------------------------------------
# Every instrument has one template per language: templates/<lang>/<instrument id>.docx. The
# Traditional and the bilingual editions are derived from them when rendering.
LANGUAGES = ("zh", "en")
# The styles' default East Asian language, in both languages: it decides the glyph forms
# LibreOffice draws (any other value draws Chinese in Japanese forms).
EAST_ASIAN_LANGUAGE = "zh-CN"

# -- page ------------------------------------------------------------------------------------------
CM = 72 / 2.54  # points
PAGE_SIZE_CM = (21.0, 29.7)  # A4, portrait


@dataclass(frozen=True)
class Margins:
    """Page margins in points. The defaults are the templates' (2.8 cm left, 2.6 right, 3.0 top,
    2.6 bottom): placement lays monitoring slots over the text width and stops stacks at the
    bottom margin."""

    left: float = 2.8 * CM
    right: float = 2.6 * CM
    top: float = 3.0 * CM
    bottom: float = 2.6 * CM


TEMPLATE_MARGINS = Margins()

# -- the footer ----------------------------------------------------------------------------------
# Every page's footer prints the reference, the verification code and, right after the code, the QR
# code of its verification page (issue 13, docgen.qr), then "page X of Y". The footer writes the QR
# code as this name ({{ verification_qr }}); rendering puts there the image of doc.verification_url.
VERIFICATION_QR = "verification_qr"
# The QR code's printed side. It sits on the footer's line, in the 1.2 cm between the footer's
# distance from the page edge (1.4 cm) and the bottom margin (2.6 cm): the footer does not grow
# into the text, so no page breaks elsewhere and the signing anchors stay where they were.
VERIFICATION_QR_CM = 1.0

# -- anchors ---------------------------------------------------------------------------------------
# Runs of white 1 pt text that print nothing but survive rendering, so the signing module finds
# them in the PDF at the start of their line:
# - CASEDOCS-SEAL starts the secretariat's name line; the seal goes over that line and the date;
# - CASEDOCS-SIG-<side>-<n> starts the name line of a co-signed instrument's n-th signatory of a
#   side (the template numbers them with a Jinja expression, see TEMPLATE_SIGNATORY_ANCHOR); the
#   empty area under it holds that signatory's box;
# - CASEDOCS-SIG-<side> heads a side's signature block (ink-signed instruments; older co-signed
#   templates, whose boxes are stacked under it);
# - CASEDOCS-MONITORING follows the heading of the closure report's monitoring page.
ANCHOR_PREFIX = "CASEDOCS-"
ANCHOR_SEAL = "CASEDOCS-SEAL"
ANCHOR_MONITORING = "CASEDOCS-MONITORING"
SIG_ANCHOR_PREFIX = "CASEDOCS-SIG-"
ANCHOR_COLOUR = "FFFFFF"  # white
ANCHOR_SIZE_PT = 1.0
# An anchor in a rendered PDF. Sides are lower-case identifiers (applicant, respondent),
# optionally numbered; the upper-case letter of visible text of the same style right after an
# anchor ends it.
ANCHOR_RE = re.compile(r"CASEDOCS-(?:SEAL|MONITORING|SIG-[a-z0-9_]+(?:-[0-9]+)?)")
# The side and number of a signature anchor, after SIG_ANCHOR_PREFIX.
SIG_ANCHOR_RE = re.compile(r"([a-z0-9_]+)(?:-([0-9]+))?")
# How a template numbers its signatories: the loop over signature_rows gives each row a number.
SIGNATORY_NUMBER = "{{ row.number }}"
# A signatory's anchor as the template writes it, whatever Jinja expression numbers it.
TEMPLATE_SIGNATORY_ANCHOR_RE = re.compile(r"CASEDOCS-SIG-([a-z0-9_]+)-\{\{[^{}]+\}\}")


def sig_anchor(side: str, number: int | None = None) -> str:
    """A side's anchor, or with ``number`` the anchor of that side's signatory (1-based)."""
    return f"{SIG_ANCHOR_PREFIX}{side}" + (f"-{number}" if number is not None else "")


def template_signatory_anchor(side: str) -> str:
    """A side's signatory anchor as the template writes it: CASEDOCS-SIG-<side>-{{ row.number }}."""
    return f"{sig_anchor(side)}-{SIGNATORY_NUMBER}"


# -- what the anchors' lines say -----------------------------------------------------------------
# The seal goes over the line saying "(seal)" in the seal block (zh, zh-Hant, en).
SEAL_MARKERS = ("盖章", "蓋章", "(seal)", "seal")
# The closure report's monitoring page starts with this heading, then the monitoring anchor.
MONITORING_HEADING = {"zh": "监测记录", "en": "Monitoring record"}

# -- the cross-page seal (骑缝章) -----------------------------------------------------------------
# Sealed instruments of several pages that get a strip of the seal at the right edge of every page
# (signing.seal_strips): the instruments parties rely on page by page. Add an instrument id here to
# give it one; issuing reads this set.
CROSS_PAGE_SEAL_INSTRUMENTS = frozenset({"agreement", "closure_report", "triage_record", "fact_finding_terms",
                                         "signing_record"})

# -- signature boxes -------------------------------------------------------------------------------
SIG_BOX_W, SIG_BOX_H = 200.0, 56.0  # fits the 5-line approval text at 9 pt, shrunk a little
SIG_MIN_W, SIG_MIN_H = 150.0, 40.0  # below that the approval text gets unreadable
# The empty paragraph under a signatory's name line is of exact line height, at least this tall
# (the templates use 66 pt: the box and a little air).
SIGNATURE_AREA_MIN_PT = SIG_BOX_H

__all__ = [
    "ANCHOR_COLOUR",
    "ANCHOR_MONITORING",
    "ANCHOR_PREFIX",
    "ANCHOR_RE",
    "ANCHOR_SEAL",
    "ANCHOR_SIZE_PT",
    "CM",
    "CROSS_PAGE_SEAL_INSTRUMENTS",
    "EAST_ASIAN_LANGUAGE",
    "LANGUAGES",
    "MONITORING_HEADING",
    "Margins",
    "PAGE_SIZE_CM",
    "SEAL_MARKERS",
    "SIGNATORY_NUMBER",
    "SIGNATURE_AREA_MIN_PT",
    "SIG_ANCHOR_PREFIX",
    "SIG_ANCHOR_RE",
    "SIG_BOX_H",
    "SIG_BOX_W",
    "SIG_MIN_H",
    "SIG_MIN_W",
    "TEMPLATE_MARGINS",
    "TEMPLATE_SIGNATORY_ANCHOR_RE",
    "VERIFICATION_QR",
    "VERIFICATION_QR_CM",
    "sig_anchor",
    "template_signatory_anchor",
]
