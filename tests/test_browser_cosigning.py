"""Co-signing the agreement end to end in Debian's Chromium (issue 12, "Co-signing in the browser" and
"Tests"; 第四章: the agreement is signed by both sides' signatories).

The company's agent accepts the secretariat's invitation in English from the link mailed to them
alone; both sides' four signatories enrol in the browser; one declines the agreement with a reason
(the secretariat is mailed, the audit chain and the console's case page show it); the secretariat
issues a new draft from the console (the command line's `casedocs redraft` refuses to do it twice), on which the declined one takes no signature; two
signatories sign it at the same moment from two browsers (the desk serialises them: both hold, the
PDF stays whole); refusals in the browser (wrong passphrase, wrong and expired code, another
person's field, a frozen or replaced document) record nothing; the last signature freezes the draft
and every signatory is mailed the frozen PDF. Every signed revision is valid for pyHanko trusting
only the mechanism's CA and for poppler's pdfsig. Screenshots of each step, in zh and en, are in
var/screenshots/cosign-*.png; the signing page is also shot at a phone's width (390 × 844).

The tests run in order on one record and one server (module fixtures)."""
from __future__ import annotations

import mailbox
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select, update

from browser_support import ACCEPT, chromium, demo_settings, served_in_thread, shot, sign_in, switch_language
from cases import audit
from cases.accounts import Account, Role
from cases.lifecycle import DocumentState
from cases.models import AuditEvent, DocumentVersion, SignedDocument, utcnow
from cases.signing_codes import SigningCode
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.services import invitations, issuing
from casedocs.mail import mailer
from docgen.locale import Edition
from docgen.service import Request
from signing import PKI
from signing.offline import Verdict, verify_offline
from test_pdfsig import TRUSTED, VALID, nss_database, pdfsig
from web_support import PASSWORD, add_account

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SECRET = "secretariat passphrase for browser co-signing"
NUMBER = "MVC-2025-0002"
TODAY = date(2026, 11, 25)
OFFICER = "officer@mechanism.example"


@dataclass(frozen=True)
class Person:
    email: str
    lang: str
    side: SideRole
    role: str
    name: str
    passphrase: str


A1 = Person("ilunga@example.org", "zh", SideRole.APPLICANT, "representative", "Esther Ilunga",
            "granite lantern orchard violet seventeen")
A2 = Person("mwamba@example.org", "en", SideRole.APPLICANT, "member", "Joseph Mwamba",
            "copper heron twelve blanket nimbus")
R1 = Person("agent@copperco.example", "en", SideRole.RESPONDENT, "agent", "Li Na (agent)",
            "quiet walrus mandolin 58 ferry")
R2 = Person("zhang.wei@example.com", "zh", SideRole.RESPONDENT, "representative", "张伟 (Zhang Wei)",
            "铜矿 river kite 明月 4729 harbour")
PEOPLE = (A1, A2, R1, R2)
T = TypeVar("T")


def _off_loop(work: Callable[[], T]) -> T:
    """Run `work` on a thread of its own: Playwright's sync API keeps an event loop on this one, and
    signing and verifying run asyncio (pyHanko's time-stamper) as the secretariat's commands do."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


@dataclass
class World:
    settings: Settings
    url: str
    browser: Browser
    officer_totp: str
    drafts: list[int] = field(default_factory=list)  # the declined draft, then the new one
    fields: dict[str, str] = field(default_factory=dict)  # email -> field on the new draft
    pages: dict[str, Page] = field(default_factory=dict)  # email -> a signed-in page


# --- mail -----------------------------------------------------------------------------------------

def _mails(world: World, to: str, subject: str) -> dict[str, EmailMessage]:
    box = mailbox.Maildir(world.settings.data_dir / "mail", create=True)
    try:
        found = {key: message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.keys()}
    finally:
        box.close()
    return {k: m for k, m in found.items()
            if isinstance(m, EmailMessage) and to in str(m["To"]) and subject in str(m["Subject"])}


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


# --- the record -----------------------------------------------------------------------------------

def _document(world: World, document_id: int) -> tuple[str, int, DocumentState, int]:
    """The latest revision's sha256, its number, the state and how many fields are signed."""
    with App(world.settings) as core, core.db.session() as session:
        document = session.get(SignedDocument, document_id)
        assert document is not None
        return (document.latest_sha256, document.revision, document.state,
                sum(1 for s in document.slots if s.signed_at is not None))


