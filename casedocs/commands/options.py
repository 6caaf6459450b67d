"""Options and error handling shared by every command, and the one way a command gets its App."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
import json
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any, Callable, NoReturn, TypeVar

import click

from casedocs.app import App
from casedocs.config import PASSPHRASE_ENV, Settings, environment_secret

F = TypeVar("F", bound=Callable[..., Any])
DATA_HELP = "Data directory (default: $CASEDOCS_DATA, else ./var)."


def load_settings(data_dir: str | Path | None) -> Settings:
    """The settings, or exit with the one-line reason a variable is wrong."""
    try:
        return Settings.load(data_dir)
    except ValueError as error:
        fail(str(error))


def data_option(func: F) -> F:
    """Adds --data DIR and passes `settings: Settings`: for commands that need no App (no database)."""

    @click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None, help=DATA_HELP)
    @functools.wraps(func)
    def wrapper(*args: Any, data_dir: str | None = None, **kwargs: Any) -> Any:
        return func(*args, settings=load_settings(data_dir), **kwargs)

    return wrapper  # type: ignore[return-value]  # click's decorators erase the signature


def pass_app(*, data_help: str = DATA_HELP, default_data: Callable[[], Path] | None = None) -> Callable[[F], F]:
    """Adds --data DIR and passes `app: App`, opened once for the command and closed after it (on error
    too), with the refusals of the core reported as one line (domain_errors).

    `default_data` gives the data directory when --data is not given (the demo's fresh one).
    """

    def decorate(command: F) -> F:
        @click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None, help=data_help)
        @functools.wraps(command)
        def wrapper(*args: Any, data_dir: str | None = None, **kwargs: Any) -> Any:
            settings = load_settings(data_dir or (default_data() if default_data else None))
            with domain_errors(), App(settings) as app:
                return command(*args, app=app, **kwargs)

        return wrapper  # type: ignore[return-value]  # click's decorators erase the signature

    return decorate


def secret(prompt: str, env: str | None, *,
           otherwise: str = "name an environment variable with --passphrase-env") -> str:
    """A passphrase from the named environment variable, else typed (never an argument: shells log those).
    `otherwise` says how the command takes it without a terminal."""
    if env:
        value = environment_secret(env)
        if not value:
            fail(f"environment variable {env} is empty")
        return value
    if not sys.stdin.isatty():
        fail(f"{prompt}: no terminal to ask on; {otherwise}")
    return str(click.prompt(prompt, hide_input=True))


def secretariat_passphrase(settings: Settings) -> str:
    """The secretariat's passphrase: $CASEDOCS_SECRETARIAT_PASSPHRASE, else typed."""
    return settings.secretariat_passphrase or secret("Secretariat passphrase", None,
                                                     otherwise=f"set {PASSPHRASE_ENV}")


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (stdout stays the command's result); yields the step function."""
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def print_json(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn the refusals of the core, the template engine, the converter and the signing module
    into a one-line reason."""
    from cases.calendar import CalendarError
    from cases.errors import CaseError
    from docgen.conversion import ConversionError, ConverterStartError
    from docgen.errors import DocgenError
    from signing import SigningCoreError

    try:
        yield
    except (CaseError, CalendarError, DocgenError, ConversionError, ConverterStartError, SigningCoreError,
            ValueError) as error:
        fail(str(error))


def fail(message: str) -> NoReturn:
    """Exit non-zero with a one-line reason."""
    click.echo(f"casedocs: {message}", err=True)
    sys.exit(2)


# date.fromisoformat() would also accept 20260101 or 2026-W01-4; a case record wants one spelling.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str) -> date:
    """A calendar date written YYYY-MM-DD, or ValueError saying what is expected."""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2026-03-02")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid date {text!r}: no such day; expected a real date as YYYY-MM-DD") from None


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_iso_date(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


ISO_DATE = IsoDate()


def check_out(out: Path | None) -> None:
    """Refuse an --out the command could not write, before it acts: an act must not happen when its
    result cannot be delivered (issue 9)."""
    if out is None:
        return
    folder = out.parent
    if not folder.is_dir():
        fail(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        fail(f"--out {out}: not allowed to write there")
