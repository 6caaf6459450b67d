"""Policy layer: seal, co-sign, monitor and freeze case instruments.

Every operation takes the *latest* bytes of a document and returns them with
one incremental update appended (plus, when PAdES-LTA is on, the DSS and
document time-stamp update pyHanko appends right after). Nothing already
signed is ever rewritten; :func:`signing.pdfdoc.ensure_appended` checks it.

DocMDP policy (decided here, the *why*):

* **plain instruments** (decisions, notices, letters): certification with
  ``NO_CHANGES``. The secretariat alone issues them; once sealed, nothing but
  validation data and archive time-stamps (which ISO 32000-2/PAdES allow even
  under P=1) may be appended. A comment or a second signature makes the seal
  invalid, which is what a reader of a decision should learn.
* **co-signed instruments** (agreement, triage record, fact-finding terms):
  certification with ``FILL_FORMS``, and every signatory's empty signature
  field is created *before* certifying: pyHanko's difference analysis accepts
  filling a pre-existing field after certification, but not creating a new
  visible one.
* **closure report**: ``FILL_FORMS`` with N empty monitoring slots on the
  monitoring-record page, filled one by one by monitors over the years.

Signature profile: PAdES (ETSI.CAdES.detached), SHA-256, a signature
time-stamp from the configured TSA on every signature (fail closed), and the
validation data (chains, our CRL) in the DSS of the same revision: every
signed state is PAdES B-LT on its own. ``freeze`` adds fresh validation data
and the archive time-stamp (B-LTA); ``archive_timestamp`` renews that for
documents that stay open (closure reports). ``SigningEnv(lta_each_signature=
True)`` adds an archive time-stamp after every signature instead, at the cost
of two extra revisions per signature (see the measurements in the report).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable, Sequence

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as pfields
from pyhanko.sign.fields import MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, PdfTimeStamper
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    SigDSSPlacementPreference,
    TimestampDSSContentSettings,
)
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from . import _speedups, appearance
from .errors import (
    DocumentFrozen,
    FieldAlreadySigned,
    FieldError,
    FieldNotFound,
    FieldOwnershipError,
    IncompleteSignatures,
    MalformedPdf,
    NoSlotLeft,
    PolicyViolation,
    SigningCoreError,
    TimestampUnavailable,
)
from .fonts import CJKFont, get_font
from .pdfdoc import (
    FREEZE_FIELD,
    MONITOR_PREFIX,
    SEAL_FIELD,
    DocumentState,
    check_field_name,
    document_state,
    ensure_appended,
    open_writer,
    sha256_hex,
)
from .pki import PKI, Credential, check_usable, describe_validation_failure
from .seal_strips import Strip, draw_strips


class _OfflineRevinfoFilter(logging.Filter):
    """pyHanko warns on every signature that fetching is disabled; offline
    revocation data is our design (CRLs fed to the context), not an accident."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_OfflineRevinfoFilter())

Box = tuple[float, float, float, float]
"""(x1, y1, x2, y2) in PDF points, origin at the page's lower-left corner."""


class InstrumentKind(str, Enum):
    PLAIN = "plain"
    CO_SIGNED = "co_signed"
    CLOSURE_REPORT = "closure_report"


DOCMDP_FOR_KIND: dict[InstrumentKind, MDPPerm] = {
    InstrumentKind.PLAIN: MDPPerm.NO_CHANGES,
    InstrumentKind.CO_SIGNED: MDPPerm.FILL_FORMS,
    InstrumentKind.CLOSURE_REPORT: MDPPerm.FILL_FORMS,
}


@dataclass(frozen=True)
class FieldSlot:
    """An empty signature field to create before certification."""

    name: str
    page: int  # 0-based; negative counts from the end (-1 = last page)
    box: Box
    label: str | None = None  # tooltip / accessible name (/TU)


