"""Named points where the crash test (tests/test_crash_safety.py) has a command killed.

A signing act is safe only if a SIGKILL at any moment leaves a record the next command can work
with (issue 9). Killing from outside after a delay lands wherever the clock says; the narrow
windows that matter (the new revision stored but not yet recorded, recorded but not yet
committed) last microseconds and would almost never be hit. So the acts name those windows, and
the test writes a plan naming one: the process kills itself there with SIGKILL — the same death
as `kill -9`, with no handler or `finally` run.

The plan is a file whose path comes only from Settings (``CASEDOCS_CRASH_POINTS``), so that
nothing in a data directory can arm it; unset, `reach` returns at once. One line per point,
``name`` or ``name N`` (die on the N-th time the point is reached, default the first).
"""
from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from pathlib import Path


class CrashPoints:
    """The armed points of this process (none without a plan)."""

    def __init__(self, plan: Path | None = None) -> None:
        self._plan = plan
        self._targets: dict[str, int] | None = None
        self._reached: Counter[str] = Counter()
        self._lock = threading.Lock()

    def reach(self, name: str) -> None:
        """Die here if the plan names this point (and this is the time it names)."""
        if self._plan is None:
            return
        with self._lock:
            if self._targets is None:
                self._targets = _read_plan(self._plan)
            self._reached[name] += 1
            if self._targets.get(name) == self._reached[name]:
                os.kill(os.getpid(), signal.SIGKILL)


def _read_plan(plan: Path) -> dict[str, int]:
    try:
        lines = plan.read_text().splitlines()
    except FileNotFoundError:
        return {}
    targets = {}
    for line in lines:
        name, _, count = line.strip().partition(" ")
        if name:
            targets[name] = int(count) if count.strip() else 1
    return targets


NO_CRASH_POINTS = CrashPoints()
