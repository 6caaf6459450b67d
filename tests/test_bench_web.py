"""`casedocs bench web --quick` runs end to end against a real `casedocs serve` (gunicorn) on a free
loopback port. Speed is shown by the bench, never asserted: only that every figure is there."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from casedocs.cli import main

pytestmark = pytest.mark.slow

PAGES = ("console dashboard", "console case page", "API case read", "register list", "register case page")


def test_the_quick_web_bench_reports_latency_throughput_errors_queries_and_argon2_for_each_page(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "web", "--quick", "--data", str(tmp_path / "data")])

    assert result.exit_code == 0, result.output
    out = result.output
    assert "20 concurrent clients" in out and "gunicorn" in out
    for header in ("p50 ms", "p95 ms", "req/s", "errors", "server CPU ms/req", "queries", "service", "template"):
        assert header in out, header
    for page in PAGES:
        # one load line (requests, errors, p50, p95, max, req/s, server and client CPU) and two breakdown
        # lines: the page served from what was kept for the case's revision, and built again
        load = re.search(rf"^  {page}\s+(\d+)\s+(\d+)(\s+[\d.]+){{6}}$", out, re.MULTILINE)
        assert load is not None and int(load.group(1)) > 0, page
        for how in ("kept", "built"):
            breakdown = re.search(rf"^  {page} \({how}\)\s+(\d+)(\s+-?[\d.]+){{5}}$", out, re.MULTILINE)
            assert breakdown is not None and int(breakdown.group(1)) > 0, (page, how)  # queries, counted
    assert re.search(r"argon2 at login: \d+ ms", out)


def test_the_web_bench_refuses_a_data_directory_that_is_not_empty(tmp_path: Path) -> None:
    used = tmp_path / "data"
    used.mkdir()
    (used / "casedocs.sqlite3").write_bytes(b"")

    result = CliRunner().invoke(main, ["bench", "web", "--quick", "--data", str(used)])

    assert result.exit_code != 0
    assert "is not empty" in result.output
