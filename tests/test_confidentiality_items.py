"""Item references (issue 11): parsed once from their text, checked against the case and the import document."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from cases.application import parse_application
from cases.confidentiality import IdentityRole, ItemKind, ItemRef, RecordField, StatementOf, TextPart
from cases.db import alembic_config
from cases.errors import InvalidInputError, ProcedureError
from cases.models import ConfidentialityRequest
from cases.vocabulary import SideRole
from casedocs.services import acts
from confidentiality_support import APPLICATION, file_confidential_case

A, R = SideRole.APPLICANT, SideRole.RESPONDENT


@pytest.mark.parametrize("written, expected", [
    ("exhibit:1", ItemRef.exhibit(1)),
    ("identity:applicant:2", ItemRef.identity(A, 2)),
    ("identity:applicant:member:2", ItemRef.identity(A, 2)),
    ("identity:respondent:agent:0", ItemRef.identity(R, 0, IdentityRole.AGENT)),
    ("identity:respondent:representative:1", ItemRef.identity(R, 1, IdentityRole.REPRESENTATIVE)),
    ("claim:0", ItemRef.claim(0)),
    ("claim:0.reasons", ItemRef.claim(0, TextPart.REASONS)),
    ("field:facts", ItemRef.record_field(RecordField.FACTS)),
    ("field:agreement.other_terms", ItemRef.record_field(RecordField.AGREEMENT_OTHER)),
    ("statement:objection:0.evidence", ItemRef.statement(StatementOf.OBJECTION, 0, TextPart.EVIDENCE)),
    ("statement:recusal:3", ItemRef.statement(StatementOf.RECUSAL, 3)),
    ("obligation:1.indicators", ItemRef.obligation(1, TextPart.INDICATORS)),
    ("monitoring:0", ItemRef.monitoring(0)),
    ("  exhibit:0 ", ItemRef.exhibit(0)),
])
def test_an_item_is_read_from_its_text_once_and_printed_back_the_canonical_way(written: str,
                                                                               expected: ItemRef) -> None:
    parsed = ItemRef.parse(written)
    assert parsed == expected and hash(parsed) == hash(expected)
    assert ItemRef.parse(str(parsed)) == parsed
    assert str(ItemRef.parse("identity:applicant:member:2")) == "identity:applicant:2"


@pytest.mark.parametrize("written, says", [
    ("", "unknown item"),
    ("exhibit", "malformed item"),
    ("picture:1", "unknown item"),
    ("exhibit:-1", "malformed item"),
    ("exhibit:01", "malformed item"),
    ("exhibit:one", "malformed item"),
    ("exhibit:1:2", "malformed item"),
    ("exhibit:99999999999", "malformed item"),
    ("identity:neighbour:0", "unknown side 'neighbour'"),
    ("identity:applicant:lawyer:0", "unknown role 'lawyer'"),
    ("claim:0.evidence", "claim has no part 'evidence'"),
    ("field:secrets", "unknown field 'secrets'"),
    ("statement:appeal:0", "unknown statement of 'appeal'"),
    ("monitoring:0.text", "malformed item"),
])
def test_a_malformed_item_is_refused_with_what_is_expected(written: str, says: str) -> None:
    with pytest.raises(InvalidInputError, match=says.replace("(", r"\(")):
        ItemRef.parse(written)


def test_a_whole_item_covers_its_parts_and_a_part_does_not_cover_the_whole() -> None:
    whole, reasons = ItemRef.claim(1), ItemRef.claim(1, TextPart.REASONS)
    assert whole.covers(reasons) and whole.covers(whole) and not reasons.covers(whole)
    assert not whole.covers(ItemRef.claim(0, TextPart.REASONS))
    assert reasons.whole == whole and whole.kind is ItemKind.CLAIM


def test_a_label_names_the_kind_of_item_but_nothing_of_it() -> None:
    assert ItemRef.parse("claim:1.reasons").label("en") == "reasons of claim 2"
    assert ItemRef.parse("claim:1.claim").label("zh") == "诉求2"
    assert ItemRef.parse("statement:objection:0.evidence").label("zh") == "异议1的证据"
    assert ItemRef.parse("identity:respondent:agent:0").label("zh") == "相对方代理人1"


def test_the_import_counts_exhibits_in_its_own_list_and_the_case_stores_them_in_the_cases(proc) -> None:
    case = file_confidential_case(proc)
    [request] = case.confidentiality_requests
    # The case's list holds the agent's power of attorney first: the document's exhibit 1 is the case's 2.
    assert [e.kind for e in case.exhibits] == ["power_of_attorney", "evidence", "evidence"]
    assert request.items == [ItemRef.exhibit(2), ItemRef.identity(A, 1), ItemRef.claim(1, TextPart.REASONS)]
    assert case.exhibits[2].title.startswith("Statement of the witness")
    assert request.sequence == 1


def test_items_are_stored_as_their_text_and_read_back_as_items(proc) -> None:
    case = file_confidential_case(proc)
    proc.session.expire_all()
    stored = proc.session.execute(text("SELECT items FROM confidentiality_requests WHERE case_id = :c"),
                                  {"c": case.id}).scalar_one()
    assert "identity:applicant:1" in str(stored)
    [request] = proc.session.scalars(select(ConfidentialityRequest).where(ConfidentialityRequest.case_id == case.id))
    assert request.items[1] == ItemRef.identity(A, 1)


def test_the_import_refuses_an_item_its_document_does_not_have_and_says_where() -> None:
    document = {**APPLICATION, "confidentiality_requests": [{
        **APPLICATION["confidentiality_requests"][0], "items": ["exhibit:1", "exhibit:2", "identity:respondent:3",
                                                                 "field:termination_statement"]}]}
    with pytest.raises(InvalidInputError) as refused:
        parse_application(document)
    message = str(refused.value)
    assert "confidentiality_requests.0.items.1: exhibit:2: the application lists 2 exhibits, counted from 0 " \
           "(exhibit:0 to exhibit:1)" in message
    assert "items.2: identity:respondent:3: the application lists 1 respondent.members" in message
    assert "an application has only field:facts" in message


def test_the_import_refuses_a_malformed_item_naming_it() -> None:
    document = {**APPLICATION, "confidentiality_requests": [{
        **APPLICATION["confidentiality_requests"][0], "items": ["exhibit:x"]}]}
    with pytest.raises(InvalidInputError, match="items.0: .*malformed item 'exhibit:x'"):
        parse_application(document)


def test_a_request_naming_an_item_the_case_lacks_is_refused_and_changes_nothing(proc) -> None:
    case = file_confidential_case(proc)
    with pytest.raises(ProcedureError, match="claim:5: MVC-2025-0001 has 2 claims, counted from 0 \\(claim:0 to "
                                             "claim:1\\)"):
        proc.request_confidentiality(case, R, "sales", ["other_side"], "5 years", "commercial", date(2025, 3, 5),
                                     items=[ItemRef.exhibit(0), ItemRef.claim(5)])
    with pytest.raises(ProcedureError, match="statement:objection:0: MVC-2025-0001 has no objections"):
        proc.request_confidentiality(case, R, "x", ["other_side"], "5 years", "y", date(2025, 3, 5),
                                     items=[ItemRef.statement(StatementOf.OBJECTION, 0)])
    with pytest.raises(ProcedureError, match="field:agreement.other_terms: MVC-2025-0001 has no agreement yet"):
        proc.request_confidentiality(case, R, "x", ["other_side"], "5 years", "y", date(2025, 3, 5),
                                     items=[ItemRef.record_field(RecordField.AGREEMENT_OTHER)])
    assert len(case.confidentiality_requests) == 1


def test_case_act_takes_items_as_text_like_the_command_line(proc, tmp_path: Path) -> None:
    case = file_confidential_case(proc)
    done = acts.take_action(proc, case.number, acts.action_named("request_confidentiality"), {
        "requested_by": "respondent", "information": "Sales volumes", "audience": "third_parties_and_public",
        "duration": "five years", "reason": "commercial", "on": "2025-03-05", "items": "exhibit:0,field:facts",
        "release_after": "2030-03-05"}, tmp_path)
    request = next(r for r in case.confidentiality_requests if r.id == done.id)
    assert request.items == [ItemRef.exhibit(0), ItemRef.record_field(RecordField.FACTS)]
    assert request.release_after == date(2030, 3, 5) and request.sequence == 2
    with pytest.raises(InvalidInputError, match="items=exhibit:0,claim:zero: .*malformed item 'claim:zero'"):
        acts.take_action(proc, case.number, acts.action_named("request_confidentiality"), {
            "requested_by": "respondent", "information": "x", "audience": "other_side", "duration": "d",
            "reason": "r", "on": "2025-03-05", "items": "exhibit:0,claim:zero"}, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres_url"))


def test_the_migration_numbers_the_requests_already_recorded_per_case(empty_database_url: str) -> None:
    from alembic import command

    url = empty_database_url
    command.upgrade(alembic_config(url), "0005")
    engine = create_engine(url)
    with engine.begin() as connection:
        for case_id, number in ((1, "MVC-2025-0001"), (2, "MVC-2025-0002")):
            connection.execute(text(
                "INSERT INTO cases (id, number, year, sequence, title, stage, received_on, region, country, industry, "
                "issue_types, facts, channel, deemed_refusal, created_at) VALUES (:id, :number, 2025, :id, 't', "
                "'received', '2025-03-03', 'r', 'c', 'i', '[]', 'f', 'email', false, '2025-03-03 00:00:00')"),
                {"id": case_id, "number": number})
        for case_id in (1, 2, 1):
            connection.execute(text(
                "INSERT INTO confidentiality_requests (case_id, requested_by, information, audience, duration, "
                "reason, received_on, decided_audience) VALUES (:case_id, 'applicant', 'i', '[\"other_side\"]', "
                "'d', 'r', '2025-03-03', '[]')"), {"case_id": case_id})
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT case_id, sequence, items FROM confidentiality_requests ORDER BY id"))
        assert [(row[0], row[1], json.loads(row[2]) if isinstance(row[2], str) else row[2]) for row in rows] == \
            [(1, 1, []), (2, 1, []), (1, 2, [])]
    engine.dispose()


def test_every_free_text_field_of_the_case_the_agreement_and_the_closure_report_can_be_named() -> None:
    from sqlalchemy import Text

    from cases.models import Agreement, Case, ClosureReport

    for owner, model in (("case", Case), ("agreement", Agreement), ("closure", ClosureReport)):
        texts = {column.name for column in model.__table__.columns if isinstance(column.type, Text)}
        named = {field.attribute for field in RecordField if field.owner == owner}
        assert texts == named, (owner, sorted(texts ^ named))
