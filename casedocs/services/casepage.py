"""The case page of the secretariat's console (issue 10): one read of a case with everything an
officer works from — the sides, the stage, the timeline in the reader's language, the deadlines with
their basis, the documents with their versions, addressees and signatures, the signatories enrolled,
the audit chain's status and the actions the engine allows now.

The page is read with a fixed number of queries, whatever the number of events, deadlines or
documents: every relationship the page shows is loaded with selectinload (one query each), the
document versions, signed documents and signatories with one query each, the audit chain with one
(tests/test_console_services.py counts them).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from cases import audit
from cases.confidentiality.audiences import Audience
from cases.errors import NotFoundError
from cases.instruments import INSTRUMENTS, SigningMode, Subject, get_instrument, subject_text, subjects
from cases.lifecycle import DocumentKind, DocumentState, VersionStage, VersionStatus
from cases.models import (
    Agreement,
    Appointment,
    Case,
    Delivery,
    Deadline,
    DocumentVersion,
    Side,
    SignatureSlot,
    SignedDocument,
    Signer,
)
from cases.procedure import Action, Procedure
from cases.procedure.core import allowed_actions
from cases.revisions import Revision, case_revision
from cases.rules import get_rule
from cases.tracker import status as deadline_status
from cases.views import TimelineEntry, timeline
from cases.vocabulary import FINAL_STAGES, Channel, DeadlineStatus, PartyCategory, Path, SideRole, SignerRole, Stage
from casedocs.services.console import Urgency, urgency
from docgen.locale import clause_en


def case_options() -> list[LoaderOption]:
    """Everything the case page (and the engine's checks on it) reads of a case, in one query per
    collection, the one-to-one records joined in: no lazy load is left for a loop over events or
    documents to trigger. A many-to-one whose target another collection loads (a period's deadline, a
    recusal's appointment, an agent's power of attorney) is found in the session without a query."""
    return [
        selectinload(Case.sides).selectinload(Side.members),
        selectinload(Case.sides).selectinload(Side.agents),
        selectinload(Case.sides).selectinload(Side.representatives),
        selectinload(Case.claims), selectinload(Case.standards), selectinload(Case.exhibits),
        selectinload(Case.deliveries), selectinload(Case.deadlines).selectinload(Deadline.extensions),
        selectinload(Case.supplement_requests), selectinload(Case.path_periods), selectinload(Case.tools),
        selectinload(Case.appointments).selectinload(Appointment.resource),
        selectinload(Case.confidentiality_requests), selectinload(Case.objections), selectinload(Case.recusal_requests),
        joinedload(Case.triage), joinedload(Case.closure_report),
        joinedload(Case.agreement).selectinload(Agreement.obligations), selectinload(Case.monitoring_updates),
    ]


_CASE_OPTIONS = tuple(case_options())  # built once: the statement's cache key is then cheap to find


def form_options() -> list[LoaderOption]:
    """What an action's form offers from the case (casedocs.services.forms' record choices)."""
    return [
        selectinload(Case.deliveries), selectinload(Case.tools), selectinload(Case.confidentiality_requests),
        selectinload(Case.appointments).selectinload(Appointment.resource), selectinload(Case.objections),
        selectinload(Case.recusal_requests), joinedload(Case.agreement).selectinload(Agreement.obligations),
    ]


def load_case(session: Session, number: str, options: Sequence[LoaderOption] | None = None) -> Case:
    """The case with everything the page reads (or what `options` load), or NotFoundError. Caller's session."""
    query = select(Case).where(Case.number == number).options(*(_CASE_OPTIONS if options is None else options))
    case = session.scalars(query).unique().first()
    if case is None:
        raise NotFoundError(f"no case numbered {number!r}")
    return case


def revision(session: Session, number: str) -> Revision:
    """Where the case's record stands: the page changes when this does (cases.revisions), or with the
    day. Caller's session, one query; a case that does not exist has revision (0, 0)."""
    return case_revision(session, number)


# -- what the page shows ------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonLine:
    name: str
    organisation: str
    contact: str
    address: str = ""
    category: PartyCategory | None = None  # a member's


@dataclass(frozen=True)
class SideView:
    role: SideRole
    members: list[PersonLine]
    agents: list[PersonLine]
    representatives: list[PersonLine]
    signatories: list[Signer]  # enrolled to sign co-signed instruments for this side


@dataclass(frozen=True)
class DeadlineRow:
    rule: str
    subject: Subject | None
    what: str
    actor: str
    basis: str
    clause: str
    trigger_on: date
    due_on: date
    original_due_on: date
    provisional: bool
    status: DeadlineStatus
    closed_on: date | None
    extensions: int
    urgency: Urgency | None  # open deadlines only


@dataclass(frozen=True)
class FileVersion:
    """One stored file of a document: a rendering (revision 0) or a signing act's result."""

    id: int
    version: int
    format: str
    revision: int
    stage: VersionStage
    status: VersionStatus
    verification_code: str
    sha256: str
    size: int
    created_at: datetime
    created_by: str
    audience: Audience  # whose rendering it is (issue 11)


