"""The Flask extensions, made per app in create_app (init_app pattern) and found through the app.

Babel, CSRFProtect and LoginManager keep their per-app state in `app.extensions`, so one object
of each may serve several apps (tests make many); Flask-Limiter keeps its storage on the Limiter
object, so each app gets its own (`limiter()`).
"""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from casedocs.config import Settings
from web import limitstore  # registers the casedocs-sqlite storage scheme with `limits`

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()

_LIMITER = "casedocs.limiter"


def limit_storage_uri(settings: Settings) -> str:
    """Redis when configured (CASEDOCS_REDIS_URL, else a Redis broker), else a SQLite file of the
    data directory that every worker process of this machine shares (web.limitstore): never
    Flask-Limiter's memory, with which each gunicorn worker would count its own wrong passwords."""
    if settings.redis_url:
        return settings.redis_url
    if settings.broker_url and settings.broker_url.startswith(("redis://", "rediss://")):
        return settings.broker_url
    return limitstore.storage_uri(settings.data_dir / "web-limits.sqlite3")


def init_limiter(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(get_remote_address, app=app, storage_uri=limit_storage_uri(settings),
                      strategy="moving-window", key_prefix="casedocs", headers_enabled=False)
    app.extensions[_LIMITER] = limiter
    return limiter


def limiter() -> Limiter:
    """The current app's Limiter."""
    found: Limiter = current_app.extensions[_LIMITER]
    return found
