"""`casedocs signer`, `issue`, `sign`, `monitor`, `verify`, `ca`."""
from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from casedocs.app import App
from casedocs.commands.options import (
    ISO_DATE,
    check_out,
    data_option,
    domain_errors,
    fail,
    json_option,
    pass_app,
    print_json,
    secret,
    secretariat_passphrase,
)
from casedocs.config import Settings
from casedocs.services import cosigning, enrolment, issuing, monitoring, redrafting, trust
from casedocs.services.desk import Desk, latest, pki_dir
from casedocs.services.verification import verify_pdf
from cases.confidentiality.audiences import Audience
from cases.documents import find_by_code
from cases.models import Case, SignedDocument
from cases.instruments import INSTRUMENTS, Subject
from cases.vocabulary import ObligationStatus, SideRole, SignerRole
from docgen.locale import Edition
from docgen.service import DocumentService, Request

IssueAgain = Callable[[Desk, Session, DocumentService, int], SignedDocument]


def _desk(app: App, actor: str | None = None) -> Desk:
    """The signing desk with the mechanism's keys unlocked (the passphrase asked for if not set)."""
    return app.desk(secretariat_passphrase(app.settings), actor=actor)


def _write_out(out: Path | None, data: bytes, done: str) -> None:
    """Write the result; if that still fails (disk full), say what was done and how to get it."""
    if out is None:
        return
    try:
        out.write_bytes(data)
    except OSError as error:
        fail(f"{done}, but writing {out} failed ({error.strerror or error}); get the PDF with `casedocs verify --code`"
             " or run the command again with another --out")


passphrase_env = click.option("--passphrase-env", default=None, metavar="VAR",
                              help="Read the passphrase from this environment variable instead of asking.")
side_option = click.option("--side", type=click.Choice([r.value for r in SideRole]))
role_option = click.option("--role", type=click.Choice([r.value for r in SignerRole]), required=True)


@click.group("signer")
def signer_group() -> None:
    """Signatories of the sides, and monitors: certificates from the mechanism's CA."""


@signer_group.command("enrol")
@click.argument("number", metavar="CASE", required=False)
@side_option
@role_option
@click.option("--name", required=True)
@click.option("--organisation", default=None)
@passphrase_env
@pass_app()
def signer_enrol(number: str | None, side: str | None, role: str, name: str, organisation: str | None,
                 passphrase_env: str | None, app: App) -> None:
    """Issue a signing certificate; the key is encrypted with the person's own passphrase."""
    with app.procedure() as proc:
        desk = _desk(app)
        passphrase = secret(f"Passphrase for {name}", passphrase_env)
        case = proc.get_case(number) if number else None
        signer = enrolment.enrol(desk, proc.session, case, SideRole(side) if side else None, SignerRole(role), name,
                                 passphrase, organisation=organisation)
        person_id = signer.person_id
    click.echo(person_id)


@signer_group.command("import-p12")
@click.argument("number", metavar="CASE", required=False)
@side_option
@role_option
@click.option("--name", required=True)
@click.option("--p12", "p12_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The person's PKCS#12 file (key and certificate from a CA added with `ca trust`).")
@click.option("--p12-password-env", default=None, metavar="VAR",
              help="Environment variable holding the PKCS#12 file's password (asked otherwise).")
@passphrase_env
@pass_app()
def signer_import_p12(number: str | None, side: str | None, role: str, name: str, p12_path: Path,
                      p12_password_env: str | None, passphrase_env: str | None, app: App) -> None:
    """Accept a person's own certificate and key; the key is re-encrypted with their passphrase."""
    with app.procedure() as proc:
        desk = _desk(app)
        p12_password = secret(f"Password of {p12_path.name}", p12_password_env,
                              otherwise="name an environment variable with --p12-password-env")
        passphrase = secret(f"Passphrase for {name}", passphrase_env)
        case = proc.get_case(number) if number else None
        signer = enrolment.import_p12(desk, proc.session, case, SideRole(side) if side else None, SignerRole(role),
                                      name, p12_path.read_bytes(), p12_password, passphrase)
        person_id = signer.person_id
        if not enrolment.revocable(desk, person_id):
            click.echo("warning: this certificate names no CRL distribution point, so its revocation can never "
                       "be checked; prefer a certificate that does", err=True)
    click.echo(person_id)


