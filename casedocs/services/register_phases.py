"""The phases of the procedure as the register tracks them (第六章第1.1条, issue 13): for each, its status,
its start and end dates, and the reason when it was not undertaken.

The register's stage table lists the stages a case went through. A reader also needs to see what did NOT
happen and why: a case the respondent refused was never launched (第四章第一节第2条: the non-launch notice),
a process terminated without an agreement has nothing to monitor (第四章第四节第2条, 第五章), an application
dismissed on an objection ends wherever it stood (第六章第3条). This module lays the procedure out as its seven
phases, in the order of the source, and says of each one of:

- completed, in progress, or ended early (a dismissal cut it short);
- not undertaken, with the reason read from the record's STRUCTURED fields only — the respondent's refusal
  or its silence (deemed refusal), the dismissal, the termination ground — never a free text (a termination
  statement may name people; the public learns what the public disclosure allows, and the ground is enough);
- not reached yet, while the case goes on.

The dates are those of the register's stage spans (casedocs.services.register: the audit chain's stage
changes), so the two tables always agree. A rejected application is never on the register (the case summary
applies from acceptance, cases.instruments.registry), so rejection is not a reason here. No query: pure.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cases.vocabulary import PATH_STAGES, Labelled, Stage, TerminationGround, _labels

if TYPE_CHECKING:
    from casedocs.services.register import StageSpan


class Phase(Labelled):
    """The procedure's phases in the order of the source (第三章, 第四章第一节 to 第四节, 第五章)."""

    FORMAL_REVIEW = "formal_review"  # 第三章第3条
    INVITATION = "invitation"        # 第四章第一节第1条: the respondent's answer
    LAUNCH = "launch"                # 第四章第一节第2条
    TRIAGE = "triage"                # 第四章第二节
    PROCESS = "process"              # 第四章第三节: dialogue or mediation on the agreed path
    TERMINATION = "termination"      # 第四章第四节: termination notice and closure report
    MONITORING = "monitoring"        # 第五章: implementation of the agreement


_labels(Phase, {
    "formal_review": ("形式审查", "Formal review"),
    "invitation": ("邀请相对方", "Invitation of the respondent"),
    "launch": ("程序启动", "Launch of the procedure"),
    "triage": ("评估分流", "Assessment and triage"),
    "process": ("对话或调解", "Dialogue or mediation"),
    "termination": ("进程终结与结案报告", "Termination and closure report"),
    "monitoring": ("方案实施监测", "Monitoring of the agreement"),
})


class PhaseStatus(Labelled):
    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    ENDED_EARLY = "ended_early"
    NOT_UNDERTAKEN = "not_undertaken"
    NOT_YET = "not_yet"


_labels(PhaseStatus, {
    "completed": ("已完成", "Completed"),
    "in_progress": ("进行中", "In progress"),
    "ended_early": ("提前结束", "Ended early"),
    "not_undertaken": ("未进行", "Not undertaken"),
    "not_yet": ("尚未开始", "Not reached yet"),
})


class NotUndertaken(Labelled):
    """Why a phase was not undertaken: what ended the case before it (structured fields of the record)."""

    RESPONDENT_REFUSED = "respondent_refused"  # 第四章第一节第2条
    RESPONDENT_SILENT = "respondent_silent"    # deemed refusal after the second invitation
    DISMISSED = "dismissed"                    # 第六章第3条
    TERMINATED = "terminated"                  # 第四章第四节第2条, with the ground
    NO_AGREEMENT = "no_agreement"              # 第五章: terminated without an agreement to monitor


_labels(NotUndertaken, {
    "respondent_refused": ("相对方拒绝邀请，程序不予启动", "The respondent declined the invitation; the procedure was not launched"),
    "respondent_silent": ("相对方未答复邀请（视为拒绝），程序不予启动",
                          "The respondent did not answer the invitations (deemed refusal); the procedure was not launched"),
    "dismissed": ("申请因异议被驳回（恶意申请）", "The application was dismissed on an objection (bad faith)"),
    "terminated": ("进程已终结", "The process was terminated"),
    "no_agreement": ("进程终结时未签署问题解决方案，无需监测", "The process ended without an agreement to monitor"),
})

