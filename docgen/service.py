"""Renders instruments of a case into stored document versions (DOCX, and PDF/A via the pool)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from cases.documents import next_version, verification_code
from cases.instruments import INSTRUMENTS, get_instrument
from cases.models import Case, DocumentVersion
from cases.store import BlobStore
from cases.views import timeline
from docgen.context import MECHANISM_ZH, ContextBuilder, Continuation, continuation_problem, not_applicable, subjects
from docgen.editions import bilingual, traditional_template
from docgen.errors import DocgenError, TemplateError
from docgen.locale import Edition, Localizer, hant_variant
from docgen.render import render_docx

FORMATS = ("docx", "pdf")
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


class Converter(Protocol):
    def convert(self, docx: bytes, *, name: str, pdfa: bool = True) -> bytes: ...

    def convert_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]: ...


class TemplateSet:
    """The DOCX templates on disk, read once per process."""

    def __init__(self, root: Path = TEMPLATES_DIR) -> None:
        self.root = root
        self._cache: dict[Path, bytes] = {}

    def path(self, instrument_id: str, lang: str) -> Path:
        return self.root / lang / f"{instrument_id}.docx"

    def get(self, instrument_id: str, lang: str) -> bytes:
        path = self.path(instrument_id, lang)
        if path not in self._cache:
            try:
                self._cache[path] = path.read_bytes()
            except FileNotFoundError:
                raise TemplateError(str(path), "template missing") from None
        return self._cache[path]


@dataclass(frozen=True)
class Request:
    """One instrument of a case in one edition, for one matter (`subject`, "" = the case).

    A continuation closure report is `Request("closure_report", edition,
    continuation=Continuation(...))`; its subject is then "continuation:<number>" (set here
    when left empty), so its versions are numbered apart from the original report's.
    """

    instrument: str
    edition: Edition
    subject: str = ""
    continuation: Continuation | None = None

    def __post_init__(self) -> None:
        if self.continuation is not None and not self.subject:
            object.__setattr__(self, "subject", self.continuation.subject)


@dataclass
class Rendered:
    request: Request
    version: int
    code: str
    docx: bytes
    docx_version: DocumentVersion
    pdf: bytes | None = None
    pdf_version: DocumentVersion | None = None

    @property
    def name(self) -> str:
        subject = f"-{self.request.subject.replace(':', '-')}" if self.request.subject else ""
        return f"{self.request.instrument}{subject}.{self.request.edition.value}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DocumentService:
    def __init__(self, session: Session, store: BlobStore, templates: TemplateSet, key: bytes, actor: str,
                 today: Callable[[], date], converter: Converter | None = None) -> None:
        self.session = session
        self.store = store
        self.templates = templates
        self.key = key
        self.actor = actor
        self.today = today
        self.converter = converter

    # -- what applies ----------------------------------------------------------------------

    def requests_for(self, case: Case, editions: Sequence[Edition] = tuple(Edition)) -> list[Request]:
        """Every instrument that applies to the case now, for every matter, in every edition."""
        return [Request(instrument, edition, subject) for instrument in INSTRUMENTS
                for subject in subjects(case, instrument) for edition in editions]

    def check(self, case: Case, request: Request) -> None:
        get_instrument(request.instrument)
        problem = continuation_problem(request.instrument, request.subject, request.continuation)
        if problem is not None:
            raise DocgenError(f"{request.instrument} of {case.number}: {problem}")
        why = not_applicable(case, request.instrument, request.subject)
        if why is not None:
            raise DocgenError(f"{request.instrument} does not apply to {case.number} "
                              f"(stage {case.stage.value}): {why}")

    # -- rendering -------------------------------------------------------------------------

    def render(self, case: Case, request: Request, formats: Sequence[str] = FORMATS) -> Rendered:
        return self.render_many(case, [request], formats)[0]

    def render_many(self, case: Case, requests: Sequence[Request], formats: Sequence[str] = FORMATS,
                    progress: Callable[[int], None] | None = None) -> list[Rendered]:
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise DocgenError(f"unknown format {sorted(unknown)[0]!r}; valid: {', '.join(FORMATS)}")
        for request in requests:
            self.check(case, request)
        if "pdf" in formats and self.converter is None:
            raise DocgenError("PDF requested but no converter is running")
        events = {lang: [(e.on, e.text) for e in timeline(self.session, case, lang)] for lang in ("zh", "en")}
        results: list[Rendered] = []

        def rendered_docx() -> Iterator[tuple[str, bytes]]:
            # Consumed lazily by the pool on this thread: LibreOffice converts the first
            # documents while the next ones are still being rendered.
            for request in requests:
                result = self._render_docx(case, request, events)
                results.append(result)
                if progress:
                    progress(1)
                yield f"{case.number}/{result.name}", result.docx

        if "pdf" in formats:
            assert self.converter is not None
            for index, (_, pdf) in enumerate(self.converter.convert_many(rendered_docx())):
                self._attach_pdf(case, results[index], pdf)
                if progress:
                    progress(1)
        else:
            for _ in rendered_docx():
                pass
        self.session.flush()
        return results

    def _render_docx(self, case: Case, request: Request, events: dict[str, list[tuple[date | None, str]]]) -> Rendered:
        """The DOCX is always recorded: a PDF's provenance is the DOCX it was made from."""
        version = next_version(self.session, case.id, request.instrument, request.subject, request.edition.value)
        code = verification_code(self.key, case.number, request.instrument, request.subject,
                                 request.edition.value, version)
        instrument = get_instrument(request.instrument)
        # LibreOffice drops Keywords from the PDF; Subject reaches both the Info dictionary and XMP.
        identifiers = (f"{case.number}; instrument={request.instrument}; lang={request.edition.value}; "
                       f"version={version}; code={code}" + (f"; subject={request.subject}" if request.subject else ""))
        properties = {"title": f"{instrument.zh} {instrument.en}", "subject": identifiers, "keywords": identifiers,
                      "language": request.edition.value, "author": f"{MECHANISM_ZH}秘书处",
                      "last_modified_by": f"{MECHANISM_ZH}秘书处", "comments": identifiers}
        if request.edition is Edition.BILINGUAL:
            zh, zh_template, zh_context = self._one(case, request, "zh", version, code, events, properties)
            en, en_template, en_context = self._one(case, request, "en", version, code, events)
            docx = bilingual(zh, en)
            template_sha, context_sha = _sha256(zh_template + en_template), _sha256(zh_context + en_context)
        else:
            docx, template, context = self._one(case, request, request.edition.value, version, code, events,
                                                properties)
            template_sha, context_sha = _sha256(template), _sha256(context)
        row = self._version_row(case, request, version, code, "docx", docx, template_sha, context_sha)
        self.session.add(row)
        return Rendered(request, version, code, docx, row)

    def _one(self, case: Case, request: Request, lang: str, version: int, code: str,
             events: dict[str, list[tuple[date | None, str]]],
             properties: dict[str, str] | None = None) -> tuple[bytes, bytes, bytes]:
        """One language's rendering: (docx, template bytes, canonical context bytes)."""
        if lang == Edition.ZH_HANT.value:
            template = traditional_template(self.templates.get(request.instrument, "zh"), hant_variant())
        else:
            template = self.templates.get(request.instrument, lang)
        context = ContextBuilder(case, Localizer(lang), self.today(), events["en" if lang == "en" else "zh"]).build(
            request.instrument, request.subject, version=version, verification_code=code,
            continuation=request.continuation).as_data()
        canonical = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        name = f"templates/{'zh' if lang == 'zh-Hant' else lang}/{request.instrument}.docx"
        return render_docx(template, context, name=name, properties=properties), template, canonical

    def _version_row(self, case: Case, request: Request, version: int, code: str, fmt: str, data: bytes,
                     template_sha: str, context_sha: str) -> DocumentVersion:
        digest = self.store.put(data)
        return DocumentVersion(case_id=case.id, instrument=request.instrument, subject=request.subject,
                               edition=request.edition.value, version=version, format=fmt,
                               verification_code=code, template_sha256=template_sha, context_sha256=context_sha,
                               sha256=digest, size=len(data), created_by=self.actor)

    def _attach_pdf(self, case: Case, rendered: Rendered, pdf: bytes) -> None:
        rendered.pdf = pdf
        rendered.pdf_version = self._version_row(case, rendered.request, rendered.version, rendered.code, "pdf", pdf,
                                                 rendered.docx_version.template_sha256,
                                                 rendered.docx_version.context_sha256)
        self.session.add(rendered.pdf_version)
