"""Verification against the mechanism's public material only: no key is unlocked, no session opened."""
from __future__ import annotations

import fcntl
import hashlib
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils.misc import PdfError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cases.confidentiality.audiences import Audience
from cases.documents import normalise_code
from cases.instruments import InstrumentId
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import DocumentVersion
from casedocs.services.desk import SigningError, pki_dir
from signing.errors import MalformedPdf
from signing.pdfdoc import open_reader
from signing.pki import load_crl
from signing.verify import VerificationReport, verify

PDF = "pdf"


def verify_pdf(data_dir: Path, pdf: bytes) -> VerificationReport:
    """Verify every signature of `pdf` against the CA, the accepted roots and the published CRLs of the
    data directory: anyone holding those public files can verify. No session."""
    directory = pki_dir(data_dir)
    root = directory / "ca" / "root.pem"
    if not root.exists():
        raise SigningError(f"no certificate authority in {directory}: run `casedocs init`")
    roots = [root.read_bytes()] + [p.read_bytes() for p in sorted((directory / "trust").glob("*.pem"))]
    crls = [p.read_bytes() for p in sorted((directory / "crl").glob("*.crl.pem"))]
    others = [p.read_bytes() for p in sorted((directory / "chains").glob("*.pem")) if p.read_bytes().strip()]
    report = verify(pdf, roots, crls, other_certs=others)
    # signing.pdfdoc.document_state lists the empty fields as pyHanko TextStringObjects, which keep a
    # reference to the whole parsed document: to_json's dataclasses.asdict deep-copied it (1.2 s of the
    # demo agreement's 1.4 s). Plain strings say the same.
    report.empty_fields = [str(name) for name in report.empty_fields]
    if not report.valid:
        report.reasons[:0] = expired_crls(crls)
    return report


def expired_crls(crls: list[bytes]) -> list[str]:
    """The likeliest cause of "revocation status unknown", named: nobody published a fresh CRL. No session."""
    now = datetime.now(timezone.utc)
    return [f"the CRL of {crl.issuer.rfc4514_string()} expired on {crl.next_update_utc:%Y-%m-%d %H:%M} UTC, "
            "so no revocation status can be established: publish a fresh one (`casedocs ca publish-crl`; an "
            "external CA's with `casedocs ca import-crl`)"
            for crl in map(load_crl, crls) if crl.next_update_utc is not None and crl.next_update_utc < now]


# -- the public verification page and API (issue 13) -------------------------------------------------------
#
# Anyone who receives an instrument must be able to check it (PROCEDURE.md 第六章, the secretariat's duty
# to publish truthfully and prudently): by the file itself, or by the code printed on it. What the
# answer may show is only what the holder already has (the file's own signatures) or what identifies
# the instrument (case, instrument, edition, version, dates, sha256): nothing confidential.

# The largest PDF the public page and API verify. The mechanism's instruments are well under 2 MB (the
# demo agreement, sealed and signed, is 0.4 MB); anything near this size is not one of them, and
# verification is CPU-bound, so a public endpoint refuses it before parsing a byte.
MAX_VERIFY_BYTES = 20 * 1024 * 1024
# At most this many "%%EOF" cut points of an upload are hashed to find a stored revision it begins
# with: every signing act appends exactly one, and no instrument has more than a few dozen.
MAX_CUT_POINTS = 64


class Standing(StrEnum):
    """Where an uploaded file stands among the revisions the mechanism stores of its documents."""

    LATEST = "latest"       # byte for byte the latest issued revision of the latest version
    EARLIER = "earlier"     # byte for byte a stored revision, but a later revision or version exists
    EXTENDED = "extended"   # begins with a stored revision, then changes the mechanism did not make
    UNKNOWN = "unknown"     # no stored revision matches, nor begins it


