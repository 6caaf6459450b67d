"""The naive way: one ``soffice --convert-to`` process per document.

Kept only as the benchmark's baseline for the pool (it pays LibreOffice's
start-up, 1-2 s, on every document). Same PDF/A options and the same output
checks, so the comparison is fair.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .checks import DOCX_IMPORT_FILTER, check_docx, check_pdf, pdf_filter_json
from .errors import ConversionError
from .procgroup import end_process_group


def _soffice() -> str:
    return shutil.which("soffice") or "/usr/bin/soffice"


def convert_naive(docx_path: Path, out_dir: Path, timeout: float, *, pdfa: bool = True) -> Path:
    """Convert ``docx_path`` into ``out_dir/<stem>.pdf`` with a fresh soffice; return that path.

    The export options use soffice's JSON filter-option syntax
    (``pdf:writer_pdf_Export:{...}``), supported since LibreOffice 7.4.
    """
    docx_path = Path(docx_path)
    name = docx_path.name
    check_docx(name, docx_path.read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{docx_path.stem}.pdf"
    target.unlink(missing_ok=True)  # soffice exits 0 even when it wrote nothing
    # Own profile: with a shared one soffice would hand the job to another
    # running instance (or refuse to start while its lock is held).
    profile = Path(tempfile.mkdtemp(prefix="casedocs-soffice-"))
    cmd = [
        _soffice(), "--headless", "--norestore", "--nologo", "--nodefault",
        f"-env:UserInstallation={profile.as_uri()}",
        f"--infilter={DOCX_IMPORT_FILTER}",  # never fall back to the plain-text filter
        "--convert-to", f"pdf:writer_pdf_Export:{pdf_filter_json(pdfa)}",
        "--outdir", str(out_dir), str(docx_path),
    ]  # fmt: skip
    try:
        output = _run(cmd, name, timeout)
        if not target.exists():
            raise ConversionError(name, f"soffice wrote no PDF; it said: {output[-500:]!r}")
        check_pdf(name, target.read_bytes())
        return target
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _run(cmd: list[str], name: str, timeout: float) -> str:
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # oosplash + soffice.bin die together on timeout
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_process_group(proc, grace=0)
        raise ConversionError(name, f"timeout after {timeout:g} s") from None
    except BaseException:
        end_process_group(proc, grace=0)
        raise
    return out.decode(errors="replace")
