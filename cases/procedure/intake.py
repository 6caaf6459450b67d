"""Filing, formal review, supplementary materials, acceptance and rejection (第三章)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path as FilePath

from sqlalchemy import select

from cases.application import (
    MAX_AGENTS,
    MAX_REPRESENTATIVES,
    AgentIn,
    ApplicationForm,
    ClaimIn,
    FileIn,
    RepresentativeIn,
    StandardIn,
)
from cases.confidentiality.items import ItemKind
from cases.errors import InvalidInputError
from cases.instruments import InstrumentId, Subject, SubjectKind
from cases.models import (
    Agent,
    Case,
    CaseCounter,
    Claim,
    Exhibit,
    Party,
    Representative,
    Side,
    StandardInvoked,
    SupplementRequest,
)
from cases.procedure.core import Action
from cases.procedure.rights import RightsActions
from cases.vocabulary import Channel, SideRole, Stage

CASE_PREFIX = "MVC"


class IntakeActions(RightsActions):  # an application may carry confidentiality requests (第三章第2条)
    # -- filing ---------------------------------------------------------------------

    def _next_number(self, year: int) -> tuple[int, str]:
        counter = self.session.scalars(
            select(CaseCounter).where(CaseCounter.year == year).with_for_update()).first()
        if counter is None:
            counter = CaseCounter(year=year, last=0)
            self.session.add(counter)
        counter.last += 1
        self.session.flush()
        return counter.last, f"{CASE_PREFIX}-{year}-{counter.last:04d}"

    def file_application(self, form: ApplicationForm, base_dir: FilePath = FilePath(".")) -> Case:
        """Register an application (validated by cases.application.parse_application)."""
        today = self.today()
        if form.received_on > today:
            raise InvalidInputError(f"received_on {form.received_on} is in the future (today is {today})")
        previous = None
        if form.reapplication_of:
            previous = self.get_case(form.reapplication_of)
            if previous.stage is not Stage.REJECTED:
                raise InvalidInputError(
                    f"{previous.number} is at stage {previous.stage.value}; only a rejected application "
                    f"may be filed again on the same matter")
        # Read and check every file before anything is written, so a bad upload loses nothing.
        uploads = {id(ref): self._read_upload(ref, base_dir)
                   for ref in [*form.exhibits, *(a.power_of_attorney for s in (form.applicant, form.respondent)
                                                 for a in s.agents)]}
        sequence, number = self._next_number(form.received_on.year)
        respondent_names = ", ".join(m.full_name for m in form.respondent.members)
        case = Case(
            number=number, year=form.received_on.year, sequence=sequence,
            title=form.title or f"{form.applicant.members[0].full_name} — {respondent_names}",
            stage=Stage.RECEIVED, received_on=form.received_on, channel=form.channel,
            region=form.region, country=form.country, industry=form.industry,
            issue_types=list(form.issue_types), facts=form.facts,
            reapplication_of_id=previous.id if previous else None,
        )
        self.session.add(case)
        for role, side_in in ((SideRole.APPLICANT, form.applicant), (SideRole.RESPONDENT, form.respondent)):
            side = Side(role=role)
            case.sides.append(side)
            side.members.extend(Party(position=i, category=m.category, full_name=m.full_name, address=m.address,
                                      contact=m.contact, other_info=m.other_info)
                                for i, m in enumerate(side_in.members))
            self.session.flush()
            for agent_in in side_in.agents:
                self._attach_agent(case, side, agent_in, uploads[id(agent_in.power_of_attorney)],
                                   form.received_on)
            for rep_in in side_in.representatives:
                self._attach_representative(side, rep_in)
        case.claims.extend(Claim(position=i, claim=c.claim, reasons=c.reasons) for i, c in enumerate(form.claims))
        case.standards.extend(StandardInvoked(standard=s.standard, name=s.name, clauses=s.clauses)
                              for s in form.standards)
        evidence = [self._add_exhibit(case, ref, uploads[id(ref)], SideRole.APPLICANT, "evidence", form.received_on)
                    for ref in form.exhibits]
        self._open(case, "formal_review", form.received_on)
        self.session.flush()
        self._audit(case, "file_application", form.received_on, number=number, title=case.title,
                    applicant=[m.full_name for m in form.applicant.members],
                    respondent=[m.full_name for m in form.respondent.members],
                    exhibits=[e.sha256 for e in case.exhibits],
                    reapplication_of=previous.number if previous else None)
        for request in form.confidentiality_requests:
            # The document counts its own exhibits; the case's list also holds the powers of attorney.
            items = [ref.with_index(case.exhibits.index(evidence[ref.index]))
                     if ref.kind is ItemKind.EXHIBIT and ref.index is not None else ref for ref in request.items]
            self.request_confidentiality(case, SideRole.APPLICANT, request.information,
                                         [a.value for a in request.audience], request.duration, request.reason,
                                         form.received_on, items=items, release_after=request.release_after,
                                         release_at_stage=request.release_at_stage)
        return case

    def _read_upload(self, ref: FileIn, base_dir: FilePath) -> tuple[str, bytes, str]:
        from cases.store import sniff

        data = ref.read(base_dir)
        return ref.original_name, data, sniff(ref.original_name, data)

    def _add_exhibit(self, case: Case, ref: FileIn, upload: tuple[str, bytes, str], by: SideRole | None,
                     kind: str, on: date) -> Exhibit:
        name, data, media_type = upload
        digest = self._require_store().put(data)
        exhibit = Exhibit(submitted_by=by, kind=kind, title=ref.title, original_name=name,
                          media_type=media_type, sha256=digest, size=len(data), submitted_on=on)
        case.exhibits.append(exhibit)
        self.session.flush()
        return exhibit

    def _attach_agent(self, case: Case, side: Side, agent_in: AgentIn, upload: tuple[str, bytes, str],
                      on: date) -> Agent:
        poa = self._add_exhibit(case, agent_in.power_of_attorney, upload, side.role, "power_of_attorney", on)
        agent = Agent(name=agent_in.name, organisation=agent_in.organisation, contact=agent_in.contact,
                      power_of_attorney_id=poa.id)
        side.agents.append(agent)
        return agent

    def _attach_representative(self, side: Side, rep_in: RepresentativeIn) -> Representative:
        member_id = side.members[rep_in.member].id if rep_in.member is not None else None
        representative = Representative(name=rep_in.name, contact=rep_in.contact, member_id=member_id)
        side.representatives.append(representative)
        return representative

    def add_agent(self, case: Case, role: SideRole, agent_in: AgentIn, on: date,
                  base_dir: FilePath = FilePath(".")) -> Agent:
        self._begin(case, Action.ADD_AGENT, on)
        side = case.side(role)
        if len(side.agents) >= MAX_AGENTS:
            self._refuse(case, Action.ADD_AGENT,
                         f"the {role.value} already has {len(side.agents)} agents; at most {MAX_AGENTS}")
        agent = self._attach_agent(case, side, agent_in, self._read_upload(agent_in.power_of_attorney, base_dir), on)
        self._audit(case, "add_agent", on, side=role, name=agent.name, organisation=agent.organisation)
        return agent

    def add_representative(self, case: Case, role: SideRole, rep_in: RepresentativeIn, on: date) -> Representative:
        self._begin(case, Action.ADD_REPRESENTATIVE, on)
        side = case.side(role)
        if len(side.representatives) >= MAX_REPRESENTATIVES:
            self._refuse(case, Action.ADD_REPRESENTATIVE,
                         f"the {role.value} already has {MAX_REPRESENTATIVES} representatives")
        if rep_in.member is not None and rep_in.member >= len(side.members):
            self._refuse(case, Action.ADD_REPRESENTATIVE, f"the {role.value} has no member number {rep_in.member}")
        representative = self._attach_representative(side, rep_in)
        self._audit(case, "add_representative", on, side=role, name=representative.name)
        return representative

    # -- formal review --------------------------------------------------------------

    def missing_content(self, case: Case) -> list[str]:
        """Acceptance criterion 3.1: all required content and materials present."""
        missing = []
        for member in case.applicant.members:
            for field in ("full_name", "address", "contact"):
                if not getattr(member, field):
                    missing.append(f"applicant {member.full_name or '?'}: {field}")
        for member in case.respondent.members:
            for field in ("full_name", "address"):
                if not getattr(member, field):
                    missing.append(f"respondent {member.full_name or '?'}: {field}")
        if not case.facts:
            missing.append("the facts in dispute")
        if not case.claims:
            missing.append("the claims and their reasons")
        if not any(e.kind in ("evidence", "supplement") for e in case.exhibits):
            missing.append("materials showing that the dispute exists")
        if not case.standards:
            missing.append("the standard(s) the dispute concerns (scope)")
        return missing

    def request_supplement(self, case: Case, items: str, on: date, channel: Channel = Channel.EMAIL) -> SupplementRequest:
        self._begin(case, Action.REQUEST_SUPPLEMENT, on)
        if not items.strip():
            self._refuse(case, Action.REQUEST_SUPPLEMENT, "say which materials or information are needed")
        request = SupplementRequest(items=items.strip(), requested_on=on)
        case.supplement_requests.append(request)
        self.session.flush()
        self._send(case, InstrumentId.SUPPLEMENT_REQUEST, on, [SideRole.APPLICANT], channel,
                   subject=Subject(SubjectKind.SUPPLEMENT, request.id))
        self._audit(case, "request_supplement", on, items=request.items)
        return request

    def record_supplement(self, case: Case, on: date, note: str,
                          exhibits: Sequence[tuple[FileIn, FilePath]] = (), *,
                          claims: Sequence[ClaimIn] = (), standards: Sequence[StandardIn] = (),
                          facts: str = "", respondent_addresses: Sequence[str] = ()) -> SupplementRequest:
        """What the applicant sent in answer to the latest request for supplementary materials."""
        self._begin(case, Action.RECORD_SUPPLEMENT, on)
        pending = [r for r in case.supplement_requests if r.received_on is None]
        if not pending:
            self._refuse(case, Action.RECORD_SUPPLEMENT, "no supplementary materials were requested")
        request = pending[-1]
        self._check_date(case, Action.RECORD_SUPPLEMENT, on, not_before=request.requested_on,
                         what="the supplement")
        if len(respondent_addresses) > len(case.respondent.members):
            self._refuse(case, Action.RECORD_SUPPLEMENT, f"the respondent has {len(case.respondent.members)} "
                                                         f"member(s), {len(respondent_addresses)} addresses given")
        uploads = [(ref, self._read_upload(ref, base)) for ref, base in exhibits]
        request.received_on, request.response_note = on, note
        added = [self._add_exhibit(case, ref, upload, SideRole.APPLICANT, "supplement", on) for ref, upload in uploads]
        case.claims.extend(Claim(position=len(case.claims) + i, claim=c.claim, reasons=c.reasons)
                           for i, c in enumerate(claims))
        case.standards.extend(StandardInvoked(standard=s.standard, name=s.name, clauses=s.clauses) for s in standards)
        if facts.strip():
            case.facts = f"{case.facts}\n\n{facts.strip()}".strip()
        for member, address in zip(case.respondent.members, respondent_addresses):
            if address.strip():
                member.address = address.strip()
        self._audit(case, "record_supplement", on, note=note, exhibits=[e.sha256 for e in added],
                    claims=len(claims), standards=[s.standard.value for s in standards], facts=bool(facts.strip()),
                    respondent_addresses=sum(1 for a in respondent_addresses if a.strip()))
        return request

    def accept(self, case: Case, on: date, channel: Channel = Channel.EMAIL) -> None:
        self._begin(case, Action.ACCEPT, on)
        missing = self.missing_content(case)
        if missing:
            self._refuse(case, Action.ACCEPT, "required content is missing: " + "; ".join(missing)
                         + " (request supplementary materials, or reject)")
        self._require_representatives(case, Action.ACCEPT)
        case.stage, case.accepted_on = Stage.ACCEPTED, on
        self._close(case, "formal_review", on)
        self._send(case, InstrumentId.ACCEPTANCE_DECISION, on, [SideRole.APPLICANT], channel)
        self._open(case, "invitation", on)
        self._audit(case, "accept", on)

    def reject(self, case: Case, grounds: str, on: date, channel: Channel = Channel.EMAIL) -> None:
        self._begin(case, Action.REJECT, on)
        if not grounds.strip():
            self._refuse(case, Action.REJECT, "a rejection must state its grounds")
        case.stage, case.rejected_on, case.rejection_grounds = Stage.REJECTED, on, grounds.strip()
        self._close(case, "formal_review", on)
        self._send(case, InstrumentId.REJECTION_DECISION, on, [SideRole.APPLICANT], channel)
        self._audit(case, "reject", on, grounds=case.rejection_grounds)
