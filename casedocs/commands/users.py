"""`casedocs user add|invite|list|disable|token|totp`: the accounts of the web service (issue 10)."""
from __future__ import annotations

import click

from cases.accounts import Account, Role
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.commands.options import fail, json_option, pass_app, print_json, secret
from casedocs.mail import mailer
from casedocs.services import accounts, invitations


def _cli_actor(app: App) -> str:
    return f"{app.settings.actor} (command line)"


@click.group("user")
def user() -> None:
    """Accounts that sign in to the web service."""


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--case", "case_number", default=None, help="Party: the case of its side; monitor: a case it monitors.")
@click.option("--side", type=click.Choice([s.value for s in SideRole]), default=None, help="Party: its side.")
@click.option("--person", "person_id", default=None, help="The signer person id this account acts for.")
@click.option("--password-env", "password_env", default=None,
              help="Take the password from this environment variable (else it is asked for).")
@click.option("--no-password", is_flag=True, help="Make the account without a password (set one later).")
@pass_app()
def add(email: str, role: str, case_number: str | None, side: str | None, person_id: str | None,
        password_env: str | None, no_password: bool, app: App) -> None:
    """Add an account. Staff (admin, officer) set up their second factor at first login."""
    password = None
    if not no_password:
        password = secret(f"Password for {email}", password_env, otherwise="use --password-env VAR")
        if len(password) < 12:
            fail("a password needs at least 12 characters")
    with app.procedure() as proc:
        account = accounts.add_account(proc.session, email, Role(role), actor=_cli_actor(app), password=password,
                                       case_number=case_number, side=SideRole(side) if side else None,
                                       person_id=person_id)
        click.echo(f"{account.email}: {account.role.value} account added"
                   + (" (second factor set up at first login)" if account.role.needs_second_factor else ""))


@user.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice([Role.PARTY.value, Role.MONITOR.value]), required=True)
@click.option("--case", "case_number", default=None, help="Party: the case of its side; monitor: a case it monitors.")
@click.option("--side", type=click.Choice([s.value for s in SideRole]), default=None, help="Party: its side.")
@click.option("--person", "person_id", default=None, help="The signer person id this account acts for.")
@pass_app()
def invite(email: str, role: str, case_number: str | None, side: str | None, person_id: str | None,
           app: App) -> None:
    """Invite a party or a monitor by email: a link to set their password, valid 7 days, once.
    The link goes to the person only; it is printed nowhere."""
    with app.procedure() as proc:
        sent = invitations.invite(proc.session, app.settings, mailer(app.settings), email, Role(role),
                                  actor=_cli_actor(app), case_number=case_number,
                                  side=SideRole(side) if side else None, person_id=person_id)
    click.echo(f"invitation sent to {sent.email} (through {sent.delivered_to})")


