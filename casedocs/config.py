"""Runtime settings: the one place that reads the environment (with a per-command --data override).

Everything below casedocs (cases, docgen, signing) takes what it needs as parameters, so a
library caller, a test or the web app never depends on the process environment by accident.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cases.calendar import CalendarError, WorkingCalendar, load_calendar
from cases.procedure.obligations import INQUIRY_ANSWER_DAYS
from docgen.locale import DEFAULT_HANT_VARIANT, HANT_VARIANTS

_REPO = Path(__file__).resolve().parent.parent
DEFAULT_MONITORING_SLOTS = 12
PASSPHRASE_ENV = "CASEDOCS_SECRETARIAT_PASSPHRASE"
CALENDAR_OVERRIDES_ENV = "CASEDOCS_CALENDAR_OVERRIDES"


def _int_env(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None


def _float_env(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None


def _bool_env(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def _positive(value: int, name: str) -> int:
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _not_negative(value: int, name: str) -> int:
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, got {value}")
    return value


def _hant_variant(environ: Mapping[str, str]) -> str:
    variant = environ.get("CASEDOCS_HANT_VARIANT") or DEFAULT_HANT_VARIANT
    if variant not in HANT_VARIANTS:
        raise ValueError(f"CASEDOCS_HANT_VARIANT={variant!r}; valid: {', '.join(HANT_VARIANTS)} "
                         "(character-level conversions only)")
    return variant


def _cache_dir(environ: Mapping[str, str]) -> Path:
    if environ.get("CASEDOCS_CACHE_DIR"):
        return Path(environ["CASEDOCS_CACHE_DIR"])
    xdg = environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "casedocs"


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
    # Traditional edition: an OpenCC character-level conversion (docgen.locale.HANT_VARIANTS).
    hant_variant: str = DEFAULT_HANT_VARIANT
    # A Python that can `import uno` (runs the LibreOffice worker); None = <repo>/.venv-uno/bin/python.
    uno_python: Path | None = None
    # Derived fonts and the seal image (signing.fonts).
    cache_dir: Path = field(default_factory=lambda: _cache_dir({}))
    # True when $CASEDOCS_CALENDAR_OVERRIDES names the file: then it must exist (a typo must not
    # silently count days on the official calendar alone).
    calendar_overrides_required: bool = False
    # Unlocks the mechanism's keys; kept out of repr so it never reaches a log or a traceback.
    secretariat_passphrase: str | None = field(default=None, repr=False)
    # Test only (tests/test_crash_safety.py): the plan of named points where a command kills itself
    # (cases.crashpoints); None in any real use.
    crash_points: Path | None = None
    # The web service (web/, issue 10). Signs session cookies and seals TOTP secrets; None = a random
    # key kept in <data>/web-secret-key (casedocs.services.accounts.installation_key).
    secret_key: str | None = field(default=None, repr=False)
    # Celery broker for jobs (casedocs.jobs); None = worker threads in the web process.
    broker_url: str | None = None
    # Rate-limit storage; None = the broker when it is Redis, else memory (one process only).
    redis_url: str | None = None
    # Session cookies only over HTTPS; off only for http://127.0.0.1 in development and tests.
    secure_cookies: bool = True
    # A web session ends after this many minutes without a request.
    session_idle_minutes: int = 30
    # Worker threads for jobs in each web process (when there is no broker).
    job_threads: int = 2
    # Reverse proxies in front of the web service whose X-Forwarded-For/-Proto/-Host are believed
    # (werkzeug's ProxyFix). 0: none, the peer's address is the client's (a header from the client
    # itself is never believed: it would let anyone choose the address the audit chain records).
    proxy_hops: int = 0
    # Outgoing mail (invitations, signing codes): smtp://[user[:password]@]host[:port] (STARTTLS when the
    # server offers it) or smtps://...; None = written to the Maildir <data>/mail, for development and
    # the demo. Kept out of repr: it may hold a password.
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "casedocs@localhost"
    # Where the service is reached from outside: the base of the links mailed to people.
    public_url: str = "http://127.0.0.1:8000"
    # Working days the secretariat takes to answer an obligee's inquiry (第五章第2条 sets no limit;
    # cases.procedure.obligations).
    inquiry_answer_days: int = INQUIRY_ANSWER_DAYS

    @classmethod
    def load(cls, data_dir: str | Path | None = None, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        root = Path(data_dir or env.get("CASEDOCS_DATA") or "var").resolve()
        database_url = env.get("CASEDOCS_DATABASE_URL") or f"sqlite:///{root / 'casedocs.sqlite3'}"
        overrides = env.get(CALENDAR_OVERRIDES_ENV)
        return cls(
            data_dir=root,
            database_url=database_url,
            calendar_overrides=Path(overrides) if overrides else root / "calendar-overrides.toml",
            converter_processes=_int_env(env, "CASEDOCS_CONVERTERS", os.cpu_count() or 1),
            conversion_timeout=_float_env(env, "CASEDOCS_CONVERSION_TIMEOUT", 60.0),
            actor=env.get("CASEDOCS_ACTOR") or env.get("USER") or "secretariat",
            templates_dir=Path(env.get("CASEDOCS_TEMPLATES") or _REPO / "templates"),
            tsa_url=env.get("CASEDOCS_TSA_URL") or None,
            monitoring_slots=_positive(_int_env(env, "CASEDOCS_MONITORING_SLOTS", DEFAULT_MONITORING_SLOTS),
                                       "CASEDOCS_MONITORING_SLOTS"),
            hant_variant=_hant_variant(env),
            uno_python=Path(env["CASEDOCS_UNO_PYTHON"]) if env.get("CASEDOCS_UNO_PYTHON") else None,
            cache_dir=_cache_dir(env),
            calendar_overrides_required=bool(overrides),
            secretariat_passphrase=env.get(PASSPHRASE_ENV) or None,
            crash_points=Path(env["CASEDOCS_CRASH_POINTS"]) if env.get("CASEDOCS_CRASH_POINTS") else None,
            secret_key=env.get("CASEDOCS_SECRET_KEY") or None,
            broker_url=env.get("CASEDOCS_BROKER_URL") or None,
            redis_url=env.get("CASEDOCS_REDIS_URL") or None,
            secure_cookies=_bool_env(env, "CASEDOCS_SECURE_COOKIES", True),
            session_idle_minutes=_positive(_int_env(env, "CASEDOCS_SESSION_IDLE_MINUTES", 30),
                                           "CASEDOCS_SESSION_IDLE_MINUTES"),
            job_threads=_positive(_int_env(env, "CASEDOCS_JOB_THREADS", 2), "CASEDOCS_JOB_THREADS"),
            smtp_url=env.get("CASEDOCS_SMTP_URL") or None,
            mail_from=env.get("CASEDOCS_MAIL_FROM") or "casedocs@localhost",
            public_url=(env.get("CASEDOCS_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
            proxy_hops=_not_negative(_int_env(env, "CASEDOCS_PROXY_HOPS", 0), "CASEDOCS_PROXY_HOPS"),
            inquiry_answer_days=_positive(_int_env(env, "CASEDOCS_INQUIRY_ANSWER_DAYS", INQUIRY_ANSWER_DAYS),
                                          "CASEDOCS_INQUIRY_ANSWER_DAYS"),
        )

    @property
    def store_dir(self) -> Path:
        """Content-addressed exhibit and document store."""
        return self.data_dir / "store"

    def working_calendar(self) -> WorkingCalendar:
        """The official calendar with the overrides file applied (PROCEDURE.md: working days).

        Raises CalendarError when $CASEDOCS_CALENDAR_OVERRIDES names a file that is not there.
        """
        if self.calendar_overrides_required and not self.calendar_overrides.is_file():
            what = "a folder, not a TOML file" if self.calendar_overrides.is_dir() else "which does not exist"
            raise CalendarError(f"{CALENDAR_OVERRIDES_ENV} names {self.calendar_overrides}, {what}")
        return load_calendar(self.calendar_overrides)


def environment_secret(name: str) -> str | None:
    """A secret from the environment variable the user named (`--passphrase-env VAR`): read here so
    that this module stays the only reader of the environment. None when unset or empty."""
    return os.environ.get(name) or None
