"""What the registry says about one instrument: the `Instrument` record and the enums it uses.

The rules themselves (which case an instrument applies to, its date, its matters) are small
functions in cases.instruments.registry, one place per instrument; this module holds the shapes.
Nothing here imports cases.models at run time: cases.models imports the subject column type
from this package.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from cases.instruments.subject import Subject, SubjectKind, continuation_number

if TYPE_CHECKING:
    from cases.models import Case


class InstrumentId(StrEnum):
    """The 23 instruments of PROCEDURE.md §4, and the signing record of a co-signed agreement (issue 12).
    The values are stored in the case record and name
    the template files (templates/<lang>/<value>.docx): they never change."""

    APPLICATION_FORM = "application_form"
    POWER_OF_ATTORNEY = "power_of_attorney"
    SUPPLEMENT_REQUEST = "supplement_request"
    ACCEPTANCE_DECISION = "acceptance_decision"
    REJECTION_DECISION = "rejection_decision"
    INVITATION = "invitation"
    SECOND_INVITATION = "second_invitation"
    LAUNCH_NOTICE = "launch_notice"
    NON_LAUNCH_NOTICE = "non_launch_notice"
    TRIAGE_RECOMMENDATION = "triage_recommendation"
    TRIAGE_RECORD = "triage_record"
    PATH_SWITCH_DECISION = "path_switch_decision"
    EXTENSION_DECISION = "extension_decision"
    APPOINTMENT_LETTER = "appointment_letter"
    FACT_FINDING_TERMS = "fact_finding_terms"
    ASSESSMENT_REQUEST = "assessment_request"
    CONFIDENTIALITY_DECISION = "confidentiality_decision"
    OBJECTION_DECISION = "objection_decision"
    RECUSAL_DECISION = "recusal_decision"
    AGREEMENT = "agreement"
    SIGNING_RECORD = "signing_record"
    TERMINATION_NOTICE = "termination_notice"
    CLOSURE_REPORT = "closure_report"
    CASE_SUMMARY = "case_summary"


class Signatory(StrEnum):
    """Who issues the instrument (the "signed by" column of PROCEDURE.md §4)."""

    SECRETARIAT = "secretariat"        # sealed by the secretariat
    CO_SIGNED = "co_signed"            # both sides sign; the secretariat certifies
    APPLICANT = "applicant"
    APPOINTING_SIDE = "appointing_side"
    REQUESTING_SIDE = "requesting_side"
    SECRETARIAT_AND_MONITORS = "secretariat_and_monitors"


class SigningMode(StrEnum):
    """How the issued PDF is signed, which decides what the issuing desk does with it."""

    SEALED = "sealed"        # the secretariat's seal, nothing added afterwards
    CO_SIGNED = "co_signed"  # both sides sign in fields left empty by the seal; the secretariat certifies
    MONITORED = "monitored"  # the closure report: sealed, monitors append updates (第五章第2条)
    INK = "ink"              # a party's own filing, signed on paper; the secretariat does not seal it


class Addressee(StrEnum):
    """To whom the instrument is addressed (its salutation)."""

    SECRETARIAT = "secretariat"  # a side's own filing
    PUBLIC = "public"            # a disclosure names no party (第六章第1.1条)
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    BOTH_SIDES = "both_sides"
    REQUESTER = "requester"      # the side that made the request the instrument decides
    APPOINTEE = "appointee"      # the person or body appointed


class Identified(Protocol):
    """A record of the case with an id: what a subject names."""

    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=Identified)


@dataclass(frozen=True)
class WholeCase:
    """Issued once for the case as a whole (no subject).

    `applies` gives None when the instrument is due or done for the case, else why not;
    `dated` the date of the act it records (None: the day it was sent, from its delivery).
    """

    applies: Callable[[Case], str | None]
    dated: Callable[[Case], date | None] | None = None


@dataclass(frozen=True)
class EachMatter(Generic[R]):
    """Issued once per record of one kind (each objection, each extension, ...).

    It applies while the case has at least one such record; `dated` gives the date of the act
    on a record (e.g. the day an objection was decided).
    """

    kind: SubjectKind
    records: Callable[[Case], Sequence[R]]
    dated: Callable[[R], date | None]

    def subjects(self, case: Case) -> list[Subject]:
        return [Subject(self.kind, record.id) for record in self.records(case)]

    def find(self, case: Case, subject: Subject | None) -> R | None:
        if subject is None or subject.kind is not self.kind:
            return None
        return next((record for record in self.records(case) if record.id == subject.id), None)


@dataclass(frozen=True)
class Instrument:
    """Everything the procedure says about one instrument; `clause` is where it says it."""

    id: InstrumentId
    zh: str
    en: str
    signatory: Signatory
    signing: SigningMode
    addressed_to: Addressee
    issued_for: WholeCase | EachMatter[Any]
    clause: str

    @property
    def subject_kind(self) -> SubjectKind | None:
        """The kind of record each copy is issued for; None for the case as a whole."""
        return self.issued_for.kind if isinstance(self.issued_for, EachMatter) else None

    @property
    def issued_by_secretariat(self) -> bool:
        return self.signing is not SigningMode.INK

    @property
    def co_signed(self) -> bool:
        return self.signing is SigningMode.CO_SIGNED

    @property
    def has_continuations(self) -> bool:
        """A monitored report whose monitoring slots run out is continued by continuation reports."""
        return self.signing is SigningMode.MONITORED

    def subjects(self, case: Case) -> list[Subject | None]:
        """Every matter the instrument can be issued for in the case now ([None]: the case as a whole).

        Continuation reports are not listed: they need the previous report's sha256, which
        only the issuing desk knows.
        """
        if isinstance(self.issued_for, EachMatter):
            return list(self.issued_for.subjects(case))
        return [None] if self.issued_for.applies(case) is None else []

    def not_applicable(self, case: Case, subject: Subject | None = None) -> str | None:
        """None when the instrument applies to the case now (due or done) for `subject`, else why not."""
        if isinstance(self.issued_for, EachMatter):
            options = self.issued_for.subjects(case)
            if not options:
                return f"the case has no matter a {self.id} is issued for"
            if subject is not None and subject not in options:
                return f"'{subject}' is not one of {', '.join(map(str, options))}"
            return None
        if subject is not None and not (self.has_continuations and continuation_number(subject) is not None):
            extra = " or continuation:<2, 3, ...> (a continuation report)" if self.has_continuations else ""
            return f"'{subject}' is not a matter of a {self.id}: it is issued for the case as a whole{extra}"
        return self.issued_for.applies(case)

    def matter(self, case: Case, subject: Subject | None) -> Any:
        """The record `subject` names (an Objection, an Extension, ...), or None."""
        return self.issued_for.find(case, subject) if isinstance(self.issued_for, EachMatter) else None

    def act_date(self, case: Case, subject: Subject | None) -> date | None:
        """The date of the act the instrument records, else the day it was sent; None while it is
        still a draft (the document is then dated the day it is rendered)."""
        if isinstance(self.issued_for, EachMatter):
            record = self.issued_for.find(case, subject)
            own = self.issued_for.dated(record) if record is not None else None
        elif continuation_number(subject) is not None:
            own = None  # a continuation report is dated the day it is issued, not on the original's date
        else:
            own = self.issued_for.dated(case) if self.issued_for.dated is not None else None
        sent = next((d.sent_on for d in case.deliveries if d.instrument == self.id and d.subject == subject), None)
        return own or sent
