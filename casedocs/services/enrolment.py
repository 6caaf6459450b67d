"""Who may sign: the sides' signatories of a case, and the monitors (PROCEDURE.md §4: co-signed
instruments are signed by both sides; monitoring updates by the mechanism's monitors); and the
unlocking of a signer's key, within a limit of wrong passphrases (issue 9)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases import audit
from cases.db import Database
from cases.errors import InvalidInputError
from cases.models import Case, PassphraseFailures, Signer, utcnow
from cases.vocabulary import SideRole, SignerRole
from casedocs.services.desk import Desk, SigningError, audit_event
from signing import Credential, WrongPassphrase

# Wrong passphrases in a row before each further try waits 1, 2, 4 … minutes (at most a day). A key
# costs ~1.8 s to try (signing.pki's KDF); the wait makes a guessing attack on one person hopeless.
FAILURES_BEFORE_WAIT = 5
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(days=1)


def enrol(desk: Desk, session: Session, case: Case | None, side: SideRole | None, role: SignerRole, name: str,
          passphrase: str, *, organisation: str | None = None) -> Signer:
    """Issue a signing certificate from the mechanism's CA; the key is encrypted with the person's own
    passphrase. Caller's session."""
    person_id = _new_person_id(session, case, side, role)
    record = desk.pki.issue_person(person_id=person_id, name=name, side=side.value if side else "secretariat",
                                   role=role.certificate_role, passphrase=passphrase, organisation=organisation)
    return _add_signer(desk, session, case, side, role, name, person_id, record.serial, "enrol_signer")


def import_p12(desk: Desk, session: Session, case: Case | None, side: SideRole | None, role: SignerRole, name: str,
               p12: bytes, p12_password: str | None, passphrase: str) -> Signer:
    """Accept a person's own PKCS#12 (from a CA the secretariat trusts, see trust.trust_root); the key is
    re-encrypted with their passphrase, as for an enrolled person. Caller's session."""
    person_id = _new_person_id(session, case, side, role)
    record = desk.pki.import_pkcs12(p12, p12_password, person_id=person_id, name=name,
                                    side=side.value if side else "secretariat", role=role.certificate_role,
                                    passphrase=passphrase)
    return _add_signer(desk, session, case, side, role, name, person_id, record.serial, "import_signer",
                       fingerprint=record.fingerprint, revocable=revocable(desk, person_id))


def revocable(desk: Desk, person_id: str) -> bool:
    """Whether the person's certificate says where its CA publishes revocations. Without a CRL
    distribution point no validator checks revocation (RFC 5280; pyHanko skips even CRLs at hand).
    No session."""
    from cryptography import x509

    certificate = desk.pki.certificate(desk.pki.find_person(person_id).serial)
    try:
        certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    except x509.ExtensionNotFound:
        return False
    return True


def revoke(desk: Desk, person_id: str, reason: str) -> str:
    """Revoke the person's usable certificate and publish the CRL: they can no longer sign, and
    verification reports their signatures as revoked. Returns the certificate serial. Own sessions."""
    from cryptography import x509

    usable = [f.name for f in x509.ReasonFlags if f.name != "remove_from_crl"]
    record = desk.pki.find_person(person_id)
    if reason not in usable:
        raise InvalidInputError(f"unknown revocation reason {reason!r}; valid: {', '.join(usable)}")
    with desk.db.session() as session:
        chain = _chain_of(session, person_id)
    desk.pki.revoke(record.serial, x509.ReasonFlags[reason])
    with desk.db.session() as session:
        for row in session.scalars(select(Signer).where(Signer.person_id == person_id, Signer.revoked_at.is_(None))):
            row.revoked_at = utcnow()
        audit_event(desk, session, chain, "revoke_certificate", person=person_id, certificate=record.serial,
                    reason=reason)
    return record.serial


def revocation(desk: Desk, signer: Signer) -> str | None:
    """Why the signer can no longer sign ("<person> (<name>): certificate revoked on <date>"), or None.
    Revoked by our CA (`signer revoke`), or listed on the CRL of a side's CA that the secretariat
    imported (`ca import-crl`): the record remembers it (Signer.revoked_at), so that a new document
    neither gives that signer a field nor lists them as signing (issue 9). Caller's session."""
    if signer.revoked_at is None:
        if not _revoked_in_pki(desk, signer.person_id):
            return None
        signer.revoked_at = utcnow()
    return f"{signer.person_id} ({signer.name}): certificate revoked on {signer.revoked_at:%Y-%m-%d}"


def _revoked_in_pki(desk: Desk, person_id: str) -> bool:
    from signing import UnknownCertificate

    try:
        record = desk.pki.find_person(person_id, usable_only=False)
    except UnknownCertificate:
        return False  # not the PKI's to say (expiry and the like are refused when they sign)
    if record.revoked:
        return True
    certificate = desk.pki.certificate(record.serial)
    return any(crl.issuer == certificate.issuer
               and crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None
               for crl in desk.pki.crls())