def grid_slots(
    area: Box, count: int, *, columns: int = 2, page: int = -1, gap: float = 6.0, first_index: int = 1
) -> list[FieldSlot]:
    """Lay out ``count`` monitoring slots row by row inside ``area``."""
    if count < 1 or columns < 1:
        raise SigningCoreError("need at least one slot and one column")
    x1, y1, x2, y2 = area
    rows = -(-count // columns)
    w = (x2 - x1 - gap * (columns - 1)) / columns
    h = (y2 - y1 - gap * (rows - 1)) / rows
    out = []
    for i in range(count):
        r, c = divmod(i, columns)
        left = x1 + c * (w + gap)
        top = y2 - r * (h + gap)
        n = first_index + i
        out.append(
            FieldSlot(
                name=f"{MONITOR_PREFIX}{n:02d}",
                page=page,
                box=(round(left, 2), round(top - h, 2), round(left + w, 2), round(top, 2)),
                label=f"监测记录 {n} Monitoring record {n}",
            )
        )
    return out


@dataclass(frozen=True)
class MonitoringUpdate:
    """One monitoring result appended to a closure report."""

    date: dt.date
    obligation: str
    status: str
    summary_lines: Sequence[str]
    full_text: str  # the complete report; only its SHA-256 goes on the page

    @property
    def sha256(self) -> str:
        return sha256_hex(self.full_text.encode("utf-8"))


@dataclass
class SigningEnv:
    """Everything an operation needs besides the document and the signer.

    ``validation_context`` is a *factory*: each operation gets a fresh context,
    so a CRL published a second ago (a revocation) is taken into account.
    ``recheck`` re-reads a credential's status from the store right before
    signing (e.g. :meth:`PKI.refresh`).
    """

    timestamper: TimeStamper
    validation_context: Callable[[], ValidationContext]
    recheck: Callable[[Credential], None] | None = None
    font: CJKFont = field(default_factory=get_font)
    # Default: B-LT at every signature (validation data in the DSS, in the
    # signature's own revision) and B-LTA at freeze(); long-lived documents
    # (closure reports under monitoring) get archive_timestamp() periodically.
    # True adds a DSS + document time-stamp after *every* signature: two more
    # revisions each, and pyHanko's difference analysis is quadratic in the
    # number of revisions (measured: a closure report with 12 monitoring
    # updates verifies in ~3.5 s instead of ~0.7 s).
    lta_each_signature: bool = False
    cache_dir: Path | None = None
    location: str | None = None

    def __post_init__(self) -> None:
        # pyHanko re-reads every signature's hex /Contents byte by byte and
        # repeats per-revision work for each signature it checks; see
        # signing/_speedups.py.
        _speedups.install()

    @classmethod
    def from_pki(cls, pki: PKI, timestamper: TimeStamper | None = None, **kw: object) -> "SigningEnv":
        from .timestamps import LocalTimeStamper

        return cls(
            timestamper=timestamper or LocalTimeStamper.from_pki(pki),
            validation_context=pki.validation_context,
            recheck=pki.refresh,
            **kw,  # type: ignore[arg-type]  # the dataclass's own fields, passed through
        )

    def warm_up(self) -> None:
        """Do the one-off work (fonts, seal image, TSA probe) before the first
        request rather than during it."""
        from .seal_image import SealImage
        from .timestamps import check_timestamper

        self.font.for_text(appearance.label(appearance.COMMON_TEXT, self.font.script))
        SealImage(self.cache_dir)
        check_timestamper(self.timestamper)


# -- internals -------------------------------------------------------------------
def _key_usage_for(cred: Credential) -> set[str]:
    # Our certificates carry nonRepudiation; external ones may only have
    # digitalSignature. pyHanko requires *all* listed usages.
    from cryptography import x509

    try:
        ku = cred.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        return {"non_repudiation"} if ku.content_commitment else {"digital_signature"}
    except x509.ExtensionNotFound:
        return {"digital_signature"}


_reserve_cache: dict[tuple[int, str], int] = {}


def _bytes_reserved(env: SigningEnv, cred: Credential) -> int:
    """Space for the CMS blob, computed instead of estimated.

    pyHanko's default estimate builds and signs a complete dummy CMS object
    first (~25 ms of asn1crypto work per signature). The blob is: signed
    attributes, the signer's certificate and chain, and the time-stamp token,
    whose size the time-stamper's cached dummy response tells us. Doubled for
    hex, plus a margin; on the rare overflow we retry with pyHanko's estimate.
    """
    key = (id(env.timestamper), cred.serial)
    cached = _reserve_cache.get(key)
    if cached is not None:
        return cached
    from cryptography.hazmat.primitives.serialization import Encoding

    tst = asyncio.run(env.timestamper.async_dummy_response("sha256"))
    der = len(cred.certificate.public_bytes(Encoding.DER))
    der += sum(len(c.public_bytes(Encoding.DER)) for c in cred.chain)
    der += len(tst.dump()) + 1536  # attributes, algorithm ids, signature value
    reserved = 2 * der + 1024
    _reserve_cache[key] = reserved
    return reserved


def _check_signer(env: SigningEnv, cred: Credential) -> None:
    check_usable(cred.record)
    if env.recheck is not None:
        env.recheck(cred)


def _run_signer(
    pdf: bytes,
    *,
    env: SigningEnv,
    cred: Credential,
    field_name: str,
    stamp_style: BaseStampStyle,
    reason: str,
    certify: bool = False,
    docmdp: MDPPerm | None = None,
    new_field: SigFieldSpec | None = None,
    extra_fields: Sequence[SigFieldSpec] = (),
    text: str | None = None,
    lta: bool = False,
    writer: IncrementalPdfFileWriter | None = None,
    prepare: Callable[[IncrementalPdfFileWriter], None] | None = None,
) -> bytes:
    """One pyHanko signing run, with every failure mapped to our errors. ``prepare`` adds to the
    revision before the signature is computed (the cross-page seal's strips)."""
    _check_signer(env, cred)
    vc = env.validation_context()
    w = writer if writer is not None else open_writer(pdf)
    try:
        if prepare is not None:
            prepare(w)
        for spec in extra_fields:
            pfields.append_signature_field(w, spec)
        meta = PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            certify=certify,
            docmdp_permissions=docmdp or MDPPerm.FILL_FORMS,
            reason=reason,
            location=env.location,
            embed_validation_info=True,
            use_pades_lta=lta,
            timestamp_field_name=f"ts-{uuid.uuid4().hex[:12]}",
            validation_context=vc,
            signer_key_usage=_key_usage_for(cred),
            # Without LTA, put the DSS in the signature's own revision: one
            # incremental update per signature instead of two.
            dss_settings=DSSContentSettings()
            if lta
            else DSSContentSettings(placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False),
        )
        signer = PdfSigner(
            meta, cred.signer, timestamper=env.timestamper, stamp_style=stamp_style, new_field_spec=new_field
        )
        reserve: int | None = _bytes_reserved(env, cred)
        snapshot = pdf
        while True:
            try:
                out = signer.sign_pdf(
                    w,
                    existing_fields_only=new_field is None,
                    bytes_reserved=reserve,
                    appearance_text_params=None if text is None else {"body": text},
                ).getvalue()
                break
            except SigningError as e:
                if reserve is None or "larger than expected" not in str(e):
                    raise
                # our size formula was short (unusual chain or TSA): let
                # pyHanko estimate, on a fresh writer
                reserve = None
                w = open_writer(snapshot)
                if prepare is not None:
                    prepare(w)
                for spec in extra_fields:
                    pfields.append_signature_field(w, spec)
    except TimestampRequestError as e:
        raise TimestampUnavailable(f"time-stamp authority failed, nothing was signed: {e}") from e
    except SigningError as e:
        cause = e.__cause__ or e.__context__
        if "could not be validated" in str(e) and cause is not None:
            err = describe_validation_failure(cause)
            raise err(f"{cred.name}'s certificate was refused at signing time: {cause}") from e
        if isinstance(cause, (TimestampRequestError, OSError)):
            raise TimestampUnavailable(f"time-stamp authority failed, nothing was signed: {cause}") from e
        if "forbids all changes" in str(e):
            raise PolicyViolation("the certification of this document forbids any further signature") from e
        raise SigningCoreError(f"signing failed: {e}") from e
    except (PathBuildingError, PathValidationError) as e:
        # pyHanko validates the TSA's certificate before signing (the signer's
        # own failures arrive wrapped in SigningError above)
        raise TimestampUnavailable(
            f"the time-stamp authority's certificate is not trusted or not verifiable offline: {e}"
        ) from e
    except OSError as e:
        # aiohttp connection errors of an external TSA land here
        raise TimestampUnavailable(f"time-stamp authority unreachable, nothing was signed: {e}") from e
    except PdfError as e:
        raise MalformedPdf(f"cannot sign this PDF: {e}") from e
    return ensure_appended(pdf, out)


