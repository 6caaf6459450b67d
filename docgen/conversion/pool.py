"""A pool of warm LibreOffice processes with a queue in front.

One LibreOffice converts one document at a time (two clients on one soffice
took as long as one, measured), so parallelism means N independent processes
and a thread-safe checkout of idle ones. This module owns that checkout and
the policy around it: time limits, restart after a hang or crash, retry,
recycling after N conversions, clean shutdown, and removing what pools whose
process died left behind.
"""

from __future__ import annotations

import atexit
import logging
import queue
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from .attempt import ProcessFailure, run_attempt
from .checks import check_docx, pdf_filter_data
from .errors import ConversionError, ConverterStartError
from .process import ConverterProcess, ProcessInfo, default_uno_python
from .procgroup import claim, remove_abandoned

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolStats:
    """A snapshot of the pool's counters (for the benchmark and the logs)."""

    conversions: int  # successful conversions
    failures: int  # ConversionErrors raised to callers
    retries: int  # extra attempts after a timeout or crash
    restarts: int  # processes replaced because they hung, crashed or were interrupted
    timeouts: int
    crashes: int
    recycles: int  # processes replaced after max_conversions_per_process
    per_process: tuple[int, ...]  # conversions by each slot's current process
    per_slot: tuple[int, ...]  # conversions by each slot since the pool started


