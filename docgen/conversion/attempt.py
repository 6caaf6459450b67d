"""One conversion attempt on one process, under a time limit.

Sorts what can go wrong into the two cases the pool treats differently:
the *document* is bad (ConversionError: no restart, no retry) or the
*process* hung or crashed (ProcessFailure: kill, restart, retry).
"""

from __future__ import annotations

import threading
from typing import Any

from .checks import check_pdf
from .errors import ConversionError
from .process import ConverterProcess, DocumentRejected, WorkerFault, WorkerGone


class ProcessFailure(Exception):
    """The process, not the document, failed (hang or crash): restart and retry."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind  # "timeout" | "crash"
        self.reason = reason


class _Watchdog:
    """Kills a process if a conversion outlives its time limit.

    Killing the process group is the only reliable cancel: a hung LibreOffice
    (unoserver #108) ignores everything else, and the kill also closes the
    worker's pipe so the waiting thread returns at once.

    Firing and disarming exclude each other, and the kill happens under the
    same lock: once ``__exit__`` returns, ``fired`` is final and any kill is
    complete, so a late timer can never kill the process's successor.
    """

    def __init__(self, limit: float, process: ConverterProcess) -> None:
        self.fired = False
        self._disarmed = False
        self._lock = threading.Lock()
        self._process = process
        self._timer = threading.Timer(limit, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        with self._lock:
            if self._disarmed:
                return
            self.fired = True
            self._process.kill()

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._disarmed = True


def run_attempt(
    process: ConverterProcess, docx: bytes, name: str, filter_data: dict[str, Any], limit: float
) -> bytes:
    """Convert on ``process`` within ``limit`` seconds; return a checked PDF."""
    with _Watchdog(limit, process) as watchdog:
        try:
            result = process.convert(docx, filter_data)
        except DocumentRejected as exc:
            if not watchdog.fired:
                raise ConversionError(
                    name, f"invalid DOCX: LibreOffice could not load it with the Word filter ({exc})"
                ) from None
            raise _failure(process, watchdog, limit, str(exc)) from None
        except (WorkerFault, WorkerGone, OSError) as exc:
            # Any other fault (e.g. a DisposedException after soffice.bin died):
            # do not trust that LibreOffice any more.
            raise _failure(process, watchdog, limit, str(exc)) from None
    if watchdog.fired:  # the answer raced the kill: the process is dead regardless
        raise _failure(process, watchdog, limit, "")
    return check_pdf(name, result)


def _failure(
    process: ConverterProcess, watchdog: _Watchdog, limit: float, detail: str
) -> ProcessFailure:
    if watchdog.fired:
        return ProcessFailure("timeout", f"timeout after {limit:g} s")
    return ProcessFailure(
        "crash",
        f"LibreOffice crashed ({detail[:200]}; converter exit code {process.exit_code()});"
        f" log tail: {process.log_tail(3)[-300:]!r}",
    )
