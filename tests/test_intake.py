"""Filing, numbering, formal review, supplements, acceptance, rejection, re-application."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from cases import tracker
from cases.application import AgentIn, ClaimIn, FileIn, RepresentativeIn, StandardIn, parse_application
from cases.errors import InvalidInputError, ProcedureError
from cases.vocabulary import DeadlineStatus, SideRole, Stage, Standard
from factories import BASE_APPLICATION, b64, exhibit, file_case, member, to_accepted

A, R = SideRole.APPLICANT, SideRole.RESPONDENT


def test_filing_registers_case_with_sequential_numbers_per_year(proc) -> None:
    first = file_case(proc)
    second = file_case(proc)
    next_year = dict(copy.deepcopy(BASE_APPLICATION), received_on="2026-01-05")
    third = file_case(proc, next_year)
    assert (first.number, second.number, third.number) == ("MVC-2025-0001", "MVC-2025-0002", "MVC-2026-0001")
    assert first.stage is Stage.RECEIVED
    assert first.applicant.members[0].full_name == "Kawama Village Committee"
    assert first.respondent.members[0].full_name == "华钴精炼有限公司"
    [review] = first.deadlines
    # 2025-03-03 (Mon) + 10 working days: 4-7 March, 10-14 March, 17 March.
    assert (review.rule, review.due_on, review.provisional) == ("formal_review", date(2025, 3, 17), False)


def test_exhibits_are_stored_by_content_hash(proc, store) -> None:
    case = file_case(proc)
    [item] = case.exhibits
    assert store.get(item.sha256) == b"sampling results"
    assert item.media_type == "text/plain" and item.kind == "evidence"


@pytest.mark.parametrize("name", ["Anonymous", "匿名", " unknown "])
def test_anonymous_application_is_refused(name: str) -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    document["applicant"]["members"][0]["full_name"] = name
    with pytest.raises(InvalidInputError, match="anonymous applications are not accepted"):
        parse_application(document)


def test_applicant_must_be_reachable() -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    document["applicant"]["members"][0]["contact"] = ""
    with pytest.raises(InvalidInputError, match=r"applicant\.members\.0\.contact"):
        parse_application(document)


def test_every_problem_is_named_at_once() -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    del document["received_on"]
    document["applicant"]["members"][0]["category"] = "pirate"
    document["unexpected"] = 1
    with pytest.raises(InvalidInputError) as raised:
        parse_application(document)
    message = str(raised.value)
    assert "received_on" in message and "applicant.members.0.category" in message and "unexpected" in message


def test_more_than_three_members_need_representatives() -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    document["applicant"]["members"] = [member(f"Village {i}") for i in range(4)]
    with pytest.raises(InvalidInputError, match="must elect 1-2 representatives"):
        parse_application(document)
    document["applicant"]["representatives"] = [{"name": "Esther Ilunga", "member": 3}]
    assert len(parse_application(document).applicant.representatives) == 1


def test_at_most_two_agents_and_two_representatives() -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    poa = exhibit("Power of attorney", "poa.txt", "I authorise")
    document["applicant"]["agents"] = [{"name": f"Agent {i}", "power_of_attorney": poa} for i in range(3)]
    document["applicant"]["representatives"] = [{"name": f"Rep {i}"} for i in range(3)]
    with pytest.raises(InvalidInputError) as raised:
        parse_application(document)
    assert "3 agents; a side may authorise at most 2" in str(raised.value)
    assert "3 representatives; at most 2" in str(raised.value)


def test_malformed_uploads_are_refused_before_anything_is_written(proc, store) -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    document["exhibits"].append({"title": "Scan", "name": "scan.pdf", "content_base64": b64("not a pdf")})
    with pytest.raises(InvalidInputError, match="scan.pdf: the content is not a valid .pdf file"):
        file_case(proc, document)
    assert proc.all_cases() == []
    assert not store.root.exists() or not any(p.is_file() for p in store.root.rglob("*"))
    document["exhibits"][-1] = {"title": "Bad", "name": "x.txt", "content_base64": "@@@"}
    with pytest.raises(InvalidInputError, match="not valid base64"):
        file_case(proc, document)
    document["exhibits"][-1] = {"title": "Empty", "name": "empty.txt", "content_base64": ""}
    with pytest.raises(InvalidInputError, match="the file is empty"):
        file_case(proc, document)


def test_future_receipt_is_refused(proc) -> None:
    with pytest.raises(InvalidInputError, match="in the future"):
        file_case(proc, dict(copy.deepcopy(BASE_APPLICATION), received_on="2027-01-04"))


def test_incomplete_application_is_filed_but_not_accepted_until_supplemented(proc) -> None:
    document = copy.deepcopy(BASE_APPLICATION)
    document["exhibits"], document["standards"] = [], []
    document["respondent"]["members"][0]["address"] = ""
    case = file_case(proc, document)
    with pytest.raises(ProcedureError) as raised:
        proc.accept(case, date(2025, 3, 5))
    message = str(raised.value)
    assert "respondent 华钴精炼有限公司: address" in message
    assert "materials showing that the dispute exists" in message and "standard" in message
    assert "request_supplement" in message  # names what the officer can do instead

    with pytest.raises(ProcedureError, match="no supplementary materials were requested"):
        proc.record_supplement(case, date(2025, 3, 5), "unsolicited")
    proc.request_supplement(case, "Evidence, the standard concerned, the respondent's address", date(2025, 3, 5))
    evidence = FileIn(title="Photos index", name="photos.txt", content_base64=b64("P01-P06"))
    proc.record_supplement(case, date(2025, 3, 7), "received", [(evidence, Path("."))],
                           standards=[StandardIn(standard=Standard.CN_MINERAL_DDG, clauses="5.2")],
                           claims=[ClaimIn(claim="Compensation", reasons="Crop loss")],
                           respondent_addresses=["浙江省衢州市经济开发区"])
    assert proc.missing_content(case) == []
    assert [d.instrument for d in case.deliveries] == ["supplement_request"]
    proc.accept(case, date(2025, 3, 10))
    assert case.stage is Stage.ACCEPTED and len(case.claims) == 2


def test_accept_closes_review_and_opens_invitation_clock(proc) -> None:
    case = to_accepted(proc, file_case(proc))
    review = tracker.find_latest(case, "formal_review")
    assert tracker.status(review, date(2026, 1, 1)) is DeadlineStatus.MET
    invitation = tracker.find_open(case, "invitation")
    # 2025-03-12 + 10 working days = 2025-03-26.
    assert invitation.due_on == date(2025, 3, 26)
    assert [(d.instrument, d.addressee_side) for d in case.deliveries] == [("acceptance_decision", A)]


def test_late_acceptance_is_recorded_as_missed(proc) -> None:
    case = file_case(proc)
    proc.accept(case, date(2025, 3, 18))
    assert tracker.status(tracker.find_latest(case, "formal_review"), date(2026, 1, 1)) is DeadlineStatus.MISSED


def test_rejection_and_reapplication_on_the_same_matter(proc) -> None:
    case = file_case(proc)
    with pytest.raises(ProcedureError, match="must state its grounds"):
        proc.reject(case, "  ", date(2025, 3, 10))
    proc.reject(case, "Outside the scope: the dispute concerns a criminal matter.", date(2025, 3, 10))
    assert case.stage is Stage.REJECTED and case.closed_on is None
    with pytest.raises(ProcedureError, match="the case is closed"):
        proc.accept(case, date(2025, 3, 11))
    again = file_case(proc, dict(copy.deepcopy(BASE_APPLICATION), received_on="2025-04-01",
                                 reapplication_of=case.number))
    assert again.reapplication_of_id == case.id and again.number == "MVC-2025-0002"
    with pytest.raises(InvalidInputError, match="only a rejected application may be filed again"):
        file_case(proc, dict(copy.deepcopy(BASE_APPLICATION), reapplication_of=again.number))


def test_agents_and_representatives_added_later_respect_limits(proc) -> None:
    case = file_case(proc)
    poa = FileIn(title="PoA", name="poa.txt", content_base64=b64("授权委托书"))
    proc.add_agent(case, R, AgentIn(name="张伟", power_of_attorney=poa), date(2025, 3, 5))
    proc.add_agent(case, R, AgentIn(name="李娜", power_of_attorney=poa), date(2025, 3, 5))
    with pytest.raises(ProcedureError, match="already has 2 agents"):
        proc.add_agent(case, R, AgentIn(name="王五", power_of_attorney=poa), date(2025, 3, 5))
    assert case.respondent.agents[0].power_of_attorney.kind == "power_of_attorney"
    proc.add_representative(case, A, RepresentativeIn(name="Jean-Pierre"), date(2025, 3, 5))
    with pytest.raises(ProcedureError, match="no member number 5"):
        proc.add_representative(case, A, RepresentativeIn(name="X", member=5), date(2025, 3, 5))


def test_dates_before_receipt_or_in_the_future_are_refused(proc) -> None:
    case = file_case(proc)
    with pytest.raises(ProcedureError, match="before 2025-03-03"):
        proc.accept(case, date(2025, 3, 1))
    with pytest.raises(ProcedureError, match="in the future"):
        proc.accept(case, date(2026, 12, 1))
