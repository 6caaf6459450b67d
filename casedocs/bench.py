"""`casedocs bench`: speed measured against the naive way, in the same run.

Rendering: the sample paperwork (one of each of the 23 instruments, zh and en, DOCX and
PDF) through the warm pool, then the same DOCX files with one `soffice --headless
--convert-to pdf` process per document. Wall times, not assertions: the machine decides.
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from casedocs.app import App
from casedocs.config import Settings
from casedocs.demo import run_demo_cases
from docgen.conversion import convert_naive
from docgen.locale import Edition
from docgen.service import Request


@dataclass(frozen=True)
class Measure:
    label: str
    seconds: float
    count: int

    @property
    def per_item(self) -> float:
        return self.seconds / self.count if self.count else 0.0


def _timed(call: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = call()
    return time.perf_counter() - start, count


def one_of_each(app: App) -> list[tuple[str, Request]]:
    """(case number, request) for each instrument once, zh and en, from the demo's cases."""
    chosen: dict[str, tuple[str, Request]] = {}
    with app.documents(pdf=False) as (proc, docs):
        for case in proc.all_cases():
            for request in docs.requests_for(case, [Edition.ZH]):
                chosen.setdefault(request.instrument, (case.number, request))
    return [(number, Request(r.instrument, edition, r.subject))
            for number, r in chosen.values() for edition in (Edition.ZH, Edition.EN)]


def bench_rendering(app: App, work: Path, echo: Callable[[str], None]) -> list[Measure]:
    plan = one_of_each(app)
    echo(f"rendering: {len(plan)} documents ({len(plan) // 2} instruments × zh, en), DOCX and PDF/A-2b, "
         f"{app.settings.converter_processes} warm LibreOffice process(es)")
    start_pool = time.perf_counter()
    with app.documents() as (proc, docs):
        started = time.perf_counter() - start_pool
        docx_files: list[Path] = []

        def pooled() -> int:
            by_case: dict[str, list[Request]] = {}
            for number, request in plan:
                by_case.setdefault(number, []).append(request)
            done = 0
            for number, requests in by_case.items():
                for rendered in docs.render_many(proc.get_case(number), requests):
                    path = work / f"{number}-{rendered.name}.docx"
                    path.write_bytes(rendered.docx)
                    docx_files.append(path)
                    done += 1
            return done

        pooled_seconds, count = _timed(pooled)

    def naive() -> int:
        out = work / "naive"
        for path in docx_files:
            convert_naive(path, out, timeout=app.settings.conversion_timeout)
        return len(docx_files)

    naive_seconds, naive_count = _timed(naive)
    return [Measure("pool start (once per service)", started, 1),
            Measure("warm pool: render + convert", pooled_seconds, count),
            Measure("naive: one soffice per document (convert only)", naive_seconds, naive_count)]


def run(echo: Callable[[str], None], data_dir: Path | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="casedocs-bench-") as tmp:
        work = Path(tmp)
        app = App(Settings.load(data_dir or work / "data"))
        app.init()
        with app.procedure(actor="bench") as proc:
            run_demo_cases(proc)
        start, pooled, naive = bench_rendering(app, work, echo)
        app.close()
    echo(f"  {start.label:<50} {start.seconds:7.2f} s")
    for measure in (pooled, naive):
        echo(f"  {measure.label:<50} {measure.seconds:7.2f} s  {measure.per_item:6.3f} s per PDF  ({measure.count})")
    echo(f"  ratio naive / warm pool: {naive.seconds / pooled.seconds:.1f}× "
         f"(target ≥ 8×; warm pool average target ≤ 0.25 s per PDF including rendering)")
    echo("signing (local time-stamp authority, ECDSA P-256; targets ≤ 50 ms per signature and per validated "
         "signature, ≤ 150 ms per monitoring update):")
    from signing import bench as signing_bench

    signing_bench.run(lambda line: echo(f"  {line}"))
