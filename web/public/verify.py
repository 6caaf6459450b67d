"""/verify: anyone who received an instrument checks it, by the file or by the code printed on it
(issue 13; PROCEDURE.md 第六章: the secretariat publishes truthfully and prudently, never what is
confidential). No login; every page in zh, zh-Hant and en.

What the pages may show is what the holder already has (the file's own signatures) and what
identifies an instrument (case, instrument, edition, version, dates, sha256), never a document's
text: casedocs.services.verification decides; is_public() decides which file it offers for download
(the sealed public rendering of a published instrument, served by web.public.register.register_file).

Shared with the API (web.api.verify): the limits per address (Flask-Limiter's storage, as
web.auth.throttle), the streamed, size-limited upload, and the slot that keeps verification from
taking every core (verification is CPU-bound Python; the pages are served by the same processes).
The upload form is exempt from CSRF: it changes nothing, and the token check would read (and
spool) the whole body before the view can apply the upload's own, lower, size limit.
"""
from __future__ import annotations

import math
import time
import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from cases.documents import normalise_code
from cases.vocabulary import SideRole, SignerRole
from casedocs.services import console
from casedocs.services.desk import SigningError
from casedocs.services.verification import (
    MAX_VERIFY_BYTES,
    CodeRecord,
    UploadCheck,
    by_code,
    check_upload,
    trust_fingerprint,
    verifier_slot,
)
from web.access import public
from web.pagecache import pages
from web.context import core
from web.extensions import csrf, limiter
from web.i18n import label
from web.public import bp

# Per address. An upload costs about 0.1-0.3 s of a core; a lookup one indexed query.
UPLOADS = parse_many("10/minute;100/hour")
LOOKUPS = parse_many("30/minute;300/hour")
# Room for the multipart envelope around the file (boundaries, headers, the code field).
FORM_SLACK = 64 * 1024
BUSY_RETRY_SECONDS = 2


class Refused(Exception):
    """A request the verifier will not take: its status, a message in the reader's language and, for
    429 and 503, the seconds to wait (Retry-After)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


def address() -> str:
    """The client's address (ProxyFix has put the proxy's X-Forwarded-For there when configured)."""
    return request.remote_addr or "unknown"


def spend(kind: str, items: list[RateLimitItem]) -> None:
    """Count one request of `kind` ("upload" or "lookup") for this address, or raise Refused(429)
    with the seconds until the window lets the next one through."""
    strategy = limiter().limiter
    for item in items:
        if not strategy.hit(item, "verify", kind, address()):
            reset, _ = strategy.get_window_stats(item, "verify", kind, address())
            wait = max(1, math.ceil(reset - time.time()))
            raise Refused(429, str(_l("Too many verifications from your address. Try again in %(seconds)d "
                                      "seconds.", seconds=wait)), wait)


def read_form(field: str = "file") -> tuple[bytes | None, str, str]:
    """The uploaded file's bytes (None when no file was chosen), its name and the form's `code`, the
    body read as a stream (werkzeug spools a large file to disk) and cut off past MAX_VERIFY_BYTES. A
    body that announces more is refused before a byte of it is read."""
    limit = MAX_VERIFY_BYTES + FORM_SLACK
    too_large = Refused(413, str(_l("The file is larger than %(megabytes)d MB: instruments of the mechanism "
                                    "are far smaller. It was not verified.", megabytes=MAX_VERIFY_BYTES // 2**20)))
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    request.max_content_length = limit
    try:
        upload = request.files.get(field)
        code = (request.form.get("code") or "").strip()
    except RequestEntityTooLarge:
        raise too_large from None
    if upload is None or not upload.filename:
        return None, "", code
    data = upload.stream.read(MAX_VERIFY_BYTES + 1)
    if len(data) > MAX_VERIFY_BYTES:
        raise too_large
    return data, upload.filename, code


def verify_upload(data: bytes) -> UploadCheck:
    """The answer for these bytes: kept from an earlier upload of the same file while nothing it
    depends on has moved (the trust material, the record's revision; at most web.pagecache's time),
    else verified in one of the machine's verification slots, or refused (503) while they are all
    busy. A published instrument is verified by many readers: the second costs a hash, not 0.1 s of
    a core that the pages need."""
    app = core()
    with app.db.session() as session:
        revision = console.revision(session)
    key = ("verify", hashlib.sha256(data).hexdigest(), trust_fingerprint(app.settings.data_dir), revision)
    return pages().get_or_build(key, lambda: (_verified(data), True))


def _verified(data: bytes) -> UploadCheck:
    app = core()
    with verifier_slot(app.settings.data_dir) as slot:
        if not slot:
            raise Refused(503, str(_l("The verifier is busy. Try again in a few seconds.")), BUSY_RETRY_SECONDS)
        try:
            with app.db.session() as session:
                return check_upload(app.settings.data_dir, session, data)
        except SigningError:  # no certificate authority: the server is not set up (`casedocs init`)
            raise Refused(503, str(_l("Verification is not available on this server yet: the mechanism's "
                                      "certificate authority is not set up.")), 60) from None


def look_up(code: str) -> CodeRecord:
    """The instrument a code is printed on, or Refused (400 not a code, 404 no issued instrument)."""
    spend("lookup", LOOKUPS)
    try:
        with core().db.session() as session:
            found = by_code(session, code)
    except ValueError:
        raise Refused(400, str(_l("A verification code has 10 letters and digits, like CALE-GJXP-JS."))) from None
    if found is None:
        raise Refused(404, str(_l("No instrument issued by the mechanism has this code. Check it against the "
                                  "code printed beside the seal.")))
    return found


# -- the pages -----------------------------------------------------------------------------------------------

SIDES = {"secretariat": _l("Secretariat")}
ROLES = {"seal": _l("Seal of the secretariat"), "signatory": _l("Signatory"), "secretariat": _l("Secretariat")}
LEVELS = {"NONE": _l("no changes"), "LTA_UPDATES": _l("validation data and time-stamps only"),
          "FORM_FILLING": _l("form filling and further signatures"), "ANNOTATIONS": _l("comments added"),
          "OTHER": _l("content changed")}
ALLOWED_LEVELS = (None, "NONE", "LTA_UPDATES", "FORM_FILLING")  # signing.verify: beyond form filling invalidates
PERMISSIONS = {"NO_CHANGES": _l("no changes allowed"), "FILL_FORMS": _l("signatures and form filling allowed"),
               "ANNOTATE": _l("comments allowed")}


@dataclass(frozen=True)
class SignatureRow:
    """One signature as the page shows it, worded in the reader's language."""

    field: str
    signer: str
    side: str
    role: str
    timestamp: datetime | None
    intact: bool
    trusted: bool
    revoked: bool
    revoked_after_proof: bool
    modification: str
    changes_allowed: bool  # what was changed after this signature is within what it allows
    docmdp: str
    problems: list[str]


