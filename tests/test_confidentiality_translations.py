"""Bilingual free text (issue 11): translations are records; each edition prints its language's version or
the marked original; a translation is withheld like its original."""
from __future__ import annotations

from datetime import date

import pytest

from cases.confidentiality import Audience, ItemRef, RecordField, TextPart
from cases.confidentiality.disclosure import disclosure
from cases.confidentiality.languages import Language, detect_language
from cases.confidentiality.translations import add_translation, pending, pick, translations_of, versions
from cases.errors import InvalidInputError
from confidentiality_support import SECRET_REASONS, actions, file_confidential_case

FACTS = ItemRef.record_field(RecordField.FACTS)
REASONS = ItemRef.claim(1, TextPart.REASONS)
ON = date(2025, 3, 10)
FACTS_ZH = "一月，尾矿库渗漏物流入卡瓦马河。"


def _versions(proc, case):  # noqa: ANN001, ANN202
    return versions(case, translations_of(proc.session, case))


@pytest.mark.parametrize("text, language", [
    ("Seepage from the tailings facility reached the river.", Language.EN),
    ("尾矿库渗漏物流入河流。", Language.ZH),
    ("华钴精炼有限公司 did not publish its monitoring data for the river", Language.EN),
    ("Kawama Village Committee 向秘书处提交了申请书和证据材料", Language.ZH),
])
def test_the_original_language_is_read_from_the_text_in_words(text: str, language: Language) -> None:
    assert detect_language(text) is language


def test_the_zh_edition_prints_the_translation_or_else_the_original_marked(proc) -> None:
    case = file_confidential_case(proc)
    facts = _versions(proc, case)[FACTS]
    assert facts.original_language is Language.EN
    assert pick(facts, "zh").text == "〔原文为英文，译文待补〕" + case.facts
    assert pick(facts, "zh-Hant").text == "〔原文為英文，譯文待補〕" + case.facts
    assert pick(facts, "en").text == case.facts
    add_translation(proc.session, case, FACTS, Language.ZH, FACTS_ZH, "translator.li", ON)
    facts = _versions(proc, case)[FACTS]
    printed = pick(facts, "zh")
    assert printed.text == FACTS_ZH and printed.parts[0].translated and not printed.parts[0].marker
    assert pick(facts, "en").text == case.facts


def test_the_en_edition_prints_a_chinese_original_marked_until_translated(proc) -> None:
    case = file_confidential_case(proc, facts=FACTS_ZH)
    facts = _versions(proc, case)[FACTS]
    assert pick(facts, "en").text == "[Chinese original; English translation pending]" + FACTS_ZH
    assert pick(facts, "zh").text == FACTS_ZH
    add_translation(proc.session, case, FACTS, Language.EN, "In January, seepage reached the river.", "t", ON)
    assert pick(_versions(proc, case)[FACTS], "en").text == "In January, seepage reached the river."


def test_the_bilingual_edition_prints_both_versions_where_both_exist(proc) -> None:
    case = file_confidential_case(proc)
    add_translation(proc.session, case, FACTS, Language.ZH, FACTS_ZH, "t", ON)
    printed = pick(_versions(proc, case)[FACTS], "bilingual")
    assert [(p.edition, p.text) for p in printed.parts] == [("zh", FACTS_ZH), ("en", case.facts)]
    only_original = pick(_versions(proc, case)[ItemRef.claim(0, TextPart.CLAIM)], "bilingual")
    assert [p.marker for p in only_original.parts] == ["〔原文为英文，译文待补〕", ""]


