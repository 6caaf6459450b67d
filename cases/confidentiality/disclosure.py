"""One audience's view of a case at a moment: what the renderers and pages ask, item by item.

    view = disclosure(session, case, Audience.RESPONDENT, on)
    view.text(ItemRef.record_field(RecordField.FACTS), "zh")  # Printed: the zh version, the marked original,
                                                              # or the placeholder when withheld
    view.ground(ItemRef.exhibit(0))                           # None, or why exhibit 0 is withheld
    view.shows_risk_assessments                               # the secretariat only (第六章第4条)
    view.title("zh"), view.side_name(SideRole.APPLICANT, "en")  # never naming what is withheld

It reads the case as loaded and its translations (one query); it changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.confidentiality.items import ItemRef
from cases.confidentiality.translations import Printed, PrintedPart, Versions, pick, translations_of, versions
from cases.confidentiality.values import mentions, values_of
from cases.confidentiality.withholding import Ground, Withholding, withheld_word, withholding
from cases.errors import InvalidInputError
from cases.vocabulary import SideRole

if TYPE_CHECKING:
    from cases.models import Case


@dataclass(frozen=True, eq=False)
class Disclosure:
    case: Case
    withholding: Withholding
    texts: dict[ItemRef, Versions]

    @property
    def case_number(self) -> str:
        return self.case.number

    @property
    def audience(self) -> Audience:
        return self.withholding.audience

    @property
    def shows_risk_assessments(self) -> bool:
        return self.withholding.shows_risk_assessments

    def ground(self, ref: ItemRef) -> Ground | None:
        """Why `ref` (an exhibit, an identity, a claim, a part of one...) is withheld, or None."""
        return self.withholding.ground(ref)

    def text(self, ref: ItemRef, edition: str) -> Printed:
        """What `edition` prints for the free text `ref` names alone (claim:0.reasons, field:facts...)."""
        v = self.texts.get(ref)
        if v is None:  # no text (an empty field): nothing to print, unless it is withheld
            ground = self.ground(ref)
            editions = ("zh", "en") if edition == "bilingual" else (edition,)
            return Printed(tuple(PrintedPart(e, ground.placeholder(e) if ground else "", withheld=ground is not None)
                                 for e in editions))
        return pick(v, edition, self.withholding)

    def value(self, ref: ItemRef, value: str, lang: str) -> str:
        """A value that is not free text (a name, an address, an exhibit's title or file name), or the
        placeholder in `lang` (zh, zh-Hant, en) when `ref` is withheld."""
        return self.withholding.text(ref, value, lang)

    def listed(self, ref: ItemRef, value: str, lang: str) -> str:
        """An entry of a numbered list (an exhibit): itself, or "withheld" in its place so that the numbering
        still matches."""
        return value if self.ground(ref) is None else withheld_word(lang)


    def title(self, lang: str) -> str:
        """The case's title, or one made of the party categories when the title would tell the public who the
        parties are, or repeats anything withheld from this audience (a default title names the members)."""
        if self.audience is Audience.PUBLIC or any(
                mentions(self.case.title, value) for ref in self.withholding.items
                for value in values_of(self.case, ref)):
            return neutral_title(self.case, lang)
        return self.case.title

    def side_name(self, role: SideRole, lang: str) -> str:
        """A side as an addressee or a heading names it (its first member, "et al." for more), with the first
        member's category in place of a withheld name."""
        side = self.case.side(role)
        first = side.members[0]
        zh = lang.startswith("zh")
        name = first.full_name if self.ground(ItemRef.identity(role, 0)) is None else \
            (first.category.zh if zh else first.category.en)
        count = len(side.members)
        if count == 1:
            return name
        return f"{name}等（{count}）" if zh else f"{name} et al. ({count})"

    # -- the last net ---------------------------------------------------------------------------------

    def secrets(self, lang: str) -> list[tuple[str, str]]:
        """(value, placeholder in `lang`) of everything withheld from this audience, longest values first:
        every value an item carries, and its translations."""
        found: dict[str, str] = {}
        for ref in self.withholding.items:
            ground = self.ground(ref)
            if ground is None:
                continue
            try:
                values = values_of(self.case, ref)
            except InvalidInputError:  # an item the record no longer has (a list shortened since): nothing to hide
                continue
            for value in values:
                found.setdefault(value.strip(), ground.placeholder(lang))
        for ref, v in self.texts.items():
            ground = self.ground(ref)
            if ground is not None:
                for translation in [*v.translations.values(), *v.stale.values()]:
                    found.setdefault(translation.text.strip(), ground.placeholder(lang))
        return sorted(((value, shown) for value, shown in found.items() if len(value) >= 2),
                      key=lambda pair: -len(pair[0]))

    def scrub(self, data: Any, lang: str, forms_of: Callable[[str], str] | None = None) -> Any:
        """`data` (plain data: str, dict, list) with every withheld value replaced by its placeholder, in
        every form it may take (`forms_of`: another spelling, e.g. Traditional characters). The last net
        after a page, a JSON document or a rendering context was built: an audit event quoting a name, a
        title made of the members' names."""
        pairs = self.secrets(lang)
        if not pairs:
            return data
        forms = [(form, shown) for value, shown in pairs
                 for form in dict.fromkeys((value, forms_of(value) if forms_of else value))]
        return _replace(data, forms)


def _replace(data: Any, forms: list[tuple[str, str]]) -> Any:
    if isinstance(data, str):
        for value, shown in forms:
            if value in data:
                data = data.replace(value, shown)
        return data
    if isinstance(data, dict):
        return {key: _replace(item, forms) for key, item in data.items()}
    if isinstance(data, list):
        return [_replace(item, forms) for item in data]
    return data


def neutral_title(case: Case, lang: str) -> str:
    """"社区 — 精炼企业" / "Community — Company (refining)": the sides by their members' categories."""
    zh = lang.startswith("zh")
    parts = []
    for side in case.sides:
        categories = list(dict.fromkeys(m.category for m in side.members))
        parts.append(("、" if zh else ", ").join(c.zh if zh else c.en for c in categories))
    return " — ".join(parts)


def disclosure(session: Session, case: Case, audience: Audience, on: date) -> Disclosure:
    return Disclosure(case, withholding(case, audience, on), versions(case, translations_of(session, case)))
