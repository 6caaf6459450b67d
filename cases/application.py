"""The application form (调解磋商申请表) as data: what `casedocs case import` reads.

Required content follows 第三章第2条: the applicant's full name, address and contact;
the respondent's name and address (contact if known); the facts, the claims and
their reasons; materials that show the dispute exists. No anonymous applications.

Filing needs only who applies and against whom; the rest is checked at formal review
(cases.procedure.intake.missing_content), which may ask for supplementary materials.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from cases.confidentiality.items import IdentityRole, ItemKind, ItemRef, RecordField
from cases.errors import InvalidInputError
from cases.files import load_json, read_inside
from cases.store import MAX_UPLOAD_BYTES
from cases.vocabulary import Channel, ConfidentialityAudience, PartyCategory, SideRole, Stage, Standard

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True)]

# Names that say nothing about who applies; the mechanism accepts no anonymous application.
_ANONYMOUS = {"anonymous", "anon", "n/a", "none", "unknown", "匿名", "无名氏", "不愿透露", "保密"}

MAX_AGENTS = 2
MAX_REPRESENTATIVES = 2
REPRESENTATIVES_REQUIRED_ABOVE = 3


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileIn(_Form):
    """A file given by path (relative to the JSON document) or inline as base64."""

    title: Text
    file: OptionalText | None = None
    content_base64: str | None = None
    name: OptionalText | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "FileIn":
        if (self.file is None) == (self.content_base64 is None):
            raise ValueError("give exactly one of 'file' (a path) or 'content_base64'")
        if self.content_base64 is not None and not self.name:
            raise ValueError("'name' (the original file name) is required with 'content_base64'")
        return self

    @property
    def original_name(self) -> str:
        return self.name or FilePath(self.file or "").name

    def read(self, base_dir: FilePath) -> bytes:
        """The file's bytes; a path must name a file inside `base_dir` (cases.files.resolve_inside)."""
        if self.content_base64 is not None:
            try:
                return base64.b64decode(self.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInputError(f"exhibit {self.title!r}: content_base64 is not valid base64") from None
        try:
            return read_inside(base_dir, self.file or "", limit=MAX_UPLOAD_BYTES)
        except InvalidInputError as error:
            raise InvalidInputError(f"exhibit {self.title!r}: {error}") from None


class PartyIn(_Form):
    category: PartyCategory
    full_name: Text
    address: OptionalText = ""
    contact: OptionalText = ""
    other_info: OptionalText = ""


class AgentIn(_Form):
    name: Text
    organisation: OptionalText = ""
    contact: OptionalText = ""
    power_of_attorney: FileIn


class RepresentativeIn(_Form):
    name: Text
    contact: OptionalText = ""
    member: int | None = Field(default=None, ge=0, description="index of the member elected, if a member")


class SideIn(_Form):
    members: list[PartyIn] = Field(min_length=1)
    agents: list[AgentIn] = []
    representatives: list[RepresentativeIn] = []


class ClaimIn(_Form):
    claim: Text
    reasons: Text


class StandardIn(_Form):
    standard: Standard
    name: OptionalText = ""
    clauses: OptionalText = ""

    @model_validator(mode="after")
    def _named_if_other(self) -> "StandardIn":
        if self.standard is Standard.OTHER and not self.name:
            raise ValueError("a standard of kind 'other' needs its 'name'")
        return self


class ConfidentialityIn(_Form):
    """A confidentiality request made with the application (第六章第2.1条). `items` names what is to be kept
    (cases.confidentiality.items: "exhibit:1", "identity:applicant:2", "field:facts", "claim:0"), with
    indexes counted from 0 in this document's own lists; the duration is `duration` in words and, to be
    applied by itself, a date after which (`release_after`) or a stage at which (`release_at_stage`) the
    items are released."""

    information: Text
    audience: list[ConfidentialityAudience] = Field(min_length=1)
    duration: Text
    reason: Text
    items: list[ItemRef] = []
    release_after: date | None = None
    release_at_stage: Stage | None = None

    @model_validator(mode="after")
    def _one_duration(self) -> "ConfidentialityIn":
        if self.release_after is not None and self.release_at_stage is not None:
            raise ValueError("a confidentiality duration is a date (release_after) or a stage (release_at_stage), "
                             "not both")
        return self


class ApplicationForm(_Form):
    received_on: date
    channel: Channel = Channel.EMAIL
    title: OptionalText = ""
    region: Text
    country: Text
    industry: Text
    issue_types: list[Text] = []
    # What formal review checks (and may ask to supplement) rather than what filing requires.
    facts: OptionalText = ""
    claims: list[ClaimIn] = []
    standards: list[StandardIn] = []
    exhibits: list[FileIn] = []
    applicant: SideIn
    respondent: SideIn
    confidentiality_requests: list[ConfidentialityIn] = []
    reapplication_of: OptionalText | None = None

    @model_validator(mode="after")
    def _applicant_identified(self) -> "ApplicationForm":
        # Identity and a way to reach the applicant are what make an application not anonymous.
        for index, member in enumerate(self.applicant.members):
            for field in ("address", "contact"):
                if not getattr(member, field):
                    raise ValueError(f"applicant.members.{index}.{field}: the applicant's {field} is required")
        return self

    @model_validator(mode="after")
    def _items_exist(self) -> "ApplicationForm":
        """Every item a confidentiality request names is in this document (indexes from 0 in its lists)."""
        problems = [f"confidentiality_requests.{r}.items.{i}: {problem}"
                    for r, request in enumerate(self.confidentiality_requests)
                    for i, ref in enumerate(request.items) if (problem := self.item_problem(ref))]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def item_problem(self, ref: ItemRef) -> str | None:
        """Why `ref` names nothing in this application, or None."""
        if ref.kind is ItemKind.FIELD:
            return None if ref.field is RecordField.FACTS else f"{ref}: an application has only field:facts"
        if ref.kind is ItemKind.IDENTITY:
            assert ref.side is not None and ref.role is not None
            side = self.applicant if ref.side is SideRole.APPLICANT else self.respondent
            count = len(side.members) if ref.role is IdentityRole.MEMBER else \
                len(side.agents) if ref.role is IdentityRole.AGENT else len(side.representatives)
            what = f"{ref.side.value}.{ref.role.value}s"
        elif ref.kind is ItemKind.EXHIBIT:
            count, what = len(self.exhibits), "exhibits"
        elif ref.kind is ItemKind.CLAIM:
            count, what = len(self.claims), "claims"
        else:
            return f"{ref}: an application has no {ref.kind.value} to keep confidential"
        assert ref.index is not None
        if ref.index < count:
            return None
        return f"{ref}: the application lists {count} {what}" + \
            (f", counted from 0 ({ref.whole.with_index(0)} to {ref.whole.with_index(count - 1)})" if count else "")


def side_problems(label: str, side: SideIn | Any) -> list[str]:
    """What the procedure forbids in a side's make-up (第三章第1条)."""
    problems = []
    members = side.members
    for index, member in enumerate(members):
        if member.full_name.strip().lower() in _ANONYMOUS:
            problems.append(f"{label}.members.{index}.full_name: anonymous applications are not accepted "
                            f"({member.full_name!r} does not identify anyone)")
    if len(side.agents) > MAX_AGENTS:
        problems.append(f"{label}: {len(side.agents)} agents; a side may authorise at most {MAX_AGENTS}")
    if len(side.representatives) > MAX_REPRESENTATIVES:
        problems.append(f"{label}: {len(side.representatives)} representatives; at most {MAX_REPRESENTATIVES}")
    if len(members) > REPRESENTATIVES_REQUIRED_ABOVE and not side.representatives:
        problems.append(f"{label}: {len(members)} members; a side of more than "
                        f"{REPRESENTATIVES_REQUIRED_ABOVE} must elect 1-2 representatives")
    for index, representative in enumerate(getattr(side, "representatives", [])):
        member = getattr(representative, "member", None)
        if member is not None and member >= len(members):
            problems.append(f"{label}.representatives.{index}.member: no member number {member}")
    return problems


def parse_application(document: dict[str, Any] | str | bytes) -> ApplicationForm:
    """Validate an application document, naming every problem at once."""
    try:
        if isinstance(document, (str, bytes)):
            form = ApplicationForm.model_validate_json(document)
        else:
            form = ApplicationForm.model_validate(document)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"]) or "document"
            lines.append(f"{where}: {problem['msg']}")
        raise InvalidInputError("the application is incomplete or malformed:\n  " + "\n  ".join(lines)) from None
    problems = side_problems("applicant", form.applicant) + side_problems("respondent", form.respondent)
    if problems:
        raise InvalidInputError("the application cannot be filed:\n  " + "\n  ".join(problems))
    return form


def load_application_file(path: FilePath) -> ApplicationForm:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InvalidInputError(f"cannot read {path}: {error.strerror}") from None
    load_json(raw, str(path))
    return parse_application(raw)


FileReader = Callable[[FileIn], bytes]