class ConverterPool:
    """``size`` warm LibreOffice processes converting DOCX to PDF/A-2b.

    ``timeout`` limits one conversion attempt, counted from the moment a
    process is checked out (waiting for a free process does not count).
    ``retries`` is how many more attempts a document gets after its process
    hung or crashed; a document LibreOffice cannot read is not retried.
    """

    def __init__(
        self,
        size: int,
        timeout: float,
        work_dir: Path,
        *,
        max_conversions_per_process: int = 200,
        retries: int = 1,
        uno_python: Path | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        if timeout <= 0 or startup_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if max_conversions_per_process < 1 or retries < 0:
            raise ValueError("max_conversions_per_process >= 1 and retries >= 0 required")
        self.size = size
        self.timeout = timeout
        self._work_dir = Path(work_dir)
        self._max_conversions = max_conversions_per_process
        self._retries = retries
        self._uno_python = uno_python or default_uno_python()
        self._startup_timeout = startup_timeout
        self._lock = threading.Lock()
        self._idle: queue.Queue[ConverterProcess] = queue.Queue()
        self._processes: list[ConverterProcess] = []
        self._restarters: set[threading.Thread] = set()
        self._base_dir: Path | None = None
        self._started = False
        self._closed = False
        self._counts = dict.fromkeys(
            ("conversions", "failures", "retries", "restarts", "timeouts", "crashes", "recycles"),
            0,
        )
        self._per_slot = [0] * size

    # --- lifecycle ------------------------------------------------------------

    def start(self) -> ConverterPool:
        """Start every process in parallel; return when all answer, or raise ConverterStartError."""
        with self._lock:
            if self._closed:
                raise RuntimeError("a closed ConverterPool cannot be restarted")
            if self._started:
                return self
            self._started = True
        self._work_dir.mkdir(parents=True, exist_ok=True)
        for stale in remove_abandoned(self._work_dir, "lo-pool-*"):
            log.warning("removed %s, left by a converter pool whose process died", stale)
        self._base_dir = Path(tempfile.mkdtemp(prefix="lo-pool-", dir=self._work_dir))
        claim(self._base_dir)
        self._processes = [
            ConverterProcess(slot, self._uno_python, self._base_dir) for slot in range(self.size)
        ]
        _register(self)
        errors = self._start_all()
        if errors:
            self.close()
            raise errors[0]
        for process in self._processes:
            self._idle.put(process)
        log.info(
            "converter pool started: %d LibreOffice processes in %s", self.size, self._base_dir
        )
        return self

    def _start_all(self) -> list[ConverterStartError]:
        errors: list[ConverterStartError] = []

        def start_one(process: ConverterProcess) -> None:
            try:
                process.start(self._startup_timeout)
            except ConverterStartError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=start_one, args=(p,)) for p in self._processes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    def close(self) -> None:
        """Terminate every process (whole process groups) and delete the profiles. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            restarters = list(self._restarters)
        _run_in_parallel([p.close for p in self._processes])  # each graceful stop takes ~2 s
        for thread in restarters:
            thread.join(timeout=10)  # they see the closed process at their next 0.1 s poll
        if self._base_dir is not None:
            shutil.rmtree(self._base_dir, ignore_errors=True)
        _unregister(self)

    def __enter__(self) -> ConverterPool:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- observation ----------------------------------------------------------

    @property
    def stats(self) -> PoolStats:
        with self._lock:
            return PoolStats(
                **self._counts,
                per_process=tuple(p.conversions for p in self._processes),
                per_slot=tuple(self._per_slot),
            )

    def processes(self) -> list[ProcessInfo]:
        """PIDs and counters of every slot's current process."""
        return [process.info() for process in self._processes]

    def wait_until_ready(self, timeout: float) -> bool:
        """Wait until every process is idle and running (no restart under way).

        For readiness checks, and for benchmarks and tests that must not
        measure a restart left over from earlier work. False on timeout.
        """
        deadline = time.monotonic() + timeout
        while not self._all_idle_and_running():
            if self._closed or time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def _all_idle_and_running(self) -> bool:
        return self._idle.qsize() == self.size and all(p.is_running() for p in self._processes)

    def _count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self._counts[key] += n

    # --- conversion -----------------------------------------------------------

    def convert(
        self, docx: bytes, *, name: str, pdfa: bool = True, timeout: float | None = None
    ) -> bytes:
        """Convert one DOCX to PDF (PDF/A-2b unless ``pdfa=False``). Thread-safe; blocks
        until a process is free. ``timeout`` overrides the pool's limit for this call.

        Raises ConversionError naming ``name`` after the retries are used up.
        """
        limit = self.timeout if timeout is None else timeout
        try:
            check_docx(name, docx)
            return self._convert_with_retries(docx, name, pdf_filter_data(pdfa), limit)
        except ConversionError:
            self._count("failures")
            raise

    def _convert_with_retries(
        self, docx: bytes, name: str, options: dict[str, Any], limit: float
    ) -> bytes:
        failure: ProcessFailure | None = None
        for attempt in range(1 + self._retries):
            if failure is not None:
                self._count("retries")
                log.warning("retrying %r after %s (attempt %d)", name, failure.reason, attempt + 1)
            process = self._checkout(name)
            try:
                pdf = run_attempt(process, docx, name, options, limit)
            except ProcessFailure as exc:
                failure = exc
                self._replace(process, exc.kind)
                continue
            except ConversionError:
                self._release(process)  # the document failed; the process is fine
                raise
            except BaseException:
                # Interrupted mid-conversion: LibreOffice may still be busy with
                # the document, so do not hand it to the next caller.
                self._replace(process, "interrupted")
                raise
            with self._lock:
                self._per_slot[process.slot] += 1
            self._release(process)
            self._count("conversions")
            return pdf
        assert failure is not None
        retried = "1 retry" if self._retries == 1 else f"{self._retries} retries"
        raise ConversionError(name, f"{failure.reason} (after {retried})")

    # --- checkout / release ---------------------------------------------------

    def _checkout(self, name: str) -> ConverterProcess:
        """Take an idle, running process; wait while all are busy or restarting."""
        while True:
            if self._closed or not self._started:
                raise ConversionError(name, "the converter pool is not running")
            try:
                process = self._idle.get(timeout=0.5)  # wake up now and then to see close()
            except queue.Empty:
                continue
            if process.is_running():
                return process
            if process.exit_code() is not None:
                # Died while idle (crash, OOM killer, someone's kill): replace it in
                # the background and try the next idle one.
                self._replace(process, "crash")
                continue
            # A restart that failed earlier left it stopped: try once more here,
            # and let the caller see why if LibreOffice still will not start.
            try:
                process.start(self._startup_timeout)
            except ConverterStartError as exc:
                self._idle.put(process)
                raise ConversionError(name, f"LibreOffice could not be started: {exc}") from None
            return process

    def _release(self, process: ConverterProcess) -> None:
        if process.conversions >= self._max_conversions:
            self._replace(process, "recycle")  # LibreOffice's memory only grows
        else:
            self._idle.put(process)

    def _replace(self, process: ConverterProcess, kind: str) -> None:
        """Kill ``process`` now and start a fresh one in the background.

        In the background so that the retry (or the next caller) can use another
        idle process meanwhile; LibreOffice needs 1-2 s to come up.
        """
        process.kill()
        with self._lock:
            if kind == "recycle":
                self._counts["recycles"] += 1
            else:
                self._counts["restarts"] += 1
            if kind == "timeout":
                self._counts["timeouts"] += 1
            elif kind == "crash":
                self._counts["crashes"] += 1
            if self._closed:
                return
            thread = threading.Thread(
                target=self._restart,
                args=(process,),
                name=f"lo-restart-{process.slot}",
                daemon=True,
            )
            self._restarters.add(thread)
        log.warning("replacing LibreOffice in slot %d (%s)", process.slot, kind)
        thread.start()

    def _restart(self, process: ConverterProcess) -> None:
        try:
            process.start(self._startup_timeout)
        except ConverterStartError as exc:
            # Left stopped; _checkout tries again and reports to a caller.
            if not self._closed:
                log.error("%s", exc)
        finally:
            self._idle.put(process)
            with self._lock:
                self._restarters.discard(threading.current_thread())

    # --- batches --------------------------------------------------------------

    def convert_many(
        self, items: Iterable[tuple[str, bytes]], *, pdfa: bool = True
    ) -> Iterator[tuple[str, bytes]]:
        """Convert ``(name, docx)`` pairs in parallel; yield ``(name, pdf)`` **in input order**.

        Input order keeps batches reproducible (page numbering of a bundle, audit
        logs) at little cost: documents of one batch take similar time. At most
        2 × size documents are in flight, so a long batch is not held in memory.
        Raises the ConversionError of the first failing document in input order,
        after yielding everything before it; the rest of the batch is abandoned.
        """
        window = 2 * self.size
        pending: deque[tuple[str, Future[bytes]]] = deque()
        executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="lo-convert")
        try:
            for name, docx in items:
                pending.append((name, executor.submit(self.convert, docx, name=name, pdfa=pdfa)))
                if len(pending) >= window:
                    yield _next_result(pending)
            while pending:
                yield _next_result(pending)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def _run_in_parallel(calls: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=call) for call in calls]
    try:
        for thread in threads:
            thread.start()
    except RuntimeError:
        # No new threads at interpreter shutdown (atexit, Python >= 3.12): go one by one.
        for call, thread in zip(calls, threads, strict=True):
            if thread.ident is None:
                call()
    for thread in threads:
        if thread.ident is not None:
            thread.join()


def _next_result(pending: deque[tuple[str, Future[bytes]]]) -> tuple[str, bytes]:
    name, future = pending.popleft()
    return name, future.result()


# Pools still open at interpreter exit are closed here, so no LibreOffice
# outlives the Python process that started it. Strong references on purpose:
# an open pool owns OS processes, so dropping the last reference to it without
# close() must not make it (and them) unreachable from here.
_LIVE_POOLS: set[ConverterPool] = set()
_LIVE_POOLS_LOCK = threading.Lock()


def _register(pool: ConverterPool) -> None:
    with _LIVE_POOLS_LOCK:
        _LIVE_POOLS.add(pool)


def _unregister(pool: ConverterPool) -> None:
    with _LIVE_POOLS_LOCK:
        _LIVE_POOLS.discard(pool)


@atexit.register
def _close_live_pools() -> None:
    with _LIVE_POOLS_LOCK:
        pools = list(_LIVE_POOLS)
    for pool in pools:
        pool.close()
