"""`casedocs signer`, `issue`, `sign`, `monitor`, `verify`, `ca`."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from casedocs.app import App
from casedocs.commands.options import ISO_DATE, data_option, domain_errors, fail, json_option, print_json
from casedocs.config import Settings
from casedocs.issuing import Signatures, verify_pdf
from cases.documents import find_by_code
from cases.instruments import INSTRUMENTS
from cases.vocabulary import ObligationStatus, SideRole
from docgen.locale import Edition
from docgen.service import Request


def _secret(prompt: str, env: str | None) -> str:
    """A passphrase from the named environment variable, else typed (never an argument: shells log those)."""
    if env:
        value = os.environ.get(env)
        if not value:
            fail(f"environment variable {env} is empty")
        return value
    if not sys.stdin.isatty():
        fail(f"{prompt}: no terminal to ask on; name an environment variable with --passphrase-env")
    return click.prompt(prompt, hide_input=True)


def _secretariat() -> str | None:
    from casedocs.issuing import PASSPHRASE_ENV

    return os.environ.get(PASSPHRASE_ENV) or _secret("Secretariat passphrase", None)


T = TypeVar("T")


def _at_desk(settings: Settings, act: Callable[[Signatures], T]) -> T:
    """One act of the secretariat's signing desk, with its keys unlocked and errors reported."""
    app = App(settings)
    try:
        with domain_errors():
            return act(app.signatures(_secretariat()))
    finally:
        app.close()


passphrase_env = click.option("--passphrase-env", default=None, metavar="VAR",
                              help="Read the passphrase from this environment variable instead of asking.")


@click.group("signer")
def signer_group() -> None:
    """Signatories of the sides, and monitors: certificates from the mechanism's CA."""


@signer_group.command("enrol")
@click.argument("number", metavar="CASE", required=False)
@click.option("--side", type=click.Choice([r.value for r in SideRole]))
@click.option("--role", type=click.Choice(["representative", "member", "agent", "monitor"]), required=True)
@click.option("--name", required=True)
@click.option("--organisation", default=None)
@passphrase_env
@data_option
def signer_enrol(number: str | None, side: str | None, role: str, name: str, organisation: str | None,
                 passphrase_env: str | None, settings: Settings) -> None:
    """Issue a signing certificate; the key is encrypted with the person's own passphrase."""
    app = App(settings)
    with domain_errors(), app.procedure() as proc:
        desk = app.signatures(_secretariat())
        passphrase = _secret(f"Passphrase for {name}", passphrase_env)
        case = proc.get_case(number) if number else None
        signer = desk.enrol(proc.session, case, SideRole(side) if side else None, role, name, passphrase,
                            organisation=organisation)
        person_id = signer.person_id
    app.close()
    click.echo(person_id)


@signer_group.command("import-p12")
@click.argument("number", metavar="CASE", required=False)
@click.option("--side", type=click.Choice([r.value for r in SideRole]))
@click.option("--role", type=click.Choice(["representative", "member", "agent", "monitor"]), required=True)
@click.option("--name", required=True)
@click.option("--p12", "p12_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The person's PKCS#12 file (key and certificate from a CA added with `ca trust`).")
@click.option("--p12-password-env", default=None, metavar="VAR",
              help="Environment variable holding the PKCS#12 file's password (asked otherwise).")
@passphrase_env
@data_option
def signer_import_p12(number: str | None, side: str | None, role: str, name: str, p12_path: Path,
                      p12_password_env: str | None, passphrase_env: str | None, settings: Settings) -> None:
    """Accept a person's own certificate and key; the key is re-encrypted with their passphrase."""
    app = App(settings)
    with domain_errors(), app.procedure() as proc:
        desk = app.signatures(_secretariat())
        p12_password = _secret(f"Password of {p12_path.name}", p12_password_env)
        passphrase = _secret(f"Passphrase for {name}", passphrase_env)
        case = proc.get_case(number) if number else None
        signer = desk.import_signer(proc.session, case, SideRole(side) if side else None, role, name,
                                    p12_path.read_bytes(), p12_password, passphrase)
        person_id = signer.person_id
        if not desk.revocable(person_id):
            click.echo("warning: this certificate names no CRL distribution point, so its revocation can never "
                       "be checked; prefer a certificate that does", err=True)
    app.close()
    click.echo(person_id)


