"""Bilingual free text: translations as records, the worklist, and what each edition prints.

The mechanism works in Chinese and English (第六章; the secretariat arranges translation where needed),
and Chinese prevails. What people write — facts, claims and reasons, statements, agreement terms,
monitoring texts — is written once, in one language; each translation is a `Translation` record (who,
when, and the sha256 of the original it translates, so that a changed original is due again).

What an edition prints (`pick`):
- zh and zh-Hant: the Chinese version where there is one, else the original marked 〔原文为英文，译文待补〕
  (the Traditional edition converts the characters itself, as it does for all free text);
- en: the English version, else the original marked "[Chinese original; English translation pending]";
- bilingual: the Chinese part prints the zh pick, the English part the en pick.
A translation is the same item as its original: withheld from an audience, both are (`Withholding`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit
from cases.confidentiality.items import DecisionOf, ItemKind, ItemRef, RecordField, StatementOf, TextPart, check_item
from cases.confidentiality.languages import Language, detect_language
from cases.confidentiality.values import decided, decision_texts, extensions, field_owner, switches
from cases.confidentiality.withholding import Withholding
from cases.errors import InvalidInputError
from cases.events import AuditAction

if TYPE_CHECKING:
    from cases.models import Case, Translation

EDITIONS = ("zh", "zh-Hant", "en", "bilingual")
MAX_TRANSLATION_CHARS = 200_000

_PENDING_MARKERS: dict[tuple[str, Language], str] = {
    ("zh", Language.EN): "〔原文为英文，译文待补〕",
    ("zh-Hant", Language.EN): "〔原文為英文，譯文待補〕",
    ("en", Language.ZH): "[Chinese original; English translation pending]",
}


def pending_marker(edition: str, original: Language) -> str:
    """The mark printed before an original the edition's language has no version of yet."""
    return _PENDING_MARKERS[(edition, original)]


# -- the free texts of a case ------------------------------------------------------------------

def free_texts(case: Case) -> list[tuple[ItemRef, str]]:
    """Every free-text value of the case that has text, each under the reference that names it alone
    (claim:0.claim and claim:0.reasons, not claim:0), in the order of the record."""
    texts: list[tuple[ItemRef, str]] = []
    for field in RecordField:
        owner = field_owner(case, field.owner)
        if owner is not None:
            texts.append((ItemRef.record_field(field), getattr(owner, field.attribute) or ""))
    for i, claim in enumerate(case.claims):
        texts += [(ItemRef.claim(i, TextPart.CLAIM), claim.claim), (ItemRef.claim(i, TextPart.REASONS), claim.reasons)]
    for i, objection in enumerate(case.objections):
        texts += [(ItemRef.statement(StatementOf.OBJECTION, i, TextPart.STATEMENT), objection.statement),
                  (ItemRef.statement(StatementOf.OBJECTION, i, TextPart.EVIDENCE), objection.evidence)]
    for i, recusal in enumerate(case.recusal_requests):
        texts.append((ItemRef.statement(StatementOf.RECUSAL, i), recusal.reasons))
    for i, request in enumerate(case.confidentiality_requests):
        texts += [(ItemRef.statement(StatementOf.CONFIDENTIALITY, i, part), text) for part, text in (
            (TextPart.REASONS, request.reason), (TextPart.INFORMATION, request.information),
            (TextPart.DURATION, request.duration))]
    for i, obligation in enumerate(case.agreement.obligations if case.agreement else []):
        texts += [(ItemRef.obligation(i, TextPart.DESCRIPTION), obligation.description),
                  (ItemRef.obligation(i, TextPart.INDICATORS), obligation.indicators)]
    for i, update in enumerate(case.monitoring_updates):
        texts.append((ItemRef.monitoring(i), update.text))
    for i, tool in enumerate(case.tools):
        texts += [(ItemRef.tool(i, TextPart.SCOPE), tool.scope),
                  (ItemRef.tool(i, TextPart.FINDINGS), tool.findings or "")]
    for of in DecisionOf:
        texts += [(ItemRef.decision(of, i, part), text) for i in range(len(decided(case, of)))
                  for part, text in decision_texts(case, of, i).items()]
    texts += [(ItemRef.extension(i), extension.reason) for i, extension in enumerate(extensions(case))]
    texts += [(ItemRef.supplement(i), request.items) for i, request in enumerate(case.supplement_requests)]
    texts += [(ItemRef.switch(i), period.switch_reason or "") for i, period in enumerate(switches(case))]
    return [(ref, text) for ref, text in texts if text and text.strip()]


def text_of(case: Case, ref: ItemRef) -> str:
    """The one text `ref` names, or a clear error (an item that does not exist, or one of several texts)."""
    check_item(case, ref)
    for named, text in free_texts(case):
        if named == ref:
            return text
    if ref.kind in (ItemKind.EXHIBIT, ItemKind.IDENTITY):
        raise InvalidInputError(f"{ref} is not a free text: only texts people write are translated")
    parts = [str(named) for named, _ in free_texts(case) if ref.covers(named)]
    if parts:
        raise InvalidInputError(f"{ref} has several texts: name one of {', '.join(parts)}")
    raise InvalidInputError(f"{ref} has no text yet")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the records --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Versions:
    """One free text with its original language and its latest current translation into each language."""

    ref: ItemRef
    original: str
    original_language: Language
    translations: dict[Language, Translation]  # only those made from the original as it is now
    stale: dict[Language, Translation]         # made from an earlier original: due again

    def version(self, language: Language) -> str | None:
        if language is self.original_language:
            return self.original
        found = self.translations.get(language)
        return found.text if found is not None else None

    @property
    def needs(self) -> Language | None:
        """The language it still lacks, if any."""
        other = self.original_language.other
        return None if other in self.translations else other


