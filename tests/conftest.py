"""Shared fixtures: the case record on SQLite and (when it answers) PostgreSQL."""
from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from cases.calendar import official_calendar
from cases.db import make_engine, upgrade
from cases.procedure import Procedure
from cases.store import BlobStore
from factories import BASE_APPLICATION

TODAY = date(2026, 11, 25)
POSTGRES_ADMIN_URL = os.environ.get("CASEDOCS_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

_postgres_skip_reason: str | None = None


def _postgres_answers() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as error:  # any failure to connect means: skip, and say why
        return f"PostgreSQL at {make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)} " \
               f"does not answer ({type(error).__name__}: {str(error).splitlines()[0]})"


def pytest_report_header(config: pytest.Config) -> list[str]:
    global _postgres_skip_reason
    _postgres_skip_reason = _postgres_answers()
    if _postgres_skip_reason:
        return [f"casedocs: persistence tests on PostgreSQL SKIPPED: {_postgres_skip_reason}"]
    return ["casedocs: persistence tests run on SQLite and PostgreSQL"]


@contextmanager
def _throwaway_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards (or the test skipped, saying why)."""
    reason = _postgres_skip_reason if _postgres_skip_reason is not None else _postgres_answers()
    if reason:
        pytest.skip(reason)
    name = f"casedocs_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test session (tests share it inside rolled-back transactions)."""
    with _throwaway_postgres() as url:
        upgrade(url)
        yield url


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A database of its own for a test that commits (an App, a service with its own sessions):
    committed rows must not reach the shared, rolled-back database of the others."""
    with _throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_database_url(request: pytest.FixtureRequest) -> str | None:
    """For an App that commits: None (SQLite in the App's own data directory) or a fresh PostgreSQL."""
    return None if request.param == "sqlite" else request.getfixturevalue("fresh_postgres_url")


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'casedocs.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


@contextmanager
def rolled_back_session(url: str) -> Iterator[Session]:
    """A session inside a transaction that is rolled back at the end (commits are savepoints)."""
    engine = make_engine(url)
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()
        engine.dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session inside a transaction that is rolled back: each test starts clean."""
    with rolled_back_session(database_url) as db_session:
        yield db_session


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "store")


@pytest.fixture
def proc(session: Session, store: BlobStore) -> Procedure:
    return Procedure(session, official_calendar(), "officer.test", store=store, today=lambda: TODAY)


@pytest.fixture
def application() -> dict[str, Any]:
    """A minimal complete application document; tests change copies of it."""
    return copy.deepcopy(BASE_APPLICATION)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A fresh PKI per test module (signing tests)."""
    from signing import PKI
    from signing_support import SECRETARIAT_PASSPHRASE

    return PKI.create(tmp_path_factory.mktemp("pki"), SECRETARIAT_PASSPHRASE)


@pytest.fixture(scope="module")
def env(pki):  # type: ignore[no-untyped-def]
    from signing import SigningEnv

    signing_env = SigningEnv.from_pki(pki)
    signing_env.warm_up()
    return signing_env
