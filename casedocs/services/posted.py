"""What a browser posts to a generated form (casedocs.services.forms), gathered back into what the
command line takes: an action's `key=value` text for `acts.check_arguments` / `acts.take_action`, or
the application's JSON document for `cases.application.parse_application`.

Field names are built from the form's fields (`applicant.members.0.full_name`) and looked up in the
posted values; a posted name is never taken apart. Files are checked as the store checks them (size,
type sniffed from the content) and sent inline as base64; a file sent with a refused form is kept in
the store and named in hidden fields, so that the form shown again loses nothing.
"""
from __future__ import annotations

import base64
import json
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cases.errors import InvalidInputError
from cases.store import MAX_UPLOAD_BYTES, BlobStore, sniff
from casedocs.services.forms import ActionForm, FieldKind, FormField

MAX_ROWS = 50  # a side of more members than this is filed as a JSON document
ROWS_SUFFIX = "._rows"  # the hidden field that says how many rows a list shows


@dataclass(frozen=True)
class Upload:
    """A file sent with a form."""

    name: str
    data: bytes


def row_counts(fields: Sequence[FormField], posted: Mapping[str, str], add: str | None = None,
               prefix: str = "") -> dict[str, int]:
    """How many rows each list shows: as posted (its hidden count), one more where "add a row" was
    pressed (`add` names the list), else the blank form's. No session."""
    counts: dict[str, int] = {}
    for item in fields:
        path = item.path(prefix)
        if item.kind is FieldKind.ROWS:
            count = _count(posted.get(path + ROWS_SUFFIX), item.rows) + (1 if add == path else 0)
            counts[path] = min(count, MAX_ROWS)
            for index in range(counts[path]):
                counts.update(row_counts(item.fields, posted, add, f"{path}.{index}."))
        elif item.kind is FieldKind.GROUP:
            counts.update(row_counts(item.fields, posted, add, f"{path}."))
    return counts


def _count(raw: str | None, default: int) -> int:
    try:
        return max(0, int(raw)) if raw is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Posted:
    """What a browser sent: the text fields (a multiple choice's values joined by the caller into a
    list) and the files, by field name."""

    values: Mapping[str, str]
    lists: Mapping[str, Sequence[str]]
    files: Mapping[str, Upload]