def _side(raw: str | None) -> str:
    if raw is None:
        return ""
    if raw in SIDES:
        return str(SIDES[raw])
    try:
        return label(SideRole(raw))
    except ValueError:
        return raw


def _role(raw: str | None) -> str:
    if raw is None:
        return ""
    if raw in ROLES:
        return str(ROLES[raw])
    try:
        return label(SignerRole(raw))
    except ValueError:
        return raw


def signature_rows(check: UploadCheck) -> list[SignatureRow]:
    if check.report is None:
        return []
    return [SignatureRow(s.field, s.signer or "—", _side(s.side), _role(s.role),
                         None if s.timestamp is None else datetime.fromisoformat(s.timestamp),
                         s.intact, s.trusted, s.revoked, s.revoked_after_proof,
                         str(LEVELS.get(s.modification_level or "", s.modification_level or "—")),
                         s.docmdp_ok is not False and s.modification_level in ALLOWED_LEVELS,
                         str(PERMISSIONS.get(s.docmdp or "", "—")), s.problems)
            for s in check.report.signatures]


def _tidy(code: str) -> str:
    """XXXX-XXXX-XX when the text is a code, else as typed (its page then says what is wrong)."""
    try:
        return normalise_code(code)
    except ValueError:
        return code


def _form(message: str | None = None, status: int = 200, headers: dict[str, str] | None = None,
          code: str = "") -> tuple[str, int, dict[str, str]]:
    return (render_template("public/verify.html", message=message, code=code,
                            limit_mb=MAX_VERIFY_BYTES // 2**20), status, headers or {})


@bp.get("/verify")
@public
def verify_form() -> tuple[str, int, dict[str, str]]:
    """Upload a PDF or type the code printed on an instrument."""
    return _form()


@bp.post("/verify")
@public
def verify_submit() -> Response | tuple[str, int, dict[str, str]]:
    """A code leads to its page (/verify/<code>, as the QR code does); a file is verified here."""
    code = ""
    try:
        data, name, code = read_form()
        if data is None:
            if code:
                return redirect(url_for("public.verify_code", code=_tidy(code)))
            raise Refused(400, str(_l("Choose a PDF file to verify, or type the code printed on the instrument.")))
        spend("upload", UPLOADS)
        check = verify_upload(data)
    except Refused as refused:
        return _form(refused.message, refused.status, refused.headers(), code)
    return (render_template("public/verify_result.html", check=check, name=name, rows=signature_rows(check)),
            200, {"Cache-Control": "no-store"})


csrf.exempt(verify_submit)


@bp.get("/verify/<path:code>")
@public
def verify_code(code: str) -> tuple[str, int, dict[str, str]]:
    """The page a printed code or the QR code beside it leads to."""
    try:
        record = look_up(code)
    except Refused as refused:
        return _form(refused.message, refused.status, refused.headers(), code)
    return render_template("public/verify_code.html", record=record), 200, {}
