"""Monitoring: a monitor's signed, time-stamped update on the sealed closure report of every edition
of a case (PROCEDURE.md §4: the closure report is signed by the secretariat and the monitors); where
a report's slots are used up, a continuation report takes over.

An update is one act over every edition's report (desk.act): it is recorded — the update, the
obligation's new status, each report's new revision and count — only when it has been appended to
every edition, in one transaction, or not at all (issue 9). Everything the act needs (the record's
rules, the monitor's passphrase and certificate, every stored report) is checked before anything
is written.

Every audience's sealed closure report takes the update (issue 12: "the updated report is what parties
and the public see next"), the secretariat's as the monitor wrote it, another audience's through that
audience's disclosure (第六章第2条: monitoring evidence may be withheld; the public is never told who the
natural persons are, 第六章第1.1条). Evidence files are stored write-once before the act and recorded
with the update; their sha256 are part of the signed text, so the signature covers them.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.errors import NotFoundError
from cases.lifecycle import DocumentKind, DocumentState, VersionStage
from cases.confidentiality.audiences import Audience
from cases.confidentiality.disclosure import disclosure
from cases.confidentiality.items import ItemRef
from cases.models import Case, MonitoringUpdate as MonitoringRecord, SignedDocument
from cases.monitoring_evidence import MonitoringEvidence
from cases.store import StoredFile
from cases.procedure import Procedure
from cases.vocabulary import ObligationStatus
from casedocs.services import enrolment
from casedocs.services.cosigning import freeze_if_due, record_freeze, with_freeze_if_complete
from casedocs.services.desk import (
    Appended,
    Desk,
    Revision,
    SigningError,
    act,
    audit_revision,
    get_document,
    latest,
)
from casedocs.services.issuing import issue_continuation
from casedocs.services.reconcile import reconcile
from casedocs.services.rendering import Rendering
from signing import MonitoringUpdate, append_monitoring_update
from signing.pdfdoc import document_state, open_reader


@dataclass(frozen=True)
class Finding:
    """What a monitor reports on one obligation of the agreement (第五章: monitoring of performance)."""

    obligation_id: int
    status: ObligationStatus
    text: str
    on: date
    evidence: tuple[StoredFile, ...] = ()  # already in the store (write-once: harmless if the act fails)


@dataclass(frozen=True)
class Monitored:
    """A recorded update and the closure reports (one per edition) it was appended to."""

    update_id: int
    documents: list[int]


def monitor(desk: Desk, procedure: Callable[[Session], Procedure], number: str, finding: Finding,
            monitor_person_id: str, passphrase: str, rendering: Rendering | None = None, *,
            also: Callable[[Session], None] | None = None) -> Monitored:
    """Record the monitor's update and append it, signed, to the open closure report of every edition
    of the case — all in one transaction (where a report is full, its continuation is issued first,
    as an act of its own). `procedure` gives the procedure engine in a session (App.procedure_on):
    the update is recorded under the engine's rules. `also` writes in the same transaction (a web
    form's answer, kept so that the form is done once). Own sessions."""
    with desk.db.session() as session:
        name = enrolment.monitor(session, monitor_person_id).name
    record = _recorder(procedure, number, finding, name)
    _check_recordable(desk, record)
    with desk.db.session() as session:
        case = _case(session, number)
        obligations = case.agreement.obligations if case.agreement else []
        obligation_number = next(i + 1 for i, o in enumerate(obligations) if o.id == finding.obligation_id)
    content = MonitoringUpdate(date=finding.on, obligation=str(obligation_number),
                               status=f"{finding.status.zh} {finding.status.en}",
                               summary_lines=_summary(finding.text), full_text=_signed_text(finding))
    recorded: list[int] = []

    def record_update(session: Session) -> int:
        recorded[:] = [record(session)]
        for stored in finding.evidence:
            session.add(MonitoringEvidence(update_id=recorded[0], original_name=stored.original_name,
                                           media_type=stored.media_type, sha256=stored.sha256, size=stored.size))
        if also is not None:
            also(session)
        return recorded[0]

    documents = _append_everywhere(desk, number, content, monitor_person_id, passphrase, rendering, record_update,
                                   update_index=None)
    return Monitored(recorded[0], documents)


