"""What the console calls each procedure action and each form field, marked for translation here
(lazy_gettext) so that message extraction finds them; the Chinese is in
web/translations/zh_Hans/LC_MESSAGES/console.po. The field names themselves come from the actions'
signatures and the import schema (casedocs.services.forms); tests/test_web_console.py fails for a
field without a label.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from cases.procedure import Action

ACTION_TITLES: dict[Action, Any] = {
    Action.REQUEST_SUPPLEMENT: _l("Request supplementary materials"),
    Action.RECORD_SUPPLEMENT: _l("Record supplementary materials received"),
    Action.ACCEPT: _l("Accept the application"),
    Action.REJECT: _l("Reject the application"),
    Action.SEND_INVITATION: _l("Send the invitation"),
    Action.SEND_SECOND_INVITATION: _l("Send the second invitation"),
    Action.RECORD_RESPONSE: _l("Record the respondent's answer"),
    Action.SEND_LAUNCH_NOTICE: _l("Send the launch notice"),
    Action.SEND_NON_LAUNCH_NOTICE: _l("Send the non-launch notice"),
    Action.RECORD_DELIVERY: _l("Record a delivery"),
    Action.RECOMMEND_TRIAGE: _l("Recommend a path (triage)"),
    Action.AGREE_PATH: _l("Record the path both sides agreed"),
    Action.SWITCH_PATH: _l("Switch the path"),
    Action.EXTEND: _l("Extend a time limit"),
    Action.START_TOOL: _l("Start fact-finding or an assessment"),
    Action.COMPLETE_TOOL: _l("Complete fact-finding or an assessment"),
    Action.APPOINT: _l("Appoint a mediator, expert or body"),
    Action.ADD_AGENT: _l("Add an agent"),
    Action.ADD_REPRESENTATIVE: _l("Add a representative"),
    Action.REQUEST_CONFIDENTIALITY: _l("Record a confidentiality request"),
    Action.DECIDE_CONFIDENTIALITY: _l("Decide a confidentiality request"),
    Action.RAISE_OBJECTION: _l("Record an objection"),
    Action.DECIDE_OBJECTION: _l("Decide an objection"),
    Action.REQUEST_RECUSAL: _l("Record a recusal request"),
    Action.DECIDE_RECUSAL: _l("Decide a recusal request"),
    Action.ASSESS_RISK: _l("Assess a risk of retaliation"),
    Action.DRAFT_AGREEMENT: _l("Record the draft agreement"),
    Action.SIGN_AGREEMENT: _l("Record the signing of the agreement"),
    Action.TERMINATE: _l("Terminate the procedure"),
    Action.ISSUE_CLOSURE_REPORT: _l("Issue the closure report"),
    Action.RECORD_MONITORING_UPDATE: _l("Record a monitoring update"),
    Action.RECORD_INQUIRY: _l("Record an obligee's inquiry"),
    Action.REPORT_PROGRESS: _l("Record an obligor's progress report"),
    Action.ANSWER_INQUIRY: _l("Answer an obligee's inquiry"),
    Action.CLOSE_MONITORING: _l("Close monitoring"),
    Action.PUBLISH_SUMMARY: _l("Publish the case summary"),
}

FIELD_LABELS: dict[str, Any] = {
    "accepts": _l("The respondent accepts"),
    "address": _l("Address"),
    "agent_in": _l("Agent"),
    "agents": _l("Agents"),
    "amount": _l("Amount"),
    "answer": _l("Answer"),
    "applicant": _l("Applicant"),
    "appointment": _l("Appointment"),
    "asked_by": _l("Asked by (side)"),
    "audience": _l("Withheld from"),
    "category": _l("Category"),
    "channel": _l("Channel"),
    "circumstances": _l("Circumstances affecting performance"),
    "claim": _l("Claim"),
    "claims": _l("Claims"),
    "clauses": _l("Clauses"),
    "communication_plan": _l("Plan for continued communication"),
    "confidentiality_requests": _l("Confidentiality requests"),
    "consents": _l("Consent given by"),
    "contact": _l("Contact"),
    "country": _l("Country"),
    "course_of_process": _l("Course of the process"),
    "declared_by": _l("Declared by"),
    "delivered_on": _l("Delivered on"),
    "delivery_id": _l("Which delivery"),
    "description": _l("Description"),
    "disclosure_plan": _l("Disclosure plan"),
    "due_on": _l("Due on"),
    "duration": _l("For how long"),
    "evidence": _l("Evidence"),
    "exhibits": _l("Exhibits"),
    "facts": _l("Facts"),
    "facts_established": _l("Facts jointly established"),
    "feedback_plan": _l("Feedback plan"),
    "file": _l("File"),
    "findings": _l("Findings"),
    "full_name": _l("Full name"),
    "granted": _l("Granted"),
    "ground": _l("Ground"),
    "grounds": _l("Grounds"),
    "indicators": _l("Outcome indicators"),
    "industry": _l("Industry"),
    "industry_wide": _l("Industry-wide"),
    "information": _l("Information"),
    "inquiry_id": _l("Inquiry"),
    "instrument": _l("Instrument"),
    "issue_types": _l("Issue types (one per line)"),
    "items": _l("Items requested"),
    "kind": _l("Kind"),
    "level": _l("Level"),
    "measures": _l("Measures"),
    "member": _l("Member number (0 is the first)"),
    "members": _l("Members"),
    "monitor": _l("Monitor"),
    "name": _l("Name"),
    "note": _l("Note"),
    "objection_id": _l("Objection"),
    "obligation_id": _l("Obligation"),
    "obligations": _l("Obligations"),
    "obligee": _l("Obligee"),
    "obligor": _l("Obligor"),
    "on": _l("Date of the act"),
    "organisation": _l("Organisation"),
    "other_info": _l("Other information"),
    "other_terms": _l("Other terms"),
    "outcome": _l("Outcome"),
    "path": _l("Path"),
    "person": _l("Person"),
    "points_in_dispute": _l("Points in dispute"),
    "power_of_attorney": _l("Power of attorney"),
    "preliminary_response": _l("Preliminary response"),
    "process_and_consensus": _l("Course of the process and consensus reached"),
    "question": _l("Question"),
    "raised_by": _l("Raised by"),
    "reapplication_of": _l("Re-application of case"),
    "release_after": _l("Released after (date)"),
    "release_at_stage": _l("Released at stage"),
    "reason": _l("Reason"),
    "reasoning": _l("Reasoning"),
    "reasons": _l("Reasons"),
    "received_on": _l("Received on"),
    "recommendations": _l("Recommendations"),
    "recused": _l("Recused"),
    "region": _l("Region"),
    "rep_in": _l("Representative"),
    "representatives": _l("Representatives"),
    "request_id": _l("Request"),
    "requested_by": _l("Requested by"),
    "resource": _l("Roster entry"),
    "respondent": _l("Respondent"),
    "respondent_addresses": _l("Respondent's addresses (one per member, one per line)"),
    "results": _l("Results"),
    "role": _l("Role"),
    "scope": _l("Scope"),
    "side": _l("Side"),
    "stakeholders": _l("Stakeholders"),
    "standard": _l("Standard"),
    "standards": _l("Standards invoked"),
    "standards_and_clauses": _l("Standards, guidelines and clauses"),
    "statement": _l("Statement"),
    "status": _l("Status"),
    "steps": _l("Steps taken"),
    "summary": _l("Summary"),
    "suspends_mediation": _l("Suspends mediation"),
    "target": _l("Time limit extended"),
    "target_appointment": _l("Appointment objected to"),
    "terms": _l("Terms"),
    "text": _l("Findings"),
    "title": _l("Title"),
    "to": _l("New path"),
    "tool": _l("For the tool"),
    "tools": _l("Tools"),
    "unit": _l("Unit"),
}

# Where a name means something else in one action.
ACTION_FIELD_LABELS: dict[tuple[Action, str], Any] = {
    (Action.ADD_AGENT, "role"): _l("Side"),
    (Action.ADD_REPRESENTATIVE, "role"): _l("Side"),
    (Action.CLOSE_MONITORING, "reason"): _l("Reason (needed if an obligation is not fulfilled)"),
    (Action.REJECT, "grounds"): _l("Grounds of rejection"),
}

# Who must act on a time limit (cases.rules.Actor values).
ACTOR_LABELS: dict[str, Any] = {
    "secretariat": _l("Secretariat"),
    "respondent": _l("Respondent"),
    "both_sides": _l("Both sides"),
    "panel": _l("Internal panel"),
    "external_mediator": _l("External mediator"),
    "fact_finding_team": _l("Fact-finding team"),
    "assessment_body": _l("Assessment body"),
}

URGENCY_LABELS: dict[str, Any] = {
    "overdue": _l("Overdue"),
    "urgent": _l("Due within 2 working days"),
    "soon": _l("Due within 5 working days"),
    "later": _l("Later"),
}

MONITORING_REASONS: dict[str, Any] = {
    "obligation_overdue": _l("Its timetable has passed"),
    "obligation_due": _l("Its timetable ends soon"),
    "update_overdue": _l("No monitoring update for three months"),
    "update_due": _l("The quarterly monitoring update is due"),
    "inquiry": _l("The obligee asked about progress"),
}

# docgen.locale.Edition values: the language of a document.
EDITION_LABELS: dict[str, Any] = {
    "zh": _l("Chinese"),
    "en": _l("English"),
    "zh-Hant": _l("Traditional Chinese"),
    "bilingual": _l("Bilingual"),
}

# cases.instruments.SubjectKind values: the matter an instrument or a time limit is for.
SUBJECT_LABELS: dict[str, Any] = {
    "agent": _l("agent %(id)s"),
    "supplement": _l("request for materials %(id)s"),
    "period": _l("path period %(id)s"),
    "extension": _l("extension %(id)s"),
    "appointment": _l("appointment %(id)s"),
    "tool": _l("tool %(id)s"),
    "confidentiality": _l("confidentiality request %(id)s"),
    "objection": _l("objection %(id)s"),
    "recusal": _l("recusal request %(id)s"),
    "continuation": _l("continuation report %(id)s"),
    "deadline": _l("time limit %(id)s"),
}

# cases.rules.Unit has no labels of its own (it is not a vocabulary member).
UNIT_LABELS: dict[str, Any] = {
    "working_days": _l("working days"),
    "months": _l("months"),
    "calendar_days": _l("calendar days"),
}


def field_label(name: str, action: Action | None = None) -> Any:
    """The label of a field (in an action's form, where a name may mean something of its own)."""
    if action is not None and (action, name) in ACTION_FIELD_LABELS:
        return ACTION_FIELD_LABELS[(action, name)]
    return FIELD_LABELS.get(name, name.replace("_", " "))


# casedocs.jobs: what a job is doing (its note) and what it made (its result), as its page shows them.
JOB_KINDS: dict[str, Any] = {
    "console.preview": _l("Render a PDF"),
    "console.issue": _l("Issue under the seal"),
}
JOB_NOTES: dict[str, Any] = {
    "rendering": _l("Rendering"),
    "unlocking the seal": _l("Unlocking the seal"),
    "rendering and sealing": _l("Rendering and sealing"),
}
JOB_RESULT_LABELS: dict[str, Any] = {
    "file": _l("Stored file"),
    "document": _l("Document under signature"),
    "instrument": _l("Instrument"),
    "edition": _l("Edition"),
    "version": _l("Version"),
    "verification_code": _l("Verification code"),
    "state": _l("State"),
    "awaiting": _l("Signatures awaited"),
}
