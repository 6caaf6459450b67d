"""Serve the web app under gunicorn without its command line: a BaseApplication whose workers each
build their own app from the Settings (web.create_app after the fork: no database connection,
thread or LibreOffice process is shared across processes).

Workers: gunicorn's sync workers by default; gthread workers with `threads` > 1. Measured with
`casedocs bench web` (20 clients that each send their next request as soon as the last is
answered, 2 cores): the pages are CPU-bound Python, so a process serves about one request at a
time whatever its threads (the GIL). A sync worker takes the next connection from the one queue the
kernel keeps (first come, first served); a gthread worker keeps every keep-alive connection it has
accepted and serves them in turn, so some clients wait behind a busy worker while another is idle:
p95 came out 2 to 4 times p50 with gthread (2×4 and 4×4 threads), 1.1 to 1.6 times with sync, at
the same or a better throughput. 2 to 5 sync workers measured alike on 2 cores (within the noise of
a shared machine); DEFAULT_WORKERS is 2, one per core. Sync workers
close the connection after each response and serve slow clients badly: they belong behind the
buffering HTTPS proxy that the secure cookies need anyway (gunicorn's advice).
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from casedocs.config import Settings
from web.private_links import redact

DEFAULT_WORKERS = 2


class RedactingLogger(Logger):
    """gunicorn's logger, with the secret part of private links taken out of every access-log field."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in found.items()}


class WebServer(BaseApplication):
    def __init__(self, settings: Settings, *, host: str, port: int, workers: int, threads: int = 1,
                 timeout: int = 120) -> None:
        self.settings = settings
        self.options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                        "worker_class": "sync" if threads == 1 else "gthread", "timeout": timeout,
                        "graceful_timeout": 20,
                        "accesslog": "-", "errorlog": "-", "proc_name": "casedocs-web",
                        "logger_class": RedactingLogger,
                        # the header a proxy in front sets is trusted from this machine only
                        "forwarded_allow_ips": "127.0.0.1",
                        # no runtime control socket in the home directory (two servers would share it)
                        "control_socket_disable": True}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self._worker_exit)

    def load(self) -> Flask:
        from web import create_app

        self._app = create_app(self.settings)  # in the worker, after the fork
        return self._app

    def _worker_exit(self, server: Any, worker: Any) -> None:
        from web import shutdown

        app: Flask | None = getattr(self, "_app", None)
        if app is not None:
            shutdown(app)


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = DEFAULT_WORKERS,
          **options: Any) -> None:
    """Run until stopped (Ctrl-C / SIGTERM)."""
    WebServer(settings, host=host, port=port, workers=workers, **options).run()
