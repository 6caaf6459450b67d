"""The API's one error shape, `{"error": {"status": 404, "message": "no case 2026-001"}}`, and which
status each refusal of the core gets.

Every refusal the API gives goes through `error_response`: the access rules' 401/403/404
(web.access), Flask's own HTTP errors under /api/ (web.create_app's handler), request validation
(APIFlask's HTTPError, handled by the blueprint) and the core's refusals (`refusal`). The message
is one line that names the problem, in the words the command line uses for the same refusal.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import jsonify
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from cases.calendar import CalendarError
from cases.errors import CaseError, NotFoundError, ProcedureError

# The OpenAPI schema of every error response (APIFlask's HTTP_ERROR_SCHEMA and VALIDATION_ERROR_SCHEMA):
# what `error_body` writes.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer", "description": "the HTTP status, repeated"},
                "message": {"type": "string", "description": "one line naming the problem"},
                "detail": {"type": "object", "description": "request validation: the problems per location and field"},
            },
        },
    },
}


def error_body(status: int, message: str, detail: Mapping[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "message": message}
    if detail:
        error["detail"] = dict(detail)
    return {"error": error}


def error_response(status: int, message: str, *, detail: Mapping[str, Any] | None = None,
                   headers: Mapping[str, str] | Headers | None = None) -> Response:
    response = jsonify(error_body(status, message, detail))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def validation_message(detail: Mapping[str, Any]) -> str:
    """APIFlask's validation detail ({location: {field: [messages]}}) as one line: "json.action: Input
    should be 'accept', ...; json.arguments: Input should be a valid dictionary"."""
    parts = []
    for location, fields in detail.items():
        if not isinstance(fields, Mapping):
            parts.append(f"{location}: {fields}")
            continue
        for name, messages in fields.items():
            text = "; ".join(str(m) for m in messages) if isinstance(messages, list | tuple) else str(messages)
            where = location if name in ("", "_schema") else f"{location}.{name}"
            parts.append(f"{where}: {text}")
    return "invalid request: " + ("; ".join(parts) or "the request does not match its schema")


def status_of(error: Exception) -> int:
    """The status of a refusal of the core: 409 when the case's state forbids it now (the procedure's
    stage), 404 for a record that is not there, 503 when the server's working-day calendar cannot
    answer (its override file is broken: nothing the client can change), else 422 (the request itself
    is wrong: an unknown argument, a malformed date, a matter of the wrong kind)."""
    if isinstance(error, ProcedureError):
        return 409
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, CalendarError):
        return 503
    return 422


def refusal(error: CaseError | CalendarError | ValueError) -> Response:
    return error_response(status_of(error), str(error) or type(error).__name__)
