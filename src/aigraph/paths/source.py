"""Read what paths are made of from a store, once per data version.

Named queries in ``queries/paths/`` give the nodes and edges of the path graph (read as SPARQL
JSON, the fast way for the whole graph), the facts a step shows (label, description, date,
importance, categories: prefetched in batches, then kept), and the stored definitions of the
reading paths (their properties, the milestones their rule selects, their step notes).
``snapshot`` keeps, per store, the graph of the current data version with the facts fetched
so far and the label index used to suggest names; a new data version starts a new snapshot.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from aigraph import queries
from aigraph.catalog import Catalog
from aigraph.i18n import pick
from aigraph.namespaces import AIG, VOCAB, entity_iri, is_slug, slug_of
from aigraph.paths import engine
from aigraph.paths.graph import MILESTONE, MODEL, ORGANIZATION, Edge, Node, PathGraph, build_graph
from aigraph.store import Store

_ORDERINGS = {str(AIG.DependencyOrder): engine.DEPENDENCY,
              str(AIG.ChronologicalOrder): engine.CHRONOLOGICAL}
_KIND_OF_TYPE = {str(AIG.Milestone): MILESTONE, str(AIG.Model): MODEL,
                 str(AIG.Organization): ORGANIZATION}
#: How many entities one facts query asks about.
PREFETCH_BATCH = 400


def local_name(iri: Any) -> str:
    """Return the name of an ``aig:`` term without the vocabulary IRI."""
    return str(iri).removeprefix(VOCAB)


# --- the graph -----------------------------------------------------------------------------

def _bulk(store: Store, name: str) -> list[dict[str, str]]:
    """Run a parameterless named query and return its rows as plain strings.

    The whole graph comes through here, so the rows are read from SPARQL JSON rather than
    built as rdflib terms, which takes several times longer on a large graph (bench/).
    """
    body = store.serialize_query(queries.get(name).sparql, "application/sparql-results+json")
    return [{k: v["value"] for k, v in binding.items()}
            for binding in json.loads(body)["results"]["bindings"]]


def load_graph_data(store: Store) -> tuple[list[Node], list[Edge]]:
    """Read the nodes and edges of the path graph from ``store``."""
    nodes = []
    for row in _bulk(store, "paths/graph_nodes"):
        date, rank = row.get("date"), row.get("rank")
        nodes.append(Node(row["node"], row["kind"], date[:10] if date else None,
                          int(rank) if rank else 0))
    edges = [Edge(row["source"], local_name(row["via"]), row["target"])
             for row in _bulk(store, "paths/graph_edges")]
    return nodes, edges


# --- facts of steps ------------------------------------------------------------------------

@dataclass
class Facts:
    """What a step shows about an entity, by language where the data has languages."""

    kind: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    date: str | None = None
    importances: dict[str, dict[str, str]] = field(default_factory=dict)
    categories: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, row: dict) -> None:
        """Take in one row of ``paths/step_facts``."""
        name, value, term = str(row["field"]), row["value"], row.get("term")
        lang = getattr(value, "language", None) or "en"
        if name == "type" and str(value) in _KIND_OF_TYPE:
            self.kind = _KIND_OF_TYPE[str(value)]
        elif name == "label":
            self.labels.setdefault(lang, str(value))
        elif name == "description":
            self.descriptions.setdefault(lang, str(value))
        elif name == "date":
            self.date = min(filter(None, [self.date, str(value)[:10]]))
        elif name == "importance" and term is not None:
            self.importances.setdefault(str(term), {}).setdefault(lang, str(value))
        elif name == "category" and term is not None:
            self.categories.setdefault(str(term), {}).setdefault(lang, str(value))


@dataclass
class Snapshot:
    """The path graph of one data version of a store, with what was read about it since."""

    version: str
    graph: PathGraph
    nodes: list[Node]
    edges: list[Edge]
    facts: dict[str, Facts] = field(default_factory=dict)
    names: Catalog | None = None

    def prefetch(self, store: Store, iris: Iterable[str]) -> None:
        """Fetch the facts of every entity in ``iris`` not yet kept, in as few queries as can be."""
        missing = [iri for iri in dict.fromkeys(iris) if iri not in self.facts]
        for start in range(0, len(missing), PREFETCH_BATCH):
            batch = missing[start:start + PREFETCH_BATCH]
            found = {iri: Facts() for iri in batch}
            rows = queries.select_each(store, "paths/step_facts", "entity",
                                       [URIRef(iri) for iri in batch])
            for row in rows:
                found[str(row["entity"])].add(row)
            self.facts.update(found)

    def facts_of(self, store: Store, iri: str) -> Facts:
        """Return the facts of ``iri``, fetching them if need be."""
        if iri not in self.facts:
            self.prefetch(store, [iri])
        return self.facts[iri]

    def title(self, store: Store, iri: str, lang: str) -> str:
        """Return the label of ``iri`` in ``lang`` (or English), else its slug."""
        return pick(self.facts_of(store, iri).labels, lang) or slug_of(iri) or iri

    def catalog(self, store: Store) -> Catalog:
        """Return the label index, read on first use (only a name not found needs it)."""
        if self.names is None:
            self.names = Catalog.load(store)
        return self.names


_CACHE: weakref.WeakKeyDictionary[Store, Snapshot] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def snapshot(store: Store) -> Snapshot:
    """Return the snapshot of ``store``'s current data version, building its graph if new."""
    version = store.version
    with _LOCK:
        found = _CACHE.get(store)
        if found is None or found.version != version:
            nodes, edges = load_graph_data(store)
            found = Snapshot(version, build_graph(nodes, edges), nodes, edges)
            _CACHE[store] = found
        return found


