"""Settings: the one place that reads the environment, with one-line reasons for wrong values."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from casedocs.app import App
from casedocs.cli import main
from casedocs.config import Settings
from cases.documents import record_version
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import DocumentVersion
from factories import file_case

REPO = Path(__file__).resolve().parent.parent
# Reading configuration, not passing the environment on to a child process.
READS_ENVIRONMENT = re.compile(r"os\.environ\s*(\.get\(|\[)|os\.getenv\(|getenv\(")


def test_only_the_settings_read_the_environment() -> None:
    readers = [path.relative_to(REPO).as_posix()
               for package in ("cases", "docgen", "signing", "casedocs", "web")
               for path in sorted((REPO / package).rglob("*.py"))
               if READS_ENVIRONMENT.search(path.read_text(encoding="utf-8"))]
    assert readers == ["casedocs/config.py"]


def test_settings_carry_what_the_libraries_used_to_read_themselves(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path, environ={"CASEDOCS_HANT_VARIANT": "s2hk", "CASEDOCS_UNO_PYTHON": "/opt/uno",
                                                "CASEDOCS_CACHE_DIR": str(tmp_path / "cache"),
                                                "CASEDOCS_SECRETARIAT_PASSPHRASE": "not in the repr"})
    assert settings.hant_variant == "s2hk" and settings.uno_python == Path("/opt/uno")
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.secretariat_passphrase == "not in the repr" and "not in the repr" not in repr(settings)
    xdg = Settings.load(tmp_path, environ={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert xdg.cache_dir == tmp_path / "xdg" / "casedocs" and xdg.uno_python is None


def test_a_wrong_traditional_variant_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="CASEDOCS_HANT_VARIANT='s2twp'; valid: s2t, s2tw, s2hk"):
        Settings.load(tmp_path, environ={"CASEDOCS_HANT_VARIANT": "s2twp"})
    monkeypatch.setenv("CASEDOCS_HANT_VARIANT", "s2twp")
    result = CliRunner().invoke(main, ["case", "list", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("casedocs: CASEDOCS_HANT_VARIANT='s2twp'") and "Traceback" not in result.output


def test_lifecycle_states_are_stored_as_the_strings_they_always_were(tmp_path: Path, database_url: str) -> None:
    settings = Settings.load(tmp_path, environ={"CASEDOCS_DATABASE_URL": database_url})
    with App(settings) as app:
        app.init()
        with app.procedure() as proc:
            case = file_case(proc)
            version = record_version(proc.session, app.store, b"%PDF-", case_id=case.id, instrument="invitation",
                                     subject=None, edition="zh", version=1, verification_code="AAAA-BBBB-CC",
                                     format="pdf", actor="test", revision=1, stage=VersionStage.SEALED,
                                     status=VersionStatus.ISSUED)
            proc.session.flush()
            stored = proc.session.execute(text("SELECT stage, status FROM document_versions WHERE id = :id"),
                                          {"id": version.id}).one()
            assert tuple(stored) == ("sealed", "issued")
            assert version.issued_by == "test" and version.issued_at is not None
        with app.procedure() as proc:
            loaded = proc.session.get(DocumentVersion, version.id)
            assert loaded is not None and loaded.stage is VersionStage.SEALED and loaded.status is VersionStatus.ISSUED
