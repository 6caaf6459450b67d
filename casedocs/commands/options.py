"""Options and error handling shared by every command."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
import json
import re
import sys
from datetime import date
from typing import Any, Callable, NoReturn, TypeVar

import click

from casedocs.config import Settings

F = TypeVar("F", bound=Callable[..., Any])


def data_option(func: F) -> F:
    """Adds --data DIR and passes `settings: Settings` to the command."""

    @click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
                  help="Data directory (default: $CASEDOCS_DATA, else ./var).")
    @functools.wraps(func)
    def wrapper(*args: Any, data_dir: str | None = None, **kwargs: Any) -> Any:
        return func(*args, settings=Settings.load(data_dir), **kwargs)

    return wrapper  # type: ignore[return-value]


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
