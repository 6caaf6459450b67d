"""Monitors in the browser (issue 12, "Monitors"; 第五章第2条: the secretariat follows the performance of
the agreement through its monitors, and PROCEDURE.md §4: the closure report is signed by the
secretariat and the monitors).

A monitor account enrols once by choosing a signing passphrase, under the same checks as a party's
(browser_signing.enrolment_name: long enough, not common, not the login password); the key is made
on the server by enrolment.enrol, as `casedocs signer enrol --role monitor` does, and is encrypted with
the passphrase, which is neither stored nor logged. An update (status, text, date, evidence files)
is then signed with that passphrase into every closure report of the case by monitoring.monitor —
recorded whole or not at all. Only a monitor appointed to the case (its account tied to it) may
append; a refusal changes nothing.

Session rule: own sessions, except where a function takes one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit
from cases.accounts import Account, AccountCase, Role
from cases.errors import InvalidInputError, NotFoundError
from cases.models import Case, MonitoringUpdate, Signer
from cases.monitoring_evidence import MonitoringEvidence
from cases.procedure import Procedure
from cases.store import BlobStore, StoredFile
from cases.vocabulary import ObligationStatus, SignerRole
from casedocs.services import enrolment, monitoring
from casedocs.services.browser_signing import enrolment_name
from casedocs.services.desk import Desk, audit_event
from casedocs.services.posted import Upload
from casedocs.services.rendering import Rendering

MAX_EVIDENCE_FILES = 10
NAME_MAX = 300
TEXT_MAX = 10_000


def monitor_of(session: Session, account_id: int) -> Signer | None:
    """The enrolled monitor this account acts as, or None. Caller's session."""
    account = session.get(Account, account_id)
    if account is None or account.role is not Role.MONITOR or account.person_id is None:
        return None
    signer = session.scalars(select(Signer).where(Signer.person_id == account.person_id)).first()
    return signer if signer is not None and signer.role is SignerRole.MONITOR else None


def enrol(desk: Desk, session: Session, account_id: int, name: str, passphrase: str) -> Signer:
    """Enrol the monitor account as a monitor (no case, no side: enrolment's rule for monitors), with a
    key encrypted under `passphrase`. Refused for another role, an account already enrolled, a weak
    passphrase or the login password. Caller's session."""
    account = session.get(Account, account_id)
    if account is None or account.role is not Role.MONITOR:
        raise InvalidInputError("only a monitor's account enrols as a monitor here")
    if account.person_id is not None:
        raise InvalidInputError("this account is already enrolled")
    name = enrolment_name(session, account, name, passphrase)
    signer = enrolment.enrol(desk, session, None, None, SignerRole.MONITOR, name, passphrase)
    account.person_id = signer.person_id
    audit_event(desk, session, audit.SYSTEM_CHAIN, "enrol_in_browser", desk.actor, person=signer.person_id,
                account=account.email, role=SignerRole.MONITOR.value)
    return signer


def appointed(session: Session, account_id: int, number: str) -> bool:
    """Whether the monitor account is appointed to case `number` (tied to it). Caller's session."""
    return session.scalars(select(AccountCase.id).join(Case, Case.id == AccountCase.case_id).where(
        AccountCase.account_id == account_id, Case.number == number)).first() is not None


def plain_name(name: str) -> str:
    """The upload's name without any folder part (either slash), control characters or leading dots:
    it is only ever shown, never a path (the bytes are stored under their sha256)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    if not cleaned:
        raise InvalidInputError("an evidence file needs a name")
    return cleaned[:NAME_MAX]


def append(desk: Desk, procedure: Callable[[Session], Procedure], account_id: int, number: str, obligation_id: int,
           status: ObligationStatus, text: str, on: date, uploads: list[Upload], passphrase: str,
           rendering: Rendering | None, also: Callable[[Session], None] | None = None) -> monitoring.Monitored:
    """Append the monitor's signed update to every closure report of the case (monitoring.monitor).
    NotFoundError for a case the account is not appointed to (as for no case); the engine's refusals
    (stage, obligation of another case, a date in the future or before the closure report) and a wrong
    passphrase change nothing. `also` runs in the act's transaction (the form's answer, web.once)."""
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise InvalidInputError(f"the update may have at most {TEXT_MAX} characters")
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise InvalidInputError(f"at most {MAX_EVIDENCE_FILES} evidence files per update")
    with desk.db.session() as session:
        if not appointed(session, account_id, number):
            raise NotFoundError(f"no case {number} for this monitor")
        signer = monitor_of(session, account_id)
        if signer is None:
            raise InvalidInputError("enrol first: choose your signing passphrase")
        person_id = signer.person_id
    evidence = tuple(_store(desk, upload) for upload in uploads)
    finding = monitoring.Finding(obligation_id, status, text, on, evidence)
    return monitoring.monitor(desk, procedure, number, finding, person_id, passphrase, rendering, also=also)


def _store(desk: Desk, upload: Upload) -> StoredFile:
    """Checked (type sniffed from content, size) and stored write-once under its sha256."""
    return desk.blobs.put_upload(plain_name(upload.name), upload.data)


@dataclass(frozen=True)
class EvidenceOpened:
    data: bytes
    name: str
    media_type: str


def evidence_file(session: Session, store: BlobStore, number: str, evidence_id: int) -> EvidenceOpened:
    """An evidence file of a monitoring update of case `number`; NotFoundError for any other (the same
    answer whether it exists in another case or not at all). Caller's session."""
    row = session.get(MonitoringEvidence, evidence_id)
    update = session.get(MonitoringUpdate, row.update_id) if row is not None else None
    case = session.get(Case, update.case_id) if update is not None else None
    if row is None or case is None or case.number != number:
        raise NotFoundError(f"no evidence file {evidence_id} in {number}")
    return EvidenceOpened(store.get(row.sha256), row.original_name, row.media_type)
