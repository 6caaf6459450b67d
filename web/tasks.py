"""Where jobs run for this web app: worker threads here, or Celery workers (`casedocs worker`) when
Settings.broker_url is set. Celery is set up Flask's way (celery_init_app: every task runs inside
the app context) and is sent job ids, never objects."""
from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask, current_app

from casedocs.app import App
from casedocs.jobs import Jobs, ThreadRunner, execute, runner_name

JOBS_EXTENSION = "casedocs.jobs"
RUN_JOB = "casedocs.run_job"


def celery_init_app(app: Flask, broker_url: str) -> Celery:
    """Flask's pattern (flask.palletsprojects.com/patterns/celery): a Celery app whose tasks run in
    this Flask app's context, kept in app.extensions["celery"]."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(broker_url=broker_url, task_ignore_result=True, broker_connection_retry_on_startup=True,
                           worker_hijack_root_logger=False, task_acks_late=False)

    @celery_app.task(name=RUN_JOB, ignore_result=True)
    def run_job(job_id: int) -> None:
        from web.context import core

        execute(core(), job_id, f"celery:{runner_name()}")

    app.extensions["celery"] = celery_app
    return celery_app


class CeleryDispatcher:
    name = "celery"

    def __init__(self, celery_app: Celery) -> None:
        self.celery = celery_app

    def dispatch(self, job_id: int) -> None:
        self.celery.send_task(RUN_JOB, args=[job_id])

    def health(self) -> dict[str, Any]:
        with self.celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        replies = self.celery.control.ping(timeout=0.5) or []
        return {"runner": self.name, "broker": "ok", "workers": len(replies)}

    def healthy(self) -> bool:
        return True


def init_jobs(app: Flask, core: App, *, start: bool) -> Jobs:
    settings = core.settings
    dispatcher: ThreadRunner | CeleryDispatcher
    if settings.broker_url:
        dispatcher = CeleryDispatcher(celery_init_app(app, settings.broker_url))
    else:
        dispatcher = ThreadRunner(core, settings.job_threads)
        if start:
            dispatcher.start()
    jobs = Jobs(core, dispatcher)
    app.extensions[JOBS_EXTENSION] = jobs
    return jobs


def jobs_of(app: Flask | None = None) -> Jobs:
    found: Jobs = (app or current_app).extensions[JOBS_EXTENSION]
    return found
