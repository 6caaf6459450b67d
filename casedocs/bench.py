"""`casedocs bench`: the warm pool against what a user would run instead, in the same run.

Documents: one of each instrument of the demo's cases, zh and en (46; 6 with --quick),
PDF/A-2b. Measured in this order, wall seconds per PDF (and CPU seconds per PDF, because
the machine may be shared and its cores are what the pool is made of):

1. rendering only: context and docxtpl, no conversion;
2. the pool, cold cache: render and convert, the first rendering of each document;
3. the pool, warm cache: the same requests again, nothing changed in the record, so
   the documents are found and nothing is converted (issue 8);
4. conversion only, the same DOCX files three ways:
   - `soffice --headless --convert-to pdf` once per document, with ONE user profile
     reused, as a user runs it (the profile exists before timing, as a user's does);
   - one warm LibreOffice converting one document at a time (Gotenberg's model);
   - the pool.

Ratios come from these same figures. Timings are printed, never asserted: the
machine decides. Pool start-up and each LibreOffice's first document (loading
Writer itself) happen before timing, and the templates have been rendered once
(compiled), as in a service that has been running; the record is new to it.
"""
from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from docgen.conversion import ConverterPool, convert_naive
from docgen.locale import Edition
from docgen.service import Request

Echo = Callable[[str], None]
QUICK_INSTRUMENTS = 3


@dataclass
class Measure:
    label: str
    count: int
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds of this process and of the LibreOffices doing the work

    @property
    def per_pdf(self) -> float:
        return self.seconds / self.count if self.count else 0.0

    @property
    def cpu_per_pdf(self) -> float:
        return self.cpu / self.count if self.count else 0.0


