"""The signing record (签署记录 / Signing Record, issue 12): who signed the frozen agreement, as whom,
for which side, when and how, and which bytes they signed.

第四章第四节第1条: both sides sign the problem-solving agreement. The secretariat certifies under its seal,
in both working languages, each signature of each frozen agreement document: the signer, their role
and side, the time of the signature's time-stamp (the time verification of the frozen PDF proved,
recorded by the freeze: cosigning.signature_times), the method the signer used (recorded with the
signature: cases.signing_method), and the document's sha256 and verification code. Everything is read
from the record; nothing here looks into a PDF.

Names: the signatories of an agreement are known to both sides; a name under a confidentiality
decision is shown as that audience's Disclosure says (Shown.person, as the agreement's own signature
table), and the public rendering names no natural person (第六章第1.1条).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import object_session

from cases.confidentiality.audiences import Audience
from cases.confidentiality.items import IdentityRole
from cases.confidentiality.withholding import withheld_word
from cases.instruments import get_instrument
from cases.instruments.registry import frozen_agreements
from cases.signing_method import SigningMethod
from cases.vocabulary import SignerRole

if TYPE_CHECKING:
    from cases.models import AuditEvent, Case, SignatureSlot
    from docgen.context.disclosed import Shown

_BEIJING = ZoneInfo("Asia/Shanghai")
_EDITIONS = {"zh": ("中文", "Chinese"), "en": ("英文", "English"), "zh-Hant": ("中文（繁体）", "Chinese (Traditional)"),
             "bilingual": ("中英双语", "Bilingual (Chinese and English)")}
_IDENTITY_ROLES = {SignerRole.MEMBER: IdentityRole.MEMBER, SignerRole.AGENT: IdentityRole.AGENT,
                   SignerRole.REPRESENTATIVE: IdentityRole.REPRESENTATIVE}


@dataclass(frozen=True)
class SignedDocumentView:
    """One frozen agreement document the record reports (numbered 1, 2, ... in the record)."""

    number: int
    title: str
    edition: str
    version: int
    verification_code: str
    sha256: str
    frozen_at: str
    signatures: int


@dataclass(frozen=True)
class SignatureEntryView:
    """One signature of one of those documents."""

    document: int  # the SignedDocumentView.number it is on
    signer: str
    role: str
    side: str
    timestamp: str
    method: str


@dataclass(frozen=True)
class SigningRecordView:
    documents: list[SignedDocumentView] = field(default_factory=list)
    signatures: list[SignatureEntryView] = field(default_factory=list)


def signing_record_view(case: Case, shown: Shown) -> SigningRecordView:
    """The record's lists, for the rendering's audience and language (empty for a case with no frozen
    agreement: only the signing record prints them)."""
    documents = frozen_agreements(case)
    if not documents:
        return SigningRecordView()
    events = _events(case)
    loc = shown.loc
    views, entries = [], []
    for number, document in enumerate(documents, start=1):
        proven = _proven_times(events, document.id)
        methods = _methods(events, document.id)
        signed = [slot for slot in document.slots if slot.signed_at is not None]
        instrument = get_instrument(document.instrument)
        zh, en = _EDITIONS.get(document.edition, (document.edition, document.edition))
        views.append(SignedDocumentView(number, loc.pick(instrument.zh, instrument.en), loc.pick(zh, en),
                                        document.version, document.verification_code, document.latest_sha256,
                                        _moment(document.frozen_at), len(signed)))
        entries += [_entry(shown, number, slot, proven.get(slot.field), methods.get(slot.field, {}),
                           events) for slot in signed]
    return SigningRecordView(views, entries)


def _entry(shown: Shown, number: int, slot: SignatureSlot, proven: dict[str, Any] | None,
           signing: dict[str, Any], events: list[AuditEvent]) -> SignatureEntryView:
    loc, signer = shown.loc, slot.signer
    if shown.view.audience is Audience.PUBLIC:  # 第六章第1.1条: the public rendering names no natural person
        name = withheld_word(loc.lang)
    elif signer.side is not None:
        name = shown.person(signer.side, _IDENTITY_ROLES.get(signer.role, IdentityRole.MEMBER), signer.name)
    else:
        name = signer.name
    stamped = proven.get("timestamp") if proven else None
    when = _moment(datetime.fromisoformat(stamped)) if isinstance(stamped, str) else \
        loc.pick("未记录（封存早于本记录功能）", "not recorded (frozen before signing records existed)")
    return SignatureEntryView(number, name, loc.label(signer.role), loc.label(signer.side) if signer.side else "",
                              when, loc.label(_method(signing, slot, events)))


def _method(signing: dict[str, Any], slot: SignatureSlot, events: list[AuditEvent]) -> SigningMethod:
    """How the slot was signed. The browser records its second factor in a `sign_method` event for the
    document and field (browser_signing), so such an event settles it; otherwise the method the
    signature's own event records (cosigning.sign), else, for a signature recorded before either
    existed, the command line's passphrase alone."""
    if any(e.action == "sign_method" and e.detail.get("document") == slot.document_id
           and e.detail.get("field") == slot.field for e in events):
        return SigningMethod.PASSPHRASE_AND_EMAIL_CODE
    return SigningMethod(signing["method"]) if signing.get("method") else SigningMethod.PASSPHRASE


def _events(case: Case) -> list[AuditEvent]:
    from cases.models import AuditEvent  # noqa: PLC0415 - read only when a record is rendered

    session = object_session(case)
    if session is None:
        return []
    actions = ("freeze_document", "sign_document", "sign_method")
    return list(session.scalars(select(AuditEvent).where(AuditEvent.chain == case.number,
                                                         AuditEvent.action.in_(actions)).order_by(AuditEvent.seq)))


def _proven_times(events: list[AuditEvent], document_id: int) -> dict[str, dict[str, Any]]:
    """Field -> its signature's proven time-stamp, from the document's freeze event."""
    for event in events:
        if event.action == "freeze_document" and event.detail.get("document") == document_id:
            return {str(s["field"]): s for s in event.detail.get("signatures") or []}
    return {}


def _methods(events: list[AuditEvent], document_id: int) -> dict[str, dict[str, Any]]:
    """Field -> the detail of the event that signed it."""
    return {str(e.detail.get("field")): e.detail for e in events
            if e.action == "sign_document" and e.detail.get("document") == document_id}


def _moment(moment: datetime | None) -> str:
    """A moment in Beijing time (UTC+8, as the template's column heading says), to the second."""
    return "" if moment is None else f"{moment.astimezone(_BEIJING):%Y-%m-%d %H:%M:%S}"


__all__ = ["SignatureEntryView", "SignedDocumentView", "SigningRecordView", "signing_record_view"]