class Verdict(StrEnum):
    """The overall verdict in plain words (the page words each one in zh and en)."""

    VALID = "valid"              # every signature holds, and this is the latest version held
    OUTDATED = "outdated"        # every signature holds, but the mechanism holds a later revision or version
    UNRECORDED = "unrecorded"    # every signature holds, but the mechanism holds no such file
    INVALID = "invalid"          # a signature fails, or the file was changed after signing
    UNSIGNED = "unsigned"        # a readable PDF without any signature
    UNREADABLE = "unreadable"    # not a PDF that can be read (truncated, encrypted, garbage)


@dataclass(frozen=True)
class RecordLine:
    """One stored revision of a document, as the public may see it: no names, no parties."""

    case: str
    instrument: str
    edition: str
    version: int
    revision: int
    code: str
    sha256: str
    day: date | None  # when this revision was made (issued)


@dataclass(frozen=True)
class RecordMatch:
    standing: Standing
    matched: RecordLine | None  # the stored revision the file is, or begins with
    latest: RecordLine | None   # the latest issued revision of the latest version of that document

    def to_json(self) -> dict[str, Any]:
        return {"standing": self.standing.value,
                "matched": None if self.matched is None else _line_json(self.matched),
                "latest": None if self.latest is None else _line_json(self.latest)}


@dataclass(frozen=True)
class UploadCheck:
    """What the page and the API say about one uploaded file."""

    verdict: Verdict
    sha256: str
    size: int
    report: VerificationReport | None  # None when the file could not be read
    record: RecordMatch
    problem: str | None = None  # why the file could not be read

    def to_json(self) -> dict[str, Any]:
        """`casedocs verify --json` (the report) plus `verdict`, `sha256` and `record`."""
        body = self.report.to_json() if self.report is not None else {"valid": False, "reasons": [self.problem]}
        return {**body, "verdict": self.verdict.value, "sha256": self.sha256, "size": self.size,
                "record": self.record.to_json()}


@dataclass(frozen=True)
class CodeRecord:
    """What a verification code leads to: the instrument it is printed on and its issued revisions."""

    code: str
    case: str
    instrument: str
    edition: str
    version: int
    issued_on: date | None
    revisions: tuple[RecordLine, ...]  # issued PDF revisions of this version, oldest first
    newer_version: int | None  # the latest issued version of the same document, when newer than this one
    public: bool
    # The stored file the public may download (the latest revision of this version), when `public`.
    public_file: int | None = None

    @property
    def latest(self) -> RecordLine:
        return self.revisions[-1]

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "case": self.case, "instrument": self.instrument, "edition": self.edition,
                "version": self.version, "issued_on": None if self.issued_on is None else self.issued_on.isoformat(),
                "sha256": self.latest.sha256, "revisions": [_line_json(r) for r in self.revisions],
                "newer_version_exists": self.newer_version is not None, "newer_version": self.newer_version,
                "public": self.public}


def _line_json(line: RecordLine) -> dict[str, Any]:
    return {"case": line.case, "instrument": line.instrument, "edition": line.edition, "version": line.version,
            "revision": line.revision, "code": line.code, "sha256": line.sha256,
            "date": None if line.day is None else line.day.isoformat()}


def _line(row: DocumentVersion) -> RecordLine:
    made = row.issued_at or row.created_at
    return RecordLine(row.case.number, row.instrument, row.edition, row.version, row.revision, row.verification_code,
                      row.sha256, None if made is None else made.date())


def _issued_pdfs() -> Select[DocumentVersion]:
    return select(DocumentVersion).where(DocumentVersion.format == PDF, DocumentVersion.status == VersionStatus.ISSUED)


def _latest_of(session: Session, row: DocumentVersion) -> DocumentVersion:
    """The latest issued revision of the latest issued version of the document `row` belongs to (one
    instrument, matter, edition and audience of one case: each audience's renderings are a series of
    their own, issue 11). A re-issued version supersedes the earlier one."""
    latest = session.scalars(_issued_pdfs().where(
        DocumentVersion.case_id == row.case_id, DocumentVersion.instrument == row.instrument,
        DocumentVersion.subject == row.subject, DocumentVersion.edition == row.edition,
        DocumentVersion.audience == row.audience,
    ).order_by(DocumentVersion.version.desc(), DocumentVersion.revision.desc()).limit(1)).first()
    return latest if latest is not None else row


