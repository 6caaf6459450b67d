"""Co-signing in the browser (issue 12, "Co-signing in the browser"; PROCEDURE.md §4: a co-signed
instrument is signed by both sides' signatories, each in their own field).

A party account enrols by choosing a signing passphrase: the key is made on the server by the same
service as `casedocs signer enrol` (enrolment.enrol), encrypted with it; the passphrase is neither
stored nor logged, and it may not be the account's login password. To sign, the person reads every
page of the exact revision, confirms having read it, gets a one-time code by mail (the act's second
factor: CODE_DIGITS digits, CODE_MINUTES minutes, one use, CODE_TRIES wrong tries), and signs with
code and passphrase through cosigning.sign — their own field only, on the latest revision, serialised
by the desk's compare-and-swap as on the command line. A wrong passphrase or code changes nothing
but the counts that limit guessing. A person may decline, with a reason: the audit chain records it
and the secretariat's officers are mailed. The signature that freezes the document mails the frozen
PDF to every signatory who has an account.

Session rule: own sessions (each act commits on its own, like cosigning.sign), except where a
function takes a session.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # zxcvbn ships no type information

from cases import audit
from cases.accounts import Account, Role
from cases.errors import InvalidInputError, NotFoundError
from cases.lifecycle import DocumentKind, DocumentState
from cases.models import Case, DocumentVersion, SignedDocument, Signer, utcnow
from cases.signing_codes import SigningCode
from cases.signing_method import SigningMethod
from cases.vocabulary import SideRole, SignerRole
from casedocs.config import Settings
from casedocs.mail import Mailer, compose
from casedocs.services import accounts, cosigning, enrolment
from casedocs.services.desk import Desk, SigningError, audit_event, get_document
from casedocs.services.signing_refusals import CodeRefused, SigningProblem, SigningRefused

PASSPHRASE_MIN = 12
NAME_MAX = 300  # a certificate's name, as the enrolment form allows
# zxcvbn's score (0–4): 3 is "safely unguessable: moderate protection from offline slow-hash
# scenario". Its dictionaries hold the 30 000 most common passwords, English words, names and
# keyboard patterns, so a common password scores 0 or 1 whatever its length.
PASSPHRASE_MIN_SCORE = 3
CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5
REASON_MAX = 2000
METHOD = SigningMethod.PASSPHRASE_AND_EMAIL_CODE  # recorded with the signature: the signing record prints it


@dataclass(frozen=True)
class Awaiting:
    """A co-signed document of the case with a field of this person."""

    document_id: int
    instrument: str
    subject: object
    edition: str
    version: int
    revision: int
    field: str
    state: DocumentState
    signed: bool
    declined: bool

    @property
    def open(self) -> bool:
        return self.state.is_open and not self.signed


@dataclass(frozen=True)
class Cosigner:
    name: str
    side: SideRole | None
    signed: bool
    mine: bool


@dataclass(frozen=True)
class SignPage:
    """What the signing page shows of one document to one person."""

    document: Awaiting
    number: str
    sha256: str
    verification_code: str
    cosigners: tuple[Cosigner, ...]
    code_sent_for: str | None  # the revision a live code was sent for, else None
    code_expires_at: datetime | None


@dataclass(frozen=True)
class Signed:
    frozen: bool
    mailed_to: tuple[str, ...]  # the signatories the frozen PDF was mailed to


# --- enrolment ------------------------------------------------------------------------------------

class EnrolmentProblem(Enum):
    """Why a browser enrolment is refused: a page names each in its own language."""

    TOO_SHORT = "a signing passphrase needs at least the minimum number of characters"
    TOO_COMMON = "this passphrase is too common or too easy to guess: use several unrelated words"
    LOGIN_PASSWORD = "the signing passphrase must differ from your login password"
    NAME = "give your full name as it should appear on your certificate"


class EnrolmentRefused(InvalidInputError):
    """An enrolment refused for one of EnrolmentProblem's reasons (the message is its English text)."""

    def __init__(self, problem: EnrolmentProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def passphrase_problem(passphrase: str, hints: list[str]) -> EnrolmentProblem | None:
    """Why this signing passphrase is refused (too short, common or guessable), or None. No session."""
    if len(passphrase) < PASSPHRASE_MIN:
        return EnrolmentProblem.TOO_SHORT
    if zxcvbn(passphrase[:200], user_inputs=hints)["score"] < PASSPHRASE_MIN_SCORE:
        return EnrolmentProblem.TOO_COMMON
    return None


def enrolment_name(session: Session, account: Account, name: str, passphrase: str) -> str:
    """The name for the certificate (its spaces folded), once the checks every browser enrolment
    makes have passed — a party's here, a monitor's in browser_monitoring (PROCEDURE.md §4: each
    signatory signs with a key only it can unlock): a name of NAME_MAX characters at most, a
    passphrase that is neither weak nor the login password. Raises EnrolmentRefused. Caller's session."""
    name = " ".join(name.split())
    if not 2 <= len(name) <= NAME_MAX:
        raise EnrolmentRefused(EnrolmentProblem.NAME)
    problem = passphrase_problem(passphrase, [account.email, *account.email.split("@"), *name.split()])
    if problem:
        raise EnrolmentRefused(problem)
    if account.password_hash and accounts.authenticate(session, account.email, passphrase) is not None:
        raise EnrolmentRefused(EnrolmentProblem.LOGIN_PASSWORD)
    return name


def signer_of(session: Session, account_id: int, number: str) -> Signer | None:
    """The enrolled signatory the account acts for in case `number`, or None. Caller's session."""
    account = session.get(Account, account_id)
    if account is None or account.person_id is None:
        return None
    signer = session.scalars(select(Signer).where(Signer.person_id == account.person_id)).first()
    case = session.scalars(select(Case).where(Case.number == number)).first()
    return signer if signer is not None and case is not None and signer.case_id == case.id else None


def enrol(desk: Desk, session: Session, account_id: int, number: str, side: SideRole, role: SignerRole,
          name: str, passphrase: str) -> Signer:
    """Enrol the party account as a signatory of its side (第四章: the sides' signatories sign the
    agreement), with a key encrypted under `passphrase`. Refused for an account already enrolled, a
    monitor's role, a weak passphrase or the login password. Caller's session."""
    account = session.get(Account, account_id)
    if account is None or account.role is not Role.PARTY:
        raise InvalidInputError("only a party's account enrols as a signatory here")
    if account.person_id is not None:
        raise InvalidInputError("this account is already enrolled as a signatory")
    if not role.signs_for_a_side:
        raise InvalidInputError("a party signs as its side's representative, member or agent")
    name = enrolment_name(session, account, name, passphrase)
    case = session.scalars(select(Case).where(Case.number == number)).one()
    signer = enrolment.enrol(desk, session, case, side, role, name, passphrase)
    account.person_id = signer.person_id
    audit_event(desk, session, number, "enrol_in_browser", desk.actor, person=signer.person_id,
                account=account.email, side=side.value, role=role.value)
    return signer


# --- what awaits a person -------------------------------------------------------------------------

def awaiting(session: Session, number: str, person_id: str) -> list[Awaiting]:
    """The case's co-signed documents with a field of this person, newest first. Caller's session."""
    declined = _declined(session, number, person_id)
    rows = session.scalars(select(SignedDocument).join(Case, Case.id == SignedDocument.case_id).where(
        Case.number == number, SignedDocument.kind == DocumentKind.CO_SIGNED).order_by(SignedDocument.id.desc()))
    found = []
    for document in rows:
        slot = next((s for s in document.slots if s.signer.person_id == person_id), None)
        if slot is not None:
            found.append(Awaiting(document.id, document.instrument, document.subject, document.edition,
                                  document.version, document.revision, slot.field, document.state,
                                  slot.signed_at is not None, (document.id, document.revision) in declined))
    return found


def _declined(session: Session, number: str, person_id: str) -> set[tuple[int, int]]:
    return {(int(e.detail["document"]), int(e.detail["revision"])) for e in audit.chain_events(session, number)
            if e.action == "decline_signature" and e.detail.get("person") == person_id}


def mine(session: Session, number: str, person_id: str, document_id: int) -> Awaiting:
    """The person's entry for this document, or NotFoundError (not theirs, or not in the case)."""
    found = next((a for a in awaiting(session, number, person_id) if a.document_id == document_id), None)
    if found is None:
        raise NotFoundError(f"no document {document_id} for {person_id} in {number}")
    return found


def sign_page(session: Session, number: str, person_id: str, account_id: int, document_id: int,
              *, now: Callable[[], datetime] = utcnow) -> SignPage:
    """The signing page's facts. Caller's session."""
    entry = mine(session, number, person_id, document_id)
    document = get_document(session, document_id)
    code = _live_code(session, account_id, document_id, now())
    cosigners = tuple(Cosigner(s.signer.name, s.signer.side, s.signed_at is not None, s.signer.person_id == person_id)
                      for s in document.slots)
    return SignPage(entry, number, document.latest_sha256, document.verification_code, cosigners,
                    code.read_sha256 if code else None, code.expires_at if code else None)


def is_revision(session: Session, document_id: int, sha256: str) -> bool:
    """Whether `sha256` is a stored revision of this document: a page opened on one revision shows its
    images even when another signatory's signature made a newer one meanwhile. Caller's session."""
    document = get_document(session, document_id)
    return session.scalars(select(DocumentVersion.id).where(
        DocumentVersion.sha256 == sha256, DocumentVersion.case_id == document.case_id,
        DocumentVersion.instrument == document.instrument, DocumentVersion.edition == document.edition,
        DocumentVersion.version == document.version, DocumentVersion.audience == document.audience,
        DocumentVersion.format == "pdf").limit(1)).first() is not None


# --- the email code -------------------------------------------------------------------------------

def _digest(settings: Settings, code_id: int, code: str) -> str:
    key = accounts.installation_key(settings)
    return hmac.new(key, f"signing-code|{code_id}|{code}".encode(), hashlib.sha256).hexdigest()


def _live_code(session: Session, account_id: int, document_id: int, moment: datetime) -> SigningCode | None:
    return session.scalars(select(SigningCode).where(
        SigningCode.account_id == account_id, SigningCode.document_id == document_id, SigningCode.used_at.is_(None),
        SigningCode.expires_at > moment).order_by(SigningCode.id.desc())).first()


def send_code(desk: Desk, settings: Settings, mail: Mailer, account_id: int, number: str, person_id: str,
              document_id: int, read_sha256: str, *, now: Callable[[], datetime] = utcnow) -> str:
    """The person confirmed having read revision `read_sha256`: mail them a new code for signing it
    (any earlier code of theirs for this document dies). Returns where the mail went. Own session:
    the code is recorded only if the mail went out."""
    moment = now()
    with desk.db.session() as session:
        entry = mine(session, number, person_id, document_id)
        _refuse_closed(entry)
        document = get_document(session, document_id)
        if document.latest_sha256 != read_sha256:
            raise SigningRefused(SigningProblem.CHANGED_SINCE_OPENED)
        account = session.get(Account, account_id)
        assert account is not None
        session.execute(update(SigningCode).where(SigningCode.account_id == account_id,
                                                  SigningCode.document_id == document_id,
                                                  SigningCode.used_at.is_(None)).values(used_at=moment))
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        row = SigningCode(account_id=account_id, document_id=document_id, person_id=person_id,
                          read_sha256=read_sha256, digest="", created_at=moment, expires_at=moment + CODE_LIFETIME)
        session.add(row)
        session.flush()
        row.digest = _digest(settings, row.id, code)
        audit_revision_read(desk, session, document, person_id, moment + CODE_LIFETIME)
        minutes = int(CODE_LIFETIME.total_seconds() // 60)
        text = (f"您的签署验证码 / Your signing code: {code}\n\n"
                f"案件 Case {number} · 文书 document {document_id} ({document.instrument}, {document.edition})\n"
                f"{minutes} 分钟内有效，仅可使用一次。/ Valid for {minutes} minutes, once.\n"
                "如非本人操作，请勿使用并告知秘书处。/ If you did not ask for it, do not use it and tell the secretariat.\n")
        return mail.send(compose(settings, account.email, f"签署验证码 Signing code · {number}", text))


def audit_revision_read(desk: Desk, session: Session, document: SignedDocument, person_id: str,
                        expires_at: datetime) -> None:
    """The person's confirmation that they read this revision, and the code sent (never the code)."""
    case = session.get(Case, document.case_id)
    assert case is not None
    audit_event(desk, session, case.number, "confirm_read_and_send_code", desk.actor, person=person_id,
                document=document.id, revision=document.revision, sha256=document.latest_sha256,
                code_expires=expires_at.isoformat())


def _claim(settings: Settings, desk: Desk, account_id: int, document_id: int, code: str, moment: datetime) -> SigningCode:
    """Take the live code if `code` is it (single use: a conditional UPDATE), else count a wrong try
    and refuse. Own sessions: a wrong try stays counted."""
    with desk.db.session() as session:
        row = _live_code(session, account_id, document_id, moment)
        if row is None:
            raise CodeRefused(SigningProblem.NO_VALID_CODE)
        right = hmac.compare_digest(row.digest, _digest(settings, row.id, code.strip()))
        if not right:
            row.tries += 1
            left = CODE_TRIES - row.tries
            if left <= 0:
                row.used_at = moment
        else:
            claimed = cast(CursorResult[Any], session.execute(update(SigningCode).where(
                SigningCode.id == row.id, SigningCode.used_at.is_(None)).values(used_at=moment)))
            if claimed.rowcount != 1:
                raise CodeRefused(SigningProblem.CODE_JUST_USED)
            session.expunge(row)
            return row
    if left <= 0:
        raise CodeRefused(SigningProblem.TOO_MANY_WRONG_CODES)
    raise CodeRefused(SigningProblem.WRONG_CODE, left=left)


def _release(desk: Desk, code_id: int) -> None:
    """Give a claimed code back after the signature failed (wrong passphrase, the record moved)."""
    with desk.db.session() as session:
        session.execute(update(SigningCode).where(SigningCode.id == code_id).values(used_at=None))


# --- signing and declining ------------------------------------------------------------------------

def sign(desk: Desk, settings: Settings, mail: Mailer, account_id: int, number: str, person_id: str,
         document_id: int, field: str, code: str, passphrase: str, *,
         now: Callable[[], datetime] = utcnow) -> Signed:
    """Sign the person's own field of the document's latest revision with code and passphrase
    (cosigning.sign). Refused, with nothing signed: another field, a closed document, a wrong or
    expired code, a wrong passphrase (counted by enrolment.unlock). Own sessions."""
    with desk.db.session() as session:
        entry = mine(session, number, person_id, document_id)
        if field != entry.field:
            raise SigningRefused(SigningProblem.NOT_YOUR_FIELD, field=field)
        _refuse_closed(entry)
    claimed = _claim(settings, desk, account_id, document_id, code, now())
    try:
        latest = desk.blobs.get(_latest_sha(desk, document_id))
        if not latest.startswith(desk.blobs.get(claimed.read_sha256)):
            raise SigningRefused(SigningProblem.NOT_WHAT_YOU_READ)
        document = cosigning.sign(desk, document_id, person_id, passphrase, method=METHOD)
    except SigningError:
        _release(desk, claimed.id)
        with desk.db.session() as session:  # frozen or replaced while this person signed: say so in words
            _refuse_closed(mine(session, number, person_id, document_id))
        raise
    except BaseException:
        _release(desk, claimed.id)
        raise
    with desk.db.session() as session:
        audit_event(desk, session, number, "sign_method", desk.actor, person=person_id, document=document_id,
                    field=field, method=METHOD.value, read_sha256=claimed.read_sha256)
    frozen = document.state is DocumentState.FROZEN
    return Signed(frozen, send_frozen(desk, settings, mail, document_id) if frozen else ())


def _latest_sha(desk: Desk, document_id: int) -> str:
    with desk.db.session() as session:
        return get_document(session, document_id).latest_sha256


def _refuse_closed(entry: Awaiting) -> None:
    if entry.signed:
        raise SigningRefused(SigningProblem.ALREADY_SIGNED)
    if entry.state is DocumentState.SUPERSEDED:
        raise SigningRefused(SigningProblem.SUPERSEDED)
    if not entry.state.is_open:
        raise SigningRefused(SigningProblem.FROZEN)


def send_frozen(desk: Desk, settings: Settings, mail: Mailer, document_id: int) -> tuple[str, ...]:
    """Mail the frozen PDF to every signatory of the document who has an account (issue 12,
    "Afterwards"). Returns their addresses. Own session (reads only)."""
    with desk.db.session() as session:
        document = get_document(session, document_id)
        case = session.get(Case, document.case_id)
        assert case is not None
        people = [s.signer.person_id for s in document.slots]
        addresses = list(session.scalars(select(Account.email).where(Account.person_id.in_(people),
                                                                     Account.disabled_at.is_(None))))
        data = desk.blobs.get(document.latest_sha256)
        name = f"{case.number}-{document.instrument}-{document.edition}-v{document.version}-frozen.pdf"
        subject = f"已签署并封存 Signed by all and frozen · {case.number} {document.instrument}"
        text = (f"{case.number} 的文书已由各方签署并封存，附件为最终版本。\n"
                f"The document of {case.number} is signed by every signatory and frozen; the final PDF is attached.\n"
                f"核验码 Verification code: {document.verification_code}\nsha256: {document.latest_sha256}\n")
    for address in addresses:
        message = compose(settings, address, subject, text)
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
        mail.send(message)
    return tuple(addresses)


def decline(desk: Desk, settings: Settings, mail: Mailer, number: str, person_id: str, document_id: int,
            reason: str) -> tuple[str, ...]:
    """Decline to sign this revision, with a reason: recorded in the case's audit chain and mailed to
    the secretariat's officers (the secretariat then issues a new draft or answers). Returns the
    addresses told. Own session."""
    reason = reason.strip()
    if not reason:
        raise SigningRefused(SigningProblem.NO_REASON)
    if len(reason) > REASON_MAX:
        raise SigningRefused(SigningProblem.REASON_TOO_LONG)
    with desk.db.session() as session:
        entry = mine(session, number, person_id, document_id)
        _refuse_closed(entry)
        if entry.declined:
            raise SigningRefused(SigningProblem.ALREADY_DECLINED)
        document = get_document(session, document_id)
        signer = session.scalars(select(Signer).where(Signer.person_id == person_id)).one()
        audit_event(desk, session, number, "decline_signature", desk.actor, person=person_id, name=signer.name,
                    document=document_id, instrument=document.instrument, edition=document.edition,
                    revision=document.revision, sha256=document.latest_sha256, reason=reason)
        officers = list(session.scalars(select(Account.email).where(
            Account.role.in_((Role.OFFICER, Role.ADMIN)), Account.disabled_at.is_(None)).order_by(Account.id)))
        text = (f"{signer.name} ({person_id}) 拒绝签署 {number} 的文书 {document_id}（{document.instrument}，"
                f"{document.edition}，第 {document.revision} 版）。\n"
                f"{signer.name} ({person_id}) declined to sign document {document_id} of {number} "
                f"({document.instrument}, {document.edition}, revision {document.revision}).\n\n"
                f"理由 Reason:\n{reason}\n")
        for address in officers:
            mail.send(compose(settings, address, f"拒绝签署 Signature declined · {number}", text))
    return tuple(officers)


@dataclass(frozen=True)
class Declined:
    at: datetime
    name: str
    document_id: int
    revision: int
    reason: str


def declines(session: Session, number: str) -> list[Declined]:
    """Every decline recorded on the case, oldest first (for the case pages). Caller's session."""
    return [Declined(e.at, str(e.detail.get("name", e.detail["person"])), int(e.detail["document"]),
                     int(e.detail["revision"]), str(e.detail["reason"]))
            for e in audit.chain_events(session, number) if e.action == "decline_signature"]
