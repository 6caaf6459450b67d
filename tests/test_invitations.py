"""Inviting a party or a monitor by email (issue 12, "Getting in"): the mail goes through a real SMTP
server on loopback (aiosmtpd) or into the data directory's Maildir; the link works once, for 7 days,
for its recipient only, and is shown to nobody else — not the command line, not the audit chain,
not the server's access log."""
from __future__ import annotations

import dataclasses
import email
import email.policy
import mailbox
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from cases.accounts import Role
from cases.models import AuditEvent
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.mail import MaildirMailer
from casedocs.services import accounts, invitations
from web_support import PASSWORD, csrf_of, filed_case_number, log_in, ready_settings, web_app

LINK = re.compile(r"http://127\.0\.0\.1:8000(/welcome/\S+)")
PERSON = "kabila.representative@example.org"


class _Inbox:
    """An SMTP server's handler that keeps what it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return ready_settings(tmp_path)


@pytest.fixture
def case_number(settings: Settings) -> str:
    return filed_case_number(settings)


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _invite(settings: Settings, case_number: str, **options: Any) -> tuple[str, str]:
    """`casedocs user invite` as the secretariat runs it; its output and the link from the Maildir."""
    result = CliRunner().invoke(main, ["user", "invite", PERSON, "--role", "party", "--case", case_number,
                                       "--side", "applicant", "--data", str(settings.data_dir)],
                                env={"CASEDOCS_SECURE_COOKIES": "0", **options})
    assert result.exit_code == 0, result.output
    return result.output, ""


def _maildir_link(settings: Settings, folder: str = "mail") -> str:
    box = mailbox.Maildir(settings.data_dir / folder, create=False)
    [message] = [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in box.keys()]
    assert isinstance(message, EmailMessage) and message["To"] == PERSON
    found = LINK.search(_text(message))
    assert found is not None
    return found.group(1)


def _events(settings: Settings, action: str) -> list[AuditEvent]:
    with App(settings) as core, core.db.session() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_invitation_goes_through_smtp_and_its_link_is_printed_nowhere(
        settings: Settings, case_number: str, smtp: tuple[int, _Inbox]) -> None:
    port, inbox = smtp
    output, _ = _invite(settings, case_number, CASEDOCS_SMTP_URL=f"smtp://127.0.0.1:{port}")

    [message] = inbox.messages
    assert message["To"] == PERSON and "邀请" in message["Subject"] and "invitation" in message["Subject"]
    link = LINK.search(_text(message))
    assert link is not None
    secret = link.group(1).rsplit("/", 1)[1]
    assert output.strip() == f"invitation sent to {PERSON} (through 127.0.0.1:{port})"
    assert secret not in output
    events = _events(settings, "invitation_sent")
    assert {e.chain for e in events} == {"system", case_number}
    assert all(secret not in repr(e.detail) and "welcome" not in repr(e.detail) for e in events)
    assert not (settings.data_dir / "mail").exists()  # SMTP configured: nothing kept here


def test_without_smtp_the_mail_is_kept_in_the_data_directorys_maildir(settings: Settings, case_number: str) -> None:
    output, _ = _invite(settings, case_number)
    assert f"through the Maildir {settings.data_dir / 'mail'}" in output
    assert _maildir_link(settings).startswith("/welcome/")


def test_the_link_sets_the_password_once_and_then_the_person_signs_in(settings: Settings, case_number: str) -> None:
    _invite(settings, case_number)
    path = _maildir_link(settings)
    with web_app(settings, start_jobs=False) as app:
        client = app.test_client()
        page = client.get(path)
        assert page.status_code == 200 and PERSON in page.get_data(as_text=True)
        assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
        short = client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True)), "password": "short",
                                        "confirm": "short"})
        assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
        done = client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True)), "password": PASSWORD,
                                       "confirm": PASSWORD})
        assert done.status_code == 302 and done.headers["Location"] == "/login"
        again = client.get(path)
        assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)
        assert log_in(app.test_client(), PERSON).status_code == 302
    assert [e.detail["account"] for e in _events(settings, "invitation_accepted")] == [PERSON]


def test_a_link_older_than_seven_days_or_altered_does_not_work(settings: Settings, case_number: str) -> None:
    with App(settings) as core, core.procedure() as proc:
        invitations.invite(proc.session, settings, MaildirMailer(settings.data_dir / "mail"), PERSON, Role.PARTY,
                           actor="test", case_number=case_number, side=SideRole.APPLICANT,
                           clock=lambda: time.time() - 8 * 24 * 3600)
    old = _maildir_link(settings)
    with App(settings) as core, core.db.session() as db:
        assert invitations.check(db, settings, old.rsplit("/", 1)[1]) is None
        account = accounts.get_account(db, PERSON)
    with App(settings) as core, core.procedure() as proc:  # invited again, today
        invitations.invite(proc.session, settings, MaildirMailer(settings.data_dir / "fresh"), PERSON, Role.PARTY,
                           actor="test", case_number=case_number, side=SideRole.APPLICANT)
    fresh = _maildir_link(settings, "fresh").rsplit("/", 1)[1]
    with App(settings) as core, core.db.session() as db:
        assert fresh and invitations.check(db, settings, fresh) is not None
        assert invitations.check(db, settings, fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB")) is None
        assert account.id == accounts.get_account(db, PERSON).id  # the same account, invited again


def test_staff_are_not_invited_and_an_account_in_use_is_not_invited_again(settings: Settings,
                                                                         case_number: str) -> None:
    mail = MaildirMailer(settings.data_dir / "mail")
    with App(settings) as core, core.procedure() as proc:
        with pytest.raises(accounts.AccountError, match="invitations are for parties and monitors"):
            invitations.invite(proc.session, settings, mail, "officer@example.org", Role.OFFICER, actor="test")
        accounts.add_account(proc.session, "in-use@example.org", Role.PARTY, actor="test", password=PASSWORD,
                             case_number=case_number, side=SideRole.RESPONDENT)
        with pytest.raises(accounts.AccountError, match="already has an account in use"):
            invitations.invite(proc.session, settings, mail, "in-use@example.org", Role.PARTY, actor="test",
                               case_number=case_number, side=SideRole.RESPONDENT)


@pytest.mark.slow
def test_the_servers_access_log_names_the_welcome_path_without_its_secret(settings: Settings,
                                                                         case_number: str) -> None:
    _invite(settings, case_number)
    path = _maildir_link(settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).parent / "casedocs"), "serve", "--port", str(port), "--workers", "1",
                               "--insecure-cookies", "--data", str(settings.data_dir)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                              env={**os.environ, "CASEDOCS_CACHE_DIR": str(settings.cache_dir)})
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
                    assert answer.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        log, _ = server.communicate(timeout=30)
    text = log.decode("utf-8", "replace")
    assert "GET /welcome/… HTTP/1.1" in text, text[-2000:]
    assert path.rsplit("/", 1)[1] not in text


def test_an_officer_invites_from_the_case_page_and_sees_the_account_but_never_the_link(
        settings: Settings, case_number: str) -> None:
    from web_support import add_account

    secret = add_account(settings, "officer@example.org", Role.OFFICER, totp=True)
    with web_app(settings, start_jobs=False) as app:
        officer = app.test_client()
        assert log_in(officer, "officer@example.org", totp_secret=secret).status_code == 302
        page = f"/console/cases/{case_number}/people"
        form = officer.get(page).get_data(as_text=True)
        assert "Nobody reaches this case through the web yet." in form
        key = re.search(r'name="submission" value="([^"]+)"', form)
        assert key is not None
        sent = officer.post(page, data={"csrf_token": csrf_of(form), "submission": key.group(1), "email": PERSON,
                                        "role": "party", "side": "applicant"})
        assert sent.status_code == 302
        listed = officer.get(page).get_data(as_text=True)
        link = _maildir_link(settings)
        secret_part = link.rsplit("/", 1)[1]
        assert PERSON in listed and "invited" in listed and "Invitation sent to " + PERSON in listed
        for shown in (listed, officer.get(f"/console/cases/{case_number}").get_data(as_text=True),
                      officer.get(f"/console/cases/{case_number}/audit").get_data(as_text=True)):
            assert secret_part not in shown and "/welcome/" not in shown
        again = officer.post(page, data={"csrf_token": csrf_of(form), "submission": key.group(1), "email": PERSON,
                                         "role": "party", "side": "applicant"})  # a double click
        assert again.status_code == 302
        box = mailbox.Maildir(settings.data_dir / "mail", create=False)
        assert len(box.keys()) == 1  # one mail, not two
        refused = officer.post(page, data={"csrf_token": csrf_of(form), "email": "someone@example.org",
                                           "role": "officer", "side": "applicant"})
        assert refused.status_code == 422 and "a party or a monitor" in refused.get_data(as_text=True)