def test_a_translation_is_withheld_like_its_original(proc) -> None:
    case = file_confidential_case(proc)
    add_translation(proc.session, case, REASONS, Language.ZH, "报复风险（译文）MARKER-TRANSLATION", "t", ON)
    for_respondent = disclosure(proc.session, case, Audience.RESPONDENT, ON)
    for edition in ("zh", "zh-Hant", "en", "bilingual"):
        printed = for_respondent.text(REASONS, edition).text
        assert "MARKER" not in printed and "报复" not in printed
        assert all(part.withheld for part in for_respondent.text(REASONS, edition).parts)
    assert for_respondent.text(REASONS, "zh").text == "〔依保密申请 MVC-2025-0001/保密-1 暂不披露〕"
    for_applicant = disclosure(proc.session, case, Audience.APPLICANT, ON)
    assert for_applicant.text(REASONS, "zh").text == "报复风险（译文）MARKER-TRANSLATION"
    assert for_applicant.text(REASONS, "en").text == SECRET_REASONS
    assert for_respondent.listed(ItemRef.exhibit(2), "Statement of the witness", "en") == "withheld"
    assert for_respondent.value(ItemRef.identity(case.applicant.role, 1), "Amani", "en").startswith("[withheld")


def test_the_worklist_lists_what_lacks_a_translation_and_a_changed_original_returns_to_it(proc) -> None:
    case = file_confidential_case(proc)
    listed = {str(p.ref): p for p in pending(case, translations_of(proc.session, case))}
    assert set(listed) == {"field:facts", "claim:0.claim", "claim:0.reasons", "claim:1.claim", "claim:1.reasons",
                           # the application's own request: its reasons, the information it names, its duration
                           "statement:confidentiality:0.reasons", "statement:confidentiality:0.information",
                           "statement:confidentiality:0.duration"}
    assert listed["field:facts"].needs is Language.ZH and not listed["field:facts"].stale
    add_translation(proc.session, case, FACTS, Language.ZH, FACTS_ZH, "t", ON)
    assert "field:facts" not in {str(p.ref) for p in pending(case, translations_of(proc.session, case))}
    case.facts = case.facts + " It happened again in February."
    again = {str(p.ref): p for p in pending(case, translations_of(proc.session, case))}
    assert again["field:facts"].stale
    assert pick(_versions(proc, case)[FACTS], "zh").parts[0].marker == "〔原文为英文，译文待补〕"  # not the old one


def test_a_translation_is_refused_into_its_original_language_or_for_what_is_not_one_text(proc) -> None:
    case = file_confidential_case(proc)
    with pytest.raises(InvalidInputError, match="field:facts was written in English; a translation is into Chinese"):
        add_translation(proc.session, case, FACTS, Language.EN, "x", "t", ON)
    with pytest.raises(InvalidInputError, match="claim:1 has several texts: name one of claim:1.claim, "
                                                "claim:1.reasons"):
        add_translation(proc.session, case, ItemRef.claim(1), Language.ZH, "x", "t", ON)
    with pytest.raises(InvalidInputError, match="exhibit:0 is not a free text"):
        add_translation(proc.session, case, ItemRef.exhibit(0), Language.ZH, "x", "t", ON)
    with pytest.raises(InvalidInputError, match="claim:7.claim: MVC-2025-0001 has 2 claims"):
        add_translation(proc.session, case, ItemRef.claim(7, TextPart.CLAIM), Language.ZH, "x", "t", ON)
    with pytest.raises(InvalidInputError, match="is empty"):
        add_translation(proc.session, case, FACTS, Language.ZH, "  ", "t", ON)
    assert translations_of(proc.session, case) == []


def test_a_translation_is_audited_with_who_and_when_but_not_its_text(proc) -> None:
    case = file_confidential_case(proc)
    record = add_translation(proc.session, case, REASONS, Language.ZH, "报复风险 MARKER-TRANSLATION", "translator.li",
                             ON)
    assert (record.translated_by, record.translated_on, record.original_language) == ("translator.li", ON,
                                                                                      Language.EN)
    event = actions(proc, case)[-1]
    assert event.action == "translation_added" and event.actor == "translator.li" and event.on == ON
    assert event.detail["item"] == "claim:1.reasons" and "MARKER" not in str(event.detail)


def test_the_original_language_may_be_set_where_reading_it_errs(proc) -> None:
    case = file_confidential_case(proc, facts="Kawama 村 河流")
    add_translation(proc.session, case, FACTS, Language.ZH, "卡瓦马村河流", "t", ON, original_language=Language.EN)
    facts = _versions(proc, case)[FACTS]
    assert facts.original_language is Language.EN and facts.needs is None
