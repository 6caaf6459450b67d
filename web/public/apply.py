"""Applying online (issue 12; 第三章第1-2条): anyone, without an account, fills the application form
step by step — who applies (with agents and their powers of attorney), against whom, the dispute, the
exhibits — and files it. The fields are the import schema's (cases.application.ApplicationForm,
through casedocs.services.forms and the console's form machinery) and the filing goes through the same
`parse_application`: no anonymous application, who applies against whom.

Drafts: kept server-side in the drafts' content-addressed store (casedocs.services.drafts, which purges
them once no cookie can name them any more) as a JSON document, and named in the
visitor's Flask session (a cookie signed with the server's key) by its sha256. No account is needed,
a reload or a return later in the session loses nothing, and the cookie stays small however long the
facts are. The signature is what makes the uploads safe to carry: only a hash the server itself put
in this browser's session names a file, so nobody can attach a file of the store they did not send.

Filing is limited per address (Flask-Limiter's storage, as web.auth.throttle); the case's first event
names the web and the address. The draft is dropped once filed, so the same form sent twice files
once. The application form's PDF, rendered for the applicant's audience, is made by a job and
offered on the receipt with the case number.
"""
from __future__ import annotations

import io
import json
import math
import time
from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse_many
from werkzeug.wrappers import Response

from cases.errors import CaseError, InvalidInputError, NotFoundError
from cases.vocabulary import Channel
from casedocs.services import drafts, party_acts
from casedocs.services.forms import FormField
from casedocs.services.posted import (
    Posted,
    Upload,
    application_document,
    check_upload,
    file_paths,
    row_counts,
)
from docgen.locale import Edition
from web.access import public
from web.console.acting import apply_controls, form_state
from web.console.common import page_language, posted_form
from web.console.filing import application_fields
from web.context import client_address, core, web_actor
from web.extensions import limiter
from web.public import bp
from web.tasks import jobs_of

DRAFT = "apply.draft"      # session: sha256 of the draft in the store
RECEIPT = "apply.receipt"  # session: {"number": ..., "job": ...} of the application filed
FILINGS_PER_ADDRESS = parse_many("5/hour;20/day")


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any
    names: tuple[str, ...]  # the application's top-level fields on this step


STEPS = (
    Step("applicant", _l("Who applies"), ("applicant",)),
    Step("respondent", _l("Against whom"), ("respondent",)),
    Step("dispute", _l("The dispute"), ("title", "region", "country", "industry", "issue_types", "facts", "claims",
                                         "standards")),
    Step("exhibits", _l("Exhibits"), ("exhibits",)),
)
REVIEW = "review"
FIRST_ROWS = {"claims._rows": "1", "exhibits._rows": "1"}


def _fields(step: Step) -> tuple[FormField, ...]:
    known = {f.name: f for f in application_fields()}
    return tuple(known[name] for name in step.names)


def _all_fields() -> tuple[FormField, ...]:
    return tuple(f for step in STEPS for f in _fields(step))


# -- the draft ---------------------------------------------------------------------------------

@dataclass
class Draft:
    values: dict[str, str]
    lists: dict[str, list[str]]
    kept: dict[str, list[str]]  # file field path → [sha256, name], put in the store by this session

    def posted(self) -> Posted:
        return Posted(self.values, self.lists, {})

    def with_files(self) -> Posted:
        store = _drafts()
        files = {path + ".upload": Upload(name, store.get(sha256)) for path, (sha256, name) in self.kept.items()}
        return Posted(self.values, self.lists, files)


def _drafts() -> drafts.Drafts:
    """The drafts' own store (casedocs.services.drafts: purged once abandoned, never the case store)."""
    return drafts.Drafts(core().settings)


def _load() -> Draft:
    sha256 = session.get(DRAFT)
    store = _drafts()
    if isinstance(sha256, str) and store.has(sha256):
        data = json.loads(store.get(sha256))
        kept = {path: file for path, file in data["kept"].items() if store.keep(file[0])}  # each touched
        return Draft(data["values"], data["lists"], kept)
    return Draft({}, {}, {})


def _save(draft: Draft) -> None:
    raw = json.dumps({"values": draft.values, "lists": draft.lists, "kept": draft.kept}, ensure_ascii=False,
                     sort_keys=True).encode("utf-8")
    session[DRAFT] = _drafts().put(raw)
    drafts.purge_now_and_then(core().settings)


def _inside(key: str, names: tuple[str, ...]) -> bool:
    return any(key == name or key.startswith(name + ".") for name in names)


def _merge(draft: Draft, step: Step, posted: Posted) -> None:
    """The step's fields as posted replace the draft's; each file sent is checked (size, type sniffed
    from the content) and kept in the store. InvalidInputError names a refused file."""
    fields = _fields(step)
    draft.values = {k: v for k, v in draft.values.items() if not _inside(k, step.names)}
    draft.lists = {k: v for k, v in draft.lists.items() if not _inside(k, step.names)}
    for key, value in posted.values.items():
        if _inside(key, step.names) and not key.endswith((".kept_sha256", ".kept_name")):
            draft.values[key] = value
    for key, values in posted.lists.items():
        if _inside(key, step.names):
            draft.lists[key] = list(values)
    shown = set(file_paths(fields, row_counts(fields, draft.values)))
    draft.kept = {k: v for k, v in draft.kept.items() if not _inside(k, step.names) or k in shown}
    for path in shown:
        upload = posted.files.get(path + ".upload")
        if upload is not None and upload.data:
            check_upload(upload)
            draft.kept[path] = [_drafts().put(upload.data), upload.name]


