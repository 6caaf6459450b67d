"""Rendering through docgen's DocumentService: one instrument, or a case's whole paperwork on disk."""
from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.instruments import subject_text
from cases.models import Case
from cases.store import BlobStore
from docgen.cache import RenderCache
from docgen.locale import DEFAULT_HANT_VARIANT
from docgen.qr import DEFAULT_PUBLIC_URL
from docgen.service import FORMATS, Converter, DocumentService, Rendered, Request, TemplateSet

# (label, total) -> a context giving the function to call with each step done (a progress bar).
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]
# (case, its renderings, its folder) -> more manifest entries (the demo seals and signs there).
AfterCase = Callable[[Case, list[Rendered], Path], list[dict[str, object]]]


@dataclass(frozen=True)
class Rendering:
    """Everything that renders documents except the session: given one, `service` is docgen's
    DocumentService in that unit of work (App.rendering builds this from the settings)."""

    store: BlobStore
    templates: TemplateSet
    key: bytes
    today: Callable[[], date]
    converter: Converter | None = None
    hant_variant: str = DEFAULT_HANT_VARIANT
    # Renderings already made: an unchanged record gives back its newest version (docgen.cache).
    cache: RenderCache | None = None
    # Settings.public_url: the base of the verification page each footer's QR code leads to (issue 13).
    public_url: str = DEFAULT_PUBLIC_URL

    def service(self, session: Session, actor: str) -> DocumentService:
        """The document service on `session`. Caller's session."""
        return DocumentService(session, self.store, self.templates, self.key, actor, self.today, self.converter,
                               hant_variant=self.hant_variant, cache=self.cache, public_url=self.public_url)


def render(docs: DocumentService, case: Case, request: Request, fmt: str) -> tuple[Rendered, bytes]:
    """One instrument of the case in one edition and format, recorded as a new document version;
    with the bytes of that format. Caller's session (the document service's)."""
    rendered = docs.render(case, request, [fmt])
    return rendered, (rendered.pdf if fmt == "pdf" else rendered.docx) or b""


def write_paperwork(docs: DocumentService, cases: list[Case], out: Path, *, after_case: AfterCase | None = None,
                    progress: Progress | None = None, audience: Audience = Audience.SECRETARIAT) -> dict[str, Any]:
    """Render everything that applies to each case, every edition, DOCX and PDF, for `audience` into `out`
    with one manifest.json (each document's audience recorded); return the manifest. Caller's session (the
    document service's).

    With several cases (the demo's), each case's files go under a folder named by its number.
    """
    documents: list[dict[str, object]] = []
    out.mkdir(parents=True, exist_ok=True)
    for case in cases:
        requests = docs.requests_for(case, audience=audience)
        steps = progress(case.number, len(requests) * len(FORMATS)) if progress else nullcontext(None)
        with steps as step:
            results = docs.render_many(case, requests, FORMATS, progress=step)
        folder = Path(case.number) if len(cases) > 1 else Path()
        for rendered in results:
            documents += write_rendered(out, folder, case.number, rendered)
        if after_case is not None:
            documents += after_case(case, results, folder)
    manifest: dict[str, Any] = {"case": cases[0].number, "documents": documents}
    if len(cases) > 1:
        manifest["cases"] = [c.number for c in cases]
    write_manifest(out, manifest)
    return manifest


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """`out`/manifest.json, UTF-8 and indented (people read it too). No session."""
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def file_name(rendered: Rendered, fmt: str) -> str:
    """A rendering's file name in `fmt`, the same in every folder of the paperwork. No session."""
    return f"{rendered.name.rsplit('.', 1)[0]}.{fmt}"


def write_rendered(out: Path, folder: Path, number: str, rendered: Rendered) -> list[dict[str, object]]:
    """A rendering's DOCX and PDF written under `out`/`folder`/<edition>/, and their manifest entries. No session."""
    entries: list[dict[str, object]] = []
    for fmt, data, version in (("docx", rendered.docx, rendered.docx_version),
                               ("pdf", rendered.pdf, rendered.pdf_version)):
        if data is None or version is None:
            continue
        relative = folder / rendered.request.edition.value / file_name(rendered, fmt)
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(data)
        entries.append({"case": number, "instrument": rendered.request.instrument,
                        "subject": subject_text(rendered.request.subject) or None,
                        "lang": rendered.request.edition.value, "audience": rendered.request.audience.value,
                        "format": fmt, "path": relative.as_posix(),
                        "sha256": version.sha256, "version": rendered.version, "verification_code": rendered.code})
    return entries

