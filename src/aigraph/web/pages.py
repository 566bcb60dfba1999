"""Site-wide page furniture: the about page, error pages, the slug converter and shared helpers.

Helpers here are used by every blueprint of the web site: ``per_version`` caches a value for the
current data version, ``negotiate`` picks a response format from ``?format=`` and ``Accept``,
``rdf_response`` serialises an rdflib graph, and ``script_json`` embeds JSON in a page safely.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import rdflib
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

from aigraph import conneg
from aigraph.conneg import NotAcceptable
from aigraph.errors import AigraphError
from aigraph.namespaces import SLUG_MAX
from aigraph.store import Store
from aigraph.web import state

bp = Blueprint("pages", __name__)

T = TypeVar("T")

#: RDF serialisations offered wherever a page also has a graph, by media type: the ``?format=``
#: name and rdflib's serialiser.
RDF_FORMATS: dict[str, tuple[str, str]] = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}
HTML = "text/html"


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


# --- formats -----------------------------------------------------------------------------------

#: ``?format=`` names and the media types they select.
FORMAT_NAMES: dict[str, str] = {
    "html": HTML, "json": "application/json",
    **{short: media for media, (short, _fmt) in RDF_FORMATS.items()},
}


def negotiate(offers: Mapping[str, Sequence[str]]) -> str:
    """Pick the media type to answer with: ``?format=`` when given, else ``Accept``.

    ``offers`` maps media types, in order of preference, to the aliases that also select them;
    the first one answers ``*/*`` and a missing header. Raise NotAcceptable when none fits.
    """
    asked = request.args.get("format")
    if asked:
        chosen = FORMAT_NAMES.get(asked.strip().lower())
        if chosen not in offers:
            raise NotAcceptable(_unknown_format(offers))
        return chosen
    chosen = conneg.negotiate(request.headers.get("Accept"), offers)
    if chosen is None:
        raise NotAcceptable(_unknown_format(offers))
    return chosen


def _unknown_format(offers: Mapping[str, Sequence[str]]) -> str:
    names = ", ".join(name for name, media in FORMAT_NAMES.items() if media in offers)
    return gettext("None of the formats asked for is available here. Available formats: "
                   "%(names)s.", names=names)


def offers(*media_types: str) -> dict[str, tuple[str, ...]]:
    """Build an offer table for ``negotiate``: HTML (with XHTML) first, then ``media_types``."""
    table: dict[str, tuple[str, ...]] = {HTML: ("application/xhtml+xml",)}
    for media in media_types:
        table[media] = ("application/json",) if media == "application/ld+json" else ()
    return table


def rdf_response(graph: rdflib.Graph, media_type: str) -> Response:
    """Serialise ``graph`` as ``media_type`` (one of RDF_FORMATS)."""
    _short, fmt = RDF_FORMATS[media_type]
    body = graph.serialize(format=fmt, encoding="utf-8")
    response = Response(body, mimetype=media_type)
    if media_type in ("text/turtle", "application/n-triples"):
        response.content_type = f"{media_type}; charset=utf-8"
    response.vary.add("Accept")
    return response


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


def _error_format() -> str:
    """How to answer an error: ``html`` for browsers, ``json`` when asked, else ``text``."""
    if request.args.get("format") == "json":
        return "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/plain"])
    if best is None and not request.accept_mimetypes:
        return "html"
    return {"application/json": "json", "text/plain": "text"}.get(best or "", "html")


def _error(status: int, message: str, template: str = "pages/error.html", **context):
    kind = _error_format()
    if kind == "json":
        extra = {k: [s.as_json() for s in v] if k == "suggestions" else v
                 for k, v in context.items()}
        return jsonify({"error": message, "status": status, **extra}), status
    if kind == "text":
        return Response(message + "\n", status=status, mimetype="text/plain")
    return render_template(template, status=status, message=message, **context), status


def error_response(status: int, message: str):
    """Render an error page (or JSON, or text, as the client asked) with ``status``."""
    return _error(status, message)


def _not_found(error):
    from aigraph.web.search import suggest

    message = getattr(error, "message", None) or gettext("There is no page at this address.")
    asked = request.path.rstrip("/").rsplit("/", 1)[-1]
    suggestions = suggest(asked) if asked else []
    return _error(404, message, "pages/not_found.html", suggestions=suggestions)


def _aigraph_error(error: AigraphError):
    if error.status == 404:
        return _not_found(error)
    response = make_response(_error(error.status, error.message))
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


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

