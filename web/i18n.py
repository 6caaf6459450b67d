"""The web pages' languages: Simplified Chinese, Traditional Chinese and English (Flask-Babel).

Catalogues: web/translations/zh_Hans/LC_MESSAGES/*.po and web/translations/en/LC_MESSAGES/*.po
(msgids are English). Every .po file of a language is merged into its one "messages" domain, so
each part of the web (auth, console, ...) may keep its own file. Traditional Chinese is generated
from the Simplified catalogue with OpenCC at character level (Settings.hant_variant, as the
documents' Traditional edition: never s2twp, which turns 程序 into 程式).

The .mo files are compiled into the cache directory when missing or older than a .po (at app
start, atomically, so that gunicorn workers starting together do not read a half-written file):
the source tree is never written to.

Babel parses zh_CN as zh_Hans_CN, so the compiled catalogues are named by the full locale each
language uses: zh_Hans_CN, zh_Hant_TW (or _HK), en_GB (day month year: 12 March 2025).
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from datetime import date, datetime, tzinfo
from pathlib import Path

from babel import Locale, dates
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from flask import Flask, g, request, session
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user

from cases.accounts import UiLanguage
from cases.vocabulary import Labelled
from casedocs.config import Settings
from docgen.locale import HANT_VARIANTS, to_traditional

SOURCE_DIR = Path(__file__).with_name("translations")
LANGUAGE_KEY = "lang"  # session key: the language chosen before login
_LANGUAGE_OF_REQUEST = "casedocs_language"  # flask.g key: current_language's answer for this request
_TRANSLATIONS_OF_REQUEST = "casedocs_translations"  # flask.g key: the catalogue templates translate with
MECHANISM = {UiLanguage.ZH: "采矿业和矿产价值链调解磋商机制",
             UiLanguage.EN: "Mining and Mineral Value Chain Mediation and Consultation Mechanism"}


def locale_of(language: UiLanguage, hant_variant: str) -> str:
    if language is UiLanguage.ZH:
        return "zh_Hans_CN"
    if language is UiLanguage.ZH_HANT:
        return "zh_Hant_" + HANT_VARIANTS[hant_variant].split("-")[1]
    return "en_GB"


def _merged(language_dir: Path, locale: str) -> Catalog:
    merged = Catalog(locale=locale.split("_")[0])
    for po in sorted((language_dir / "LC_MESSAGES").glob("*.po")):
        with open(po, "rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    merged.add(message.id, message.string, context=message.context)
    return merged


def _traditional(catalog: Catalog, variant: str) -> Catalog:
    converted = Catalog(locale="zh")
    for message in catalog:
        if not message.id:
            continue
        string = message.string
        text: str | tuple[str, ...] = tuple(to_traditional(s, variant) for s in string) \
            if isinstance(string, (tuple, list)) else to_traditional(string or "", variant)
        converted.add(message.id, text, context=message.context)
    return converted


def _write_atomically(catalog: Catalog, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compile_catalogues(settings: Settings, source: Path = SOURCE_DIR) -> Path:
    """Compile the catalogues (when stale) and return the directory Flask-Babel reads."""
    key = hashlib.sha256(f"{source.resolve()}|{settings.hant_variant}".encode()).hexdigest()[:12]
    out = settings.cache_dir / "web-translations" / key
    newest = max((p.stat().st_mtime for p in source.glob("*/LC_MESSAGES/*.po")), default=0.0)
    simplified = _merged(source / "zh_Hans", "zh_Hans_CN")
    plan = {
        locale_of(UiLanguage.ZH, settings.hant_variant): lambda: simplified,
        locale_of(UiLanguage.ZH_HANT, settings.hant_variant):
            lambda: _traditional(simplified, settings.hant_variant),
        locale_of(UiLanguage.EN, settings.hant_variant): lambda: _merged(source / "en", "en_GB"),
    }
    for locale, make in plan.items():
        target = out / locale / "LC_MESSAGES" / "messages.mo"
        if not target.exists() or target.stat().st_mtime < newest:
            _write_atomically(make(), target)
    return out


def _from_accept_language() -> UiLanguage:
    best = request.accept_languages.best_match(
        ["zh-CN", "zh-Hans", "zh-SG", "zh", "zh-TW", "zh-HK", "zh-MO", "zh-Hant", "en"], default="en")
    if best in ("zh-TW", "zh-HK", "zh-MO", "zh-Hant"):
        return UiLanguage.ZH_HANT
    return UiLanguage.ZH if best and best.startswith("zh") else UiLanguage.EN


def current_language() -> UiLanguage:
    """The account's language, else the one chosen with the switch, else Accept-Language: worked out
    once per request and kept in flask.g (a case page asks for it hundreds of times, for every label,
    date and translated string, and each answer read the session and parsed Accept-Language).
    Flask-Babel fixes its locale at the first translation of a request in the same way."""
    found: UiLanguage | None = g.get(_LANGUAGE_OF_REQUEST)
    if found is None:
        found = _work_out_language()
        setattr(g, _LANGUAGE_OF_REQUEST, found)
    return found


def _work_out_language() -> UiLanguage:
    if current_user.is_authenticated and current_user.language is not None:
        language: UiLanguage = current_user.language
        return language
    chosen = session.get(LANGUAGE_KEY)
    if chosen in {lang.value for lang in UiLanguage}:
        return UiLanguage(chosen)
    return _from_accept_language()


def install_template_gettext(app: Flask) -> None:
    """Jinja's `_()`, `ngettext()`, `pgettext()` and `npgettext()` as Flask-Babel installs them, with the
    request's translations looked up once and kept in flask.g: Flask-Babel looks them up (domain,
    locale, catalogue cache) at every call, and a case page makes hundreds. Called after babel.init_app."""
    def translations() -> NullTranslations:
        found: NullTranslations | None = g.get(_TRANSLATIONS_OF_REQUEST)
        if found is None:
            found = get_translations()
            setattr(g, _TRANSLATIONS_OF_REQUEST, found)
        return found

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)


def html_lang() -> str:
    """The BCP 47 tag of the page (<html lang>), which also picks the font for CJK text."""
    return {UiLanguage.ZH: "zh-Hans", UiLanguage.ZH_HANT: "zh-Hant", UiLanguage.EN: "en"}[current_language()]


def mechanism_name() -> str:
    language = current_language()
    if language is UiLanguage.ZH_HANT:
        return to_traditional(MECHANISM[UiLanguage.ZH])
    return MECHANISM[UiLanguage.ZH] if language is UiLanguage.ZH else MECHANISM[UiLanguage.EN]


def label(value: Labelled | None) -> str:
    """A vocabulary member (Stage, Role, SideRole, ...) in the page's language."""
    if value is None:
        return ""
    language = current_language()
    if language is UiLanguage.EN:
        return value.en
    return to_traditional(value.zh) if language is UiLanguage.ZH_HANT else value.zh


def long_date(value: date | datetime | None) -> str:
    """2025年3月12日 / 12 March 2025."""
    if value is None:
        return ""
    return _formatted_day(value.date() if isinstance(value, datetime) else value, get_locale())


def moment(value: datetime | None) -> str:
    """A moment in Asia/Shanghai time (the mechanism's), in the page's language."""
    if value is None:
        return ""
    return _formatted_moment(value, get_locale(), get_timezone())


# What flask_babel.format_date(day, "long") and format_datetime(moment, "medium") return (the app sets
# no BABEL date formats), remembered: a case page formats hundreds of dates, the same ones at every
# visit, and each formatting costs tens of microseconds. Pure functions of their arguments.
@functools.lru_cache(maxsize=8192)
def _formatted_day(day: date, locale: Locale | None) -> str:
    return str(dates.format_date(day, "long", locale=locale))


@functools.lru_cache(maxsize=8192)
def _formatted_moment(value: datetime, locale: Locale | None, zone: tzinfo | None) -> str:
    return str(dates.format_datetime(value, "medium", tzinfo=zone, locale=locale))


def locale_name() -> str:
    return str(get_locale())
