"""Reading-path pages: the defined paths, and lineage, next and between generated on request.

Every path comes from the path service (``aigraph.paths.service``) and is rendered by
``aigraph.paths.render``; these views only choose the format (HTML, JSON per the contract, or
the path as an RDF list) and the language. Defined paths are cached per data version and
language, since evaluating a rule takes a few queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext

from aigraph.errors import NotFound
from aigraph.namespaces import is_slug
from aigraph.paths import render, service
from aigraph.paths.graph import NoPath
from aigraph.paths.model import Path
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.caching import catalog, per_version
from aigraph.web.kinds import kind_name
from aigraph.web.negotiation import JSON, is_rdf, negotiate_request, offers, rdf_response
from aigraph.web.routing import entity_url
from aigraph.web.search import suggest
from aigraph.web.state import state

bp = Blueprint("paths", __name__, url_prefix="/paths")


@bp.app_template_filter("entity_url")
def entity_url_filter(slug: str) -> str:
    """Return the path of the entity page of ``slug`` (url_for's answer, built once a request)."""
    return entity_url(slug)

PATH_OFFERS = offers(json=True)


@dataclass(frozen=True)
class PathCard:
    """A defined path as listed: where it goes, for whom, and how long it is."""

    slug: str
    title: str
    tagline: str
    audience: str
    steps: int
    url: str


# --- domain ----------------------------------------------------------------------------------

def defined_path(store: Store, slug: str, lang: str) -> Path:
    """Return the reading path ``slug`` in ``lang``, computed once per data version."""
    if not is_slug(slug):
        raise NotFound(gettext("There is no reading path called “%(slug)s”.", slug=slug))
    return per_version(f"path:{slug}:{lang}",
                       lambda s: service.reading_path(s, slug, lang))


def path_slugs(store: Store) -> list[str]:
    """Return the slugs of the defined reading paths, once per data version."""
    return per_version("path-slugs", lambda s: [p.slug for p in service.list_paths(s, "en")])


def path_cards(store: Store, lang: str) -> list[PathCard]:
    """List the defined reading paths with their audiences and lengths."""
    cards = []
    for slug in path_slugs(store):
        path = defined_path(store, slug, lang)
        cards.append(PathCard(slug, path.title, path.tagline or "", path.audience or "",
                              len(path.steps), url_for("paths.show", slug=slug)))
    return cards


def path_memberships(store: Store) -> dict[str, list[str]]:
    """Map each defined path's slug to its milestones' IRIs in path order (per data version)."""
    def build(s: Store) -> dict[str, list[str]]:
        return {slug: [step.iri for step in service.ordered_members(s, slug)]
                for slug in path_slugs(s)}
    return per_version("path-members", build)


# --- views -----------------------------------------------------------------------------------

def _respond(path: Path, template: str, json_url: str, **context):
    media = negotiate_request(PATH_OFFERS)
    if media == JSON:
        response = jsonify(render.to_json(path))
    elif is_rdf(media):
        response = rdf_response(render.to_rdf(path), media)
    else:
        response = render_template(template, path=path, json_url=json_url, **context)
    headers = {"Link": f'<{json_url}>; rel="alternate"; type="application/json"',
               "Vary": "Accept"}
    return response, 200, headers


@bp.get("/")
def index():
    """List the reading paths, with the audience each is written for."""
    cards = path_cards(state().store, i18n.current())
    if request.args.get("format") == "json":
        return jsonify({"paths": [card.__dict__ for card in cards]})
    return render_template("paths/index.html", cards=cards)


@bp.get("/<slug:slug>")
def show(slug: str):
    """Show a reading path like the seed page: numbered steps with why each matters."""
    path = defined_path(state().store, slug, i18n.current())
    return _respond(path, "paths/path.html",
                    url_for("paths.show_json", slug=slug, lang=i18n.current()))


@bp.get("/<slug:slug>.json")
def show_json(slug: str):
    """Give a reading path as JSON: slug, title and the steps in path order."""
    return jsonify(render.to_json(defined_path(state().store, slug, i18n.current())))


def _require_node(slug: str) -> None:
    """Raise NotFound, in the page language, unless paths can start from ``slug``."""
    entry = catalog().by_slug.get(slug)
    if entry is None:
        raise NotFound(gettext("There is no entity called “%(slug)s”.", slug=slug))
    if entry.kind not in ("milestone", "model", "organization"):
        raise NotFound(gettext(
            "Paths link milestones, models and organizations; “%(label)s” is a %(kind)s.",
            label=entry.label(i18n.current()), kind=kind_name(entry.kind).lower()))


@bp.get("/lineage/<slug:slug>")
def lineage(slug: str):
    """Show what led to an entity, each step with the link that brought it onto the path."""
    _require_node(slug)
    path = service.lineage_path(state().store, slug, i18n.current())
    return _respond(path, "paths/generated.html",
                    url_for("paths.lineage", slug=slug, format="json", lang=i18n.current()))


@bp.get("/next/<slug:slug>")
def following(slug: str):
    """Show what came after an entity, each step with the link that brought it onto the path."""
    _require_node(slug)
    path = service.next_path(state().store, slug, i18n.current())
    return _respond(path, "paths/generated.html",
                    url_for("paths.following", slug=slug, format="json", lang=i18n.current()))


@bp.get("/between")
def between():
    """Show a chain of links between two entities (?from=&to=), or the form to ask for one."""
    source = request.args.get("from", "").strip()
    target = request.args.get("to", "").strip()
    if not source or not target:
        return render_template("paths/between.html", source=source, target=target,
                               path=None, message="")
    try:
        path = service.between_path(state().store, source, target, i18n.current())
    except NoPath as error:
        return _no_path(source, target, error.message)
    except NotFound as error:
        return _no_path(source, target, _unknown_message(source, target, error.message))
    return _respond(path, "paths/generated.html",
                    url_for("paths.between", format="json", lang=i18n.current(),
                            **{"from": source, "to": target}),
                    source=source, target=target)


def _unknown_message(source: str, target: str, fallback: str) -> str:
    known = catalog().by_slug
    missing = [s for s in (source, target) if s not in known]
    if not missing:
        return fallback
    return gettext("No milestone, model or organization is called “%(slug)s”.",
                   slug=missing[0])


def _no_path(source: str, target: str, message: str):
    wants = negotiate_request(PATH_OFFERS)
    if wants == JSON:
        return jsonify({"error": message, "status": 404, "from": source, "to": target}), 404
    return render_template("paths/between.html", source=source, target=target, path=None,
                           message=message,
                           suggestions=[s for word in (source, target)
                                        if word not in catalog().by_slug
                                        for s in suggest(word, 3)]), 404