@signer_group.command("revoke")
@click.argument("person_id", metavar="PERSON")
@click.option("--reason", default="unspecified", show_default=True,
              help="RFC 5280 reason, e.g. key_compromise, affiliation_changed, superseded, cessation_of_operation.")
@pass_app()
def signer_revoke(person_id: str, reason: str, app: App) -> None:
    """Revoke a person's certificate and publish the CRL."""
    serial = enrolment.revoke(_desk(app), person_id, reason)
    click.echo(f"{person_id}: certificate {serial} revoked ({reason}); CRL published")


@click.command("issue")
@click.argument("number", metavar="CASE")
@click.argument("instrument", type=click.Choice(list(INSTRUMENTS)), metavar="INSTRUMENT")
@click.option("--lang", "edition", default="zh", show_default=True)
@click.option("--subject", default="")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--audience", type=click.Choice([a.value for a in Audience]), default=Audience.SECRETARIAT.value,
              show_default=True, help="Whom the sealed rendering is for (a side, the experts, the public): what it "
                                      "withholds under confidentiality decisions and pending requests.")
@json_option
@pass_app()
def issue(number: str, instrument: str, edition: str, subject: str, out: Path | None, audience: str, as_json: bool,
          app: App) -> None:
    """Render an instrument as PDF/A for an audience and seal it with the secretariat's certification
    signature (a sealed instrument is sealed per audience that receives it, issue 11)."""
    check_out(out)
    desk = _desk(app)
    request = Request(instrument, Edition.parse(edition), Subject.parse_optional(subject), audience=Audience(audience))
    with app.documents() as (proc, docs):
        document = issuing.issue(desk, proc.session, docs, proc.get_case(number), request)
        summary = _issued(document, number)
    desk.crash_points.reach("issue.committed")
    _write_out(out, latest(desk, document.id), f"document {document.id} was issued")
    _print_issued(summary, f"{instrument} ({edition}, for the {audience}) sealed", as_json)


def _issued(document: SignedDocument, number: str) -> dict[str, Any]:
    return {"document": document.id, "case": number, "instrument": document.instrument,
            "edition": document.edition, "audience": document.audience.value, "state": document.state.value,
            "verification_code": document.verification_code,
            "fields": [{"field": s.field, "person": s.signer.person_id, "name": s.signer.name} for s in document.slots]}


