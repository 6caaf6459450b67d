"""The request and response bodies of /api/v1 as pydantic models: APIFlask validates the requests with
them and writes the OpenAPI document from them.

The responses that the command line also prints (`case list|show --json`, `deadlines --json`,
`case act --json`) are made by the same service functions and sent as they are; their models here
describe them (extra keys allowed) and are not used to re-serialise them, so the API and the command
line cannot drift apart. The models of what only the API shows (documents, jobs) do serialise.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, RootModel

from cases.confidentiality.audiences import Audience
from cases.instruments import InstrumentId
from cases.jobs import JobState
from cases.lifecycle import VersionStage, VersionStatus
from cases.procedure import Action
from casedocs.services.casepage import DeliveryLine, SignedView
from docgen.locale import Edition


class RequestBody(BaseModel):
    """A request body: an unknown key is refused by name (a misspelt option must not be ignored)."""

    model_config = ConfigDict(extra="forbid")


class Described(BaseModel):
    """A response the command line prints too: the model documents it; the keys it does not list
    are part of it all the same."""

    model_config = ConfigDict(extra="allow")


# --- cases ---------------------------------------------------------------------------------------

class CaseLine(Described):
    """A case as `casedocs case list --json` prints it."""

    number: str
    stage: str
    title: str
    received_on: date


class CaseLines(RootModel[list[CaseLine]]):
    pass


class StageOut(BaseModel):
    id: str
    zh: str
    en: str


class Deadline(Described):
    """An open or closed time limit as `casedocs deadlines --json` prints it."""

    case: str
    rule: str
    subject: str | None = Field(description='the matter, e.g. "objection:1"; null for the case as a whole')
    actor: str = Field(description="who must act")
    what: str
    basis: str = Field(description="how the limit is counted, e.g. 10 working days")
    start: date
    due: date
    original_due: date
    provisional: bool = Field(description="the official holiday schedule of a year it spans is not published yet")
    status: str
    closed_on: date | None
    extensions: int


class Deadlines(RootModel[list[Deadline]]):
    pass


class CaseDocument(Described):
    """A case as `casedocs case show --json` prints it (cases.views.case_as_dict)."""

    number: str
    title: str
    stage: StageOut
    allowed_actions: list[str] = Field(description="the actions POST /cases/{number}/acts takes at this stage")
    received_on: date
    path: str | None
    launched_on: date | None
    termination_ground: str | None
    terminated_on: date | None
    closed_on: date | None
    sides: list[dict[str, Any]]
    deadlines: list[Deadline]
    agreement: dict[str, Any] | None
    monitoring_updates: list[dict[str, Any]]
    events: list[dict[str, Any]] = Field(description="the case's timeline")


class Monitoring(Described):
    """What a monitor sees of a case: the agreement, its obligations and the monitoring updates, and
    whether and how the process ended (the closure)."""

    number: str
    title: str
    stage: StageOut
    path: str | None
    terminated_on: date | None
    termination_ground: str | None
    closed_on: date | None
    agreement: dict[str, Any] | None
    monitoring_updates: list[dict[str, Any]]


class DeadlinesQuery(BaseModel):
    overdue: bool = Field(False, description="only deadlines already past")
    within: int | None = Field(None, ge=0, le=3660,
                               description="only deadlines due within this many calendar days (overdue ones included)")


# --- acts ----------------------------------------------------------------------------------------

class ActIn(RequestBody):
    """One step of the procedure, as `casedocs case act CASE ACTION key=value...` takes it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"action": "accept", "arguments": {"on": "2025-03-12"}},
        {"action": "record_delivery", "arguments": {"instrument": "invitation", "side": "respondent",
                                                     "delivered_on": "2025-03-21"}},
        {"action": "agree_path", "arguments": {"path": "internal_mediation", "tools": ["assessment_verification"],
                                               "consents": ["applicant", "respondent"], "on": "2025-06-10"}},
    ]})

    action: Action
    arguments: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="the action's arguments by name (GET /actions lists them): text as the command line "
                    'takes it ("2025-03-12", "applicant,respondent"), or JSON values: true, 3, ["applicant"], '
                    "{...} for agreement terms; a file (a power of attorney) inline as "
                    '{"title": ..., "name": ..., "content_base64": ...}: a path names nothing on this server.')


class ActDone(Described):
    """What `casedocs case act --json` prints."""

    case: str
    action: str
    stage: str = Field(description="the case's stage after the act")
    id: int | None = Field(description="the record the act made (an appointment, a request...), if any")


class ActionLine(BaseModel):
    action: str
    usage: str = Field(description="the action and its arguments, optional ones in brackets")
    arguments: list[str]
    required: list[str]


class ActionLines(RootModel[list[ActionLine]]):
    pass


# --- documents -----------------------------------------------------------------------------------

class FileOut(BaseModel):
    """One stored file of a document: the rendering (revision 0) or a signing act's result."""

    id: int
    version: int
    format: str
    revision: int
    stage: VersionStage
    status: VersionStatus
    verification_code: str
    sha256: str
    size: int
    created_at: datetime
    created_by: str | None = Field(description="who made it (staff only; null for other accounts)")
    url: str = Field(description="where to download its bytes")


class DocumentOut(BaseModel):
    """One instrument for one matter in one edition for one audience: its files, signatures and deliveries."""

    instrument: str
    subject: str | None
    edition: str
    audience: str = Field(description="whose rendering: secretariat, applicant, respondent, support or public")
    files: list[FileOut]
    # The service's own records (pydantic reads stdlib dataclasses): the API cannot restate them.
    signed: list[SignedView]
    deliveries: list[DeliveryLine]


class DocumentList(BaseModel):
    case: str
    documents: list[DocumentOut]


class RenderIn(RequestBody):
    """An instrument to render (as PDF/A) or to issue under the seal."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"instrument": "acceptance_decision", "edition": "zh"},
        {"instrument": "objection_decision", "edition": "en", "subject": "objection:1"},
        {"instrument": "case_summary", "edition": "zh", "audience": "public"},
    ]})

    instrument: InstrumentId
    edition: Edition = Edition.ZH
    subject: str = Field("", max_length=60,
                         description='the matter, for instruments issued per matter (e.g. "objection:1"); '
                                     '"" for the case as a whole')
    audience: Audience = Field(Audience.SECRETARIAT,
                               description="whom the rendering is for (issue 11): what it withholds under "
                                           "confidentiality decisions and pending requests; each audience's "
                                           "rendering is issued and sealed apart")


# --- jobs ----------------------------------------------------------------------------------------

class JobSubmitted(BaseModel):
    job: int
    url: str = Field(description="the job's status: poll it until its state is done or failed")


class JobOut(BaseModel):
    id: int
    kind: str
    state: JobState
    progress: float = Field(ge=0, le=1)
    note: str
    result: dict[str, JsonValue] | None
    error: str | None
    case: str | None
    created_at: datetime
    updated_at: datetime
    url: str
    download: str | None = Field(description="where to download the file the job made, once it is done")
