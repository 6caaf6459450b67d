"""Every kind of event the audit chain records, with its sentence in Chinese and English.

The timeline of a case (`cases.views.timeline`, the console, the demo) tells each event in the
reader's language. A new act that audits an event it has no sentence for would show a bare id, so the
table is checked complete at import, like the vocabulary's labels: every member of `AuditAction` has
both phrases, and every action of the procedure engine (`cases.procedure.core.Action`) is a member.
"""
from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    FILE_APPLICATION = "file_application"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECORD_SUPPLEMENT = "record_supplement"
    ACCEPT = "accept"
    REJECT = "reject"
    SEND_INVITATION = "send_invitation"
    INVITATION_LAPSED = "invitation_lapsed"
    SEND_SECOND_INVITATION = "send_second_invitation"
    DEEMED_REFUSAL = "deemed_refusal"
    RECORD_RESPONSE = "record_response"
    SEND_LAUNCH_NOTICE = "send_launch_notice"
    PROCEDURE_LAUNCHED = "procedure_launched"
    SEND_NON_LAUNCH_NOTICE = "send_non_launch_notice"
    RECORD_DELIVERY = "record_delivery"
    RECOMMEND_TRIAGE = "recommend_triage"
    AGREE_PATH = "agree_path"
    SWITCH_PATH = "switch_path"
    EXTEND = "extend"
    START_TOOL = "start_tool"
    COMPLETE_TOOL = "complete_tool"
    APPOINT = "appoint"
    ADD_AGENT = "add_agent"
    ADD_REPRESENTATIVE = "add_representative"
    REQUEST_CONFIDENTIALITY = "request_confidentiality"
    DECIDE_CONFIDENTIALITY = "decide_confidentiality"
    RAISE_OBJECTION = "raise_objection"
    DECIDE_OBJECTION = "decide_objection"
    DISMISS_APPLICATION = "dismiss_application"
    REQUEST_RECUSAL = "request_recusal"
    DECIDE_RECUSAL = "decide_recusal"
    ASSESS_RISK = "assess_risk"
    DRAFT_AGREEMENT = "draft_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    TERMINATE = "terminate"
    ISSUE_CLOSURE_REPORT = "issue_closure_report"
    RECORD_MONITORING_UPDATE = "record_monitoring_update"
    RECORD_INQUIRY = "record_inquiry"
    REPORT_PROGRESS = "report_progress"
    ANSWER_INQUIRY = "answer_inquiry"
    CLOSE_MONITORING = "close_monitoring"
    PUBLISH_SUMMARY = "publish_summary"
    ENROL_SIGNER = "enrol_signer"
    SEAL_DOCUMENT = "seal_document"
    SIGN_DOCUMENT = "sign_document"
    FREEZE_DOCUMENT = "freeze_document"
    APPEND_MONITORING_UPDATE = "append_monitoring_update"
    REVOKE_CERTIFICATE = "revoke_certificate"
    ADD_RESOURCE = "add_resource"
    IMPORT_SIGNER = "import_signer"
    ISSUE_CONTINUATION = "issue_continuation"
    REISSUE_DOCUMENT = "reissue_document"
    DELIVER_DOCUMENT = "deliver_document"
    TRUST_ROOT = "trust_root"
    IMPORT_CRL = "import_crl"
    DEADLINE_RECOUNTED = "deadline_recounted"
    PASSPHRASE_REFUSED = "passphrase_refused"
    ACCOUNT_ADDED = "account_added"
    ACCOUNT_TIED = "account_tied"
    ACCOUNT_DISABLED = "account_disabled"
    PASSWORD_SET = "password_set"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_REFUSED_RATE = "login_refused_rate"
    LOGOUT = "logout"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    API_TOKEN_ISSUED = "api_token_issued"
    INVITATION_SENT = "invitation_sent"
    INVITATION_ACCEPTED = "invitation_accepted"
    CONFIDENTIALITY_RELEASED = "confidentiality_released"
    TRANSLATION_ADDED = "translation_added"
    PARTY_CONSENT = "party_consent"
    ENROL_IN_BROWSER = "enrol_in_browser"
    CONFIRM_READ_AND_SEND_CODE = "confirm_read_and_send_code"
    SIGN_METHOD = "sign_method"
    DECLINE_SIGNATURE = "decline_signature"
    REDRAFT_AFTER_DECLINE = "redraft_after_decline"


