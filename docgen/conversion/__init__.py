"""DOCX → PDF/A-2b through LibreOffice headless, kept warm.

``ConverterPool`` keeps N LibreOffice processes (own profiles, each driven
by our UNO worker) behind a queue; ``convert_naive`` is the one-soffice-per-document
baseline for benchmarks. See pool.py for the policy (timeouts, restarts,
retries, recycling) and process.py for the process handling.
"""

from .errors import ConversionError, ConverterStartError
from .naive import convert_naive
from .pool import ConverterPool, PoolStats
from .process import ProcessInfo, converter_identity, default_uno_python

__all__ = [
    "ConversionError",
    "ConverterPool",
    "ConverterStartError",
    "PoolStats",
    "ProcessInfo",
    "convert_naive",
    "converter_identity",
    "default_uno_python",
]
