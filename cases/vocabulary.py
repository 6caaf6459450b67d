"""The procedure's fixed vocabulary: stages, roles, categories, paths, tools, grounds.

Values are stable identifiers stored in the database and used in JSON; labels are
for people, in Chinese (authoritative) and English.
"""
from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese and an English label."""

    @property
    def zh(self) -> str:
        return _LABELS[type(self)][self.value][0]

    @property
    def en(self) -> str:
        return _LABELS[type(self)][self.value][1]

    @classmethod
    def parse(cls, raw: str) -> "Labelled":
        try:
            return cls(raw)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown {cls.__name__} {raw!r}; valid: {valid}") from None


# Kept outside the classes: an attribute in an enum's body would be taken for a member.
_LABELS: dict[type[Labelled], dict[str, tuple[str, str]]] = {}


def _labels(cls: type[Labelled], table: dict[str, tuple[str, str]]) -> None:
    missing = {m.value for m in cls} - table.keys()
    if missing:
        raise AssertionError(f"{cls.__name__} lacks labels for {sorted(missing)}")
    _LABELS[cls] = table


class SideRole(Labelled):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"

    @property
    def other(self) -> "SideRole":
        return SideRole.RESPONDENT if self is SideRole.APPLICANT else SideRole.APPLICANT


_labels(SideRole, {"applicant": ("申请方", "Applicant"), "respondent": ("相对方", "Respondent")})


class SignerRole(Labelled):
    """How an enrolled person signs: for a side of a case (its representative, one of its members,
    or its agent), or as a monitor of the agreement's implementation (no case, no side)."""

    REPRESENTATIVE = "representative"
    MEMBER = "member"
    AGENT = "agent"
    MONITOR = "monitor"

    @property
    def signs_for_a_side(self) -> bool:
        return self is not SignerRole.MONITOR

    @property
    def certificate_role(self) -> str:
        """The role written in the person's certificate (signing.pki.Role): a member signs as a signatory."""
        return "signatory" if self is SignerRole.MEMBER else self.value


_labels(SignerRole, {"representative": ("代表人", "Representative"), "member": ("主体", "Member"),
                     "agent": ("代理人", "Agent"), "monitor": ("监测员", "Monitor")})


class PartyCategory(Labelled):
    """Party categories of PROCEDURE.md §1 (forms and disclosure)."""

    INDIVIDUAL = "individual"
    COMMUNITY = "community"
    COMPANY_MINING = "company_mining"
    COMPANY_SMELTING = "company_smelting"
    COMPANY_REFINING = "company_refining"
    COMPANY_PROCESSING = "company_processing"
    COMPANY_MANUFACTURING = "company_manufacturing"
    COMPANY_END_USER = "company_end_user"
    STANDARD_BODY = "standard_body"
    ASSESSOR = "assessor"
    NGO = "ngo"
    MEDIA = "media"
    PUBLIC = "public"


_labels(PartyCategory, {
    "individual": ("个人", "Individual"),
    "community": ("社区", "Community"),
    "company_mining": ("采矿企业", "Company (mining)"),
    "company_smelting": ("冶炼企业", "Company (smelting)"),
    "company_refining": ("精炼企业", "Company (refining)"),
    "company_processing": ("加工企业", "Company (processing)"),
    "company_manufacturing": ("制造企业", "Company (manufacturing)"),
    "company_end_user": ("终端企业", "Company (end user)"),
    "standard_body": ("标准机构", "Standard body"),
    "assessor": ("评估方", "Assessor"),
    "ngo": ("社会组织", "NGO / civil society"),
    "media": ("媒体", "Media"),
    "public": ("公众", "Public"),
})


class Stage(Labelled):
    RECEIVED = "received"                        # under formal review
    REJECTED = "rejected"
    ACCEPTED = "accepted"                        # invitation to be sent
    INVITED = "invited"                          # awaiting the respondent's answer
    REINVITED = "reinvited"                      # awaiting the answer to the second invitation
    RESPONDENT_ACCEPTED = "respondent_accepted"  # launch notice to be sent
    RESPONDENT_REFUSED = "respondent_refused"    # non-launch notice to be sent
    NOT_LAUNCHED = "not_launched"
    LAUNCH_NOTICE_SENT = "launch_notice_sent"    # procedure starts on delivery to both sides
    LAUNCHED = "launched"                        # triage recommendation due
    TRIAGE = "triage"                            # recommendation issued, sides choose a path
    BILATERAL_DIALOGUE = "bilateral_dialogue"
    INTERNAL_MEDIATION = "internal_mediation"
    EXTERNAL_MEDIATION = "external_mediation"
    TERMINATED = "terminated"                    # termination notice issued, closure report due
    MONITORING = "monitoring"                    # agreement being implemented
    CLOSED = "closed"
    DISMISSED = "dismissed"                      # bad-faith application dismissed on objection

    @property
    def is_final(self) -> bool:
        return self in FINAL_STAGES


