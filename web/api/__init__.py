"""/api/v1: cases, deadlines, acts, documents and jobs as JSON (APIFlask, so that the OpenAPI 3
document at /api/v1/openapi.json is generated from the same pydantic models that validate the
requests: web.api.schemas).

Bearer tokens only (`casedocs user token EMAIL`); every route carries a web.access rule like the
pages (the rule goes under the route decorator, `@bp.input/output/doc` under the rule), and a case
the token may not see answers 404 exactly as a case that does not exist. Every error is
`{"error": {"status": ..., "message": ...}}` (web.api.errors).

The views call the same service functions as the command line (casedocs.services.acts and the
console's document jobs); an act is recorded in the case's audit chain with the account, the
address and "session token" (web.context.web_actor).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiflask import APIBlueprint, HTTPError
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import Headers
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from cases.calendar import CalendarError
from web.api.errors import ERROR_SCHEMA, error_response, refusal, validation_message

BEARER = "BearerAuth"
bp = APIBlueprint("api", __name__, tag="casedocs")


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    """The OpenAPI document's security scheme and error schema (APIFlask reads them from the app's
    config when it writes the document)."""
    state.app.config.update(
        SECURITY_SCHEMES={BEARER: {"type": "http", "scheme": "bearer",
                                   "description": "an API token from `casedocs user token EMAIL`"}},
        HTTP_ERROR_SCHEMA=ERROR_SCHEMA,
        VALIDATION_ERROR_SCHEMA=ERROR_SCHEMA,
        DESCRIPTION="The case paperwork of the mediation mechanism: cases, deadlines, procedure acts, "
                    "documents and jobs. Authenticate with `Authorization: Bearer <token>`.",
    )


@bp.errorhandler(HTTPError)
def _refused_request(error: HTTPError) -> Response:
    """APIFlask's validation errors and the views' HTTPError, in the API's one error shape."""
    detail: Mapping[str, Any] | None = error.detail if isinstance(error.detail, Mapping) and error.detail else None
    message = validation_message(detail) if detail else (error.message or "refused")
    return error_response(error.status_code, message, detail=detail, headers=Headers(error.headers or {}))


@bp.errorhandler(CalendarError)
def _calendar_broken(error: CalendarError) -> Response:
    """Any route that counts working days: the server's calendar overrides cannot be read (503, named)."""
    return refusal(error)


@bp.errorhandler(BadRequest)
def _unreadable_request(error: BadRequest) -> Response:
    """A body that is not JSON: Flask says only "could not understand" outside debug mode; the
    decoder's complaint is further down the exception's chain."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ValueError):
        cause = cause.__cause__ or cause.__context__
    message = f"the request body is not valid JSON: {cause}" if cause is not None else \
        (error.description or "the request could not be understood")
    return error_response(400, message)


from web.api import cases, documents, jobs  # noqa: E402,F401  # the routes register on bp
from web.api import verify  # noqa: E402,F401  # public /verify routes (issue 13)
from web.api import register  # noqa: E402,F401  # the public register (issue 13)
