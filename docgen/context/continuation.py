"""Continuation closure reports: what one states about the report it continues, and which
requests for one fit together.

A closure report's monitoring slots can run out (第五章: the report is updated with each
monitoring result); a continuation report then takes over, naming the full, frozen previous
report by its sha256 and verification code. Continuation N is issued for the subject
`Subject(CONTINUATION, N)`, so its versions are numbered apart from the original's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cases.documents import normalise_code
from cases.errors import InvalidInputError
from cases.instruments import Subject, continuation_number, continuation_subject, get_instrument

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Continuation:
    """The closure report a continuation report continues (its monitoring slots ran out).

    `number` is the continuation's place in the series: 2 for the first continuation.
    """

    number: int
    previous_sha256: str
    previous_code: str
    previous_issued_on: date

    def __post_init__(self) -> None:
        if not isinstance(self.number, int) or isinstance(self.number, bool) or self.number < 2:
            raise InvalidInputError(f"a continuation report is number 2 or later, not {self.number!r}")
        digest = self.previous_sha256.strip().lower() if isinstance(self.previous_sha256, str) else ""
        if not _SHA256.fullmatch(digest):
            raise InvalidInputError(f"the previous report's sha256 must be 64 hex digits, not {self.previous_sha256!r}")
        try:
            code = normalise_code(self.previous_code)
        except (ValueError, TypeError, AttributeError):
            raise InvalidInputError(f"the previous report's verification code is XXXX-XXXX-XX, "
                                    f"not {self.previous_code!r}") from None
        if not isinstance(self.previous_issued_on, date):
            raise InvalidInputError(f"the previous report's issue date must be a date, not {self.previous_issued_on!r}")
        # Frozen: the normalised forms are what every edition prints.
        object.__setattr__(self, "previous_sha256", digest)
        object.__setattr__(self, "previous_code", code)

    @property
    def subject(self) -> Subject:
        return continuation_subject(self.number)


def continuation_problem(instrument_id: str, subject: Subject | None, continuation: Continuation | None) -> str | None:
    """Why a request's subject and continuation details do not go together, or None when they do."""
    if not get_instrument(instrument_id).has_continuations:
        return None if continuation is None else \
            f"only a closure report has continuation reports ({instrument_id} has none)"
    number = continuation_number(subject)
    if continuation is None:
        return None if number is None else (f"{subject} is a continuation report: it needs the previous "
                                            "report's details (Request(continuation=Continuation(...)))")
    if number is None:
        return f"a continuation report's subject is {continuation.subject}, not '{subject}'"
    if continuation.number != number:
        return f"the subject is {subject} but the continuation details are for number {continuation.number}"
    return None
