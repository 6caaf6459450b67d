"""Outgoing mail: through SMTP when CASEDOCS_SMTP_URL is set, else into a Maildir of the data
directory (issue 12: the demo and development read it there; nothing is lost and nothing leaves the
machine). Both behind one protocol, so that a service sends without knowing which.

Mail carries links only its recipient may see (invitations, later signing codes): nothing here logs
a message's body, and the command line and the web say where mail went, never what it said.
"""
from __future__ import annotations

import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from cases.errors import CaseError
from casedocs.config import Settings

SMTP_TIMEOUT = 30.0


class MailError(CaseError):
    """Mail could not be sent; the message names the server and the reason (never the mail's text)."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send it; returns where it went, for the sender to say ("the Maildir …", "smtp.example.org")."""
        ...


@dataclass(frozen=True)
class MaildirMailer:
    folder: Path

    def send(self, message: EmailMessage) -> str:
        box = mailbox.Maildir(self.folder, create=True)  # delivery is atomic: tmp/ then new/
        try:
            box.add(message)
        finally:
            box.close()
        return f"the Maildir {self.folder}"


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> "SmtpMailer":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError("CASEDOCS_SMTP_URL must be smtp://[user[:password]@]host[:port] or smtps://…")
        tls = parts.scheme == "smtps"
        return cls(parts.hostname, parts.port or (465 if tls else 25), tls,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)

    def send(self, message: EmailMessage) -> str:
        try:
            if self.implicit_tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
            with client:
                client.ehlo()
                if not self.implicit_tls and client.has_extn("starttls"):
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"mail to {message['To']} could not be sent through {self.host}:{self.port}: "
                            f"{type(error).__name__}: {str(error)[:200]}") from None
        return f"{self.host}:{self.port}"


def mailer(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer.from_url(settings.smtp_url)
    return MaildirMailer(settings.data_dir / "mail")


def compose(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or "localhost")
    message.set_content(text)  # UTF-8, quoted-printable or base64 as the text needs
    return message
