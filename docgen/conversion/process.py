"""One warm LibreOffice: our UNO worker (uno_worker.py) with its own profile.

The pool (pool.py) decides *when* to start, kill or recycle; this module only
knows *how*. Every worker runs in a new session (its own process group), so one
``killpg`` takes down the worker, ``oosplash`` and ``soffice.bin`` together and
nothing is orphaned; the worker also ends its group when its parent dies.

The worker speaks one JSON line each way per document over its stdin/stdout;
the documents themselves go through files in the slot's directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import selectors
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from .checks import pdf_filter_data
from .errors import ConverterStartError
from .procgroup import end_process_group, group_members, log_tail, process_name

_REPO_ROOT = Path(__file__).resolve().parents[2]
_WORKER = Path(__file__).resolve().with_name("uno_worker.py")


def default_uno_python() -> Path:
    """``<repo>/.venv-uno/bin/python``; an installation's own is passed to the pool as ``uno_python=``.

    The worker needs a Python that can ``import uno`` (Debian's, with python3-uno),
    which is why it has its own virtualenv (with system site packages), not the project's.
    """
    return _REPO_ROOT / ".venv-uno" / "bin" / "python"


def _soffice() -> str:
    return shutil.which("soffice") or "/usr/bin/soffice"


@lru_cache(maxsize=2)
def converter_identity(pdfa: bool) -> str:
    """What the PDF made from a given DOCX depends on, besides the DOCX: the LibreOffice
    installation, our worker and the export options. A sha256, for the rendering cache.

    The installation is named without running it (a cache hit must not start LibreOffice):
    its build id and the size and time of its main library, which any upgrade replaces.
    """
    program = Path(os.path.realpath(_soffice())).parent
    digest = hashlib.sha256(str(program).encode())
    for name in ("versionrc", "libmergedlo.so"):
        path = program / name
        try:
            stat = path.stat()
        except OSError:
            digest.update(f"{name}:missing".encode())
            continue
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        if name == "versionrc":
            digest.update(path.read_bytes())
    digest.update(_WORKER.read_bytes())
    digest.update(json.dumps(pdf_filter_data(pdfa), sort_keys=True).encode())
    return digest.hexdigest()


def _worker_env(temp_dir: Path) -> dict[str, str]:
    # The worker runs on Debian's Python: a PYTHONPATH/PYTHONHOME meant for the
    # project's interpreter would make it import the wrong packages (or none).
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    # LibreOffice's own temporary files (lu*.tmp) go where TMPDIR says; in the
    # slot's directory, those a killed process leaves are wiped at its restart.
    env["TMPDIR"] = str(temp_dir)
    return env


class WorkerGone(Exception):
    """The worker's pipe closed mid-conversion: it crashed or was killed (e.g. by the watchdog)."""


class WorkerFault(Exception):
    """LibreOffice raised while converting (a disposed bridge after soffice.bin died, ...)."""


class DocumentRejected(Exception):
    """LibreOffice's Word import filter could not load the document (the document's fault)."""


@dataclass(frozen=True)
class ProcessInfo:
    """What the pool can tell about one of its processes (for tests, logs, ops)."""

    slot: int
    worker_pid: int | None  # the group leader
    soffice_pid: int | None  # soffice.bin, the process that does the work
    member_pids: tuple[int, ...]  # the whole process group
    conversions: int  # by the current process


class _LineReader:
    """Reads newline-terminated answers from the worker's stdout, with an optional deadline."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""

    def read(self, deadline: float | None = None) -> bytes | None:
        """One line without its newline; None at end of file. TimeoutError past ``deadline``."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                if deadline is not None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or not selector.select(remaining):
                        raise TimeoutError
                chunk = os.read(self._fd, 65536)
                if not chunk:
                    return None
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line


class ConverterProcess:
    """One worker + LibreOffice, restartable; owned by one pool slot.

    Not thread-safe for conversions (the pool checks a process out to one
    thread at a time), but ``kill()`` and ``close()`` may come from any thread:
    the conversion watchdog and ``ConverterPool.close()`` use them.
    """

    def __init__(self, slot: int, uno_python: Path, base_dir: Path) -> None:
        self.slot = slot
        self.conversions = 0
        self.libreoffice = ""  # version, as the running LibreOffice reports it
        self._uno_python = uno_python
        self._dir = base_dir / f"slot-{slot}"
        self._log_path = self._dir / "worker.log"
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        # Ended processes whose pipes may still be read by a converting thread (the watchdog
        # kills from another thread): closed at the next start, never under a reader.
        self._retired: list[subprocess.Popen[bytes]] = []
        self._reader: _LineReader | None = None
        self._pipe: str | None = None
        self._soffice_pid: int | None = None
        self._closed = False

    # lifecycle

    def start(self, startup_timeout: float) -> None:
        """Start a fresh worker and return once LibreOffice answers over UNO."""
        try:
            self._spawn(startup_timeout)
            self._wait_until_ready(startup_timeout)
        except OSError as exc:  # cannot exec the worker, cannot create the profile, ...
            self.kill()
            raise ConverterStartError(
                f"LibreOffice converter (slot {self.slot}) failed to start: {exc}"
            ) from exc

    def _spawn(self, startup_timeout: float) -> None:
        if not os.access(self._uno_python, os.X_OK):
            raise ConverterStartError(
                f"no Python that can import uno at {self._uno_python} "
                "(run scripts/setup.sh, or set CASEDOCS_UNO_PYTHON)"
            )
        with self._lock:
            if self._closed:
                raise ConverterStartError(f"slot {self.slot}: pool is closing")
            self._end_locked(grace=0)
            for old in self._retired:
                for pipe in (old.stdin, old.stdout):
                    if pipe is not None:
                        pipe.close()
            self._retired.clear()
            self._fresh_dirs()
            self._pipe = f"casedocs-{os.getpid()}-{self.slot}-{secrets.token_hex(4)}"
            cmd = [
                str(self._uno_python), str(_WORKER),
                "--soffice", _soffice(),
                # Own profile per process: two LibreOffices on one profile
                # would hand documents to each other or refuse to start.
                "--profile", (self._dir / "profile").as_uri(),
                "--pipe", self._pipe,
                "--startup-timeout", f"{startup_timeout:g}",
                "--parent", str(os.getpid()),
            ]  # fmt: skip
            with self._log_path.open("wb") as log:
                self._proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    bufsize=0,
                    start_new_session=True,  # own process group: see module docstring
                    env=_worker_env(self._dir / "tmp"),
                )
            assert self._proc.stdout is not None
            self._reader = _LineReader(self._proc.stdout.fileno())

    def _fresh_dirs(self) -> None:
        # A profile left by a killed LibreOffice may be half-written or locked;
        # a new one costs ~1 s of the start-up, which happens rarely.
        for sub in ("profile", "tmp"):
            shutil.rmtree(self._dir / sub, ignore_errors=True)
            (self._dir / sub).mkdir(parents=True)

    def _wait_until_ready(self, startup_timeout: float) -> None:
        proc, reader = self._proc, self._reader
        if self._closed or proc is None or reader is None:
            raise ConverterStartError(f"slot {self.slot}: pool closed during start-up")
        try:
            line = reader.read(time.monotonic() + startup_timeout)
        except TimeoutError:
            self._fail_start(f"LibreOffice did not answer within {startup_timeout:g} s")
        if line is None:
            code = proc.wait()
            self._fail_start(f"the converter exited with code {code} during start-up")
        try:
            ready: dict[str, Any] = json.loads(line)
        except ValueError:
            self._fail_start(f"the converter said {line[:200]!r} instead of ready")
        self._soffice_pid = int(ready["soffice_pid"])
        self.libreoffice = str(ready["libreoffice"])
        self.conversions = 0

    def _fail_start(self, why: str) -> NoReturn:
        self.kill()
        raise ConverterStartError(
            f"LibreOffice converter (slot {self.slot}) failed to start: {why}\n"
            f"--- {self._log_path} (tail) ---\n{log_tail(self._log_path)}"
        )

    def kill(self) -> None:
        """Kill the process group now (hung or crashed LibreOffice). Idempotent."""
        with self._lock:
            self._end_locked(grace=0)

    def close(self, grace: float = 3.0) -> None:
        """End the process for good and delete its profile; later start() calls fail."""
        with self._lock:
            self._closed = True
            self._end_locked(grace=grace)
        shutil.rmtree(self._dir, ignore_errors=True)

    def _end_locked(self, grace: float) -> None:
        if self._proc is not None:
            end_process_group(self._proc, grace)
            self._retired.append(self._proc)
        if self._pipe is not None:  # LibreOffice's socket file for the UNO pipe, always in /tmp
            Path(f"/tmp/OSL_PIPE_{os.getuid()}_{self._pipe}").unlink(missing_ok=True)
            self._pipe = None
        self._proc = None
        self._reader = None
        self._soffice_pid = None
        self.conversions = 0

    # state

    def is_running(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None and self._reader is not None

    def exit_code(self) -> int | None:
        proc = self._proc
        return None if proc is None else proc.poll()

    def log_tail(self, lines: int = 5) -> str:
        return log_tail(self._log_path, lines)

    def info(self) -> ProcessInfo:
        proc = self._proc
        members = tuple(group_members(proc.pid)) if proc is not None else ()
        soffice = next((pid for pid in members if process_name(pid) == "soffice.bin"), None)
        return ProcessInfo(
            slot=self.slot,
            worker_pid=proc.pid if proc is not None else None,
            soffice_pid=soffice,
            member_pids=members,
            conversions=self.conversions,
        )

    # work

    def convert(self, docx: bytes, filter_data: dict[str, Any]) -> bytes:
        """One conversion through files in the slot's directory.

        No timeout here: the pool's watchdog kills the process group, which
        closes the pipe and makes this call raise WorkerGone promptly.
        Raises DocumentRejected, WorkerFault or WorkerGone.
        """
        proc, reader = self._proc, self._reader
        if proc is None or proc.stdin is None or reader is None:
            raise WorkerGone(f"slot {self.slot}: no running converter")
        job = self._dir / "tmp" / f"job-{self.conversions}"
        source, target = job.with_suffix(".docx"), job.with_suffix(".pdf")
        source.write_bytes(docx)
        request = {"in": str(source), "out": str(target), "filter": filter_data}
        try:
            try:
                proc.stdin.write(json.dumps(request).encode() + b"\n")
                line = reader.read()
            except (OSError, ValueError):  # broken pipe, or pipes closed by a kill
                line = None
            if line is None:
                raise WorkerGone(f"the converter ended (exit code {proc.poll()})")
            answer: dict[str, Any] = json.loads(line)
            if answer.get("error") == "load":
                raise DocumentRejected(str(answer.get("detail", "")))
            if not answer.get("ok"):
                raise WorkerFault(str(answer.get("detail", answer)))
            self.conversions += 1
            return target.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