@signer_group.command("revoke")
@click.argument("person_id", metavar="PERSON")
@click.option("--reason", default="unspecified", show_default=True,
              help="RFC 5280 reason, e.g. key_compromise, affiliation_changed, superseded, cessation_of_operation.")
@data_option
def signer_revoke(person_id: str, reason: str, settings: Settings) -> None:
    """Revoke a person's certificate and publish the CRL."""
    serial = _at_desk(settings, lambda desk: desk.revoke(person_id, reason))
    click.echo(f"{person_id}: certificate {serial} revoked ({reason}); CRL published")


@click.command("issue")
@click.argument("number", metavar="CASE")
@click.argument("instrument", type=click.Choice(list(INSTRUMENTS)), metavar="INSTRUMENT")
@click.option("--lang", "edition", default="zh", show_default=True)
@click.option("--subject", default="")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@json_option
@data_option
def issue(number: str, instrument: str, edition: str, subject: str, out: Path | None, as_json: bool,
          settings: Settings) -> None:
    """Render an instrument as PDF/A and seal it with the secretariat's certification signature."""
    app = App(settings)
    with domain_errors():
        desk = app.signatures(_secretariat())
        with app.documents() as (proc, docs):
            case = proc.get_case(number)
            document = desk.seal_rendered(proc.session, case, docs.render(case, Request(instrument,
                                          Edition.parse(edition), subject), ["pdf"]))
            summary = {"document": document.id, "case": number, "instrument": instrument, "edition": edition,
                       "state": document.state, "verification_code": document.verification_code,
                       "fields": [{"field": s.field, "person": s.signer.person_id, "name": s.signer.name}
                                  for s in document.slots]}
        if out:
            out.write_bytes(desk.latest(summary["document"]))
    app.close()
    if as_json:
        print_json(summary)
    else:
        click.echo(f"document {summary['document']}: {instrument} ({edition}) sealed, "
                   f"verification code {summary['verification_code']}"
                   + "".join(f"\n  awaiting {f['field']}: {f['name']} ({f['person']})" for f in summary["fields"]))