_PHASE_OF: dict[Stage, Phase] = {
    Stage.RECEIVED: Phase.FORMAL_REVIEW, Stage.ACCEPTED: Phase.INVITATION, Stage.INVITED: Phase.INVITATION,
    Stage.REINVITED: Phase.INVITATION, Stage.RESPONDENT_REFUSED: Phase.INVITATION,
    Stage.RESPONDENT_ACCEPTED: Phase.LAUNCH, Stage.LAUNCH_NOTICE_SENT: Phase.LAUNCH,
    Stage.LAUNCHED: Phase.TRIAGE, Stage.TRIAGE: Phase.TRIAGE, **{stage: Phase.PROCESS for stage in PATH_STAGES},
    Stage.TERMINATED: Phase.TERMINATION, Stage.MONITORING: Phase.MONITORING,
}  # the other stages (rejected, not launched, dismissed, closed) end a case: they belong to no phase


@dataclass(frozen=True)
class PhaseLine:
    """One phase of a registered case as the public sees it."""

    phase: Phase
    status: PhaseStatus
    started_on: date | None
    ended_on: date | None
    reason: NotUndertaken | None = None
    ground: TerminationGround | None = None  # with TERMINATED and NO_AGREEMENT: which of the four

    def as_json(self) -> dict[str, Any]:
        return {"phase": self.phase.value, "status": self.status.value,
                "started_on": self.started_on.isoformat() if self.started_on else None,
                "ended_on": self.ended_on.isoformat() if self.ended_on else None,
                "not_undertaken_because": self.reason.value if self.reason else None,
                "termination_ground": self.ground.value if self.ground else None}


def _why_not(phase: Phase, stage: Stage, ground: TerminationGround | None,
             deemed_refusal: bool) -> tuple[NotUndertaken, TerminationGround | None] | None:
    """Why `phase` was not undertaken in a case now at `stage`, or None when it may still come."""
    if stage is Stage.DISMISSED:
        return NotUndertaken.DISMISSED, None
    if stage in (Stage.NOT_LAUNCHED, Stage.RESPONDENT_REFUSED):
        return (NotUndertaken.RESPONDENT_SILENT if deemed_refusal else NotUndertaken.RESPONDENT_REFUSED), None
    if ground is None:
        return None
    if phase is Phase.MONITORING:
        return None if ground is TerminationGround.AGREEMENT_SIGNED else (NotUndertaken.NO_AGREEMENT, ground)
    if phase is Phase.TERMINATION:
        return None
    return NotUndertaken.TERMINATED, ground


def phases(spans: Sequence[StageSpan], stage: Stage, ground: TerminationGround | None,
           deemed_refusal: bool) -> tuple[PhaseLine, ...]:
    """Every phase of the procedure for a case whose stages are `spans` (oldest first) and which now stands
    at `stage`, terminated on `ground` if it was, its respondent's refusal deemed or not."""
    lines = []
    for phase in Phase:
        mine = [i for i, span in enumerate(spans) if _PHASE_OF.get(span.stage) is phase]
        if not mine:
            why = _why_not(phase, stage, ground, deemed_refusal)
            reached_later = any(_order(span.stage) > _order_of(phase) for span in spans)
            if why is not None or reached_later:
                reason, which = why if why is not None else (None, None)
                lines.append(PhaseLine(phase, PhaseStatus.NOT_UNDERTAKEN, None, None, reason, which))
            else:
                lines.append(PhaseLine(phase, PhaseStatus.NOT_YET, None, None))
            continue
        first, last = spans[mine[0]], spans[mine[-1]]
        if last.ended_on is None:
            lines.append(PhaseLine(phase, PhaseStatus.IN_PROGRESS, first.started_on, None))
            continue
        after = spans[mine[-1] + 1] if mine[-1] + 1 < len(spans) else None
        cut = after is not None and after.stage is Stage.DISMISSED
        lines.append(PhaseLine(phase, PhaseStatus.ENDED_EARLY if cut else PhaseStatus.COMPLETED, first.started_on,
                               last.ended_on, NotUndertaken.DISMISSED if cut else None))
    return tuple(lines)


_ORDER = list(Phase)


def _order_of(phase: Phase) -> int:
    return _ORDER.index(phase)


def _order(stage: Stage) -> int:
    """The place of a stage among the phases (a closing stage after them all; a dismissal before none)."""
    phase = _PHASE_OF.get(stage)
    if phase is not None:
        return _order_of(phase)
    return len(_ORDER) if stage is Stage.CLOSED else -1
