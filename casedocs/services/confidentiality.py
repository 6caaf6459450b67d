"""Confidentiality and translations as services: what the command line calls, and the web next.

Every function takes the caller's unit of work (a Procedure, on its session) and brings the case up
to today first where time matters (a decision whose duration ran out is released, and audited, before
anything is shown).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.confidentiality.disclosure import Disclosure, disclosure
from cases.confidentiality.items import ItemRef
from cases.confidentiality.languages import Language
from cases.confidentiality.release import Released, release_due
from cases.confidentiality.translations import Pending, add_translation, pending, translations_of
from cases.errors import InvalidInputError
from cases.instruments import subject_text
from cases.lifecycle import VersionStatus
from cases.models import Case, DocumentVersion, Translation
from cases.procedure import Procedure

MAX_TEXT_FILE_BYTES = 1_000_000


def _cases(proc: Procedure, number: str | None) -> list[Case]:
    return [proc.get_case(number)] if number else proc.all_cases()


def release(proc: Procedure, number: str | None = None) -> list[Released]:
    """Release every decision whose duration has run out by today, in one case or all (audited).
    Caller's session."""
    today = proc.today()
    return [done for case in _cases(proc, number) for done in release_due(proc.session, case, today)]


def view(proc: Procedure, number: str, audience: Audience, on: date | None = None) -> Disclosure:
    """What `audience` may see of the case on `on` (default today), releases recorded first. Caller's session."""
    return view_of(proc, proc.get_case(number), audience, on)


def view_of(proc: Procedure, case: Case, audience: Audience, on: date | None = None) -> Disclosure:
    """`view` of a case the caller has already loaded (the portal's and the API's case reads load it with
    everything they show; reading it again would cost the queries they saved). Releases are recorded first
    (第六章第2.2条: a decision's duration ends its withholding). Caller's session."""
    today = proc.today()
    release_due(proc.session, case, today)
    return disclosure(proc.session, case, audience, on or today)


def pending_translations(proc: Procedure, number: str | None = None) -> list[Pending]:
    """The free texts of one case (or all) still lacking a translation. Caller's session."""
    return [item for case in _cases(proc, number) for item in pending(case, translations_of(proc.session, case))]


def translate(proc: Procedure, number: str, item: str | ItemRef, language: Language, text: str, *,
              original_language: Language | None = None) -> Translation:
    """Record a translation of one free text of a case, by the acting user, dated today (audited).
    Caller's session."""
    case = proc.get_case(number)
    ref = item if isinstance(item, ItemRef) else ItemRef.parse(item)
    return add_translation(proc.session, case, ref, language, text, proc.actor, proc.today(),
                           original_language=original_language)


def read_text_file(path: Path) -> str:
    """A translation's text from a UTF-8 file the officer names, bounded, with a clear error."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TEXT_FILE_BYTES + 1)
    except OSError as error:
        raise InvalidInputError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise InvalidInputError(f"{path} is larger than {MAX_TEXT_FILE_BYTES} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path} is not UTF-8 text") from None


# The editions that print a free text's version in each language (the bilingual edition prints both).
_EDITIONS_OF = {Language.ZH: ("zh", "zh-Hant", "bilingual"), Language.EN: ("en", "bilingual")}


def drafts_printing(session: Session, number: str, language: Language) -> list[dict[str, str]]:
    """The case's documents whose newest version is a draft in an edition that prints `language`: what
    a new translation into it makes out of date (issue 11: supplying a translation re-renders the drafts
    affected, and never touches an issued version). One entry per instrument, matter, edition and
    audience, as a rendering job takes it; a draft the translation does not change renders back to the
    same version (the render cache). Caller's session."""
    rows = session.execute(
        select(DocumentVersion.instrument, DocumentVersion.subject, DocumentVersion.edition,
               DocumentVersion.audience, DocumentVersion.version, DocumentVersion.status)
        .join(Case, Case.id == DocumentVersion.case_id)
        .where(Case.number == number, DocumentVersion.format == "pdf",
               DocumentVersion.edition.in_(_EDITIONS_OF[language]))).all()
    newest: dict[tuple[str, str, str, Audience], tuple[int, VersionStatus]] = {}
    for instrument, subject, edition, audience, version, status in rows:
        key = (instrument, subject_text(subject), edition, audience)
        if key not in newest or version > newest[key][0]:
            newest[key] = (version, status)
    return [{"case": number, "instrument": instrument, "subject": subject, "edition": edition,
             "audience": audience.value}
            for (instrument, subject, edition, audience), (_, status) in sorted(newest.items(), key=str)
            if status is VersionStatus.DRAFT]

