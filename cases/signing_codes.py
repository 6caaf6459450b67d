"""One-time email codes: the second factor of a signature given in the browser (issue 12, "Co-signing
in the browser": the person confirms having read the document, a code is mailed, they enter it with
their passphrase). A code is bound to one account, one document and the revision the person read; it
expires, works once and allows a few wrong tries. Only its keyed digest is kept. Records only;
casedocs.services.browser_signing makes and checks them."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base, utcnow


class SigningCode(Base):
    __tablename__ = "signing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("signed_documents.id"))
    person_id: Mapped[str] = mapped_column(String(80))
    read_sha256: Mapped[str] = mapped_column(String(64))  # the revision the person confirmed having read
    digest: Mapped[str] = mapped_column(String(64))        # HMAC-SHA256 of the code under the installation key
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(Integer, default=0)  # wrong codes entered
    used_at: Mapped[Optional[datetime]]                     # claimed by a signature (or replaced by a newer code)