def action_arguments(form: ActionForm, posted: Posted) -> dict[str, str]:
    """The posted form as the `key=value` text `casedocs case act` takes: scalars as typed, lists and
    structured values as JSON; an optional field left empty is left out (its default applies), a
    required one is given empty (check_arguments / take_action name it). InvalidInputError for an
    upload the store refuses. No session."""
    counts = row_counts(form.fields, posted.values)
    given: dict[str, str] = {}
    for item in form.fields:
        value = _value(item, item.name, posted, counts)
        if value is _EMPTY:
            if item.required:
                given[item.name] = ""
            continue
        given[item.name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return given


def application_document(fields: Sequence[FormField], posted: Posted) -> dict[str, Any]:
    """The posted application form as the JSON document `casedocs case import` reads (files inline).
    No session."""
    counts = row_counts(fields, posted.values)
    document = _group(fields, "", posted, counts)
    return {} if document is _EMPTY else typing.cast(dict[str, Any], document)


class _Empty:
    pass


_EMPTY: Any = _Empty()


def _value(item: FormField, path: str, posted: Posted, counts: Mapping[str, int]) -> Any:
    """The field's value as JSON data, or _EMPTY when nothing was entered."""
    match item.kind:
        case FieldKind.GROUP:
            return _group(item.fields, path + ".", posted, counts)
        case FieldKind.ROWS:
            rows = [_row(item, f"{path}.{index}.", posted, counts) for index in range(counts.get(path, 0))]
            rows = [row for row in rows if row is not _EMPTY]
            return rows or _EMPTY
        case FieldKind.FILE:
            return _file(path, posted)
        case FieldKind.CHOICES:
            chosen = [v for v in posted.lists.get(path, ()) if v]
            return chosen or _EMPTY
        case FieldKind.LINES:
            lines = [line.strip() for line in posted.values.get(path, "").splitlines() if line.strip()]
            return lines or _EMPTY
    text = posted.values.get(path, "")
    if item.kind is not FieldKind.LONG_TEXT:
        text = text.strip()
    return text if text.strip() else _EMPTY


def _row(item: FormField, prefix: str, posted: Posted, counts: Mapping[str, int]) -> Any:
    if len(item.fields) == 1 and item.fields[0].kind is FieldKind.FILE:  # a list of files
        only = item.fields[0]
        upload = _file(only.path(prefix), posted)
        # A (file, folder) pair: the folder is never read for a file sent inline.
        return [upload, "."] if only.with_folder and upload is not _EMPTY else upload
    return _group(item.fields, prefix, posted, counts)


def _group(fields: Sequence[FormField], prefix: str, posted: Posted, counts: Mapping[str, int]) -> Any:
    values: dict[str, Any] = {}
    for item in fields:
        value = _value(item, item.path(prefix), posted, counts)
        if value is _EMPTY:
            continue
        values[item.name] = _typed(item, value)
    return values or _EMPTY


def _typed(item: FormField, value: Any) -> Any:
    """Inside a JSON value: a yes/no as a boolean, a whole number as a number (else left as typed,
    for pydantic to name)."""
    if item.kind is FieldKind.BOOLEAN and value in ("true", "false"):
        return value == "true"
    if item.kind is FieldKind.NUMBER and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _file(path: str, posted: Posted) -> Any:
    """A FileIn document for an uploaded file: its title, name and bytes inline."""
    upload = posted.files.get(path + ".upload")
    title = posted.values.get(path + ".title", "").strip()
    if upload is None or not upload.data:
        if title:
            raise InvalidInputError(f"{path}: {title!r} has a title but no file")
        return _EMPTY
    check_upload(upload)
    return {"title": title or upload.name, "name": upload.name,
            "content_base64": base64.b64encode(upload.data).decode("ascii")}


def check_upload(upload: Upload) -> str:
    """The upload's media type, sniffed from its content (the store's own check: a ".pdf" that is
    not a PDF is refused), or InvalidInputError naming the file. No session."""
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(f"{upload.name}: {len(upload.data)} bytes exceeds the limit of {MAX_UPLOAD_BYTES}")
    return sniff(upload.name, upload.data)


# -- uploads kept across a refused form ---------------------------------------------------------

KEPT_SHA256 = ".kept_sha256"  # hidden fields naming a file already sent with a form that was refused
KEPT_NAME = ".kept_name"


def file_paths(fields: Sequence[FormField], counts: Mapping[str, int], prefix: str = "") -> list[str]:
    """The full name of every file field the form shows. No session."""
    paths: list[str] = []
    for item in fields:
        path = item.path(prefix)
        if item.kind is FieldKind.FILE:
            paths.append(path)
        elif item.kind is FieldKind.GROUP:
            paths += file_paths(item.fields, counts, path + ".")
        elif item.kind is FieldKind.ROWS:
            for index in range(counts.get(path, 0)):
                paths += file_paths(item.fields, counts, f"{path}.{index}.")
    return paths


def keep_uploads(fields: Sequence[FormField], posted: Posted, store: BlobStore) -> dict[str, tuple[str, str]]:
    """Put each file sent with a refused form in the store and return (sha256, name) by field, for
    the form shown again to carry in hidden fields: a browser cannot refill a file input, and an officer
    must not have to choose the files again (nothing is lost on a refused form). A stored file no record
    names is harmless (cases.store). Console only: whoever posts a sha256 back reads that file. No session."""
    kept: dict[str, tuple[str, str]] = {}
    for path in file_paths(fields, row_counts(fields, posted.values)):
        upload = posted.files.get(path + ".upload")
        if upload is not None and upload.data:
            kept[path] = (store.put(upload.data), upload.name)
    return kept


def with_kept_uploads(fields: Sequence[FormField], posted: Posted, store: BlobStore) -> Posted:
    """The posted form with each file field that got no new file given the file kept for it, if any.
    InvalidInputError when a kept file is not in the store. No session."""
    files = dict(posted.files)
    for path in file_paths(fields, row_counts(fields, posted.values)):
        sha256, name = posted.values.get(path + KEPT_SHA256, ""), posted.values.get(path + KEPT_NAME, "")
        if sha256 and name and (path + ".upload" not in files or not files[path + ".upload"].data):
            if len(sha256) != 64 or not store.path(sha256).is_file():
                raise InvalidInputError(f"{path}: the file sent earlier ({name}) is no longer at hand; choose it again")
            files[path + ".upload"] = Upload(name, store.get(sha256))
    return Posted(posted.values, posted.lists, files)
