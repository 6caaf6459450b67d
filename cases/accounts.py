"""Who may sign in to the web service, and to which cases they are tied (issue 10).

A party account is tied to one or more case sides, a monitor account to the cases it monitors;
either may be tied to the person who holds a signing certificate (`Signer.person_id`). Officers
and admins see every case, so they have no ties. Hashing, TOTP and tokens live in
casedocs.services.accounts: these are records only (the same metadata as cases.models, so that
Alembic sees them).
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Base, Case, Side, _enum, utcnow
from cases.vocabulary import Labelled, _labels


class Role(Labelled):
    ADMIN = "admin"        # the secretariat's administrator: accounts, and everything an officer does
    OFFICER = "officer"    # the secretariat's case officer: every case
    MONITOR = "monitor"    # the cases it monitors: agreement, closure reports, monitoring
    PARTY = "party"        # its own cases, from its side's point of view

    @property
    def needs_second_factor(self) -> bool:
        """Staff accounts act on every case: a stolen password alone must not be enough."""
        return self in (Role.ADMIN, Role.OFFICER)

    @property
    def is_staff(self) -> bool:
        return self in (Role.ADMIN, Role.OFFICER)


class UiLanguage(Labelled):
    """The languages of the web pages (the documents' editions are docgen.locale.Edition)."""

    ZH = "zh"
    ZH_HANT = "zh-Hant"
    EN = "en"


_labels(Role, {"admin": ("管理员", "Administrator"), "officer": ("案件专员", "Case officer"),
                "monitor": ("监督员", "Monitor"), "party": ("当事方", "Party")})
_labels(UiLanguage, {"zh": ("简体中文", "Simplified Chinese"), "zh-Hant": ("繁體中文", "Traditional Chinese"),
                     "en": ("English", "English")})


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    role: Mapped[Role] = mapped_column(_enum(Role))
    password_hash: Mapped[Optional[str]] = mapped_column(String(200))  # argon2id; None = cannot log in
    # The TOTP secret sealed with the installation key (AES-GCM): shown once, at enrolment.
    totp_sealed: Mapped[Optional[bytes]] = mapped_column(LargeBinary)
    totp_confirmed_at: Mapped[Optional[datetime]]
    # The last TOTP time step accepted: a code is accepted once (RFC 6238 §5.2).
    totp_last_step: Mapped[Optional[int]]
    disabled_at: Mapped[Optional[datetime]]
    language: Mapped[Optional[UiLanguage]] = mapped_column(_enum(UiLanguage))  # None = Accept-Language
    # The signer person id (Signer.person_id) this account acts for, where there is one.
    person_id: Mapped[Optional[str]] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    last_login_at: Mapped[Optional[datetime]]

    sides: Mapped[list[AccountSide]] = relationship(cascade="all, delete-orphan", order_by="AccountSide.id")
    monitored: Mapped[list[AccountCase]] = relationship(cascade="all, delete-orphan", order_by="AccountCase.id")
    tokens: Mapped[list[ApiToken]] = relationship(cascade="all, delete-orphan", order_by="ApiToken.id")

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


class AccountSide(Base):
    """A party account speaks for this side of this case."""

    __tablename__ = "account_sides"
    __table_args__ = (UniqueConstraint("account_id", "side_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    side_id: Mapped[int] = mapped_column(ForeignKey("sides.id"))

    side: Mapped[Side] = relationship()


class AccountCase(Base):
    """A monitor account monitors this case."""

    __tablename__ = "account_cases"
    __table_args__ = (UniqueConstraint("account_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))

    case: Mapped[Case] = relationship()


class ApiToken(Base):
    """A bearer token for /api/v1: only its sha256 is kept (the token is printed once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]