def _print_issued(summary: dict[str, Any], what: str, as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    click.echo(f"document {summary['document']}: {what}, verification code {summary['verification_code']}"
               + "".join(f"\n  awaiting {f['field']}: {f['name']} ({f['person']})" for f in summary["fields"]))


def _issue_again(app: App, desk: Desk, document_id: int, again: IssueAgain, out: Path | None, as_json: bool,
                 what: str) -> None:
    """Issue an open document anew by `again` (issuing.reissue after a revocation, redrafting.redraft
    after a decline; PROCEDURE.md §4: every signatory signs the same text), in one transaction, then
    write and report the new one as `issue` does."""
    with app.documents() as (proc, docs):
        document = again(desk, proc.session, docs, document_id)
        case = proc.session.get(Case, document.case_id)
        assert case is not None  # a document belongs to its case
        summary = _issued(document, case.number)
    _write_out(out, latest(desk, document.id), f"document {document.id} was issued")
    _print_issued(summary, what, as_json)


@click.command("reissue")
@click.argument("document_id", type=int, metavar="DOCUMENT")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@json_option
@pass_app()
def reissue(document_id: int, out: Path | None, as_json: bool, app: App) -> None:
    """Issue an open document again, with fields for the current signatories, because a signer whose
    certificate was revoked still has an empty field on it; the old one is marked superseded."""
    check_out(out)
    desk = _desk(app)
    replaced = issuing.check_reissuable(desk, document_id)
    _issue_again(app, desk, document_id, issuing.reissue, out, as_json,
                 f"re-issues document {document_id} (superseded; replaced {'; '.join(replaced)})")


@click.command("redraft")
@click.argument("document_id", type=int, metavar="DOCUMENT")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@json_option
@pass_app()
def redraft(document_id: int, out: Path | None, as_json: bool, app: App) -> None:
    """Issue a co-signed document again, from the record as it now stands, because a signatory declined
    to sign it; the declined one is marked superseded and everyone signs the new draft."""
    check_out(out)
    desk = _desk(app)
    declines = redrafting.check_redraftable(desk, document_id)
    _issue_again(app, desk, document_id, redrafting.redraft, out, as_json,
                 f"redrafts document {document_id} (superseded; declined by {', '.join(d.name for d in declines)})")


@click.command("sign")
@click.argument("document_id", type=int, metavar="DOCUMENT")
@click.option("--person", "person_id", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@passphrase_env
@pass_app()
def sign(document_id: int, person_id: str, out: Path | None, passphrase_env: str | None, app: App) -> None:
    """Sign your own field of a co-signed instrument; the last signature freezes it (PAdES B-LTA).
    Signing again a field you signed changes nothing and says so (a retry after a crash succeeds)."""
    check_out(out)
    desk = _desk(app, actor=person_id)
    document = cosigning.sign(desk, document_id, person_id, secret(f"Passphrase for {person_id}", passphrase_env),
                              rendering=app.rendering())  # a freeze issues the signing record (issue 12)
    _write_out(out, latest(desk, document_id), f"document {document_id} was signed by {person_id}")
    click.echo(f"document {document_id}: signed by {person_id}; state {document.state}")


@click.command("monitor")
@click.argument("number", metavar="CASE")
@click.option("--obligation", type=int, required=True, help="Obligation id (see `case show --json`).")
@click.option("--status", type=click.Choice([s.value for s in ObligationStatus]), required=True)
@click.option("--text", required=True)
@click.option("--monitor", "monitor_id", required=True, help="The monitor's person id.")
@click.option("--on", type=ISO_DATE, default=None, help="Date of the update (default today).")
@passphrase_env
@pass_app()
def monitor(number: str, obligation: int, status: str, text: str, monitor_id: str, on: date | None,
            passphrase_env: str | None, app: App) -> None:
    """Record a monitoring update and append it, signed, to the closure report of every edition of the
    case: recorded only once appended to all of them (nothing is recorded if any append fails)."""
    desk = _desk(app, actor=monitor_id)
    app.db.ensure_schema()
    finding = monitoring.Finding(obligation, ObligationStatus(status), text, on or app.today())
    done = monitoring.monitor(desk, lambda session: app.procedure_on(session, monitor_id), number, finding,
                              monitor_id, secret(f"Passphrase for {monitor_id}", passphrase_env),
                              rendering=app.rendering())
    click.echo(f"{number}: monitoring update {done.update_id} appended to closure report document(s) "
               + ", ".join(str(d) for d in done.documents))


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--code", default=None, help="Look a verification code up instead of a file.")
@click.option("--trust", "trust_roots", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify against this root certificate only (PEM or DER, e.g. from `casedocs ca export`); "
                   "repeatable. No data directory or database is read.")
@click.option("--crl", "crl_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --trust: a current CRL of a trusted CA, so revocation is checked now; repeatable.")
@json_option
@data_option
def verify(path: Path | None, code: str | None, trust_roots: tuple[Path, ...], crl_files: tuple[Path, ...],
           as_json: bool, settings: Settings) -> None:
    """Verify every signature of a PDF (exit 0 only if all are intact, trusted and respected).

    With --trust: exit 0 VALID, 1 INVALID, 3 INDETERMINATE (intact and chaining to the given root, but
    revocation could not be checked offline: see signing/offline.py)."""
    if (path is None) == (code is None):
        fail("give a PDF file or --code CODE")
    if trust_roots or crl_files:
        from signing.offline import verify_offline

        if not trust_roots or path is None:
            fail("--trust ROOT.pem verifies a PDF file; --crl needs --trust")
        with domain_errors():
            offline = verify_offline(path.read_bytes(), [p.read_bytes() for p in trust_roots],
                                     [p.read_bytes() for p in crl_files])
        if as_json:
            print_json(offline.to_json())
        else:
            click.echo("\n".join(offline.summary_lines()))
        sys.exit(offline.exit_status)
    with domain_errors(), App(settings) as app:
        if code is not None:
            with app.procedure() as proc:
                versions = [{"case": v.case.number, "instrument": v.instrument, "edition": v.edition,
                             "version": v.version, "format": v.format, "revision": v.revision, "stage": v.stage,
                             "status": v.status, "sha256": v.sha256,
                             "created_at": v.created_at.isoformat()} for v in find_by_code(proc.session, code)]
            if as_json:
                print_json({"code": code, "versions": versions})
            else:
                for v in versions:
                    click.echo(f"{v['case']} {v['instrument']} ({v['edition']}) v{v['version']} {v['format']} "
                               f"revision {v['revision']} [{v['stage']}, {v['status']}] sha256 {v['sha256']}")
            return
        assert path is not None
        report = verify_pdf(app.settings.data_dir, path.read_bytes())
    if as_json:
        print_json(report.to_json())
    else:
        for signature in report.to_json()["signatures"]:
            click.echo(f"{signature['field']}: {signature.get('signer')} — intact {signature['intact']}, trusted "
                       f"{signature['trusted']}, revoked {signature.get('revoked')}, "
                       f"{signature.get('modification_level')}, time-stamp {signature.get('timestamp')}")
        for note in report.notes:  # e.g. revoked after the signature's proof of existence: still valid
            click.echo(f"note: {note}")
        click.echo("VALID" if report.valid else "INVALID: " + "; ".join(report.reasons))
    if not report.valid:
        sys.exit(1)


@click.group("ca")
def ca_group() -> None:
    """The mechanism's certificate authority."""


@ca_group.command("publish-crl")
@pass_app()
def ca_publish_crl(app: App) -> None:
    """Publish a fresh CRL (valid 7 days: schedule this at least weekly, or every signature turns untrusted)."""
    crl = trust.publish_crl(_desk(app))
    click.echo(f"CRL published; next update {crl.next_update_utc:%Y-%m-%d %H:%M} UTC")


@ca_group.command("trust")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app()
def ca_trust(path: Path, app: App) -> None:
    """Accept an external CA (PEM or DER): a side's corporate PKI, or an external TSA's CA."""
    fingerprint = trust.trust_root(_desk(app), path.read_bytes())
    click.echo(f"trusted: sha256 {fingerprint}")


@ca_group.command("import-crl")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app()
def ca_import_crl(path: Path, app: App) -> None:
    """Store the current CRL of a trusted external CA (revocation is checked offline)."""
    issuer = trust.import_crl(_desk(app), path.read_bytes())
    click.echo(f"CRL of {issuer} imported")


@ca_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@data_option
def ca_export(path: Path, settings: Settings) -> None:
    """Write the CA certificate (PEM) so anyone can verify with any PAdES validator."""
    source = pki_dir(settings.data_dir) / "ca" / "root.pem"
    if not source.exists():
        fail(f"no certificate authority in {pki_dir(settings.data_dir)}: run `casedocs init`")
    path.write_bytes(source.read_bytes())
    click.echo(f"{path}")


COMMANDS = (signer_group, issue, reissue, redraft, sign, monitor, verify, ca_group)
