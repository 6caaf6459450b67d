"""Long work outside the request that asked for it: rendering a whole case, issuing, signing, a
LibreOffice that is starting up (issue 10: "long work never blocks a request").

A job is a row (cases.jobs.Job) and a registered function::

    @job("render_case")
    def render_case(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
        ctx.progress(0.5, "rendering")
        return {"documents": 12}          # stored as the job's result (JSON)

    job_id = jobs.submit("render_case", {"case": "2026-001"}, who=actor, account_id=...)

Params are ids and values, never objects: the function may run in another process. Two runners:

- `ThreadRunner` (default, no broker): worker threads in the web process take queued jobs from the
  database (a compare-and-swap claim, so several web workers never take the same job);
- Celery (`CASEDOCS_BROKER_URL`): web.tasks sends the job id to `casedocs worker`.

Either way the record is the only state: a job page reads the same in every web worker.

A job left `running` by a process that died (its heartbeat older than STALE_AFTER) is marked
FAILED, not re-run: issuing and signing must not happen twice, and a person can ask again after
reading what happened. Jobs still `queued` when a process stopped are simply taken by the next runner.

Session rule: own sessions (every function opens and commits its own).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cases.jobs import Job, JobState
from cases.models import utcnow
from casedocs.app import App

_log = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=60)
HEARTBEAT_EVERY = 10.0
POLL_EVERY = 2.0

JobFunction = Callable[["JobContext", dict[str, Any]], "dict[str, Any] | None"]
_KINDS: dict[str, JobFunction] = {}


class UnknownJobKind(ValueError):
    pass


def job(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under `kind` (the name stored in the job's row)."""
    def register(function: JobFunction) -> JobFunction:
        if kind in _KINDS and _KINDS[kind] is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        _KINDS[kind] = function
        return function
    return register


def kinds() -> list[str]:
    return sorted(_KINDS)


@dataclass
class JobContext:
    """What a job function gets: the App (database, store, pool) and a way to report progress."""

    app: App
    job_id: int
    who: str

    def progress(self, fraction: float, note: str = "") -> None:
        with self.app.db.session() as db:
            db.execute(update(Job).where(Job.id == self.job_id).values(
                progress=min(max(fraction, 0.0), 1.0), note=note[:300], updated_at=utcnow(), heartbeat_at=utcnow()))


@dataclass(frozen=True)
class JobStatus:
    """A job as its page and its JSON show it."""

    id: int
    kind: str
    state: JobState
    progress: float
    note: str
    result: dict[str, Any] | None
    error: str | None
    who: str
    account_id: int | None
    case_number: str | None
    created_at: str
    updated_at: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "state": self.state.value, "progress": self.progress,
                "note": self.note, "result": self.result, "error": self.error, "case": self.case_number,
                "created_at": self.created_at, "updated_at": self.updated_at}


class Dispatcher(Protocol):
    """Starts a queued job somewhere: the thread runner's wake-up, or a Celery message."""

    name: str

    def dispatch(self, job_id: int) -> None: ...

    def health(self) -> dict[str, Any]: ...


def runner_name() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Jobs:
    """Submit jobs and read them back; `dispatcher` decides where they run."""

    def __init__(self, app: App, dispatcher: Dispatcher) -> None:
        self.app = app
        self.dispatcher = dispatcher

    def submit(self, kind: str, params: dict[str, Any], *, who: str, account_id: int | None = None,
               case_number: str | None = None, with_job: Callable[[Session, int], None] | None = None) -> int:
        """Queue a job; `with_job(session, job_id)` records what goes with it in the same transaction
        (the web's answer to the request that asked for it, web.once)."""
        if kind not in _KINDS:
            raise UnknownJobKind(f"unknown job kind {kind!r}; registered: {', '.join(kinds()) or 'none'}")
        with self.app.db.session() as db:
            row = Job(kind=kind, params=params, state=JobState.QUEUED, who=who, account_id=account_id,
                      case_number=case_number)
            db.add(row)
            db.flush()
            job_id = row.id
            if with_job is not None:
                with_job(db, job_id)
        self.dispatcher.dispatch(job_id)
        return job_id

    def status(self, job_id: int) -> JobStatus | None:
        if not 0 < job_id < 2**31:  # an id from a URL that no integer column holds: no such job
            return None
        fail_stale(self.app)
        with self.app.db.session() as db:
            row = db.get(Job, job_id)
            if row is None:
                return None
            return JobStatus(row.id, row.kind, row.state, row.progress, row.note, row.result, row.error, row.who,
                             row.account_id, row.case_number, row.created_at.isoformat(), row.updated_at.isoformat())

    def counts(self) -> dict[str, int]:
        with self.app.db.session() as db:
            rows = db.execute(select(Job.state, func.count()).where(Job.state.in_([JobState.QUEUED, JobState.RUNNING]))
                              .group_by(Job.state)).all()
        found = {state.value: count for state, count in rows}
        return {"queued": found.get("queued", 0), "running": found.get("running", 0)}

    def health(self) -> dict[str, Any]:
        return {**self.dispatcher.health(), **self.counts()}


