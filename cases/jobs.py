"""Long work done outside a web request (rendering a whole case, issuing, signing): its record.

The record is the job's only state, whoever runs it (a thread of a web process or a Celery
worker: casedocs.jobs), so that a job page reads the same in every web worker.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base, _enum, utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))          # a registered job function (casedocs.jobs.job)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)  # ids and values, never objects
    state: Mapped[JobState] = mapped_column(_enum(JobState), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)   # 0..1
    note: Mapped[str] = mapped_column(String(300), default="")    # what it is doing now
    result: Mapped[Optional[dict[str, Any]]]
    error: Mapped[Optional[str]] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200))  # the audit actor who asked for it
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("accounts.id"))  # None: the command line
    case_number: Mapped[Optional[str]] = mapped_column(String(20), index=True)  # for access to the job page
    # Which runner holds it (host, process, boot) and when it last said it was alive.
    runner: Mapped[Optional[str]] = mapped_column(String(120))
    heartbeat_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
