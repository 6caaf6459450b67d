"""Deadlines in a year whose official schedule is not yet published."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from cases import tracker
from cases.calendar import load_calendar
from cases.procedure import Procedure
from factories import BASE_APPLICATION, file_case

OVERRIDES_2027 = """
published_years = [2027]
[days]
"2027-01-01" = { working = false, note = "元旦" }
"2027-01-04" = { working = false, note = "office closure" }
"""


def test_provisional_deadline_is_recounted_once_the_year_is_published(session, store, tmp_path: Path) -> None:
    proc = Procedure(session, load_calendar(None), "officer", store=store, today=lambda: date(2026, 12, 24))
    case = file_case(proc, dict(copy.deepcopy(BASE_APPLICATION), received_on="2026-12-21"))
    review = tracker.find_open(case, "formal_review")
    assert review.provisional  # runs into 2027
    # Estimated on weekends and the statutory New Year holiday: 22-25, 28-31 Dec, 4 and 5 Jan.
    assert review.due_on == date(2027, 1, 5)

    overrides = tmp_path / "calendar-overrides.toml"
    overrides.write_text(OVERRIDES_2027, encoding="utf-8")
    published = Procedure(session, load_calendar(overrides), "officer", store=store, today=lambda: date(2026, 12, 24))
    changed = published.advance(case, date(2026, 12, 24))
    assert changed == []  # advance reports procedural consequences, not recounts
    assert not review.provisional
    # 21 Dec 2026 + 10 working days: 22-25, 28-31 Dec (8), then 1 and 4 Jan are off: 5 and 6 Jan.
    assert review.due_on == date(2027, 1, 6)