def translations_of(session: Session, case: Case) -> list[Translation]:
    from cases.models import Translation

    return list(session.scalars(select(Translation).where(Translation.case_id == case.id).order_by(Translation.id)))


def versions(case: Case, records: Iterable[Translation]) -> dict[ItemRef, Versions]:
    """Every free text of the case with its translations (`records`: translations_of, read once)."""
    by_item: dict[ItemRef, list[Translation]] = {}
    for record in records:
        by_item.setdefault(record.item, []).append(record)
    found: dict[ItemRef, Versions] = {}
    for ref, text in free_texts(case):
        digest, made = sha256_text(text), by_item.get(ref, [])
        current = {r.language: r for r in made if r.source_sha256 == digest}  # later records win
        stale = {r.language: r for r in made if r.source_sha256 != digest and r.language not in current}
        recorded = [r.original_language for r in made if r.source_sha256 == digest]
        language = recorded[-1] if recorded else detect_language(text)
        found[ref] = Versions(ref, text, language, current, stale)
    return found


@dataclass(frozen=True)
class Pending:
    case_number: str
    ref: ItemRef
    original_language: Language
    needs: Language
    stale: bool    # a translation exists but its original has changed since
    excerpt: str   # the start of the original (the worklist is the secretariat's)


def pending(case: Case, records: Iterable[Translation]) -> list[Pending]:
    """What lacks a translation into the other working language, in the order of the record."""
    items = []
    for v in versions(case, records).values():
        if v.needs is not None:
            excerpt = " ".join(v.original.split())
            items.append(Pending(case.number, v.ref, v.original_language, v.needs, v.needs in v.stale,
                                 excerpt if len(excerpt) <= 60 else excerpt[:59] + "…"))
    return items


def add_translation(session: Session, case: Case, ref: ItemRef, language: Language, text: str, by: str,
                    on: date, *, original_language: Language | None = None) -> Translation:
    """Record a translation of the free text `ref` into `language`, and audit it (never its text: it may be
    confidential). `original_language` corrects what the original was written in, when detection erred."""
    from cases.models import Translation

    original = text_of(case, ref)
    text = text.strip()
    if not text:
        raise InvalidInputError(f"the translation of {ref} is empty")
    if len(text) > MAX_TRANSLATION_CHARS:
        raise InvalidInputError(f"the translation of {ref} has {len(text)} characters; at most "
                                f"{MAX_TRANSLATION_CHARS}")
    source = original_language or versions(case, translations_of(session, case))[ref].original_language
    if language is source:
        raise InvalidInputError(f"{ref} was written in {source.en}; a translation is into "
                                f"{source.other.en} ({source.other.value})")
    record = Translation(case_id=case.id, item=ref, language=language, original_language=source,
                         source_sha256=sha256_text(original), text=text, translated_by=by, translated_on=on)
    session.add(record)
    session.flush()
    audit.append(session, case.number, by, AuditAction.TRANSLATION_ADDED.value, on=on,
                 detail={"item": str(ref), "item_zh": ref.label("zh"), "item_en": ref.label("en"),
                         "language": language.value, "language_zh": language.zh, "language_en": language.en,
                         "translation": record.id, "sha256": sha256_text(text)})
    return record


# -- what an edition prints ----------------------------------------------------------------------

@dataclass(frozen=True)
class Printed:
    """What one edition prints for one free text. `parts` in print order: one for zh, zh-Hant and en; the
    Chinese then the English for bilingual."""

    parts: tuple[PrintedPart, ...]

    @property
    def text(self) -> str:
        return "\n".join(part.text for part in self.parts)


@dataclass(frozen=True)
class PrintedPart:
    edition: str              # zh, zh-Hant or en: the language this part is printed in
    body: str                 # the version printed, or the placeholder when withheld
    marker: str = ""          # 〔原文为英文，译文待补〕 when the body is the original in the other language
    withheld: bool = False
    translated: bool = False  # the body is a translation, not the original

    @property
    def text(self) -> str:
        return f"{self.marker}{self.body}" if self.marker else self.body


def _part(edition: str, v: Versions, withheld: Withholding | None) -> PrintedPart:
    ground = withheld.ground(v.ref) if withheld is not None else None
    if ground is not None:
        return PrintedPart(edition, ground.placeholder(edition), withheld=True)
    language = Language.EN if edition == "en" else Language.ZH
    version = v.version(language)
    if version is not None:
        return PrintedPart(edition, version, translated=language is not v.original_language)
    return PrintedPart(edition, v.original, marker=pending_marker(edition, v.original_language))


def pick(v: Versions, edition: str, withheld: Withholding | None = None) -> Printed:
    """What `edition` (zh, zh-Hant, en, bilingual: docgen.locale.Edition values) prints for one free text,
    for the audience of `withheld` (None: the secretariat's own view, nothing withheld)."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}; valid: {', '.join(EDITIONS)}")
    editions: Sequence[str] = ("zh", "en") if edition == "bilingual" else (edition,)
    return Printed(tuple(_part(e, v, withheld) for e in editions))
