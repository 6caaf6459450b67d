"""Withholding (issue 11, 第六章第2.2条): from the request on, as decided from the decision on, released when the
decision's duration runs out (audited); the secretariat and the requesting side see everything."""
from __future__ import annotations

from datetime import date

import pytest

from cases.confidentiality import Audience, IdentityRole, ItemRef, RecordField, TextPart
from cases.confidentiality.withholding import Outcome, outcome, withheld_word, withholding
from cases.errors import ProcedureError
from cases.models import AuditEvent
from cases.procedure import ClosureTerms
from cases.views import describe
from cases.vocabulary import Path, RiskLevel, SideRole, Stage, TerminationGround
from confidentiality_support import actions, file_confidential_case
from factories import to_path

A, R = SideRole.APPLICANT, SideRole.RESPONDENT
WITNESS_EXHIBIT, WITNESS = ItemRef.exhibit(2), ItemRef.identity(A, 1)
REASONS = ItemRef.claim(1, TextPart.REASONS)
FILED = date(2025, 3, 3)


def test_a_pending_request_already_withholds_what_it_names_from_the_audiences_it_names(proc) -> None:
    case = file_confidential_case(proc)
    shield = withholding(case, Audience.RESPONDENT, FILED)
    assert set(shield.items) == {WITNESS_EXHIBIT, WITNESS, REASONS}
    ground = shield.ground(WITNESS)
    assert ground is not None and not ground.decided and ground.sequence == 1
    assert ground.placeholder("zh") == "〔依保密申请 MVC-2025-0001/保密-1 暂不披露〕"
    assert ground.placeholder("en") == "[withheld pending confidentiality request MVC-2025-0001/C-1]"
    assert shield.text(ItemRef.exhibit(1), "Water sampling results", "en") == "Water sampling results"
    # Experts were not named: they see the items.
    assert withholding(case, Audience.SUPPORT, FILED).items == {}


def test_nothing_is_withheld_before_the_request_is_received(proc) -> None:
    case = file_confidential_case(proc, confidentiality_requests=[])
    proc.request_confidentiality(case, A, "the facts", ["other_side"], "until closed", "fear", date(2025, 3, 5),
                                 items=[ItemRef.record_field(RecordField.FACTS)])
    assert withholding(case, Audience.RESPONDENT, date(2025, 3, 4)).items == {}
    assert withholding(case, Audience.RESPONDENT, date(2025, 3, 5)).is_withheld(ItemRef.record_field(RecordField.FACTS))


@pytest.mark.parametrize("audience", [Audience.SECRETARIAT, Audience.APPLICANT])
def test_the_secretariat_and_the_requesting_side_see_everything(proc, audience: Audience) -> None:
    case = file_confidential_case(proc)
    proc.decide_confidentiality(case, case.confidentiality_requests[0].id, True, date(2025, 3, 5),
                                reason="credible risk")
    assert withholding(case, audience, FILED).items == {}
    assert withholding(case, audience, date(2025, 3, 6)).items == {}


def test_what_is_withheld_from_anyone_is_withheld_from_the_public(proc) -> None:
    case = file_confidential_case(proc)
    shield = withholding(case, Audience.PUBLIC, FILED)
    assert {ref for ref, g in shield.items.items() if not g.disclosure_rule} == {WITNESS_EXHIBIT, WITNESS, REASONS}
    assert shield.ground(WITNESS).sequence == 1  # the request is named, not the rule


def test_the_public_is_never_told_who_the_natural_persons_are_even_unasked(proc) -> None:
    case = file_confidential_case(proc, confidentiality_requests=[])
    shield = withholding(case, Audience.PUBLIC, FILED)
    agent = ItemRef.identity(A, 0, IdentityRole.AGENT)
    assert set(shield.items) == {WITNESS, agent}  # the individual member and the agent; not the community
    ground = shield.ground(agent)
    assert ground is not None and ground.disclosure_rule and ground.request_id is None
    assert ground.placeholder("zh") == "〔依个案信息披露范围不予公开〕"
    assert ground.placeholder("en") == "[not made public: outside the scope of case disclosure]"
    assert not shield.is_withheld(ItemRef.identity(A, 0)) and not shield.is_withheld(ItemRef.identity(R, 0))
    assert withholding(case, Audience.RESPONDENT, FILED).items == {}