# (zh, en) per action; `{name}` fields come from the event's detail (see cases.views.describe).
PHRASES: dict[AuditAction, tuple[str, str]] = {
    AuditAction.FILE_APPLICATION: ("收到申请，登记为{number}",
        "Application received and registered as {number}"),
    AuditAction.REQUEST_SUPPLEMENT: ("向申请方发出补充材料通知：{items}",
        "Request for supplementary materials sent: {items}"),
    AuditAction.RECORD_SUPPLEMENT: ("收到补充材料",
        "Supplementary materials received"),
    AuditAction.ACCEPT: ("作出受理决定",
        "Decision to accept the application"),
    AuditAction.REJECT: ("作出驳回决定：{grounds}",
        "Decision to reject the application: {grounds}"),
    AuditAction.SEND_INVITATION: ("向相对方发出调解磋商邀请",
        "Invitation sent to the respondent"),
    AuditAction.INVITATION_LAPSED: ("相对方未在期限内答复；应于{second_invitation_due}前再次发出邀请",
        "The respondent did not answer in time; second invitation due by {second_invitation_due}"),
    AuditAction.SEND_SECOND_INVITATION: ("再次向相对方发出调解磋商邀请",
        "Second invitation sent to the respondent"),
    AuditAction.DEEMED_REFUSAL: ("相对方未答复再次邀请，视为拒绝邀请",
        "No answer to the second invitation: deemed refusal"),
    AuditAction.RECORD_RESPONSE: ("收到相对方书面答复（是否接受：{accepts}）",
        "Respondent's answer recorded (accepts: {accepts})"),
    AuditAction.SEND_LAUNCH_NOTICE: ("向双方发出调解磋商程序启动通知",
        "Notice of launch sent to both sides"),
    AuditAction.PROCEDURE_LAUNCHED: ("启动通知送达双方，调解磋商程序正式启动",
        "Launch notice delivered to both sides: the procedure starts"),
    AuditAction.SEND_NON_LAUNCH_NOTICE: ("向申请方发出程序不予启动通知",
        "Notice of non-launch sent to the applicant"),
    AuditAction.RECORD_DELIVERY: ("《{instrument}》送达{addressee}",
        "{instrument} delivered to {addressee}"),
    AuditAction.RECOMMEND_TRIAGE: ("提出评估分流建议：{path}",
        "Assessment and triage recommendation: {path}"),
    AuditAction.AGREE_PATH: ("双方协商一致选择处理路径：{path}",
        "Both sides agreed on the path: {path}"),
    AuditAction.SWITCH_PATH: ("应{requested_by}申请，处理路径由{from_path}转换为{to_path}",
        "Path switched from {from_path} to {to_path} at the {requested_by}'s request"),
    AuditAction.EXTEND: ("应{requested_by}申请，{rule}期限延长{amount}{unit}，至{new_due}",
        "{rule} extended by {amount} {unit} at the {requested_by}'s request, now due {new_due}"),
    AuditAction.START_TOOL: ("应{requested_by}申请启用{kind}",
        "{kind} started at the {requested_by}'s request"),
    AuditAction.COMPLETE_TOOL: ("{kind}完成",
        "{kind} completed"),
    AuditAction.APPOINT: ("任命{resource}为{role}",
        "{resource} appointed as {role}"),
    AuditAction.ADD_AGENT: ("{side}委托代理人{name}",
        "Agent {name} authorised by the {side}"),
    AuditAction.ADD_REPRESENTATIVE: ("{side}推选代表人{name}",
        "Representative {name} elected by the {side}"),
    AuditAction.REQUEST_CONFIDENTIALITY: ("收到{requested_by}的保密申请",
        "Confidentiality request received from the {requested_by}"),
    AuditAction.DECIDE_CONFIDENTIALITY: ("作出保密决定（是否同意：{granted}）",
        "Confidentiality decision (granted: {granted})"),
    AuditAction.RAISE_OBJECTION: ("{raised_by}提出异议（{ground}）",
        "Objection raised by the {raised_by} ({ground})"),
    AuditAction.DECIDE_OBJECTION: ("对第{objection}号异议作出处理决定：{outcome}",
        "Decision on objection {objection}: {outcome}"),
    AuditAction.DISMISS_APPLICATION: ("驳回恶意提出的申请",
        "Application dismissed as made in bad faith"),
    AuditAction.REQUEST_RECUSAL: ("{raised_by}申请{appointee}回避",
        "Recusal of {appointee} requested by the {raised_by}"),
    AuditAction.DECIDE_RECUSAL: ("对第{request}号回避申请作出决定（是否回避：{recused}）",
        "Decision on recusal request {request} (recused: {recused})"),
    AuditAction.ASSESS_RISK: ("评估{side}面临的报复风险：{level}",
        "Retaliation risk assessed for the {side}: {level}"),
    AuditAction.DRAFT_AGREEMENT: ("形成问题解决方案草案（{obligations}项义务）",
        "Agreement drafted with {obligations} obligation(s)"),
    AuditAction.SIGN_AGREEMENT: ("双方共同签署问题解决方案",
        "Agreement co-signed by both sides"),
    AuditAction.TERMINATE: ("调解磋商进程终结：{ground}",
        "Procedure terminated: {ground}"),
    AuditAction.ISSUE_CLOSURE_REPORT: ("发出结案报告",
        "Closure report issued"),
    AuditAction.RECORD_MONITORING_UPDATE: ("{monitor}监测：第{obligation}项义务{status}",
        "Monitoring update by {monitor}: obligation {obligation} {status}"),
    AuditAction.RECORD_INQUIRY: ("义务相对方就第{obligation}项义务问询进度",
        "Obligee's inquiry about obligation {obligation}"),
    AuditAction.REPORT_PROGRESS: ("义务承担方报告第{obligation}项义务的履行进展",
        "Obligor's progress report on obligation {obligation}"),
    AuditAction.ANSWER_INQUIRY: ("秘书处答复第{obligation}项义务的进度问询",
        "Secretariat's answer to the inquiry about obligation {obligation}"),
    AuditAction.CLOSE_MONITORING: ("监测结束",
        "Monitoring closed"),
    AuditAction.PUBLISH_SUMMARY: ("公开个案信息披露摘要",
        "Public case summary published"),
    AuditAction.ENROL_SIGNER: ("向{name}（{side}）签发签名证书",
        "Signing certificate issued to {name} ({role}, {side})"),
    AuditAction.SEAL_DOCUMENT: ("秘书处对《{instrument}》（{edition}）加盖电子印章",
        "{instrument} ({edition}) sealed by the secretariat"),
    AuditAction.SIGN_DOCUMENT: ("《{instrument}》（{edition}）在{field}签名",
        "{instrument} ({edition}) signed in field {field}"),
    AuditAction.FREEZE_DOCUMENT: ("《{instrument}》（{edition}）全部签署完毕并固化",
        "{instrument} ({edition}) frozen with all signatures"),
    AuditAction.APPEND_MONITORING_UPDATE: ("监测更新追加至《{instrument}》（{edition}）",
        "Monitoring update appended to the {instrument} ({edition})"),
    AuditAction.REVOKE_CERTIFICATE: ("撤销{person}的签名证书（{reason}）",
        "Signing certificate of {person} revoked ({reason})"),
    AuditAction.ADD_RESOURCE: ("{kind}名册增加{name}",
        "{name} added to the roster of {kind}"),
    AuditAction.IMPORT_SIGNER: ("接受{name}（{side}）自有的签名证书",
        "Own signing certificate of {name} accepted ({role}, {side})"),
    AuditAction.ISSUE_CONTINUATION: ("发出结案报告续页（第{number}号）",
        "Continuation closure report number {number} issued"),
    AuditAction.REISSUE_DOCUMENT: ("《{instrument}》（{edition}）因签署人证书被撤销而重新签发",
        "{instrument} ({edition}) re-issued: a signer's certificate was revoked"),
    AuditAction.DELIVER_DOCUMENT: ("向{side}送达《{instrument}》（{edition}）：其受众版本的盖章文本",
        "{instrument} ({edition}) delivered to the {side} as the sealed rendering for its audience"),
    AuditAction.TRUST_ROOT: ("秘书处接受外部证书机构为信任根",
        "An external certificate authority accepted as a trust root"),
    AuditAction.IMPORT_CRL: ("导入{issuer}的证书撤销列表",
        "Certificate revocation list of {issuer} imported"),
    AuditAction.DEADLINE_RECOUNTED: ("工作日历变更，“{rule}”的期限由{previous_due}调整为{due}",
        "Working calendar changed: {rule} now due {due} (was {previous_due})"),
    AuditAction.PASSPHRASE_REFUSED: ("{person}的签名口令错误，已拒绝",
        "Wrong signing passphrase for {person}: refused"),
    AuditAction.ACCOUNT_ADDED: ("新增账户{account}（{role}）",
        "Account {account} added ({role})"),
    AuditAction.ACCOUNT_TIED: ("账户{account}关联至本案{side}",
        "Account {account} tied to the {side} of the case"),
    AuditAction.ACCOUNT_DISABLED: ("停用账户{account}",
        "Account {account} disabled"),
    AuditAction.PASSWORD_SET: ("账户{account}设置登录密码",
        "Password set for account {account}"),
    AuditAction.INVITATION_SENT: ("向{account}发送账户邀请（{role}）",
        "Invitation sent to {account} ({role})"),
    AuditAction.INVITATION_ACCEPTED: ("{account}接受邀请并设置登录密码",
        "{account} accepted the invitation and set a password"),
    AuditAction.LOGIN: ("账户{account}登录",
        "Account {account} signed in"),
    AuditAction.LOGIN_FAILED: ("账户{account}登录失败（密码错误）",
        "Failed sign-in for account {account} (wrong password)"),
    AuditAction.LOGIN_REFUSED_RATE: ("账户{account}登录尝试过于频繁，已拒绝",
        "Sign-in for account {account} refused: too many attempts"),
    AuditAction.LOGOUT: ("账户退出登录",
        "Signed out"),
    AuditAction.SECOND_FACTOR_ENROLLED: ("账户{account}启用动态验证码",
        "Authenticator app enrolled for account {account}"),
    AuditAction.SECOND_FACTOR_FAILED: ("动态验证码错误",
        "Wrong authenticator code"),
    AuditAction.API_TOKEN_ISSUED: ("为账户{account}签发接口令牌",
        "API token issued to account {account}"),
    AuditAction.CONFIDENTIALITY_RELEASED: ("保密决定{reference_zh}期限届满（{until_zh}），相关信息解除保密",
        "Confidentiality decision {reference} ran its course ({until_en}): the items are released"),
    AuditAction.TRANSLATION_ADDED: ("{item_zh}增加{language_zh}译文",
        "{language_en} translation recorded for {item_en}"),
    AuditAction.PARTY_CONSENT: ("{side}在当事方门户表示同意：{what_zh}",
        "The {side} consented through the party portal: {what_en}"),
    AuditAction.ENROL_IN_BROWSER: ("{account}在网页登记为{side}签署人（{role}）",
        "{account} enrolled in the browser to sign for the {side} ({role})"),
    AuditAction.CONFIRM_READ_AND_SEND_CODE: ("签署人{person}确认已阅读第{revision}版文书全部页面，验证码已发送",
        "Signatory {person} confirmed reading every page of revision {revision}; a code was mailed"),
    AuditAction.SIGN_METHOD: ("签署人{person}以签名口令和电子邮件验证码签署",
        "Signatory {person} signed with the signing passphrase and an email code"),
    AuditAction.DECLINE_SIGNATURE: ("{name}拒绝签署第{revision}版文书，理由：{reason}",
        "{name} declined to sign revision {revision}: {reason}"),
    AuditAction.REDRAFT_AFTER_DECLINE: ("签署人拒绝签署后，《{instrument}》（{edition}）重新签发为第{version}版",
        "{instrument} ({edition}) issued again as version {version} after a signatory declined"),
}


def _check_complete() -> None:
    missing = [action.value for action in AuditAction if action not in PHRASES]
    if missing:
        raise AssertionError(f"audit actions without their zh and en phrases: {', '.join(missing)}")
    empty = [action.value for action, pair in PHRASES.items() if not all(pair)]
    if empty:
        raise AssertionError(f"audit actions with an empty phrase: {', '.join(empty)}")


_check_complete()


def phrase(action: str, lang: str) -> str | None:
    """The sentence pattern of `action` in `lang` ("zh" or "en"), or None for an unknown action."""
    try:
        zh, en = PHRASES[AuditAction(action)]
    except ValueError:
        return None
    return zh if lang == "zh" else en
