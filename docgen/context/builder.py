"""Builds the typed context of one instrument of one case in one language, from the case
record and the instrument registry (cases.instruments).

Party-supplied text stays plain data: autoescaping at render time makes `& < > {{ }}` print
literally. Names of parties, companies, places and persons are kept as entered in every edition.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from cases.confidentiality.disclosure import Disclosure
from cases.confidentiality.items import IdentityRole, ItemRef, RecordField, TextPart
from cases.errors import InvalidInputError, NotFoundError
from cases.instruments import Addressee, Instrument, InstrumentId, Subject, get_instrument, subject_text
from cases.models import Appointment, Case, ConfidentialityRequest, Objection, Side, Signer, ToolUse
from cases.rules import RULES
from cases.vocabulary import SideRole, SignerRole, ToolKind
from docgen.context.continuation import Continuation, continuation_problem
from docgen.context.disclosed import Shown, secretariat_view
from docgen.context.items import ItemViews, limit_view, tool_team
from docgen.context.signing_record import SigningRecordView, signing_record_view
from docgen.context.views import (
    AgentView,
    AgreementView,
    AppointmentView,
    CaseView,
    ClaimView,
    ClosureView,
    ContinuationView,
    DocView,
    EventView,
    ExhibitView,
    InstrumentContext,
    LimitView,
    MechanismView,
    MonitoringView,
    ObligationView,
    PartyView,
    PeriodView,
    PersonView,
    SideView,
    SignatoryView,
    SignatureRowView,
    StandardView,
    ToolView,
    TriageView,
)
from docgen.locale import Localizer

MECHANISM_ZH = "采矿业和矿产价值链调解磋商机制"
MECHANISM_EN = "Mining and Mineral Value Chain Mediation and Consultation Mechanism"

class ContextBuilder:
    """Builds the context of one instrument of one case in one language, for one audience.

    Every free text, name, address, contact and exhibit goes through `view` (the Disclosure of the
    rendering's audience, 第六章第2.2条); None is the secretariat's view without translations.
    """

    def __init__(self, case: Case, loc: Localizer, today: date,
                 events: Sequence[tuple[date | None, str]] = (), view: Disclosure | None = None) -> None:
        self.case = case
        self.loc = loc
        self.today = today
        self.events = events
        self.shown = Shown(view if view is not None else secretariat_view(case, today), loc)

    def build(self, instrument_id: str, subject: Subject | None = None, *, version: int = 1,
              verification_code: str = "", verification_url: str = "",
              continuation: Continuation | None = None) -> InstrumentContext:
        """The context for `subject` (None: the case as a whole, or the latest matter of an
        instrument issued per matter). `verification_url` is the page the printed code leads to
        (docgen.qr.verification_url); without one the footer prints the code alone."""
        instrument = get_instrument(instrument_id)
        if continuation is not None and subject is None:
            subject = continuation.subject
        problem = continuation_problem(instrument_id, subject, continuation)
        if problem is not None:
            raise InvalidInputError(f"{instrument_id} of {self.case.number}: {problem}")
        why = instrument.not_applicable(self.case, subject)
        if why is not None:
            raise NotFoundError(f"{instrument_id} does not apply to {self.case.number} "
                                f"(stage {self.case.stage.value}): {why}")
        if subject is None:
            options = instrument.subjects(self.case)
            subject = options[-1] if options else None
        loc, case, shown = self.loc, self.case, self.shown
        enrolled = self._enrolled()
        applicant, respondent = self._side(case.applicant, enrolled), self._side(case.respondent, enrolled)
        return InstrumentContext(
            mechanism=MechanismView(name=loc.pick(MECHANISM_ZH, MECHANISM_EN), name_zh=MECHANISM_ZH,
                                    name_en=MECHANISM_EN, secretariat=loc.pick(f"{MECHANISM_ZH}秘书处",
                                                                               f"Secretariat of the {MECHANISM_EN}"),
                                    procedural_rules=loc.pick("《采矿业和矿产价值链调解磋商机制程序文件》",
                                                              "the Procedural Rules of the Mechanism")),
            doc=self._doc(instrument, subject, version, verification_code, verification_url),
            case=self._case_view(),
            applicant=applicant,
            respondent=respondent,
            addressee=self._addressee(instrument, subject),
            claims=[ClaimView(i + 1, shown.claim(i, TextPart.CLAIM), shown.claim(i, TextPart.REASONS))
                    for i in range(len(case.claims))],
            standards=[StandardView(s.name if s.name else loc.label(s.standard), s.clauses) for s in case.standards],
            exhibits=[self._exhibit(i) for i in range(len(case.exhibits))],
            limits=self._limits(subject),
            triage=self._triage(),
            periods=[PeriodView(loc.label(p.path), loc.date(p.started_on), loc.date(p.ended_on),
                                loc.date(p.deadline.due_on), p.end_reason or "") for p in case.path_periods],
            tools=[self._tool(i, t) for i, t in enumerate(case.tools)],
            appointments=[self._appointment(a) for a in case.appointments],
            agreement=self._agreement(),
            closure=self._closure(),
            monitoring=[MonitoringView(loc.date(u.reported_on), u.monitor, self._obligation_number(u.obligation_id),
                                       loc.label(u.status), shown.free(ItemRef.monitoring(i)))
                        for i, u in enumerate(case.monitoring_updates)],
            events=[EventView(loc.date(on), loc.text(text)) for on, text in self.events],
            item=ItemViews(case, loc, shown).view(instrument, subject),
            continuation=self._continuation(continuation),
            signature_rows=_signature_rows(applicant.signatories, respondent.signatories),
            signing_record=signing_record_view(case, shown) if instrument.id is InstrumentId.SIGNING_RECORD
            else SigningRecordView(),
        )

    # -- parts ------------------------------------------------------------------------

    def _exhibit(self, index: int) -> ExhibitView:
        """An exhibit, or its number with the placeholder: a withheld one keeps its place in the list, and
        nothing of it (title, file name, digest, who filed it) is printed."""
        loc, exhibit = self.loc, self.case.exhibits[index]
        title, file, withheld = self.shown.exhibit(index, exhibit.title, exhibit.original_name)
        if withheld:
            return ExhibitView(index + 1, title, file, "", "", "")
        return ExhibitView(index + 1, title, file, loc.label(exhibit.submitted_by) if exhibit.submitted_by else "",
                           loc.date(exhibit.submitted_on), exhibit.sha256[:16])

    def _field(self, field: RecordField) -> str:
        return self.shown.free(ItemRef.record_field(field))

    def _doc(self, instrument: Instrument, subject: Subject | None, version: int, code: str, url: str) -> DocView:
        loc = self.loc
        reference = f"{self.case.number}/{instrument.id.value}" + (f"/{subject.id}" if subject else "")
        issued_on = instrument.act_date(self.case, subject) or self.today
        return DocView(id=instrument.id.value, title=loc.pick(instrument.zh, instrument.en), title_zh=instrument.zh,
                       title_en=instrument.en, issue_date=loc.date(issued_on), lang=loc.lang, reference=reference,
                       verification_code=code, version=version, subject=subject_text(subject),
                       co_signed=instrument.co_signed, verification_url=url)

    def _case_view(self) -> CaseView:
        case, loc = self.case, self.loc
        invitation = next((d for d in case.deliveries if d.instrument == InstrumentId.INVITATION), None)
        return CaseView(
            number=case.number, title=self.shown.title(), received_on=loc.date(case.received_on),
            channel=loc.label(case.channel), region=case.region, country=case.country,
            industry=loc.text(case.industry), issue_types=loc.join([loc.text(t) for t in case.issue_types]),
            facts=self._field(RecordField.FACTS), stage=loc.label(case.stage), accepted_on=loc.date(case.accepted_on),
            rejected_on=loc.date(case.rejected_on), rejection_grounds=self._field(RecordField.REJECTION_GROUNDS),
            invitation_sent_on=loc.date(invitation.sent_on if invitation else None),
            response_on=loc.date(case.respondent_answer_on), deemed_refusal=case.deemed_refusal,
            preliminary_response=self._field(RecordField.PRELIMINARY_RESPONSE), launched_on=loc.date(case.launched_on),
            path=loc.label(case.path), terminated_on=loc.date(case.terminated_on),
            termination_ground=loc.label(case.termination_ground),
            termination_statement=self._field(RecordField.TERMINATION_STATEMENT), closed_on=loc.date(case.closed_on),
            public_summary=self._field(RecordField.PUBLIC_SUMMARY),
            reapplication_of=case.reapplication_of.number if case.reapplication_of else "",
            confidentiality_requested=any(r.requested_by is SideRole.APPLICANT and r.received_on == case.received_on
                                          for r in case.confidentiality_requests),
        )

    def _side(self, side: Side, enrolled: list[Signer]) -> SideView:
        loc, shown, role = self.loc, self.shown, side.role

        def member(i: int) -> ItemRef:
            return ItemRef.identity(role, i)

        def agent(i: int) -> ItemRef:
            return ItemRef.identity(role, i, IdentityRole.AGENT)

        def representative(i: int) -> ItemRef:
            return ItemRef.identity(role, i, IdentityRole.REPRESENTATIVE)

        members = [PartyView(shown.name(member(i), m.full_name), loc.label(m.category),
                             shown.detail(member(i), m.address), shown.detail(member(i), m.contact),
                             shown.detail(member(i), m.other_info)) for i, m in enumerate(side.members)]
        return SideView(role=loc.label(side.role),
                        names=loc.join([shown.member_label(side, i) for i in range(len(side.members))]),
                        members=members,
                        agents=[AgentView(shown.name(agent(i), a.name), shown.detail(agent(i), a.organisation),
                                          shown.detail(agent(i), a.contact)) for i, a in enumerate(side.agents)],
                        representatives=[PersonView(shown.name(representative(i), r.name),
                                                    shown.detail(representative(i), r.contact))
                                         for i, r in enumerate(side.representatives)],
                        categories=loc.join(sorted({loc.label(m.category) for m in side.members})),
                        signatories=self._signatories(side, enrolled))

    def _enrolled(self) -> list[Signer]:
        """The case's enrolled signers who can sign, by id: the order the issuing desk numbers their
        fields in (one whose certificate was revoked gets no field, so is not listed: issue 9)."""
        session = object_session(self.case)
        if session is None or self.case.id is None:  # a case outside the record has nobody enrolled
            return []
        return list(session.scalars(select(Signer).where(Signer.case_id == self.case.id, Signer.revoked_at.is_(None))
                                    .order_by(Signer.id)))

    def _signatories(self, side: Side, enrolled: list[Signer]) -> list[SignatoryView]:
        """Who signs for the side: its enrolled signers; before any is enrolled (a draft), the people
        the procedure has act for it (its representatives, else each member), then its agents."""
        people = [(s.role, s.name) for s in enrolled if s.side is side.role]
        if not people:
            people = [(SignerRole.REPRESENTATIVE, r.name) for r in side.representatives] \
                or [(SignerRole.MEMBER, m.full_name) for m in side.members]
            people += [(SignerRole.AGENT, a.name) for a in side.agents]
        return [SignatoryView(self.shown.person(side.role, _IDENTITY_ROLES.get(role, IdentityRole.MEMBER), name),
                              self.loc.label(role)) for role, name in people]

    def _continuation(self, continuation: Continuation | None) -> ContinuationView:
        if continuation is None:
            return ContinuationView()
        return ContinuationView(continuation.number, continuation.previous_sha256, continuation.previous_code,
                                self.loc.date(continuation.previous_issued_on))

    def _display(self, side: Side) -> str:
        """A side as an addressee: its one member, or the first and how many (in the edition's language)."""
        names = [self.shown.member_addressed(side, i) for i in range(len(side.members))]
        if len(names) == 1:
            return names[0]
        if self.loc.is_zh:  # the name stays as entered; only "等N方" follows the edition's characters
            return f"{names[0]}{self.loc.text(f'等{len(names)}方')}"
        return f"{names[0]} et al. ({len(names)})"

    def _addressee(self, instrument: Instrument, subject: Subject | None) -> str:
        """The salutation: to whom the registry says the instrument is addressed."""
        case, loc = self.case, self.loc
        match instrument.addressed_to:
            case Addressee.SECRETARIAT:  # a side's own filing
                return loc.pick(f"{MECHANISM_ZH}秘书处", f"Secretariat of the {MECHANISM_EN}")
            case Addressee.PUBLIC:
                return loc.pick("社会公众", "The public")  # a disclosure names no party (第六章第1.1条)
            case Addressee.APPOINTEE:
                appointment: Appointment = self._matter(instrument, subject)
                return appointment.resource.name
            case Addressee.REQUESTER:
                return self._display(case.side(self._requester(instrument, subject)))
            case Addressee.RESPONDENT:
                return loc.join([self.shown.member_addressed(case.respondent, i)
                                 for i in range(len(case.respondent.members))])
            case Addressee.APPLICANT:
                return loc.join([self.shown.member_addressed(case.applicant, i)
                                 for i in range(len(case.applicant.members))])
        return loc.join([self._display(case.applicant), self._display(case.respondent)])

    def _matter(self, instrument: Instrument, subject: Subject | None) -> Any:
        """The record the subject names (typed by the caller: the registry's records are of its kind)."""
        record = instrument.matter(self.case, subject)
        if record is None:
            raise NotFoundError(f"{self.case.number} has no {subject_text(subject) or 'matter'} "
                                f"for a {instrument.id.value}")
        return record

    def _requester(self, instrument: Instrument, subject: Subject | None) -> SideRole:
        """The side that made the request the instrument decides."""
        record = self._matter(instrument, subject)
        if isinstance(record, ConfidentialityRequest):
            return record.requested_by
        if isinstance(record, Objection):
            return record.raised_by
        raise AssertionError(f"{instrument.id.value} is addressed to a requester but {subject} names none")

    def _limits(self, subject: Subject | None) -> dict[str, LimitView]:
        """The latest deadline of each rule; for the instrument's own matter, that matter's deadline."""
        limits: dict[str, LimitView] = {}
        for rule_id in RULES:
            same_rule = [d for d in self.case.deadlines if d.rule == rule_id]
            own = [d for d in same_rule if subject is not None and d.subject == subject]
            latest = own or same_rule
            limits[rule_id] = limit_view(self.loc, rule_id, latest[-1] if latest else None)
        return limits

    def _triage(self) -> TriageView:
        loc, triage = self.loc, self.case.triage
        if triage is None:
            return TriageView("", "", "", "", "", "", "", "")
        first = self.case.path_periods[0] if self.case.path_periods else None

        def tools(values: list[str]) -> str:
            return loc.join([loc.label(ToolKind(v)) for v in values])

        return TriageView(loc.date(triage.recommended_on), loc.label(triage.recommended_path),
                          tools(triage.recommended_tools), self._field(RecordField.TRIAGE_REASONING),
                          loc.date(triage.agreed_on),
                          loc.label(triage.agreed_path), tools(triage.agreed_tools),
                          loc.date(first.deadline.due_on) if first else "")

    def _tool(self, index: int, tool: ToolUse) -> ToolView:
        loc, free = self.loc, self.shown.free
        return ToolView(loc.label(tool.kind), loc.label(tool.requested_by),
                        free(ItemRef.tool(index, TextPart.SCOPE)),
                        loc.date(tool.started_on), loc.date(tool.deadline.due_on), loc.date(tool.completed_on),
                        free(ItemRef.tool(index, TextPart.FINDINGS)), tool.industry_wide, tool.suspends_mediation,
                        tool_team(loc, self.case, tool))

    def _appointment(self, appointment: Appointment) -> AppointmentView:
        loc = self.loc
        consents = [loc.label(role) for role, given in ((SideRole.APPLICANT, appointment.applicant_consent),
                                                         (SideRole.RESPONDENT, appointment.respondent_consent))
                    if given]
        return AppointmentView(appointment.resource.name, appointment.resource.organisation,
                               loc.label(appointment.role), loc.date(appointment.appointed_on),
                               loc.label(appointment.requested_by) if appointment.requested_by else "",
                               loc.join(consents), loc.date(appointment.ended_on), appointment.end_reason or "")

    def _obligation_number(self, obligation_id: int) -> int:
        obligations = self.case.agreement.obligations if self.case.agreement else []
        return next((i + 1 for i, o in enumerate(obligations) if o.id == obligation_id), 0)

    def _agreement(self) -> AgreementView:
        loc, agreement = self.loc, self.case.agreement
        if agreement is None:
            return AgreementView("", "", "", "", [], "", "", "", "", "", "")
        field, free = self._field, self.shown.free
        return AgreementView(
            field(RecordField.AGREEMENT_POINTS), field(RecordField.AGREEMENT_STAKEHOLDERS),
            field(RecordField.AGREEMENT_STANDARDS), field(RecordField.AGREEMENT_PROCESS),
            [ObligationView(i + 1, loc.label(o.obligor), loc.label(o.obligee),
                            free(ItemRef.obligation(i, TextPart.DESCRIPTION)), loc.date(o.due_on),
                            free(ItemRef.obligation(i, TextPart.INDICATORS)), loc.label(o.status))
             for i, o in enumerate(agreement.obligations)],
            field(RecordField.AGREEMENT_FEEDBACK), field(RecordField.AGREEMENT_DISCLOSURE),
            field(RecordField.AGREEMENT_COMMUNICATION), field(RecordField.AGREEMENT_OTHER),
            loc.date(agreement.drafted_on), loc.date(agreement.signed_on))

    def _closure(self) -> ClosureView:
        loc, report = self.loc, self.case.closure_report
        if report is None:
            return ClosureView("", "", "", "", "")
        field = self._field
        return ClosureView(loc.date(report.issued_on), field(RecordField.CLOSURE_POINTS),
                           field(RecordField.CLOSURE_COURSE), field(RecordField.CLOSURE_FACTS),
                           field(RecordField.CLOSURE_RECOMMENDATIONS))


# Who signs, as the record of identities names them (a monitor signs for no side).
_IDENTITY_ROLES = {SignerRole.MEMBER: IdentityRole.MEMBER, SignerRole.AGENT: IdentityRole.AGENT,
                   SignerRole.REPRESENTATIVE: IdentityRole.REPRESENTATIVE}


def _signature_rows(applicant: list[SignatoryView], respondent: list[SignatoryView]) -> list[SignatureRowView]:
    nobody = SignatoryView("", "")
    return [SignatureRowView(n, applicant[n - 1] if n <= len(applicant) else nobody,
                             respondent[n - 1] if n <= len(respondent) else nobody)
            for n in range(1, max(len(applicant), len(respondent)) + 1)]