def test_a_decision_narrows_the_request_to_fewer_items_and_audiences(proc) -> None:
    case = file_confidential_case(proc, confidentiality_requests=[{
        "information": "The witness", "audience": ["other_side", "experts_and_bodies"], "duration": "two years",
        "reason": "reprisals", "items": ["identity:applicant:1", "claim:1", "exhibit:1"]}])
    request = case.confidentiality_requests[0]
    assert withholding(case, Audience.SUPPORT, FILED).is_withheld(REASONS)
    proc.decide_confidentiality(case, request.id, True, date(2025, 3, 6), audience=["other_side"],
                                items=[WITNESS, REASONS], reason="the claim itself is not sensitive")
    assert outcome(request) is Outcome.NARROWED
    before, after = withholding(case, Audience.RESPONDENT, date(2025, 3, 5)), \
        withholding(case, Audience.RESPONDENT, date(2025, 3, 6))
    assert before.is_withheld(ItemRef.claim(1, TextPart.CLAIM)) and before.is_withheld(WITNESS_EXHIBIT)
    assert set(after.items) == {WITNESS, REASONS}
    assert not after.is_withheld(ItemRef.claim(1, TextPart.CLAIM)) and after.partly_withheld(ItemRef.claim(1))
    assert after.ground(REASONS).placeholder("zh-Hant") == "〔依保密決定 MVC-2025-0001/保密-1 不予披露〕"
    assert after.ground(REASONS).placeholder("en") == "[withheld under confidentiality decision MVC-2025-0001/C-1]"
    assert withholding(case, Audience.SUPPORT, date(2025, 3, 6)).items == {}


def test_a_decision_may_narrow_a_request_but_never_widen_it(proc) -> None:
    case = file_confidential_case(proc)
    request = case.confidentiality_requests[0]
    with pytest.raises(ProcedureError, match="not widen it: claim:1 not asked for"):
        proc.decide_confidentiality(case, request.id, True, date(2025, 3, 6), items=[ItemRef.claim(1)])
    with pytest.raises(ProcedureError, match="the request did not name third_parties_and_public"):
        proc.decide_confidentiality(case, request.id, True, date(2025, 3, 6), audience=["third_parties_and_public"])
    with pytest.raises(ProcedureError, match="a refusal keeps nothing"):
        proc.decide_confidentiality(case, request.id, False, date(2025, 3, 6), items=[WITNESS])
    assert request.decided_on is None and outcome(request) is Outcome.PENDING


def test_a_refused_request_releases_its_items_from_the_decision_on(proc) -> None:
    case = file_confidential_case(proc)
    request = case.confidentiality_requests[0]
    proc.decide_confidentiality(case, request.id, False, date(2025, 3, 6), reason="the witness testified in public")
    assert outcome(request) is Outcome.REFUSED
    assert withholding(case, Audience.RESPONDENT, date(2025, 3, 5)).is_withheld(WITNESS)
    assert withholding(case, Audience.RESPONDENT, date(2025, 3, 6)).items == {}


def test_a_decision_running_to_a_date_releases_the_items_the_day_after_and_the_chain_says_so(proc) -> None:
    case = file_confidential_case(proc, confidentiality_requests=[{
        "information": "The witness", "audience": ["other_side"], "duration": "until the end of March",
        "reason": "reprisals", "items": ["identity:applicant:1"], "release_after": "2025-03-31"}])
    request = case.confidentiality_requests[0]
    proc.decide_confidentiality(case, request.id, True, date(2025, 3, 6), reason="risk")
    assert request.decided_release_after == date(2025, 3, 31)
    assert withholding(case, Audience.RESPONDENT, date(2025, 3, 31)).is_withheld(WITNESS)
    assert not withholding(case, Audience.RESPONDENT, date(2025, 4, 1)).is_withheld(WITNESS)
    assert not any(e.action == "confidentiality_released" for e in actions(proc, case))
    proc.accept(case, date(2025, 4, 2))  # the case is touched: the release is recorded, dated when it happened
    [released] = [e for e in actions(proc, case) if e.action == "confidentiality_released"]
    assert released.on == date(2025, 4, 1) and request.released_on == date(2025, 4, 1)
    assert released.detail["items"] == ["identity:applicant:1"] and "Amani" not in str(released.detail)
    assert describe(released.action, released.detail, "zh") == \
        "保密决定MVC-2025-0001/保密-1期限届满（至2025-03-31），相关信息解除保密"
    proc.send_invitation(case, date(2025, 4, 3))
    assert len([e for e in actions(proc, case) if e.action == "confidentiality_released"]) == 1  # once