@user.command("list")
@json_option
@pass_app()
def list_(as_json: bool, app: App) -> None:
    """List the accounts (no secret is ever shown)."""
    with app.procedure() as proc:
        rows = [accounts.describe(a) for a in accounts.list_accounts(proc.session)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        ties = ", ".join(row["sides"] + row["cases"])
        flags = [flag for flag, on in (("disabled", row["disabled"]), ("2FA", row["second_factor"])) if on]
        click.echo(f"{row['email']:<40} {row['role']:<8} {' '.join(flags):<12} {ties}")


@user.command("disable")
@click.argument("email")
@pass_app()
def disable(email: str, app: App) -> None:
    """Refuse the account's logins and tokens from now on (its open sessions end at their next request)."""
    with app.procedure() as proc:
        accounts.disable_account(proc.session, email, actor=_cli_actor(app))
    click.echo(f"{email}: disabled")


@user.command("token")
@click.argument("email")
@pass_app()
def token(email: str, app: App) -> None:
    """Issue an API token (Authorization: Bearer ...). It is printed once: only its hash is kept."""
    with app.procedure() as proc:
        issued = accounts.issue_token(proc.session, accounts.get_account(proc.session, email), actor=_cli_actor(app))
    click.echo(issued)


@user.command("totp")
@click.argument("email")
@pass_app()
def totp(email: str, app: App) -> None:
    """Set up the account's second factor here and print its key and otpauth URI once (for an account
    whose holder cannot sign in to enrol, e.g. the demo's officer)."""
    with app.procedure() as proc:
        enrolment = accounts.enrol_totp_now(proc.session, accounts.get_account(proc.session, email),
                                            accounts.installation_key(app.settings), actor=_cli_actor(app))
    click.echo(f"key: {enrolment.secret}\nuri: {enrolment.uri}")


DEMO_PASSWORD = "demo password — not for real accounts"
DEMO_ACCOUNTS = (("officer@demo.example", Role.OFFICER), ("applicant@demo.example", Role.PARTY),
                 ("monitor@demo.example", Role.MONITOR))


@user.command("demo")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="Where the web app will answer.")
@pass_app()
def demo(url: str, app: App) -> None:
    """After `casedocs demo`: an officer (second factor set up here, its key printed once), the sample
    case's applicant (tied to its first signatory) and its monitor; prints how to sign in."""
    from sqlalchemy import select

    from cases.models import Case, Signer
    from cases.vocabulary import SignerRole
    from casedocs.services import enrolment

    actor = _cli_actor(app)
    with app.procedure() as proc:
        db = proc.session
        # the sample case: the one with signatories (demo --out), else the villages' re-application
        case = db.scalars(select(Case).join(Signer, Signer.case_id == Case.id).order_by(Case.id).limit(1)).first() \
            or db.scalars(select(Case).where(Case.reapplication_of_id.is_not(None)).order_by(Case.id).limit(1)).first()
        if case is None:
            fail("no demo case here: run `casedocs demo` on this data directory first")
        if db.scalars(select(Account.id).where(Account.email.in_([e for e, _ in DEMO_ACCOUNTS]))).first():
            fail("the demo accounts exist already in this data directory (their key was printed when made)")
        applicant = enrolment.signers(db, case)[SideRole.APPLICANT]
        monitor = next((m for m in enrolment.monitors(db) if m.role is SignerRole.MONITOR), None)
        officer = accounts.add_account(db, DEMO_ACCOUNTS[0][0], Role.OFFICER, actor=actor, password=DEMO_PASSWORD)
        key = accounts.enrol_totp_now(db, officer, accounts.installation_key(app.settings), actor=actor)
        accounts.add_account(db, DEMO_ACCOUNTS[1][0], Role.PARTY, actor=actor, password=DEMO_PASSWORD,
                             case_number=case.number, side=SideRole.APPLICANT,
                             person_id=applicant[0].person_id if applicant else None)
        accounts.add_account(db, DEMO_ACCOUNTS[2][0], Role.MONITOR, actor=actor, password=DEMO_PASSWORD,
                             case_number=case.number, person_id=monitor.person_id if monitor else None)
        number = case.number
    click.echo(f"\nDemo accounts (demo only; password for each: {DEMO_PASSWORD!r}). Sign in at {url}/login")
    click.echo(f"  officer   {DEMO_ACCOUNTS[0][0]:<24} every case; second factor below")
    click.echo(f"  party     {DEMO_ACCOUNTS[1][0]:<24} {number}, applicant side")
    click.echo(f"  monitor   {DEMO_ACCOUNTS[2][0]:<24} {number}: agreement, closure report, monitoring")
    click.echo("\nThe officer's second factor: add this key to an authenticator app (or scan the QR code):")
    click.echo(f"  key: {key.secret}\n  uri: {key.uri}")
    import segno

    segno.make(key.uri, error="m").terminal(compact=True)
    click.echo(f"  (no phone at hand: `.venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{key.secret}').now())\"`)")
    if app.settings.smtp_url:
        click.echo("\nMail (invitations) is sent through CASEDOCS_SMTP_URL.")
    else:
        click.echo(f"\nMail (invitations from a case's \"People and access\" page) is not sent: with no "
                   f"CASEDOCS_SMTP_URL it is kept in the Maildir {app.settings.data_dir / 'mail'} (new/ holds "
                   "each message as a file).")


COMMANDS = (user,)