def append_to_closure_reports(desk: Desk, number: str, record_id: int, monitor_person_id: str, passphrase: str,
                              rendering: Rendering | None = None) -> list[int]:
    """Append an update already recorded (the demo's, recorded with the case) to the open closure
    report of every edition of the case, in one transaction; where a report's slots are used up, first
    issue the continuation report that takes over, rendered with `rendering` (needed only then).
    Returns the documents appended to. Own sessions."""
    with desk.db.session() as session:
        case = _case(session, number)
        record = session.get(MonitoringRecord, record_id)
        if record is None or record.case_id != case.id:
            raise NotFoundError(f"{number} has no monitoring update number {record_id}")
        obligations = case.agreement.obligations if case.agreement else []
        obligation_number = next(i + 1 for i, o in enumerate(obligations) if o.id == record.obligation_id)
        content = MonitoringUpdate(date=record.reported_on, obligation=str(obligation_number),
                                   status=f"{record.status.zh} {record.status.en}",
                                   summary_lines=_summary(record.text), full_text=record.text)
        index = case.monitoring_updates.index(record)
    return _append_everywhere(desk, number, content, monitor_person_id, passphrase, rendering,
                              lambda session: record_id, update_index=index)


def open_closure_reports(session: Session, case: Case) -> list[SignedDocument]:
    """Per audience and edition, the closure report that takes monitoring updates: the newest of its
    chain. Each audience's series takes the update through its own disclosure (see _for_audience), so
    that the sides and the public read the updated report next (issue 12). Caller's session."""
    newest: dict[tuple[Audience, str], SignedDocument] = {}
    for row in session.scalars(select(SignedDocument).where(SignedDocument.case_id == case.id,
                                                           SignedDocument.kind == DocumentKind.CLOSURE_REPORT)
                               .order_by(SignedDocument.id)):
        newest[(row.audience, row.edition)] = row
    return list(newest.values())


def _signed_text(finding: Finding) -> str:
    """The update's text as signed: the monitor's words, then each evidence file's sha256 (never its
    name, which may say what the text does not), so that the signature covers the evidence."""
    lines = [finding.text.strip()]
    lines += [f"证据 Evidence {i}: sha256 {f.sha256}" for i, f in enumerate(finding.evidence, 1)]
    return "\n".join(lines)


def _for_audience(session: Session, case: Case, document: SignedDocument, content: MonitoringUpdate,
                  update_index: int | None, today: date) -> MonitoringUpdate:
    """`content` as `document`'s audience may read it (第六章第2条): the secretariat's as written; for a
    side or the public, the placeholder where the update is withheld from it, else the text with every
    value withheld from it replaced (the last net: a name the monitor quoted). A new update
    (`update_index` None) is under no request yet: no request can name an item before it exists."""
    if document.audience is Audience.SECRETARIAT:
        return content
    view = disclosure(session, case, document.audience, today)
    lang = document.edition if document.edition in ("en", "zh-Hant") else "zh"
    ground = view.ground(ItemRef.monitoring(update_index)) if update_index is not None else None
    if ground is not None:
        shown = ground.placeholder_bilingual() if document.edition == "bilingual" else ground.placeholder(lang)
        return MonitoringUpdate(content.date, content.obligation, content.status, [shown], shown)
    full = str(view.scrub(content.full_text, lang))
    return MonitoringUpdate(content.date, content.obligation, content.status,
                            [str(view.scrub(line, lang)) for line in content.summary_lines], full)