def current_signers(desk: Desk, session: Session, case: Case) -> tuple[dict[SideRole, list[Signer]], list[str]]:
    """The case's signatories who can sign, by side, in enrolment order (the order of their fields);
    and a line for each one who cannot (see revocation). Caller's session."""
    current: dict[SideRole, list[Signer]] = {side: [] for side in SideRole}
    revoked = []
    for side, people in signers(session, case).items():
        for person in people:
            reason = revocation(desk, person)
            if reason is None:
                current[side].append(person)
            else:
                revoked.append(reason)
    session.flush()  # the rendering reads who signs from the record
    return current, revoked


def signers(session: Session, case: Case) -> dict[SideRole, list[Signer]]:
    """The case's enrolled signatories by side, in enrolment order (the order of their fields).
    Caller's session."""
    rows = session.scalars(select(Signer).where(Signer.case_id == case.id).order_by(Signer.id)).all()
    return {side: [s for s in rows if s.side is side] for side in SideRole}


def monitors(session: Session) -> list[Signer]:
    """Every enrolled monitor, in enrolment order. Caller's session."""
    return list(session.scalars(select(Signer).where(Signer.role == SignerRole.MONITOR).order_by(Signer.id)))


def monitor(session: Session, person_id: str) -> Signer:
    """The enrolled monitor `person_id`, or InvalidInputError. Caller's session."""
    found = next((s for s in monitors(session) if s.person_id == person_id), None)
    if found is None:
        raise InvalidInputError(f"{person_id} is not an enrolled monitor")
    return found


def _new_person_id(session: Session, case: Case | None, side: SideRole | None, role: SignerRole) -> str:
    if (case is None) != (side is None) or (case is None) == role.signs_for_a_side:
        raise InvalidInputError("a signatory belongs to a side of a case; a monitor to neither")
    if case is not None and side is not None:
        return f"{case.number}-{side.value}-{len(signers(session, case)[side]) + 1}"
    return f"MONITOR-{len(session.scalars(select(Signer.id).where(Signer.case_id.is_(None))).all()) + 1}"


def _add_signer(desk: Desk, session: Session, case: Case | None, side: SideRole | None, role: SignerRole,
                name: str, person_id: str, serial: str, action: str, **detail: object) -> Signer:
    signer = Signer(person_id=person_id, case_id=case.id if case else None, side=side, role=role, name=name,
                    certificate_serial=serial, enrolled_on=desk.today(), enrolled_by=desk.actor)
    session.add(signer)
    session.flush()
    audit_event(desk, session, case.number if case else audit.SYSTEM_CHAIN, action, person=person_id,
                side=side.value if side else None, role=role.value, name=name, certificate=serial, **detail)
    return signer


T = TypeVar("T")
# The attempt-limit holder of the mechanism's own keys (CA, TSA, seal), unlocked by the secretariat's
# passphrase: guessing it is limited like a person's (the hostile re-run guessed it freely).
SECRETARIAT = "secretariat"

class PassphraseLockedOut(SigningError):
    """Too many wrong passphrases in a row for this person: no try (the key is not even tried)
    before `retry_at`."""

    def __init__(self, person_id: str, retry_at: datetime) -> None:
        super().__init__(f"too many wrong passphrases for {person_id}: try again after {_when(retry_at)}")
        self.person_id, self.retry_at = person_id, retry_at


def wait_after(failures: int) -> timedelta | None:
    """The wait before the next try after `failures` wrong passphrases in a row: none under the
    limit, then 1, 2, 4 … minutes, at most a day. No session."""
    if failures < FAILURES_BEFORE_WAIT:
        return None
    doublings: int = min(failures - FAILURES_BEFORE_WAIT, 20)  # 2**20 minutes is past the cap already
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


def unlock_wait(desk: Desk, person_id: str, *, now: Callable[[], datetime] = utcnow) -> datetime | None:
    """When the person may next try their passphrase; None: at once (what the web shows before asking
    for it). Own sessions."""
    with desk.db.session() as session:
        row = session.get(PassphraseFailures, person_id)
        return row.retry_at if row is not None and row.retry_at is not None and now() < row.retry_at else None