def test_a_decision_running_to_a_stage_is_released_by_the_act_that_reaches_it(proc) -> None:
    case = to_path(proc, file_confidential_case(proc, confidentiality_requests=[]), Path.BILATERAL_DIALOGUE)
    request = proc.request_confidentiality(case, A, "The witness", ["other_side"], "until termination", "fear",
                                           date(2025, 5, 7), items=[WITNESS], release_at_stage=Stage.TERMINATED)
    proc.decide_confidentiality(case, request.id, True, date(2025, 5, 8), reason="risk")
    assert withholding(case, Audience.RESPONDENT, date(2025, 5, 19)).is_withheld(WITNESS)
    proc.terminate(case, TerminationGround.NO_UNDERSTANDING, "No understanding.", date(2025, 5, 20),
                   declared_by=[R])
    assert request.released_on == date(2025, 5, 20)
    events = actions(proc, case)
    assert [e.action for e in events][-2:] == ["terminate", "confidentiality_released"]
    assert not withholding(case, Audience.RESPONDENT, date(2025, 5, 20)).is_withheld(WITNESS)
    assert withholding(case, Audience.RESPONDENT, date(2025, 5, 19)).is_withheld(WITNESS)  # the past stays as it was
    proc.issue_closure_report(case, ClosureTerms("p", "c", "f", "r"), date(2025, 5, 30))
    assert [e.action for e in actions(proc, case)].count("confidentiality_released") == 1


def test_the_release_command_releases_what_no_act_has_touched(proc) -> None:
    from casedocs.services import confidentiality

    case = file_confidential_case(proc, confidentiality_requests=[{
        "information": "The witness", "audience": ["other_side"], "duration": "a month", "reason": "fear",
        "items": ["identity:applicant:1"], "release_after": "2025-04-05"}])
    proc.decide_confidentiality(case, case.confidentiality_requests[0].id, True, date(2025, 3, 6))
    [released] = confidentiality.release(proc, case.number)
    assert released.reference == "MVC-2025-0001/C-1" and released.released_on == date(2025, 4, 6)
    assert confidentiality.release(proc, case.number) == []


def test_a_duration_is_a_date_or_a_stage_still_ahead(proc) -> None:
    case = to_path(proc, file_confidential_case(proc, confidentiality_requests=[]), Path.BILATERAL_DIALOGUE)
    with pytest.raises(ProcedureError, match="a date or a stage, not both"):
        proc.request_confidentiality(case, A, "w", ["other_side"], "d", "r", date(2025, 5, 7), items=[WITNESS],
                                     release_after=date(2026, 1, 1), release_at_stage=Stage.CLOSED)
    with pytest.raises(ProcedureError, match="already at stage bilateral_dialogue, at or after triage"):
        proc.request_confidentiality(case, A, "w", ["other_side"], "d", "r", date(2025, 5, 7), items=[WITNESS],
                                     release_at_stage=Stage.TRIAGE)
    with pytest.raises(ProcedureError, match="a stage of the procedure's course"):
        proc.request_confidentiality(case, A, "w", ["other_side"], "d", "r", date(2025, 5, 7), items=[WITNESS],
                                     release_at_stage=Stage.REJECTED)
    with pytest.raises(ProcedureError, match="released after 2025-05-01, before 2025-05-07"):
        proc.request_confidentiality(case, A, "w", ["other_side"], "d", "r", date(2025, 5, 7), items=[WITNESS],
                                     release_after=date(2025, 5, 1))
    assert case.confidentiality_requests == []


def test_the_earliest_decided_ground_is_named_when_two_requests_cover_an_item(proc) -> None:
    case = file_confidential_case(proc)
    second = proc.request_confidentiality(case, A, "everything about claim 1", ["other_side"], "d", "r",
                                          date(2025, 3, 5), items=[ItemRef.claim(1)])
    shield = withholding(case, Audience.RESPONDENT, date(2025, 3, 5))
    assert shield.ground(REASONS).sequence == 1 and shield.ground(ItemRef.claim(1, TextPart.CLAIM)).sequence == 2
    proc.decide_confidentiality(case, second.id, True, date(2025, 3, 6))
    shield = withholding(case, Audience.RESPONDENT, date(2025, 3, 6))
    assert shield.ground(REASONS).sequence == 2 and shield.ground(REASONS).decided  # decided before pending
    assert [g.sequence for g in shield.grounds] == [1, 2]
    assert shield.withheld_of(WITNESS_EXHIBIT.kind) == {WITNESS_EXHIBIT: shield.ground(WITNESS_EXHIBIT)}


def test_retaliation_risk_assessments_are_the_secretariats_only(proc) -> None:
    case = file_confidential_case(proc)
    proc.assess_risk(case, A, "Amani Witness", "Threats after the assembly", RiskLevel.HIGH, "relocation",
                     date(2025, 3, 4))
    assert withholding(case, Audience.SECRETARIAT, FILED).shows_risk_assessments
    for audience in (Audience.APPLICANT, Audience.RESPONDENT, Audience.SUPPORT, Audience.PUBLIC):
        assert not withholding(case, audience, FILED).shows_risk_assessments


def test_a_withheld_exhibit_keeps_its_place_in_a_list_as_withheld() -> None:
    assert (withheld_word("zh"), withheld_word("en")) == ("不予披露", "withheld")
    with pytest.raises(ValueError, match="zh, zh-Hant or en"):
        withheld_word("fr")