def _open(pdf: bytes) -> tuple[DocumentState, IncrementalPdfFileWriter]:
    """Parse once: the policy checks read the same reader pyHanko then
    appends to (its object cache is shared, nothing is parsed twice)."""
    w = open_writer(pdf)
    try:
        return document_state(w.prev), w
    except MalformedPdf:
        raise
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise MalformedPdf(f"unreadable PDF: {e}") from e


def _field_spec(slot: FieldSlot) -> SigFieldSpec:
    check_field_name(slot.name)
    x1, y1, x2, y2 = slot.box
    if x2 <= x1 or y2 <= y1:
        raise SigningCoreError(f"field {slot.name}: box must be (x1, y1, x2, y2) with x2 > x1 and y2 > y1")
    return SigFieldSpec(
        sig_field_name=slot.name,
        on_page=slot.page,
        box=(x1, y1, x2, y2),  # type: ignore[arg-type]  # pyHanko annotates ints; floats work
        readable_field_name=slot.label,
    )


# -- 1. seal -------------------------------------------------------------------------
def seal(
    pdf: bytes,
    *,
    env: SigningEnv,
    sealer: Credential,
    kind: InstrumentKind | str,
    seal_page: int,
    seal_box: Box,
    signatory_fields: Sequence[FieldSlot] = (),
    monitoring_slots: Sequence[FieldSlot] = (),
    reason: str | None = None,
    cross_page_strips: Sequence[Strip] = (),
) -> bytes:
    """Certify ``pdf`` with the secretariat's seal (visible red seal at
    ``seal_box`` on ``seal_page``), pre-creating the fields later signatures
    will fill. ``cross_page_strips``: the cross-page seal (骑缝章, see
    :mod:`signing.seal_strips`), drawn on the pages in the same revision and
    before the certification is computed, so that it covers them. Returns the
    sealed PDF."""
    kind = InstrumentKind(kind)
    if sealer.role != "seal":
        raise PolicyViolation(f"only the secretariat's seal certificate certifies documents, not {sealer.name}")
    if kind is InstrumentKind.PLAIN and (signatory_fields or monitoring_slots):
        raise SigningCoreError("a plain instrument has no signatory fields or monitoring slots")
    if kind is InstrumentKind.CO_SIGNED and not signatory_fields:
        raise SigningCoreError("a co-signed instrument needs its signatories' fields")
    if kind is InstrumentKind.CLOSURE_REPORT and not monitoring_slots:
        raise SigningCoreError("a closure report needs monitoring slots")
    for s in monitoring_slots:
        if not s.name.startswith(MONITOR_PREFIX):
            raise SigningCoreError(f"monitoring slot names start with {MONITOR_PREFIX!r}: {s.name}")
    for s in signatory_fields:
        if s.name.startswith(MONITOR_PREFIX) or s.name in (SEAL_FIELD, FREEZE_FIELD):
            raise SigningCoreError(f"reserved field name for a signatory: {s.name}")
    names = [SEAL_FIELD, *(s.name for s in signatory_fields), *(s.name for s in monitoring_slots)]
    if len(set(names)) != len(names):
        raise SigningCoreError(f"duplicate field names: {names}")

    state, writer = _open(pdf)
    if any(f.filled for f in state.fields):
        raise PolicyViolation("the document is already signed; the seal (certification) must come first")
    clash = {f.name for f in state.fields} & set(names)
    if clash:
        raise SigningCoreError(f"fields already exist in the document: {sorted(clash)}")

    specs = [_field_spec(s) for s in (*signatory_fields, *monitoring_slots)]
    seal_spec = _field_spec(FieldSlot(SEAL_FIELD, seal_page, seal_box, "秘书处印章 Secretariat seal"))
    perm = DOCMDP_FOR_KIND[kind]
    return _run_signer(
        pdf,
        env=env,
        cred=sealer,
        field_name=SEAL_FIELD,
        stamp_style=appearance.seal_stamp_style(env.cache_dir),
        reason=reason or "秘书处盖章 Sealed by the Secretariat",
        certify=True,
        docmdp=perm,
        new_field=seal_spec,
        extra_fields=specs,
        lta=env.lta_each_signature,
        writer=writer,
        prepare=(lambda w: draw_strips(w, cross_page_strips, env.cache_dir)) if cross_page_strips else None,
    )


