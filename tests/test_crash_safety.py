"""Issue 9: `kill -9` of `issue`, `sign`, `monitor`, the freeze and `case import`, at many points of
each, on SQLite and PostgreSQL, leaves a record that a retry completes.

After each kill: the command run again succeeds; `casedocs audit verify` passes; every changed or new
signed PDF verifies; the record matches the PDFs (every signature, monitoring update and freeze in a
document's latest PDF is in the record and the other way round, with its revision and audit event;
as many updates recorded as appended to each edition); no temporary store file is left; and nothing
the killed command started still runs.

Where the kills land. Each act names the narrow windows that matter (cases.crashpoints): the new
revision computed, its bytes stored, recorded but not committed, committed; a store file written
but not renamed; a continuation issued; a rendering recorded. A plan file (its path from Settings,
via CASEDOCS_CRASH_POINTS) makes the command SIGKILL itself there: deterministic, and it hits windows
of microseconds that a timer would almost never hit. The rest of each act's 30 kills are timed,
spread evenly over the act's measured duration, so they also land where no point can be named:
inside SQLite's commit, pyHanko, LibreOffice's conversion. Commands are forked from this process,
which has imported everything, so the time is the act's, not Python's start-up.

A retry after a kill that came after the commit repeats the act: `sign` answers that the field is
signed, while `issue`, `monitor` and `case import` issue, record or import a second time (they take
no idempotency key); the record must be consistent either way, and is checked so.

Cost: every trial copies one prepared data directory (a PostgreSQL database is copied from a
template); trials run two at a time (the CI machine's two cores). About 5 to 6.5 minutes per
database on two cores shared with other work, most of it LibreOffice starting for `issue` and
pyHanko validating the frozen documents.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import casedocs.cli  # noqa: F401  # imported before forking: the children start warm
import signing.verify  # noqa: F401
from conftest import POSTGRES_ADMIN_URL, _postgres_answers
from crash_harness import (
    TRIAL_MARKER,
    Baseline,
    baseline,
    fork_command,
    kill_marked,
    leftovers,
    record_problems,
    wait,
)
from signing_records import NUMBER, Prepared, copy_data, prepare

pytestmark = pytest.mark.slow

KILLS_PER_ACT = 30
PARALLEL = 2
REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scenario:
    """One way to run an act: on which prepared record, with what command, killed at which points."""

    act: str
    name: str
    prepared: str  # key of the prepared data directory
    command: Callable[[Prepared, Path], list[str]]  # (the prepared record, the trials' shared folder)
    points: tuple[tuple[str, int], ...]
    kills: int  # named points plus timed kills
    uses_libreoffice: bool = False


def _monitor(prepared: Prepared, _: Path) -> list[str]:
    return ["monitor", NUMBER, "--obligation", str(prepared.obligation), "--status", "in_progress", "--text",
            "第三次监测：取样点水质达标。Sampling points within limits.", "--monitor", prepared.monitor,
            "--on", "2026-11-20", "--passphrase-env", "MONITOR_PASS"]


def _act(name: str, n: int = 1) -> tuple[str, int]:
    return (name, n)


_COMMITTING = (_act("act.computed"), _act("act.stored"), _act("act.recorded"), _act("act.committed"))
SCENARIOS = (
    Scenario("sign", "sign a field", "open",
             lambda p, _: ["sign", str(p.agreement), "--person", p.signatories[1], "--passphrase-env", "SIGNATORY_PASS"],
             (*_COMMITTING, _act("store.written")), KILLS_PER_ACT),
    Scenario("freeze", "sign the last field, which freezes", "three signed",
             lambda p, _: ["sign", str(p.agreement), "--person", p.signatories[3], "--passphrase-env", "SIGNATORY_PASS"],
             (*_COMMITTING, _act("store.written"), _act("store.written", 2)), KILLS_PER_ACT),
    Scenario("monitor", "append an update to both editions", "open", _monitor,
             (*_COMMITTING, _act("store.written"), _act("store.written", 2)), 20),
    Scenario("monitor", "append the last slot's update to both editions, which freezes them", "three signed",
             _monitor, (_act("act.computed"), _act("store.written", 4), _act("act.recorded"), _act("act.committed")), 4),
    Scenario("monitor", "append to continuations issued for both editions", "reports full", _monitor,
             (_act("issue.recorded"), _act("monitoring.continued"), _act("issue.recorded", 2),
              _act("monitoring.continued", 2), _act("act.recorded")), 6, uses_libreoffice=True),
    Scenario("issue", "issue a co-signed instrument", "open",
             lambda p, _: ["issue", NUMBER, "agreement", "--lang", "en"],
             (_act("store.written"), _act("store.written", 3), _act("issue.recorded"), _act("issue.committed")),
             KILLS_PER_ACT, uses_libreoffice=True),
    Scenario("case import", "import an application with new exhibits", "open",
             lambda p, shared: ["case", "import", str(shared / "application" / "application.json")],
             (_act("store.written"), _act("store.written", 2), _act("store.written", 3)), KILLS_PER_ACT),
)
# The prepared records: "open" takes an update without filling its reports (4 slots, 1 used), so
# that a retry after a committed update needs no continuation either.
PREPARATIONS = {"open": dict(signed=1, updates=1, monitoring_slots=4),
                "three signed": dict(signed=3, updates=1, monitoring_slots=2),
                "reports full": dict(signed=3, updates=2, monitoring_slots=2)}


@dataclass(frozen=True)
class Trial:
    scenario: Scenario
    prepared: Prepared
    before: Baseline
    workdir: Path
    postgres_template: str | None = None
    point: tuple[str, int] | None = None
    kill_after: float | None = None
    label: str = field(default="", compare=False)


def _database(trial: Trial, data: Path) -> tuple[str, Callable[[], None]]:
    """The trial's database: SQLite in its copied data directory, or a copy of the PostgreSQL template."""
    if trial.postgres_template is None:
        return f"sqlite:///{data / 'casedocs.sqlite3'}", lambda: None
    name = f"casedocs_trial_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(20):
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{trial.postgres_template}"'))
                break
            except Exception:  # another trial copying the template at the same moment: try again
                if attempt == 19:
                    raise
                time.sleep(0.1)
    finally:
        admin.dispose()

    def drop() -> None:
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False), drop


