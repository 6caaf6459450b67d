"""The public case register (第六章第1.1条, issue 13): the list with filters and search, a case's public
page, the statistics, the exports (CSV, JSON, Atom) and the audit checkpoints. No login. The list and
the CSV/JSON exports come a page at a time, and every view counts against its address's limit
(web.public.register_paging).

What is public is decided in one place, casedocs.services.register; these views only read through it
and render. Every page and export is built once per revision of the record, language and day and
kept (web.pagecache): the register is read by many and changes only when the record does. A case
not on the register answers 404 exactly as a number that does not exist.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from enum import Enum
from typing import Any, TypeVar

from flask import abort, render_template, request, send_file, url_for
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from cases.vocabulary import PartyCategory, Path, SideRole, Stage
from casedocs.services import register as reg
from casedocs.services import register_documents, register_feed, register_search, register_stats
from web.access import public
from web.console.common import page_language
from web.context import core
from web.pagecache import pages, reader_scope
from web.public import bp
from web.public.register_paging import EXPORT_PAGE_SIZE, PAGE_SIZE, limited, paging, requested

E = TypeVar("E", bound=Enum)
MAX_TEXT = 200
CSV_COLUMNS = ("case", "year", "stage", "stage_zh", "stage_en", "path", "outcome", "region", "country",
               "industry", "issue_types", "applicant_categories", "respondent_categories", "claims",
               "received_on", "registered_on", "updated_on", "points_in_dispute_zh", "points_in_dispute_en", "url")


def _member(enum_cls: type[E], raw: str | None) -> E | None:
    try:
        return enum_cls(raw) if raw else None
    except ValueError:
        return None


def filters_from(args: Mapping[str, str]) -> reg.RegisterFilters:
    """The filters of a query string; an unknown value is ignored (a link edited by hand still answers)."""
    def text(name: str) -> str:
        return str(args.get(name) or "").strip()[:MAX_TEXT]

    year = text("year")
    return reg.RegisterFilters(
        stage=_member(Stage, text("stage")), path=_member(Path, text("path")), outcome=_member(reg.Outcome, text("outcome")),
        year=int(year) if year.isdigit() and len(year) == 4 else None, region=text("region"), country=text("country"),
        industry=text("industry"), issue_type=text("issue_type"),
        party_category=_member(PartyCategory, text("party_category")), text=text("q"))


def filters_query(filters: reg.RegisterFilters) -> dict[str, str]:
    """The query parameters that give `filters` back (the export links of a filtered list)."""
    values = {"stage": filters.stage, "path": filters.path, "outcome": filters.outcome, "year": filters.year,
              "region": filters.region, "country": filters.country, "industry": filters.industry,
              "issue_type": filters.issue_type, "party_category": filters.party_category, "q": filters.text}
    return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _shown(session: Session, cases: list[reg.PublicCase], filters: reg.RegisterFilters) -> list[reg.PublicCase]:
    narrowed = [c for c in cases if reg.matches(c, filters)]
    if not filters.text:
        return narrowed
    found = register_search.search(session, narrowed, filters.text)
    return [c for c in narrowed if c.number in found]


def _kept(kind: str, build: Any, *extra: object) -> Any:
    """What `build()` makes for this page, kept per revision of the record, audience, language and day."""
    app = core()
    with app.db.session() as session:
        revision = reg.revision(session)
    key = (kind, reader_scope(), page_language(), app.today(), revision, request.host_url, *extra)
    return pages().get_or_build(key, lambda: (build(), True))


def _case_url(number: str) -> str:
    return url_for("public.register_case", number=number, _external=True)


def _cases(filters: reg.RegisterFilters) -> tuple[list[reg.PublicCase], list[reg.PublicCase]]:
    """Every registered case and those the filters keep."""
    app = core()
    with app.db.session() as session:
        everything = reg.register(session, app.calendar, on=app.today())
        return everything, _shown(session, everything, filters)


def _page_url(endpoint: str, filters: reg.RegisterFilters, per_page: int, default_size: int) -> Callable[[int], str]:
    """The address of page n of this list (the filters kept; per_page only when not the default)."""
    size = {} if per_page == default_size else {"per_page": str(per_page)}
    external = endpoint != "public.register_list"  # the page links within the site; the exports in full
    return lambda n: url_for(endpoint, **filters_query(filters), **size, page=n, _external=external)


def with_links(response: Response, links: str) -> Response:
    """`response` with the Link header to the next and previous pages, when there are any."""
    if links:
        response.headers["Link"] = links
    return response


@bp.get("/register")
@public
@limited
def register_list() -> Response:
    """The register: every case with a published case summary, narrowed by the filters and the search,
    PAGE_SIZE a page."""
    filters = filters_from(request.args)
    args = request.args

    def build() -> tuple[str, str]:
        everything, shown = _cases(filters)
        page = paging(args, len(shown), PAGE_SIZE)
        url_of = _page_url("public.register_list", filters, page.per_page, PAGE_SIZE)
        body = render_template("public/register_body.html", cases=page.cut(shown), paging=page, total=len(everything),
                               matched=len(shown), filters=filters, facets=reg.facets(everything), stages=list(Stage),
                               paths=list(Path), outcomes=list(reg.Outcome), Applicant=SideRole.APPLICANT,
                               Respondent=SideRole.RESPONDENT, params=filters_query(filters),
                               next_url=url_of(page.page + 1) if page.has_next else None,
                               prev_url=url_of(page.page - 1) if page.has_prev else None)
        return body, page.link_header(url_of)

    body, links = _kept("register list", build, filters.key(), requested(args, PAGE_SIZE))
    return with_links(Response(render_template("public/register.html", body=Markup(body)), mimetype="text/html"), links)


@bp.get("/register/<number>")
@public
@limited
def register_case(number: str) -> str:
    """A registered case's public page; 404 for any other number, alike whether the case exists."""
    number = number[:40]

    def build() -> str | None:
        app = core()
        with app.db.session() as session:
            case = reg.public_case(session, app.calendar, number, on=app.today())
            documents = register_documents.public_documents(session, number) if case is not None else []
        if case is None:
            return None
        return render_template("public/register_case_body.html", case=case, SideRole=SideRole, documents=documents)

    body = _kept("register case", build, number)
    if body is None:
        abort(404)
    return render_template("public/register_case.html", number=number, body=Markup(body))


