"""Outside PKI: a side signing with its own PKCS#12, an external CA's CRL, an external RFC 3161 TSA over HTTP.

Real certificates, real signatures, a real HTTP time-stamp server on the loopback interface.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import tsp
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from casedocs.services import cosigning, enrolment, issuing
from casedocs.services.desk import SigningError, latest
from casedocs.services.verification import verify_pdf
from cases.vocabulary import SideRole, SignerRole
from docgen.locale import Edition
from docgen.service import Request
from signing import TimestampUnavailable
from signing_support import external_ca, external_p12
from signing.timestamps import LocalTimeStamper

pytestmark = pytest.mark.slow
SECRET = "secretariat passphrase for tests"
NUMBER = "MVC-2025-0002"


def passphrase(name: str) -> str:
    return f"passphrase of {name} for tests"


def make_app(data: Path, **overrides: object) -> App:
    settings = replace(Settings.load(data), converter_processes=1, **overrides)  # type: ignore[arg-type]
    return App(settings, today=lambda: date(2026, 11, 25))


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv("CASEDOCS_SECRETARIAT_PASSPHRASE", SECRET)
    application = make_app(tmp_path / "data")
    assert application.init(SECRET)
    with application.procedure() as proc:
        run_demo_cases(proc)
    yield application
    application.close()


def cli(app: App, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--data", str(app.settings.data_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def cli_error(app: App, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--data", str(app.settings.data_dir)])
    assert result.exit_code != 0, result.output
    return result.output


def crl_of(ca: x509.Certificate, key: ec.EllipticCurvePrivateKey, revoked: list[int],
           revoked_at: dt.datetime | None = None) -> bytes:
    now = dt.datetime.now(dt.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
               .last_update(now - dt.timedelta(minutes=1)).next_update(now + dt.timedelta(days=7)))
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at or now)
            .build())
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.PEM)


def test_side_signs_with_its_own_pkcs12_and_its_ca_revokes_it(app: App, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ca, ca_key = external_ca("Lualaba Hongyuan Corporate CA")
    p12 = tmp_path / "li-wei.p12"
    p12.write_bytes(external_p12(ca, ca_key, "Li Wei", b"corporate p12 password",
                                 crl_url="http://pki.hongyuan.invalid/corporate.crl"))
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(Encoding.PEM))
    monkeypatch.setenv("P12_PASSWORD", "corporate p12 password")
    monkeypatch.setenv("LI_WEI", passphrase("Li Wei"))
    importing = ["signer", "import-p12", NUMBER, "--side", "respondent", "--role", "representative",
                 "--name", "李伟", "--p12", str(p12), "--p12-password-env", "P12_PASSWORD", "--passphrase-env", "LI_WEI"]

    assert "does not chain to a trust root" in cli_error(app, *importing)  # not trusted yet: nothing imported
    (tmp_path / "garbage.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert "not an X.509 certificate" in cli_error(app, "ca", "trust", str(tmp_path / "garbage.pem"))
    assert "trusted: sha256" in cli(app, "ca", "trust", str(tmp_path / "ca.pem"))
    output = cli(app, *importing)
    person = output.splitlines()[-1]
    assert person == f"{NUMBER}-respondent-1" and "warning" not in output
    (tmp_path / "empty.crl").write_bytes(crl_of(ca, ca_key, []))
    assert "CRL of CN=Lualaba Hongyuan Corporate CA imported" in cli(app, "ca", "import-crl", str(tmp_path / "empty.crl"))

    desk = app.desk(SECRET)
    with app.procedure() as proc:
        applicant = enrolment.enrol(desk, proc.session, proc.get_case(NUMBER), SideRole.APPLICANT,
                                    SignerRole.REPRESENTATIVE, "Jean-Pierre Mwamba",
                                    passphrase("Jean-Pierre Mwamba")).person_id
    with app.documents() as (proc, docs):
        document = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER), Request("agreement", Edition.ZH)).id
    cosigning.sign(desk, document, person, passphrase("Li Wei"))
    assert cosigning.sign(desk, document, applicant, passphrase("Jean-Pierre Mwamba")).state == "frozen"
    frozen = latest(desk, document)
    report = verify_pdf(app.settings.data_dir, frozen)
    assert report.valid, report.reasons
    external = next(s for s in report.signatures if s.field == "sig-respondent-1")
    assert external.trusted and external.issuer is not None and "Lualaba Hongyuan Corporate CA" in external.issuer

    # Its own CA revokes the certificate: a CRL not signed by that CA is refused, the real one is taken.
    serial = x509.load_pem_x509_certificate((app.settings.data_dir / "pki" / "certs" /
                                             f"{desk.pki.find_person(person).serial}.pem").read_bytes()).serial_number
    other, other_key = external_ca("Lualaba Hongyuan Corporate CA")  # same name, different key
    (tmp_path / "forged.crl").write_bytes(crl_of(other, other_key, [serial]))
    assert "signature does not verify" in cli_error(app, "ca", "import-crl", str(tmp_path / "forged.crl"))
    stranger, stranger_key = external_ca("Somebody Else CA")
    (tmp_path / "stranger.crl").write_bytes(crl_of(stranger, stranger_key, [serial]))
    assert "not a trust root" in cli_error(app, "ca", "import-crl", str(tmp_path / "stranger.crl"))
    # Revoked after the agreement was signed and frozen: the signature stays valid, judged as of its
    # time-stamp (issue 9, EN 319 102-1 §5.5.4). This test expected "revoked, hence invalid" before:
    # it judged a signature by its certificate's status now, which let a later revocation undo it.
    time.sleep(1.01 - dt.datetime.now(dt.timezone.utc).microsecond / 1e6)  # CRLs date revocations to the second
    (tmp_path / "revoked.crl").write_bytes(crl_of(ca, ca_key, [serial]))
    assert "imported" in cli(app, "ca", "import-crl", str(tmp_path / "revoked.crl"))
    after = verify_pdf(app.settings.data_dir, frozen)
    assert after.valid, after.reasons
    revoked = next(s for s in after.signatures if s.field == "sig-respondent-1")
    assert revoked.revoked and revoked.revoked_after_proof and revoked.proof_of_existence is not None
    # A revocation its CA dates before the signature's time-stamp does invalidate it.
    signed_at = dt.datetime.fromisoformat(revoked.proof_of_existence)
    (tmp_path / "backdated.crl").write_bytes(crl_of(ca, ca_key, [serial], signed_at - dt.timedelta(minutes=5)))
    assert "imported" in cli(app, "ca", "import-crl", str(tmp_path / "backdated.crl"))
    backdated = verify_pdf(app.settings.data_dir, frozen)
    assert not backdated.valid
    assert not next(s for s in backdated.signatures if s.field == "sig-respondent-1").revoked_after_proof
    # No field goes to a signer whose CA revoked them: with nobody else on that side, nothing is issued.
    with pytest.raises(SigningError, match=f"enrol the signatories of the respondent first .*; cannot sign: {person} "
                                           r"\(李伟\): certificate revoked on \d{4}-\d{2}-\d{2}"):
        with app.documents() as (proc, docs):
            issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER), Request("agreement", Edition.ZH))
    # Once a replacement has enrolled, the instrument is issued with fields for the current signatories only.
    with app.procedure() as proc:
        replacement = enrolment.enrol(desk, proc.session, proc.get_case(NUMBER), SideRole.RESPONDENT,
                                      SignerRole.REPRESENTATIVE, "王芳", passphrase("王芳")).person_id
    with app.documents() as (proc, docs):
        again = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER), Request("agreement", Edition.ZH))
        assert {s.signer.person_id for s in again.slots} == {applicant, replacement}
    with pytest.raises(SigningError, match="has no signature field"):
        cosigning.sign(app.desk(SECRET), again.id, person, passphrase("Li Wei"))

    from sqlalchemy import select

    from cases.models import AuditEvent

    with app.procedure() as proc:
        actions = list(proc.session.scalars(select(AuditEvent.action)))
    assert {"trust_root", "import_signer", "import_crl"} <= set(actions)


class _TimeStampHandler(BaseHTTPRequestHandler):
    stamper: LocalTimeStamper
    served: list[int]

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        response = self.stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        self.served.append(len(response))
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(response)))
        self.end_headers()
        self.wfile.write(response)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def external_tsa(tmp_path: Path) -> Iterator[tuple[str, Path, list[int]]]:
    """An RFC 3161 server of a time service with its own CA: (URL, that CA's PEM, responses served)."""
    ca, ca_key = external_ca("National Time Service Root")
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "National Time Service TSA")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca_key, hashes.SHA256()))
    served: list[int] = []
    handler = type("Handler", (_TimeStampHandler,), {"stamper": LocalTimeStamper(cert, key, [ca]), "served": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    (tmp_path / "tsa-root.pem").write_bytes(ca.public_bytes(Encoding.PEM))
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa", tmp_path / "tsa-root.pem", served
    server.shutdown()


def test_external_time_stamp_authority_by_url(app: App, external_tsa: tuple[str, Path, list[int]]) -> None:
    url, root, served = external_tsa
    outside = make_app(app.settings.data_dir, tsa_url=url)
    with outside.documents() as (proc, docs):
        case = proc.get_case(NUMBER)
        with pytest.raises(TimestampUnavailable, match="not trusted"):
            issuing.issue(outside.desk(SECRET), proc.session, docs, case, Request("acceptance_decision", Edition.ZH))
    assert served, "the external TSA was asked"
    with outside.procedure() as proc:  # refused: nothing was recorded as issued
        from cases.models import SignedDocument

        assert proc.session.query(SignedDocument).count() == 0

    cli(app, "ca", "trust", str(root))
    before = len(served)
    desk = outside.desk(SECRET)
    with outside.documents() as (proc, docs):
        document = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER),
                                 Request("acceptance_decision", Edition.ZH)).id
    assert len(served) > before
    report = verify_pdf(app.settings.data_dir, latest(desk, document))
    assert report.valid, report.reasons
    assert report.signatures[0].timestamp_trusted
    outside.close()


def test_a_time_stamp_authority_url_must_be_http() -> None:
    from signing.timestamps import external_timestamper

    with pytest.raises(TimestampUnavailable, match="must be http"):
        external_timestamper("ftp://tsa.example/")


def test_an_expired_crl_is_named_and_publishing_a_fresh_one_restores_validity(app: App) -> None:
    import time

    desk = app.desk(SECRET)
    with app.documents() as (proc, docs):
        document = issuing.issue(desk, proc.session, docs, proc.get_case(NUMBER),
                                 Request("acceptance_decision", Edition.ZH)).id
    sealed = latest(desk, document)
    desk.pki.publish_crl(validity=dt.timedelta(seconds=1))
    time.sleep(3)  # beyond the validator's 1 s clock tolerance
    stale = verify_pdf(app.settings.data_dir, sealed)
    assert not stale.valid and "expired on" in stale.reasons[0] and "casedocs ca publish-crl" in stale.reasons[0]
    assert "CRL published" in cli(app, "ca", "publish-crl")
    assert verify_pdf(app.settings.data_dir, sealed).valid