def _tail(path: Path, lines: int = 12) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def run_trial(trial: Trial) -> dict[str, Any]:
    """Kill the command as the trial says, retry it, check everything (in a process of its own)."""
    phases: dict[str, float] = {}
    clock = time.monotonic()

    def phase(name: str) -> None:
        nonlocal clock
        phases[name] = round(time.monotonic() - clock, 3)
        clock = time.monotonic()

    data = copy_data(trial.prepared, trial.workdir / "data")
    url, drop = _database(trial, data)
    phase("copy")
    problems: list[str] = []
    marker = uuid.uuid4().hex
    try:
        environment = {**trial.prepared.environment(data, url if trial.postgres_template else None),
                       TRIAL_MARKER: marker}
        arguments = trial.scenario.command(trial.prepared, trial.workdir.parent.parent)
        planned = dict(environment)
        if trial.point:
            plan = trial.workdir / "crash-plan"
            plan.write_text(f"{trial.point[0]} {trial.point[1]}\n")
            planned["CASEDOCS_CRASH_POINTS"] = str(plan)
        first = wait(fork_command(arguments, planned, trial.workdir / "killed.log"), trial.kill_after)
        if trial.point and not first.killed:
            problems.append(f"crash point {trial.point} never reached: {_tail(trial.workdir / 'killed.log')}")
        if not first.killed and first.exit_code != 0:
            problems.append(f"the command failed without a kill: {_tail(trial.workdir / 'killed.log')}")
        phase("killed")
        left = leftovers(marker, patience=10.0)
        if left:
            problems.append(f"still running after the kill: {left}")
        phase("leftovers")
        retry = wait(fork_command(arguments, environment, trial.workdir / "retry.log"))
        if retry.exit_code != 0:
            problems.append(f"the retry failed: {_tail(trial.workdir / 'retry.log')}")
        phase("retry")
        audit = wait(fork_command(["audit", "verify"], environment, trial.workdir / "audit.log"))
        if audit.exit_code != 0:
            problems.append(f"audit verify failed: {_tail(trial.workdir / 'audit.log')}")
        phase("audit")
        left = leftovers(marker, patience=10.0)
        if left:
            problems.append(f"still running after the retry: {left}")
        problems += record_problems(data, url, trial.before)
        phase("checks")
        pools = sorted(p.name for p in (data / "converters").glob("lo-pool-*")) if trial.scenario.uses_libreoffice \
            else []
        if pools and trial.scenario.act == "issue":  # the retry started a pool: it removes the abandoned ones
            problems.append(f"converter folders left: {pools}")
        return {"killed": first.killed, "seconds": first.seconds, "retry_seconds": retry.seconds, "problems": problems,
                "phases": phases}
    finally:
        kill_marked(marker)  # what a failing trial left running: reported above, ended here
        drop()
        if not problems:
            shutil.rmtree(trial.workdir, ignore_errors=True)


