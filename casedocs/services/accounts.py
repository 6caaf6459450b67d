"""Web accounts: create, list, disable; passwords (argon2id), TOTP second factor, API tokens.

Session rule of every function here: **caller's session** (it flushes, never commits), except
`installation_key` (**no session**). Every change to an account is appended to the "system"
audit chain with the actor the caller names (the web passes who, from which address and session).

Why these choices:
- argon2id with argon2-cffi's current defaults (RFC 9106's second recommended option); a hash
  made under older parameters is redone at the next successful login (`check_needs_rehash`).
- An unknown email still costs one argon2 verification, so timing does not tell which emails exist.
- TOTP (RFC 6238, 30 s steps, ±1 step of drift) is sealed with AES-GCM under a key derived from the
  installation key: a database dump alone does not give the second factor. A code is accepted once.
- API tokens are random (256 bits) and only their sha256 is stored: a fast hash is enough for
  a secret with that much entropy, and it lets a token be found by an index lookup.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit
from cases.accounts import Account, AccountCase, AccountSide, ApiToken, Role, UiLanguage
from cases.errors import CaseError, NotFoundError
from cases.models import Case, Signer, utcnow
from cases.vocabulary import SideRole
from casedocs.config import Settings

ISSUER = "casedocs"
TOKEN_PREFIX = "cdt_"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # how precisely a token's last use is kept
_hasher = PasswordHasher()  # argon2id, argon2-cffi's RFC 9106 low-memory profile
# Verified against when the email is unknown, so that a miss costs the same as a wrong password.
_DUMMY_HASH = _hasher.hash("casedocs: no such account")
_KEY_FILE = "web-secret-key"


class AccountError(CaseError):
    """An account cannot be created or changed as asked; the message names why."""


def installation_key(settings: Settings) -> bytes:
    """The secret that signs web sessions and seals TOTP secrets: $CASEDOCS_SECRET_KEY, else a
    random key made once and kept (mode 0600) in the data directory, so that the command line and
    every web worker share it. No session."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = settings.data_dir / _KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="ascii") as handle:  # "x": two workers racing make one key
                path.chmod(0o600)
                handle.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return Path(path).read_text(encoding="ascii").strip().encode("ascii")


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    local, at, domain = cleaned.partition("@")
    if not at or not local or "." not in domain or len(cleaned) > 254 or any(c.isspace() for c in cleaned):
        raise AccountError(f"{email!r} is not an email address")
    return cleaned


# --- accounts -------------------------------------------------------------------------------------

def add_account(session: Session, email: str, role: Role, *, actor: str, password: str | None = None,
                case_number: str | None = None, side: SideRole | None = None, person_id: str | None = None,
                language: UiLanguage | None = None) -> Account:
    """A new account. A party is tied to a case side (`case_number` and `side`), a monitor to a
    case it monitors (`case_number`), either to the signer `person_id` where there is one; staff
    see every case and take no case. Without a password the account cannot log in until one is set."""
    address = normalise_email(email)
    if session.scalars(select(Account.id).where(Account.email == address)).first() is not None:
        raise AccountError(f"an account for {address} already exists")
    if role.is_staff and (case_number or side or person_id):
        raise AccountError(f"a {role.value} account sees every case: give no --case, --side or --person")
    if role is Role.PARTY and (case_number is None or side is None):
        raise AccountError("a party account needs --case and --side (applicant or respondent)")
    if role is Role.MONITOR and side is not None:
        raise AccountError("a monitor account takes --case only, not --side")
    if person_id is not None and session.scalars(select(Signer.id).where(Signer.person_id == person_id)).first() is None:
        raise AccountError(f"no signer has person id {person_id!r} (see `casedocs signer list`)")
    account = Account(email=address, role=role, created_by=actor, person_id=person_id, language=language,
                      password_hash=_hasher.hash(password) if password else None)
    session.add(account)
    session.flush()
    if case_number is not None:
        tie(session, account, case_number, side, actor=actor)
    audit.append(session, audit.SYSTEM_CHAIN, actor, "account_added",
                 detail={"account": address, "role": role.value, "person": person_id})
    return account