def unlock(desk: Desk, person_id: str, passphrase: str, *, now: Callable[[], datetime] = utcnow) -> Credential:
    """The person's signing key, unlocked with their passphrase: what every signing act (command line
    or web) calls. Own sessions.

    A try is counted before the key is tried, in one conditional UPDATE, so that concurrent tries
    (other processes, other web workers) cannot all slip under the limit; a right passphrase resets
    the count. A wrong one stays counted and is recorded in the person's case chain (a monitor's in
    the system chain). From the FAILURES_BEFORE_WAIT-th failure on, PassphraseLockedOut refuses any
    try until the wait is over. Refusals that are no guess (unknown person, revoked or expired
    certificate) come first and are not counted.
    """
    desk.pki.find_person(person_id)

    def refused(session: Session, failures: int, retry_at: datetime | None) -> None:
        audit_event(desk, session, _chain_of(session, person_id), "passphrase_refused", person_id,
                    person=person_id, failures=failures, retry_at=retry_at.isoformat() if retry_at else None)

    return limited_tries(desk.db, person_id, lambda: desk.pki.unlock_person(person_id, passphrase), refused,
                         now=now)


def limited_tries(db: Database, holder: str, attempt: Callable[[], T],
                  refused: Callable[[Session, int, datetime | None], None], *,
                  now: Callable[[], datetime] = utcnow) -> T:
    """Run `attempt` (which unlocks a key with a passphrase) under `holder`'s attempt limit: a person's
    signing key (`unlock`), or the secretariat's keys (`holder` SECRETARIAT, App.desk). The try is
    counted before it runs; WrongPassphrase is recorded through `refused` and leaves the try counted;
    any other failure uncounts it; success resets the count. Own sessions."""
    moment = now()
    before = _start_try(db, holder, moment)
    try:
        result = attempt()
    except WrongPassphrase as wrong:
        failures = before.failures + 1
        retry_at = _retry_at(failures, moment)
        with db.session() as session:
            refused(session, failures, retry_at)
        if retry_at is not None:
            raise WrongPassphrase(f"{wrong}; the next try waits until {_when(retry_at)}") from wrong
        left = FAILURES_BEFORE_WAIT - failures
        raise WrongPassphrase(f"{wrong}; {left} more {'try' if left == 1 else 'tries'} before a wait") from wrong
    except BaseException:
        _undo_try(db, holder, before, moment)
        raise
    with db.session() as session:
        session.execute(delete(PassphraseFailures).where(PassphraseFailures.person_id == holder))
    return result


@dataclass(frozen=True)
class _Tally:
    failures: int
    last_failed_at: datetime | None
    retry_at: datetime | None


def _start_try(db: Database, person_id: str, moment: datetime) -> _Tally:
    """Count the try about to start, or PassphraseLockedOut; the tally before it. A compare-and-swap,
    retried when a concurrent try moved the row: read and write are separate transactions, so SQLite
    takes its write lock on the write (a read first would make the write fail, not wait)."""
    while True:
        with db.session() as session:
            row = session.get(PassphraseFailures, person_id)
            seen = _Tally(row.failures, row.last_failed_at, row.retry_at) if row is not None else _Tally(0, None, None)
        if seen.retry_at is not None and moment < seen.retry_at:
            raise PassphraseLockedOut(person_id, seen.retry_at)
        counted = {"failures": seen.failures + 1, "last_failed_at": moment,
                   "retry_at": _retry_at(seen.failures + 1, moment)}
        try:
            with db.session() as session:
                if seen.last_failed_at is None:
                    session.add(PassphraseFailures(person_id=person_id, **counted))
                    session.flush()
                    return seen
                moved = cast(CursorResult[Any], session.execute(
                    update(PassphraseFailures)
                    .where(PassphraseFailures.person_id == person_id, PassphraseFailures.failures == seen.failures,
                           PassphraseFailures.last_failed_at == seen.last_failed_at)
                    .values(**counted)))
                if moved.rowcount == 1:
                    return seen
        except IntegrityError:  # a concurrent first try inserted the row: read it again
            pass


def _undo_try(db: Database, person_id: str, before: _Tally, moment: datetime) -> None:
    """Uncount a try that failed for another reason than the passphrase (I/O, a revocation meanwhile),
    unless another try has moved the tally since."""
    with db.session() as session:
        mine = (PassphraseFailures.person_id == person_id, PassphraseFailures.failures == before.failures + 1,
                PassphraseFailures.last_failed_at == moment)
        if before.last_failed_at is None:
            session.execute(delete(PassphraseFailures).where(*mine))
        else:
            session.execute(update(PassphraseFailures).where(*mine).values(
                failures=before.failures, last_failed_at=before.last_failed_at, retry_at=before.retry_at))


def _retry_at(failures: int, moment: datetime) -> datetime | None:
    wait = wait_after(failures)
    return moment + wait if wait is not None else None


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _chain_of(session: Session, person_id: str) -> str:
    """The audit chain of a person's acts: their case's, or the system chain (monitors, the secretariat)."""
    signer = session.scalars(select(Signer).where(Signer.person_id == person_id)).first()
    case = session.get(Case, signer.case_id) if signer is not None and signer.case_id is not None else None
    return case.number if case is not None else audit.SYSTEM_CHAIN
