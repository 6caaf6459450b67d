"""`casedocs bench` runs end to end (a small subset). Speed is shown by the bench, never asserted."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from casedocs.cli import main

pytestmark = pytest.mark.slow


def test_the_quick_bench_reports_every_figure_and_the_ratios_from_one_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "--quick", "--data", str(tmp_path / "data")])

    assert result.exit_code == 0, result.output
    for label in ("render only", "pool, cold cache", "pool, warm cache",
                  "soffice --convert-to pdf, one reused profile", "one warm LibreOffice, one at a time",
                  "the pool (", "soffice (reused profile) / pool, render + convert",
                  "one warm LibreOffice / pool", "cold cache / warm cache"):
        assert label in result.output, label
    # The warm run finds every document: what the cache promises, counted by the pool.
    assert "conversions: cold 6, warm 0" in result.output
    assert "signing: skipped (--quick)" in result.output
