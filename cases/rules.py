"""The time limits of the procedure (PROCEDURE.md §3), each by its rule id.

Texts and clause references follow the Chinese source
(shared/seed/mechanism-procedure-zh.txt), which prevails over any translation.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Mapping


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    CALENDAR_DAYS = "calendar_days"


class Actor(StrEnum):
    SECRETARIAT = "secretariat"
    RESPONDENT = "respondent"
    BOTH_SIDES = "both_sides"
    PANEL = "panel"
    EXTERNAL_MEDIATOR = "external_mediator"
    FACT_FINDING_TEAM = "fact_finding_team"
    ASSESSMENT_BODY = "assessment_body"


_UNIT_EN: dict[Unit, tuple[str, str]] = {  # singular, plural
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.MONTHS: ("month", "months"),
    Unit.CALENDAR_DAYS: ("day", "days"),
}
# The source writes "10 个工作日", "1 个月", "30 日".
_UNIT_ZH: dict[Unit, str] = {Unit.WORKING_DAYS: "个工作日", Unit.MONTHS: "个月", Unit.CALENDAR_DAYS: "日"}


@dataclass(frozen=True)
class Limit:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 1:
            raise ValueError(f"a time limit must be a whole number of at least 1, got {self.amount!r}")

    @property
    def basis_en(self) -> str:
        singular, plural = _UNIT_EN[self.unit]
        return f"{self.amount} {singular if self.amount == 1 else plural}"

    @property
    def basis_zh(self) -> str:
        return f"{self.amount}{_UNIT_ZH[self.unit]}"


@dataclass(frozen=True)
class Rule:
    id: str
    limit: Limit
    actor: Actor
    what_zh: str
    what_en: str
    counted_from_zh: str
    counted_from_en: str
    clause: str


def _wd(amount: int) -> Limit:
    return Limit(amount, Unit.WORKING_DAYS)


def _months(amount: int) -> Limit:
    return Limit(amount, Unit.MONTHS)


_ALL: tuple[Rule, ...] = (
    Rule(
        id="formal_review", limit=_wd(10), actor=Actor.SECRETARIAT,
        what_zh="对申请进行形式审查，并向申请方发出受理或驳回申请的书面决定",
        what_en="review the application for form and send the applicant a written decision to accept or reject it",
        counted_from_zh="收到申请之日", counted_from_en="receipt of the application",
        clause="第三章第3.2条",
    ),
    Rule(
        id="invitation", limit=_wd(10), actor=Actor.SECRETARIAT,
        what_zh="向相对方发出书面《调解磋商邀请》",
        what_en="send the written Invitation to Mediation and Consultation to the respondent",
        counted_from_zh="受理申请之日", counted_from_en="acceptance of the application",
        clause="第四章第一节第1条",
    ),
    Rule(
        id="invitation_response", limit=_wd(20), actor=Actor.RESPONDENT,
        what_zh="书面告知秘书处是否接受邀请",
        what_en="tell the secretariat in writing whether it accepts the invitation",
        counted_from_zh="邀请送达之日", counted_from_en="delivery of the invitation",
        clause="第四章第一节第1条",
    ),
    Rule(
        id="second_invitation", limit=_wd(5), actor=Actor.SECRETARIAT,
        what_zh="相对方未在规定的期限内书面告知是否接受邀请的，再次向相对方发出书面《调解磋商邀请》",
        what_en="send the respondent a second written invitation when it has not answered in time",
        counted_from_zh="邀请答复期限届满之日",
        counted_from_en="lapse of the time limit for answering the invitation",
        clause="第四章第一节第1.2条",
    ),
    Rule(
        id="second_invitation_response", limit=_wd(10), actor=Actor.RESPONDENT,
        what_zh="对再次邀请作出书面反馈；逾期仍未反馈的，视为拒绝邀请",
        what_en="answer the second invitation in writing; silence counts as refusal",
        counted_from_zh="再次邀请送达之日", counted_from_en="delivery of the second invitation",
        clause="第四章第一节第1.2条",
    ),
    Rule(
        id="launch_notice", limit=_wd(10), actor=Actor.SECRETARIAT,
        what_zh="向双方发出《调解磋商程序启动通知》",
        what_en="send the Notice of Launch of the Procedure to both sides",
        counted_from_zh="收到相对方接受邀请的书面告知之日",
        counted_from_en="receipt of the respondent's written acceptance",
        clause="第四章第一节第1.1条",
    ),
    Rule(
        id="non_launch_notice", limit=_wd(10), actor=Actor.SECRETARIAT,
        what_zh="向申请方书面发出《调解磋商程序不予启动通知》",
        what_en="send the applicant the written Notice of Non-Launch of the Procedure",
        counted_from_zh="相对方拒绝邀请或视为拒绝邀请之日",
        counted_from_en="the respondent's refusal, or deemed refusal",
        clause="第四章第一节第1.2条",
    ),
    Rule(
        id="triage", limit=_wd(15), actor=Actor.SECRETARIAT,
        what_zh="进行初步评估，为双方作出处理路径选择及工具调用提出建议",
        what_en="make a preliminary assessment and recommend a path and tools to both sides",
        counted_from_zh="《调解磋商程序启动通知》送达之日（程序正式启动之日）",
        counted_from_en="delivery of the launch notice to both sides, the day the procedure starts",
        clause="第四章第一节第2条",
    ),
    # The source gives the path periods "in principle" (原则上) and does not say
    # from when they run; the start of the path is the digest's reading.
    Rule(
        id="bilateral_dialogue", limit=_months(1), actor=Actor.BOTH_SIDES,
        what_zh="进行双边对话（期限原则上为1个月，经参与方申请，秘书处可以决定适当延长）",
        what_en="hold the bilateral dialogue (in principle 1 month; the secretariat may extend it at a side's request)",
        counted_from_zh="双边对话路径启动之日", counted_from_en="start of the bilateral-dialogue path",
        clause="第四章第二节第1条",
    ),
    Rule(
        id="internal_mediation", limit=_months(3), actor=Actor.PANEL,
        what_zh="平台内部调解组进行调解（期限原则上为3个月，经参与方申请，秘书处可以决定适当延长）",
        what_en="mediate by the internal mediation panel (in principle 3 months; the secretariat may extend it at a side's request)",
        counted_from_zh="平台内部调解路径启动之日", counted_from_en="start of the internal-mediation path",
        clause="第四章第二节第2条",
    ),
    Rule(
        id="external_mediation", limit=_months(6), actor=Actor.EXTERNAL_MEDIATOR,
        what_zh="外部专家调解员/组进行调解（期限原则上为6个月，经参与方申请，秘书处可以决定适当延长）",
        what_en="mediate by the external expert mediator or panel (in principle 6 months; the secretariat may extend it at a side's request)",
        counted_from_zh="外部专家调解路径启动之日", counted_from_en="start of the external-mediation path",
        clause="第四章第二节第3条",
    ),
    Rule(
        id="fact_finding", limit=_months(3), actor=Actor.FACT_FINDING_TEAM,
        what_zh="完成事实调查（原则上3个月内完成）",
        what_en="complete the fact-finding (in principle within 3 months)",
        counted_from_zh="事实调查启动之日", counted_from_en="start of the fact-finding",
        clause="第四章第三节第1.2条",
    ),
    Rule(
        id="assessment_verification", limit=_months(3), actor=Actor.ASSESSMENT_BODY,
        what_zh="完成评估验证（原则上3个月内完成）",
        what_en="complete the assessment and verification (in principle within 3 months)",
        counted_from_zh="评估验证启动之日", counted_from_en="start of the assessment and verification",
        clause="第四章第三节第2条",
    ),
    Rule(
        id="confidentiality_decision", limit=_wd(3), actor=Actor.SECRETARIAT,
        what_zh="就是否采取保密措施、保密的具体信息内容、保密的对象范围及期限，向提出保密申请的一方作出书面决定",
        what_en="give the requesting side a written decision on whether, what, from whom and for how long information is kept confidential",
        counted_from_zh="收到保密申请之日", counted_from_en="receipt of the confidentiality request",
        clause="第六章第2.2条",
    ),
    Rule(
        id="objection_decision", limit=Limit(30, Unit.CALENDAR_DAYS), actor=Actor.SECRETARIAT,
        what_zh="进行内部调查评估，作出异议处理决定",
        what_en="investigate internally and decide on the objection",
        counted_from_zh="收到异议之日", counted_from_en="receipt of the objection",
        clause="第六章第3.3条",
    ),
    Rule(
        id="recusal_decision", limit=_wd(5), actor=Actor.SECRETARIAT,
        what_zh="作出是否回避的决定（各方不得就该决定申请复议）",
        what_en="decide whether the expert or body is recused (no appeal)",
        counted_from_zh="收到书面回避申请之日", counted_from_en="receipt of the written recusal request",
        clause="第六章第6.1条",
    ),
)

RULES: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in _ALL})


class UnknownRuleError(ValueError):
    def __init__(self, rule_id: str) -> None:
        super().__init__(f"unknown rule {rule_id!r}; valid rules: {', '.join(RULES)}")
        self.rule_id = rule_id


def get_rule(rule_id: str) -> Rule:
    try:
        return RULES[rule_id]
    except KeyError:
        raise UnknownRuleError(rule_id) from None
