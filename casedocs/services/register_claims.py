"""The points in dispute as the register publishes them (第六章第1.1条, issue 13): each claim and its
reasons through the PUBLIC disclosure of the case (cases.confidentiality, issue 11), as a `public` rendering
made today prints them (the register reads the record as it stands: a decision released since the sealed
rendering shows its items here).

- a claim (or its reasons) withheld from the public prints the placeholder naming the decision or the
  pending request, and nothing of the text (第六章第2.2条);
- a natural person is never named (第六章第1.1条: the public learns party categories): the disclosure's
  last net (`Disclosure.scrub`) replaces any withheld value a claim quotes — a resident's name, an
  agent's name, a withheld address — by its placeholder, as entered and in Traditional characters;
- free text prints in the reader's language where a translation is on record, else the original with
  the mark that its translation is pending.

The search index (casedocs.services.register_search) reads `searchable`: only what the public may read, never
a placeholder nor a pending-translation mark (they would make every withheld claim findable by the words
"withheld" or "不予披露").
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.confidentiality.disclosure import Disclosure
from cases.confidentiality.items import ItemRef, TextPart
from cases.confidentiality.translations import versions
from cases.confidentiality.withholding import withholding
from cases.models import Case, Translation
from docgen.locale import to_traditional

LANGUAGES = ("zh", "zh-Hant", "en")


@dataclass(frozen=True)
class PublicText:
    """One text of a point in dispute in one language, as the public reads it."""

    text: str
    withheld: bool = False
    pending: str = ""  # the mark printed before an original whose translation is pending
    searchable: str = ""  # the text less every placeholder: what the search indexes

    @property
    def shown(self) -> str:
        return f"{self.pending}{self.text}" if self.pending else self.text


@dataclass(frozen=True)
class PointInDispute:
    """A claim of the application and its reasons, per language (zh, zh-Hant, en)."""

    position: int
    claim: dict[str, PublicText]
    reasons: dict[str, PublicText]

    def searchable(self) -> list[str]:
        """The texts the public may read (no placeholder, no pending mark), in every language."""
        return [t.searchable for part in (self.claim, self.reasons) for t in part.values() if t.searchable]

    def as_json(self) -> dict[str, object]:
        return {"position": self.position,
                "claim": {lang: t.shown for lang, t in self.claim.items()},
                "reasons": {lang: t.shown for lang, t in self.reasons.items()},
                "withheld": sorted({part for part, texts in (("claim", self.claim), ("reasons", self.reasons))
                                    if any(t.withheld for t in texts.values())})}


def _printed(view: Disclosure, ref: ItemRef, lang: str) -> PublicText:
    """What `lang` prints of `ref` for the public: the version, the marked original or the placeholder, then
    scrubbed of every withheld value (in the script of `lang`: Traditional characters for zh-Hant)."""
    [part] = view.text(ref, lang).parts
    if part.withheld:
        return PublicText(part.body, withheld=True)
    convert = to_traditional if lang == "zh-Hant" else _same
    body = convert(part.body)
    searchable = body
    for value, _ in view.secrets(lang):
        for form in (value, convert(value)):
            searchable = searchable.replace(form, " ")
    return PublicText(view.scrub(body, lang, convert), pending=convert(part.marker), searchable=searchable)


def _same(text: str) -> str:
    return text


def points_in_dispute(session: Session, cases: Sequence[Case], on: date) -> dict[int, tuple[PointInDispute, ...]]:
    """Each case's points in dispute as the public reads them on `on` (today: a decision may have been
    released since), keyed by case id. One query for the translations of every case; the cases come with
    what the disclosure reads loaded (casedocs.services.register.register's selectinload)."""
    records: dict[int, list[Translation]] = {case.id: [] for case in cases}
    if cases:
        for record in session.scalars(select(Translation).where(Translation.case_id.in_(list(records)))
                                      .order_by(Translation.id)):
            records[record.case_id].append(record)
    return {case.id: _points(case, records[case.id], on) for case in cases}


def _points(case: Case, records: Iterable[Translation], on: date) -> tuple[PointInDispute, ...]:
    view = Disclosure(case, withholding(case, Audience.PUBLIC, on), versions(case, records))

    def part(i: int, which: TextPart) -> dict[str, PublicText]:
        return {lang: _printed(view, ItemRef.claim(i, which), lang) for lang in LANGUAGES}

    return tuple(PointInDispute(i + 1, part(i, TextPart.CLAIM), part(i, TextPart.REASONS))
                 for i in range(len(case.claims)))
