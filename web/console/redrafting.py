"""A new draft of a co-signed document after a signatory declined it (issue 12, "Declining": the
secretariat is told, and answers). The console offers it on the case page for each open document with
a standing decline; the work (rendering and sealing) is the REDRAFT job of
casedocs.services.redrafting, followed on the document job's page like an issue."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casedocs.config import PASSPHRASE_ENV
from casedocs.services import redrafting
from casedocs.services.grants import CaseArea
from web.access import STAFF, case_access
from web.console import bp
from web.context import core, web_actor
from web.tasks import jobs_of


@bp.post("/cases/<number>/documents/<id:document_id>/redraft")
@case_access(CaseArea.RECORD, roles=STAFF)
def redraft(number: str, document_id: int) -> Response:
    """Submit the new draft's job; refused in words for a document nobody (still) declines."""
    back = url_for("console.case", number=number) + "#documents"
    with core().db.session() as session:
        offered = redrafting.redraftable(session, number)
    if document_id not in offered:
        flash(_("Nobody declined to sign this document (or whoever did has signed since): no new draft is "
                "needed."), "error")
        return redirect(back)
    if not core().settings.secretariat_passphrase:
        flash(_("The seal cannot be unlocked: the server has no %(variable)s.", variable=PASSPHRASE_ENV), "error")
        return redirect(back)
    job_id = jobs_of().submit(redrafting.REDRAFT, {"case": number, "document": document_id}, who=web_actor(),
                              account_id=current_user.account_id, case_number=number)
    return redirect(url_for("console.document_job", number=number, job_id=job_id))