def path_graph(store: Store) -> PathGraph:
    """Return the path graph of ``store``'s current data, built on first use and then reused."""
    return snapshot(store).graph


# --- stored definitions --------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    """A reading path's definition as stored: every property's values, by property IRI."""

    slug: str
    iri: str
    values: dict[str, list[Any]]

    def texts(self, prop: URIRef) -> dict[str, str]:
        """The language-tagged values of ``prop``, by language."""
        found: dict[str, str] = {}
        for value in self.values.get(str(prop), []):
            if isinstance(value, Literal):
                found.setdefault(value.language or "en", str(value))
        return found

    @property
    def ordering(self) -> str:
        """``engine.DEPENDENCY`` (the default) or ``engine.CHRONOLOGICAL``."""
        for value in self.values.get(str(AIG.ordering), []):
            return _ORDERINGS.get(str(value), engine.DEPENDENCY)
        return engine.DEPENDENCY


def definition(store: Store, slug: str) -> Definition | None:
    """Return the stored definition of the reading path ``slug``, or None."""
    if not is_slug(slug):
        return None
    rows = queries.select(store, "paths/definition", path=entity_iri(slug)).rows
    if not rows:
        return None
    values: dict[str, list[Any]] = {}
    for row in rows:
        values.setdefault(str(row["property"]), []).append(row["value"])
    return Definition(slug, str(entity_iri(slug)), values)


def path_slugs(store: Store) -> list[str]:
    """Return the slugs of the defined reading paths, sorted."""
    rows = queries.select(store, "paths/list")
    return sorted({slug_of(r["path"]) or str(r["path"]) for r in rows})


def path_texts(store: Store) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Return each defined path's labels and taglines by language, by path IRI."""
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for row in queries.select(store, "paths/list"):
        labels, taglines = found.setdefault(str(row["path"]), ({}, {}))
        for key, target in (("label", labels), ("tagline", taglines)):
            value = row.get(key)
            if isinstance(value, Literal):
                target.setdefault(value.language or "en", str(value))
    return found


def members(store: Store, slug: str) -> list[str]:
    """Return the IRIs of the milestones the path's membership rule selects, sorted."""
    path = entity_iri(slug)
    # A rule with categories or involved entities reads its candidates from them.
    linked = queries.ask(store, "paths/has_linked_rule", path=path)
    rows = queries.select(store, "paths/members_linked" if linked else "paths/members", path=path)
    return sorted({str(r["milestone"]) for r in rows})


def notes(store: Store, iri: str) -> dict[str, dict[str, str]]:
    """Return the path's step notes: by milestone IRI, by language."""
    found: dict[str, dict[str, str]] = {}
    for row in queries.select(store, "paths/step_notes", path=URIRef(iri)):
        by_lang = found.setdefault(str(row["milestone"]), {})
        note = row.get("note")
        if isinstance(note, Literal):
            by_lang.setdefault(note.language or "en", str(note))
    return found
