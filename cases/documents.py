"""Document versions: numbering, verification codes, and the rule that issued versions never change."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.errors import ImmutableVersionError, NotFoundError
from cases.instruments.subject import Subject, subject_text
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import DocumentVersion, utcnow
from cases.store import BlobStore


def instance_key(data_dir: Path) -> bytes:
    """A per-installation secret, so verification codes cannot be guessed to enumerate documents."""
    path = data_dir / "instance.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()


def verification_code(key: bytes, case_number: str, instrument: str, subject: Subject | None, edition: str,
                      version: int, audience: Audience = Audience.SECRETARIAT) -> str:
    """10 characters of base32 (50 bits), grouped XXXX-XXXX-XX, easy to read out and type. Each audience's
    rendering has its own (issue 11); the secretariat's are the codes issued before audiences existed."""
    fields = [case_number, instrument, subject_text(subject), edition, str(version)]
    if audience is not Audience.SECRETARIAT:
        fields.append(audience.value)
    message = "|".join(fields).encode("utf-8")
    raw = base64.b32encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")[:10]
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    compact = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(compact) != 10:
        raise ValueError(f"a verification code has 10 letters and digits (XXXX-XXXX-XX), got {code!r}")
    return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"


def next_version(session: Session, case_id: int, instrument: str, subject: Subject | None, edition: str,
                 audience: Audience = Audience.SECRETARIAT) -> int:
    """The next version number of one document: each audience's renderings are numbered apart."""
    current = session.scalar(select(func.max(DocumentVersion.version)).where(
        DocumentVersion.case_id == case_id, DocumentVersion.instrument == instrument,
        DocumentVersion.subject == subject, DocumentVersion.edition == edition,
        DocumentVersion.audience == audience))
    return (current or 0) + 1


def find_by_code(session: Session, code: str) -> list[DocumentVersion]:
    versions = list(session.scalars(select(DocumentVersion).where(
        DocumentVersion.verification_code == normalise_code(code)).order_by(DocumentVersion.format)))
    if not versions:
        raise NotFoundError(f"no document has the verification code {normalise_code(code)}")
    return versions


def record_version(session: Session, store: BlobStore, data: bytes, *, case_id: int, instrument: str,
                   subject: Subject | None, edition: str, version: int, verification_code: str, format: str, actor: str,
                   revision: int = 0, stage: VersionStage = VersionStage.RENDERED,
                   status: VersionStatus = VersionStatus.DRAFT, template_sha256: str = "",
                   context_sha256: str = "", audience: Audience = Audience.SECRETARIAT) -> DocumentVersion:
    """Store `data` write-once and record it as a version of the document, in the caller's session.

    The one place a DocumentVersion is made: renderings (revision 0, draft), the seal and every
    later signing act (revision 1.., issued, stamped with who issued it and when). Revisions made by
    signing keep the template and context hashes of the rendering they grew from, or "" when the
    caller no longer has them (the PDF's own sha256 identifies it).
    """
    row = DocumentVersion(case_id=case_id, instrument=instrument, subject=subject, edition=edition,
                          audience=audience, version=version,
                          format=format, revision=revision, stage=stage, status=status,
                          verification_code=verification_code, template_sha256=template_sha256,
                          context_sha256=context_sha256, sha256=store.put(data), size=len(data), created_by=actor)
    if status is VersionStatus.ISSUED:
        row.issued_at, row.issued_by = utcnow(), actor
    session.add(row)
    return row


def issue(session: Session, version: DocumentVersion, actor: str) -> None:
    """Mark a rendering issued: from now on it never changes (the sealed PDF is its own revision)."""
    if version.status == VersionStatus.ISSUED:
        raise ImmutableVersionError(f"version {version.version} of {version.instrument} was already issued")
    version.status, version.issued_at, version.issued_by = VersionStatus.ISSUED, utcnow(), actor
    session.flush()
