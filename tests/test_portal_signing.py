"""Co-signing in the browser (issue 12): two signatories, one per side, enrol in the portal, read the
demo's agreement page by page, get an email code and sign it with code and passphrase; the last
signature freezes it and both get the frozen PDF by mail. Each signed revision is checked by pyHanko
trusting only the mechanism's CA and by poppler's pdfsig. The refusals (weak or reused passphrase,
wrong passphrase, wrong or expired code, another person's field, a frozen document) change nothing.

The tests of this module run in order on one record (module fixture): refusals first, then the
signatures, then what a frozen document refuses."""
from __future__ import annotations

import mailbox
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email import message_from_binary_file, policy
from email.message import Message
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from browser_support import chromium, demo_settings, served_in_thread, shot
from cases.accounts import Account, Role
from cases.models import AuditEvent, SignedDocument, utcnow
from cases.signing_codes import SigningCode
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from casedocs.services import issuing
from docgen.locale import Edition
from docgen.service import Request
from signing import PKI
from signing.offline import Verdict, verify_offline
from test_pdfsig import TRUSTED, VALID, nss_database, pdfsig
from web_support import PASSWORD, add_account, csrf_of, log_in, web_app

SECRET = "secretariat passphrase for portal signing tests"
NUMBER = "MVC-2025-0002"
TODAY = date(2026, 11, 25)
APPLICANT, RESPONDENT, OFFICER = "ilunga@example.org", "zhang.wei@example.com", "officer@mechanism.example"
PASSPHRASES = {APPLICANT: "granite lantern orchard violet seventeen", RESPONDENT: "铜矿 river kite 明月 4729 harbour"}
NAMES = {APPLICANT: "Esther Ilunga", RESPONDENT: "张伟 (Zhang Wei)"}
ROLES = {APPLICANT: "representative", RESPONDENT: "agent"}


@dataclass
class World:
    settings: Settings
    app: Flask
    document: int
    fields: dict[str, str]  # email -> its field
    mail: Path
    signed: list[bytes]  # each revision a browser signature made


def _client(world: World, email: str) -> FlaskClient:
    client = world.app.test_client()
    response = log_in(client, email)
    assert response.status_code == 302, response.status_code
    return client


