"""The crash test's machinery (tests/test_crash_safety.py): run a command in a forked process, kill it,
look for what it left running, and check a data directory's record against its stored PDFs.

Commands run in processes forked from the test process, which has imported everything already: the
kill lands in the act, not in the two seconds Python spends importing pyHanko and SQLAlchemy. The
child is otherwise the command as a user runs it: `casedocs.cli.main` with its arguments, its own
environment (read by Settings only), its stdout and stderr in a log file.
"""
from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedocs.services.verification import verify_pdf
from cases.db import Database
from cases.errors import CaseError
from cases.lifecycle import DocumentKind, DocumentState
from cases.models import AuditEvent, DocumentVersion, Exhibit, MonitoringUpdate, SignedDocument
from cases.store import BlobStore
from signing.pdfdoc import document_state, open_reader

TRIAL_MARKER = "CASEDOCS_TRIAL"  # in the environment of a trial's commands and of everything they start


def fork_command(arguments: list[str], environment: dict[str, str], log: Path) -> int:
    """Run `casedocs <arguments>` in a forked child; its PID."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        sys.stdout = open(1, "w", closefd=False)  # the test runner's capture objects stay behind
        sys.stderr = open(2, "w", closefd=False)
        sys.stdin = open(os.devnull)
        for name in [n for n in os.environ if n.startswith("CASEDOCS_")]:
            del os.environ[name]
        os.environ.update(environment)
        from casedocs.cli import main

        try:
            main.main(args=arguments, prog_name="casedocs")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # a traceback is a failure the test reports, with the log
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


@dataclass(frozen=True)
class Ended:
    killed: bool  # by our SIGKILL (or its own, at a crash point)
    exit_code: int | None
    seconds: float


def wait(pid: int, kill_after: float | None = None, timeout: float = 300.0) -> Ended:
    """Wait for the child; with `kill_after`, SIGKILL it then if it still runs."""
    start = time.monotonic()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        elapsed = time.monotonic() - start
        if done:
            if os.WIFSIGNALED(status):
                return Ended(os.WTERMSIG(status) == signal.SIGKILL, None, elapsed)
            return Ended(False, os.WEXITSTATUS(status), elapsed)
        if (kill_after is not None and elapsed >= kill_after) or elapsed > timeout:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            return Ended(True, None, time.monotonic() - start)
        time.sleep(0.002)


def processes_marked(marker: str) -> list[str]:
    """Live processes whose environment carries `marker` (started by a trial's command, at any depth)."""
    needle = f"{TRIAL_MARKER}={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if needle in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                    found.append(f"{entry} {Path(f'/proc/{entry}/comm').read_text().strip()}")
        except OSError:
            continue  # gone meanwhile, or not ours
    return found


def kill_marked(marker: str) -> None:
    """End every process a trial's commands started (by PID, each carrying the trial's marker)."""
    for found in processes_marked(marker):
        try:
            os.kill(int(found.split()[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass


def leftovers(marker: str, patience: float) -> list[str]:
    """What still runs of a killed command after `patience` seconds (its LibreOffices end themselves
    when they see their parent gone: docgen.conversion.uno_worker)."""
    deadline = time.monotonic() + patience
    while True:
        found = processes_marked(marker)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


@dataclass(frozen=True)
class Baseline:
    """The prepared record, for telling what a trial changed."""

    latest: dict[int, str]  # document -> latest sha256
    updates: int
    appended: dict[str, int]  # edition -> monitoring slots used over its closure reports


def baseline(url: str) -> Baseline:
    db = Database(url)
    try:
        with db.session() as session:
            documents = list(session.scalars(select(SignedDocument)))
            return Baseline({d.id: d.latest_sha256 for d in documents},
                            len(session.scalars(select(MonitoringUpdate.id)).all()), _appended(documents))
    finally:
        db.dispose()


def _appended(documents: list[SignedDocument]) -> dict[str, int]:
    used: Counter[str] = Counter()
    for d in documents:
        if d.kind is DocumentKind.CLOSURE_REPORT:
            used[d.edition] += d.monitoring_used
    return dict(used)


def record_problems(data: Path, url: str, before: Baseline) -> list[str]:
    """Where the record and the stored PDFs disagree, or a stored file is missing, or a changed PDF
    does not verify. Checked: every signature field filled in a document's latest PDF is signed in
    the record and the other way round; monitoring slots used and counted; frozen in both or neither;
    every revision recorded once; an audit event for every signature, update, seal and freeze; as
    many monitoring updates recorded (since the baseline) as appended to each edition's reports."""
    problems: list[str] = []
    store = BlobStore(data / "store")
    db = Database(url)
    try:
        with db.session() as session:
            events: dict[int, Counter[str]] = {}
            for event in session.scalars(select(AuditEvent)):
                if isinstance(event.detail.get("document"), int):
                    events.setdefault(event.detail["document"], Counter())[event.action] += 1
            documents = list(session.scalars(select(SignedDocument).order_by(SignedDocument.id)))
            for document in documents:
                problems += [f"document {document.id}: {p}"
                             for p in _document_problems(session, store, data, document, events.get(document.id),
                                                         changed=before.latest.get(document.id) != document.latest_sha256)]
            updates = len(session.scalars(select(MonitoringUpdate.id)).all()) - before.updates
            for edition, used in _appended(documents).items():
                if used - before.appended.get(edition, 0) != updates:
                    problems.append(f"{updates} monitoring update(s) recorded, {used - before.appended.get(edition, 0)} "
                                    f"appended to the {edition} closure reports")
            for exhibit in session.scalars(select(Exhibit)):
                try:
                    store.get(exhibit.sha256)
                except CaseError as error:
                    problems.append(f"exhibit {exhibit.id}: {error}")
    finally:
        db.dispose()
    temporary = sorted(str(p) for p in (data / "store").glob("*/.incoming-*"))
    if temporary:
        problems.append(f"temporary store files left: {temporary}")
    return problems


def _document_problems(session: Session, store: BlobStore, data: Path, document: SignedDocument,
                       events: Counter[str] | None, *, changed: bool) -> list[str]:
    events = events or Counter()
    problems = []
    if document.state is DocumentState.FREEZING:
        problems.append("left in state freezing")
    try:
        pdf = store.get(document.latest_sha256)
    except CaseError as error:
        return [str(error)]
    state = document_state(open_reader(pdf))
    filled = {f.name for f in state.fields if f.filled}
    recorded = {s.field for s in document.slots if s.signed_at is not None}
    in_pdf = {s.field for s in document.slots if s.field in filled}
    if recorded != in_pdf:
        problems.append(f"signed in the record {sorted(recorded)}, in the PDF {sorted(in_pdf)}")
    used = sum(1 for f in state.monitoring_slots if f.filled)
    if used != document.monitoring_used:
        problems.append(f"{document.monitoring_used} monitoring slot(s) counted, {used} filled")
    if state.frozen != (document.state is DocumentState.FROZEN) or state.frozen != (document.frozen_at is not None):
        problems.append(f"state {document.state.value} (frozen_at {document.frozen_at}), PDF frozen {state.frozen}")
    revisions = session.execute(select(DocumentVersion.revision, DocumentVersion.sha256).where(
        DocumentVersion.case_id == document.case_id, DocumentVersion.instrument == document.instrument,
        DocumentVersion.subject == document.subject, DocumentVersion.edition == document.edition,
        DocumentVersion.version == document.version, DocumentVersion.audience == document.audience,
        DocumentVersion.format == "pdf", DocumentVersion.revision > 0)).all()
    numbers = sorted(r for r, _ in revisions)
    if numbers != list(range(1, document.revision + 1)):
        problems.append(f"revision {document.revision}, versions recorded {numbers}")
    elif dict(revisions)[document.revision] != document.latest_sha256:
        problems.append("the latest version recorded is not the latest revision")
    expected = {"seal_document": 1, "sign_document": len(recorded), "append_monitoring_update": used,
                "freeze_document": int(state.frozen)}
    found = {action: events.get(action, 0) for action in expected}
    if found != expected:
        problems.append(f"audit events {found}, expected {expected}")
    if changed:
        report = verify_pdf(data, pdf)
        if not report.valid:
            problems.append(f"does not verify: {'; '.join(report.reasons)}")
    return problems
