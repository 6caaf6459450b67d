"""Serve the web app under gunicorn without its command line: a BaseApplication whose workers each
build their own app from the Settings (web.create_app after the fork: no database connection,
thread or LibreOffice process is shared across processes)."""
from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from casedocs.config import Settings


class WebServer(BaseApplication):
    def __init__(self, settings: Settings, *, host: str, port: int, workers: int, threads: int = 4,
                 timeout: int = 120) -> None:
        self.settings = settings
        self.options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                        "worker_class": "gthread", "timeout": timeout, "graceful_timeout": 20,
                        "accesslog": "-", "errorlog": "-", "proc_name": "casedocs-web",
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


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, **options: Any) -> None:
    """Run until stopped (Ctrl-C / SIGTERM)."""
    WebServer(settings, host=host, port=port, workers=workers, **options).run()
