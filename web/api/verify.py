"""/api/v1/verify: the verification page's answers as JSON, open to anyone (no token), like /verify
(issue 13): a PDF's signatures and its place among the mechanism's stored revisions, and what a
printed verification code leads to.

`POST /verify` answers the JSON of `casedocs verify --json` (signing.verify.VerificationReport),
plus `verdict`, `sha256`, `size` and `record` (casedocs.services.verification.UploadCheck). The
limits per address, the upload's size limit and the verification slots are the page's
(web.public.verify); a refusal is the API's error shape, with Retry-After on 429 and 503.
"""
from __future__ import annotations

from typing import Any

from apiflask.fields import UploadFile
from flask import jsonify, request
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.wrappers import Response

from casedocs.services.verification import MAX_VERIFY_BYTES, Standing, Verdict
from web.access import public
from web.api import bp
from web.api.errors import error_response
from web.public import verify as page
from web.public.verify import FORM_SLACK, UPLOADS, Refused, look_up, read_form, spend

UPLOAD_ENDPOINT = "api.verify_upload"
REFUSALS = {
    400: "No file was sent in the multipart field `file` (or the text is not a verification code)",
    404: "No instrument issued by the mechanism has this code",
    413: f"The file is larger than {MAX_VERIFY_BYTES // 2**20} MB",
    429: "Too many verifications from this address: wait the seconds of Retry-After",
    503: "Every verification slot is busy: retry after the seconds of Retry-After",
}


class VerifyUpload(BaseModel):
    """The PDF to verify, as a multipart/form-data field."""

    file: UploadFile = Field(description=f"the PDF, at most {MAX_VERIFY_BYTES // 2**20} MB")


class RecordLineOut(BaseModel):
    case: str
    instrument: str
    edition: str
    version: int
    revision: int
    code: str
    sha256: str
    date: str | None


class RecordOut(BaseModel):
    standing: Standing = Field(description="latest, earlier (a later revision or version exists), extended (a "
                                           "stored revision followed by changes the mechanism did not make) or "
                                           "unknown")
    matched: RecordLineOut | None
    latest: RecordLineOut | None


class VerifyReportOut(BaseModel):
    """`casedocs verify --json`, plus the verdict and the file's place in the record."""

    model_config = ConfigDict(extra="allow")

    valid: bool
    reasons: list[str]
    signatures: list[dict[str, Any]] = Field(default_factory=list)
    verdict: Verdict
    sha256: str
    size: int
    record: RecordOut


class CodeRecordOut(BaseModel):
    """What a verification code leads to: nothing but what identifies the instrument."""

    code: str
    case: str
    instrument: str
    edition: str
    version: int
    issued_on: str | None
    sha256: str = Field(description="of the latest stored revision of this version")
    revisions: list[RecordLineOut]
    newer_version_exists: bool
    newer_version: int | None
    public: bool = Field(description="whether the document is published (none is yet)")


def _refusal(refused: Refused) -> Response:
    return error_response(refused.status, refused.message, headers=refused.headers())


@bp.before_request
def _upload_limits() -> Response | None:
    """Before APIFlask reads the body: the upload's own size limit instead of the app's, and the
    address's allowance, so that a refused upload is not parsed at all."""
    if request.endpoint != UPLOAD_ENDPOINT:
        return None
    limit = MAX_VERIFY_BYTES + FORM_SLACK
    request.max_content_length = limit
    try:
        if request.content_length is not None and request.content_length > limit:
            read_form()  # raises the 413 refusal, worded once
        spend("upload", UPLOADS)
    except Refused as refused:
        return _refusal(refused)
    return None


@bp.post("/verify")
@public
@bp.input(VerifyUpload, location="files", arg_name="form")
@bp.output(VerifyReportOut)
@bp.doc(security=[], responses=REFUSALS)
def verify_upload(form: VerifyUpload) -> Response:
    """Verify a PDF

    Every signature (signer, side and role, time-stamp, intact, trusted, revoked, modification level,
    DocMDP) as `casedocs verify --json` prints it, the file's place among the mechanism's stored
    revisions (`record.standing`) and one `verdict`: valid, outdated, unrecorded, invalid, unsigned or
    unreadable. No token needed; limited per address."""
    try:
        data, _, _ = read_form()
        if data is None:
            raise Refused(400, "send the PDF in the multipart/form-data field `file`")
        check = page.verify_upload(data)
    except Refused as refused:
        return _refusal(refused)
    return jsonify(check.to_json())


@bp.get("/verify/<path:code>")
@public
@bp.output(CodeRecordOut)
@bp.doc(security=[], responses={key: REFUSALS[key] for key in (400, 404, 429)})
def verify_code(code: str) -> Response:
    """Look a verification code up

    The instrument, case, edition and version the code is printed on, its issue date, the sha256 of
    each stored revision and whether a newer version exists. Capitals, dashes and spaces do not
    matter. No token needed; limited per address."""
    try:
        record = look_up(code)
    except Refused as refused:
        return _refusal(refused)
    return jsonify(record.to_json())
