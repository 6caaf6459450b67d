"""The translation worklist (issue 11, 双语): every free text of the record still lacking its version in
the other working language, with the form that supplies it. A translation is a record (who, when);
it never changes an issued document: the drafts that print its language are rendered again (jobs),
issued versions stay as issued."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from cases.confidentiality.languages import Language
from cases.errors import CaseError
from casedocs.services import confidentiality
from casedocs.services.document_jobs import PREVIEW
from casedocs.services.submissions import Answer
from web import once
from web.access import STAFF, roles
from web.console import bp
from web.console.common import service_lang
from web.context import core, web_actor
from web.tasks import jobs_of

MAX_TRANSLATION_CHARS = 20_000


@bp.route("/translations", methods=["GET", "POST"])
@roles(*STAFF)
def translations() -> str | Response | tuple[str, int]:
    app = core()
    error = None
    here = url_for("console.translations")
    if request.method == "POST":
        form = request.form
        this = None
        try:
            language = next((lang for lang in Language if lang.value == form.get("language")), None)
            text = form.get("text", "").strip()
            if language is None or not form.get("case") or not form.get("item"):
                raise CaseError(_("The translation form was not complete: reload the page."))
            if not text:
                raise CaseError(_("Write the translation before saving it."))
            if len(text) > MAX_TRANSLATION_CHARS:
                raise CaseError(_("A translation is at most %(count)d characters.", count=MAX_TRANSLATION_CHARS))
            this = once.sent()
            replay = once.form_answered(this)
            if replay is not None:
                return replay
            number = form["case"][:20]
            with app.procedure(actor=web_actor()) as proc:
                confidentiality.translate(proc, number, form["item"][:80], language, text)
                once.remember(proc.session, this, Answer(303, here))
                drafts = confidentiality.drafts_printing(proc.session, number, language)
            # After the commit: the drafts that print this language are rendered again with it (a job
            # each; one the translation does not change comes back as the same version). Issued
            # versions are never touched. Were this process to stop here, the next rendering of each
            # draft prints the translation all the same.
            for params in drafts:
                jobs_of().submit(PREVIEW, params, who=web_actor(), account_id=current_user.account_id,
                                 case_number=number)
            flash(_("The translation is recorded; %(count)d drafts that print it are being rendered again. "
                    "Issued documents stay as they were issued.", count=len(drafts)), "success")
            return redirect(here)
        except CaseError as refused:
            error = str(refused)
        except IntegrityError as clash:
            return once.form_replay(once.retry_answer(this, clash))
    with app.procedure(actor=web_actor()) as proc:
        pending = confidentiality.pending_translations(proc)
    html = render_template("console/translations.html", pending=pending, error=error, lang=service_lang(),
                           new_key=once.new_key)
    return (html, 422) if error else html