def _record(world: World, document_id: int) -> tuple[object, ...]:
    """What a refused act must leave alone: the document, its PDF's bytes, the signing events, and
    the case's audit chain intact."""
    sha, revision, state, signed = _document(world, document_id)
    with App(world.settings) as core, core.db.session() as session:
        events = len(session.scalars(select(AuditEvent.id).where(AuditEvent.chain == NUMBER, AuditEvent.action.in_(
            ("sign_document", "freeze_document", "sign_method", "decline_signature")))).all())
        assert audit.verify_chain(session, NUMBER).intact
        return sha, revision, state, signed, events, core.store.get(sha)


# --- the browser ----------------------------------------------------------------------------------

def _page(world: World, person_lang: str, *, phone: bool = False) -> Page:
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = world.browser.new_context(viewport=viewport, device_scale_factor=2 if phone else 1,  # type: ignore[arg-type]  # Playwright's ViewportSize is a TypedDict
                                        locale="zh-CN" if person_lang == "zh" else "en-GB",
                                        extra_http_headers={"Accept-Language": ACCEPT[person_lang]})
    return context.new_page()


def _log_in(world: World, person: Person, *, phone: bool = False) -> Page:
    page = _page(world, person.lang, phone=phone)
    page.goto(world.url + "/login")
    page.fill("#email", person.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda current: "/login" not in current)
    return page


def _both(page: Page, name: str, lang: str) -> None:
    """Shoot the page in its language, then in the other one, and switch back."""
    other = "en" if lang == "zh" else "zh"
    shot(page, f"cosign-{name}-{lang}")
    switch_language(page, other)
    shot(page, f"cosign-{name}-{other}")
    switch_language(page, lang)


def _both_refused(page: Page, name: str, lang: str, again: Callable[[], str], said: str) -> None:
    """Shoot a refusal in its language; then switch, ask the same refused act `again` in the other
    language (a refusal records nothing, so asking twice is harmless) and shoot that: the language
    switch reloads the page and so drops the first answer. `said` is in the other language's answer."""
    other = "en" if lang == "zh" else "zh"
    shot(page, f"cosign-{name}-{lang}")
    switch_language(page, other)
    answer = again()
    assert said in answer, answer
    shot(page, f"cosign-{name}-{other}")
    switch_language(page, lang)


def _post_kept_form(page: Page, action: str, values: dict[str, str]) -> str:
    """Send, from the page, a form the person kept open from before (the page offers it no longer),
    with the page's CSRF token; the flashed answer."""
    with page.expect_navigation():
        page.evaluate("""([action, values]) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            values.csrf_token = document.querySelector('input[name=csrf_token]').value;
            for (const [name, value] of Object.entries(values)) {
                const input = document.createElement('input');
                input.type = 'hidden';
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""", [action, values])
    return _flash(page)


def _sign_url(world: World, document_id: int) -> str:
    return f"{world.url}/portal/cases/{NUMBER}/signing/{document_id}"


def _pages_shown(page: Page) -> bool:
    """Whether the page images loaded so far (the first two are eager) were found and drawn."""
    page.wait_for_load_state("networkidle")
    return bool(page.evaluate("[...document.querySelectorAll('.sign-pages img')].slice(0, 2)"
                              ".every(i => i.complete && i.naturalWidth > 0)"))


