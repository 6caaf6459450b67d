"""Schema migrations and the embedded database (SQLite) against PostgreSQL too."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cases.db import Database, make_engine, upgrade
from cases.errors import CaseError
from cases.models import Base
from casedocs.app import App
from casedocs.config import Settings
from factories import file_case


def test_migrations_match_the_models(database_url: str) -> None:
    """A model change without its migration fails here."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_database_without_schema_is_refused_with_the_fix(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(CaseError, match="run `casedocs init`"):
        db.ensure_schema()
    upgrade(db.url)
    db.ensure_schema()
    upgrade(db.url)  # idempotent
    db.dispose()


def test_unit_of_work_commits_or_rolls_back_whole(tmp_path: Path, app_database_url: str | None) -> None:
    # It commits: on a database of its own (app_database_url), never the shared one the others roll back.
    settings = Settings.load(tmp_path)
    if app_database_url is not None:
        settings = Settings(**{**vars(settings), "database_url": app_database_url})
    app = App(settings, today=lambda: date(2026, 11, 25))
    app.init()
    with pytest.raises(RuntimeError):
        with app.procedure() as proc:
            case = file_case(proc)
            number = case.number
            raise RuntimeError("crash after filing")
    with app.procedure() as proc:
        assert number not in [c.number for c in proc.all_cases()]
        kept = file_case(proc).number
    with app.procedure() as proc:
        assert kept in [c.number for c in proc.all_cases()]
        assert proc.get_case(kept).stage.value == "received"
    app.close()
