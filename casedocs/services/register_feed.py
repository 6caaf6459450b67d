"""/register.atom: an Atom feed (RFC 4287) of what happens on the register — a case published, a case
moving to another stage, a monitoring update of an obligation (第六章第1.1条: case information kept up
to date with the monitoring).

Written with xml.etree.ElementTree (it escapes every text and attribute; no feed library is installed
and the feed is small). Every entry carries only what the register shows (casedocs.services.register):
the case number, the stage or the obligation's number and status, and dates. Titles are in Chinese and
English together, as a feed has one language for all its readers.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy.orm import Session

from cases.procedure.core import SHANGHAI
from casedocs.services.register import PublicCase, stage_changes

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 200


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    summary: str
    updated: datetime
    link: str


def _midday(day: date) -> datetime:
    """A business date as a moment (noon in Shanghai): monitoring updates carry only their date."""
    return datetime.combine(day, time(12), SHANGHAI).astimezone(timezone.utc)


def entries(session: Session, cases: Sequence[PublicCase], case_url: Callable[[str], str]) -> list[Entry]:
    """The feed's entries, newest first. Caller's session, one query (the stage changes)."""
    found: list[Entry] = []
    changes = stage_changes(session, [c.number for c in cases])
    for case in cases:
        url = case_url(case.number)
        found.append(Entry(f"{url}#published", f"{case.number}: 案件已登记 / published on the register",
                           f"{case.number} — {case.region}, {case.country}; {case.industry}. "
                           f"{case.stage.zh} / {case.stage.en}.", case.registered_at, url))
        for change in changes[case.number]:
            found.append(Entry(f"{url}#stage-{change.stage.value}-{change.on.isoformat()}",
                               f"{case.number}: {change.stage.zh} / {change.stage.en}",
                               f"{case.number}: {change.on.isoformat()} — {change.stage.zh} / {change.stage.en}.",
                               change.at, url))
        for obligation in case.obligations:
            for n, step in enumerate(obligation.updates, start=1):
                found.append(Entry(f"{url}#obligation-{obligation.position}-update-{n}",
                                   f"{case.number}: 义务{obligation.position} {step.status.zh} / "
                                   f"obligation {obligation.position} {step.status.en.lower()}",
                                   f"{case.number}: {step.reported_on.isoformat()} — monitoring update of "
                                   f"obligation {obligation.position}: {step.status.zh} / {step.status.en}.",
                                   _midday(step.reported_on), url))
    found.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return found[:MAX_ENTRIES]


def atom(found: Sequence[Entry], *, feed_url: str, register_url: str, title: str, now: datetime) -> bytes:
    """The feed document (UTF-8 XML). `now` stands for its update time when it has no entry."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", title)
    sub(feed, "updated", _stamp(found[0].updated if found else now))
    author = sub(feed, "author")
    sub(author, "name", "Secretariat / 秘书处")
    sub(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=register_url, type="text/html")
    for entry in found:
        item = sub(feed, "entry")
        sub(item, "id", entry.id)
        sub(item, "title", entry.title)
        sub(item, "updated", _stamp(entry.updated))
        sub(item, "link", rel="alternate", href=entry.link, type="text/html")
        sub(item, "summary", entry.summary)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, seconds only."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
