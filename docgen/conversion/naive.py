"""The way without a pool: one ``soffice --convert-to`` process per document.

Kept as the benchmark's baseline (it pays LibreOffice's start-up on every
document). Fair to it: the same PDF/A options and output checks, and the
user profile reused from one document to the next, as a user's is; a fresh
profile per document would add about a second of profile creation each.
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


def convert_naive(docx_path: Path, out_dir: Path, timeout: float, *, pdfa: bool = True,
                  profile: Path | None = None) -> Path:
    """Convert ``docx_path`` into ``out_dir/<stem>.pdf`` with a new soffice; return that path.

    ``profile`` is the user profile directory to use (and keep); None makes a
    temporary one. Never share a profile with a running LibreOffice: soffice
    would hand the job to it, or refuse to start while its lock is held.

    The export options use soffice's JSON filter-option syntax
    (``pdf:writer_pdf_Export:{...}``), supported since LibreOffice 7.4.
    """
    docx_path = Path(docx_path)
    name = docx_path.name
    check_docx(name, docx_path.read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{docx_path.stem}.pdf"
    target.unlink(missing_ok=True)  # soffice exits 0 even when it wrote nothing
    user_profile = Path(tempfile.mkdtemp(prefix="casedocs-soffice-")) if profile is None else profile
    cmd = [
        _soffice(), "--headless", "--norestore", "--nologo", "--nodefault",
        f"-env:UserInstallation={user_profile.resolve().as_uri()}",
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
        if profile is None:
            shutil.rmtree(user_profile, ignore_errors=True)


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
