"""The formal instruments of PROCEDURE.md §4: ids, names, who signs."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class Signatory(StrEnum):
    SECRETARIAT = "secretariat"        # sealed by the secretariat
    CO_SIGNED = "co_signed"            # both sides sign; the secretariat certifies
    APPLICANT = "applicant"
    APPOINTING_SIDE = "appointing_side"
    REQUESTING_SIDE = "requesting_side"
    SECRETARIAT_AND_MONITORS = "secretariat_and_monitors"


@dataclass(frozen=True)
class Instrument:
    id: str
    zh: str
    en: str
    signatory: Signatory

    @property
    def issued_by_secretariat(self) -> bool:
        return self.signatory in (Signatory.SECRETARIAT, Signatory.CO_SIGNED, Signatory.SECRETARIAT_AND_MONITORS)

    @property
    def co_signed(self) -> bool:
        return self.signatory is Signatory.CO_SIGNED


_S = Signatory
_ALL = (
    Instrument("application_form", "调解磋商申请表", "Application for Mediation and Consultation", _S.APPLICANT),
    Instrument("power_of_attorney", "授权委托书", "Power of Attorney", _S.APPOINTING_SIDE),
    Instrument("supplement_request", "补充材料通知", "Request for Supplementary Materials", _S.SECRETARIAT),
    Instrument("acceptance_decision", "受理决定书", "Decision to Accept the Application", _S.SECRETARIAT),
    Instrument("rejection_decision", "驳回决定书", "Decision to Reject the Application", _S.SECRETARIAT),
    Instrument("invitation", "调解磋商邀请", "Invitation to Mediation and Consultation", _S.SECRETARIAT),
    Instrument("second_invitation", "调解磋商邀请（再次）", "Second Invitation", _S.SECRETARIAT),
    Instrument("launch_notice", "调解磋商程序启动通知", "Notice of Launch of the Procedure", _S.SECRETARIAT),
    Instrument("non_launch_notice", "调解磋商程序不予启动通知", "Notice of Non-Launch of the Procedure",
               _S.SECRETARIAT),
    Instrument("triage_recommendation", "评估分流建议书", "Assessment and Triage Recommendation", _S.SECRETARIAT),
    Instrument("triage_record", "案件分流确认书", "Record of the Agreed Path and Tools", _S.CO_SIGNED),
    Instrument("path_switch_decision", "路径转换决定书", "Decision on Change of Path", _S.SECRETARIAT),
    Instrument("extension_decision", "期限延长决定书", "Decision on Extension of Time", _S.SECRETARIAT),
    Instrument("appointment_letter", "任命书", "Letter of Appointment", _S.SECRETARIAT),
    Instrument("fact_finding_terms", "事实调查范围确认书", "Fact-Finding Terms of Reference", _S.CO_SIGNED),
    Instrument("assessment_request", "评估验证申请书", "Request for Assessment and Verification", _S.REQUESTING_SIDE),
    Instrument("confidentiality_decision", "保密决定书", "Confidentiality Decision", _S.SECRETARIAT),
    Instrument("objection_decision", "异议处理决定书", "Decision on Objection", _S.SECRETARIAT),
    Instrument("recusal_decision", "回避决定书", "Decision on Recusal", _S.SECRETARIAT),
    Instrument("agreement", "问题解决方案", "Problem-Solving Agreement", _S.CO_SIGNED),
    Instrument("termination_notice", "进程终结通知", "Notice of Termination of the Procedure", _S.SECRETARIAT),
    Instrument("closure_report", "结案报告", "Closure Report", _S.SECRETARIAT_AND_MONITORS),
    Instrument("case_summary", "个案信息披露摘要", "Public Case Summary", _S.SECRETARIAT),
)

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType({i.id: i for i in _ALL})


def get_instrument(instrument_id: str) -> Instrument:
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise ValueError(f"unknown instrument {instrument_id!r}; valid: {', '.join(INSTRUMENTS)}") from None
