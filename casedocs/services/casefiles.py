"""The files of a case as a reader downloads them: stored renderings and signed revisions of its
documents, and the exhibits as filed. One rule for who sees which file, used by the console and the
API alike: the secretariat sees drafts, everyone else only what was issued (第五章: a draft is the
secretariat's working paper until it is issued), and only for its own audience or the public.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.lifecycle import VersionStatus
from cases.models import DocumentVersion, Exhibit
from cases.store import BlobStore

MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    media_type: str
    name: str  # the download's file name
    format: str = ""  # a document's "pdf" or "docx"; "" for an exhibit


def may_see(status: VersionStatus, audience: Audience, *, reader: Audience) -> bool:
    """Whether `reader` sees a stored file of this status rendered for `audience`: the secretariat
    every file, drafts included; anyone else only what was issued for them or for the public (issue
    11: a side's rendering withholds what is withheld from it, another audience's would not)."""
    if reader is Audience.SECRETARIAT:
        return True
    return status is VersionStatus.ISSUED and audience in (reader, Audience.PUBLIC)


def document_file(session: Session, store: BlobStore, case_id: int, number: str, file_id: int, *,
                  reader: Audience) -> StoredFile | None:
    """A stored file of the case's documents, or None when the case has no such file the reader may
    see (the two are not told apart). Caller's session."""
    row = session.get(DocumentVersion, file_id)
    if row is None or row.case_id != case_id or not may_see(row.status, row.audience, reader=reader):
        return None
    return StoredFile(store.get(row.sha256), MEDIA_TYPES.get(row.format, "application/octet-stream"),
                      download_name(number, row), row.format)


def download_name(number: str, row: DocumentVersion) -> str:
    """A stored file's name as a reader downloads it: case, instrument, edition, version and revision."""
    return f"{number}-{row.instrument}-{row.edition}-v{row.version}r{row.revision}.{row.format}"


def exhibit_file(session: Session, store: BlobStore, case_id: int, exhibit_id: int) -> StoredFile | None:
    """An exhibit of the case as it was filed (its name and sniffed type), or None. Caller's session."""
    row = session.get(Exhibit, exhibit_id)
    if row is None or row.case_id != case_id:
        return None
    return StoredFile(store.get(row.sha256), row.media_type, row.original_name)