def run_trials(trials: list[Trial]) -> list[tuple[Trial, dict[str, Any]]]:
    """Each trial in a forked process of its own, PARALLEL at a time."""
    pending, results = list(trials), []
    running: dict[int, Trial] = {}
    while pending or running:
        while pending and len(running) < PARALLEL:
            trial = pending.pop(0)
            trial.workdir.mkdir(parents=True)
            pid = os.fork()
            if pid == 0:
                try:
                    outcome = run_trial(trial)
                except BaseException:
                    outcome = {"problems": [traceback.format_exc()]}
                finally:
                    try:
                        (trial.workdir.parent / f"{trial.workdir.name}.json").write_text(json.dumps(outcome))
                    finally:
                        os._exit(0)
            running[pid] = trial
        for pid in list(running):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                trial = running.pop(pid)
                result_file = trial.workdir.parent / f"{trial.workdir.name}.json"
                results.append((trial, json.loads(result_file.read_text()) if result_file.exists()
                                else {"problems": ["the trial's process died"]}))
        time.sleep(0.02)
    return results


def _timed(trial: Callable[..., Trial], scenario: Scenario, n: int, span: float) -> list[Trial]:
    """`n` kills spread evenly over the first `span` seconds of the act."""
    return [trial(scenario, f"after {after:.3f} s", kill_after=after) for after in (span * (i + 0.5) / n for i in range(n))]


def _import_document(target: Path) -> None:
    """The sample application with exhibits the prepared store does not hold yet (so they are written)."""
    sample = REPO / "examples" / "sample-case"
    shutil.copytree(sample, target)
    for exhibit in (target / "exhibits").iterdir():
        exhibit.write_text(exhibit.read_text() + "\n(crash-test copy)\n")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "postgres":
        reason = _postgres_answers()
        if reason:
            pytest.skip(reason)
    yield request.param


def test_a_command_killed_at_any_point_leaves_a_record_that_a_retry_completes(
        backend: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp(f"crash-{backend}")
    _import_document(root / "application")
    templates: dict[str, str] = {}
    prepared: dict[str, Prepared] = {}
    try:
        for key, options in PREPARATIONS.items():
            url = None
            if backend == "postgres":
                name = f"casedocs_crash_{uuid.uuid4().hex[:10]}"
                admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
                admin.dispose()
                templates[key] = name
                url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
            prepared[key] = prepare(root / key.replace(" ", "-"), url, **options)
        before = {key: baseline(p.database_url) for key, p in prepared.items()}

        numbers = count(1)

        def trial(scenario: Scenario, label: str, **kill: Any) -> Trial:
            return Trial(scenario, prepared[scenario.prepared], before[scenario.prepared],
                         root / "trials" / f"{scenario.act.replace(' ', '-')}-{next(numbers)}",
                         templates.get(scenario.prepared), label=label, **kill)

        # First each scenario unkilled: it must work, and its duration spreads the timed kills.
        # Twice (the first also warms caches), keeping the shorter time.
        measured = run_trials([trial(scenario, "not killed") for scenario in SCENARIOS for _ in (1, 2)])
        unkilled_failures = [(t.scenario.name, r["problems"]) for t, r in measured if r["problems"]]
        assert not unkilled_failures, unkilled_failures
        duration: dict[Scenario, float] = {}
        for t, r in measured:
            duration[t.scenario] = min(r["seconds"], duration.get(t.scenario, r["seconds"]))
        started = time.monotonic()
        kills = []
        for scenario in SCENARIOS:
            kills += [trial(scenario, f"at {point[0]} #{point[1]}", point=point) for point in scenario.points]
            kills += _timed(trial, scenario, scenario.kills - len(scenario.points), 0.8 * duration[scenario])
        results = run_trials(kills)
        for _ in range(3):  # a timed kill that came after the act ended does not count: kill earlier
            short = {s: s.kills - sum(1 for t, r in results if t.scenario == s and r.get("killed")) for s in SCENARIOS}
            if not any(n > 0 for n in short.values()):
                break
            results += run_trials([t for s, n in short.items() if n > 0
                                   for t in _timed(trial, s, n, 0.5 * duration[s])])
        killed: dict[str, int] = {}
        for t, r in results:
            killed[t.scenario.act] = killed.get(t.scenario.act, 0) + bool(r.get("killed"))
        seconds: dict[str, float] = {}
        for t, r in results:
            seconds[t.scenario.act] = seconds.get(t.scenario.act, 0.0) + sum(r.get("phases", {}).values())
        print(f"\n{backend}: {len(results)} trials in {time.monotonic() - started:.0f} s; kills per act {killed}; "
              f"trial seconds per act { {a: round(s) for a, s in seconds.items()} }; unkilled durations "
              f"{[(s.name, round(d, 2)) for s, d in duration.items()]}")
        failures = [(t.scenario.name, t.label, str(t.workdir), r["problems"]) for t, r in results if r["problems"]]
        assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)
        assert len(killed) == 5 and all(n >= KILLS_PER_ACT for n in killed.values()), killed
    finally:
        if templates:
            admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                for name in templates.values():
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
