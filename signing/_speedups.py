"""Speed-ups for pyHanko and asn1crypto: same results, less repeated work.

1. A faster hex-string reader (~100x quicker).

Why: pyHanko 0.38 reads ``<...>`` hex strings one byte at a time in Python
(``generic.read_hex_string_from_stream``). Every signature dictionary holds a
~11 kB hex ``/Contents``, and pyHanko resolves *all* signature values
whenever it looks up a field, checks certification or collects time-stamps.
A closure report with 12 monitoring updates and their LTA time-stamps carries
~25 of them, and each operation spent most of its time re-reading them.

The replacement scans to the closing ``>`` in chunks and decodes with
``binascii``. Whenever the input is anything but plain hex digits and
whitespace (a comment, a stray token, a truncated stream) it rewinds and
defers to pyHanko's original function, so error behaviour is unchanged.

2. Orphan detection once per revision. pyHanko's difference analysis compares
the signed revision of *each* signature with every later revision, and each
comparison recomputes ``_find_orphans(new)`` -- new objects of the newer
revision that nothing references -- which depends on that revision alone
(a ``HistoricalResolver`` is a fixed view of one revision of one reader).
With 13 signatures that is 78 computations of 12 distinct results. We keep
each result on its resolver (it goes when the reader goes).

3. Historical views copy ("subsume") every object they read so that its
references resolve in their revision. pyHanko builds a container reference
for every node first, then returns numbers, names and strings unchanged;
with ~25 revision views of each appearance's font widths that is most of the
copying. The fast path returns such leaves directly when they have the
container reference the original would have built (otherwise: original).

4. Dependency walks shared across signatures. The difference analysis of
signature *b* against a later revision *k* walks each newly signed field's
appearance in revision *k*, collecting the objects added since revision
*b + 1*; every earlier signature repeats the walk with its own *b*. The walk
only ever asks, at each reference, "introduced at or after *b + 1*?", so a
recorded walk answers for another *b* exactly when all those answers would be
the same: when *b + 1* lies in (latest revision of a reference it stopped
at, earliest revision of a reference it took]. Outside that interval the
walk is done again.

5. RFC 4518 string preparation once per distinct string. asn1crypto prepares
every attribute of both names on each X.509 ``Name`` comparison (pyHanko
compares issuers to match certificates, ~10 times per signature), and caches
the result only on the parsed object, so every CMS blob pays again. The
function is pure (a string in, a string or ValueError out); an LRU cache of
bounded size serves repeats, and errors are not cached (they recur).

None of this skips or alters a check. :func:`install` patches module
attributes process-wide and is idempotent; :func:`uninstall` restores the
originals. Worth proposing upstream.
"""
from __future__ import annotations

import binascii
import functools
import logging
import threading
from typing import Any

from asn1crypto.x509 import NameTypeAndValue
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE
from pyhanko.pdf_utils.reader import HistoricalResolver
from pyhanko.sign.diff_analysis import policies

_original = generic.read_hex_string_from_stream
_original_find_orphans = policies._find_orphans
_original_string_prep = NameTypeAndValue._ldap_string_prep
_original_subsume = HistoricalResolver._subsume_object
_original_collect = HistoricalResolver.collect_dependencies
_HEX = b"0123456789abcdefABCDEF"
_lock = threading.Lock()


def fast_read_hex_string_from_stream(stream: Any) -> Any:
    start = stream.tell()
    stream.read(1)  # the opening '<'
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(16384)
        if not chunk:
            stream.seek(start)
            return _original(stream)  # truncated: let pyHanko raise its error
        end = chunk.find(b">")
        if end >= 0:
            parts.append(chunk[:end])
            size += end
            break
        parts.append(chunk)
        size += len(chunk)
    body = b"".join(parts)
    digits = body.translate(None, PDF_WHITESPACE)
    if b"%" in body or digits.translate(None, _HEX):
        stream.seek(start)
        return _original(stream)
    stream.seek(start + 1 + size + 1)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def find_orphans_once(hist_rev: HistoricalResolver) -> frozenset[Any]:
    # kept on the resolver itself: it lives and dies with its reader, and
    # whichever thread computes first, the value is the same
    found: frozenset[Any] | None = getattr(hist_rev, "_casedocs_orphans", None)
    if found is None:
        found = frozenset(_original_find_orphans(hist_rev))
        hist_rev._casedocs_orphans = found  # type: ignore[attr-defined]  # our own memo on pyHanko's object
    return found


