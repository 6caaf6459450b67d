"""Runtime settings, read from the environment with a per-command --data override."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


_REPO = Path(__file__).resolve().parent.parent
DEFAULT_MONITORING_SLOTS = 12


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None


def _positive(value: int, name: str) -> int:
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    calendar_overrides: Path
    converter_processes: int
    conversion_timeout: float
    actor: str
    templates_dir: Path
    # An external RFC 3161 time-stamp authority; None = the mechanism's own, in-process TSA.
    tsa_url: str | None = None
    monitoring_slots: int = DEFAULT_MONITORING_SLOTS

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> "Settings":
        root = Path(data_dir or os.environ.get("CASEDOCS_DATA") or "var").resolve()
        database_url = os.environ.get("CASEDOCS_DATABASE_URL") or f"sqlite:///{root / 'casedocs.sqlite3'}"
        overrides = Path(os.environ.get("CASEDOCS_CALENDAR_OVERRIDES") or root / "calendar-overrides.toml")
        return cls(
            data_dir=root,
            database_url=database_url,
            calendar_overrides=overrides,
            converter_processes=_int_env("CASEDOCS_CONVERTERS", os.cpu_count() or 1),
            conversion_timeout=_float_env("CASEDOCS_CONVERSION_TIMEOUT", 60.0),
            actor=os.environ.get("CASEDOCS_ACTOR") or os.environ.get("USER") or "secretariat",
            templates_dir=Path(os.environ.get("CASEDOCS_TEMPLATES") or _REPO / "templates"),
            tsa_url=os.environ.get("CASEDOCS_TSA_URL") or None,
            monitoring_slots=_positive(_int_env("CASEDOCS_MONITORING_SLOTS", DEFAULT_MONITORING_SLOTS),
                                       "CASEDOCS_MONITORING_SLOTS"),
        )

    @property
    def store_dir(self) -> Path:
        """Content-addressed exhibit and document store."""
        return self.data_dir / "store"
