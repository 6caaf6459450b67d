"""The formal instruments of PROCEDURE.md §4, one registry record each, and the matters
(`Subject`) they are issued for.

    get_instrument("extension_decision").signing      # SigningMode.SEALED
    get_instrument(InstrumentId.OBJECTION_DECISION).subjects(case)   # [Subject(OBJECTION, 1), ...]

cases.models imports `SubjectType` from this package, so no module here imports cases.models
at run time (only for type checking).
"""
from __future__ import annotations

from cases.instruments.record import (
    Addressee,
    EachMatter,
    Instrument,
    InstrumentId,
    Signatory,
    SigningMode,
    WholeCase,
)
from cases.instruments.registry import INSTRUMENTS, get_instrument, not_applicable, subjects
from cases.instruments.subject import (
    Subject,
    SubjectKind,
    SubjectType,
    continuation_number,
    continuation_subject,
    subject_text,
)

__all__ = [
    "INSTRUMENTS", "Addressee", "EachMatter", "Instrument", "InstrumentId", "Signatory", "SigningMode", "Subject",
    "SubjectKind", "SubjectType", "WholeCase", "continuation_number", "continuation_subject", "get_instrument",
    "not_applicable", "subject_text", "subjects",
]