def _append_everywhere(desk: Desk, number: str, content: MonitoringUpdate, monitor_person_id: str, passphrase: str,
                       rendering: Rendering | None, record_update: Callable[[Session], int], *,
                       update_index: int | None) -> list[int]:
    """Check everything, issue the continuations needed, then append `content` to every edition's
    report in one act whose transaction also records the update (`record_update` gives its id)."""
    credential = enrolment.unlock(desk, monitor_person_id, passphrase)  # passphrase and revocation
    with desk.db.session() as session:
        reports = [r.id for r in open_closure_reports(session, _case(session, number))]
    if not reports:
        raise SigningError(f"{number} has no issued closure report to append to (`casedocs issue {number} "
                           "closure_report`)")
    full = [document_id for document_id in reports if _ready(desk, document_id)]
    if full and rendering is None:
        raise SigningError(f"closure report document {full[0]} is full and no document service "
                           "was given to issue its continuation")
    targets = [_continue(desk, number, document_id, rendering) if document_id in full else document_id
               for document_id in reports]
    with desk.db.session() as session:
        case = _case(session, number)
        contents = {d: _for_audience(session, case, get_document(session, d), content, update_index, desk.today())
                    for d in targets}

    def compute(document_id: int, current: bytes) -> list[Revision]:
        appended = append_monitoring_update(current, None, credential, contents[document_id], env=desk.env)
        return with_freeze_if_complete(desk, Revision(appended, VersionStage.MONITORING))

    def record(session: Session, appended: list[Appended]) -> None:
        update_id = record_update(session)
        for done in appended:
            done.document.monitoring_used += 1
            audit_revision(desk, session, done.document, done.versions[0], "append_monitoring_update",
                           monitor_person_id, update=update_id, text_sha256=contents[done.document.id].sha256)
            record_freeze(desk, session, done)

    act(desk, monitor_person_id, targets, compute, record)
    return targets


def _ready(desk: Desk, document_id: int) -> bool:
    """Bring the report's record in line with its stored PDF and check the PDF can be read (a
    corrupted store file is named here, before anything is written); whether the report is full."""
    reconcile(desk, document_id)
    freeze_if_due(desk, document_id)  # only a report an earlier version left full but unfrozen
    pdf = document_state(open_reader(latest(desk, document_id)))
    with desk.db.session() as session:
        document = get_document(session, document_id)
        if document.state is DocumentState.FROZEN or not any(not f.filled for f in pdf.monitoring_slots):
            return True
        if not document.state.is_open:
            raise SigningError(f"closure report document {document_id} is {document.state.value}")
        return False


def _continue(desk: Desk, number: str, full_id: int, rendering: Rendering | None) -> int:
    """The continuation of the full report `full_id`, issued in a unit of work of its own: a report
    with fresh slots is complete in itself, whatever becomes of the update that asked for it."""
    assert rendering is not None
    with desk.db.session() as session:
        docs = rendering.service(session, desk.actor)
        continuation = issue_continuation(desk, session, docs, _case(session, number), get_document(session, full_id))
        continuation_id = continuation.id
    desk.crash_points.reach("monitoring.continued")
    return continuation_id


class _DryRun(Exception):
    """Ends a unit of work that only checks, so that it rolls back."""


def _check_recordable(desk: Desk, record: Callable[[Session], int]) -> None:
    """Record the update in a unit of work that is rolled back: the procedure's refusals (stage,
    obligation, date, empty text) come before any signing."""
    try:
        with desk.db.session() as session:
            record(session)
            raise _DryRun
    except _DryRun:
        pass


def _recorder(procedure: Callable[[Session], Procedure], number: str, finding: Finding,
              monitor_name: str) -> Callable[[Session], int]:
    def record(session: Session) -> int:
        proc = procedure(session)
        return proc.record_monitoring_update(proc.get_case(number), finding.obligation_id, monitor_name,
                                             finding.status, finding.text, finding.on).id
    return record


def _case(session: Session, number: str) -> Case:
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None:
        raise NotFoundError(f"no case numbered {number!r}")
    return case


def _summary(text: str, limit: int = 400) -> list[str]:
    """The appearance wraps (and cuts with an ellipsis) the summary itself; the full text stays in the
    record and its sha256 is shown. Only a generous prefix is passed: three lines is all that shows."""
    return [re.sub(r"\s+", " ", text).strip()[:limit]]
