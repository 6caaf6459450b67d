"""A frozen agreement put in the record as the signing desk leaves it (SignedDocument, its signers' slots
filled, state frozen), for tests that render the signing record (issue 12) without running the desk:
the template and leak tests. The desk itself, with real signatures, is tested in test_signing_record.py."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from cases.lifecycle import DocumentKind, DocumentState
from cases.models import Case, SignatureSlot, SignedDocument, Signer, utcnow
from cases.vocabulary import SideRole, SignerRole


def frozen_agreement(session: Session, case: Case, people: list[tuple[SideRole, SignerRole, str]],
                     on: date) -> SignedDocument:
    """A zh agreement document of `case`, signed by `people` (side, role, name) and frozen."""
    document = SignedDocument(case_id=case.id, instrument="agreement", subject=None, edition="zh", version=1,
                              verification_code="ABCD2345EF", kind=DocumentKind.CO_SIGNED, state=DocumentState.FROZEN,
                              revision=len(people) + 2, latest_sha256="a" * 64, frozen_at=utcnow())
    for n, (side, role, name) in enumerate(people, start=1):
        signer = Signer(person_id=f"P-{case.number}-{n}", case_id=case.id, side=side, role=role, name=name,
                        certificate_serial=str(n), enrolled_on=on, enrolled_by="officer.test")
        document.slots.append(SignatureSlot(field=f"sig-{side.value}-{n}", signer=signer, signed_at=utcnow(),
                                            revision=n + 1))
    session.add(document)
    session.flush()
    return document
