"""What a view needs from the running app: the casedocs App, the signed-in account, and the actor
string that puts who, from which address and in which session into every audit event.

Views call the service layer with `actor=web_actor()`::

    with core().procedure(actor=web_actor()) as proc:
        ...

so the case's audit chain records e.g. "officer@example.org (web 203.0.113.5, session 3f9a1c2e)"
with the event's own time: who, when, where from and in which session (issue 10).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, session
from flask_login import current_user

from cases import audit
from cases.accounts import Account, Role, UiLanguage
from casedocs.app import App

APP_EXTENSION = "casedocs.app"
SESSION_ID = "sid"


@dataclass(frozen=True)
class Principal:
    """The signed-in account as Flask-Login sees it (a plain value: no ORM object outlives its session)."""

    account_id: int
    email: str
    role: Role
    language: UiLanguage | None
    person_id: str | None
    via_token: bool = False

    # Flask-Login's user protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.account_id)

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @classmethod
    def of(cls, account: Account, *, via_token: bool = False) -> "Principal":
        return cls(account.id, account.email, account.role, account.language, account.person_id, via_token)


def core() -> App:
    """The casedocs App of this web process (database, store, calendar, converter pool)."""
    found: App = current_app.extensions[APP_EXTENSION]
    return found


def client_address() -> str:
    return request.remote_addr or "unknown"


def session_tag() -> str:
    """A short public tag of the web session (a random id made at login, not the cookie)."""
    sid = session.get(SESSION_ID)
    return sid[:8] if isinstance(sid, str) else ("token" if getattr(current_user, "via_token", False) else "none")


def web_actor(email: str | None = None) -> str:
    """The audit actor for an act done in this request (at most 200 characters, the column's size)."""
    who = email or (current_user.email if current_user.is_authenticated else "anonymous")
    return f"{who[:120]} (web {client_address()[:45]}, session {session_tag()})"


def audit_system(action: str, email: str | None = None, **detail: object) -> None:
    """Record a web act that belongs to no case (login, logout, failed login) on the system chain."""
    with core().db.session() as db:
        audit.append(db, audit.SYSTEM_CHAIN, web_actor(email), action,
                     detail={"address": client_address(), "session": session_tag(), **detail})
