"""What every console view shares: the page's language for the service layer, domain text in the
page's script, posted forms read into casedocs.services.posted values, and the template helpers the
console's pages use (registered on the console blueprint)."""
from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

from babel.dates import format_skeleton, get_day_names
from flask import Blueprint, g, request
from flask_babel import get_locale

from cases.accounts import UiLanguage
from cases.instruments import Subject, get_instrument
from cases.procedure import Action
from casedocs.services.forms import Choice, FormField
from casedocs.services.posted import Posted, Upload
from docgen.locale import to_traditional
from web.console.labels import (
    ACTION_TITLES,
    ACTOR_LABELS,
    EDITION_LABELS,
    JOB_KINDS,
    JOB_NOTES,
    JOB_RESULT_LABELS,
    SUBJECT_LABELS,
    MONITORING_REASONS,
    UNIT_LABELS,
    URGENCY_LABELS,
    field_label,
)
from web.context import core
from web.i18n import current_language


_LANGUAGE = "console_language"  # flask.g


def page_language() -> UiLanguage:
    """The page's language, worked out once per request (a case page asks hundreds of times, and
    each answer may parse Accept-Language)."""
    found: UiLanguage | None = g.get(_LANGUAGE)
    if found is None:
        found = current_language()
        setattr(g, _LANGUAGE, found)
    return found


def service_lang() -> str:
    """The language the service layer writes in for this page: "en", else "zh" (converted to
    Traditional characters by `script` for a zh-Hant page)."""
    return "en" if page_language() is UiLanguage.EN else "zh"


def script(text: str | None) -> str:
    """Chinese text from the record or the domain (a timeline sentence, a rule's name) in the page's
    script: converted at character level on a Traditional page, as the documents are."""
    if not text:
        return ""
    if page_language() is UiLanguage.ZH_HANT:
        return to_traditional(text, core().settings.hant_variant)
    return text


def choice_label(choice: Choice) -> str:
    if choice.value in UNIT_LABELS and choice.zh == choice.value:
        return str(UNIT_LABELS[choice.value])
    return script(choice.label(service_lang()))


def action_title(action: Action | str) -> str:
    return str(ACTION_TITLES[Action(action)])


def instrument_name(instrument_id: str) -> str:
    instrument = get_instrument(instrument_id)
    return instrument.en if service_lang() == "en" else script(instrument.zh)


def subject_label(subject: Subject | None) -> str:
    """The matter a document or a time limit is for, e.g. "objection 1"."""
    if subject is None:
        return ""
    pattern = SUBJECT_LABELS.get(subject.kind.value)
    return str(pattern) % {"id": subject.id} if pattern is not None else str(subject)


def edition_name(edition: str) -> str:
    return str(EDITION_LABELS.get(edition, edition))


def upload_name(raw: str) -> str:
    """The file's own name as the browser sent it, without any folder (Chinese names kept)."""
    return PurePosixPath(raw.replace("\\", "/")).name[:200] or "upload"


def sent_files(name: str) -> list[Upload]:
    """The files sent in the form field `name`, with their names as the browser sent them: the service
    decides what a name may be (refused with a folder part, or reduced to its plain name)."""
    return [Upload(item.filename or "", item.read()) for item in request.files.getlist(name) if item.filename]


def posted_form(fields: tuple[FormField, ...] | list[FormField] = ()) -> Posted:
    """The request's form and files as casedocs.services.posted reads them."""
    values = {key: request.form.get(key, "") for key in request.form}
    lists = {key: request.form.getlist(key) for key in request.form}
    files = {key: Upload(upload_name(item.filename or ""), item.read())
             for key, item in request.files.items() if item.filename}
    return Posted(values, lists, files)


def month_title(day: date) -> str:
    return str(format_skeleton("yMMMM", day, locale=get_locale()))


def weekday_names() -> list[str]:
    names = get_day_names("abbreviated", locale=get_locale())
    return [str(names[i]) for i in range(7)]


def register(bp: Blueprint) -> None:
    """The console's template filters and globals."""
    bp.add_app_template_filter(script, "script")
    bp.add_app_template_filter(choice_label, "choice_label")
    bp.add_app_template_filter(action_title, "action_title")
    bp.add_app_template_filter(month_title, "month_title")
    bp.add_app_template_filter(instrument_name, "instrument_name")
    bp.add_app_template_filter(edition_name, "edition_name")
    bp.add_app_template_filter(subject_label, "subject_label")
    bp.add_app_template_filter(lambda value: str(ACTOR_LABELS.get(value, value)), "actor_label")
    bp.add_app_template_filter(lambda value: str(URGENCY_LABELS.get(value, value)), "urgency_label")
    bp.add_app_template_filter(lambda value: str(MONITORING_REASONS.get(value, value)), "monitoring_reason")
    bp.add_app_template_filter(lambda value: str(JOB_KINDS.get(value, value)), "job_kind")
    bp.add_app_template_filter(lambda value: str(JOB_NOTES.get(value, value)), "job_note")
    bp.add_app_template_filter(lambda value: str(JOB_RESULT_LABELS.get(value, value)), "result_label")
    bp.add_app_template_global(field_label, "field_label")
    bp.add_app_template_global(weekday_names, "weekday_names")
