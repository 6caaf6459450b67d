"""`casedocs serve` (the web service under gunicorn) and `casedocs worker` (Celery jobs)."""
from __future__ import annotations

import dataclasses

import click

from casedocs.commands.options import data_option, fail
from casedocs.config import Settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="gunicorn worker processes (each with its own job threads when there is no broker).")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="Threads per worker: 1 runs gunicorn's sync workers (behind an HTTPS proxy), more its "
                   "gthread workers. See web/serve.py for the measurements behind the default.")
@click.option("--insecure-cookies", is_flag=True,
              help="Send the session cookie over plain http (development on 127.0.0.1 only).")
@click.option("--demo", is_flag=True,
              help="A demo's data directory: plain http on 127.0.0.1 and the demo's secretariat passphrase.")
@data_option
def serve(host: str, port: int, workers: int, threads: int, insecure_cookies: bool, demo: bool,
          settings: Settings) -> None:
    """Serve the web app (console, API, /healthz) until Ctrl-C. The database must be initialised
    (`casedocs init`)."""
    from web.serve import serve as run

    if (insecure_cookies or demo) and host not in ("127.0.0.1", "localhost", "::1"):
        fail("--insecure-cookies and --demo are for http://127.0.0.1 only; put the service behind HTTPS")
    if insecure_cookies or demo:
        settings = dataclasses.replace(settings, secure_cookies=False)
    if demo:
        from casedocs.demo_signing import DEMO_SECRETARIAT_PASSPHRASE

        settings = dataclasses.replace(settings, secretariat_passphrase=DEMO_SECRETARIAT_PASSPHRASE)
    click.echo(f"casedocs: serving {settings.data_dir} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    run(settings, host=host, port=port, workers=workers, threads=threads)


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Jobs run at once (default: CASEDOCS_JOB_THREADS).")
@data_option
def worker(concurrency: int | None, settings: Settings) -> None:
    """Run jobs from the Celery broker (CASEDOCS_BROKER_URL) until Ctrl-C."""
    if not settings.broker_url:
        fail("CASEDOCS_BROKER_URL is not set: without a broker, jobs run in the web process itself")
    from web import create_app

    app = create_app(settings, start_jobs=False)
    celery = app.extensions["celery"]
    # Threads, not forks: the App (database engine, LibreOffice pool) was made in this process.
    celery.worker_main(["worker", "--loglevel=INFO", "--pool=threads",
                        f"--concurrency={concurrency or settings.job_threads}"])


COMMANDS = (serve, worker)