def cut_points(pdf: bytes) -> list[int]:
    """The lengths at which `pdf` ends a revision (just after an "%%EOF" and its end of line), longest
    first. Signing appends an incremental update, so every earlier revision of a signed document is a
    prefix of the later ones that ends at one of these."""
    ends: list[int] = []
    at = pdf.find(b"%%EOF")
    while at != -1:
        end = at + 5
        for eol in (b"\r\n", b"\n", b"\r"):
            if pdf.startswith(eol, end):
                ends.append(end + len(eol))
                break
        ends.append(end)
        at = pdf.find(b"%%EOF", end)
    return sorted(set(ends), reverse=True)[:MAX_CUT_POINTS]


def place_in_record(session: Session, pdf: bytes) -> RecordMatch:
    """Whether `pdf` is the latest revision the mechanism holds, an earlier one, a stored revision
    with changes appended by someone else, or unknown. Matching is by sha256 of the whole file, then
    of each prefix that ends a revision. Caller's session."""
    whole = hashlib.sha256(pdf).hexdigest()
    prefixes = {hashlib.sha256(pdf[:end]).hexdigest(): end for end in cut_points(pdf) if end < len(pdf)}
    rows = list(session.scalars(_issued_pdfs().where(DocumentVersion.sha256.in_([whole, *prefixes]))))
    exact = next((row for row in rows if row.sha256 == whole), None)
    if exact is not None:
        latest = _latest_of(session, exact)
        standing = Standing.LATEST if latest.sha256 == exact.sha256 else Standing.EARLIER
        return RecordMatch(standing, _line(exact), _line(latest))
    if rows:  # the longest stored prefix: the last revision the mechanism made before the others' changes
        begun = max(rows, key=lambda row: prefixes[row.sha256])
        return RecordMatch(Standing.EXTENDED, _line(begun), _line(_latest_of(session, begun)))
    return RecordMatch(Standing.UNKNOWN, None, None)


def _verdict(report: VerificationReport, record: RecordMatch) -> Verdict:
    if not report.signatures and not report.document_timestamps and report.valid is False \
            and report.reasons[-1:] == ["the document carries no signature"]:
        return Verdict.UNSIGNED
    if not report.valid:
        return Verdict.INVALID
    if record.standing is Standing.LATEST:
        return Verdict.VALID
    if record.standing is Standing.EARLIER:
        return Verdict.OUTDATED
    # EXTENDED cannot be valid in practice (changes after signing invalidate); say what is known.
    return Verdict.UNRECORDED


