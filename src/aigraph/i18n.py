"""The languages aigraph speaks, and its catalog of translations for code outside a request.

``LANGUAGES`` is the one list of languages: the site's language switch, the CLI's ``--lang``
choices, the path checks and the data pick from it. ``pick`` chooses a data string (a label or a
description) from its language-tagged values. ``translator(lang)`` loads the same Babel catalog
Flask-Babel serves the pages from (``aigraph/translations``), for code that is told the language
instead of reading it from a request: the CLI, path texts and path checks, through ``translate``
and ``translate_plural`` (extracted with ``-k translate:2 -k translate_plural:2,3``; see
``translations/babel.cfg``). Nothing here needs Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

#: The languages aigraph speaks; the first is the source language and the last-resort fallback.
LANGUAGES: tuple[str, ...] = ("en", "it")
#: Each language's name in itself, for a language switch.
LANGUAGE_NAMES = {"en": "English", "it": "Italiano"}
DEFAULT = LANGUAGES[0]
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def pick(texts: Mapping[str, str], lang: str) -> str:
    """Return the text in ``lang``, else English, else untagged, else any; '' when none."""
    for key in (lang, DEFAULT, ""):
        if texts.get(key):
            return texts[key]
    return next((t for t in texts.values() if t), "")


@cache
def translator(lang: str) -> NullTranslations:
    """Return the catalog of ``lang`` (English, the source language, translates to itself).

    Raise ValueError for a language aigraph does not speak, so a typo is not silently English.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if lang == DEFAULT:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang], DOMAIN)


def translate(lang: str, message: str, /, **values: object) -> str:
    """Translate ``message`` into ``lang`` and fill its ``%(name)s`` placeholders."""
    text = translator(lang).gettext(message)
    return text % values if values else text


def translate_plural(lang: str, singular: str, plural: str, count: int, /,
                     **values: object) -> str:
    """Translate a message that depends on ``count`` (given to the text as ``%(num)d``)."""
    text = translator(lang).ngettext(singular, plural, count)
    return text % {"num": count, **values}