# -- 2. approval signatures ------------------------------------------------------------
def _check_fillable(state: DocumentState, field_name: str) -> None:
    if state.frozen:
        raise DocumentFrozen("the document is frozen (final archive time-stamp); it takes no more signatures")
    f = state.field(field_name)
    if f is None:
        available = ", ".join(x.name for x in state.fields if not x.filled) or "none"
        raise FieldNotFound(f"no signature field {field_name!r} in this document (empty fields: {available})")
    if f.filled:
        raise FieldAlreadySigned(f"field {field_name!r} is already signed")
    if state.docmdp == MDPPerm.NO_CHANGES:
        raise PolicyViolation("the seal of this document forbids any further signature")


def sign_field(
    pdf: bytes,
    field_name: str,
    signer: Credential,
    *,
    env: SigningEnv,
    field_owner: str,
    reason: str | None = None,
) -> bytes:
    """Fill the pre-created field ``field_name`` with ``signer``'s approval
    signature. ``field_owner`` is the person id the case record assigns to
    that field; anyone else is refused."""
    if field_name.startswith(MONITOR_PREFIX) or field_name in (SEAL_FIELD, FREEZE_FIELD):
        raise FieldError(f"{field_name!r} is not a signatory field (use the monitoring/seal operations)")
    state, writer = _open(pdf)
    _check_fillable(state, field_name)
    if signer.person_id is None or signer.person_id != field_owner:
        raise FieldOwnershipError(
            f"field {field_name!r} is reserved for {field_owner!r}; {signer.name} ({signer.person_id}) may not sign it"
        )
    if signer.role in ("seal", "monitor", "tsa"):
        raise FieldOwnershipError(f"a {signer.role} certificate does not sign as a party")
    now = dt.datetime.now(dt.timezone.utc)
    body = appearance.approval_text(signer.name, signer.side, signer.role, now, env.font.script)
    s_zh, s_en = appearance.side_label(signer.side)
    r_zh, r_en = appearance.role_label(signer.role)
    return _run_signer(
        pdf,
        env=env,
        cred=signer,
        field_name=field_name,
        stamp_style=appearance.text_stamp_style(env.font, body, font_size=9),
        text=body,
        reason=reason or f"{s_zh}{r_zh}签署 Signed by the {s_en.lower()}'s {r_en.lower()}",
        lta=env.lta_each_signature,
        writer=writer,
    )


