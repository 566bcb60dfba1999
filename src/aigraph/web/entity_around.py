"""What surrounds an entity on its page: what led to it and came after it, the reading paths
it is on, its neighbourhood graph (for ``web/static/js/graph.js``) and a schema.org description.
"""

from __future__ import annotations

from flask import request, url_for
from rdflib import URIRef
from rdflib.namespace import FOAF

from aigraph.catalog import Catalog
from aigraph.namespaces import AIG, entity_iri, slug_of
from aigraph.paths.service import walk_around
from aigraph.store import Store
from aigraph.web.caching import catalog
from aigraph.web.entity_page import EntityPage, PathRef, Statements, link_to
from aigraph.web.kinds import kind_singular_names
from aigraph.web.paths_views import path_memberships
from aigraph.web.routing import entity_url

SCHEMA_TYPES = {"milestone": "Event", "model": "SoftwareApplication",
                "organization": "Organization", "license": "CreativeWork",
                "category": "DefinedTerm", "path": "LearningResource"}
MAX_GRAPH_NODES = 40
LINEAGE_STEPS = 6


def entity_around(store: Store, page: EntityPage, said: Statements, lang: str) -> None:
    """Add to ``page`` its lineage, reading paths, neighbourhood graph and schema.org data."""
    index = catalog()
    add_lineage(store, page, index, lang)
    add_paths(store, page, index, said, lang)
    page.graph = neighbourhood(page, index, said, lang)
    page.jsonld = schema_org(page, index, said, lang)


def add_lineage(store: Store, page: EntityPage, index: Catalog, lang: str) -> None:
    """Add what led to a milestone or model and what came after it (from the path service)."""
    if page.kind not in ("milestone", "model"):
        return
    around = walk_around(store, page.iri, LINEAGE_STEPS + 1)
    if around is None:
        return
    before, after = around
    page.lineage = [link_to(index, s.iri, lang) for s in before.steps if s.iri != page.iri]
    earlier = {s.iri for s in before.steps}
    page.descendants = [link_to(index, s.iri, lang) for s in after.steps
                        if s.iri != page.iri and s.iri not in earlier]
    page.more_lineage, page.more_descendants = before.truncated, after.truncated


def add_paths(store: Store, page: EntityPage, index: Catalog, said: Statements,
              lang: str) -> None:
    """Add the reading paths the entity is on, itself or through a milestone about it."""
    about = set(said.incoming.get(str(AIG.involves), []))
    for slug, members in path_memberships(store).items():
        positions = [(i, m) for i, m in enumerate(members, start=1)
                     if m == page.iri or m in about]
        if not positions:
            continue
        first = positions[0][0]
        page.paths.append(PathRef(
            slug=slug, title=index.label(entity_iri(slug), lang),
            url=url_for("paths.show", slug=slug) + f"#step-{first}",
            position=first, total=len(members),
            positions=[i for i, _m in positions],
            via=", ".join(f"“{index.label(m, lang)}”" for _i, m in positions
                          if m != page.iri)))


def neighbourhood(page: EntityPage, index: Catalog, said: Statements, lang: str) -> dict:
    """The entity and its neighbours as nodes and labelled edges for the graph script."""
    nodes = [{"id": page.slug, "label": page.label, "kind": page.kind, "url": "", "center": True}]
    seen = {page.iri}
    edges = []
    candidates = [(page.iri, p, t) for p, ts in said.links.items() for t in ts]
    candidates += [(s, p, page.iri) for p, ss in said.incoming.items() for s in ss]
    for source, prop, target in candidates:
        other = target if source == page.iri else source
        if other not in seen:
            if len(nodes) >= MAX_GRAPH_NODES:
                continue
            seen.add(other)
            slug = slug_of(other) or ""
            nodes.append({"id": slug, "label": index.label(other, lang),
                          "kind": index.kind(other),
                          "url": entity_url(slug), "center": False})
        edges.append({"source": slug_of(source), "target": slug_of(target),
                      "label": index.label(prop, lang)})
    names = kind_singular_names()
    legend = {kind: names.get(kind, kind) for kind in {node["kind"] for node in nodes}}
    return {"nodes": nodes, "edges": edges, "legend": dict(sorted(legend.items()))}


def _refs(said: Statements, index: Catalog, prop, lang: str, kind: str | None = None
          ) -> list[dict]:
    found = []
    for value in said.by_prop.get(str(prop), []):
        if isinstance(value, URIRef) and slug_of(str(value)):
            ref = {"@id": str(value), "name": index.label(value, lang)}
            if kind:
                ref["@type"] = kind
            found.append(ref)
    return found


def _kind_facts(page: EntityPage, index: Catalog, said: Statements, lang: str) -> dict:
    """The schema.org properties that depend on the kind of entity."""
    first = said.first
    doc: dict = {}
    if page.kind == "milestone":
        doc["startDate"] = first(AIG.date)
        doc["about"] = _refs(said, index, AIG.involves, lang)
    elif page.kind == "model":
        if first(AIG.releaseDate):
            doc["datePublished"] = first(AIG.releaseDate)
        doc["creator"] = _refs(said, index, AIG.developedBy, lang, "Organization")
        licenses = _refs(said, index, AIG.license, lang)
        if licenses:
            doc["license"] = licenses[0]["@id"]
        based = _refs(said, index, AIG.basedOn, lang)
        if based:
            doc["isBasedOn"] = based
    elif page.kind == "organization":
        if first(AIG.foundingYear):
            doc["foundingDate"] = first(AIG.foundingYear)
        if first(FOAF.homepage):
            doc["url"] = first(FOAF.homepage)
    return doc


def schema_org(page: EntityPage, index: Catalog, said: Statements, lang: str) -> dict:
    """Describe the entity with schema.org terms for search engines."""
    doc: dict = {"@context": "https://schema.org", "@type": SCHEMA_TYPES.get(page.kind, "Thing"),
                 "@id": page.iri, "url": request.base_url, "name": page.label,
                 "inLanguage": lang}
    if page.description:
        doc["description"] = page.description
    if page.alt_labels:
        doc["alternateName"] = page.alt_labels
    same = ([page.wikidata] if page.wikidata else []) + page.same_as
    if same:
        doc["sameAs"] = same
    doc.update(_kind_facts(page, index, said, lang))
    if page.sources:
        doc["citation"] = page.sources
    if page.last_reviewed:
        doc["dateModified"] = said.first(AIG.lastReviewed)
    return doc
