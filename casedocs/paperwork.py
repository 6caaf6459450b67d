"""A case's paperwork on disk: every instrument that applies, every edition, with manifest.json."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from docgen.service import FORMATS, Rendered


def write_paperwork(docs, cases: list, out: Path,  # type: ignore[no-untyped-def, type-arg]
                    after_case: Callable[..., list[dict[str, object]]] | None = None) -> dict:
    """Render everything that applies to each case into `out` and write one manifest.

    With several cases (the demo's), each case's files go under a folder named by its number.
    `after_case(case, results, folder)` may add entries (the demo seals and signs there).
    """
    documents = []
    out.mkdir(parents=True, exist_ok=True)
    for case in cases:
        requests = docs.requests_for(case)
        with click.progressbar(length=len(requests) * len(FORMATS), label=case.number, file=sys.stderr) as bar:
            results = docs.render_many(case, requests, FORMATS, progress=bar.update)
        folder = Path(case.number) if len(cases) > 1 else Path()
        for rendered in results:
            documents += _write(out, folder, case.number, rendered)
        if after_case is not None:
            documents += after_case(case, results, folder)
    manifest = {"case": cases[0].number, "documents": documents}
    if len(cases) > 1:
        manifest["cases"] = [c.number for c in cases]
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _write(out: Path, folder: Path, number: str, rendered: Rendered) -> list[dict[str, object]]:
    entries = []
    for fmt, data, version in (("docx", rendered.docx, rendered.docx_version),
                               ("pdf", rendered.pdf, rendered.pdf_version)):
        if data is None or version is None:
            continue
        relative = folder / rendered.request.edition.value / f"{rendered.name.rsplit('.', 1)[0]}.{fmt}"
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(data)
        entries.append({"case": number, "instrument": rendered.request.instrument, "subject": rendered.request.subject or None,
                        "lang": rendered.request.edition.value, "format": fmt, "path": relative.as_posix(),
                        "sha256": version.sha256, "version": rendered.version,
                        "verification_code": rendered.code})
    return entries