def _flash(page: Page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def _ask_code(world: World, page: Page, person: Person, document_id: int) -> str:
    """Confirm having read every page; the code from the new mail to this person (theirs alone)."""
    before = set(_mails(world, person.email, "Signing code"))
    page.goto(_sign_url(world, document_id))
    page.check("input[name=read]")
    page.click("form[action$='/read'] button[type=submit]")
    page.wait_for_selector("#code")
    (new,) = [m for k, m in _mails(world, person.email, "Signing code").items() if k not in before]
    found = re.search(r"Your signing code: (\d{6})", _text(new))
    assert found
    return found.group(1)


def _fill(page: Page, code: str, passphrase: str) -> None:
    page.fill("#code", code)
    page.fill("#passphrase", passphrase)


def _submit_signature(page: Page) -> str:
    with page.expect_navigation():
        page.click("form[action$='/sign'] button[type=submit]")
    return _flash(page)


# --- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("browser-cosigning")
    PKI.create(tmp / "data" / "pki", SECRET, kdf_iterations=2_000)  # the tests are not about key stretching
    settings = demo_settings(tmp, SECRET, TODAY, converter_processes=1)
    for person in (A1, A2, R2):
        add_account(settings, person.email, Role.PARTY, case=NUMBER, side=person.side)
    totp = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    assert totp is not None
    with served_in_thread(settings, today=lambda: TODAY) as (url, _app), chromium() as browser:
        yield World(settings, url, browser, totp)


# --- the play -------------------------------------------------------------------------------------

def test_the_companys_agent_accepts_the_invitation_in_english_from_the_link_mailed_to_them_alone(
        world: World) -> None:
    with App(world.settings) as core, core.procedure() as proc:
        sent = invitations.invite(proc.session, world.settings, mailer(world.settings), R1.email, Role.PARTY,
                                  actor=OFFICER, case_number=NUMBER, side=R1.side)
    (message,) = _mails(world, R1.email, "").values()
    link = re.search(r"(https?://\S+/welcome/\S+)", _text(message))
    assert link is not None and sent.email == R1.email
    secret = link.group(1).rsplit("/", 1)[1]
    assert secret not in repr(sent)  # what the inviter is told
    with App(world.settings) as core, core.db.session() as session:  # the link is the recipient's alone
        details = [repr(e.detail) for e in session.scalars(select(AuditEvent))]
        assert not any(secret in d for d in details)
    page = _page(world, "en")
    page.goto(world.url + "/welcome/" + secret)
    assert R1.email in page.inner_text("main")
    _both(page, "01-invitation", "en")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/login")
    page.fill("#email", R1.email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda current: "/login" not in current)
    page.goto(f"{world.url}/portal/cases/{NUMBER}")
    assert NUMBER in page.inner_text("main")
    _both(page, "02-portal-case", "en")
    world.pages[R1.email] = page


def test_both_sides_four_signatories_enrol_in_the_browser(world: World) -> None:
    for person in PEOPLE:
        page = world.pages.get(person.email) or _log_in(world, person)
        world.pages[person.email] = page
        page.goto(f"{world.url}/portal/cases/{NUMBER}/signing/enrol")
        page.fill("#name", person.name)
        page.select_option("#role", person.role)
        page.fill("#passphrase", person.passphrase)
        page.fill("#passphrase_again", person.passphrase)
        if person is A1:
            _both(page, "03-enrol", person.lang)
            page.fill("#passphrase", person.passphrase)  # the switch reloaded the form
            page.fill("#passphrase_again", person.passphrase)
            page.fill("#name", person.name)
            page.select_option("#role", person.role)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.endswith("/signing"), _flash(page)
    with App(world.settings) as core, core.db.session() as session:
        enrolled = session.scalars(select(Account.person_id).where(
            Account.email.in_([p.email for p in PEOPLE]))).all()
        assert len(enrolled) == 4 and None not in enrolled
    # the secretariat issues the agreement: one field for each of the four
    def issue() -> tuple[int, int]:
        with App(world.settings, today=lambda: TODAY) as core, core.documents() as (proc, docs):
            document = issuing.issue(core.desk(SECRET), proc.session, docs, proc.get_case(NUMBER),
                                     Request("agreement", Edition.ZH))
            return document.id, len(document.slots)

    document, fields = _off_loop(issue)
    world.drafts.append(document)
    assert fields == 4


def test_a_signatory_declines_with_a_reason_and_the_secretariat_is_told_and_the_case_page_shows_it(
        world: World) -> None:
    page = world.pages[R2.email]
    page.goto(_sign_url(world, world.drafts[0]))
    page.click("details summary")
    page.fill("#reason", "第3条的整改期限过短 / the deadline of clause 3 is too short")
    _both(page, "04-decline-form", R2.lang)
    page.click("details summary")
    page.fill("#reason", "第3条的整改期限过短 / the deadline of clause 3 is too short")
    with page.expect_navigation():
        page.click("form[action$='/decline'] button[type=submit]")
    assert "秘书处" in _flash(page)  # 已记录并通知秘书处, in the signatory's Chinese
    _both(page, "05-declined", R2.lang)  # the page says so in either language: "You declined to sign…"
    (told,) = _mails(world, OFFICER, "Signature declined").values()
    assert "clause 3 is too short" in _text(told)
    with App(world.settings) as core, core.db.session() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "decline_signature")).all()
        assert event.chain == NUMBER and event.detail["document"] == world.drafts[0]
    officer = _page(world, "zh")
    sign_in(officer, world.url, OFFICER, world.officer_totp)
    officer.goto(f"{world.url}/console/cases/{NUMBER}#timeline")
    assert "拒绝签署" in officer.inner_text("#timeline") and "第3条的整改期限过短" in officer.inner_text("#timeline")
    shot(officer, "cosign-06-console-decline-zh")
    switch_language(officer, "en")
    assert "declined to sign revision" in officer.inner_text("#timeline")
    shot(officer, "cosign-06-console-decline-en")
    world.pages[OFFICER] = officer


