"""The sample case: a community association against a cobalt refinery and its mining
subsidiary, driven through the whole procedure with dated events.

Every act goes through the procedure engine exactly as an officer's would; the dates
are those a diligent secretariat would produce on the 2025-2026 official calendar.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path as FilePath
from typing import Any

from cases.application import AgentIn, FileIn, load_application_file
from cases.models import Case, SupportResource
from cases.procedure import AgreementTerms, ClosureTerms, ObligationTerms, Procedure
from cases.rules import Unit
from cases.vocabulary import (
    AppointmentRole,
    Channel,
    ExpertGroup,
    ObjectionGround,
    ObjectionMeasure,
    ObjectionOutcome,
    ObligationStatus,
    Path,
    ResourceKind,
    RiskLevel,
    SideRole,
    TerminationGround,
    ToolKind,
)

SAMPLE_DIR = FilePath(__file__).resolve().parent.parent / "examples" / "sample-case"
A, R = SideRole.APPLICANT, SideRole.RESPONDENT
BOTH = (A, R)


def run_demo_cases(proc: Procedure, sample_dir: FilePath = SAMPLE_DIR) -> list[Case]:
    """The villages' first, rejected application; the sample case (their re-application);
    and another applicant's case that the respondent refused. Together they need all 23 instruments."""
    first = run_rejected_application(proc, sample_dir)
    sample = run_sample_case(proc, sample_dir, reapplication_of=first.number)
    refused = run_refused_case(proc, sample_dir)
    return [first, sample, refused]


def run_rejected_application(proc: Procedure, sample_dir: FilePath = SAMPLE_DIR) -> Case:
    """January 2025: the villages applied without evidence or representatives' mandate and never supplemented."""
    form = load_application_file(sample_dir / "application.json")
    applicant = form.applicant.model_copy(update={"members": form.applicant.members[:1], "agents": [],
                                                  "representatives": []})
    early = form.model_copy(update={"received_on": date(2025, 1, 20), "exhibits": [], "standards": [],
                                    "confidentiality_requests": [], "applicant": applicant,
                                    "title": "Musonoie river pollution (first application)"})
    case = proc.file_application(early, base_dir=sample_dir)
    proc.request_supplement(case, "Materials showing that the dispute exists (sampling results, surveys); the "
                                  "standards the dispute concerns.", date(2025, 1, 22))
    proc.reject(case, "Required content missing after the request for supplementary materials: no material shows "
                      "that the dispute exists, and no standard within the mechanism's scope is named "
                      "(第三章第3.1条). The applicant may apply again on the same matter.", date(2025, 2, 5))
    proc.record_delivery(case, "rejection_decision", date(2025, 2, 6), side=A)
    return case


def run_refused_case(proc: Procedure, sample_dir: FilePath = SAMPLE_DIR) -> Case:
    """An NGO's application against a trader that declines the invitation: non-launch."""
    form = load_application_file(sample_dir / "application.json")
    from cases.application import PartyIn, SideIn
    from cases.vocabulary import PartyCategory

    ngo = SideIn(members=[PartyIn(category=PartyCategory.NGO, full_name="Droits & Mines Lualaba",
                                  address="Avenue Lumumba 21, Kolwezi, DRC", contact="info@droits-mines.example.org")])
    trader = SideIn(members=[PartyIn(category=PartyCategory.COMPANY_PROCESSING,
                                     full_name="鑫源钴业贸易（香港）有限公司",
                                     address="香港九龙尖沙咀广东道30号", other_info="Xinyuan Cobalt Trading (HK) Ltd.")])
    application = form.model_copy(update={
        "received_on": date(2025, 6, 2), "applicant": ngo, "respondent": trader, "confidentiality_requests": [],
        "title": "Artisanal cobalt sourcing without due diligence — Droits & Mines Lualaba v. Xinyuan Cobalt Trading",
        "facts": "The trader buys cobalt hydroxide from depots supplied by artisanal sites where children were seen "
                 "working in 2024, without the risk assessment the standards require.",
        "exhibits": form.exhibits[:1]})
    case = proc.file_application(application, base_dir=sample_dir)
    proc.accept(case, date(2025, 6, 10))
    proc.send_invitation(case, date(2025, 6, 16))
    proc.record_delivery(case, "invitation", date(2025, 6, 18), side=R)
    proc.record_response(case, False, date(2025, 7, 2))
    proc.send_non_launch_notice(case, date(2025, 7, 9))
    proc.record_delivery(case, "non_launch_notice", date(2025, 7, 10), side=A)
    return case


