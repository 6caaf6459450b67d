"""The typed context each template renders from, built from the case record and the
instrument registry (cases.instruments).

    views         the dataclasses a template sees (formatted text only)
    builder       ContextBuilder: one instrument, one case, one language
    items         the particular matter an instrument decides (`item`)
    continuation  continuation closure reports

Which instruments apply to a case, for which matters and on what date are procedure rules:
they live in cases.instruments; `subjects` and `not_applicable` are re-exported here.
"""
from __future__ import annotations

from cases.instruments import continuation_number, continuation_subject, not_applicable, subjects
from docgen.context.builder import MECHANISM_EN, MECHANISM_ZH, ContextBuilder
from docgen.context.continuation import Continuation, continuation_problem
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
    ItemView,
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

__all__ = [
    "MECHANISM_EN", "MECHANISM_ZH", "AgentView", "AgreementView", "AppointmentView", "CaseView", "ClaimView",
    "ClosureView", "ContextBuilder", "Continuation", "ContinuationView", "DocView", "EventView", "ExhibitView",
    "InstrumentContext", "ItemView", "LimitView", "MechanismView", "MonitoringView", "ObligationView", "PartyView",
    "PeriodView", "PersonView", "SideView", "SignatoryView", "SignatureRowView", "StandardView", "ToolView",
    "TriageView", "continuation_number", "continuation_problem", "continuation_subject", "not_applicable",
    "subjects",
]