def test_the_secretariat_issues_a_new_draft_and_the_declined_one_takes_no_more_signatures(
        world: World) -> None:
    declined = world.drafts[0]
    # a signatory had the declined draft open, with a live code, when the new draft was issued
    stale = world.pages[A1.email]
    code = _ask_code(world, stale, A1, declined)
    _fill(stale, code, A1.passphrase)
    # the console offers a new draft of the declined document; its job renders and seals it
    officer = world.pages[OFFICER]
    officer.goto(f"{world.url}/console/cases/{NUMBER}#documents")
    button = officer.locator(f"form[action$='/documents/{declined}/redraft'] button")
    assert button.count() == 1
    with officer.expect_navigation():
        button.click()
    officer.wait_for_selector(".badge--done", timeout=120_000)
    assert "awaiting" in officer.inner_text("main")
    _both(officer, "07-console-new-draft", "en")
    officer.goto(f"{world.url}/console/cases/{NUMBER}#documents")
    assert officer.locator("form[action$='/redraft']").count() == 0  # nothing declined on the new draft
    # the same asked again on the command line is refused in words: the declined one is no longer open
    env = {"CASEDOCS_SECRETARIAT_PASSPHRASE": SECRET, "CASEDOCS_SECURE_COOKIES": "0",
           "CASEDOCS_CACHE_DIR": str(world.settings.data_dir.parent / "cache")}
    command = ["redraft", str(declined), "--data", str(world.settings.data_dir)]
    again = _off_loop(lambda: CliRunner().invoke(main, command, env=env))
    assert again.exit_code != 0 and "only an open document" in again.output
    with App(world.settings) as core, core.db.session() as session:
        old = session.get(SignedDocument, declined)
        assert old is not None and old.state is DocumentState.SUPERSEDED and old.superseded_by is not None
        new = session.get(SignedDocument, old.superseded_by)
        assert new is not None and new.version > old.version and new.state is DocumentState.SIGNING
        world.drafts.append(new.id)
        people = {s.signer.person_id: s.field for s in new.slots}
        for person in PEOPLE:
            account = session.scalars(select(Account).where(Account.email == person.email)).one()
            assert account.person_id is not None
            world.fields[person.email] = people[account.person_id]
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "redraft_after_decline")).all()
        assert event.detail["supersedes"] == declined and len(event.detail["declined_by"]) == 1
    before = _record(world, declined)
    assert "新的文本" in _submit_signature(stale)  # 本文书已由新的文本取代：请签署新文本
    shot(stale, "cosign-08-declined-draft-refused-zh")
    switch_language(stale, "en")  # the reloaded page says why in English: the draft was re-issued
    assert "re-issued" in stale.inner_text("main")
    shot(stale, "cosign-08-declined-draft-refused-en")
    switch_language(stale, A1.lang)
    assert _record(world, declined) == before
    stale.goto(f"{world.url}/portal/cases/{NUMBER}/signing")
    _both(stale, "08b-sign-list", A1.lang)


