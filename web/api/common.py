"""What every API view shares: its OpenAPI notes (security and refusals) and the account asking."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_login import current_user

from web.api import BEARER, bp

F = TypeVar("F", bound=Callable[..., Any])

REFUSALS = {
    400: "The body is not JSON (the message quotes the decoder)",
    403: "Not open to this account's role (procedure acts, rendering and issuing are the secretariat's)",
    404: "No such case, or not one this token may see (the two answer alike)",
    409: "The procedure does not allow this now: the message names the stage and the actions allowed",
    422: "The request is malformed or an argument is wrong: the message names it",
    503: "The server cannot do it now (the seal's passphrase is not configured; the calendar cannot answer)",
}


def documented(*statuses: int, responses: dict[int, Any] | None = None) -> Callable[[F], F]:
    """Bearer authentication (401 is added by APIFlask), the refusals the route may answer with and
    any other `responses` (one bp.doc per view: a second would replace the first)."""
    decorate: Callable[[F], F] = bp.doc(security=BEARER,
                                        responses={**{code: REFUSALS[code] for code in statuses}, **(responses or {})})
    return decorate



def is_staff() -> bool:
    return bool(current_user.is_staff)