def test_a_decision_is_audited_with_its_outcome_and_items_but_never_the_information(proc) -> None:
    case = file_confidential_case(proc)
    proc.decide_confidentiality(case, case.confidentiality_requests[0].id, True, date(2025, 3, 6), items=[WITNESS])
    decided = [e for e in actions(proc, case) if e.action == "decide_confidentiality"][-1]
    assert decided.detail["outcome"] == "narrowed" and decided.detail["items"] == ["identity:applicant:1"]
    assert decided.detail["release_at_stage"] == "closed"
    assert not any("The witness, her statement" in str(e.detail) for e in proc.session.query(AuditEvent))


def test_the_public_summary_may_not_repeat_an_item_withheld_from_the_public(proc) -> None:
    case = to_path(proc, file_confidential_case(proc), Path.BILATERAL_DIALOGUE)
    with pytest.raises(ProcedureError, match=r"repeats items withheld from the public: identity:applicant:1\. Allowed"):
        proc.publish_summary(case, "Amani Witness 证人甲 described threats.", date(2025, 5, 8))
    with pytest.raises(ProcedureError, match="exhibit:2"):
        proc.publish_summary(case, "See the file witness-MARKER.txt.", date(2025, 5, 8))
    with pytest.raises(ProcedureError, match="identity:applicant:agent:0"):  # a natural person, unasked
        proc.publish_summary(case, "The community is represented by Maître Kabila.", date(2025, 5, 8))
    proc.publish_summary(case, "A community and a refiner are in dialogue about the river.", date(2025, 5, 8))


def test_values_of_an_item_are_everything_it_carries_and_a_part_only_its_own(proc) -> None:
    from cases.confidentiality.values import values_of

    case = file_confidential_case(proc)
    assert values_of(case, WITNESS) == ["Amani Witness 证人甲", "Kawama, plot 7", "+243 970 000 777"]
    assert values_of(case, WITNESS_EXHIBIT) == ["Statement of the witness MARKER-EXHIBIT", "witness-MARKER.txt"]
    assert values_of(case, REASONS) == ["Reprisals MARKER-REASONS 报复记号"]
    assert values_of(case, ItemRef.claim(1)) == ["Protection of the witness", "Reprisals MARKER-REASONS 报复记号"]
    assert values_of(case, ItemRef.identity(A, 0, IdentityRole.AGENT)) == ["Maître Kabila", "Droits & Mines"]


def test_an_assessment_of_retaliation_risk_appears_in_the_secretariats_timeline_only() -> None:
    from cases.confidentiality import event_shown

    assert event_shown("assess_risk", Audience.SECRETARIAT)
    assert not any(event_shown("assess_risk", a) for a in Audience if a is not Audience.SECRETARIAT)
    assert event_shown("decide_confidentiality", Audience.PUBLIC)


def test_the_case_document_shows_each_request_with_its_reference_items_outcome_and_duration(proc) -> None:
    from cases.views import case_as_dict

    case = file_confidential_case(proc)
    proc.decide_confidentiality(case, case.confidentiality_requests[0].id, True, date(2025, 3, 6), items=[WITNESS],
                                release_after=date(2026, 3, 6))
    [shown] = case_as_dict(proc.session, case, date(2025, 3, 7))["confidentiality_requests"]
    assert shown["reference"] == "MVC-2025-0001/C-1" and shown["outcome"] == "narrowed"
    assert shown["items"] == ["exhibit:2", "identity:applicant:1", "claim:1.reasons"]
    assert shown["decided_items"] == ["identity:applicant:1"]
    assert (shown["release_after"], shown["release_at_stage"], shown["released_on"]) == ("2026-03-06", None, None)


def test_a_title_that_would_name_what_is_withheld_gives_way_to_the_party_categories(proc) -> None:
    from cases.confidentiality.disclosure import disclosure

    case = file_confidential_case(proc, confidentiality_requests=[{
        "information": "who applies", "audience": ["other_side"], "duration": "d", "reason": "r",
        "items": ["identity:applicant:0"]}])
    assert case.title == "Kawama Village Committee — 华钴精炼有限公司"  # the default title names the members
    respondent = disclosure(proc.session, case, Audience.RESPONDENT, FILED)
    assert respondent.title("zh") == "社区、个人 — 精炼企业"
    assert respondent.title("en") == "Community, Individual — Company (refining)"
    assert respondent.side_name(A, "en") == "Community et al. (2)" and respondent.side_name(R, "zh") == "华钴精炼有限公司"
    applicant = disclosure(proc.session, case, Audience.APPLICANT, FILED)
    assert applicant.title("en") == case.title and applicant.side_name(A, "zh") == "Kawama Village Committee等（2）"
    assert disclosure(proc.session, case, Audience.PUBLIC, date(2025, 1, 1)).title("en") == \
        "Community, Individual — Company (refining)"  # the public always: categories, not names
