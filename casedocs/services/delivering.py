"""Delivering an instrument: what reaches a side is that side's sealed rendering (issue 11, 第六章第2.2条).

An instrument the secretariat sends to a side is delivered (送达, PROCEDURE.md §3) as the rendering made for
that side's audience — never the secretariat's, which shows what may be withheld from the side — and a
sealed instrument is sealed per audience that receives it. `deliver` therefore, in one unit of work:

1. finds the side's sealed rendering of the instrument in each edition delivered, or issues it
   (casedocs.services.issuing.issue, with the side's audience) when there is none yet;
2. records the delivery as the procedure records any (its clocks start: 第三章第2条, 第三章第4条);
3. audits `deliver_document` naming the delivery and the very document delivered (id, code, sha256).

`seal_delivered` does 1 and 3 for deliveries already recorded (the demo's course records them as it goes).

Complete or nothing: everything is in the caller's transaction, so a failure (a refused delivery, a
rendering that fails, a kill -9) leaves no delivery and no issued document; at most a sealed PDF in the
content-addressed store that nothing names, which the next `deliver` does not need. Running it again
completes it. The portal opens only these renderings (portal.open_document refuses another audience's).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.errors import NotFoundError
from cases.instruments import Subject, get_instrument
from cases.lifecycle import DocumentState
from cases import audit
from cases.events import AuditAction
from cases.models import AuditEvent, Case, Delivery, DocumentVersion, SignedDocument
from cases.procedure import Procedure
from cases.vocabulary import SideRole
from casedocs.services import issuing
from casedocs.services.desk import Desk
from docgen.locale import Edition
from docgen.service import DocumentService, Rendered, Request


@dataclass(frozen=True)
class DeliveredFile:
    document: int
    edition: str
    audience: Audience
    verification_code: str
    sha256: str
    issued_now: bool  # sealed for this delivery (else the side's rendering sealed before)
    rendered: Rendered | None = field(default=None, compare=False)  # the rendering sealed now, if any


@dataclass(frozen=True)
class Delivered:
    case: str
    delivery: int
    instrument: str
    side: SideRole
    delivered_on: date
    files: list[DeliveredFile]

    def as_json(self) -> dict[str, object]:
        return {"case": self.case, "delivery": self.delivery, "instrument": self.instrument, "side": self.side.value,
                "delivered_on": self.delivered_on.isoformat(),
                "files": [{"document": f.document, "edition": f.edition, "audience": f.audience.value,
                           "verification_code": f.verification_code, "sha256": f.sha256, "issued_now": f.issued_now}
                          for f in self.files]}


def sealed_for(session: Session, case: Case, instrument: str, subject: Subject | None, edition: Edition,
               audience: Audience) -> SignedDocument | None:
    """The latest document of `instrument` sealed for `audience` in `edition` that is still in force (not
    superseded by a re-issue), or None. Caller's session."""
    return session.scalars(
        select(SignedDocument).where(SignedDocument.case_id == case.id, SignedDocument.instrument == instrument,
                                     SignedDocument.subject == subject, SignedDocument.edition == edition.value,
                                     SignedDocument.audience == audience,
                                     SignedDocument.state != DocumentState.SUPERSEDED)
        .order_by(SignedDocument.version.desc(), SignedDocument.id.desc())).first()


def pending_delivery(case: Case, instrument: str, side: SideRole, delivery_id: int | None = None) -> Delivery:
    """The delivery to record: the one numbered `delivery_id`, else the latest sending of `instrument` to
    `side`; NotFoundError naming what was sent to the side otherwise."""
    sent = [d for d in case.deliveries if d.addressee_side is side and d.instrument == instrument
            and (delivery_id is None or d.id == delivery_id)]
    if not sent:
        to_side = sorted({d.instrument for d in case.deliveries if d.addressee_side is side})
        raise NotFoundError(f"{case.number} has no {instrument} sent to the {side.value}"
                            + (f" numbered {delivery_id}" if delivery_id is not None else "")
                            + f"; sent to the {side.value}: {', '.join(to_side) or 'nothing yet'}")
    return sent[-1]


def seal_for_delivery(desk: Desk, session: Session, docs: DocumentService, case: Case, delivery: Delivery,
                      editions: Sequence[Edition]) -> list[DeliveredFile]:
    """The side's sealed rendering of the delivered instrument in each edition, issued for the side's audience
    where there is none yet. Caller's session."""
    assert delivery.addressee_side is not None, "only what is sent to a side has the side's rendering"
    audience, files = Audience.of_side(delivery.addressee_side), []
    for edition in dict.fromkeys(editions):
        document, rendered = sealed_for(session, case, delivery.instrument, delivery.subject, edition, audience), None
        if document is None:
            document, rendered = issuing.issue_rendering(desk, session, docs, case, Request(
                delivery.instrument, edition, delivery.subject, audience=audience))
        files.append(DeliveredFile(document.id, edition.value, audience, document.verification_code,
                                   document.latest_sha256, rendered is not None, rendered))
    return files


