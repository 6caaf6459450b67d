"""The crawler of the web leak sweep (tests/test_web_leak_crawl.py, issue 11): it fetches what a reader can
reach from its entry pages with the Flask test client, following every same-origin link a browser or an API
client could GET, never logout and never a POST, and turns each answer into the text a reader finds in it
(HTML, JSON, CSV, Atom, the text and metadata of a PDF, every part of a DOCX) with its headers."""
from __future__ import annotations

import html
import io
import itertools
import json
import logging
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from flask.testing import FlaskClient
from pypdf import PdfReader

LANGUAGES = {"zh": "zh-CN,zh;q=0.9", "zh-Hant": "zh-TW,zh;q=0.9", "en": "en-GB,en;q=0.9"}
MAX_VISITS = 600  # per role and language: a crawl that runs away (query strings) fails instead of hanging


# -- reading what comes back ------------------------------------------------------------------------

class _Links(HTMLParser):
    """The URLs a browser could GET from a page: links, GET forms, stylesheets, images and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag in ("a", "link", "area") and values.get("href"):
            self.found.append(values["href"])
        elif tag in ("img", "script", "iframe", "source", "embed") and values.get("src"):
            self.found.append(values["src"])
        elif tag == "object" and values.get("data"):
            self.found.append(values["data"])
        elif tag == "form" and values.get("method", "get").lower() == "get":
            self.found.append(values.get("action", ""))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _pdf_text(data: bytes) -> str:
    """The text (pdftotext), the Info dictionary and the XMP packet, whitespace removed (as the document
    sweep searches them)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        text = subprocess.run(["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True).stdout
    reader = PdfReader(io.BytesIO(data))
    info = " ".join(str(value) for value in (reader.metadata or {}).values())
    xmp = reader.xmp_metadata
    packet = xmp.stream.get_data().decode("utf-8", "replace") if xmp is not None else ""
    return re.sub(r"\s+", "", text + info + packet)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


_EXTRACTED: dict[bytes, str] = {}


def body_text(data: bytes, content_type: str) -> str:
    """What a reader finds in a response body, whatever its format (documents read once per content)."""
    if data[:5] == b"%PDF-":
        if data not in _EXTRACTED:
            _EXTRACTED[data] = _pdf_text(data)
        return _EXTRACTED[data]
    if data[:2] == b"PK":
        return _docx_text(data)
    if content_type.startswith("image/") and "svg" not in content_type:
        return ""
    text = data.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


# -- crawling ----------------------------------------------------------------------------------------

SAME_ORIGIN = ("", "localhost", "127.0.0.1:8000")
NEVER = ("/logout", "/language", "/static/")


@dataclass
class Seen:
    """One response of a crawl: where, in which language, and everything in it a reader could see."""

    url: str
    language: str
    status: int
    content_type: str
    text: str


@dataclass
class Crawl:
    role: str
    pages: list[Seen] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def visits(self, language: str | None = None) -> int:
        return sum(1 for seen in self.pages if language in (None, seen.language))

    def everything(self) -> str:
        return "\n".join(seen.text for seen in self.pages)


def _key(url: str) -> str | None:
    """The URL as crawled (path and query, no fragment), or None for what the crawl never fetches."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in SAME_ORIGIN:
        return None
    if parts.path.startswith(NEVER) or parts.path == "/logout":
        return None
    if parts.path == "/login":
        return "/login"  # ?next=... of every page: one login page
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _api_paths(document: dict[str, Any], number: str) -> list[str]:
    """The OpenAPI document's GET paths with the case number filled in; those naming another id are
    reached through the answers that list them, and probed."""
    paths = []
    for path, operations in document.get("paths", {}).items():
        if "get" in operations:
            filled = path.replace("{number}", number)
            if "{" not in filled:
                paths.append(filled)
    return paths


_ADDRESSES = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in itertools.count(1))


def fresh_address() -> str:
    """A client address no request has come from yet: the register's and /verify's limits per address
    (issue 13) would otherwise answer 429 instead of the page a sweep is looking for."""
    return next(_ADDRESSES)


def crawl(client: FlaskClient, role: str, entries: list[str], probes: list[str], number: str,
          headers: dict[str, str] | None = None) -> Crawl:
    """Everything `client` (signed in, or sending `headers`) reaches from `entries`, and the answers to
    `probes` (ids it may or may not open), once per page language: each language's pages are made apart
    (and kept apart in the page cache), so each is crawled."""
    found = Crawl(role)
    for language, accept in LANGUAGES.items():
        sent = {**(headers or {}), "Accept-Language": accept}
        queue, visited = [*entries, *probes], set()
        while queue:
            key = _key(queue.pop(0))
            if key is None or key in visited:
                continue
            visited.add(key)
            assert len(visited) <= MAX_VISITS, f"{role} crawl runs away at {key}"
            response = client.get(key, headers=sent, environ_overrides={"REMOTE_ADDR": fresh_address()})
            content_type = response.headers.get("Content-Type", "")
            data = response.get_data()
            text = body_text(data, content_type)
            # a file name may come percent-encoded (RFC 6266 filename*=UTF-8''...): searched decoded
            heads = "\n".join(f"{name}: {unquote(value)}" for name, value in response.headers.items())
            found.pages.append(Seen(key, language, response.status_code, content_type, text + "\n" + heads))
            links: list[str] = re.findall(r"<([^>]+)>", response.headers.get("Link", ""))  # RFC 8288 paging
            if response.status_code in (301, 302, 303, 307, 308):
                links.append(response.headers.get("Location", ""))
            elif "html" in content_type:
                parser = _Links()
                parser.feed(data.decode("utf-8", "replace"))
                links += [urljoin(key, href) for href in parser.found]
            elif "json" in content_type and response.status_code == 200:
                answer = json.loads(data)
                if key == "/api/v1/openapi.json":
                    links += _api_paths(answer, number)
                links += [urljoin(key, s) for s in _strings(answer)
                          if (s.startswith("/") and not s.startswith("//")) or s.startswith(("http://", "https://"))]
            elif "atom" in content_type or "xml" in content_type:
                found_hrefs = re.findall(r'href="([^"]+)"', data.decode("utf-8", "replace"))
                links += [html.unescape(href) for href in found_hrefs]
            queue += links
    return found


class KeptLog(logging.Handler):
    """The server's log lines while a crawl runs."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