def test_the_signing_page_shows_the_document_legibly_at_a_phones_width(world: World) -> None:
    for person in (A1, R1):
        page = _log_in(world, person, phone=True)
        page.goto(_sign_url(world, world.drafts[1]))
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        first = page.locator(".sign-pages img").first
        box = first.bounding_box()
        assert box is not None and box["width"] >= 385  # the page image takes the phone's whole width
        natural = page.evaluate("document.querySelector('.sign-pages img').naturalWidth")
        assert natural >= 2 * box["width"]  # sharp on a 2× screen
        shot(page, f"cosign-09-phone-{person.lang}")
        page.context.close()


def test_two_signatories_sign_the_new_draft_at_the_same_moment_and_both_signatures_hold(world: World) -> None:
    draft = world.drafts[1]
    one, two = world.pages[A1.email], world.pages[A2.email]
    _fill(one, _ask_code(world, one, A1, draft), A1.passphrase)
    _fill(two, _ask_code(world, two, A2, draft), A2.passphrase)
    shot(one, "cosign-10-ready-zh")
    shot(two, "cosign-10-ready-en")
    with one.expect_navigation(), two.expect_navigation():  # both forms go out before either answer
        one.click("form[action$='/sign'] button[type=submit]", no_wait_after=True)
        two.click("form[action$='/sign'] button[type=submit]", no_wait_after=True)
    said = {A1.email: _flash(one), A2.email: _flash(two)}
    assert "已签署" in said[A1.email] and "Signed. The document waits" in said[A2.email], said
    assert _pages_shown(one) and _pages_shown(two)  # each on the revision it was answered with
    _both(one, "11-signed", A1.lang)
    _sha, _revision, state, signed = _document(world, draft)
    assert signed == 2 and state is DocumentState.SIGNING