def run_sample_case(proc: Procedure, sample_dir: FilePath = SAMPLE_DIR, *, reapplication_of: str | None = None) -> Case:
    form = load_application_file(sample_dir / "application.json")
    if reapplication_of:
        form = form.model_copy(update={"reapplication_of": reapplication_of})
    roster = _roster(proc)

    # Filing and formal review (第三章).
    case = proc.file_application(form, base_dir=sample_dir)
    [confidentiality] = case.confidentiality_requests
    proc.request_supplement(case, "Minutes of the assembly that elected the two representatives; "
                                  "index of the field photographs.", date(2025, 3, 5))
    proc.decide_confidentiality(case, confidentiality.id, True, date(2025, 3, 6),
                                reason="Credible risk of reprisals against the three residents.")
    proc.record_supplement(case, date(2025, 3, 10), "Both items received by email.", [
        (FileIn(title="Minutes of the joint village assembly, 22 February 2025",
                file="exhibits/village-assembly-minutes-2025-02.txt"), sample_dir),
        (FileIn(title="Index of field photographs", file="exhibits/field-photographs-index.txt"), sample_dir),
    ])
    proc.accept(case, date(2025, 3, 12))
    proc.record_delivery(case, "acceptance_decision", date(2025, 3, 13), side=A)

    # Invitation, silence, second invitation, acceptance (第四章第一节第1条).
    proc.send_invitation(case, date(2025, 3, 19), Channel.POST)
    proc.record_delivery(case, "invitation", date(2025, 3, 21), side=R)
    proc.send_second_invitation(case, date(2025, 4, 24), Channel.EMAIL)
    proc.record_delivery(case, "second_invitation", date(2025, 4, 25), side=R)
    proc.record_response(case, True, date(2025, 5, 8), preliminary_response=(
        "The company accepts the invitation. Its 2024 monitoring shows the seepage was contained in "
        "October 2024; it disputes the causal link between the seepage and the crop losses."))
    proc.add_agent(case, R, AgentIn(name="张伟 (Zhang Wei)", organisation="北京衡远律师事务所 Hengyuan Law Firm",
                                    contact="zhang.wei@hengyuan-law.example.com",
                                    power_of_attorney=FileIn(title="授权委托书 Power of attorney (Hengyuan)",
                                                             name="poa-hengyuan.txt",
                                                             content_base64=_b64(
                                                                 "授权委托书：华钴精炼有限公司委托北京衡远律师事务所张伟律师"
                                                                 "代为参与调解磋商程序。2025年5月7日"))),
                  date(2025, 5, 8))

    # Launch (the procedure starts when the notice has reached both sides) and triage.
    proc.send_launch_notice(case, date(2025, 5, 14))
    proc.record_delivery(case, "launch_notice", date(2025, 5, 15), side=R)
    proc.record_delivery(case, "launch_notice", date(2025, 5, 16), side=A)
    proc.assess_risk(case, A, "Jean-Pierre Mwamba", "Representative reports being followed by mine security "
                     "staff after the assembly.", RiskLevel.MEDIUM, "Meetings held in Kolwezi town; the "
                     "secretariat raised the matter with the company's compliance office.", date(2025, 5, 20))
    proc.recommend_triage(case, Path.INTERNAL_MEDIATION, [ToolKind.ASSESSMENT],
                          "Disputed facts on water quality and a large number of households; the sides have "
                          "had no direct communication. Internal mediation with an independent assessment of "
                          "water quality is recommended.", date(2025, 6, 4))
    proc.agree_path(case, Path.INTERNAL_MEDIATION, [ToolKind.ASSESSMENT], BOTH, date(2025, 6, 10))
    for expert in roster["internal"]:
        proc.appoint(case, expert, AppointmentRole.INTERNAL_PANEL, date(2025, 6, 11))

    # Assessment on the internal path, an objection, then a switch to external mediation.
    assessment = proc.start_tool(case, ToolKind.ASSESSMENT, R, "Water quality of the Musonoie river and the "
                                 "village wells against WHO guidelines, sampling points S1-S4 and two wells.",
                                 date(2025, 6, 16), consents=BOTH)
    proc.appoint(case, roster["assessment"], AppointmentRole.ASSESSMENT, date(2025, 6, 16),
                 requested_by=R, consents=BOTH, tool=assessment)
    objection = proc.raise_objection(case, A, ObjectionGround.FORGED_EVIDENCE,
                                     "The monitoring report annexed to the preliminary response omits "
                                     "sampling point S4 (Kapata irrigation channel).",
                                     "Laboratory report LAB-2024-1187; the company's own 2023 sampling plan.",
                                     date(2025, 6, 20))
    proc.decide_objection(case, objection.id, ObjectionOutcome.PARTLY_UPHELD, [ObjectionMeasure.VOID_AND_REDO],
                          "The omission is established; no intent to deceive is shown. The assessment body "
                          "will sample S4 and the report's conclusions on S4 are set aside.", date(2025, 7, 10))
    proc.switch_path(case, Path.EXTERNAL_MEDIATION, A, BOTH, "The hydrogeological questions need an external "
                     "expert mediator.", date(2025, 7, 22))
    first_mediator = proc.appoint(case, roster["experts"][0], AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 7, 24),
                                  requested_by=A, consents=BOTH)
    recusal = proc.request_recusal(case, first_mediator, R, "The mediator advised an NGO campaign against the "
                                   "refinery in 2023.", date(2025, 7, 29))
    proc.decide_recusal(case, recusal.id, True, "The earlier advice concerned this refinery; an appearance of "
                        "partiality exists.", date(2025, 8, 4))
    proc.appoint(case, roster["experts"][1], AppointmentRole.EXTERNAL_MEDIATOR, date(2025, 8, 8),
                 requested_by=A, consents=BOTH)

    # Fact-finding (external path only), completion of both tools, an extension.
    fact_finding = proc.start_tool(case, ToolKind.FACT_FINDING, A, "Extent and causes of crop loss on the fields "
                                   "along the Musonoie river in the 2024 rainy season.", date(2025, 8, 18),
                                   consents=BOTH)
    proc.appoint(case, roster["fact_finding"], AppointmentRole.FACT_FINDING, date(2025, 8, 18),
                 requested_by=A, consents=BOTH, tool=fact_finding)
    proc.complete_tool(case, ToolKind.ASSESSMENT, "Cobalt and sulphate above WHO guidance at S2-S4 and in one "
                       "well; the seepage continues at a lower rate.", date(2025, 9, 12))
    proc.complete_tool(case, ToolKind.FACT_FINDING, "Crop loss on 71 ha attributable to irrigation with "
                       "contaminated water; 12 ha to drought.", date(2025, 11, 14))
    proc.extend(case, "path", 2, Unit.MONTHS, R, "The sides need time to agree on compensation after the "
                "fact-finding report.", date(2025, 12, 15))

    # Agreement, termination, closure report, monitoring (第四章第四节, 第五章).
    proc.draft_agreement(case, AgreementTerms(
        points_in_dispute="Contamination of the Musonoie river by seepage from tailings cell 2; crop losses; "
                          "handling of complaints.",
        stakeholders="Four village organisations of the applicant; the refinery and its mining subsidiary; "
                     "the provincial environment office (informed).",
        standards_and_clauses="OECD Due Diligence Guidance, Annex II; Chinese Due Diligence Guidelines 5.2-5.3; "
                              "Cobalt Refinery Supply Chain Due Diligence Standard.",
        process_and_consensus="Internal mediation from June 2025, external expert mediation from July 2025; "
                              "the sides accept the assessment and fact-finding reports as the basis of remedy.",
        obligations=[
            ObligationTerms(R, A, "Repair the lining of tailings cell 2 and build a seepage interception trench.",
                            date(2026, 9, 30), "Independent inspection confirms the repair; S1-S4 within WHO "
                            "guidance for cobalt and sulphate for three consecutive months."),
            ObligationTerms(R, A, "Compensate the 212 households for the crop losses established by the "
                            "fact-finding at the agreed rate.", date(2026, 6, 30),
                            "Payment receipts for every household in Annex 2."),
            ObligationTerms(A, R, "Hold quarterly village meetings and raise concerns through the joint grievance "
                            "channel.", date(2026, 12, 31), "Minutes of four quarterly meetings shared with "
                            "the secretariat."),
        ],
        feedback_plan="The company reports to the villages and the secretariat every quarter.",
        disclosure_plan="The secretariat publishes the case summary and the closure report; the testimony "
                        "under confidentiality is never disclosed.",
        communication_plan="A joint grievance committee meets monthly; written answers within 15 working days.",
    ), date(2026, 2, 10))
    proc.sign_agreement(case, date(2026, 3, 5))
    proc.terminate(case, TerminationGround.AGREEMENT_SIGNED, "Both sides co-signed the problem-solving "
                   "agreement on 5 March 2026.", date(2026, 3, 6))
    proc.record_delivery(case, "termination_notice", date(2026, 3, 9), side=A)
    proc.record_delivery(case, "termination_notice", date(2026, 3, 9), side=R)
    proc.issue_closure_report(case, ClosureTerms(
        points_in_dispute="Whether seepage from tailings cell 2 contaminated the Musonoie river and caused crop "
                          "losses; remedy and compensation; complaint handling.",
        course_of_process="Accepted 12 March 2025; launched 16 May 2025; internal mediation, then external expert "
                          "mediation with an assessment and a fact-finding; agreement signed 5 March 2026.",
        facts_established="Contamination at S2-S4 and one well; crop loss on 71 ha attributable to irrigation "
                          "with contaminated water.",
        recommendations="Continue the joint grievance committee; publish monitoring data quarterly.",
    ), date(2026, 3, 20))
    proc.publish_summary(case, "Communities in Lualaba (DRC) and a cobalt refiner with its mining subsidiary "
                         "reached an agreement on remediation of river contamination and compensation of crop "
                         "losses; implementation is monitored.", date(2026, 3, 25))
    obligations = case.agreement.obligations if case.agreement else []
    proc.record_monitoring_update(case, obligations[1].id, "Secretariat monitoring officer Li Na",
                                  ObligationStatus.FULFILLED, "Payments to all 212 households confirmed by "
                                  "receipts checked on site.", date(2026, 7, 15))
    inquiry = proc.record_inquiry(case, obligations[0].id, A, "What is the progress of the lining repair?",
                                  date(2026, 9, 1))
    proc.answer_inquiry(case, inquiry.id, "The respondent reports the lining repaired and the trench under way; "
                        "the next monitoring visit is in October.", date(2026, 9, 14))
    proc.record_monitoring_update(case, obligations[0].id, "Secretariat monitoring officer Li Na",
                                  ObligationStatus.IN_PROGRESS, "Lining repaired; trench 80% complete; two of "
                                  "three monthly samples within WHO guidance.", date(2026, 10, 20))
    return case


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _roster(proc: Procedure) -> dict[str, Any]:
    """The support resources the sample case draws on (reused if already on the roster)."""
    existing = {(r.kind, r.name): r for r in proc.roster()}

    def resource(kind: ResourceKind, name: str, **kwargs: Any) -> SupportResource:
        return existing.get((kind, name)) or proc.add_resource(kind, name, **kwargs)

    return {
        "internal": [resource(ResourceKind.INTERNAL_EXPERT, "王芳 (Wang Fang)", organisation="Mechanism secretariat"),
                     resource(ResourceKind.INTERNAL_EXPERT, "Daniel Osei", organisation="Mechanism secretariat")],
        "experts": [resource(ResourceKind.EXPERT, "Dr. Amélie Laurent", groups=[ExpertGroup.DISPUTE_RESOLUTION,
                                                                                  ExpertGroup.REGIONAL]),
                    resource(ResourceKind.EXPERT, "陈立 (Chen Li)", groups=[ExpertGroup.DISPUTE_RESOLUTION,
                                                                         ExpertGroup.THEMATIC])],
        "fact_finding": resource(ResourceKind.FACT_FINDING_BODY, "Katanga Agronomy Research Centre"),
        "assessment": resource(ResourceKind.ASSESSMENT_BODY, "Independent Water Laboratory of Southern Africa"),
    }
