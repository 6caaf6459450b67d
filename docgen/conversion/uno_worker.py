"""One warm LibreOffice, driven over UNO: the program each pool slot runs.

Runs under a Python that can ``import uno`` (Debian's, via ``.venv-uno``), so it
uses the standard library only and never imports the project. It starts
``soffice`` in its own process group, then reads one JSON request per line on
stdin and answers one JSON line on stdout::

    {"in": "/slot/tmp/1.docx", "out": "/slot/tmp/1.pdf", "filter": {"SelectPdfVersion": 2}}
    -> {"ok": true}  |  {"error": "load" | "uno", "detail": "..."}

Why not unoserver's converter (measured on the 46 sample documents, 2 cores):
it loads into the ``_default`` frame without ``Hidden`` and refreshes every
document twice (about 0.04 CPU-seconds per document of 0.17), and its server
sleeps 7 s at start. Files, not XML-RPC base64, carry the documents: both
processes are on the same machine.

It ends its process group (itself, oosplash, soffice.bin) when its parent dies,
whatever the parent died of (issue 9: no LibreOffice outlives the service).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import uno  # only on the uno-capable Python; uno and com.sun.star have no stubs (pyproject.toml)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.io import IOException
from com.sun.star.lang import IllegalArgumentException

DOCX_IMPORT_FILTER = "MS Word 2007 XML"  # same as checks.DOCX_IMPORT_FILTER (no project imports here)
PDF_EXPORT_FILTER = "writer_pdf_Export"


def _prop(name: str, value: Any) -> Any:
    return PropertyValue(Name=name, Value=value)


_pipe_file: str | None = None  # LibreOffice's socket for the UNO pipe; it stays in /tmp after a kill


def _end_group() -> None:
    if _pipe_file is not None:
        with contextlib.suppress(OSError):
            os.unlink(_pipe_file)
    os.killpg(0, signal.SIGKILL)  # ourselves included: nothing of this slot survives


def _watch_parent(parent: int) -> None:
    """Poll: PR_SET_PDEATHSIG would not reach soffice.bin (oosplash forks it and fork clears it)."""
    while os.getppid() == parent:
        time.sleep(0.2)
    _end_group()


def _start_soffice(soffice: str, profile: str, pipe: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
            "--nofirststartwizard", "--norestore", f"-env:UserInstallation={profile}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=sys.stderr,  # the slot's log; stdout is the protocol
        stderr=sys.stderr,
    )  # fmt: skip


def _connect(pipe: str, soffice: subprocess.Popen[bytes], timeout: float) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if soffice.poll() is not None:
                raise SystemExit(f"soffice exited with code {soffice.returncode} during start-up") from None
            if time.monotonic() > deadline:
                raise SystemExit(f"soffice did not accept a UNO connection within {timeout:g} s") from None
            time.sleep(0.05)


def _version(context: Any) -> str:
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context
    )
    node = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess", (_prop("nodepath", "/org.openoffice.Setup/Product"),)
    )
    return str(node.getByName("ooSetupVersionAboutBox"))


def _filter_data(options: dict[str, Any]) -> Any:
    return uno.Any("[]com.sun.star.beans.PropertyValue", tuple(_prop(k, v) for k, v in options.items()))


def _convert(desktop: Any, request: dict[str, Any]) -> dict[str, Any]:
    load = (_prop("ReadOnly", True), _prop("Hidden", True), _prop("FilterName", DOCX_IMPORT_FILTER))
    try:
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["in"]), "_blank", 0, load)
    except (IOException, IllegalArgumentException) as exc:  # the document's fault, not the process's
        return {"error": "load", "detail": f"{type(exc).__name__}: {exc.Message}"[:500]}
    if document is None:
        return {"error": "load", "detail": "LibreOffice could not load it with the Word filter"}
    try:
        indexes = document.getDocumentIndexes()
        if indexes.getCount():  # tables of contents: page numbers need the laid-out document
            for index in range(indexes.getCount()):
                indexes.getByIndex(index).update()
        store = (
            _prop("FilterName", PDF_EXPORT_FILTER),
            _prop("Overwrite", True),
            _prop("FilterData", _filter_data(request["filter"])),
        )
        document.storeToURL(uno.systemPathToFileUrl(request["out"]), store)
    finally:
        document.close(True)
    return {"ok": True}


def _answer(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--profile", required=True, help="file:// URL of the profile directory")
    parser.add_argument("--pipe", required=True, help="UNO pipe name, unique on the machine")
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    parser.add_argument("--parent", type=int, required=True,
                        help="the pool's PID: when it is gone, so is this slot")
    args = parser.parse_args()
    global _pipe_file
    _pipe_file = f"/tmp/OSL_PIPE_{os.getuid()}_{args.pipe}"
    # SIGTERM (pool close, timeout) ends the whole group at once: the profile is thrown away,
    # so there is nothing for a graceful LibreOffice shutdown to save.
    signal.signal(signal.SIGTERM, lambda *_: _end_group())
    # The parent's PID comes from the parent: reading getppid() here, after the slow `import uno`,
    # would already see init's (or a subreaper's) if the parent was killed in between.
    threading.Thread(target=_watch_parent, args=(args.parent,), daemon=True).start()
    try:
        _serve(args)
    finally:  # a dead pipe to the parent, a failed start, stdin closed: the slot ends whole
        _end_group()


def _serve(args: argparse.Namespace) -> None:
    soffice = _start_soffice(args.soffice, args.profile, args.pipe)
    context = _connect(args.pipe, soffice, args.startup_timeout)
    manager = context.ServiceManager
    desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    filters = manager.createInstanceWithContext("com.sun.star.document.FilterFactory", context)
    if not filters.hasByName(DOCX_IMPORT_FILTER):
        raise SystemExit(f"LibreOffice has no {DOCX_IMPORT_FILTER!r} import filter")
    _answer({"ready": True, "libreoffice": _version(context), "soffice_pid": soffice.pid})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = _convert(desktop, request)
        except Exception as exc:  # a UNO exception: report it, the parent decides (it restarts us)
            answer = {"error": "uno", "detail": f"{type(exc).__name__}: {exc}"[:500]}
        _answer(answer)
    # stdin closed: the pool is done with this slot (main ends the group)


if __name__ == "__main__":
    main()