def tie(session: Session, account: Account, case_number: str, side: SideRole | None, *, actor: str) -> None:
    """Tie a party account to one more case side, or a monitor account to one more case."""
    case = _case(session, case_number)
    if account.role is Role.PARTY:
        if side is None:
            raise AccountError("a party account is tied to a side: give --side applicant or respondent")
        target = case.side(side)
        if all(link.side_id != target.id for link in account.sides):
            account.sides.append(AccountSide(side_id=target.id))
    elif account.role is Role.MONITOR:
        if all(link.case_id != case.id for link in account.monitored):
            account.monitored.append(AccountCase(case_id=case.id))
    else:
        raise AccountError(f"a {account.role.value} account sees every case and is tied to none")
    session.flush()
    audit.append(session, case.number, actor, "account_tied",
                 detail={"account": account.email, "side": side.value if side else None})


def find_account(session: Session, email: str) -> Account | None:
    return session.scalars(select(Account).where(Account.email == normalise_email(email))).first()


def get_account(session: Session, email: str) -> Account:
    account = find_account(session, email)
    if account is None:
        raise NotFoundError(f"no account for {email}")
    return account


def list_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.role, Account.email)))


def disable_account(session: Session, email: str, *, actor: str) -> Account:
    """Refuse every later login and token of the account; its sessions end at their next request."""
    account = get_account(session, email)
    if account.disabled_at is None:
        account.disabled_at = utcnow()
        for token in account.tokens:
            token.revoked_at = token.revoked_at or account.disabled_at
        audit.append(session, audit.SYSTEM_CHAIN, actor, "account_disabled", detail={"account": account.email})
    return account


def set_password(session: Session, account: Account, password: str, *, actor: str) -> None:
    if len(password) < 12:
        raise AccountError("a password needs at least 12 characters")
    account.password_hash = _hasher.hash(password)
    audit.append(session, audit.SYSTEM_CHAIN, actor, "password_set", detail={"account": account.email})


def set_language(session: Session, account_id: int, language: UiLanguage) -> None:
    account = session.get(Account, account_id)
    if account is not None:
        account.language = language


# --- login ----------------------------------------------------------------------------------------

def authenticate(session: Session, email: str, password: str) -> Account | None:
    """The enabled account with this email and password, else None. Rehashes a hash made under
    older argon2 parameters. Does not record the login (`record_login`): the second factor may follow."""
    try:
        address = normalise_email(email)
    except AccountError:
        address = None
    account = session.scalars(select(Account).where(Account.email == address)).first() if address else None
    stored = account.password_hash if account is not None and account.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or account.password_hash is None or account.disabled:
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def record_login(session: Session, account: Account, *, actor: str) -> None:
    account.last_login_at = utcnow()
    audit.append(session, audit.SYSTEM_CHAIN, actor, "login", detail={"account": account.email})


# --- TOTP -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TotpEnrolment:
    """What a person needs to add the account to an authenticator app, shown once."""

    secret: str   # base32
    uri: str      # otpauth://totp/...
    qr_svg: str   # the URI as an inline SVG QR code

    def __repr__(self) -> str:  # never in a log
        return "TotpEnrolment(<secret>)"


def _totp_key(key: bytes) -> bytes:
    return hashlib.sha256(b"casedocs totp seal v1\0" + key).digest()


def _seal(key: bytes, secret: str, account_id: int) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_totp_key(key)).encrypt(nonce, secret.encode("ascii"), str(account_id).encode())


def _unseal(key: bytes, sealed: bytes, account_id: int) -> str:
    return AESGCM(_totp_key(key)).decrypt(sealed[:12], sealed[12:], str(account_id).encode()).decode("ascii")


def needs_totp_enrolment(account: Account) -> bool:
    return account.role.needs_second_factor and account.totp_confirmed_at is None


def begin_totp(session: Session, account: Account, key: bytes) -> TotpEnrolment:
    """A new secret for the account, sealed and stored unconfirmed (it counts once a code from it
    is accepted by `confirm_totp`); replaces an unconfirmed one."""
    if account.totp_confirmed_at is not None:
        raise AccountError(f"{account.email} already has a second factor")
    secret = pyotp.random_base32()
    account.totp_sealed = _seal(key, secret, account.id)
    session.flush()
    return enrolment_of(secret, account.email)


