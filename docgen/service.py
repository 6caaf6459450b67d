"""Renders instruments of a case into stored document versions (DOCX, and PDF/A via the pool)."""
from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience, event_shown
from cases.confidentiality.disclosure import Disclosure, disclosure
from cases.confidentiality.release import release_due
from cases.documents import next_version, record_version, verification_code
from cases.instruments import INSTRUMENTS, Subject, get_instrument
from cases.models import Case, DocumentVersion
from cases.lifecycle import VersionStatus
from cases.store import BlobStore
from cases.views import TimelineEntry, timeline
from docgen.cache import RenderCache, RenderKey, pipeline
from docgen.context import MECHANISM_ZH, ContextBuilder, Continuation, continuation_problem, not_applicable, subjects
from docgen.editions import bilingual, traditional_template
from docgen.errors import DocgenError, TemplateError
from docgen.locale import DEFAULT_HANT_VARIANT, Edition, Localizer
from docgen.qr import DEFAULT_PUBLIC_URL, verification_url
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
    """One instrument of a case in one edition, for one matter (`subject`, None = the case).

    A continuation closure report is `Request("closure_report", edition,
    continuation=Continuation(...))`; its subject is then Subject(CONTINUATION, number) (set
    here when left empty), so its versions are numbered apart from the original report's.

    `audience` is whom the rendering is for (issue 11, 第六章第2.2条): what it withholds, and the series
    of versions it belongs to (each audience's are numbered and coded apart).
    """

    instrument: str
    edition: Edition
    subject: Subject | None = None
    continuation: Continuation | None = None
    audience: Audience = Audience.SECRETARIAT

    def __post_init__(self) -> None:
        if isinstance(self.subject, str):  # text from a command line or a form: parsed at this edge
            object.__setattr__(self, "subject", Subject.parse_optional(self.subject))
        if not isinstance(self.audience, Audience):
            object.__setattr__(self, "audience", Audience(self.audience))
        if self.continuation is not None and self.subject is None:
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
        subject = self.request.subject
        suffix = f"-{subject.kind.value}-{subject.id}" if subject else ""
        return f"{self.request.instrument}{suffix}.{self.request.edition.value}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_Events = dict[str, list[TimelineEntry]]  # the case's timeline by language (zh, en)


@dataclass(frozen=True)
class _Views:
    """What the renderings of one call may print: the timeline, and each audience's Disclosure of the case on
    the service's today (releases due recorded first)."""

    events: _Events
    disclosures: dict[Audience, Disclosure]


@dataclass(frozen=True)
class _Source:
    """One language part's template and the context it is rendered with."""

    lang: str
    template: bytes
    context: dict[str, Any]
    canonical: bytes  # the context as sorted JSON: what context_sha256 is taken of

    def template_name(self, instrument: str) -> str:
        return f"templates/{'zh' if self.lang == 'zh-Hant' else self.lang}/{instrument}.docx"


def _source_digests(sources: list[_Source]) -> tuple[str, str]:
    """(template_sha256, context_sha256) as recorded: of the parts' bytes concatenated."""
    return (_sha256(b"".join(source.template for source in sources)),
            _sha256(b"".join(source.canonical for source in sources)))