def name_delivered(session: Session, actor: str, on: date, case: Case, delivery: Delivery,
                   files: list[DeliveredFile]) -> None:
    """Audit which document each edition of the delivery was: the record of the delivery points at it.
    Caller's session."""
    assert delivery.addressee_side is not None
    for file in files:
        audit.append(session, case.number, actor, AuditAction.DELIVER_DOCUMENT.value, on=on, detail={
            "delivery": delivery.id, "instrument": delivery.instrument, "side": delivery.addressee_side.value,
            "audience": file.audience.value, "edition": file.edition, "document": file.document,
            "verification_code": file.verification_code, "sha256": file.sha256, "issued_now": file.issued_now})


def name_sealed(proc: Procedure, case: Case, delivery: Delivery) -> None:
    """A delivery recorded as a bare act (`case act record_delivery`, the console, the API) names the side's
    sealed renderings already issued, in each edition; where none is issued yet it names nothing (`deliver`
    issues it). Never the secretariat's rendering. Caller's session."""
    if delivery.addressee_side is None or delivery.delivered_on is None:
        return
    audience, files = Audience.of_side(delivery.addressee_side), []
    for edition in Edition:
        document = sealed_for(proc.session, case, delivery.instrument, delivery.subject, edition, audience)
        if document is not None:
            files.append(DeliveredFile(document.id, edition.value, audience, document.verification_code,
                                       document.latest_sha256, False))
    name_delivered(proc.session, proc.actor, proc.today(), case, delivery, files)


def name_opened(proc: Procedure, case: Case, delivery: Delivery, opened: DocumentVersion) -> None:
    """A delivery through the portal (the side opened its file, portal.open_document) names the file opened:
    the side's own sealed rendering, as every delivery's record does. Caller's session."""
    document = proc.session.scalars(select(SignedDocument).where(
        SignedDocument.case_id == case.id, SignedDocument.verification_code == opened.verification_code)).first()
    if document is None:  # not a sealed instrument (the portal lists issued PDFs only): nothing to name
        return
    name_delivered(proc.session, proc.actor, proc.today(), case, delivery, [DeliveredFile(
        document.id, opened.edition, opened.audience, opened.verification_code, opened.sha256, False)])


def deliver(desk: Desk, proc: Procedure, docs: DocumentService, number: str, instrument: str, side: SideRole,
            delivered_on: date, *, editions: Sequence[Edition] = (Edition.ZH,),
            delivery_id: int | None = None) -> Delivered:
    """Deliver `instrument` to `side` on `delivered_on` as the side's sealed rendering in each of `editions`
    (issued for the side's audience where not yet), record the delivery, and audit which document was
    delivered. Caller's unit of work (proc and docs on one session: App.documents)."""
    case = proc.get_case(number)
    delivery = pending_delivery(case, instrument, side, delivery_id)
    # Sealed before the delivery is recorded: recording it may move the case on (the launch notice's
    # delivery launches the process), after which the instrument is no longer issued as it was sent.
    files = seal_for_delivery(desk, proc.session, docs, case, delivery, editions)
    recorded = proc.record_delivery(case, delivery.instrument, delivered_on, side=side, delivery_id=delivery.id)
    name_delivered(proc.session, desk.actor, desk.today(), case, recorded, files)
    desk.crash_points.reach("deliver.recorded")
    return Delivered(case.number, recorded.id, instrument, side, delivered_on, files)


def seal_delivered(desk: Desk, session: Session, docs: DocumentService, case: Case,
                   editions: Sequence[Edition]) -> list[DeliveredFile]:
    """For every delivery to a side already recorded whose instrument the secretariat issues and whose
    delivery names no document yet: the side's sealed rendering (issued where not yet), named as
    delivered. What the demo's course, which records its deliveries as it goes, is brought in line with.
    Caller's session."""
    named = session.scalars(select(AuditEvent.detail).where(
        AuditEvent.chain == case.number, AuditEvent.action == AuditAction.DELIVER_DOCUMENT.value)).all()
    done = {int(detail["delivery"]) for detail in named if "delivery" in detail}
    files: list[DeliveredFile] = []
    for delivery in case.deliveries:
        if delivery.addressee_side is None or delivery.delivered_on is None or delivery.id in done \
                or not get_instrument(delivery.instrument).issued_by_secretariat:
            continue
        made = seal_for_delivery(desk, session, docs, case, delivery, editions)
        name_delivered(session, desk.actor, desk.today(), case, delivery, made)
        files += made
    return files