def _cpu_of(pids: Sequence[int]) -> float:
    """CPU seconds used so far by the live processes ``pids`` (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _pool_pids(pool: ConverterPool) -> list[int]:
    return [pid for info in pool.processes() for pid in info.member_pids]


@contextmanager
def _measuring(measure: Measure, pids: Callable[[], Sequence[int]] = list) -> Iterator[Measure]:
    """Time the block; CPU of this process, of ``pids`` (a pool's processes) and of waited-for children."""
    watched = list(pids())

    def cpu() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + _cpu_of(watched) + children.ru_utime + children.ru_stime

    cpu_before, start = cpu(), time.perf_counter()
    yield measure
    measure.seconds, measure.cpu = time.perf_counter() - start, cpu() - cpu_before


def one_of_each(app: App, instruments: int | None = None) -> list[tuple[str, Request]]:
    """(case number, request) for each instrument once (or the first ``instruments``), zh and en."""
    chosen: dict[str, tuple[str, Request]] = {}
    with app.documents(pdf=False) as (proc, docs):
        for case in proc.all_cases():
            for request in docs.requests_for(case, [Edition.ZH]):
                chosen.setdefault(request.instrument, (case.number, request))
    picked = list(chosen.values())[:instruments]
    return [(number, Request(r.instrument, edition, r.subject)) for number, r in picked
            for edition in (Edition.ZH, Edition.EN)]


def _render_plan(app: App, plan: list[tuple[str, Request]], formats: Sequence[str],
                 out: Path | None = None, *, cache: bool = True) -> int:
    """Render the plan case by case (the pool converts one case's batch while it renders it).

    Without ``cache`` every document is rendered anew and left out of the cache, so that the
    next (cached) run still finds nothing: it measures a new record, not a re-render.
    """
    by_case: dict[str, list[Request]] = {}
    for number, request in plan:
        by_case.setdefault(number, []).append(request)
    done = 0
    rendering = app.rendering(pdf="pdf" in formats)
    with app.procedure() as proc:
        docs = (rendering if cache else replace(rendering, cache=None)).service(proc.session, proc.actor)
        for number, requests in by_case.items():
            for rendered in docs.render_many(proc.get_case(number), requests, formats):
                if out is not None:
                    (out / f"{number}-{rendered.name}.docx").write_bytes(rendered.docx)
                done += 1
    return done


def _warm_up(pool: ConverterPool, docx: bytes) -> None:
    """Each process's first document loads Writer itself (~0.5 s): a running service paid it long ago."""
    list(pool.convert_many((f"warm-up-{i}", docx) for i in range(2 * pool.size)))


def bench_rendering(app: App, work: Path, echo: Echo, *, quick: bool = False) -> list[Measure]:
    plan = one_of_each(app, QUICK_INSTRUMENTS if quick else None)
    n = len(plan)
    pool_size = app.settings.converter_processes
    echo(f"documents: {n} ({n // 2} instruments × zh, en), PDF/A-2b; {os.cpu_count()} cores; "
         f"pool of {pool_size} warm LibreOffice process(es)")
    docx_dir = work / "docx"
    docx_dir.mkdir()

    _render_plan(app, plan, ["docx"], docx_dir, cache=False)  # compiles the templates; the files for 4.
    render_only = Measure("render only (context + docxtpl), no PDF", n)
    with _measuring(render_only):
        _render_plan(app, plan, ["docx"], cache=False)
    files = sorted(docx_dir.glob("*.docx"))
    start = Measure("pool start (once per service) + first document", 1)
    with _measuring(start):
        pool = app.pool()
        _warm_up(pool, files[0].read_bytes())
    before = pool.stats.conversions
    cold = Measure("pool, cold cache: render + convert", n)
    with _measuring(cold, lambda: _pool_pids(pool)):
        _render_plan(app, plan, ["docx", "pdf"])
    warm = Measure("pool, warm cache: same record again", n)
    middle = pool.stats.conversions
    with _measuring(warm, lambda: _pool_pids(pool)):
        _render_plan(app, plan, ["docx", "pdf"])
    echo(f"  conversions: cold {middle - before}, warm {pool.stats.conversions - middle}")

    docs = [(path.name, path.read_bytes()) for path in files]
    pooled = Measure(f"the pool ({pool_size} processes)", len(docs))
    with _measuring(pooled, lambda: _pool_pids(pool)):
        for _ in pool.convert_many(docs):
            pass
    with ConverterPool(1, app.settings.conversion_timeout, work / "one",
                       uno_python=app.settings.uno_python) as single:
        _warm_up(single, docs[0][1])
        one_warm = Measure("one warm LibreOffice, one at a time (Gotenberg)", len(docs))
        with _measuring(one_warm, lambda: _pool_pids(single)):
            for name, docx in docs:
                single.convert(docx, name=name)
    profile = work / "soffice-profile"
    convert_naive(files[0], work / "naive", timeout=app.settings.conversion_timeout, profile=profile)
    naive = Measure("soffice --convert-to pdf, one reused profile", len(files))
    with _measuring(naive):
        for path in files:
            convert_naive(path, work / "naive", timeout=app.settings.conversion_timeout, profile=profile)
    return [start, render_only, cold, warm, naive, one_warm, pooled]


def report(measures: list[Measure], echo: Echo) -> None:
    start, render_only, cold, warm, naive, one_warm, pooled = measures
    echo(f"  {start.label:<52} {start.seconds:7.2f} s")
    echo(f"  {'':<52} {'s/PDF':>7}  {'CPU s/PDF':>9}")
    for measure in (render_only, cold, warm):
        echo(f"  {measure.label:<52} {measure.per_pdf:7.3f}  {measure.cpu_per_pdf:9.3f}")
    echo("  conversion only, the same DOCX files:")
    for measure in (naive, one_warm, pooled):
        echo(f"    {measure.label:<50} {measure.per_pdf:7.3f}  {measure.cpu_per_pdf:9.3f}")
    echo("  ratios (same run):")
    ratios = [
        ("soffice (reused profile) / pool, render + convert", naive.per_pdf, cold.per_pdf),
        ("soffice (reused profile) / pool, conversion only", naive.per_pdf, pooled.per_pdf),
        ("one warm LibreOffice / pool, conversion only", one_warm.per_pdf, pooled.per_pdf),
        ("cold cache / warm cache, render + convert", cold.per_pdf, warm.per_pdf),
    ]
    for label, slower, faster in ratios:
        echo(f"    {label:<50} {slower / faster if faster else float('inf'):6.1f}×")
    echo(f"  goal: ≥ 8× against soffice with a reused profile, ≤ 0.11 s per PDF (render + convert, cold): "
         f"{naive.per_pdf / cold.per_pdf if cold.per_pdf else float('inf'):.1f}×, {cold.per_pdf:.3f} s")


def run(echo: Echo, data_dir: Path | None = None, *, quick: bool = False) -> None:
    """Rendering and conversion (see the module docstring), then signing unless ``quick``."""
    with tempfile.TemporaryDirectory(prefix="casedocs-bench-") as tmp:
        work = Path(tmp)
        app = App(Settings.load(data_dir or work / "data"))
        try:
            app.init()
            with app.procedure(actor="bench") as proc:
                run_demo_cases(proc)
            measures = bench_rendering(app, work, echo, quick=quick)
        finally:
            app.close()
    report(measures, echo)
    if quick:
        echo("signing: skipped (--quick)")
        return
    echo("signing (local time-stamp authority, ECDSA P-256; targets ≤ 50 ms per signature and per validated "
         "signature, ≤ 150 ms per monitoring update):")
    from signing import bench as signing_bench

    signing_bench.run(lambda line: echo(f"  {line}"))
