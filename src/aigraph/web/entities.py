"""Entity pages: ``/id/{slug}`` as HTML, or as Turtle, JSON-LD, N-Triples or RDF/XML by Accept.

The page data comes from ``entity_page`` (the entity's own statements) and ``entity_around``
(its lineage, reading paths, neighbourhood and schema.org description); the RDF description
from one named CONSTRUCT. A slug that names a reading path redirects to its page under /paths/.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext
from rdflib import URIRef

from aigraph import queries
from aigraph.errors import NotFound
from aigraph.namespaces import entity_iri
from aigraph.ontology_entities import ontology_subjects
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.caching import catalog
from aigraph.web.entity_around import entity_around
from aigraph.web.entity_page import EntityPage, entity_page
from aigraph.web.licensing import panel as license_panel
from aigraph.web.negotiation import alternates, is_rdf, negotiate_request, offers, rdf_response
from aigraph.web.state import state

bp = Blueprint("entities", __name__)

ENTITY_OFFERS = offers()


def full_page(store: Store, slug: str, lang: str) -> EntityPage:
    """Build everything the entity page shows for ``slug`` in ``lang``."""
    page, said = entity_page(store, slug, lang)
    entity_around(store, page, said, lang)
    return page


def entity_graph(store: Store, slug: str):
    """Return the entity's RDF description (a named CONSTRUCT); raise NotFound when unknown."""
    graph = queries.construct(store, "entities/describe", entity=entity_iri(slug))
    if len(graph) == 0:
        raise NotFound(gettext("There is no entity called “%(slug)s”.", slug=slug))
    return graph


def is_reading_path(slug: str) -> bool:
    """Tell whether ``slug`` names a reading path (its page lives under /paths/)."""
    entry = catalog().by_slug.get(slug)
    return entry is not None and entry.kind == "path"


@bp.get("/id/<slug:slug>")
def entity(slug: str):
    """Show an entity, or describe it in RDF when the client asks for it."""
    media = negotiate_request(ENTITY_OFFERS)
    store = state().store
    if is_rdf(media):
        return rdf_response(entity_graph(store, slug), media)
    if is_reading_path(slug):
        return redirect(url_for("paths.show", slug=slug), code=303)
    page = full_page(store, slug, i18n.current())
    licenses = license_panel(store, slug, i18n.current()) if page.kind == "model" else None
    links = alternates("entities.entity", slug=slug)
    # What the ontology's files define (the categories) is changed there, not with the forms.
    editable = URIRef(page.iri) not in ontology_subjects(state().settings.ontology_dir)
    response = render_template("entities/entity.html", page=page, alternates=links,
                               licenses=licenses, editable=editable)
    return response, 200, {"Vary": "Accept",
                           "Link": ", ".join(f'<{a["url"]}>; rel="alternate"; type="{a["media"]}"'
                                             for a in links)}
