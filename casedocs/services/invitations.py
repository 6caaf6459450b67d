"""Invitations: the secretariat invites a person (a side's member, representative or agent, or a
monitor) by email, and the person sets their own password from the link (issue 12, "Getting in").

The link is signed, expires after INVITATION_DAYS and works once, without a table of its own: it
signs the account's id together with a digest of the account's sign-in state (its password hash and
last sign-in), as Django's password-reset tokens do. Setting the password changes that state, so the
same link never works twice, and a link sent before a newer password was set is dead too.

Nobody but the recipient ever sees the link: it is made here, put in the mail and dropped. It is not
returned to the caller, not in the audit chain (which records that an invitation was sent, to whom
and as what), not in any log line (web.serve redacts the path it is opened at) and not in an error.

Session rule: caller's session, except `check` (caller's session, reads only).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import audit
from cases.accounts import Account, AccountCase, AccountSide, Role
from cases.models import Case, Side
from cases.vocabulary import SideRole
from casedocs.config import Settings
from casedocs.mail import Mailer, compose
from casedocs.services import accounts

INVITATION_DAYS = 7
_SALT = "casedocs.invitation"
WELCOME_PATH = "/welcome/"  # where the link leads: web.auth serves it, web.serve keeps it out of the logs


@dataclass(frozen=True)
class Sent:
    """What the inviter may know: who was invited and where the mail went (never the link)."""

    email: str
    delivered_to: str


def _state(account: Account) -> str:
    """A digest of what setting a password changes: a link is good for one state only. The address is
    in it too: were the act that sent the mail rolled back after sending, a later account given the
    same id would not answer to the dead link."""
    seen = (f"{account.id}|{account.email}|{account.password_hash or ''}|{account.last_login_at or ''}|"
            f"{account.disabled_at or ''}")
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def _serializer(settings: Settings, clock: Callable[[], float] = time.time) -> URLSafeTimedSerializer:
    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return URLSafeTimedSerializer(accounts.installation_key(settings), salt=_SALT, signer=_Signer)


def invite(session: Session, settings: Settings, mail: Mailer, email: str, role: Role, *, actor: str,
           case_number: str | None = None, side: SideRole | None = None, person_id: str | None = None,
           clock: Callable[[], float] = time.time) -> Sent:
    """Make the account (with no password: it cannot sign in yet) or find the one not yet signed in,
    tie it to the case side, and mail the person a link to set their password. Refuses staff roles
    (they are added with `casedocs user add` and a second factor) and an account already in use."""
    if role.is_staff:
        raise accounts.AccountError("invitations are for parties and monitors; add staff with `casedocs user add`")
    address = accounts.normalise_email(email)
    existing = accounts.find_account(session, address)
    if existing is None:
        account = accounts.add_account(session, address, role, actor=actor, case_number=case_number, side=side,
                                       person_id=person_id)
    else:
        if existing.password_hash is not None or existing.disabled:
            raise accounts.AccountError(f"{address} already has an account in use: it signs in with its own password")
        if existing.role is not role:
            raise accounts.AccountError(f"{address} was invited as {existing.role.value}, not {role.value}")
        account = existing
        if case_number is not None:
            accounts.tie(session, account, case_number, side, actor=actor)
    session.flush()
    link = f"{settings.public_url}{WELCOME_PATH}{_serializer(settings, clock).dumps({'a': account.id, 's': _state(account)})}"
    where = mail.send(compose(settings, address, _SUBJECT, _TEXT.format(link=link, days=INVITATION_DAYS)))
    detail = {"account": address, "role": role.value}
    audit.append(session, audit.SYSTEM_CHAIN, actor, "invitation_sent", detail=detail)
    if case_number is not None:
        audit.append(session, case_number, actor, "invitation_sent", detail=detail)
    return Sent(address, where)


def check(session: Session, settings: Settings, token: str) -> Account | None:
    """The account a link is for, if the link is genuine, not expired and not used; else None (the
    three are not told apart: the page says to ask for a new invitation)."""
    try:
        payload = _serializer(settings).loads(token, max_age=int(timedelta(days=INVITATION_DAYS).total_seconds()))
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    account = session.get(Account, payload["a"])
    if account is None or account.disabled or payload.get("s") != _state(account):
        return None
    return account


def accept(session: Session, settings: Settings, token: str, password: str, *, actor: str) -> Account | None:
    """Set the invited person's password from their link; None when the link does not hold (nothing
    changed). The password's rules are accounts.set_password's."""
    account = check(session, settings, token)
    if account is None:
        return None
    accounts.set_password(session, account, password, actor=actor)
    audit.append(session, audit.SYSTEM_CHAIN, actor, "invitation_accepted", detail={"account": account.email})
    return account


class AccountStatus(Enum):
    """Where an account of a case stands, as the console lists it."""

    INVITED = "invited"    # no password yet: the invitation's link has not been used
    ACTIVE = "active"
    DISABLED = "disabled"


@dataclass(frozen=True)
class CaseAccount:
    email: str
    role: Role
    sides: tuple[SideRole, ...]  # a party's sides in this case; () for a monitor
    person_id: str | None
    status: AccountStatus
    last_login_at: datetime | None


def case_accounts(session: Session, case_number: str) -> list[CaseAccount]:
    """The party and monitor accounts tied to the case, with where each stands (never a link).
    Caller's session, two queries."""
    parties = session.execute(select(Account, Side.role).join(AccountSide, AccountSide.account_id == Account.id)
                              .join(Side, Side.id == AccountSide.side_id).join(Case, Case.id == Side.case_id)
                              .where(Case.number == case_number)).all()
    monitors = session.scalars(select(Account).join(AccountCase, AccountCase.account_id == Account.id)
                               .join(Case, Case.id == AccountCase.case_id).where(Case.number == case_number)).all()
    sides: dict[int, list[SideRole]] = {}
    found: dict[int, Account] = {}
    for account, role in parties:
        found[account.id] = account
        sides.setdefault(account.id, []).append(role)
    for account in monitors:
        found[account.id] = account
    return sorted((CaseAccount(a.email, a.role, tuple(sorted(sides.get(a.id, []))), a.person_id, _status(a),
                               a.last_login_at) for a in found.values()),
                  key=lambda line: (line.role.value, line.sides, line.email))


def _status(account: Account) -> AccountStatus:
    if account.disabled:
        return AccountStatus.DISABLED
    return AccountStatus.ACTIVE if account.password_hash is not None else AccountStatus.INVITED


_SUBJECT = "采矿业和矿产价值链调解磋商机制：账户邀请 / Mining and Mineral Value Chain Mediation and Consultation Mechanism: invitation"
_TEXT = """您好：

秘书处邀请您使用本机制的案件平台。请打开以下链接设置您的登录密码（{days}日内有效，仅可使用一次）：

{link}

如您并未预期收到此邮件，请忽略。请勿将此链接转发他人。

Hello,

The secretariat invites you to the mechanism's case portal. Open this link to set your password
(valid for {days} days, and once only):

{link}

If you did not expect this mail, ignore it. Do not forward this link to anyone.
"""
