"""The QR code printed beside every instrument's verification code (issue 13).

Whoever holds an instrument on paper can check it: the footer prints its verification code, and
the QR code beside it leads a phone's camera to the page that says whether it is what the
mechanism issued — `<public url>/verify/<code>` (web/public/verify.py), the same page typing the
code leads to. The mechanism is run in the open (the principle 透明公开; 第六章第1条: the parties'
right to know, the transparency of its running): a reader of an instrument learns that it is
genuine without asking the secretariat.

The URL is part of the instrument's context (``doc.verification_url``): a change of the public URL
changes the context's digest, so the render cache never serves a rendering whose QR code leads to
the old address (docgen.cache). The image is made from that URL while rendering (docgen.render),
so nothing but text is in the context.
"""
from __future__ import annotations

import io
from functools import lru_cache

import segno

# The verification page of one code, under the service's public URL (web/public/verify.py).
VERIFY_PATH = "/verify/"
# Settings.public_url's default (casedocs/config.py): a DocumentService made without one (tests,
# the library used on its own) prints QR codes leading to the local development server.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"

# The symbol is printed 1 cm wide (docgen.contract.VERIFICATION_QR_CM), so its modules must stay as
# large as they can: the smallest version that holds the URL (a 40-53 character URL is version 3,
# 29 modules, at level L), then the highest error correction that fits in it (segno raises the
# level while the version stays: the default URL's 41 characters get M, 15 % of the symbol may be
# lost to a fold or a stamp's edge).
ERROR_LEVEL = "l"
# Quiet zone, in modules. The standard asks for 4; the footer's white space around the symbol
# adds to the 2 printed here (the neighbouring text is a space away), which keeps the modules
# large enough for a phone at the symbol's small size.
QUIET_ZONE = 2
# Pixels per module of the PNG: whole pixels per module keep the edges sharp at any print size.
PIXELS_PER_MODULE = 10


def verification_url(public_url: str, code: str) -> str:
    """The verification page of `code`; empty without a code (a template's stand-in rendering)."""
    if not code:
        return ""
    return f"{public_url.rstrip('/')}{VERIFY_PATH}{code}"


def qr_code(url: str) -> segno.QRCode:
    """The QR code of `url`: always a full QR code (never a Micro QR, which few phones read)."""
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=True)


@lru_cache(maxsize=256)
def qr_png(url: str) -> bytes:
    """The QR code of `url` as a black-on-white 1-bit PNG. Cached: every page's footer and every
    format of one version print the same code."""
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=PIXELS_PER_MODULE, border=QUIET_ZONE, dark="black", light="white")
    return out.getvalue()