def _post(client: FlaskClient, page: str, action: str, data: dict[str, str]) -> str:
    """Send a form of `page` as a browser does; the page it leads to."""
    token = csrf_of(client.get(page).get_data(as_text=True))
    response = client.post(action, data={**data, "csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _record(world: World) -> tuple[str, int, int, int]:
    """What a refused act must leave alone: the latest revision, signed fields, signing events."""
    with App(world.settings) as core, core.db.session() as session:
        document = session.get(SignedDocument, world.document)
        assert document is not None
        signed = sum(1 for s in document.slots if s.signed_at is not None)
        events = len(session.scalars(select(AuditEvent.id).where(
            AuditEvent.action.in_(("sign_document", "freeze_document", "sign_method")))).all())
        return document.latest_sha256, document.revision, signed, events


def _messages(world: World, to: str) -> list[Message]:
    box = mailbox.Maildir(world.mail, factory=lambda f: message_from_binary_file(f, policy=policy.default),  # type: ignore[call-overload]
                          create=True)
    try:
        return [m for m in box if to in str(m["To"])]
    finally:
        box.close()


def _code(world: World, email: str) -> str:
    """The code of the newest signing-code mail to `email` (the Maildir is emptied before each ask)."""
    (message,) = [m for m in _messages(world, email) if "Signing code" in str(m["Subject"])]
    found = re.search(r"Your signing code: (\d{6})", message.get_payload(decode=True).decode())  # type: ignore[union-attr]
    assert found
    return found.group(1)


def _ask_code(world: World, client: FlaskClient, email: str) -> str:
    shutil.rmtree(world.mail, ignore_errors=True)
    page = f"/portal/cases/{NUMBER}/signing/{world.document}"
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', client.get(page).get_data(as_text=True))
    assert sha
    html = _post(client, page, page + "/read", {"read": "yes", "sha256": sha.group(1)})
    assert "A code was mailed" in html
    return _code(world, email)


def _sign(world: World, client: FlaskClient, email: str, code: str, passphrase: str | None = None,
          field: str | None = None) -> str:
    page = f"/portal/cases/{NUMBER}/signing/{world.document}"
    return _post(client, page, page + "/sign", {"code": code, "passphrase": passphrase or PASSPHRASES[email],
                                                "field": field or world.fields[email]})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("portal-signing")
    PKI.create(tmp / "data" / "pki", SECRET, kdf_iterations=2_000)  # the tests are not about key stretching
    settings = demo_settings(tmp, SECRET, TODAY, converter_processes=1)
    add_account(settings, APPLICANT, Role.PARTY, case=NUMBER, side=SideRole.APPLICANT)
    add_account(settings, RESPONDENT, Role.PARTY, case=NUMBER, side=SideRole.RESPONDENT)
    add_account(settings, OFFICER, Role.OFFICER)
    with web_app(settings, today=lambda: TODAY) as app:
        world = World(settings, app, 0, {}, settings.data_dir / "mail", [])
        for email in (APPLICANT, RESPONDENT):
            client = _client(world, email)
            enrol = f"/portal/cases/{NUMBER}/signing/enrol"
            html = _post(client, enrol, enrol, {"name": NAMES[email], "role": ROLES[email],
                                                "passphrase": PASSPHRASES[email],
                                                "passphrase_again": PASSPHRASES[email]})
            assert "You are enrolled" in html, html
        with App(settings, today=lambda: TODAY) as core:
            desk = core.desk(SECRET)
            with core.documents() as (proc, docs):
                document = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER), Request("agreement", Edition.ZH))
                world.document = document.id
                people = {s.signer.person_id: s.field for s in document.slots}
            with core.db.session() as session:
                for email in (APPLICANT, RESPONDENT):
                    person = session.scalars(select(Account.person_id).where(Account.email == email)).one()
                    assert person is not None
                    world.fields[email] = people[person]
        assert len(world.fields) == 2
        yield world


def test_a_common_passphrase_or_the_login_password_is_refused_at_enrolment(world: World) -> None:
    add_account(world.settings, "third@example.org", Role.PARTY, case=NUMBER, side=SideRole.APPLICANT)
    client = _client(world, "third@example.org")
    enrol = f"/portal/cases/{NUMBER}/signing/enrol"
    for weak, said in (("password1234", "too common"), ("short one", "at least 12"), (PASSWORD, "login password")):
        html = _post(client, enrol, enrol, {"name": "Third Person", "role": "agent", "passphrase": weak,
                                            "passphrase_again": weak})
        assert said in html, weak
    differ = _post(client, enrol, enrol, {"name": "Third Person", "role": "agent", "passphrase": "mauve kettle drifting",
                                          "passphrase_again": "mauve kettle drifted"})
    assert "The two passphrases differ." in differ
    with App(world.settings) as core, core.db.session() as session:
        assert session.scalars(select(Account.person_id).where(Account.email == "third@example.org")).one() is None


def test_the_signing_page_shows_every_page_and_frames_the_persons_field(world: World) -> None:
    client = _client(world, APPLICANT)
    listing = client.get(f"/portal/cases/{NUMBER}/signing").get_data(as_text=True)
    assert f"/portal/cases/{NUMBER}/signing/{world.document}" in listing and "awaiting your signature" in listing
    html = client.get(f"/portal/cases/{NUMBER}/signing/{world.document}").get_data(as_text=True)
    images = re.findall(r'<img src="([^"]+\.png)"', html)
    assert len(images) >= 2 and 'id="my-field"' in html
    for src in images:
        response = client.get(src)
        assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
    # an account of the same side with no signatory behind it is answered 404, like a stranger
    assert _client(world, "third@example.org").get(images[0]).status_code == 404


