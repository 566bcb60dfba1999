"""Choose each request's language and show values in it.

The interface speaks through Flask-Babel (catalogs in ``aigraph/translations``); data strings
come from the graph's language tags, picked by ``aigraph.i18n.pick``; the list of languages is
``aigraph.i18n.LANGUAGES``. The language is chosen, in order,
by ``?lang=``, the ``lang`` cookie (set whenever ``?lang=`` is given), ``Accept-Language`` and
the ``default_language`` setting.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal
from flask import Flask, g, request
from flask_babel import Babel, get_locale, gettext

from aigraph.i18n import LANGUAGE_NAMES, LANGUAGES, TRANSLATIONS
from aigraph.web.state import state

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def select_language() -> str:
    """Return the language of the current request (``?lang``, cookie, Accept-Language, default)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    preferred = request.accept_languages.best_match(LANGUAGES)
    if preferred:
        return preferred
    default = state().settings.default_language
    return default if default in LANGUAGES else LANGUAGES[0]


def current() -> str:
    """Return the language of the current request as a plain code (``en`` or ``it``)."""
    if "aigraph_lang" not in g:
        locale = get_locale()
        g.aigraph_lang = locale.language if locale is not None else LANGUAGES[0]
    return g.aigraph_lang


def switch_url(lang: str) -> str:
    """Return the current URL with ``lang`` chosen, keeping the path and other arguments."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", lang))
    return request.path + "?" + urlencode(args)


def _remember(response):
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def _template_context() -> dict:
    lang = current()
    return {
        "lang": lang,
        "languages": [{"code": code, "name": LANGUAGE_NAMES[code], "url": switch_url(code),
                       "current": code == lang} for code in LANGUAGES],
    }


def init_app(app: Flask) -> None:
    """Install Flask-Babel with aigraph's language choice and remember ``?lang`` in a cookie."""
    Babel(app, locale_selector=select_language, default_locale=LANGUAGES[0],
          default_translation_directories=str(TRANSLATIONS))
    app.after_request(_remember)
    app.context_processor(_template_context)


# --- formatting values for display (pure: the language is an argument) ---------------------

@functools.lru_cache(maxsize=8192)  # pure, and Babel's formatting is slow: pages show many dates
def _format_iso_day(value: str, lang: str, precision: str, month: str, full: str) -> str:
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return value
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return format_skeleton(month, day, locale=lang)
    return format_date(day, full, locale=lang)


def format_day(value: str, lang: str, precision: str = "day") -> str:
    """Format an ISO date for reading, to the known precision (``day``, ``month``, ``year``)."""
    return _format_iso_day(value, lang, precision, "yMMMM", "long")


def format_short_day(value: str, lang: str, precision: str = "day") -> str:
    """Format an ISO date compactly (``Sep 27, 2023``), to the known precision."""
    return _format_iso_day(value, lang, precision, "yMMM", "medium")


def format_count(value: int, lang: str) -> str:
    """Format a large count in words (``7.3 billion``, ``7,3 miliardi``)."""
    if abs(value) < 1_000_000:
        return format_decimal(value, locale=lang)
    return format_compact_decimal(value, format_type="long", locale=lang, fraction_digits=1)


def format_number(value: int, lang: str) -> str:
    """Format an integer with the language's digit grouping."""
    return format_decimal(value, locale=lang)


def format_size(size: int, lang: str) -> str:
    """Format a byte count (``1.2 MB``)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{format_decimal(round(size / scale, 1), locale=lang)} {unit}"
    return f"{format_decimal(size, locale=lang)} B"


def country_name(code: str, lang: str) -> str:
    """Return the name of an ISO 3166-1 alpha-2 country in ``lang`` (the code when unknown)."""
    return Locale(lang).territories.get(code.upper(), code)


def yes_no(value: bool) -> str:
    """Say yes or no in the current interface language."""
    return gettext("Yes") if value else gettext("No")
