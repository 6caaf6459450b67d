"""Files and JSON that users name: kept inside the folder they are relative to, refused in one line.

An application's exhibits and `case act`'s @file arguments are references relative to a folder
(the import document's folder, or `--files`). Following a reference anywhere else would let a
document copy any readable file of the server into the case record (issue 9), so the rule is
here once, for every caller.
"""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from cases.errors import InvalidInputError


def resolve_inside(root: Path, reference: str) -> Path:
    """The file `reference` names inside `root`, symbolic links resolved.

    Refused: an absolute path, a `..` part, and a path whose resolved target lies outside the
    resolved `root` (a link inside that points out). Existence is the reader's business.
    """
    def refuse(reason: str) -> InvalidInputError:
        return InvalidInputError(f"file {reference!r} is refused: {reason}")

    base = root.resolve()
    if not reference:
        raise refuse("no file named")
    if "\0" in reference:
        raise refuse("it contains a NUL character")
    pure = PurePosixPath(reference)
    if pure.is_absolute():
        raise refuse(f"an absolute path; name a file inside {base}")
    if ".." in pure.parts:
        raise refuse(f"'..' is not allowed; name a file inside {base}")
    try:
        target = (base / pure).resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links (Python 3.11)
        raise refuse("its symbolic links form a loop") from None
    if not target.is_relative_to(base):
        raise refuse(f"it leads outside {base} (through a symbolic link)")
    return target


def read_inside(root: Path, reference: str, *, limit: int | None = None) -> bytes:
    """The bytes of the file `reference` names inside `root` (see resolve_inside), or a one-line refusal.

    `limit` refuses a larger file before reading it, so a huge file never fills memory."""
    path = resolve_inside(root, reference)
    if path.is_dir():
        raise InvalidInputError(f"file {reference!r} is a folder, not a file")
    if not path.exists():
        raise InvalidInputError(f"file {reference!r}: no such file in {root.resolve()}")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise InvalidInputError(f"file {reference!r} is not a regular file")
    if limit is not None and path.stat().st_size > limit:
        raise InvalidInputError(f"file {reference!r} is larger than {limit // (1024 * 1024)} MB")
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInputError(f"file {reference!r} cannot be read: {error.strerror}") from None


def load_json(text: str | bytes, where: str) -> Any:
    """Parse JSON, refusing malformed or absurdly nested documents in one line naming `where`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"{where}: not valid JSON: {error.msg} at line {error.lineno} "
                                f"column {error.colno}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{where}: not valid JSON: the text is not UTF-8") from None
    except RecursionError:
        # The decoder recurses once per level; no document of the procedure nests more than a few.
        raise InvalidInputError(f"{where}: the JSON is nested too deeply") from None
