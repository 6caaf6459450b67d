"""An obligor's progress reports on its obligations, with their evidence files (第五章第1条).

The obligor "积极向义务相对方及秘书处反馈方案实施的主要步骤、成果及影响义务履行的情形": each report
carries the main steps taken, the results, and the circumstances affecting performance, and goes to the
obligee and the secretariat. The evidence files' bytes live in the content-addressed store (cases.store);
their names are what the obligor called them, kept as plain names only (no folder part). Records only;
cases.procedure.obligations checks and makes them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cases.models import Base, Obligation, utcnow
from cases.vocabulary import SideRole


class ObligationReport(Base):
    __tablename__ = "obligation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"))
    side: Mapped[SideRole]                                # the obligor side that reports
    reported_by: Mapped[str] = mapped_column(String(200))  # the person, as the portal knows them
    reported_on: Mapped[date]
    steps: Mapped[str] = mapped_column(Text)
    results: Mapped[str] = mapped_column(Text)
    circumstances: Mapped[str] = mapped_column(Text, default="")  # 影响义务履行的情形, if any
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    obligation: Mapped[Obligation] = relationship()
    files: Mapped[list[ObligationReportFile]] = relationship(cascade="all, delete-orphan",
                                                             order_by="ObligationReportFile.id")


class ObligationReportFile(Base):
    __tablename__ = "obligation_report_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("obligation_reports.id"))
    original_name: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