class DocumentService:
    def __init__(self, session: Session, store: BlobStore, templates: TemplateSet, key: bytes, actor: str,
                 today: Callable[[], date], converter: Converter | None = None, *,
                 hant_variant: str = DEFAULT_HANT_VARIANT, cache: RenderCache | None = None,
                 public_url: str = DEFAULT_PUBLIC_URL) -> None:
        self.session = session
        self.store = store
        self.templates = templates
        self.key = key
        self.actor = actor
        self.today = today
        self.converter = converter
        self.hant_variant = hant_variant
        self.cache = cache  # None: every render is a new version (no reuse of an unchanged one)
        # Where the service is reached (Settings.public_url): every footer's QR code leads to
        # <public_url>/verify/<code> (issue 13). In the context, so a new URL is a cache miss.
        self.public_url = public_url

    # -- what applies ----------------------------------------------------------------------

    def requests_for(self, case: Case, editions: Sequence[Edition] = tuple(Edition),
                     audience: Audience = Audience.SECRETARIAT) -> list[Request]:
        """Every instrument that applies to the case now, for every matter, in every edition, for `audience`."""
        return [Request(instrument, edition, subject, audience=audience) for instrument in INSTRUMENTS
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
        want_pdf = "pdf" in formats
        if want_pdf and self.converter is None:
            raise DocgenError("PDF requested but no converter is running")
        views = self._views(case, requests)
        results: list[Rendered] = []
        converting: deque[Rendered] = deque()  # in the converter's (input) order

        def to_convert() -> Iterator[tuple[str, bytes]]:
            # Consumed lazily by the pool on this thread: LibreOffice converts the first
            # documents while the next ones are still being rendered.
            for request in requests:
                result = self._render_docx(case, request, views, want_pdf)
                results.append(result)
                if progress:
                    progress(1)
                if want_pdf and result.pdf is None:
                    converting.append(result)
                    yield f"{case.number}/{result.name}", result.docx
                elif want_pdf and progress:
                    progress(1)  # found in the cache

        pending = to_convert()
        first = next(pending, None)  # None: nothing to convert, so the converter is not even asked
        if first is not None:
            assert self.converter is not None
            for _, pdf in self.converter.convert_many(chain([first], pending)):
                self._attach_pdf(case, converting.popleft(), pdf)
                if progress:
                    progress(1)
        self.session.flush()
        return results

    def _views(self, case: Case, requests: Sequence[Request]) -> _Views:
        """Releases whose duration has run out are recorded (audited) before anything is printed; then each
        audience's view of the case today (第六章第2.2条)."""
        today = self.today()
        release_due(self.session, case, today)
        audiences = dict.fromkeys(request.audience for request in requests)
        return _Views({lang: timeline(self.session, case, lang) for lang in ("zh", "en")},
                      {audience: disclosure(self.session, case, audience, today) for audience in audiences})

    def _render_docx(self, case: Case, request: Request, views: _Views, want_pdf: bool) -> Rendered:
        """The DOCX is always recorded: a PDF's provenance is the DOCX it was made from.

        An unchanged record gives back its newest version, bytes and all (issue 8), as long
        as that version is still an untouched draft (never sealed or signed).
        """
        found = self._found(case, request, views, want_pdf)
        if found is not None:
            return found
        version = next_version(self.session, case.id, request.instrument, request.subject, request.edition.value,
                               request.audience)
        code = verification_code(self.key, case.number, request.instrument, request.subject,
                                 request.edition.value, version, request.audience)
        sources = self._sources(case, request, version, code, views)
        template_sha, context_sha = _source_digests(sources)
        properties = self._properties(case, request, version, code)
        docx = self._make_docx(request, sources, properties)
        row = self._version_row(case, request, version, code, "docx", docx, template_sha, context_sha)
        if self.cache is not None:
            self.cache.put(self._key(request, row, properties, "docx"), row.sha256)
        return Rendered(request, version, code, docx, row)

    def _found(self, case: Case, request: Request, views: _Views, want_pdf: bool) -> Rendered | None:
        """The newest version, if rendering it again would give the same bytes: same template, same
        context (its version number, code and dates included), made by the same pipeline."""
        if self.cache is None:
            return None
        rows = self._untouched_newest(case, request)
        docx_row, pdf_row = rows.get("docx"), rows.get("pdf")
        if docx_row is None:
            return None
        version, code = docx_row.version, docx_row.verification_code
        sources = self._sources(case, request, version, code, views)
        if _source_digests(sources) != (docx_row.template_sha256, docx_row.context_sha256):
            return None
        properties = self._properties(case, request, version, code)
        if self.cache.get(self._key(request, docx_row, properties, "docx")) != docx_row.sha256:
            return None
        found = Rendered(request, version, code, self.store.get(docx_row.sha256), docx_row)
        if want_pdf and pdf_row is not None:
            if self.cache.get(self._key(request, pdf_row, properties, "pdf")) != pdf_row.sha256:
                return None  # another converter made it: a new version, not this one's bytes redone
            found.pdf, found.pdf_version = self.store.get(pdf_row.sha256), pdf_row
        return found

    def _untouched_newest(self, case: Case, request: Request) -> dict[str, DocumentVersion]:
        """The newest version's rows by format; empty if it was issued or has signing revisions."""
        newest = next_version(self.session, case.id, request.instrument, request.subject, request.edition.value,
                              request.audience) - 1
        rows = self.session.scalars(select(DocumentVersion).where(
            DocumentVersion.case_id == case.id, DocumentVersion.instrument == request.instrument,
            DocumentVersion.subject == request.subject, DocumentVersion.edition == request.edition.value,
            DocumentVersion.audience == request.audience, DocumentVersion.version == newest)).all()
        if any(row.revision != 0 or row.status != VersionStatus.DRAFT for row in rows):
            return {}
        return {row.format: row for row in rows}

    def _key(self, request: Request, row: DocumentVersion, properties: dict[str, str], fmt: str) -> RenderKey:
        # The document properties (identifiers, title) are in the bytes too: part of the context here.
        context = _sha256((row.context_sha256 + json.dumps(properties, sort_keys=True)).encode("utf-8"))
        return RenderKey(row.template_sha256, context, request.edition.value, fmt, pipeline(fmt),
                         request.audience.value)

    def _properties(self, case: Case, request: Request, version: int, code: str) -> dict[str, str]:
        instrument = get_instrument(request.instrument)
        # LibreOffice drops Keywords from the PDF; Subject reaches both the Info dictionary and XMP. Identifiers
        # only: nothing of the case's content (a withheld item could be in it, 第六章第2.2条).
        identifiers = (f"{case.number}; instrument={request.instrument}; lang={request.edition.value}; "
                       f"version={version}; code={code}" + (f"; subject={request.subject}" if request.subject else "")
                       + f"; audience={request.audience.value}")
        return {"title": f"{instrument.zh} {instrument.en}", "subject": identifiers, "keywords": identifiers,
                "language": request.edition.value, "author": f"{MECHANISM_ZH}秘书处",
                "last_modified_by": f"{MECHANISM_ZH}秘书处", "comments": identifiers}

    def _sources(self, case: Case, request: Request, version: int, code: str, views: _Views) -> list[_Source]:
        """What each language part is rendered from (two parts for the bilingual edition)."""
        langs = ("zh", "en") if request.edition is Edition.BILINGUAL else (request.edition.value,)
        return [self._source(case, request, lang, version, code, views) for lang in langs]

    def _source(self, case: Case, request: Request, lang: str, version: int, code: str,
                views: _Views) -> _Source:
        if lang == Edition.ZH_HANT.value:
            template = traditional_template(self.templates.get(request.instrument, "zh"), self.hant_variant)
        else:
            template = self.templates.get(request.instrument, lang)
        localizer = Localizer(lang, self.hant_variant)
        audience = request.audience
        shown = [(e.on, e.text) for e in views.events["en" if lang == "en" else "zh"]
                 if event_shown(e.action, audience)]
        builder = ContextBuilder(case, localizer, self.today(), shown, views.disclosures[audience])
        context = builder.shown.scrub(builder.build(request.instrument, request.subject, version=version,
                                                    verification_code=code,
                                                    verification_url=verification_url(self.public_url, code),
                                                    continuation=request.continuation).as_data())
        canonical = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
        return _Source(lang, template, context, canonical)

    def _make_docx(self, request: Request, sources: list[_Source], properties: dict[str, str]) -> bytes:
        parts = [render_docx(source.template, source.context, name=source.template_name(request.instrument),
                             properties=properties if index == 0 else None)
                 for index, source in enumerate(sources)]
        return bilingual(parts[0], parts[1]) if request.edition is Edition.BILINGUAL else parts[0]

    def _version_row(self, case: Case, request: Request, version: int, code: str, fmt: str, data: bytes,
                     template_sha: str, context_sha: str) -> DocumentVersion:
        return record_version(self.session, self.store, data, case_id=case.id, instrument=request.instrument,
                              subject=request.subject, edition=request.edition.value, version=version,
                              verification_code=code, format=fmt, actor=self.actor,
                              template_sha256=template_sha, context_sha256=context_sha, audience=request.audience)

    def _attach_pdf(self, case: Case, rendered: Rendered, pdf: bytes) -> None:
        rendered.pdf = pdf
        rendered.pdf_version = self._version_row(case, rendered.request, rendered.version, rendered.code, "pdf", pdf,
                                                 rendered.docx_version.template_sha256,
                                                 rendered.docx_version.context_sha256)
        if self.cache is not None:
            properties = self._properties(case, rendered.request, rendered.version, rendered.code)
            self.cache.put(self._key(rendered.request, rendered.pdf_version, properties, "pdf"),
                           rendered.pdf_version.sha256)
