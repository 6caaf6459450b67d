"""One warm LibreOffice: an ``unoserver`` process with its own profile and ports.

The pool (pool.py) decides *when* to start, kill or recycle; this module only
knows *how*. Every unoserver runs in a new session (its own process group), so
one ``killpg`` takes down unoserver, ``oosplash`` and ``soffice.bin`` together
and nothing is orphaned.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from unoserver.client import API_VERSION, UnoClient  # type: ignore[import-untyped]

from .checks import DOCX_IMPORT_FILTER
from .errors import ConverterStartError
from .procgroup import end_process_group, free_port, group_members, log_tail, process_name

_REPO_ROOT = Path(__file__).resolve().parents[2]
_PROBE_INTERVAL = 0.1


def default_unoserver() -> Path:
    """``$CASEDOCS_UNOSERVER``, else ``<repo>/.venv-uno/bin/unoserver``.

    unoserver must run on a Python that can ``import uno`` (Debian's), which is
    why it lives in its own virtualenv and not in the project's.
    """
    configured = os.environ.get("CASEDOCS_UNOSERVER")
    if configured:
        return Path(configured)
    return _REPO_ROOT / ".venv-uno" / "bin" / "unoserver"


def _server_env(temp_dir: Path) -> dict[str, str]:
    # unoserver runs on Debian's Python: a PYTHONPATH/PYTHONHOME meant for the
    # project's interpreter would make it import the wrong packages (or none).
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    # LibreOffice's own temporary files (lu*.tmp) go where TMPDIR says; in the
    # slot's directory, those a killed process leaves are wiped at its restart.
    env["TMPDIR"] = str(temp_dir)
    return env


# --- the XML-RPC side -------------------------------------------------------


class _ProbeTransport(xmlrpc.client.Transport):
    """Transport with a socket timeout, so a half-started server cannot hang the probe."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host: Any) -> Any:
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class _PooledClient(UnoClient):  # type: ignore[misc]
    """unoserver's client, minus its connection check before every conversion.

    The stock ``_connect`` calls ``info()`` on each ``convert()`` (an extra round
    trip) and, on a refused connection, sleeps 10 s up to five times: after a
    crash that would stall a pool thread for 40 s instead of failing fast so the
    pool can restart the process. The API version is checked once, at start.
    """

    def __init__(self, port: int, info: dict[str, Any]) -> None:
        super().__init__("127.0.0.1", str(port), host_location="remote")
        self._info = info

    def _connect(self, proxy: Any, retries: int = 1, sleep: float = 0) -> dict[str, Any]:
        return self._info


# --- the process ------------------------------------------------------------


@dataclass(frozen=True)
class ProcessInfo:
    """What the pool can tell about one of its processes (for tests, logs, ops)."""

    slot: int
    unoserver_pid: int | None
    soffice_pid: int | None  # soffice.bin, the process that does the work
    member_pids: tuple[int, ...]  # the whole process group
    conversions: int  # by the current process


class UnoServerProcess:
    """One unoserver + LibreOffice, restartable; owned by one pool slot.

    Not thread-safe for conversions (the pool checks a process out to one
    thread at a time), but ``kill()`` and ``close()`` may come from any thread:
    the conversion watchdog and ``ConverterPool.close()`` use them.
    """

    def __init__(self, slot: int, unoserver: Path, base_dir: Path) -> None:
        self.slot = slot
        self.conversions = 0
        self._unoserver = unoserver
        self._dir = base_dir / f"slot-{slot}"
        self._log_path = self._dir / "unoserver.log"
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._client: _PooledClient | None = None
        self._closed = False

    # lifecycle

    def start(self, startup_timeout: float) -> None:
        """Start a fresh process and return once it answers XML-RPC.

        Retried once on "Address already in use": ports come from free_port()
        and another program may grab one before unoserver binds it.
        """
        for attempt in range(2):
            try:
                self._start_once(startup_timeout)
                return
            except OSError as exc:  # cannot exec unoserver, cannot create the profile, ...
                self.kill()
                raise ConverterStartError(
                    f"LibreOffice converter (slot {self.slot}) failed to start: {exc}"
                ) from exc
            except ConverterStartError:
                if attempt == 0 and "Address already in use" in log_tail(self._log_path, 200):
                    continue
                raise

    def _start_once(self, startup_timeout: float) -> None:
        port, uno_port = free_port(), free_port()
        while uno_port == port:
            uno_port = free_port()
        self._spawn(port, uno_port)
        info = self._wait_until_answering(port, startup_timeout)
        self._client = _PooledClient(port, info)
        self.conversions = 0

    def _spawn(self, port: int, uno_port: int) -> None:
        if not os.access(self._unoserver, os.X_OK):
            raise ConverterStartError(
                f"unoserver not found or not executable at {self._unoserver} "
                "(run scripts/setup.sh, or set CASEDOCS_UNOSERVER)"
            )
        with self._lock:
            if self._closed:
                raise ConverterStartError(f"slot {self.slot}: pool is closing")
            self._end_locked(grace=0)
            self._fresh_dirs()
            cmd = [
                str(self._unoserver),
                "--interface", "127.0.0.1", "--port", str(port),
                "--uno-interface", "127.0.0.1", "--uno-port", str(uno_port),
                # Own profile per process: two LibreOffices on one profile
                # would hand documents to each other or refuse to start.
                "--user-installation", str(self._dir / "profile"),
                "--temp-dir", str(self._dir / "tmp"),
            ]  # fmt: skip
            with self._log_path.open("wb") as log:
                self._proc = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: see module docstring
                    env=_server_env(self._dir / "tmp"),
                )

    def _fresh_dirs(self) -> None:
        # A profile left by a killed LibreOffice may be half-written or locked;
        # a new one costs nothing extra (unoserver waits 5 s at start anyway).
        for sub in ("profile", "tmp"):
            shutil.rmtree(self._dir / sub, ignore_errors=True)
            (self._dir / sub).mkdir(parents=True)

    def _wait_until_answering(self, port: int, startup_timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + startup_timeout
        url = f"http://127.0.0.1:{port}"
        while True:
            proc = self._proc
            if self._closed or proc is None:
                raise ConverterStartError(f"slot {self.slot}: pool closed during start-up")
            if proc.poll() is not None:
                self._fail_start(f"unoserver exited with code {proc.returncode} during start-up")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._fail_start(f"unoserver did not answer within {startup_timeout:g} s")
            try:
                proxy = xmlrpc.client.ServerProxy(
                    url, transport=_ProbeTransport(min(remaining, 5.0)), allow_none=True
                )
                info = cast(dict[str, Any], proxy.info())
            except (OSError, xmlrpc.client.Error):
                time.sleep(_PROBE_INTERVAL)  # not listening yet, or LibreOffice still loading
                continue
            self._check_info(info)
            return info

    def _check_info(self, info: dict[str, Any]) -> None:
        if info.get("api") != API_VERSION:
            self._fail_start(
                f"unoserver API {info.get('api')} does not match the client's API {API_VERSION}"
                " (.venv and .venv-uno have different unoserver versions)"
            )
        if DOCX_IMPORT_FILTER not in info.get("import_filters", {}):
            self._fail_start(f"LibreOffice has no {DOCX_IMPORT_FILTER!r} import filter")

    def _fail_start(self, why: str) -> None:
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
        self._proc = None
        self._client = None
        self.conversions = 0

    # state

    def is_running(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None and self._client is not None

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
            unoserver_pid=proc.pid if proc is not None else None,
            soffice_pid=soffice,
            member_pids=members,
            conversions=self.conversions,
        )

    # work

    def convert(self, docx: bytes, filter_options: list[str]) -> bytes | None:
        """One conversion, in memory both ways. Raises OSError/xmlrpc errors as they come.

        No timeout here: the pool's watchdog kills the process group, which
        closes the socket and makes this call fail promptly.
        """
        client = self._client
        if client is None:
            raise ConnectionError(f"slot {self.slot}: no running converter")
        result: bytes | None = client.convert(
            indata=docx,
            convert_to="pdf",
            filter_options=filter_options,
            infiltername=DOCX_IMPORT_FILTER,
        )
        self.conversions += 1
        return result