def claim(app: App, job_id: int, runner: str) -> bool:
    """Take a queued job for this runner: one UPDATE ... WHERE state = queued, so one runner wins."""
    with app.db.session() as db:
        taken = db.execute(update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED).values(
            state=JobState.RUNNING, runner=runner, heartbeat_at=utcnow(), updated_at=utcnow()))
        return bool(taken.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE


def next_queued(app: App) -> int | None:
    with app.db.session() as db:
        return db.scalars(select(Job.id).where(Job.state == JobState.QUEUED).order_by(Job.id).limit(1)).first()


def execute(app: App, job_id: int, runner: str) -> bool:
    """Claim the job and run it to DONE or FAILED; False when another runner had it already."""
    if not claim(app, job_id, runner):
        return False
    with app.db.session() as db:
        row = db.get(Job, job_id)
        assert row is not None
        kind, params, who = row.kind, dict(row.params), row.who
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(app, job_id, stop), name=f"job-{job_id}-heartbeat", daemon=True)
    beat.start()
    try:
        function = _KINDS.get(kind)
        if function is None:
            raise UnknownJobKind(f"unknown job kind {kind!r} (is its module imported by this worker?)")
        result = function(JobContext(app, job_id, who), params) or {}
        _finish(app, job_id, JobState.DONE, result=result)
    except Exception as error:  # any failure of the work is the job's result, shown on its page
        _log.warning("job %s (%s) failed:\n%s", job_id, kind, traceback.format_exc())
        _finish(app, job_id, JobState.FAILED, error=str(error) or type(error).__name__)
    finally:
        stop.set()
    return True


def _finish(app: App, job_id: int, state: JobState, *, result: dict[str, Any] | None = None,
            error: str | None = None) -> None:
    with app.db.session() as db:
        db.execute(update(Job).where(Job.id == job_id).values(
            state=state, result=result, error=error, updated_at=utcnow(),
            progress=1.0 if state is JobState.DONE else Job.progress))


def _heartbeat(app: App, job_id: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_EVERY):
        try:
            with app.db.session() as db:
                db.execute(update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING)
                           .values(heartbeat_at=utcnow()))
        except Exception:
            _log.exception("job %s: heartbeat not recorded", job_id)


def fail_stale(app: App) -> int:
    """Mark FAILED the running jobs whose process stopped beating (see the module's docstring)."""
    cutoff = utcnow() - STALE_AFTER
    with app.db.session() as db:
        done = db.execute(update(Job).where(Job.state == JobState.RUNNING, Job.heartbeat_at < cutoff).values(
            state=JobState.FAILED, updated_at=utcnow(),
            error="interrupted: the process running this job stopped; it was not run again "
                  "(issuing and signing must not happen twice). Check the case, then ask again."))
        return int(done.rowcount)  # type: ignore[attr-defined]  # a CursorResult for an UPDATE


class ThreadRunner:
    """Worker threads in this process that run queued jobs (no broker)."""

    name = "threads"

    def __init__(self, app: App, threads: int) -> None:
        self.app = app
        self.threads = threads
        self.runner = runner_name()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def start(self) -> None:
        try:
            failed = fail_stale(self.app)
            if failed:
                _log.warning("%d job(s) left running by a stopped process marked failed", failed)
        except Exception as error:  # the database may be down at start: /healthz says so, the workers retry
            _log.warning("jobs: could not check for interrupted jobs at start: %s", type(error).__name__)
        for n in range(self.threads):
            worker = threading.Thread(target=self._loop, name=f"casedocs-job-{n}", daemon=True)
            worker.start()
            self._workers.append(worker)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        for worker in self._workers:
            worker.join(timeout)

    def dispatch(self, job_id: int) -> None:
        self._wake.set()

    def health(self) -> dict[str, Any]:
        alive = sum(worker.is_alive() for worker in self._workers)
        return {"runner": self.name, "threads": self.threads, "alive": alive}

    def healthy(self) -> bool:
        return all(worker.is_alive() for worker in self._workers) and len(self._workers) == self.threads

    def _loop(self) -> None:
        last_problem = ""
        while not self._stop.is_set():
            try:
                job_id = next_queued(self.app)
                last_problem = ""
                if job_id is not None:
                    execute(self.app, job_id, self.runner)
                    continue
            except Exception as error:  # a database hiccup must not kill the worker thread
                problem = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                if problem != last_problem:  # said once, not every poll
                    _log.warning("jobs: cannot read the queue (%s); retrying every %s s", problem, POLL_EVERY)
                last_problem = problem
            self._wake.wait(POLL_EVERY)
            self._wake.clear()
