"""Site-wide page furniture: the about page, error pages, the slug converter and shared helpers.

Helpers here are used by every blueprint of the web site: ``per_version`` caches a value for the
current data version and ``script_json`` embeds JSON in a page safely. Choosing a response
format (``?format=`` and ``Accept``) lives in ``aigraph.web.negotiation``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, ValidationError

from aigraph.errors import AigraphError
from aigraph.namespaces import SLUG_MAX
from aigraph.store import Store
from aigraph.web import state
from aigraph.web.negotiation import error_format

bp = Blueprint("pages", __name__)

T = TypeVar("T")

class SlugConverter(BaseConverter):
    """Match only well-formed slugs, so that a malformed one is a 404 before any query."""

    regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"

    def to_python(self, value: str) -> str:
        if len(value) > SLUG_MAX:
            raise ValidationError()
        return value


# --- caches keyed on the data version --------------------------------------------------------

def data_version() -> str:
    """Return the store's data version, asked once per request (a remote store runs a query)."""
    if "aigraph_version" not in g:
        g.aigraph_version = state().store.version
    return g.aigraph_version


def per_version(name: str, build: Callable[[Store], T]) -> T:
    """Return ``build(store)``, computed once per data version and kept on the application."""
    version = data_version()
    cache: dict[str, tuple[str, Any]] = current_app.extensions.setdefault("aigraph_pages", {})
    entry = cache.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = build(state().store)
    cache[name] = (version, value)
    return value


def entity_url(slug: str) -> str:
    """Return the path of the entity page of ``slug`` (url_for, built once per request)."""
    if "aigraph_entity_url" not in g:
        g.aigraph_entity_url = url_for("entities.entity", slug="placeholder").rsplit("/", 1)[0]
    return f"{g.aigraph_entity_url}/{slug}"


def script_json(value: Any) -> Markup:
    """Serialise ``value`` with json.dumps for a ``<script>`` element, escaping what ends one."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)


def day(value: str | None, slug: str | None = None) -> str:
    """Format an ISO date in the page language, to the precision the entity ``slug`` records."""
    from aigraph.web import i18n
    from aigraph.web.search import catalog

    if not value:
        return ""
    entry = catalog().by_slug.get(slug) if slug else None
    return i18n.format_day(value, i18n.current(), entry.precision if entry else "day")


# --- pages ---------------------------------------------------------------------------------

@bp.get("/about")
def about():
    """Say what aigraph is, where its data comes from and how to reuse it."""
    return render_template("pages/about.html")


def _error(status: int, message: str, template: str = "pages/error.html", **context):
    kind = error_format()
    if kind == "json":
        extra = {k: [s.as_json() for s in v] if k == "suggestions" else v
                 for k, v in context.items()}
        return jsonify({"error": message, "status": status, **extra}), status
    if kind == "text":
        return Response(message + "\n", status=status, mimetype="text/plain")
    return render_template(template, status=status, message=message, **context), status


def _not_found(error):
    from aigraph.web.search import suggest

    message = getattr(error, "message", None) or gettext("There is no page at this address.")
    asked = request.path.rstrip("/").rsplit("/", 1)[-1]
    suggestions = suggest(asked) if asked else []
    return _error(404, message, "pages/not_found.html", suggestions=suggestions)


def _aigraph_error(error: AigraphError):
    if error.status == 404:
        return _not_found(error)
    return _error(error.status, error.message)


def _http_error(error: HTTPException):
    if error.code == 404:
        return _not_found(error)
    if error.code is None or error.code < 400:
        return error
    response = make_response(_error(error.code, error.description or error.name))
    # Keep what the exception says about itself, such as Allow on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Install the slug converter, page filters and the error pages (before any blueprint)."""
    app.url_map.converters["slug"] = SlugConverter
    app.add_template_filter(script_json, "script_json")
    app.add_template_filter(day, "day")
    app.register_error_handler(AigraphError, _aigraph_error)
    app.register_error_handler(HTTPException, _http_error)