@dataclass(frozen=True)
class SlotView:
    field: str
    signer: str
    person_id: str
    side: SideRole | None
    signed_at: datetime | None


@dataclass(frozen=True)
class SignedView:
    """The issued document under signature: its state and who has signed."""

    id: int
    version: int
    kind: DocumentKind
    state: DocumentState
    revision: int
    slots: list[SlotView]
    monitoring_slots: int
    monitoring_used: int
    sealed_at: datetime


@dataclass(frozen=True)
class DeliveryLine:
    id: int
    instrument: str
    addressee: str
    side: SideRole | None
    channel: Channel
    sent_on: date
    delivered_on: date | None


@dataclass(frozen=True)
class DocumentView:
    """One instrument for one matter in one edition for one audience: its files, deliveries and
    signatures (each audience's renderings are a series of their own)."""

    instrument: str
    subject: Subject | None
    edition: str
    audience: Audience
    files: list[FileVersion]      # newest version first, then format and revision
    signed: list[SignedView]      # per issued version, newest first
    deliveries: list[DeliveryLine]

    @cached_property  # the page asks once per file
    def latest_version(self) -> int:
        return max((f.version for f in self.files), default=0)

    @cached_property
    def issued(self) -> bool:
        return any(f.status is VersionStatus.ISSUED for f in self.files)


@dataclass(frozen=True)
class Applicable:
    """An instrument the case has now, for one matter: what can be rendered and issued."""

    instrument: str
    subject: Subject | None
    zh: str
    en: str
    sealed: bool  # the secretariat issues it under its seal (else a party signs it in ink)

    @property
    def subject_text(self) -> str:
        return subject_text(self.subject)


@dataclass(frozen=True)
class AuditStatus:
    events: int
    intact: bool
    problem: str | None
    anchored: int   # events vouched for by the latest trusted checkpoint
    checked_at: datetime | None  # None: the chain has no checkpoint yet


@dataclass(frozen=True)
class CasePage:
    case: Case  # for the facts the page shows as they are (title, dates, claims, exhibits...)
    stage: Stage
    path: Path | None
    sides: list[SideView]
    timeline: list[TimelineEntry]
    deadlines: list[DeadlineRow]
    documents: list[DocumentView]
    undelivered: list[DeliveryLine]  # sent and not yet recorded as delivered
    applicable: list[Applicable]
    audit: AuditStatus
    allowed: list[Action]
    happened: list[str]  # what the passing of time decided as the page was opened

    @property
    def next_steps(self) -> list[Action]:
        """What the stage calls for, before the rights open at every stage."""
        return next_steps(self.allowed)

    @property
    def anytime(self) -> list[Action]:
        return [action for action in self.allowed if action in ANY_OPEN_STAGE]

    def documents_of(self, instrument: Applicable) -> list[DocumentView]:
        """The documents of an applicable instrument's matter, one per edition, in `documents`' order."""
        return self._documents_by_matter.get((instrument.instrument, instrument.subject_text), [])

    @cached_property
    def _documents_by_matter(self) -> dict[tuple[str, str], list[DocumentView]]:
        # built once: the page looks up every applicable instrument's documents
        found: dict[tuple[str, str], list[DocumentView]] = defaultdict(list)
        for view in self.documents:
            found[(view.instrument, subject_text(view.subject))].append(view)
        return found


def case_page(proc: Procedure, number: str, lang: str, today: date,
              checkpoints: audit.Checkpointer | None = None) -> CasePage:
    """The case as the console shows it, brought up to `today` first (a lapsed invitation, a deemed
    refusal, a recount on a changed calendar: what `casedocs case show` applies too). `lang` is "zh" or
    "en". Caller's session: it may append the time-based events, which the caller commits."""
    session = proc.session
    case = load_case(session, number)
    happened = proc.advance(case, today)
    signers = session.scalars(select(Signer).where(Signer.case_id == case.id).order_by(Signer.id)).all()
    anchor = checkpoints.anchor(case.number) if checkpoints is not None else None
    events = audit.chain_events(session, case.number)  # read once: verified, then told as the timeline
    report = audit.verify_chain(session, case.number, anchor, events)
    return CasePage(
        case, case.stage, case.path, [_side(side, signers) for side in case.sides],
        timeline(session, case, lang, events), deadlines(proc, case, today, lang),
        documents(session, case), [_delivery(d) for d in case.deliveries if d.delivered_on is None],
        applicable(case), AuditStatus(report.events, report.intact, report.problem, report.anchored,
                                      anchor.at if anchor is not None else None),
        sorted(allowed_actions(case.stage), key=list(Action).index), happened)


# The rights of 第六章 and the record of who acts for a side may be exercised at every open stage;
# what is left of the allowed actions is what the stage itself calls for.
ANY_OPEN_STAGE = frozenset.intersection(*(allowed_actions(stage) for stage in Stage if stage not in FINAL_STAGES))


def next_steps(allowed: Sequence[Action]) -> list[Action]:
    """The allowed actions the stage calls for (not those open at every stage). No session."""
    return [action for action in allowed if action not in ANY_OPEN_STAGE]


