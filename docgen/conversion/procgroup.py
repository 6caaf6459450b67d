"""OS helpers for LibreOffice children: process groups (Linux /proc), ports, logs.

Every LibreOffice we start runs in a new session, i.e. its own process group
(unoserver or soffice → oosplash → soffice.bin). Signalling the group, not a
PID, is what guarantees that no soffice.bin is left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
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

    Only the leader gets SIGTERM: unoserver forwards it to LibreOffice and waits
    for it (gone in ~2 s), whereas SIGTERM sent to every member at once left
    soffice.bin running for 15 s and more in experiments here. ``grace=0``
    kills at once: used when LibreOffice hangs, where politeness only costs time.
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


def free_port() -> int:
    """A port the kernel considers free right now (a small race remains; see start())."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