# everything _subsume_object copies or rewraps; any other object is a leaf
_CONTAINERS = (generic.DecryptedObjectProxy, generic.IndirectObject, generic.DictionaryObject, generic.ArrayObject)


def subsume_object_fast(self: HistoricalResolver, obj: Any) -> Any:
    if not isinstance(obj, _CONTAINERS) and getattr(obj, "container_ref", None) is not None:
        return obj
    return _original_subsume(self, obj)


def _walk(res: HistoricalResolver, obj: Any, since: int, seen: set[Any], bounds: list[int]) -> None:
    """pyHanko's ``_collect_indirect_references`` for a given ``since``,
    also recording ``bounds`` = [latest revision refused, earliest taken]."""
    if isinstance(obj, generic.IndirectObject):
        ref = obj.reference
        if ref in seen:
            return
        introduced = res.reader.xrefs.get_introducing_revision(ref)
        if introduced < since:
            bounds[0] = max(bounds[0], introduced)
            return
        seen.add(ref)
        bounds[1] = min(bounds[1], introduced)
        obj = res(ref)
    if isinstance(obj, generic.DictionaryObject):
        for v in obj.values():
            _walk(res, v, since, seen, bounds)
    elif isinstance(obj, generic.ArrayObject):
        for v in obj:
            _walk(res, v, since, seen, bounds)


def collect_dependencies_shared(self: HistoricalResolver, obj: Any, since_revision: int | None = None) -> set[Any]:
    if since_revision is None or not isinstance(obj, generic.IndirectObject):
        return _original_collect(self, obj, since_revision)
    # kept on the resolver: a fixed view of one revision, gone with its reader
    walks: dict[Any, tuple[frozenset[Any], int, int]] | None = getattr(self, "_casedocs_walks", None)
    if walks is None:
        walks = self._casedocs_walks = {}  # type: ignore[attr-defined]  # our own memo on pyHanko's object
    key = obj.reference
    hit = walks.get(key)
    if hit is not None and hit[1] < since_revision <= hit[2]:
        return set(hit[0])
    seen: set[Any] = set()
    bounds = [-1, 1 << 62]
    _walk(self, obj, since_revision, seen, bounds)
    walks[key] = (frozenset(seen), bounds[0], bounds[1])
    return seen


@functools.lru_cache(maxsize=4096)
def _string_prep(string: str) -> str:
    # the original never reads `self`
    return _original_string_prep(None, string)


def ldap_string_prep_cached(self: NameTypeAndValue, string: Any) -> Any:
    if type(string) is not str:  # anything unusual: as before, uncached
        return _original_string_prep(self, string)
    return _string_prep(string)


# The versions these replacements were checked against, function by function
# (tests/test_signing_seal.py compares every report with and without them).
TESTED_WITH = {"pyHanko": "0.38.", "asn1crypto": "1.5."}


def _tested_versions() -> bool:
    from importlib.metadata import version

    return all(version(package).startswith(prefix) for package, prefix in TESTED_WITH.items())


def install() -> None:
    """Install the speed-ups, unless pyHanko or asn1crypto is not the version they were checked
    against: then everything stays original (slower, never different)."""
    if not _tested_versions():
        logging.getLogger(__name__).warning("signing speed-ups off: written for %s", TESTED_WITH)
        return
    with _lock:
        generic.read_hex_string_from_stream = fast_read_hex_string_from_stream
        policies._find_orphans = find_orphans_once
        HistoricalResolver._subsume_object = subsume_object_fast  # type: ignore[method-assign]  # patching pyHanko is the point
        HistoricalResolver.collect_dependencies = collect_dependencies_shared  # type: ignore[method-assign]  # patching pyHanko is the point
        NameTypeAndValue._ldap_string_prep = ldap_string_prep_cached


def uninstall() -> None:
    with _lock:
        generic.read_hex_string_from_stream = _original
        policies._find_orphans = _original_find_orphans
        HistoricalResolver._subsume_object = _original_subsume  # type: ignore[method-assign]  # patching pyHanko is the point
        HistoricalResolver.collect_dependencies = _original_collect  # type: ignore[method-assign]  # patching pyHanko is the point
        NameTypeAndValue._ldap_string_prep = _original_string_prep


def original() -> Any:
    return _original
