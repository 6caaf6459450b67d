"""The evidence files of a monitor's update (第五章第2条: the secretariat, through its monitors, follows
the performance of the agreement and keeps what it finds). The bytes live in the content-addressed
store (cases.store), named by their sha256 only; the name the monitor gave a file is kept as a plain
name (no folder part), so no upload's name ever reaches a path. Each file's sha256 is also in the
signed text of the update, so the monitor's signature covers the evidence. Records only;
casedocs.services.monitoring makes them."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base


class MonitoringEvidence(Base):
    __tablename__ = "monitoring_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("monitoring_updates.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
