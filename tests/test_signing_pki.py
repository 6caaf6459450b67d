"""The mechanism's PKI: keys at rest, profiles, refusals, revocation, imports."""
from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import keys as a_keys
from asn1crypto import pem as a_pem
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing import (
    PKI,
    CertificateExpired,
    CertificateRevoked,
    PKIError,
    UnknownCertificate,
    UntrustedCertificate,
    WeakPassphrase,
    WrongPassphrase,
)
from signing.pki import DEFAULT_KDF_ITERATIONS, load_crl
from signing.samples import issue_and_unlock, passphrase_for
from signing_support import external_ca, external_p12

SECRETARIAT_PW = "secretariat passphrase 2025"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return PKI.create(tmp_path_factory.mktemp("pki"), SECRETARIAT_PW)


def test_open_needs_the_secretariat_passphrase(pki: PKI) -> None:
    with pytest.raises(WrongPassphrase):
        PKI.open(pki.dir, "not the passphrase")
    again = PKI.open(pki.dir, SECRETARIAT_PW)
    assert again.root_cert == pki.root_cert


def test_create_refuses_to_overwrite(pki: PKI) -> None:
    with pytest.raises(PKIError):
        PKI.create(pki.dir, SECRETARIAT_PW)


def test_keys_are_encrypted_pkcs8_with_a_strong_kdf(pki: PKI) -> None:
    for rel in ("ca/root.key.pem", "tsa/tsa.key.pem", "seal/seal.key.pem"):
        data = (pki.dir / rel).read_bytes()
        kind, _, der = a_pem.unarmor(data)
        assert kind == "ENCRYPTED PRIVATE KEY"
        epki = a_keys.EncryptedPrivateKeyInfo.load(der)
        params = epki["encryption_algorithm"]["parameters"]
        assert epki["encryption_algorithm"]["algorithm"].native == "pbes2"
        assert params["key_derivation_func"]["parameters"]["iteration_count"].native == DEFAULT_KDF_ITERATIONS
        assert params["encryption_scheme"]["algorithm"].native == "aes256_cbc"
        assert (pki.dir / rel).stat().st_mode & 0o077 == 0  # not readable by others


def test_tsa_certificate_profile(pki: PKI) -> None:
    eku = pki.tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical
    assert list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert isinstance(pki.tsa_cert.public_key(), ec.EllipticCurvePublicKey)
    assert pki.tsa_cert.issuer == pki.root_cert.subject


def test_person_certificate_carries_name_side_role(pki: PKI) -> None:
    cred = issue_and_unlock(pki, "P-100", "陈晓明", "applicant", "representative", organisation="某矿业社区协会")
    subj = cred.certificate.subject
    assert subj.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "陈晓明"
    assert subj.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "P-100"
    assert subj.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "applicant"
    assert subj.get_attributes_for_oid(NameOID.TITLE)[0].value == "representative"
    ku = cred.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.content_commitment and ku.digital_signature
    # a CRL distribution point: without it, pyHanko would not check revocation at all
    cert_crldp = cred.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
    assert cert_crldp.value[0].full_name


def test_person_key_needs_the_persons_own_passphrase(pki: PKI) -> None:
    pki.issue_person(person_id="P-101", name="周敏", side="respondent", role="signatory", passphrase=passphrase_for("P-101"))
    with pytest.raises(WrongPassphrase):
        pki.unlock_person("P-101", SECRETARIAT_PW)  # the service's own secret does not open it
    with pytest.raises(WrongPassphrase):
        pki.unlock_person("P-101", "wrong wrong wrong")
    assert pki.unlock_person("P-101", passphrase_for("P-101")).name == "周敏"


def test_weak_passphrase_refused(pki: PKI) -> None:
    with pytest.raises(WeakPassphrase):
        pki.issue_person(person_id="P-102", name="短", side="applicant", role="agent", passphrase="1234")


def test_unknown_person(pki: PKI) -> None:
    with pytest.raises(UnknownCertificate):
        pki.unlock_person("nobody", "whatever-whatever")


def test_expired_and_not_yet_valid_certificates_are_refused(pki: PKI) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    pki.issue_person(
        person_id="P-old",
        name="过期",
        side="applicant",
        role="signatory",
        passphrase=passphrase_for("P-old"),
        valid_from=now - dt.timedelta(days=400),
        valid_until=now - dt.timedelta(days=35),
    )
    with pytest.raises(CertificateExpired, match="expired"):
        pki.unlock_person("P-old", passphrase_for("P-old"))
    pki.issue_person(
        person_id="P-future",
        name="未来",
        side="applicant",
        role="signatory",
        passphrase=passphrase_for("P-future"),
        valid_from=now + dt.timedelta(days=3),
    )
    with pytest.raises(CertificateExpired, match="not valid before"):
        pki.unlock_person("P-future", passphrase_for("P-future"))


def test_revocation_publishes_a_signed_crl_and_blocks_unlocking(pki: PKI) -> None:
    rec = pki.issue_person(person_id="P-rev", name="吴刚", side="respondent", role="agent", passphrase=passphrase_for("P-rev"))
    before = pki.current_crl()
    crl = pki.revoke(rec.serial, x509.ReasonFlags.key_compromise)
    assert crl.is_signature_valid(pki.root_cert.public_key())  # type: ignore[arg-type]
    entry = crl.get_revoked_certificate_by_serial_number(int(rec.serial, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    number = lambda c: c.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number  # noqa: E731
    assert number(crl) > number(before)
    assert load_crl((pki.dir / "crl" / "root.crl.pem").read_bytes()) == crl
    with pytest.raises(CertificateRevoked):
        pki.unlock_person("P-rev", passphrase_for("P-rev"))


def test_pkcs12_import_requires_a_trusted_ca(pki: PKI) -> None:
    ca, ca_key = external_ca("Untrusted Corp CA")
    p12 = external_p12(ca, ca_key, "External Signer", b"p12-password")
    with pytest.raises(UntrustedCertificate):
        pki.import_pkcs12(
            p12, "p12-password", person_id="E-1", name="External Signer", side="respondent", role="signatory",
            passphrase=passphrase_for("E-1"),
        )  # fmt: skip
    with pytest.raises(WrongPassphrase):
        pki.import_pkcs12(
            p12, "bad password", person_id="E-1", name="External Signer", side="respondent", role="signatory",
            passphrase=passphrase_for("E-1"),
        )  # fmt: skip


def test_pkcs12_import_from_an_accepted_root(pki: PKI) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    ca, ca_key = external_ca("Respondent Group Corporate CA")
    pki.add_trust_root(ca.public_bytes(Encoding.PEM))
    p12 = external_p12(ca, ca_key, "Li Wei (Respondent Group)", b"p12-password")
    rec = pki.import_pkcs12(
        p12, "p12-password", person_id="E-2", name="Li Wei", side="respondent", role="signatory",
        passphrase=passphrase_for("E-2"),
    )  # fmt: skip
    assert rec.kind == "external"
    cred = pki.unlock_person("E-2", passphrase_for("E-2"))
    assert cred.certificate.issuer == ca.subject
    assert ca in pki.trust_roots()
    with pytest.raises(PKIError, match="external"):
        pki.revoke(rec.serial)  # revoked by its own CA, not by us
