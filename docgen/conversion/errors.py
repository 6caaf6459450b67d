"""Exceptions of the conversion package."""

from __future__ import annotations


class ConversionError(Exception):
    """A document could not be turned into a PDF.

    Always names the document, because the caller is usually converting a batch
    and the operator must be able to tell *which* instrument failed and why
    (timeout, LibreOffice crashed, invalid DOCX, ...).
    """

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, reason)
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot convert {self.name!r} to PDF: {self.reason}"


class ConverterStartError(RuntimeError):
    """A LibreOffice converter process (our UNO worker) did not come up.

    Separate from ConversionError: no document is at fault, the machine is
    (missing LibreOffice, broken .venv-uno, ...). The message carries the
    tail of the worker's log because that is where the real cause is written.
    """