def test_refusals_in_the_browser_record_nothing(world: World) -> None:
    draft = world.drafts[1]
    page = world.pages[R1.email]
    before = _record(world, draft)
    code = _ask_code(world, page, R1, draft)
    _fill(page, code, "not my signing passphrase at all")
    assert "Wrong passphrase: nothing was signed" in _submit_signature(page)

    def wrong_passphrase_again() -> str:
        _fill(page, code, "not my signing passphrase at all")
        return _submit_signature(page)

    _both_refused(page, "12-wrong-passphrase", R1.lang, wrong_passphrase_again, "口令错误")
    _fill(page, f"{(int(code) + 1) % 1_000_000:06d}", R1.passphrase)
    assert "wrong code: 4 more tries" in _submit_signature(page)
    shot(page, "cosign-13-wrong-code-en")
    page.evaluate("field => document.querySelector(\"form[action$='/sign'] input[name=field]\").value = field",
                  world.fields[R2.email])
    _fill(page, code, R1.passphrase)
    assert "you may sign only your own signature field" in _submit_signature(page)

    def other_field_again() -> str:
        page.evaluate("field => document.querySelector(\"form[action$='/sign'] input[name=field]\").value = field",
                      world.fields[R2.email])
        _fill(page, code, R1.passphrase)
        return _submit_signature(page)

    _both_refused(page, "14-other-field", R1.lang, other_field_again, "您只能签署自己的签名栏")
    _fill(page, code, R1.passphrase)
    with App(world.settings) as core, core.db.session() as session:  # ten minutes pass before they sign
        session.execute(update(SigningCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "no valid code" in _submit_signature(page)

    def expired_code_again() -> str:  # the page offers no code field now: the form as it was kept open
        return _post_kept_form(page, _sign_url(world, draft) + "/sign", {
            "field": world.fields[R1.email], "code": code, "passphrase": R1.passphrase})

    _both_refused(page, "15-expired-code", R1.lang, expired_code_again, "没有有效的验证码")
    zh = world.pages[R2.email]
    zh.goto(_sign_url(world, draft))
    zh_code = _ask_code(world, zh, R2, draft)
    _fill(zh, f"{(int(zh_code) + 1) % 1_000_000:06d}", R2.passphrase)
    assert "验证码错误：还可再试 4 次" in _submit_signature(zh)
    shot(zh, "cosign-13-wrong-code-zh")
    assert _record(world, draft) == before


def test_the_last_signatures_freeze_the_draft_and_every_signatory_is_mailed_the_frozen_pdf(world: World) -> None:
    draft = world.drafts[1]
    stale = world.pages[R1.email]
    _fill(stale, _ask_code(world, stale, R1, draft), R1.passphrase)
    assert "Signed. The document waits" in _submit_signature(stale)
    page = world.pages[R2.email]
    _fill(page, _ask_code(world, page, R2, draft), R2.passphrase)
    assert "封存" in _submit_signature(page)
    _both(page, "16-frozen", R2.lang)
    sha, _revision, state, signed = _document(world, draft)
    assert state is DocumentState.FROZEN and signed == 4
    with App(world.settings) as core:
        final = core.store.get(sha)
    for person in PEOPLE:
        (frozen,) = _mails(world, person.email, "frozen").values()
        (attachment,) = [p for p in frozen.walk() if p.get_content_type() == "application/pdf"]
        assert attachment.get_payload(decode=True) == final, person.email


def test_a_frozen_document_takes_no_signature_in_the_browser(world: World) -> None:
    draft = world.drafts[1]
    before = _record(world, draft)
    page = world.pages[A2.email]
    page.goto(_sign_url(world, draft))
    assert page.locator("#code").count() == 0 and page.locator("form[action$='/read']").count() == 0
    _both(page, "17-frozen-page", A2.lang)
    # a form kept open from before the freeze is refused in words
    token = page.evaluate("document.querySelector('input[name=csrf_token]').value")
    answer = page.request.post(_sign_url(world, draft) + "/sign", form={
        "csrf_token": token, "field": world.fields[A2.email], "code": "000000", "passphrase": A2.passphrase})
    assert answer.ok and "Nothing was signed" in answer.text()
    assert _record(world, draft) == before


def test_each_signed_revision_is_valid_for_pyhanko_with_only_the_ca_trusted_and_for_pdfsig(
        world: World, tmp_path: Path) -> None:
    draft = world.drafts[1]
    with App(world.settings) as core, core.db.session() as session:
        document = session.get(SignedDocument, draft)
        assert document is not None
        rows = session.scalars(select(DocumentVersion).where(
            DocumentVersion.case_id == document.case_id, DocumentVersion.instrument == document.instrument,
            DocumentVersion.edition == document.edition, DocumentVersion.version == document.version,
            DocumentVersion.audience == document.audience, DocumentVersion.format == "pdf",
            DocumentVersion.revision >= 2).order_by(DocumentVersion.revision)).all()
        revisions = [core.store.get(row.sha256) for row in rows]
    assert len(revisions) == 5  # four signatures, then the freeze
    root = PKI.open(world.settings.data_dir / "pki", SECRET).root_cert.public_bytes(Encoding.PEM)
    nss = nss_database(tmp_path / "nss", root)
    for n, pdf in enumerate(revisions):
        report = _off_loop(lambda: verify_offline(pdf, [root]))  # run at once, on this pdf
        assert report.verdict is Verdict.VALID, report
        path = tmp_path / f"revision-{n + 2}.pdf"
        path.write_bytes(pdf)
        entries = [e for e in pdfsig(path, nss) if e.signature is not None and e.field != "freeze"]
        assert len(entries) == 2 + min(n, 3)  # the seal and the signatures so far
        for entry in entries:
            assert (entry.signature, entry.certificate) == (VALID, TRUSTED), entry
