"""RFC 3161 time-stamping: an in-process local TSA, or an external TSA by URL.

Fail closed: every signature we make carries a signature time-stamp; if the
TSA cannot answer, pyHanko raises and so do we (:class:`TimestampUnavailable`).
No code path signs with only the local clock's claim.

Why not pyHanko's ``DummyTimeStamper``: it is RSA-only and uses a third
party's policy OID; our TSA key is ECDSA P-256 (see :mod:`signing.pki`).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from typing import Callable, Iterable

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError

from .errors import TimestampUnavailable
from .pki import PKI, to_asn1_cert

# Time-stamp policy of the mechanism's local TSA. A UUID-derived OID (arc 2.25,
# ITU-T X.667) needs no registration and cannot collide with anyone's arc.
LOCAL_TSA_POLICY_OID = "2.25.215642398451329587711939261416745302147"

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"sha256": hashes.SHA256, "sha384": hashes.SHA384,
                                                          "sha512": hashes.SHA512}


class LocalTimeStamper(TimeStamper):
    """In-process RFC 3161 time-stamping unit (usable offline).

    The token's time is this server's clock, vouched for by the TSA key: that
    is what a TSA is. Accuracy is declared as 1 s.
    """

    def __init__(
        self,
        tsa_cert: x509.Certificate,
        tsa_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        chain: Iterable[x509.Certificate] = (),
        policy_oid: str = LOCAL_TSA_POLICY_OID,
    ) -> None:
        super().__init__(include_nonce=True)
        self._cert = to_asn1_cert(tsa_cert)
        self._key = tsa_key
        self._chain = [to_asn1_cert(c) for c in chain]
        self._policy = policy_oid
        # The constant parts of every token, DER-encoded once: asn1crypto
        # re-serialises copied structures, which was ~2/3 of a token's cost.
        certs = [self._cert] + [c for c in self._chain if c.subject != c.issuer]
        self._certs_der = cms.CertificateSet(certs).dump()
        self._tsa_name_der = a_x509.GeneralName(name="directory_name", value=self._cert.subject).dump()
        self._sid_der = cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": self._cert.issuer, "serial_number": self._cert.serial_number}
                )
            }
        ).dump()
        self._signing_cert_attr_der = simple_cms_attribute(
            # ESSCertIDv2 (RFC 5816): binds the token to the TSA certificate with SHA-256
            "signing_certificate_v2",
            general.as_signing_certificate_v2(self._cert),
        ).dump()

    @classmethod
    def from_pki(cls, pki: PKI) -> "LocalTimeStamper":
        key, cert, chain = pki.tsa_key_and_cert()
        return cls(cert, key, chain)

    def _sign(self, data: bytes, md: str) -> tuple[bytes, str]:
        h = _HASHES.get(md)
        if h is None:
            raise TimestampRequestError(f"unsupported digest algorithm {md!r}")
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(h())), f"{md}_ecdsa"
        return self._key.sign(data, PKCS1v15(), h()), "rsassa_pkcs1v15"

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        imprint: tsp.MessageImprint = req["message_imprint"]
        md = imprint["hash_algorithm"]["algorithm"].native
        if md not in _HASHES:
            return tsp.TimeStampResp(
                {"status": {"status": "rejection", "fail_info": tsp.PKIFailureInfo({"bad_alg"})}}
            )
        now = dt.datetime.now(dt.timezone.utc)
        info = {
            "version": "v1",
            "policy": self._policy,
            "message_imprint": imprint,
            "serial_number": secrets.randbits(127),  # unique per token, RFC 3161 §2.4.2
            "gen_time": now,
            "accuracy": {"seconds": 1},
            "tsa": a_x509.GeneralName.load(self._tsa_name_der),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        tst_info = tsp.TSTInfo(info).dump()

        digest = hashes.Hash(_HASHES[md]())
        digest.update(tst_info)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(now)})),
                cms.CMSAttribute.load(self._signing_cert_attr_der),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature, sig_algo = self._sign(signed_attrs.dump(), md)
        digest_algo = algos.DigestAlgorithm({"algorithm": md})
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(self._sid_der),
                "digest_algorithm": digest_algo,
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": sig_algo}),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": cms.DigestAlgorithms((digest_algo,)),
                "encap_content_info": cms.EncapsulatedContentInfo(
                    {"content_type": "tst_info", "content": cms.ParsableOctetString(tst_info)}
                ),
                "certificates": cms.CertificateSet.load(self._certs_der),
                "signer_infos": [signer_info],
            }
        )
        token = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return self.request_tsa_response(req)


def external_timestamper(url: str, *, timeout: float = 10.0) -> HTTPTimeStamper:
    """Client for an external RFC 3161 TSA (e.g. a national time service).

    Plain HTTP is accepted: the token is signed by the TSA and checked like
    any signature, and many public TSAs serve RFC 3161 over HTTP only.
    Its certificate chain must be among the validation context's trust roots,
    and its revocation data available offline (import the TSA CA's CRL), or
    signing will be refused.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TimestampUnavailable(f"the time-stamp authority's URL must be http(s)://host/…, not {url!r}")
    return HTTPTimeStamper(url, timeout=timeout)


class FailingTimeStamper(TimeStamper):
    """A TSA that never answers. For proving fail-closed behaviour in tests and
    for taking signing offline on purpose (maintenance mode)."""

    def __init__(self, reason: str = "time-stamp authority unavailable") -> None:
        super().__init__()
        self.reason = reason

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        raise TimestampRequestError(self.reason)


def check_timestamper(ts: TimeStamper) -> None:
    """Probe the TSA once (e.g. at service start). Raises TimestampUnavailable."""
    try:
        asyncio.run(ts.async_dummy_response("sha256"))
    except Exception as e:  # any failure means: no signing possible
        raise TimestampUnavailable(f"time-stamp authority check failed: {e}") from e


__all__ = [
    "LOCAL_TSA_POLICY_OID",
    "FailingTimeStamper",
    "LocalTimeStamper",
    "check_timestamper",
    "external_timestamper",
]
