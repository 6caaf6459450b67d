"""The `item` of a context: the particular matter an instrument decides, as text.

The registry (cases.instruments) says which record a `Subject` names; this module only
formats that record for the edition's language, one function per kind of subject.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cases.confidentiality.items import DecisionOf, IdentityRole, ItemRef, StatementOf, TextPart
from cases.confidentiality.values import decided, extensions
from cases.errors import NotFoundError
from cases.instruments import Instrument, Subject, SubjectKind
from cases.models import (
    Agent,
    Appointment,
    Case,
    ConfidentialityRequest,
    Deadline,
    Extension,
    Objection,
    PathPeriod,
    RecusalRequest,
    SupplementRequest,
    ToolUse,
)
from cases.rules import Limit, Unit, get_rule
from cases.vocabulary import ConfidentialityAudience, ObjectionMeasure
from docgen.context.disclosed import Shown
from docgen.context.views import ItemView, LimitView
from docgen.locale import Localizer


def limit_view(loc: Localizer, rule_id: str, deadline: Deadline | None) -> LimitView:
    """One time limit as the instrument states it; a provisional due date says so."""
    rule = get_rule(rule_id)
    note = ""
    if deadline is not None and deadline.provisional:
        note = loc.pick("（暂定：相关年度法定节假日安排尚未公布）",
                        "(provisional: the official holiday schedule is not yet published)")
    return LimitView(rule=rule_id, what=loc.pick(rule.what_zh, rule.what_en),
                     basis=loc.pick(rule.limit.basis_zh, rule.limit.basis_en),
                     counted_from=loc.pick(rule.counted_from_zh, rule.counted_from_en),
                     clause=loc.clause(rule.clause),
                     start=loc.date(deadline.trigger_on) if deadline else "",
                     due=loc.date(deadline.due_on) if deadline else "",
                     provisional=bool(deadline and deadline.provisional), note=note)


def tool_team(loc: Localizer, case: Case, tool: ToolUse) -> str:
    """Who was appointed for a fact-finding or an assessment."""
    return loc.join([a.resource.name for a in case.appointments if a.tool_use_id == tool.id])


class ItemViews:
    """Formats the matter an instrument is issued for, in one language."""

    def __init__(self, case: Case, loc: Localizer, shown: Shown) -> None:
        self.case = case
        self.loc = loc
        self.shown = shown  # statements, reasons and identities as the rendering's audience may see them
        self._by_kind: dict[SubjectKind, Callable[[Subject, Any], ItemView]] = {
            SubjectKind.SUPPLEMENT: self._supplement, SubjectKind.CONFIDENTIALITY: self._confidentiality,
            SubjectKind.OBJECTION: self._objection, SubjectKind.RECUSAL: self._recusal,
            SubjectKind.EXTENSION: self._extension, SubjectKind.PERIOD: self._period,
            SubjectKind.APPOINTMENT: self._appointment, SubjectKind.TOOL: self._tool, SubjectKind.AGENT: self._agent,
        }

    def view(self, instrument: Instrument, subject: Subject | None) -> ItemView:
        """The item of `instrument` for `subject`; empty for the case as a whole (and continuations)."""
        if subject is None or instrument.subject_kind is None:
            return ItemView()
        record = instrument.matter(self.case, subject)
        if record is None:
            raise NotFoundError(f"{self.case.number} has no {subject}")
        return self._by_kind[subject.kind](subject, record)

    # Each takes the record the registry found for the subject (typed by its kind).

    def _supplement(self, subject: Subject, request: SupplementRequest) -> ItemView:
        loc = self.loc
        items = self.shown.free(ItemRef.supplement(self.case.supplement_requests.index(request)))
        return ItemView(subject.kind.value, subject.id, items=items,
                        received_on=loc.date(request.received_on), decided_on=loc.date(request.requested_on))

    def _confidentiality(self, subject: Subject, r: ConfidentialityRequest) -> ItemView:
        loc = self.loc

        def audience(values: list[str]) -> str:
            return loc.join([loc.label(ConfidentialityAudience(v)) for v in values])

        def text(part: TextPart, decided_text: str | None) -> str:
            """The decision's version where it wrote one (第六章第2.2条), else the request's (第2.1条): free text
            either way, through the audience's disclosure."""
            of = ItemRef.decision(DecisionOf.CONFIDENTIALITY, index, part) if decided_text and decided_text.strip() \
                else ItemRef.statement(StatementOf.CONFIDENTIALITY, index, part)
            return self.shown.free(of)

        index = self.case.confidentiality_requests.index(r)
        decision = (loc.pick("同意采取保密措施", "Confidentiality granted") if r.granted else
                    loc.pick("不予采取保密措施", "Confidentiality refused") if r.decided_on else "")
        return ItemView(subject.kind.value, subject.id, requested_by=loc.label(r.requested_by),
                        received_on=loc.date(r.received_on), decided_on=loc.date(r.decided_on),
                        information=text(TextPart.INFORMATION, r.decided_information),
                        audience=audience(r.decided_audience if r.granted else r.audience),
                        duration=text(TextPart.DURATION, r.decided_duration),
                        reasons=self.shown.free(ItemRef.statement(StatementOf.CONFIDENTIALITY, index,
                                                                  TextPart.REASONS)),
                        decision_reason=self.shown.free(ItemRef.decision(DecisionOf.CONFIDENTIALITY, index,
                                                                         TextPart.REASONS)),
                        granted=bool(r.granted), decision=decision)

    def _decided(self, of: DecisionOf, record: Objection | RecusalRequest | ConfidentialityRequest) -> str:
        """The reasons of the secretariat's decision on `record`, as the audience may see them, in the
        edition's language or marked as the original (issue 11: reasons are free text like any other)."""
        return self.shown.free(ItemRef.decision(of, list(decided(self.case, of)).index(record)))

    def _objection(self, subject: Subject, o: Objection) -> ItemView:
        loc, index = self.loc, self.case.objections.index(o)
        statement = self.shown.free(ItemRef.statement(StatementOf.OBJECTION, index, TextPart.STATEMENT))
        evidence = self.shown.free(ItemRef.statement(StatementOf.OBJECTION, index, TextPart.EVIDENCE))
        return ItemView(subject.kind.value, subject.id, requested_by=loc.label(o.raised_by),
                        received_on=loc.date(o.received_on), decided_on=loc.date(o.decided_on),
                        ground=loc.label(o.ground), statement=statement, evidence=evidence,
                        decision=loc.label(o.outcome) if o.outcome else "",
                        measures=loc.join([loc.label(ObjectionMeasure(m)) for m in o.measures]),
                        decision_reason=self._decided(DecisionOf.OBJECTION, o))

    def _recusal(self, subject: Subject, r: RecusalRequest) -> ItemView:
        loc = self.loc
        decision = ((loc.pick("回避", "Recused") if r.recused else loc.pick("不予回避", "Not recused"))
                    if r.decided_on else "")
        return ItemView(subject.kind.value, subject.id,
                        requested_by=loc.label(r.raised_by) if r.raised_by else loc.pick("被任命方自行申请", "the appointee"),
                        received_on=loc.date(r.received_on), decided_on=loc.date(r.decided_on),
                        appointee=r.appointment.resource.name,
                        reasons=self.shown.free(ItemRef.statement(StatementOf.RECUSAL,
                                                                  self.case.recusal_requests.index(r))),
                        decision_reason=self._decided(DecisionOf.RECUSAL, r), granted=bool(r.recused),
                        decision=decision)

    def _extension(self, subject: Subject, extension: Extension) -> ItemView:
        loc = self.loc
        deadline = next(d for d in self.case.deadlines if d.id == extension.deadline_id)
        rule = get_rule(deadline.rule)
        granted = Limit(extension.amount, Unit(extension.unit))
        return ItemView(subject.kind.value, subject.id, requested_by=loc.label(extension.requested_by),
                        decided_on=loc.date(extension.decided_on),
                        reasons=self.shown.free(ItemRef.extension(extensions(self.case).index(extension))),
                        target=loc.pick(rule.what_zh, rule.what_en), previous_due=loc.date(extension.previous_due_on),
                        new_due=loc.date(extension.new_due_on), extension=loc.pick(granted.basis_zh, granted.basis_en),
                        clause=loc.clause(rule.clause), note=limit_view(loc, deadline.rule, deadline).note)

    def _period(self, subject: Subject, period: PathPeriod) -> ItemView:
        loc, periods = self.loc, self.case.path_periods
        index = periods.index(period)
        before = periods[index - 1] if index else None
        return ItemView(subject.kind.value, subject.id, requested_by=loc.label(period.requested_by),
                        decided_on=loc.date(period.started_on), from_path=loc.label(before.path) if before else "",
                        to_path=loc.label(period.path), due=loc.date(period.deadline.due_on),
                        reasons=self.shown.free(ItemRef.switch(index - 1)) if before else "")

    def _appointment(self, subject: Subject, a: Appointment) -> ItemView:
        loc = self.loc
        tool = next((t for t in self.case.tools if t.id == a.tool_use_id), None)
        return ItemView(subject.kind.value, subject.id, appointee=a.resource.name, target=loc.label(a.role),
                        requested_by=loc.label(a.requested_by) if a.requested_by else "",
                        decided_on=loc.date(a.appointed_on), scope=self._scope(tool) if tool else "",
                        due=loc.date(tool.deadline.due_on) if tool else "")

    def _tool(self, subject: Subject, t: ToolUse) -> ItemView:
        loc = self.loc
        return ItemView(subject.kind.value, subject.id, requested_by=loc.label(t.requested_by),
                        received_on=loc.date(t.started_on), scope=self._scope(t), due=loc.date(t.deadline.due_on),
                        appointee=tool_team(loc, self.case, t), decided_on=loc.date(t.completed_on))

    def _scope(self, tool: ToolUse) -> str:
        return self.shown.free(ItemRef.tool(self.case.tools.index(tool), TextPart.SCOPE))

    def _agent(self, subject: Subject, agent: Agent) -> ItemView:
        loc = self.loc
        side = next(s for s in self.case.sides if agent in s.agents)
        ref = ItemRef.identity(side.role, side.agents.index(agent), IdentityRole.AGENT)
        return ItemView(subject.kind.value, subject.id, requested_by=loc.label(side.role),
                        appointee=self.shown.name(ref, agent.name), target=self.shown.detail(ref, agent.organisation), received_on=loc.date(agent.power_of_attorney.submitted_on))
