"""The matter an instrument is issued for: `Subject(kind, id)`, and its one text form.

An instrument issued for the case as a whole has no subject (`None`). One issued per matter
names the record it decides: `Subject(SubjectKind.OBJECTION, 2)` for the decision on objection 2.
The text form "objection:2" exists only at the edges: the database (`SubjectType`), command-line
input (`Subject.parse`) and file names; inside, code passes `Subject` values and never takes
text apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import String, TypeDecorator

from cases.errors import InvalidInputError


class SubjectKind(StrEnum):
    """What kind of record a subject names; the value is the prefix of the stored text."""

    AGENT = "agent"                      # an agent and the power of attorney appointing them
    SUPPLEMENT = "supplement"            # a request for supplementary materials
    PERIOD = "period"                    # a path period (the one a path switch started)
    EXTENSION = "extension"              # one extension of a time limit
    APPOINTMENT = "appointment"          # an appointment of a mediator, expert or body
    TOOL = "tool"                        # a fact-finding or an assessment
    CONFIDENTIALITY = "confidentiality"  # a confidentiality request
    OBJECTION = "objection"
    RECUSAL = "recusal"
    CONTINUATION = "continuation"        # continuation report N (N >= 2) of the closure report
    # Legacy, read only: extension decisions recorded before issue 8 were delivered under the
    # extended deadline's id ("deadline:N") instead of the extension's. Nothing records it any
    # more and no instrument is issued for it; it is read so that older databases still load.
    DEADLINE = "deadline"


# The canonical text: a known kind, a colon, a positive number without leading zeros.
_TEXT = re.compile(r"([a-z_]+):([1-9][0-9]*)")


@dataclass(frozen=True)
class Subject:
    """One record of a case that an instrument is issued for."""

    kind: SubjectKind
    id: int

    def __post_init__(self) -> None:
        if not isinstance(self.kind, SubjectKind):
            raise InvalidInputError(f"a subject's kind is a SubjectKind, not {self.kind!r}")
        if not isinstance(self.id, int) or isinstance(self.id, bool) or self.id < 1:
            raise InvalidInputError(f"a subject's id is a positive whole number, not {self.id!r}")

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Subject:
        """The subject "kind:id" names, e.g. "extension:3"; a clear error for anything else."""
        match = _TEXT.fullmatch(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise InvalidInputError(f"a subject is kind:number (e.g. objection:1), not {text!r}; kinds: {_kinds()}")
        try:
            kind = SubjectKind(match.group(1))
        except ValueError:
            raise InvalidInputError(f"unknown kind of subject {match.group(1)!r} in {text!r}; kinds: {_kinds()}") from None
        return cls(kind, int(match.group(2)))

    @classmethod
    def parse_optional(cls, text: str) -> Subject | None:
        """Text from a command line or a form: "" is the case as a whole (None)."""
        return cls.parse(text) if text.strip() else None


def _kinds() -> str:
    """The kinds a user may name, for an error message (made only then: every subject column read parses)."""
    return ", ".join(k.value for k in SubjectKind if k is not SubjectKind.DEADLINE)


def subject_text(subject: Subject | None) -> str:
    """The stored and signed text of a subject: "" for the case as a whole.

    Verification codes are an HMAC over this text, so it must never change for a given subject.
    """
    return "" if subject is None else str(subject)


def continuation_number(subject: Subject | None) -> int | None:
    """N of the subject of continuation report N (N >= 2: the original report is number 1), else None."""
    if subject is None or subject.kind is not SubjectKind.CONTINUATION or subject.id < 2:
        return None
    return subject.id


def continuation_subject(number: int) -> Subject:
    """The subject of continuation report `number` of the closure report."""
    return Subject(SubjectKind.CONTINUATION, number)


class SubjectType(TypeDecorator[Subject]):
    """Stores `Subject | None` in the existing VARCHAR(60) NOT NULL columns as "kind:id", or "" for None.

    No schema change: the text is what earlier versions wrote. `column == None` compares with ""
    (coerce_to_is_types is empty), so a query for the case as a whole finds the rows stored as "".
    """

    impl = String(60)
    cache_ok = True
    coerce_to_is_types = ()

    def process_bind_param(self, value: Any, dialect: Any) -> str:
        if value is None or isinstance(value, Subject):
            return subject_text(value)
        raise TypeError(f"a subject column takes a Subject or None, not {value!r} (parse text with Subject.parse)")

    def process_result_value(self, value: Any, dialect: Any) -> Subject | None:
        return Subject.parse(value) if value else None
