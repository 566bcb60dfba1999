"""Jinja filters the templates share: embedding JSON in a page, and formatting a day or a moment."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_date, format_time
from flask import Flask
from markupsafe import Markup

from aigraph.web import i18n
from aigraph.web.caching import catalog


def script_json(value: Any) -> Markup:
    """Serialise ``value`` with json.dumps for a ``<script>`` element, escaping what ends one."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)


def day(value: str | None, slug: str | None = None) -> str:
    """Format an ISO date in the page language, to the precision the entity ``slug`` records."""
    if not value:
        return ""
    entry = catalog().by_slug.get(slug) if slug else None
    return i18n.format_day(value, i18n.current(), entry.precision if entry else "day")


def moment(value: str | None) -> str:
    """Format an ISO timestamp (a change's time) to the minute, in UTC, in the page language."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when, lang = when.astimezone(UTC), i18n.current()
    return f"{format_date(when, 'medium', locale=lang)}, {format_time(when, 'short', locale=lang)} UTC"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(script_json, "script_json")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
