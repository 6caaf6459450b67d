"""The document jobs the console and the API submit: render an instrument as PDF/A (a preview), and
issue it under the seal, each for one audience (issue 11: a sealed instrument is sealed per audience). Long work (LibreOffice converts, the seal is a PDF signature), so a request
only submits the job (casedocs.jobs) and follows it; both front ends submit these same kinds.

Issuing unlocks the mechanism's keys with the secretariat's passphrase from the server's settings
(Settings.secretariat_passphrase), never from a form.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cases.confidentiality.audiences import Audience
from cases.instruments import Subject
from cases.models import DocumentVersion
from casedocs.jobs import JobContext, job
from casedocs.services import issuing, rendering
from docgen.locale import Edition
from docgen.service import Request

PREVIEW = "console.preview"
ISSUE = "console.issue"


def _request(params: dict[str, Any]) -> Request:
    """The job's request; `audience` (issue 11) is absent from jobs submitted before it existed: the
    secretariat's rendering, as then."""
    return Request(params["instrument"], Edition.parse(params["edition"]), Subject.parse_optional(params["subject"]),
                   audience=Audience(params.get("audience") or Audience.SECRETARIAT.value))


@job(PREVIEW)
def preview_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Render one instrument as PDF/A (a new draft version, or the newest unchanged one)."""
    ctx.progress(0.1, "rendering")
    with ctx.app.documents(actor=ctx.who) as (proc, docs):
        rendered, _data = rendering.render(docs, proc.get_case(params["case"]), _request(params), "pdf")
        proc.session.flush()
        assert rendered.pdf_version is not None
        return {"file": rendered.pdf_version.id, "instrument": params["instrument"], "edition": params["edition"],
                "audience": rendered.request.audience.value, "version": rendered.version, "verification_code": rendered.code}


@job(ISSUE)
def issue_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Render the instrument as PDF/A and seal it (casedocs.services.issuing.issue, as `casedocs issue`)."""
    ctx.progress(0.1, "unlocking the seal")
    desk = ctx.app.desk(actor=ctx.who)
    ctx.progress(0.3, "rendering and sealing")
    with ctx.app.documents(actor=ctx.who) as (proc, docs):
        case = proc.get_case(params["case"])
        document = issuing.issue(desk, proc.session, docs, case, _request(params))
        sealed = proc.session.scalars(select(DocumentVersion.id).where(
            DocumentVersion.case_id == case.id, DocumentVersion.instrument == document.instrument,
            DocumentVersion.subject == document.subject, DocumentVersion.edition == document.edition,
            DocumentVersion.audience == document.audience, DocumentVersion.version == document.version,
            DocumentVersion.format == "pdf",
            DocumentVersion.revision == document.revision)).first()
        return {"file": sealed, "document": document.id, "instrument": params["instrument"],
                "edition": params["edition"], "audience": document.audience.value, "version": document.version,
                "verification_code": document.verification_code, "state": document.state.value,
                "awaiting": [slot.field for slot in document.slots if slot.signed_at is None]}