_labels(Stage, {
    "received": ("形式审查", "Formal review"),
    "rejected": ("已驳回", "Rejected"),
    "accepted": ("已受理", "Accepted"),
    "invited": ("待相对方回复", "Awaiting the respondent's answer"),
    "reinvited": ("待相对方回复（再次邀请）", "Awaiting the answer to the second invitation"),
    "respondent_accepted": ("相对方已接受邀请", "Respondent accepted"),
    "respondent_refused": ("相对方拒绝邀请", "Respondent refused"),
    "not_launched": ("不予启动", "Not launched"),
    "launch_notice_sent": ("启动通知已发出", "Launch notice sent"),
    "launched": ("程序已启动", "Procedure launched"),
    "triage": ("评估分流", "Assessment and triage"),
    "bilateral_dialogue": ("双边对话", "Bilateral dialogue"),
    "internal_mediation": ("平台内部调解", "Internal mediation"),
    "external_mediation": ("外部专家调解", "External expert mediation"),
    "terminated": ("进程终结", "Terminated"),
    "monitoring": ("方案实施监测", "Monitoring"),
    "closed": ("已结案", "Closed"),
    "dismissed": ("申请被驳回（恶意申请）", "Dismissed (bad-faith application)"),
})

FINAL_STAGES = frozenset({Stage.REJECTED, Stage.NOT_LAUNCHED, Stage.CLOSED, Stage.DISMISSED})


class Path(Labelled):
    BILATERAL_DIALOGUE = "bilateral_dialogue"
    INTERNAL_MEDIATION = "internal_mediation"
    EXTERNAL_MEDIATION = "external_mediation"

    @property
    def stage(self) -> Stage:
        return Stage(self.value)

    @property
    def rule_id(self) -> str:
        return self.value


_labels(Path, {
    "bilateral_dialogue": ("双边对话", "Bilateral dialogue"),
    "internal_mediation": ("平台内部调解", "Internal mediation"),
    "external_mediation": ("外部专家调解", "External expert mediation"),
})

PATH_STAGES = frozenset(p.stage for p in Path)


class ToolKind(Labelled):
    FACT_FINDING = "fact_finding"
    ASSESSMENT = "assessment_verification"

    @property
    def rule_id(self) -> str:
        return self.value


_labels(ToolKind, {
    "fact_finding": ("事实调查", "Fact-finding"),
    "assessment_verification": ("评估验证", "Assessment and verification"),
})


class TerminationGround(Labelled):
    """Exactly the four grounds of the source, 第四章第四节第2条."""

    AGREEMENT_SIGNED = "agreement_signed"
    UNDERSTANDING_WITHOUT_AGREEMENT = "understanding_without_agreement"
    RESPONDENT_UNRESPONSIVE = "respondent_unresponsive"
    NO_UNDERSTANDING = "no_understanding"


_labels(TerminationGround, {
    "agreement_signed": ("双方达成谅解，共同签署问题解决方案",
                         "Both sides reached understanding and co-signed a problem-solving agreement"),
    "understanding_without_agreement": ("双方达成谅解，共同决定无需签署问题解决方案",
                                        "Both sides reached understanding and decided no agreement is needed"),
    "respondent_unresponsive": ("相对方拒不回应、无法取得联系或拒绝接受磋商邀请",
                                "The respondent did not respond, could not be reached, or refused the invitation"),
    "no_understanding": ("双方经过努力无法达成谅解，一方或双方明确表示不愿继续进程",
                         "No understanding could be reached and one or both sides declined to continue"),
})


class ResourceKind(Labelled):
    """Support-resource rosters (第二章第3条) plus the mechanism's internal experts."""

    INTERNAL_EXPERT = "internal_expert"
    EXPERT = "expert"
    FACT_FINDING_BODY = "fact_finding_body"
    ASSESSMENT_BODY = "assessment_body"


