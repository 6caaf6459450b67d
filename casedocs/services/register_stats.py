"""The register's statistics and its transparency log (issue 13).

Statistics: the registered cases by stage, path and outcome; the working days each stage took (on the
official calendar, cases.timelimits: PROCEDURE.md §3 counts in working days) as median and spread;
and how often the time limits of registered cases were met (cases.tracker.status). Only registered
cases count: a statistic of unpublished cases would publish something of them.

Checkpoints: for each registered case, the latest signed checkpoint of its audit chain
(casedocs.checkpoints) — length, head hash, time and Ed25519 signature, self-contained JSON — and the
key that signs them, so that anyone who saved an earlier copy can show a chain was not cut short or
rewritten. A chain of a case not on the register is not listed (nor the "system" chain).
"""
from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import Case, Deadline
from cases.tracker import status as deadline_status
from cases.vocabulary import DeadlineStatus, Path, Stage
from casedocs.checkpoints import Checkpoints, key_id
from casedocs.services.register import Outcome, PublicCase, published


@dataclass(frozen=True)
class Spread:
    """Working days one stage took, over the cases that left it."""

    stage: Stage
    count: int
    median: float
    low: int       # the fewest
    q1: float
    q3: float
    high: int      # the most


@dataclass(frozen=True)
class DeadlineRecord:
    met: int
    missed: int   # done after the due date
    overdue: int  # still open past the due date
    lapsed: int   # a party's time ran out (the procedure moved on without its act)
    pending: int

    @property
    def judged(self) -> int:
        return self.met + self.missed + self.overdue

    @property
    def met_share(self) -> float | None:
        """Met of those done or due: None when none is."""
        return self.met / self.judged if self.judged else None


@dataclass(frozen=True)
class Stats:
    cases: int
    by_stage: list[tuple[Stage, int]]
    by_path: list[tuple[Path | None, int]]
    by_outcome: list[tuple[Outcome, int]]
    stage_days: list[Spread]
    deadlines: DeadlineRecord


def _spread(stage: Stage, days: Sequence[int]) -> Spread:
    ordered = sorted(days)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = float(ordered[0])
    return Spread(stage, len(ordered), float(statistics.median(ordered)), ordered[0], q1, q3, ordered[-1])


def stats(session: Session, cases: Sequence[PublicCase], today: date) -> Stats:
    """The register's statistics from its cases (casedocs.services.register.register). Caller's session,
    one query (the registered cases' deadlines)."""
    by_stage = Counter(c.stage for c in cases)
    by_path = Counter(c.path for c in cases)
    by_outcome = Counter(c.outcome for c in cases)
    days: dict[Stage, list[int]] = {}
    for case in cases:
        for span in case.stages:
            if span.working_days is not None:
                days.setdefault(span.stage, []).append(span.working_days)
    deadlines = session.scalars(select(Deadline).join(Case, Case.id == Deadline.case_id).where(published())).all()
    counted = Counter(deadline_status(d, today) for d in deadlines)
    record = DeadlineRecord(counted[DeadlineStatus.MET], counted[DeadlineStatus.MISSED], counted[DeadlineStatus.OVERDUE],
                            counted[DeadlineStatus.LAPSED], counted[DeadlineStatus.PENDING])
    return Stats(len(cases), [(s, by_stage[s]) for s in Stage if by_stage[s]],
                 [(p, by_path[p]) for p in [*Path, None] if by_path[p]],
                 [(o, by_outcome[o]) for o in Outcome if by_outcome[o]],
                 [_spread(s, days[s]) for s in Stage if s in days], record)


def checkpoints_document(checkpoints: Checkpoints, numbers: Sequence[str]) -> dict[str, Any]:
    """/register/checkpoints.json: the signing key (its id, PEM, and its certificate from the mechanism's
    CA once certified) and the latest checkpoint of each registered case's chain, as stored. No session."""
    registered = set(numbers)
    public = checkpoints.public_key()
    certificate = checkpoints.certificate()
    latest = sorted((c for c in checkpoints.latest() if c.chain in registered), key=lambda c: c.chain)
    return {
        "key": {"id": key_id(public), "algorithm": "Ed25519",
                "public_key_pem": public.public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii"),
                "certificate_pem": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
                if certificate is not None else None},
        "how_to_verify": "Ed25519 signature (base64) over the canonical JSON of every field but `signature` "
                         "(keys sorted, no spaces, UTF-8), with the key whose sha256 of its raw 32 bytes is `key`.",
        "checkpoints": [{"case": c.chain, **c.to_json()} for c in latest],
    }