@bp.get("/register/<number>/files/<id:file_id>")
@public
@limited
def register_file(number: str, file_id: int) -> Response:
    """A public document for download: the sealed `public` rendering of a published instrument
    (casedocs.services.verification.is_public decides). Any other file answers 404, alike whether it
    exists: a draft, another audience's rendering, an instrument the procedure does not publish."""
    app = core()
    with app.db.session() as session:
        found = register_documents.public_file(session, app.store, number[:40], file_id)
    if found is None:
        abort(404)
    return send_file(io.BytesIO(found.data), mimetype="application/pdf", download_name=found.name,
                     as_attachment=True, max_age=3600)


@bp.get("/register/stats")
@public
@limited
def register_stats_page() -> str:
    """Cases by stage, path and outcome; working days per stage; deadlines met. Charts as SVG."""
    def build() -> str:
        app = core()
        with app.db.session() as session:
            cases = reg.register(session, app.calendar, on=app.today())
            found = register_stats.stats(session, cases, app.today())
        return render_template("public/stats_body.html", stats=found)

    return render_template("public/stats.html", body=Markup(_kept("register stats", build)))


def _export_rows(filters: reg.RegisterFilters) -> list[dict[str, Any]]:
    return [reg.as_json(case, _case_url(case.number)) for case in _cases(filters)[1]]


