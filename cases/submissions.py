"""What a web request that changes the record answered, by the key its sender gave it, so that a
retry is answered again instead of done again (issue 10: a form sent twice by a double click or a
reload, an API call retried after a lost answer must not file two cases or take an act twice).

The key comes from the request: the hidden `submission` field every console form carries, or the
API's `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header). The row is written in
the same transaction as the act it answers for: either both are in the record or neither is, and
two copies of one request sent at once cannot both pass the unique (account, key) constraint.
Records only; casedocs.services.submissions reads and writes them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base, utcnow


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    key: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(100))      # the endpoint it was sent to
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of what was sent: a key reused for another request is refused
    status: Mapped[int] = mapped_column(Integer)          # what was answered
    location: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
