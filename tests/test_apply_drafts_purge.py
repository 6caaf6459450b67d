"""Abandoned online-application drafts are purged (issue 12, "Applying online"; casedocs.services.drafts):
once untouched for longer than any session cookie can name them, a draft's JSON and uploads are
deleted, by `casedocs purge-drafts` or as drafts are saved; a draft in use is not, and an application
filed online keeps everything (its record and exhibits are in the case store, which is not touched)."""
from __future__ import annotations

import json
import os
import time
from datetime import date
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select

from cases import audit
from cases.models import Case
from casedocs.app import App
from casedocs.cli import main
from casedocs.services import drafts
from web_support import PDF, applicant_fields, apply_file, apply_rest, apply_step, ready_settings, web_app

TODAY = date(2026, 11, 25)
DAY = 24 * 3600


def test_an_abandoned_draft_is_purged_and_an_application_filed_online_keeps_everything(tmp_path: Any) -> None:
    settings = ready_settings(tmp_path)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as app:
        assert drafts.kept_for(settings) > app.permanent_session_lifetime  # nothing reachable is purged
        filer, leaver = app.test_client(), app.test_client()
        assert apply_step(filer, "applicant", applicant_fields("Kawama Village Committee", PDF)).status_code == 302
        apply_rest(filer)
        filed = apply_file(filer)
        assert filed.status_code == 302 and filed.headers["Location"].endswith("/apply/receipt")
        abandoned = applicant_fields("Abandoned Committee", PDF + b"% mine\n")
        assert apply_step(leaver, "applicant", abandoned).status_code == 302
        assert "Abandoned Committee" in leaver.get("/apply/applicant").get_data(as_text=True)
        stored = sorted(p for p in drafts.drafts_dir(settings).glob("*/*"))
        assert len(stored) >= 4  # the drafts' JSON at each step, and the uploads

        assert drafts.purge(settings, now=lambda: time.time() + 6 * DAY).files == 0  # a week not yet over
        assert "Abandoned Committee" in leaver.get("/apply/applicant").get_data(as_text=True)  # touched again

        done = drafts.purge(settings, now=lambda: time.time() + 8 * DAY)
        assert done.files == len(stored) and not list(drafts.drafts_dir(settings).glob("*/*"))
        assert "Abandoned Committee" not in leaver.get("/apply/applicant").get_data(as_text=True)

    with App(settings) as core, core.db.session() as session:
        (case,) = session.scalars(select(Case)).all()
        assert sorted(e.original_name for e in case.exhibits) == ["procuration.pdf", "samples.pdf"]
        assert all(core.store.get(e.sha256) == PDF for e in case.exhibits)
        assert audit.verify_chain(session, case.number).intact


def test_the_purge_runs_from_the_command_line_and_now_and_then_as_drafts_are_saved(tmp_path: Any) -> None:
    settings = ready_settings(tmp_path)
    old = drafts.Drafts(settings)
    sha = old.put(b'{"values": {}, "lists": {}, "kept": {}}')
    path = old.store.path(sha)
    ten_days_ago = time.time() - 10 * DAY
    os.utime(path, (ten_days_ago, ten_days_ago))
    size = path.stat().st_size
    result = CliRunner().invoke(main, ["purge-drafts", "--json", "--data", str(settings.data_dir)],
                                env={"CASEDOCS_CACHE_DIR": str(tmp_path / "cache")})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"files": 1, "bytes": size, "kept_days": 7}
    assert not path.exists()
    moment = time.time() + 365 * DAY  # later than any purge this process made
    assert drafts.purge_now_and_then(settings, now=lambda: moment) is not None
    assert drafts.purge_now_and_then(settings, now=lambda: moment + 60) is None  # not again within the hour