def test_wrong_or_missing_or_expired_codes_and_a_wrong_passphrase_sign_nothing(world: World) -> None:
    client = _client(world, APPLICANT)
    before = _record(world)
    assert "no valid code" in _sign(world, client, APPLICANT, "123456")
    code = _ask_code(world, client, APPLICANT)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert "wrong code: 4 more tries" in _sign(world, client, APPLICANT, wrong)
    assert "Wrong passphrase: nothing was signed" in _sign(world, client, APPLICANT, code,
                                                           passphrase="not my passphrase at all")
    with App(world.settings) as core, core.db.session() as session:  # ten minutes pass
        session.execute(update(SigningCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "no valid code" in _sign(world, client, APPLICANT, code)
    assert _record(world) == before


def test_a_refused_code_is_told_in_chinese_on_a_chinese_page(world: World) -> None:
    """The service's refusals are typed (SigningProblem): the page words them in its language. The
    respondent asks here, the applicant's allowance of codes is spent by the tests around."""
    client = _client(world, RESPONDENT)
    before = _record(world)
    code = _ask_code(world, client, RESPONDENT)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    html = _sign(world, client, RESPONDENT, f"{(int(code) + 1) % 1_000_000:06d}")
    assert "验证码错误：还可再试 4 次" in html and "wrong code" not in html
    with App(world.settings) as core, core.db.session() as session:  # ten minutes pass
        session.execute(update(SigningCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    html = _sign(world, client, RESPONDENT, code)
    assert "本文书没有有效的验证码" in html and "no valid code" not in html
    assert _record(world) == before


def test_a_person_cannot_sign_another_persons_field(world: World) -> None:
    client = _client(world, APPLICANT)
    before = _record(world)
    code = _ask_code(world, client, APPLICANT)
    assert "only your own signature field" in _sign(world, client, APPLICANT, code, field=world.fields[RESPONDENT])
    assert _record(world) == before


def test_signing_pages_at_a_phones_width_in_chinese_and_english(world: World) -> None:
    with served_in_thread(world.settings, today=lambda: TODAY) as (url, _app), chromium() as browser:
        for lang, email in (("zh", APPLICANT), ("en", RESPONDENT)):
            context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                          locale="zh-CN" if lang == "zh" else "en-GB",
                                          extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9" if lang == "zh"
                                                              else "en-GB,en;q=0.9"})
            page = context.new_page()
            page.goto(url + "/login")
            page.fill("#email", email)
            page.fill("#password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(lambda current: "/login" not in current)
            page.goto(f"{url}/portal/cases/{NUMBER}/signing/{world.document}")
            page.check("input[name=read]")
            page.click("form[action$='/read'] button[type=submit]")
            page.wait_for_selector("#code")
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            shot(page, f"sign-{lang}")
            context.close()


def test_both_sign_in_the_browser_and_the_last_signature_freezes_and_mails_the_pdf(world: World) -> None:
    applicant, respondent = _client(world, APPLICANT), _client(world, RESPONDENT)
    opened = respondent.get(f"/portal/cases/{NUMBER}/signing/{world.document}").get_data(as_text=True)
    assert "Signed. The document waits" in _sign(world, applicant, APPLICANT, _ask_code(world, applicant, APPLICANT))
    # the respondent's page, opened on the revision before, still shows its pages
    assert all(respondent.get(src).status_code == 200 for src in re.findall(r'<img src="([^"]+\.png)"', opened))
    with App(world.settings) as core, core.db.session() as session:
        document = session.get(SignedDocument, world.document)
        assert document is not None
        world.signed.append(core.store.get(document.latest_sha256))
    _, revision, signed, _events = _record(world)
    assert signed == 1
    # the respondent's signatory first declines, then signs the same revision after all
    page = f"/portal/cases/{NUMBER}/signing/{world.document}"
    html = _post(respondent, page, page + "/decline", {"reason": "第3条的期限需要再商量 / clause 3 deadline"})
    assert "recorded; the secretariat has been told" in html
    (told,) = [m for m in _messages(world, OFFICER) if "declined" in str(m["Subject"])]
    assert "clause 3 deadline" in told.get_payload(decode=True).decode()  # type: ignore[union-attr]
    with App(world.settings) as core, core.db.session() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "decline_signature")).all()
        assert event.chain == NUMBER and event.detail["revision"] == revision
    assert "Signatures declined" in respondent.get(f"/portal/cases/{NUMBER}/signing").get_data(as_text=True)

    code = _ask_code(world, respondent, RESPONDENT)
    assert "the document is frozen" in _sign(world, respondent, RESPONDENT, code)
    with App(world.settings) as core, core.db.session() as session:
        document = session.get(SignedDocument, world.document)
        assert document is not None and document.state.value == "frozen"
        world.signed.append(core.store.get(document.latest_sha256))
    for email in (APPLICANT, RESPONDENT):
        (frozen,) = [m for m in _messages(world, email) if "frozen" in str(m["Subject"])]
        (attachment,) = [p for p in frozen.walk() if p.get_content_type() == "application/pdf"]
        assert attachment.get_payload(decode=True) == world.signed[-1]


def test_each_signed_revision_is_valid_for_pyhanko_with_only_the_ca_trusted_and_for_pdfsig(
        world: World, tmp_path: Path) -> None:
    assert len(world.signed) == 2
    root = PKI.open(world.settings.data_dir / "pki", SECRET).root_cert.public_bytes(Encoding.PEM)
    nss = nss_database(tmp_path / "nss", root)
    for n, pdf in enumerate(world.signed):
        report = verify_offline(pdf, [root])
        assert report.verdict is Verdict.VALID, report
        path = tmp_path / f"signed-{n}.pdf"
        path.write_bytes(pdf)
        entries = [e for e in pdfsig(path, nss) if e.signature is not None and e.field != "freeze"]
        assert len(entries) == 2 + n  # the seal, then one more signature each time
        for entry in entries:
            assert (entry.signature, entry.certificate) == (VALID, TRUSTED), entry


def test_a_frozen_document_takes_no_signature_and_no_code(world: World) -> None:
    client = _client(world, APPLICANT)
    before = _record(world)
    page = f"/portal/cases/{NUMBER}/signing/{world.document}"
    html = client.get(page).get_data(as_text=True)
    assert "You signed this document, and it is now frozen" in html and 'name="passphrase"' not in html
    sha = before[0]
    html = _post(client, page, page + "/read", {"read": "yes", "sha256": sha})
    assert "No code was sent" in html
    assert "Nothing was signed" in _sign(world, client, APPLICANT, "000000")
    assert _record(world) == before


def test_the_frozen_document_refuses_the_web_as_the_command_line(world: World) -> None:
    """Even with a valid code the service refuses a frozen document before anything is tried."""
    from casedocs.mail import mailer
    from casedocs.services import browser_signing

    with App(world.settings) as core:
        with core.db.session() as session:
            account = session.scalars(select(Account).where(Account.email == RESPONDENT)).one()
            account_id, person = account.id, account.person_id
        assert person is not None
        with pytest.raises(Exception, match="already signed"):
            browser_signing.sign(core.desk(SECRET), core.settings, mailer(core.settings), account_id, NUMBER, person,
                                 world.document, world.fields[RESPONDENT], "000000", PASSPHRASES[RESPONDENT])


def test_codes_asked_for_too_often_are_refused_before_any_mail(world: World) -> None:
    """Last in this module: it spends the respondent's allowance (5 codes in 10 minutes)."""
    client = _client(world, RESPONDENT)
    page = f"/portal/cases/{NUMBER}/signing/{world.document}"
    answers = [_post(client, page, page + "/read", {"read": "yes", "sha256": "0" * 64}) for _ in range(6)]
    assert "Too many codes were asked for" in answers[-1]  # five at most, whatever was asked before