# -- 3. monitoring updates -----------------------------------------------------------------
def append_monitoring_update(
    pdf: bytes,
    slot: int | None,
    monitor: Credential,
    update: MonitoringUpdate,
    *,
    env: SigningEnv,
) -> bytes:
    """Fill monitoring slot ``slot`` (1-based), or the next empty one when
    ``slot`` is None, with the monitor's signed, time-stamped update."""
    if monitor.role != "monitor":
        raise FieldOwnershipError(f"{monitor.name} holds a {monitor.role} certificate, not a monitor's")
    state, writer = _open(pdf)
    if state.frozen:
        raise DocumentFrozen("the closure report is frozen; it takes no more monitoring updates")
    slots = state.monitoring_slots
    if not slots:
        raise FieldNotFound("this document has no monitoring slots (is it a closure report?)")
    if slot is None:
        target = next((s for s in slots if not s.filled), None)
        if target is None:
            raise NoSlotLeft(f"all {len(slots)} monitoring slots are used")
    else:
        name = f"{MONITOR_PREFIX}{slot:02d}"
        target = state.field(name)
        if target is None:
            raise FieldNotFound(f"no monitoring slot {slot} (the report has {len(slots)})")
    _check_fillable(state, target.name)
    number = int(target.name[len(MONITOR_PREFIX):])
    digest = update.sha256
    body = appearance.monitoring_text(
        number=number,
        date=update.date,
        monitor=monitor.name,
        obligation=update.obligation,
        status=update.status,
        summary_lines=update.summary_lines,
        sha256_hex=digest,
        script=env.font.script,
    )
    return _run_signer(
        pdf,
        env=env,
        cred=monitor,
        field_name=target.name,
        stamp_style=appearance.text_stamp_style(env.font, body, font_size=7),
        text=body,
        reason=f"监测更新 Monitoring update {number}; sha256={digest}",
        lta=env.lta_each_signature,
        writer=writer,
    )