_labels(ResourceKind, {
    "internal_expert": ("本机制内部专家", "Internal expert"),
    "expert": ("专家网络成员", "Expert network member"),
    "fact_finding_body": ("事实调查机构", "Fact-finding body"),
    "assessment_body": ("评估验证机构", "Assessment and verification body"),
})


class ExpertGroup(Labelled):
    REGIONAL = "regional"
    THEMATIC = "thematic"
    DISPUTE_RESOLUTION = "dispute_resolution"


_labels(ExpertGroup, {
    "regional": ("区域专家组", "Regional group"),
    "thematic": ("议题专家组", "Thematic group"),
    "dispute_resolution": ("争议解决专家组", "Dispute-resolution group"),
})


class AppointmentRole(Labelled):
    INTERNAL_PANEL = "internal_panel"
    EXTERNAL_MEDIATOR = "external_mediator"
    FACT_FINDING = "fact_finding"
    ASSESSMENT = "assessment"

    @property
    def needs_consent(self) -> bool:
        """The secretariat designates its internal panel; everything from the rosters
        needs a side's request and both sides' consent (第二章第3.3条)."""
        return self is not AppointmentRole.INTERNAL_PANEL

    @property
    def resource_kinds(self) -> frozenset[ResourceKind]:
        return _ROLE_RESOURCES[self]


_labels(AppointmentRole, {
    "internal_panel": ("平台内部调解组成员", "Member of the internal mediation panel"),
    "external_mediator": ("外部专家调解员", "External expert mediator"),
    "fact_finding": ("事实调查组", "Fact-finding team"),
    "assessment": ("评估验证机构", "Assessment and verification body"),
})

_ROLE_RESOURCES: dict[AppointmentRole, frozenset[ResourceKind]] = {
    AppointmentRole.INTERNAL_PANEL: frozenset({ResourceKind.INTERNAL_EXPERT}),
    AppointmentRole.EXTERNAL_MEDIATOR: frozenset({ResourceKind.EXPERT}),
    AppointmentRole.FACT_FINDING: frozenset({ResourceKind.EXPERT, ResourceKind.FACT_FINDING_BODY}),
    AppointmentRole.ASSESSMENT: frozenset({ResourceKind.ASSESSMENT_BODY}),
}


class ConfidentialityAudience(Labelled):
    OTHER_SIDE = "other_side"
    EXPERTS_AND_BODIES = "experts_and_bodies"
    THIRD_PARTIES_AND_PUBLIC = "third_parties_and_public"


_labels(ConfidentialityAudience, {
    "other_side": ("对相对人保密", "the other side"),
    "experts_and_bodies": ("对参与磋商的专家或机构保密", "experts and bodies in the case"),
    "third_parties_and_public": ("对任何第三方及公众保密", "third parties and the public"),
})


class ObjectionGround(Labelled):
    BAD_FAITH = "bad_faith"
    MISCONDUCT_OR_CONFLICT = "misconduct_or_conflict"
    FORGED_EVIDENCE = "forged_evidence"
    BREACH_OF_AGREEMENT = "breach_of_agreement"
    OTHER = "other"


_labels(ObjectionGround, {
    "bad_faith": ("违背诚信原则，恶意提出申请或拖延履行义务", "Bad faith (abusive application, evasion or delay)"),
    "misconduct_or_conflict": ("专家、机构或工作人员不当行为或利益关联",
                               "Misconduct or conflict of an expert, body or staff member"),
    "forged_evidence": ("伪造证据材料、隐瞒重大事实", "Forged evidence or concealed material facts"),
    "breach_of_agreement": ("义务承担方违反问题解决方案约定", "Breach of the agreement by an obligor"),
    "other": ("其他损害公正处理的情形", "Other circumstances harming fair handling"),
})


class ObjectionOutcome(Labelled):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    DISMISSED = "dismissed"


_labels(ObjectionOutcome, {
    "upheld": ("异议成立", "Upheld"),
    "partly_upheld": ("异议部分成立", "Partly upheld"),
    "dismissed": ("异议不成立", "Not upheld"),
})


class ObjectionMeasure(Labelled):
    DISMISS_APPLICATION = "dismiss_application"
    REMOVE_APPOINTEE = "remove_appointee"
    VOID_AND_REDO = "void_and_redo"
    REMIND_OBLIGOR = "remind_obligor"


