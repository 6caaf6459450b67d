"""OS helpers for LibreOffice children: process groups (Linux /proc), ports, logs.

Every LibreOffice we start runs in a new session, i.e. its own process group
(our worker or soffice → oosplash → soffice.bin). Signalling the group, not a
PID, is what guarantees that no soffice.bin is left behind.

A pool's directory names its owner (PID and start time), so that a later pool
can remove the directories of pools whose process died without cleaning up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

_LOG_TAIL_LINES = 15


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) PIDs whose process group is ``pgid``, read from /proc."""
    members: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # exited while we were looking
        # The command name may contain spaces and parentheses: split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            members.append(int(entry))
    return members


def process_name(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(pgid, sig)


def wait_group_gone(pgid: int, deadline: float) -> bool:
    """Poll until no member of ``pgid`` is alive; False if the deadline passed first."""
    while group_members(pgid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def end_process_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM the leader, SIGKILL the whole group after ``grace`` s, reap the leader.

    Only the leader gets SIGTERM: our worker answers it by killing its whole
    group at once (its profile is thrown away, so there is nothing to save),
    whereas SIGTERM sent to every member left soffice.bin running for 15 s and
    more in experiments here. ``grace=0`` kills at once: used when LibreOffice
    hangs, where politeness only costs time.
    """
    pgid = proc.pid  # start_new_session=True makes the child its group leader
    if grace > 0 and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        if wait_group_gone(pgid, time.monotonic() + grace):
            proc.wait()
            return
    signal_group(pgid, signal.SIGKILL)
    proc.wait()
    # soffice.bin is a grandchild; after SIGKILL it is gone within milliseconds,
    # but wait so callers can rely on "returned" meaning "dead".
    wait_group_gone(pgid, time.monotonic() + 5.0)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot: with the PID, a name that is never reused."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


_OWNER_FILE = "owner"


def claim(directory: Path) -> None:
    """Mark ``directory`` as this process's (see remove_abandoned)."""
    (directory / _OWNER_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid())}\n")


def _named_by_a_live_process(directory: Path) -> bool:
    """Whether a running process has ``directory`` on its command line (LibreOffice names its profile)."""
    needle = str(directory).encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if needle in Path(f"/proc/{entry}/cmdline").read_bytes():
                    return True
            except OSError:
                continue
    return False


def _abandoned(directory: Path) -> bool:
    try:
        pid, started = (directory / _OWNER_FILE).read_text().split()
    except (OSError, ValueError):
        # No owner: a pool of an earlier version, or one between mkdtemp and claim (a moment).
        try:
            old = time.time() - directory.stat().st_mtime > 60
        except OSError:
            return False
        return old and not _named_by_a_live_process(directory)
    return _start_time(int(pid)) != started


def remove_abandoned(parent: Path, pattern: str) -> list[Path]:
    """Delete the directories matching ``pattern`` whose owning process is gone; return them.

    A killed service (kill -9, OOM killer, power cut) leaves its pool's
    profiles behind; its LibreOffices died with it (the worker watches its parent).
    """
    removed = []
    for directory in parent.glob(pattern):
        if directory.is_dir() and _abandoned(directory):
            shutil.rmtree(directory, ignore_errors=True)
            removed.append(directory)
    return removed


def log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