# -- 4. freeze ---------------------------------------------------------------------------------
def freeze(pdf: bytes, *, env: SigningEnv, require_complete: bool = True, verify_first: bool = True) -> bytes:
    """Add fresh validation data and the final document time-stamp (PAdES
    B-LTA). Refuses when signature fields are still empty (unless
    ``require_complete`` is False, e.g. a closure report whose monitoring has
    ended early) and, by default, when the document does not verify."""
    state, _ = _open(pdf)
    if state.frozen:
        raise DocumentFrozen("the document is already frozen")
    if not any(f.filled for f in state.fields):
        raise PolicyViolation("nothing to freeze: the document carries no signature")
    if require_complete and state.empty_fields:
        raise IncompleteSignatures(f"signature fields still empty: {', '.join(state.empty_fields)}")
    vc = env.validation_context()
    if verify_first:
        from .verify import verify_with_context

        report = verify_with_context(pdf, vc)
        if not report.valid:
            raise PolicyViolation("refusing to freeze a document that does not verify: " + "; ".join(report.reasons))
        vc = env.validation_context()  # the report consumed the context's caches
    return _document_timestamp(pdf, env, vc, FREEZE_FIELD, "归档时间戳 Archive time-stamp (frozen)")


def archive_timestamp(pdf: bytes, *, env: SigningEnv) -> bytes:
    """Renew the archive: fresh validation data plus a document time-stamp,
    *without* freezing. For documents that stay open for years (a closure
    report under monitoring): run it periodically, and in any case before the
    TSA or signer certificates expire, so the evidence chain never lapses."""
    state, _ = _open(pdf)
    if not any(f.filled for f in state.fields):
        raise PolicyViolation("nothing to archive: the document carries no signature")
    name = f"ts-{uuid.uuid4().hex[:12]}"
    return _document_timestamp(pdf, env, env.validation_context(), name, "归档时间戳 Archive time-stamp")


def _document_timestamp(pdf: bytes, env: SigningEnv, vc: ValidationContext, field_name: str, label: str) -> bytes:
    w = open_writer(pdf)
    try:
        out = PdfTimeStamper(env.timestamper, field_name=field_name, readable_field_name=label).timestamp_pdf(
            w,
            "sha256",
            validation_context=vc,
            # Fresh CRLs and chains go into the DSS *before* the time-stamp,
            # so the archive time-stamp covers them (B-LTA).
            dss_settings=TimestampDSSContentSettings(update_before_ts=True, include_vri=False),
        )
    except TimestampRequestError as e:
        raise TimestampUnavailable(f"time-stamp authority failed, nothing was added: {e}") from e
    except (PathBuildingError, PathValidationError) as e:
        raise TimestampUnavailable(f"the time-stamp authority's certificate is not trusted: {e}") from e
    except OSError as e:
        raise TimestampUnavailable(f"time-stamp authority unreachable, nothing was added: {e}") from e
    except (SigningError, PdfError) as e:
        raise SigningCoreError(f"document time-stamp failed: {e}") from e
    return ensure_appended(pdf, out.getvalue())


__all__ = [
    "DOCMDP_FOR_KIND",
    "Box",
    "FieldSlot",
    "InstrumentKind",
    "MonitoringUpdate",
    "SigningEnv",
    "append_monitoring_update",
    "archive_timestamp",
    "freeze",
    "grid_slots",
    "seal",
    "sign_field",
]
