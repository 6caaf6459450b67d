"""Issuing the signing record (签署记录 / Signing Record, issue 12) once the agreement is frozen.

第四章第四节第1条: both sides sign the agreement; the record certifies under the secretariat's seal who
signed, when (the time-stamps) and how, with the signed documents' sha256 and verification codes
(docgen.context.signing_record). It goes to both sides (Addressee.BOTH_SIDES), so it is sealed for each
side's audience (issue 11: each audience's rendering is a document of its own), in the bilingual
edition: one document in both working languages. Any other edition or audience is issued on request
(`casedocs issue CASE signing_record --lang L --audience A`, or the console's issue form: the instrument
applies from the first freeze).

Complete or nothing: the freeze commits on its own (cosigning); the records are then sealed in one unit
of work of their own, so a process killed between the two leaves a frozen agreement whose records are
due, and the next `issue_due` (the next `casedocs sign` on the document, the console, the command)
issues them. A record sealed after the latest freeze is up to date; a later freeze (another edition)
makes a new version due.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.instruments import InstrumentId
from cases.instruments.registry import frozen_agreements
from cases.models import Case, SignedDocument
from casedocs.jobs import JobContext, job
from casedocs.services import issuing
from casedocs.services.desk import Desk
from casedocs.services.rendering import Rendering
from docgen.locale import Edition
from docgen.service import Request

# Whom the record is issued for without being asked: both sides (第四章第四节第1条, the agreement's parties).
AUDIENCES = (Audience.APPLICANT, Audience.RESPONDENT)
EDITION = Edition.BILINGUAL


def due(session: Session, case: Case) -> list[Request]:
    """The signing records to issue for the case now: each side's, unless one was sealed since the
    agreement's latest freeze. Caller's session (read only)."""
    frozen = [d.frozen_at for d in frozen_agreements(case) if d.frozen_at is not None]
    if not frozen:
        return []
    latest = max(frozen)
    requests = []
    for audience in AUDIENCES:
        issued = session.scalars(select(SignedDocument.id).where(
            SignedDocument.case_id == case.id, SignedDocument.instrument == InstrumentId.SIGNING_RECORD.value,
            SignedDocument.edition == EDITION.value, SignedDocument.audience == audience,
            SignedDocument.sealed_at >= latest).limit(1)).first()
        if issued is None:
            requests.append(Request(InstrumentId.SIGNING_RECORD.value, EDITION, audience=audience))
    return requests


def issue_due(desk: Desk, rendering: Rendering, case_id: int) -> list[int]:
    """Seal the signing records that are due (`due`), all in one unit of work; the ids of the issued
    documents ([] when none was due). Own session: call it after the freezing act has committed."""
    with desk.db.session() as session:
        case = session.get(Case, case_id)
        if case is None:
            return []
        requests = due(session, case)
        if not requests:
            return []
        docs = rendering.service(session, desk.actor)
        issued = [issuing.issue(desk, session, docs, case, request) for request in requests]
        session.flush()
        ids = [document.id for document in issued]
    desk.crash_points.reach("signing_record.issued")
    return ids


ISSUE_DUE = "signing_record.issue_due"


@job(ISSUE_DUE)
def issue_due_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """`issue_due` as a job: the browser's last signature freezes the agreement in the signer's request,
    and the records (LibreOffice renders, the seal) are sealed after it, off the request. A job lost
    to a crash leaves them due, as above."""
    ctx.progress(0.2, "rendering and sealing")
    with ctx.app.db.session() as session:
        case_id = session.scalars(select(Case.id).where(Case.number == params["case"])).one()
    ids = issue_due(ctx.app.desk(actor=ctx.who), ctx.app.rendering(), case_id)
    return {"documents": ids}
