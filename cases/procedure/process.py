"""Triage, the three paths, path switches, extensions, tools and appointments
(第四章第一节第2条, 第二节, 第三节; 第二章第3.3条)."""
from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select

from cases import tracker
from cases.errors import NotFoundError
from cases.instruments import InstrumentId, Subject, SubjectKind
from cases.models import Appointment, Case, Deadline, PathPeriod, SupportResource, ToolUse, Triage
from cases.procedure.core import Action, ProcedureCore
from cases.procedure.launch import BOTH_SIDES
from cases.rules import Limit, Unit
from cases.vocabulary import (
    AppointmentRole,
    Channel,
    DeadlineOutcome,
    ExpertGroup,
    Path,
    ResourceKind,
    SideRole,
    Stage,
    ToolKind,
)

# An industry-wide assessment needs, in principle, at least three applicants or respondents.
INDUSTRY_WIDE_MINIMUM = 3


def _both(consents: Collection[SideRole]) -> bool:
    return set(consents) >= set(BOTH_SIDES)


def _missing_consent(consents: Collection[SideRole]) -> str:
    missing = [role.value for role in BOTH_SIDES if role not in set(consents)]
    return "without the consent of the " + " and the ".join(missing)


class ProcessActions(ProcedureCore):
    # -- triage ---------------------------------------------------------------------

    def recommend_triage(self, case: Case, path: Path, tools: Collection[ToolKind], reasoning: str,
                         on: date, channel: Channel = Channel.EMAIL) -> Triage:
        self._begin(case, Action.RECOMMEND_TRIAGE, on)
        self._check_date(case, Action.RECOMMEND_TRIAGE, on, not_before=case.launched_on,
                         what="the recommendation")
        self._check_tools_fit(case, Action.RECOMMEND_TRIAGE, path, tools)
        if not reasoning.strip():
            self._refuse(case, Action.RECOMMEND_TRIAGE, "the recommendation must give its reasons")
        case.triage = Triage(recommended_on=on, recommended_path=path,
                             recommended_tools=[t.value for t in tools], reasoning=reasoning.strip())
        case.stage = Stage.TRIAGE
        self._close(case, "triage", on)
        self._send(case, InstrumentId.TRIAGE_RECOMMENDATION, on, BOTH_SIDES, channel)
        self._audit(case, "recommend_triage", on, path=path, tools=[t.value for t in tools])
        return case.triage

    def agree_path(self, case: Case, path: Path, tools: Collection[ToolKind], consents: Collection[SideRole],
                   on: date) -> PathPeriod:
        """Both sides choose the path and tools together (the co-signed triage record)."""
        self._begin(case, Action.AGREE_PATH, on)
        if not _both(consents):
            self._refuse(case, Action.AGREE_PATH, "the path is chosen by both sides together; "
                                                  + _missing_consent(consents))
        self._check_tools_fit(case, Action.AGREE_PATH, path, tools)
        assert case.triage is not None
        case.triage.agreed_on, case.triage.agreed_path = on, path
        case.triage.agreed_tools = [t.value for t in tools]
        period = self._start_path(case, path, on, requested_by=None)
        self._audit(case, "agree_path", on, path=path, tools=[t.value for t in tools])
        return period

    def _check_tools_fit(self, case: Case, action: Action, path: Path, tools: Collection[ToolKind]) -> None:
        if ToolKind.FACT_FINDING in tools and path is not Path.EXTERNAL_MEDIATION:
            self._refuse(case, action, "fact-finding is used only on the external expert mediation path "
                                       "(第四章第三节第1条)")

    def _start_path(self, case: Case, path: Path, on: date, requested_by: SideRole | None) -> PathPeriod:
        deadline = self._open(case, path.rule_id, on)
        self.session.flush()
        period = PathPeriod(path=path, started_on=on, requested_by=requested_by, deadline_id=deadline.id,
                            deadline=deadline)
        case.path_periods.append(period)
        case.path, case.stage = path, path.stage
        return period

    def switch_path(self, case: Case, to: Path, requested_by: SideRole, consents: Collection[SideRole],
                    reason: str, on: date, channel: Channel = Channel.EMAIL) -> PathPeriod:
        """Either side may ask; the secretariat decides with both sides' consent (第二节第4条)."""
        self._begin(case, Action.SWITCH_PATH, on)
        current = case.current_period
        assert current is not None
        if to is current.path:
            self._refuse(case, Action.SWITCH_PATH, f"the case is already on the {to.value} path")
        if not _both(consents):
            self._refuse(case, Action.SWITCH_PATH, "a path switch needs both sides' consent; "
                                                   + _missing_consent(consents))
        open_fact_finding = [t for t in case.tools if t.kind is ToolKind.FACT_FINDING and t.completed_on is None]
        if open_fact_finding and to is not Path.EXTERNAL_MEDIATION:
            self._refuse(case, Action.SWITCH_PATH, "fact-finding is still under way and exists only on the "
                                                   "external path; complete it first")
        self._check_date(case, Action.SWITCH_PATH, on, not_before=current.started_on, what="the switch")
        current.ended_on, current.end_reason = on, "switched"
        tracker.close(current.deadline, on, DeadlineOutcome.DONE)
        period = self._start_path(case, to, on, requested_by=requested_by)
        period.switch_reason = reason.strip()  # a free text of the record (issue 11: item switch:N)
        self.session.flush()  # the new period's id names the decision's subject
        self._send(case, InstrumentId.PATH_SWITCH_DECISION, on, BOTH_SIDES, channel,
                   subject=Subject(SubjectKind.PERIOD, period.id))
        self._audit(case, "switch_path", on, from_path=current.path, to_path=to, requested_by=requested_by,
                    reason=reason)
        return period

    # -- extensions -----------------------------------------------------------------

    def extend(self, case: Case, target: str, amount: int, unit: Unit, requested_by: SideRole, reason: str,
               on: date, channel: Channel = Channel.EMAIL) -> Deadline:
        """Extend the current path period (`target="path"`) or a tool ("fact_finding",
        "assessment_verification") at a side's request; the secretariat decides."""
        self._begin(case, Action.EXTEND, on)
        if amount <= 0:
            self._refuse(case, Action.EXTEND, f"an extension must be positive, got {amount} {unit.value}")
        if not reason.strip():
            self._refuse(case, Action.EXTEND, "an extension decision must give its reasons")
        deadline = self._extension_target(case, target)
        extension = tracker.add_extension(self.calendar, deadline, Limit(amount, unit), requested_by=requested_by,
                                          decided_by=self.actor, decided_on=on, reason=reason.strip())
        self.session.flush()  # the extension's id names the decision's subject
        self._send(case, InstrumentId.EXTENSION_DECISION, on, BOTH_SIDES, channel,
                   subject=Subject(SubjectKind.EXTENSION, extension.id))
        self._audit(case, "extend", on, rule=deadline.rule, amount=amount, unit=unit.value,
                    requested_by=requested_by, new_due=deadline.due_on, reason=reason.strip())
        return deadline

    def _extension_target(self, case: Case, target: str) -> Deadline:
        if target == "path":
            period = case.current_period
            assert period is not None
            return period.deadline
        try:
            kind = ToolKind(target)
        except ValueError:
            self._refuse(case, Action.EXTEND, f"unknown extension target {target!r}; use 'path', "
                                              + ", ".join(repr(k.value) for k in ToolKind))
        open_tools = [t for t in case.tools if t.kind is kind and t.completed_on is None]
        if not open_tools:
            self._refuse(case, Action.EXTEND, f"no {kind.value} is under way")
        return open_tools[-1].deadline

    # -- tools ----------------------------------------------------------------------

    def start_tool(self, case: Case, kind: ToolKind, requested_by: SideRole, scope: str, on: date, *,
                   consents: Collection[SideRole] = (), industry_wide: bool = False,
                   suspends_mediation: bool = False, channel: Channel = Channel.EMAIL) -> ToolUse:
        self._begin(case, Action.START_TOOL, on)
        if not scope.strip():
            self._refuse(case, Action.START_TOOL, f"the {kind.value} needs its scope")
        if kind is ToolKind.FACT_FINDING:
            if case.path is not Path.EXTERNAL_MEDIATION:
                self._refuse(case, Action.START_TOOL, "fact-finding is used only on the external expert mediation "
                                                      f"path; the case is on {case.path.value if case.path else '-'}")
            if not _both(consents):
                self._refuse(case, Action.START_TOOL, "fact-finding terms are agreed by both sides; "
                                                      + _missing_consent(consents))
        if industry_wide:
            largest = max(len(side.members) for side in case.sides)
            if largest < INDUSTRY_WIDE_MINIMUM:
                self._refuse(case, Action.START_TOOL,
                             f"an industry-wide assessment needs at least {INDUSTRY_WIDE_MINIMUM} applicants or "
                             f"respondents; the largest side has {largest}")
        deadline = self._open(case, kind.rule_id, on)
        self.session.flush()
        tool = ToolUse(kind=kind, requested_by=requested_by, started_on=on, scope=scope.strip(),
                       industry_wide=industry_wide, suspends_mediation=suspends_mediation,
                       deadline_id=deadline.id, deadline=deadline)
        case.tools.append(tool)
        self.session.flush()
        deadline.subject = Subject(SubjectKind.TOOL, tool.id)
        if kind is ToolKind.FACT_FINDING:
            self._send(case, InstrumentId.FACT_FINDING_TERMS, on, BOTH_SIDES, channel,
                       subject=Subject(SubjectKind.TOOL, tool.id))
        self._audit(case, "start_tool", on, kind=kind, requested_by=requested_by, industry_wide=industry_wide,
                    suspends_mediation=suspends_mediation)
        return tool

    def complete_tool(self, case: Case, kind: ToolKind, findings: str, on: date) -> ToolUse:
        self._begin(case, Action.COMPLETE_TOOL, on)
        open_tools = [t for t in case.tools if t.kind is kind and t.completed_on is None]
        if not open_tools:
            self._refuse(case, Action.COMPLETE_TOOL, f"no {kind.value} is under way")
        tool = open_tools[-1]
        self._check_date(case, Action.COMPLETE_TOOL, on, not_before=tool.started_on, what="the completion")
        tool.completed_on, tool.findings = on, findings.strip()
        tracker.close(tool.deadline, on, DeadlineOutcome.DONE)
        for appointment in case.appointments:
            if appointment.tool_use_id == tool.id and appointment.is_active:
                appointment.ended_on, appointment.end_reason = on, f"{kind.value} completed"
        self._audit(case, "complete_tool", on, kind=kind)
        return tool

    # -- support resources and appointments -----------------------------------------

    def add_resource(self, kind: ResourceKind, name: str, *, organisation: str = "",
                     groups: Collection[ExpertGroup] = (), contact: str = "") -> SupportResource:
        if groups and kind is not ResourceKind.EXPERT:
            raise ValueError("only experts of the expert network belong to groups")
        resource = SupportResource(kind=kind, name=name.strip(), organisation=organisation, contact=contact,
                                   groups=[g.value for g in groups])
        self.session.add(resource)
        self.session.flush()
        self._audit(None, "add_resource", None, id=resource.id, kind=kind, name=resource.name,
                    groups=resource.groups)
        return resource

    def roster(self, kind: ResourceKind | None = None) -> list[SupportResource]:
        query = select(SupportResource).where(SupportResource.active.is_(True)).order_by(SupportResource.id)
        if kind is not None:
            query = query.where(SupportResource.kind == kind)
        return list(self.session.scalars(query))

    def appoint(self, case: Case, resource: SupportResource, role: AppointmentRole, on: date, *,
                requested_by: SideRole | None = None, consents: Collection[SideRole] = (),
                tool: ToolUse | None = None, channel: Channel = Channel.EMAIL) -> Appointment:
        """Appoint a mediator, expert or body: a side's request and both sides' consent (第二章第3.3条);
        the internal panel is designated by the secretariat."""
        self._begin(case, Action.APPOINT, on)
        if resource.kind not in role.resource_kinds:
            self._refuse(case, Action.APPOINT, f"{resource.name} is a {resource.kind.value}; a {role.value} "
                                               f"comes from " + ", ".join(k.value for k in role.resource_kinds))
        if role.needs_consent:
            if requested_by is None:
                self._refuse(case, Action.APPOINT, f"a {role.value} is appointed at a side's request")
            if not _both(consents):
                self._refuse(case, Action.APPOINT, f"appointing {resource.name} as {role.value} needs both "
                                                   f"sides' consent; " + _missing_consent(consents))
        if role is AppointmentRole.FACT_FINDING and (tool is None or tool.kind is not ToolKind.FACT_FINDING):
            self._refuse(case, Action.APPOINT, "a fact-finding team is appointed for a fact-finding under way")
        if role is AppointmentRole.EXTERNAL_MEDIATOR and case.path is not Path.EXTERNAL_MEDIATION:
            self._refuse(case, Action.APPOINT, "an external mediator serves on the external mediation path")
        if any(a.resource_id == resource.id and a.role is role and a.is_active for a in case.appointments):
            self._refuse(case, Action.APPOINT, f"{resource.name} already serves as {role.value} in this case")
        recused = [r for r in case.recusal_requests if r.appointment.resource_id == resource.id and r.recused]
        if recused:
            self._refuse(case, Action.APPOINT, f"{resource.name} was recused from this case on "
                                               f"{recused[-1].decided_on}")
        appointment = Appointment(resource_id=resource.id, resource=resource, role=role,
                                  requested_by=requested_by,
                                  applicant_consent=SideRole.APPLICANT in consents,
                                  respondent_consent=SideRole.RESPONDENT in consents,
                                  appointed_on=on, tool_use_id=tool.id if tool else None)
        case.appointments.append(appointment)
        self.session.flush()
        self._send_to(case, InstrumentId.APPOINTMENT_LETTER, on, resource.name, channel,
                      subject=Subject(SubjectKind.APPOINTMENT, appointment.id))
        self._audit(case, "appoint", on, resource=resource.name, role=role, requested_by=requested_by,
                    consents=sorted(c.value for c in consents))
        return appointment

    def get_appointment(self, case: Case, appointment_id: int) -> Appointment:
        for appointment in case.appointments:
            if appointment.id == appointment_id:
                return appointment
        raise NotFoundError(f"{case.number} has no appointment number {appointment_id}")