def enrolment_of(secret: str, email: str) -> TotpEnrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=5, omitsize=True, dark="#111", light="#fff", title="QR")
    return TotpEnrolment(secret, uri, svg)


def pending_enrolment(account: Account, key: bytes) -> TotpEnrolment | None:
    """The unconfirmed secret's enrolment again (a reload of the enrolment page), else None."""
    if account.totp_sealed is None or account.totp_confirmed_at is not None:
        return None
    return enrolment_of(_unseal(key, account.totp_sealed, account.id), account.email)


def check_totp(session: Session, account: Account, code: str, key: bytes) -> bool:
    """Whether `code` is the account's current TOTP code (±30 s), not used before."""
    if account.totp_sealed is None:
        return False
    digits = "".join(code.split())
    if not (len(digits) == 6 and digits.isdigit()):
        return False
    totp = pyotp.TOTP(_unseal(key, account.totp_sealed, account.id))
    now = utcnow()
    for drift in (0, -1, 1):
        step = totp.timecode(now) + drift
        if secrets.compare_digest(totp.generate_otp(step), digits):
            if account.totp_last_step is not None and step <= account.totp_last_step:
                return False  # replayed
            account.totp_last_step = step
            session.flush()
            return True
    return False


def confirm_totp(session: Session, account: Account, code: str, key: bytes, *, actor: str) -> bool:
    """Confirm an enrolment with the first code from the authenticator app."""
    if not check_totp(session, account, code, key):
        return False
    account.totp_confirmed_at = utcnow()
    audit.append(session, audit.SYSTEM_CHAIN, actor, "second_factor_enrolled", detail={"account": account.email})
    return True


def enrol_totp_now(session: Session, account: Account, key: bytes, *, actor: str) -> TotpEnrolment:
    """Enrol and confirm at once: for an account made at the command line (the demo's officer), whose
    secret is printed there for the person to add to their app."""
    enrolment = begin_totp(session, account, key)
    account.totp_confirmed_at = utcnow()
    audit.append(session, audit.SYSTEM_CHAIN, actor, "second_factor_enrolled", detail={"account": account.email})
    return enrolment


# --- API tokens -----------------------------------------------------------------------------------

def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, account: Account, *, actor: str) -> str:
    """A new bearer token for the account, returned once (only its sha256 is kept)."""
    if account.disabled:
        raise AccountError(f"{account.email} is disabled")
    token = TOKEN_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    account.tokens.append(ApiToken(sha256=_token_digest(token)))
    audit.append(session, audit.SYSTEM_CHAIN, actor, "api_token_issued", detail={"account": account.email})
    return token


def account_for_token(session: Session, token: str) -> Account | None:
    """The enabled account of an unrevoked token, else None."""
    found = session.scalars(select(ApiToken).where(ApiToken.sha256 == _token_digest(token))).first()
    if found is None or found.revoked_at is not None:
        return None
    account = session.get(Account, found.account_id)
    if account is None or account.disabled:
        return None
    now = utcnow()
    # Noted to the minute: a write at every API read would queue concurrent readers behind SQLite's
    # one writer (and cost a commit each).
    if found.last_used_at is None or now - found.last_used_at >= TOKEN_USE_RESOLUTION:
        found.last_used_at = now
    return account


def describe(account: Account) -> dict[str, Any]:
    """The account as `casedocs user list --json` prints it (no secret of any kind)."""
    return {
        "email": account.email, "role": account.role.value, "disabled": account.disabled,
        "second_factor": account.totp_confirmed_at is not None, "person": account.person_id,
        "sides": [f"{link.side.case.number} {link.side.role.value}" for link in account.sides],
        "cases": [link.case.number for link in account.monitored],
        "language": account.language.value if account.language else None,
        "last_login": account.last_login_at.isoformat() if account.last_login_at else None,
    }


def _case(session: Session, number: str) -> Case:
    case = session.scalars(select(Case).where(Case.number == number)).first()
    if case is None:
        raise NotFoundError(f"no case {number}")
    return case
