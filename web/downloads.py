"""A stored file sent as a download: evidence, exhibits and documents the views found through the
services. Always an attachment — what a party or a monitor uploaded is never shown inline in our
origin — and a file the service did not find (or may not show this reader) answers 404 like one that
does not exist."""
from __future__ import annotations

import io
from typing import Protocol

from flask import abort, send_file
from werkzeug.wrappers import Response


class Downloadable(Protocol):
    @property
    def data(self) -> bytes: ...
    @property
    def media_type(self) -> str: ...
    @property
    def name(self) -> str: ...


def attachment(found: Downloadable | None) -> Response:
    if found is None:
        abort(404)
    return send_file(io.BytesIO(found.data), mimetype=found.media_type, download_name=found.name, as_attachment=True)
