"""Who may open each page: ONE declared rule per route, enforced in one place (`enforce`).

How to add a page (console, portal, public, API alike)::

    from web.access import case_access, roles, public, STAFF
    from cases.accounts import Role
    from casedocs.services.grants import CaseArea

    @bp.get("/cases/<number>")
    @case_access(CaseArea.RECORD, roles=STAFF)   # the rule goes UNDER @bp.route/get/post
    def case_page(number: str) -> str:
        grant = current_grant()                  # what this account may see of the case
        return render_template("console/case.html", ...)   # extends "base.html"

The decorators only *declare* the rule (an attribute on the view); `enforce`, registered by
create_app as a before_request, checks it before any view runs, so a forgotten check cannot
happen inside a view, and a view without a rule is refused (and fails
tests/test_web_foundation.py, which walks the URL map).

- `@public`: anyone (healthz, login, the public register later).
- `@signed_in`: any account that has logged in (logout, language, job pages check more themselves).
- `@roles(Role.OFFICER, Role.ADMIN)` (or `@roles(*STAFF)`): these roles only; others get 403.
- `@case_access(area, param="number", roles=...)`: the case named by the URL parameter `param`,
  as casedocs.services.grants.case_grant allows it (officer: every case; party: its sides' cases;
  monitor: its cases' agreement, closure and monitoring). A case the account may not see answers
  404, exactly as a case that does not exist: never a hint that it exists.
- `@pending_login`: the second step of a login (TOTP), after the password and before the session.

Not signed in: an HTML page redirects to /login?next=...; /api/ answers 401 with a JSON message.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from cases.accounts import Role
from cases.confidentiality.audiences import Audience
from casedocs.services.grants import CaseArea, CaseGrant, case_grant

F = TypeVar("F", bound=Callable[..., Any])
RULE_ATTRIBUTE = "__casedocs_access__"
STAFF = (Role.OFFICER, Role.ADMIN)
ALL_ROLES = tuple(Role)
PENDING_LOGIN = "pending_login"  # session key: the account id between password and second factor


@dataclass(frozen=True)
class Public:
    def describe(self) -> str:
        return "public"


@dataclass(frozen=True)
class PendingLogin:
    def describe(self) -> str:
        return "pending login (password given, second factor due)"


@dataclass(frozen=True)
class SignedIn:
    roles: frozenset[Role] = field(default_factory=lambda: frozenset(Role))

    def describe(self) -> str:
        return "signed in as " + "|".join(sorted(r.value for r in self.roles))


@dataclass(frozen=True)
class CaseAccess:
    area: CaseArea
    param: str
    roles: frozenset[Role]

    def describe(self) -> str:
        return f"case {self.area.value} (<{self.param}>) for " + "|".join(sorted(r.value for r in self.roles))


Rule = Public | PendingLogin | SignedIn | CaseAccess


def _declare(rule: Rule) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        if hasattr(view, RULE_ATTRIBUTE):
            raise TypeError(f"{view.__name__} already has an access rule: one rule per route")
        setattr(view, RULE_ATTRIBUTE, rule)
        return view
    return decorate


def public(view: F) -> F:
    return _declare(Public())(view)


def pending_login(view: F) -> F:
    return _declare(PendingLogin())(view)


def signed_in(view: F) -> F:
    return _declare(SignedIn())(view)


def roles(*allowed: Role) -> Callable[[F], F]:
    if not allowed:
        raise TypeError("roles() needs at least one role")
    return _declare(SignedIn(frozenset(allowed)))


def case_access(area: CaseArea, *, param: str = "number", roles: tuple[Role, ...] = ALL_ROLES) -> Callable[[F], F]:
    return _declare(CaseAccess(area, param, frozenset(roles)))


def rule_for(app: Flask, endpoint: str) -> Rule | None:
    """The rule declared for an endpoint; static files and the OpenAPI document are public."""
    if endpoint == "static" or endpoint.endswith(".static") or endpoint.startswith("openapi."):
        return Public()
    view = app.view_functions.get(endpoint)
    found = getattr(view, RULE_ATTRIBUTE, None)
    return found if isinstance(found, Public | PendingLogin | SignedIn | CaseAccess) else None


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def current_grant() -> CaseGrant:
    """The grant `case_access` found for this request's case."""
    grant: CaseGrant = g.case_grant
    return grant


def reader_audience() -> Audience:
    """The confidentiality audience of this request's reader on its case (issue 11): the secretariat
    for staff, a party's side for a party (its first, should it hold both), the public for anyone
    else — a monitor included, deliberately: the renderings a monitor downloads are the public's
    (the register's sealed closure report and summary).
    Its monitoring page is another matter: a monitor acts for the secretariat, which monitors the
    performance and effect of the agreement itself (第五章第2条: 秘书处对方案实施进度及效果主动进行…监测),
    so that page shows its cases' obligations, updates and the obligors' reports as the secretariat
    sees them (casedocs.services.portal.monitor_case), and never through this audience."""
    if current_user.is_authenticated and current_user.is_staff:
        return Audience.SECRETARIAT
    grant = grant_if_any()
    if grant is not None and grant.sides:
        return Audience.of_side(min(grant.sides))
    return Audience.PUBLIC


def grant_if_any() -> CaseGrant | None:
    """The grant of this request's case, or None on a page that is not about one case."""
    grant: CaseGrant | None = g.get("case_grant")
    return grant


def enforce() -> Response | None:
    """before_request: apply the endpoint's rule. No endpoint (404/405) is left to Flask."""
    if request.endpoint is None:
        return None
    rule = rule_for(current_app, request.endpoint)
    if rule is None:  # fail closed; the URL-map test names the view
        current_app.logger.error("no access rule on %s: refused", request.endpoint)
        abort(403)
    if isinstance(rule, Public):
        return None
    if isinstance(rule, PendingLogin):
        if session.get(PENDING_LOGIN) is None:
            return redirect(url_for("auth.login"))
        return None
    if not current_user.is_authenticated:
        return _unauthenticated()
    role: Role = current_user.role
    if role not in rule.roles:
        return _refuse(403, "this page is not open to your account")
    if isinstance(rule, CaseAccess):
        number = (request.view_args or {}).get(rule.param)
        grant = None
        if isinstance(number, str):
            from web.context import core  # imported here: web.context imports this module's users

            with core().db.session() as db:
                grant = case_grant(db, current_user.account_id, role, number)
        if grant is None or not grant.allows(rule.area):
            return _refuse(404, f"no case {number}")
        g.case_grant = grant
    return None


def _unauthenticated() -> Response:
    if is_api_request():
        from web.api.errors import error_response  # here: web.api's views import this module

        sent = request.headers.get("Authorization", "").startswith("Bearer ")
        message = ("the bearer token is unknown or revoked, or its account is disabled" if sent else
                   "authentication required: send Authorization: Bearer <token> (from `casedocs user token EMAIL`)")
        return error_response(401, message, headers={"WWW-Authenticate": 'Bearer realm="casedocs"'})
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def _refuse(status: int, message: str) -> Response:
    if is_api_request():
        from web.api.errors import error_response

        return error_response(status, message)
    abort(status)