# -- pages -------------------------------------------------------------------------------------

@bp.get("/apply")
@public
def apply_start() -> str:
    """What applying involves, and where a draft stands."""
    draft = _load()
    return render_template("public/apply_start.html", steps=STEPS, started=bool(draft.values))


@bp.route("/apply/<slug>", methods=["GET", "POST"])
@public
def apply_step(slug: str) -> str | Response | tuple[str, int]:
    if slug == REVIEW:
        return _review()
    step = next((s for s in STEPS if s.slug == slug), None)
    if step is None:
        abort(404)
    fields, draft = _fields(step), _load()
    if request.method == "GET":
        # Most applications have claims and exhibits: their first rows are shown at once (as the console's).
        shown = Posted({**FIRST_ROWS, **draft.values}, draft.lists, {})
        return _page(step, fields, draft, form_state(fields, shown))
    posted, add, control = apply_controls(fields, posted_form())
    try:
        _merge(draft, step, posted)
    except InvalidInputError as refused:
        state = form_state(fields, posted)
        state.error = str(refused)
        return _page(step, fields, draft, state), 422
    _save(draft)
    if control:
        return _page(step, fields, draft, form_state(fields, draft.posted(), add=add))
    index = STEPS.index(step)
    going = request.form.get("go", "next")
    target = STEPS[index - 1].slug if going == "back" and index else \
        (STEPS[index + 1].slug if index + 1 < len(STEPS) else REVIEW)
    return redirect(url_for("public.apply_step", slug=target))


def _page(step: Step, fields: tuple[FormField, ...], draft: Draft, state: Any) -> str:
    state.kept = {path: (sha256, name) for path, (sha256, name) in draft.kept.items()}
    return render_template("public/apply.html", steps=STEPS, step=step, fields=fields, state=state,
                           number=STEPS.index(step) + 1)


def _document(draft: Draft) -> dict[str, Any]:
    document = application_document(_all_fields(), draft.with_files())
    return {**document, "received_on": core().today().isoformat(), "channel": Channel.PORTAL.value}


def _review() -> str | Response | tuple[str, int]:
    draft = _load()
    if request.method == "GET":
        problem = None
        try:
            party_acts.check_online(_document(draft))
        except CaseError as refused:
            problem = str(refused)
        return render_template("public/apply_review.html", steps=STEPS, problem=problem,
                               values=draft.values, kept=draft.kept)
    return _file(draft)


def _file(draft: Draft) -> str | Response | tuple[str, int]:
    if not draft.values:  # filed already (the draft is dropped when filed) or never started
        return redirect(url_for("public.apply_receipt") if session.get(RECEIPT) else url_for("public.apply_start"))
    strategy = limiter().limiter
    for item in FILINGS_PER_ADDRESS:
        if not strategy.hit(item, "apply", client_address()):
            reset, _left = strategy.get_window_stats(item, "apply", client_address())
            wait = max(1, math.ceil(reset - time.time()))
            message = _("Too many applications from your address. Try again in %(minutes)d minutes.",
                        minutes=max(1, wait // 60))
            return render_template("public/apply_review.html", steps=STEPS, problem=message,
                                   values=draft.values, kept=draft.kept), 429
    app = core()
    try:
        with app.procedure(actor=web_actor("online application")) as proc:
            case = party_acts.file_online(proc, _document(draft))
            number = case.number
    except CaseError as refused:
        return render_template("public/apply_review.html", steps=STEPS, problem=str(refused),
                               values=draft.values, kept=draft.kept), 422
    session.pop(DRAFT, None)
    job = jobs_of().submit(party_acts.APPLICATION_PDF, {"case": number, "edition": _edition()},
                           who=web_actor("online application"), case_number=number)
    session[RECEIPT] = {"number": number, "job": job}
    return redirect(url_for("public.apply_receipt"))


def _edition() -> str:
    language = page_language().value
    return language if language in {e.value for e in Edition} else Edition.ZH.value


@bp.get("/apply/receipt")
@public
def apply_receipt() -> str:
    """The case number, and the application form's PDF once the job has made it."""
    receipt = session.get(RECEIPT)
    if not isinstance(receipt, dict):
        abort(404)
    status = jobs_of().status(int(receipt["job"]))
    return render_template("public/apply_receipt.html", number=receipt["number"], job=status)


@bp.get("/apply/receipt/application.pdf")
@public
def apply_pdf() -> Response:
    """The application form rendered for the applicant, to keep: only this session's own."""
    receipt = session.get(RECEIPT)
    if not isinstance(receipt, dict):
        abort(404)
    status = jobs_of().status(int(receipt["job"]))
    if status is None or not status.result or "file" not in status.result:
        abort(404)
    app = core()
    try:
        with app.db.session() as db:
            data = party_acts.application_pdf(db, app.store, receipt["number"], int(status.result["file"]))
    except NotFoundError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{receipt['number']}-application.pdf")