def _side(side: Side, signers: Sequence[Signer]) -> SideView:
    return SideView(
        side.role,
        [PersonLine(m.full_name, "", m.contact, m.address, m.category) for m in side.members],
        [PersonLine(a.name, a.organisation, a.contact) for a in side.agents],
        [PersonLine(r.name, "", r.contact) for r in side.representatives],
        [s for s in signers if s.side is side.role and s.role is not SignerRole.MONITOR])


def deadlines(proc: Procedure, case: Case, today: date, lang: str) -> list[DeadlineRow]:
    """The case's time limits, the open ones first (soonest due first), then the closed in the order
    they were opened. No session (the case as loaded)."""
    rows = [_deadline(proc, d, today, lang) for d in case.deadlines]
    return sorted((r for r in rows if r.urgency is not None), key=lambda r: r.due_on) + \
        [r for r in rows if r.urgency is None]


def _deadline(proc: Procedure, deadline: Deadline, today: date, lang: str) -> DeadlineRow:
    rule = get_rule(deadline.rule)
    zh = lang == "zh"
    what = rule.what_zh if zh else rule.what_en[:1].upper() + rule.what_en[1:]
    return DeadlineRow(
        deadline.rule, deadline.subject, what, rule.actor.value,
        rule.limit.basis_zh if zh else rule.limit.basis_en, rule.clause if zh else clause_en(rule.clause),
        deadline.trigger_on, deadline.due_on,
        deadline.original_due_on, deadline.provisional, deadline_status(deadline, today), deadline.closed_on,
        len(deadline.extensions), urgency(proc.calendar, today, deadline.due_on)[0] if deadline.is_open else None)


def _delivery(delivery: Delivery) -> DeliveryLine:
    return DeliveryLine(delivery.id, delivery.instrument, delivery.addressee, delivery.addressee_side, delivery.channel,
                        delivery.sent_on, delivery.delivered_on)


_FILE_COLUMNS = (DocumentVersion.instrument, DocumentVersion.subject, DocumentVersion.edition,
                 # FileVersion's fields, in its order
                 DocumentVersion.id, DocumentVersion.version, DocumentVersion.format, DocumentVersion.revision,
                 DocumentVersion.stage, DocumentVersion.status, DocumentVersion.verification_code,
                 DocumentVersion.sha256, DocumentVersion.size, DocumentVersion.created_at, DocumentVersion.created_by,
                 DocumentVersion.audience)


def documents(session: Session, case: Case) -> list[DocumentView]:
    """The case's documents by instrument, matter and edition, in the registry's order: every stored
    file, the signatures of each issued version, and to whom the instrument was sent. Caller's session
    (two queries, and one for the slots' signers)."""
    files: dict[tuple[str, str, str, Audience], list[FileVersion]] = defaultdict(list)
    subjects_of: dict[tuple[str, str, str, Audience], Subject | None] = {}
    # Columns, not ORM objects: a case may have hundreds of stored files, and the page only reads them.
    for row in session.execute(select(*_FILE_COLUMNS).where(DocumentVersion.case_id == case.id)):
        instrument, subject, edition, *fields = row
        file = FileVersion(*fields)
        key = (instrument, subject_text(subject), edition, file.audience)
        subjects_of[key] = subject
        files[key].append(file)
    signed: dict[tuple[str, str, str, Audience], list[SignedView]] = defaultdict(list)
    for document in session.scalars(select(SignedDocument).where(SignedDocument.case_id == case.id)
                                    .options(selectinload(SignedDocument.slots).selectinload(SignatureSlot.signer))):
        key = (document.instrument, subject_text(document.subject), document.edition, document.audience)
        signed[key].append(SignedView(
            document.id, document.version, document.kind, document.state, document.revision,
            [SlotView(s.field, s.signer.name, s.signer.person_id, s.signer.side, s.signed_at) for s in document.slots],
            document.monitoring_slots, document.monitoring_used, document.sealed_at))
    sent: dict[tuple[str, str], list[DeliveryLine]] = defaultdict(list)
    for delivery in case.deliveries:
        sent[(delivery.instrument, subject_text(delivery.subject))].append(_delivery(delivery))
    order = {instrument: index for index, instrument in enumerate(INSTRUMENTS)}
    views = [DocumentView(key[0], subjects_of[key], key[2], key[3],
                          sorted(rows, key=lambda f: (-f.version, f.format, f.revision)),
                          sorted(signed.get(key, []), key=lambda s: -s.version), sent.get(key[:2], []))
             for key, rows in files.items()]
    audiences = list(Audience)
    return sorted(views, key=lambda v: (order.get(v.instrument, len(order)), subject_text(v.subject),
                                        audiences.index(v.audience), v.edition))


def applicable(case: Case) -> list[Applicable]:
    """Every instrument the case has now, for each of its matters (the registry decides). No session."""
    found = []
    for instrument_id in INSTRUMENTS:
        instrument = get_instrument(instrument_id)
        for subject in subjects(case, instrument_id):
            found.append(Applicable(instrument_id, subject, instrument.zh, instrument.en,
                                    instrument.signing is not SigningMode.INK))
    return found