_labels(ObjectionMeasure, {
    "dismiss_application": ("驳回恶意提出的申请", "Dismiss the bad-faith application"),
    "remove_appointee": ("撤销相关专家、机构或工作人员参与案件处理的资格",
                         "Remove the expert, body or staff member from the case"),
    "void_and_redo": ("基于伪造证据或隐瞒事实作出的处理视为无效并重新作出",
                      "Void and redo acts based on forged evidence or concealed facts"),
    "remind_obligor": ("对义务承担方进行提醒、建议和督促", "Remind, advise and urge the obligor"),
})


class ObligationStatus(Labelled):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DELAYED = "delayed"
    FULFILLED = "fulfilled"


_labels(ObligationStatus, {
    "not_started": ("尚未开始", "Not started"),
    "in_progress": ("正在履行", "In progress"),
    "delayed": ("履行迟延", "Delayed"),
    "fulfilled": ("已履行", "Fulfilled"),
})


class Standard(Labelled):
    """Standards a dispute may invoke (第一章第2.2条)."""

    UNGP = "ungp"
    ILO_MNE = "ilo_mne"
    OECD_MNE = "oecd_mne"
    OECD_DDG_MINERALS = "oecd_ddg_minerals"
    CN_OUTBOUND_MINING_CSR = "cn_outbound_mining_csr"
    CN_MINERAL_DDG = "cn_mineral_ddg"
    COBALT_REFINERY_DD = "cobalt_refinery_dd"
    COBALT_ASM_ESG = "cobalt_asm_esg"
    OTHER = "other"


_labels(Standard, {
    "ungp": ("《联合国工商业与人权指导原则》", "UN Guiding Principles on Business and Human Rights"),
    "ilo_mne": ("《国际劳工组织关于多国企业和社会政策的三方宣言》", "ILO MNE Declaration"),
    "oecd_mne": ("《经合组织跨国企业准则》", "OECD Guidelines for Multinational Enterprises"),
    "oecd_ddg_minerals": ("《关于来自受冲突影响和高风险区域的矿石的负责任供应链尽职调查指南》",
                          "OECD Due Diligence Guidance for Responsible Supply Chains of Minerals "
                          "from Conflict-Affected and High-Risk Areas"),
    "cn_outbound_mining_csr": ("《中国对外矿业投资社会责任指引》",
                               "Guidelines for Social Responsibility in Outbound Mining Investments"),
    "cn_mineral_ddg": ("《中国矿产供应链尽责管理指南》",
                       "Chinese Due Diligence Guidelines for Responsible Mineral Supply Chains"),
    "cobalt_refinery_dd": ("《钴冶炼厂供应链尽责管理标准》", "Cobalt Refinery Supply Chain Due Diligence Standard"),
    "cobalt_asm_esg": ("《钴手采矿ESG管理框架》", "Cobalt Artisanal Mining ESG Management Framework"),
    "other": ("与上述标准一致的其他标准性文件", "Other consistent standard"),
})


class Channel(Labelled):
    EMAIL = "email"
    POST = "post"
    IN_PERSON = "in_person"
    PORTAL = "portal"


_labels(Channel, {
    "email": ("电子邮件", "Email"),
    "post": ("邮寄", "Post"),
    "in_person": ("现场递交", "In person"),
    "portal": ("当事方门户", "Party portal"),
})


class DeadlineOutcome(Labelled):
    """How a deadline was closed. Open deadlines have no outcome."""

    DONE = "done"            # the act was done (on time or late: compare closed_on and due_on)
    LAPSED = "lapsed"        # a party's time ran out without the act; the procedure moves on
    CANCELLED = "cancelled"  # no longer applies (e.g. the path was switched or the case ended)


_labels(DeadlineOutcome, {
    "done": ("已完成", "Done"),
    "lapsed": ("期满未答复", "Lapsed"),
    "cancelled": ("不再适用", "No longer applies"),
})


class DeadlineStatus(Labelled):
    PENDING = "pending"
    MET = "met"
    MISSED = "missed"
    OVERDUE = "overdue"
    LAPSED = "lapsed"
    CANCELLED = "cancelled"


_labels(DeadlineStatus, {
    "pending": ("进行中", "Pending"),
    "met": ("按期完成", "Met"),
    "missed": ("逾期完成", "Missed (done late)"),
    "overdue": ("已逾期", "Overdue"),
    "lapsed": ("期满未答复", "Lapsed"),
    "cancelled": ("不再适用", "No longer applies"),
})


class RiskLevel(Labelled):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_labels(RiskLevel, {"low": ("低", "Low"), "medium": ("中", "Medium"), "high": ("高", "High")})