@click.command("sign")
@click.argument("document_id", type=int, metavar="DOCUMENT")
@click.option("--person", "person_id", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@passphrase_env
@data_option
def sign(document_id: int, person_id: str, out: Path | None, passphrase_env: str | None, settings: Settings) -> None:
    """Sign your own field of a co-signed instrument; the last signature freezes it (PAdES B-LTA)."""
    app = App(settings)
    with domain_errors():
        desk = app.signatures(_secretariat(), actor=person_id)
        document = desk.sign(document_id, person_id, _secret(f"Passphrase for {person_id}", passphrase_env))
        if out:
            out.write_bytes(desk.latest(document_id))
    app.close()
    click.echo(f"document {document_id}: signed by {person_id}; state {document.state}")


@click.command("monitor")
@click.argument("number", metavar="CASE")
@click.option("--obligation", type=int, required=True, help="Obligation id (see `case show --json`).")
@click.option("--status", type=click.Choice([s.value for s in ObligationStatus]), required=True)
@click.option("--text", required=True)
@click.option("--monitor", "monitor_id", required=True, help="The monitor's person id.")
@click.option("--on", type=ISO_DATE, default=None, help="Date of the update (default today).")
@passphrase_env
@data_option
def monitor(number: str, obligation: int, status: str, text: str, monitor_id: str, on: date | None,
            passphrase_env: str | None, settings: Settings) -> None:
    """Record a monitoring update and append it, signed, to every issued closure report of the case."""
    app = App(settings)
    with domain_errors():
        desk = app.signatures(_secretariat(), actor=monitor_id)
        with app.procedure(actor=monitor_id) as proc:
            case = proc.get_case(number)
            monitor_name = next((s.name for s in desk.monitors(proc.session) if s.person_id == monitor_id), None)
            if monitor_name is None:
                fail(f"{monitor_id} is not an enrolled monitor")
            record = proc.record_monitoring_update(case, obligation, monitor_name, ObligationStatus(status), text,
                                                   on or app.today())
            record_id = record.id
        documents = desk.append_to_closure_reports(number, record_id, monitor_id,
                                                   _secret(f"Passphrase for {monitor_id}", passphrase_env),
                                                   documents=app.documents)
    app.close()
    click.echo(f"{number}: monitoring update {record_id} appended to closure report document(s) "
               + ", ".join(str(d) for d in documents))


@click.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--code", default=None, help="Look a verification code up instead of a file.")
@json_option
@data_option
def verify(path: Path | None, code: str | None, as_json: bool, settings: Settings) -> None:
    """Verify every signature of a PDF (exit 0 only if all are intact, trusted and respected)."""
    if (path is None) == (code is None):
        fail("give a PDF file or --code CODE")
    app = App(settings)
    if code is not None:
        with domain_errors(), app.procedure() as proc:
            versions = [{"case": v.case.number, "instrument": v.instrument, "edition": v.edition,
                         "version": v.version, "format": v.format, "revision": v.revision, "stage": v.stage,
                         "status": v.status, "sha256": v.sha256,
                         "created_at": v.created_at.isoformat()} for v in find_by_code(proc.session, code)]
        app.close()
        if as_json:
            print_json({"code": code, "versions": versions})
        else:
            for v in versions:
                click.echo(f"{v['case']} {v['instrument']} ({v['edition']}) v{v['version']} {v['format']} "
                           f"revision {v['revision']} [{v['stage']}, {v['status']}] sha256 {v['sha256']}")
        return
    assert path is not None
    with domain_errors():
        report = verify_pdf(settings.data_dir, path.read_bytes())
    app.close()
    if as_json:
        print_json(report.to_json())
    else:
        for signature in report.to_json()["signatures"]:
            click.echo(f"{signature['field']}: {signature.get('signer')} — intact {signature['intact']}, trusted "
                       f"{signature['trusted']}, revoked {signature.get('revoked')}, "
                       f"{signature.get('modification_level')}, time-stamp {signature.get('timestamp')}")
        click.echo("VALID" if report.valid else "INVALID: " + "; ".join(report.reasons))
    if not report.valid:
        sys.exit(1)


@click.group("ca")
def ca_group() -> None:
    """The mechanism's certificate authority."""


@ca_group.command("publish-crl")
@data_option
def ca_publish_crl(settings: Settings) -> None:
    """Publish a fresh CRL (valid 7 days: schedule this at least weekly, or every signature turns untrusted)."""
    crl = _at_desk(settings, lambda desk: desk.pki.publish_crl())
    click.echo(f"CRL published; next update {crl.next_update_utc:%Y-%m-%d %H:%M} UTC")


@ca_group.command("trust")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option
def ca_trust(path: Path, settings: Settings) -> None:
    """Accept an external CA (PEM or DER): a side's corporate PKI, or an external TSA's CA."""
    fingerprint = _at_desk(settings, lambda desk: desk.trust_root(path.read_bytes()))
    click.echo(f"trusted: sha256 {fingerprint}")


@ca_group.command("import-crl")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_option
def ca_import_crl(path: Path, settings: Settings) -> None:
    """Store the current CRL of a trusted external CA (revocation is checked offline)."""
    issuer = _at_desk(settings, lambda desk: desk.import_crl(path.read_bytes()))
    click.echo(f"CRL of {issuer} imported")


@ca_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@data_option
def ca_export(path: Path, settings: Settings) -> None:
    """Write the CA certificate (PEM) so anyone can verify with any PAdES validator."""
    from casedocs.issuing import pki_dir

    source = pki_dir(settings.data_dir) / "ca" / "root.pem"
    if not source.exists():
        fail(f"no certificate authority in {pki_dir(settings.data_dir)}: run `casedocs init`")
    path.write_bytes(source.read_bytes())
    click.echo(f"{path}")


def register(group: click.Group) -> None:
    for command in (signer_group, issue, sign, monitor, verify, ca_group):
        group.add_command(command)
