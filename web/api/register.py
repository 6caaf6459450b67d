"""/api/v1/register: the public case register as JSON (issue 13), open without a token.

The same document as /register.json, made by the same function (web.public.register.register_page,
which reads through casedocs.services.register: only what the register publishes), with the same
filters as query parameters. An unknown filter value is ignored, as on the page. It comes a page at a
time (`page`, `per_page`; the paging fields beside "cases" and the Link header name the next and previous
pages) and counts against the address's register limit (web.public.register_paging).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from pydantic import BaseModel, ConfigDict

from web.access import public
from web.api import bp
from web.public.register_paging import limited


class RegisterQuery(BaseModel):
    """The register's filters (each optional; together they narrow the list)."""

    model_config = ConfigDict(extra="ignore")

    stage: str | None = None
    path: str | None = None
    outcome: str | None = None
    year: str | None = None
    region: str | None = None
    country: str | None = None
    industry: str | None = None
    issue_type: str | None = None
    party_category: str | None = None
    q: str | None = None
    page: str | None = None
    per_page: str | None = None


class RegisterStage(BaseModel):
    stage: str
    started_on: date
    ended_on: date | None
    working_days: int | None


class RegisterCase(BaseModel):
    """A case on the register: no names, addresses or contacts, only categories and dates."""

    model_config = ConfigDict(extra="allow")

    case: str
    stage: str
    path: str | None
    outcome: str
    region: str
    country: str
    industry: str
    issue_types: list[str]
    party_categories: dict[str, list[str]]
    claims: int
    received_on: date
    registered_on: date
    updated_on: date
    stages: list[RegisterStage]
    points_in_dispute: list[RegisterPoint]
    phases: list[RegisterPhase]
    url: str


class RegisterPoint(BaseModel):
    """A claim and its reasons as the public reads them, per language (zh, zh-Hant, en)."""

    position: int
    claim: dict[str, str]
    reasons: dict[str, str]
    withheld: list[str]


class RegisterPhase(BaseModel):
    """A phase of the procedure (casedocs.services.register_phases): its status, dates, and why it was not
    undertaken (a structured reason, and the termination ground where the reason is a termination)."""

    phase: str
    status: str
    started_on: date | None
    ended_on: date | None
    not_undertaken_because: str | None
    termination_ground: str | None


class RegisterOut(BaseModel):
    cases: list[RegisterCase]
    page: int
    per_page: int
    total: int
    pages: int
    next: str | None
    prev: str | None


@bp.get("/register")
@public
@limited
@bp.input(RegisterQuery, location="query", arg_name="query")
@bp.output(RegisterOut)
@bp.doc(summary="The public case register",
        description="Every case whose case summary the secretariat has published (第六章第1.1条), with its "
                    "region, industry, issue types, party categories per side, stage, path, outcome and dates. "
                    "No token is needed. `q` searches the published fields (Chinese by characters). "
                    "A page at a time: `page` (from 1) and `per_page` (default 200, at most 1000).")
def register_cases(query: RegisterQuery) -> tuple[dict[str, Any], int, dict[str, str]]:
    from web.public.register import register_page

    document, links = register_page(request.args, "api.register_cases")
    return document, 200, ({"Link": links} if links else {})
