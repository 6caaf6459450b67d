"""DOCX → PDF/A-2b through LibreOffice headless, kept warm.

``ConverterPool`` keeps N unoserver/LibreOffice processes (own profiles, own
ports) behind a queue; ``convert_naive`` is the one-soffice-per-document
baseline for benchmarks. See pool.py for the policy (timeouts, restarts,
retries, recycling) and process.py for the process handling.
"""

from .errors import ConversionError, ConverterStartError
from .naive import convert_naive
from .pool import ConverterPool, PoolStats
from .process import ProcessInfo, default_unoserver

__all__ = [
    "ConversionError",
    "ConverterPool",
    "ConverterStartError",
    "PoolStats",
    "ProcessInfo",
    "convert_naive",
    "default_unoserver",
]
