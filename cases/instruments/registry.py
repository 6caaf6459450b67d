"""The 23 instruments, one record each: names, who issues and signs, what each is issued for,
when it applies and what date it bears.

Clause references (第X章...) are to the procedural document (shared/seed/mechanism-procedure-zh.txt,
digested in PROCEDURE.md), whose Chinese text prevails.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import object_session

from cases.instruments.record import (
    Addressee,
    EachMatter,
    Instrument,
    InstrumentId,
    Signatory,
    SigningMode,
    WholeCase,
)
from cases.instruments.subject import Subject, SubjectKind
from cases.vocabulary import Stage, ToolKind

if TYPE_CHECKING:
    from cases.models import Agent, Case, Extension, PathPeriod, SignedDocument, ToolUse

_LAUNCHED_OR_LATER = frozenset({Stage.LAUNCHED, Stage.TRIAGE, Stage.BILATERAL_DIALOGUE, Stage.INTERNAL_MEDIATION,
                                Stage.EXTERNAL_MEDIATION, Stage.TERMINATED, Stage.MONITORING, Stage.CLOSED})


def _sent(case: Case, instrument: InstrumentId) -> bool:
    return any(d.instrument == instrument for d in case.deliveries)


def _unless(applies: bool, reason: str) -> str | None:
    return None if applies else reason


# -- the case as a whole -------------------------------------------------------------------

def _always(case: Case) -> str | None:
    """Every case starts with its application (第三章第2条)."""
    return None


def _acceptance(case: Case) -> str | None:
    """Formal review ends in a written decision to accept or reject (第三章第3.2条)."""
    return _unless(case.stage is Stage.RECEIVED or case.accepted_on is not None, "the application was not accepted")


def _rejection(case: Case) -> str | None:
    """Formal review ends in a written decision to accept or reject (第三章第3.2条)."""
    return _unless(case.stage is Stage.RECEIVED or case.rejected_on is not None, "the application was not rejected")


def _invitation(case: Case) -> str | None:
    """The invitation follows acceptance within 10 working days (第四章第一节第1条)."""
    return _unless(case.stage is Stage.ACCEPTED or _sent(case, InstrumentId.INVITATION),
                   "no invitation is due or was sent")


def _second_invitation(case: Case) -> str | None:
    """Due once the first invitation lapsed without an answer (第四章第一节第1.2条): the lapse opens
    the `second_invitation` time limit (the same test as cases.tracker.find_latest, which this
    module cannot import: cases.models imports this package)."""
    return _unless(any(d.rule == "second_invitation" for d in case.deadlines), "the first invitation has not lapsed")


def _launch_notice(case: Case) -> str | None:
    """The respondent accepted: notice to both sides within 10 working days (第四章第一节第1.1条)."""
    return _unless(case.stage is Stage.RESPONDENT_ACCEPTED or _sent(case, InstrumentId.LAUNCH_NOTICE),
                   "the respondent has not accepted the invitation")


def _non_launch_notice(case: Case) -> str | None:
    """Refusal or deemed refusal: notice to the applicant within 10 working days (第四章第一节第1.2条)."""
    return _unless(case.stage is Stage.RESPONDENT_REFUSED or _sent(case, InstrumentId.NON_LAUNCH_NOTICE),
                   "the respondent did not refuse the invitation")


def _triage_recommendation(case: Case) -> str | None:
    """The secretariat recommends a path and tools once the procedure starts (第四章第一节第2条)."""
    return _unless(case.stage is Stage.LAUNCHED or case.triage is not None, "the procedure has not been launched")


def _triage_record(case: Case) -> str | None:
    """Both sides choose the path and tools together, on the recommendation (第四章第一节第2条)."""
    return _unless(case.triage is not None, "no triage recommendation has been made")


def _agreement(case: Case) -> str | None:
    """The problem-solving agreement both sides co-sign (第四章第四节第1条)."""
    return _unless(case.agreement is not None, "no agreement has been drafted")


def frozen_agreements(case: Case) -> list[SignedDocument]:
    """The case's issued agreement documents that every signatory signed and that were frozen, in the
    order they were issued: what the signing record lists. A case outside a session has none."""
    from cases.lifecycle import DocumentState  # noqa: PLC0415 - as below
    from cases.models import SignedDocument  # noqa: PLC0415 - cases.models imports this package

    session = object_session(case)
    if session is None or case.id is None:
        return []
    return list(session.scalars(select(SignedDocument).where(
        SignedDocument.case_id == case.id, SignedDocument.instrument == InstrumentId.AGREEMENT.value,
        SignedDocument.state == DocumentState.FROZEN).order_by(SignedDocument.id)))


def _signing_record(case: Case) -> str | None:
    """Once both sides' signatories have signed the agreement (第四章第四节第1条) and it is frozen, the
    secretariat certifies who signed, when and how (issue 12)."""
    return _unless(bool(frozen_agreements(case)), "no co-signed agreement has been frozen")


def _signing_record_date(case: Case) -> date | None:
    """The day (in Beijing) of the latest freeze the record reports."""
    frozen = [d.frozen_at for d in frozen_agreements(case) if d.frozen_at is not None]
    return max(frozen).astimezone(_BEIJING).date() if frozen else None


_BEIJING = ZoneInfo("Asia/Shanghai")


def _termination_notice(case: Case) -> str | None:
    """Any process under way can end on one of the four grounds (第四章第四节第2条); a case that
    was never launched ends with the non-launch notice instead."""
    return _unless(case.path is not None and case.stage in _LAUNCHED_OR_LATER
                   or case.terminated_on is not None and case.stage is not Stage.NOT_LAUNCHED,
                   "the procedure is not under way")


def _closure_report(case: Case) -> str | None:
    """The closure report follows the termination of a launched process (第四章第四节第3条)."""
    return _unless(case.termination_ground is not None and case.stage is not Stage.NOT_LAUNCHED,
                   "the procedure has not been terminated")


def _case_summary(case: Case) -> str | None:
    """Accepted cases are disclosed on the public register (第六章第1.1条)."""
    return _unless(case.accepted_on is not None, "the application has not been accepted")


# -- the records instruments are issued for ---------------------------------------------------

def _agents(case: Case) -> list[Agent]:
    return [agent for side in case.sides for agent in side.agents]


def _switched_periods(case: Case) -> list[PathPeriod]:
    """Only a period a side asked to switch into has a switch decision; the first was agreed at triage."""
    return [p for p in case.path_periods if p.requested_by is not None]


def _extensions(case: Case) -> list[Extension]:
    return [e for deadline in case.deadlines for e in deadline.extensions]


def _tools(kind: ToolKind) -> Callable[[Case], list[ToolUse]]:
    def records(case: Case) -> list[ToolUse]:
        return [t for t in case.tools if t.kind is kind]
    return records


_ALL: tuple[Instrument, ...] = (
    Instrument(InstrumentId.APPLICATION_FORM, "调解磋商申请表", "Application for Mediation and Consultation",
               Signatory.APPLICANT, SigningMode.INK, Addressee.SECRETARIAT,
               WholeCase(_always, lambda case: case.received_on), "第三章第2条"),
    Instrument(InstrumentId.POWER_OF_ATTORNEY, "授权委托书", "Power of Attorney",
               Signatory.APPOINTING_SIDE, SigningMode.INK, Addressee.SECRETARIAT,
               EachMatter(SubjectKind.AGENT, _agents, lambda agent: agent.power_of_attorney.submitted_on),
               "第三章第1条"),
    Instrument(InstrumentId.SUPPLEMENT_REQUEST, "补充材料通知", "Request for Supplementary Materials",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.APPLICANT,
               EachMatter(SubjectKind.SUPPLEMENT, lambda case: case.supplement_requests,
                          lambda request: request.requested_on), "第三章第3.2条"),
    Instrument(InstrumentId.ACCEPTANCE_DECISION, "受理决定书", "Decision to Accept the Application",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.APPLICANT,
               WholeCase(_acceptance, lambda case: case.accepted_on), "第三章第3.2条"),
    Instrument(InstrumentId.REJECTION_DECISION, "驳回决定书", "Decision to Reject the Application",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.APPLICANT,
               WholeCase(_rejection, lambda case: case.rejected_on), "第三章第3.2条"),
    Instrument(InstrumentId.INVITATION, "调解磋商邀请", "Invitation to Mediation and Consultation",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.RESPONDENT,
               WholeCase(_invitation), "第四章第一节第1条"),
    Instrument(InstrumentId.SECOND_INVITATION, "调解磋商邀请（再次）", "Second Invitation",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.RESPONDENT,
               WholeCase(_second_invitation), "第四章第一节第1.2条"),
    Instrument(InstrumentId.LAUNCH_NOTICE, "调解磋商程序启动通知", "Notice of Launch of the Procedure",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               WholeCase(_launch_notice), "第四章第一节第1.1条"),
    Instrument(InstrumentId.NON_LAUNCH_NOTICE, "调解磋商程序不予启动通知", "Notice of Non-Launch of the Procedure",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.APPLICANT,
               WholeCase(_non_launch_notice), "第四章第一节第1.2条"),
    Instrument(InstrumentId.TRIAGE_RECOMMENDATION, "评估分流建议书", "Assessment and Triage Recommendation",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               WholeCase(_triage_recommendation, lambda case: case.triage.recommended_on if case.triage else None),
               "第四章第一节第2条"),
    Instrument(InstrumentId.TRIAGE_RECORD, "案件分流确认书", "Record of the Agreed Path and Tools",
               Signatory.CO_SIGNED, SigningMode.CO_SIGNED, Addressee.BOTH_SIDES,
               WholeCase(_triage_record, lambda case: case.triage.agreed_on if case.triage else None),
               "第四章第一节第2条"),
    # Either side may ask to switch; the secretariat decides with both sides' consent.
    Instrument(InstrumentId.PATH_SWITCH_DECISION, "路径转换决定书", "Decision on Change of Path",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               EachMatter(SubjectKind.PERIOD, _switched_periods, lambda period: period.started_on),
               "第四章第二节第4条"),
    # Each path's period may be extended by the secretariat at a side's request.
    Instrument(InstrumentId.EXTENSION_DECISION, "期限延长决定书", "Decision on Extension of Time",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               EachMatter(SubjectKind.EXTENSION, _extensions, lambda extension: extension.decided_on),
               "第四章第二节第1-3条"),
    Instrument(InstrumentId.APPOINTMENT_LETTER, "任命书", "Letter of Appointment",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.APPOINTEE,
               EachMatter(SubjectKind.APPOINTMENT, lambda case: case.appointments,
                          lambda appointment: appointment.appointed_on), "第二章第3.3条"),
    # The scope of a fact-finding is agreed by both sides (co-signed).
    Instrument(InstrumentId.FACT_FINDING_TERMS, "事实调查范围确认书", "Fact-Finding Terms of Reference",
               Signatory.CO_SIGNED, SigningMode.CO_SIGNED, Addressee.BOTH_SIDES,
               EachMatter(SubjectKind.TOOL, _tools(ToolKind.FACT_FINDING), lambda tool: tool.started_on),
               "第四章第三节第1.1条"),
    # Any side may ask for an assessment; its own request, addressed to the secretariat.
    Instrument(InstrumentId.ASSESSMENT_REQUEST, "评估验证申请书", "Request for Assessment and Verification",
               Signatory.REQUESTING_SIDE, SigningMode.INK, Addressee.SECRETARIAT,
               EachMatter(SubjectKind.TOOL, _tools(ToolKind.ASSESSMENT), lambda tool: tool.started_on),
               "第四章第三节第2条"),
    Instrument(InstrumentId.CONFIDENTIALITY_DECISION, "保密决定书", "Confidentiality Decision",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.REQUESTER,
               EachMatter(SubjectKind.CONFIDENTIALITY, lambda case: case.confidentiality_requests,
                          lambda request: request.decided_on), "第六章第2.2条"),
    Instrument(InstrumentId.OBJECTION_DECISION, "异议处理决定书", "Decision on Objection",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.REQUESTER,
               EachMatter(SubjectKind.OBJECTION, lambda case: case.objections,
                          lambda objection: objection.decided_on), "第六章第3.3条"),
    Instrument(InstrumentId.RECUSAL_DECISION, "回避决定书", "Decision on Recusal",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               EachMatter(SubjectKind.RECUSAL, lambda case: case.recusal_requests,
                          lambda request: request.decided_on), "第六章第6.1条"),
    Instrument(InstrumentId.AGREEMENT, "问题解决方案", "Problem-Solving Agreement",
               Signatory.CO_SIGNED, SigningMode.CO_SIGNED, Addressee.BOTH_SIDES,
               WholeCase(_agreement, lambda case: case.agreement.signed_on if case.agreement else None),
               "第四章第四节第1条"),
    # Who signed the frozen agreement, when (the time-stamps) and how, with its sha256 (issue 12).
    Instrument(InstrumentId.SIGNING_RECORD, "签署记录", "Signing Record",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               WholeCase(_signing_record, _signing_record_date), "第四章第四节第1条"),
    Instrument(InstrumentId.TERMINATION_NOTICE, "进程终结通知", "Notice of Termination of the Procedure",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.BOTH_SIDES,
               WholeCase(_termination_notice, lambda case: case.terminated_on), "第四章第四节第2-3条"),
    # Updated with the monitoring results and published (第五章第2条): monitors append to it.
    Instrument(InstrumentId.CLOSURE_REPORT, "结案报告", "Closure Report",
               Signatory.SECRETARIAT_AND_MONITORS, SigningMode.MONITORED, Addressee.BOTH_SIDES,
               WholeCase(_closure_report, lambda case: case.closure_report.issued_on if case.closure_report else None),
               "第四章第四节第3条"),
    Instrument(InstrumentId.CASE_SUMMARY, "个案信息披露摘要", "Public Case Summary",
               Signatory.SECRETARIAT, SigningMode.SEALED, Addressee.PUBLIC,
               WholeCase(_case_summary, lambda case: case.published_on), "第六章第1.1条"),
)

# Keyed by the id's text (an InstrumentId is equal to it), so that lookups by text, e.g. a
# command-line argument, work and `list(INSTRUMENTS)` gives plain ids in the procedure's order.
INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType({i.id.value: i for i in _ALL})


def get_instrument(instrument_id: str) -> Instrument:
    """The record of an instrument, by InstrumentId or its text; a clear error for an unknown id."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise ValueError(f"unknown instrument {instrument_id!r}; valid: {', '.join(INSTRUMENTS)}") from None


def subjects(case: Case, instrument_id: str) -> list[Subject | None]:
    """Every matter the instrument can be issued for in this case now (None = the case as a whole)."""
    return get_instrument(instrument_id).subjects(case)


def not_applicable(case: Case, instrument_id: str, subject: Subject | None = None) -> str | None:
    """None when the instrument applies to the case now (due or done) for `subject`, else why not."""
    return get_instrument(instrument_id).not_applicable(case, subject)