def register_page(args: Mapping[str, str], endpoint: str) -> tuple[dict[str, Any], str]:
    """{"cases": [...], "page", "per_page", "total", "pages", "next", "prev"}: what /register.json and
    /api/v1/register (`endpoint`) send, one page of the filtered register (kept per revision); and the
    Link header to the next and previous pages."""
    filters = filters_from(args)
    rows: list[dict[str, Any]] = _kept("register json", lambda: _export_rows(filters), filters.key())
    page = paging(args, len(rows), EXPORT_PAGE_SIZE)
    url_of = _page_url(endpoint, filters, page.per_page, EXPORT_PAGE_SIZE)
    return {"cases": page.cut(rows), **page.fields(url_of)}, page.link_header(url_of)


@bp.get("/register.json")
@public
@limited
def register_json() -> Response:
    """The register as JSON, with the list's filters as query parameters, a page at a time."""
    from flask import jsonify

    document, links = register_page(request.args, "public.register_json")
    response = with_links(jsonify(document), links)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/register.csv")
@public
@limited
def register_csv() -> Response:
    """The register as CSV (UTF-8 with a byte-order mark, so that spreadsheets read the Chinese), a page at
    a time (the Link header names the next)."""
    filters = filters_from(request.args)
    args = request.args

    def build() -> tuple[str, str]:
        out = io.StringIO()
        writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        shown = _cases(filters)[1]
        page = paging(args, len(shown), EXPORT_PAGE_SIZE)
        for case in page.cut(shown):
            writer.writerow({
                "case": case.number, "year": case.year, "stage": case.stage.value, "stage_zh": case.stage.zh,
                "stage_en": case.stage.en, "path": case.path.value if case.path else "", "outcome": case.outcome.value,
                "region": case.region, "country": case.country, "industry": case.industry,
                "issue_types": "; ".join(case.issue_types),
                "applicant_categories": "; ".join(c.value for c in case.categories(SideRole.APPLICANT)),
                "respondent_categories": "; ".join(c.value for c in case.categories(SideRole.RESPONDENT)),
                "claims": case.claims, "received_on": case.received_on.isoformat(),
                "registered_on": case.registered_on.isoformat(), "updated_on": case.updated_on.isoformat(),
                "points_in_dispute_zh": _points_line(case, "zh"), "points_in_dispute_en": _points_line(case, "en"),
                "url": _case_url(case.number)})
        return "\ufeff" + out.getvalue(), page.link_header(
            _page_url("public.register_csv", filters, page.per_page, EXPORT_PAGE_SIZE))

    body, links = _kept("register csv page", build, filters.key(), requested(args, EXPORT_PAGE_SIZE))
    return with_links(Response(body.encode("utf-8"), mimetype="text/csv",
                               headers={"Content-Type": "text/csv; charset=utf-8",
                                        "Content-Disposition": 'attachment; filename="register.csv"'}), links)


def _points_line(case: reg.PublicCase, lang: str) -> str:
    """The claims in one cell: "1. …; 2. …" (their reasons are in the JSON and on the case page)."""
    return "; ".join(f"{point.position}. {point.claim[lang].shown}" for point in case.points)


@bp.get("/register.atom")
@public
@limited
def register_atom() -> Response:
    """A feed of new cases on the register, their stage changes and monitoring updates (Atom)."""
    def build() -> bytes:
        app = core()
        with app.db.session() as session:
            cases = reg.register(session, app.calendar, on=app.today())
            found = register_feed.entries(session, cases, _case_url)
        return register_feed.atom(found, feed_url=url_for("public.register_atom", _external=True),
                                  register_url=url_for("public.register_list", _external=True),
                                  title="案件登记册 / Case register", now=datetime.now(timezone.utc))

    body: bytes = _kept("register atom", build)
    return Response(body, mimetype="application/atom+xml")


@bp.get("/register/checkpoints.json")
@public
@limited
def register_checkpoints() -> Response:
    """The latest signed checkpoint of each registered case's audit chain, and the key that signs them."""
    from flask import jsonify

    def build() -> dict[str, Any]:
        app = core()
        with app.db.session() as session:
            numbers = reg.registered_numbers(session)
        return register_stats.checkpoints_document(app.checkpoints, numbers)

    response = jsonify(_kept("register checkpoints", build))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