def check_upload(data_dir: Path, session: Session, pdf: bytes) -> UploadCheck:
    """Verify an uploaded file for the public page and API: every signature (verify_pdf), its place
    among the stored revisions, and one verdict. A file that cannot be read is a verdict too
    (UNREADABLE, with pyHanko's reason), never an exception: anything can be uploaded. Caller's session
    (read only)."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    record = place_in_record(session, pdf)
    try:
        try:
            report = verify_pdf(data_dir, pdf)
        except SigningError:  # no certificate authority yet: a file that is not a PDF is still not one
            open_reader(pdf)
            raise
    except MalformedPdf as problem:
        return UploadCheck(Verdict.UNREADABLE, sha256, len(pdf), None, record, str(problem))
    except HOSTILE_INPUT as problem:  # a parser's failure deeper than signing.pdfdoc's own checks
        return UploadCheck(Verdict.UNREADABLE, sha256, len(pdf), None, record,
                           f"unreadable PDF: {type(problem).__name__}: {str(problem)[:300]}")
    return UploadCheck(_verdict(report, record), sha256, len(pdf), report, record)


# What a parser may raise on a hostile file past signing.pdfdoc.open_reader's checks: a reference loop
# (RecursionError), a broken stream (zlib.error, struct.error), a wrong type where a dictionary was due.
HOSTILE_INPUT: tuple[type[BaseException], ...] = (PdfError, ValueError, KeyError, IndexError, TypeError,
                                                  AttributeError, RecursionError, zlib.error, struct.error,
                                                  UnicodeError, OverflowError, NotImplementedError)


# The instruments the procedure publishes (PROCEDURE.md §4; 第六章第1.1条): the public case summary, and the
# closure report with its monitoring updates. Every other instrument goes to its parties only.
PUBLISHED_INSTRUMENTS = frozenset({InstrumentId.CASE_SUMMARY.value, InstrumentId.CLOSURE_REPORT.value})


def is_public(version: DocumentVersion) -> bool:
    """Whether the public may download this stored file (from the register and the verification page).

    The rule: an issued, sealed PDF (never a draft, nor the unsealed rendering it was sealed from) rendered
    for the `public` audience (the rendering that withholds every name of a natural person, address,
    contact and anything withheld from the public, issue 11; 第六章: the secretariat publishes prudently
    and never what is confidential), of an instrument the procedure publishes (PUBLISHED_INSTRUMENTS). No
    session: it reads the row only."""
    return (version.format == PDF and version.status is VersionStatus.ISSUED
            and version.stage is not VersionStage.RENDERED and version.audience is Audience.PUBLIC
            and version.instrument in PUBLISHED_INSTRUMENTS)


def by_code(session: Session, code: str) -> CodeRecord | None:
    """The issued instrument a verification code is printed on, or None (no issued document has it; a
    draft's code answers None too: a draft is not an instrument). Raises ValueError for text that
    cannot be a code (10 letters and digits, dashes and spaces ignored, any case). Caller's session."""
    normal = normalise_code(code)
    rows = list(session.scalars(_issued_pdfs().where(DocumentVersion.verification_code == normal)
                                .order_by(DocumentVersion.revision)))
    if not rows:
        return None
    first, last = rows[0], rows[-1]
    latest = _latest_of(session, last)
    sealed = next((row for row in rows if row.stage is not VersionStage.RENDERED), first)
    issued = sealed.issued_at or sealed.created_at
    public = is_public(last)
    return CodeRecord(normal, first.case.number, first.instrument, first.edition, first.version,
                      None if issued is None else issued.date(), tuple(_line(row) for row in rows),
                      latest.version if latest.version > last.version else None, public,
                      last.id if public else None)


# How many verifications may run at once on this machine, across every web worker and job thread:
# half the cores (at least one), so that the pages always have the other half (issue 13: verification
# is CPU-bound and must not starve the pages).
def trust_fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """What a verification's answer depends on besides the file and the record: the public trust
    material of the data directory (the CA, trusted roots, CRLs, chains) by name, size and time. An
    answer kept for a file is good while this and the record's revision stay the same. No session."""
    directory = pki_dir(data_dir)
    found = []
    for folder in ("ca", "trust", "crl", "chains"):
        for path in sorted((directory / folder).glob("*.pem")):
            stat = path.stat()
            found.append((f"{folder}/{path.name}", stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def verifier_slots() -> int:
    return max(1, (os.cpu_count() or 1) // 2)


@contextmanager
def verifier_slot(data_dir: Path) -> Iterator[bool]:
    """Take a free verification slot for the duration of the block (yields True), or yield False at
    once when every slot is taken: the caller refuses ("busy, retry in a few seconds") rather than
    queueing, because a waiting sync worker would be a worker the pages cannot use. The slots are
    lock files of the data directory (flock: released by the kernel if the process dies). No session."""
    folder = data_dir / "verify-slots"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(verifier_slots()):
        handle = open(folder / f"{number}.lock", "a+b")  # noqa: SIM115 - held for the block below
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    yield False
