"""How entity URLs look: the slug converter every route uses, and the entity page's path."""

from __future__ import annotations

from flask import Flask, g, url_for
from werkzeug.routing import BaseConverter, ValidationError

from aigraph.namespaces import SLUG_MAX


class SlugConverter(BaseConverter):
    """Match only well-formed slugs, so that a malformed one is a 404 before any query."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_MAX:
            raise ValidationError()
        return value


def entity_url(slug: str) -> str:
    """Return the path of the entity page of ``slug`` (url_for, built once per request)."""
    if "aigraph_entity_url" not in g:
        g.aigraph_entity_url = url_for("entities.entity", slug="placeholder").rsplit("/", 1)[0]
    return f"{g.aigraph_entity_url}/{slug}"


def init_app(app: Flask) -> None:
    """Install the slug converter (before any blueprint whose routes use it)."""
    app.url_map.converters["slug"] = SlugConverter
