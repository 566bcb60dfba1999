"""Read one entity as a graph, name its version with an ETag, and compare two versions.

An entity is every triple with its IRI as subject, plus the blank nodes hanging from those
triples (the step notes of a reading path). Its ETag hashes the entity rendered in the
canonical layout of ``aigraph.datafile``, so the same triples always give the same ETag,
whichever store holds them and however blank nodes are labelled.
"""

from __future__ import annotations

import hashlib

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from aigraph import datafile, queries
from aigraph.namespaces import entity_iri
from aigraph.store import Store

Triple = tuple


def entity_graph(store: Store, subject: URIRef) -> Graph:
    """Return the statements of ``subject`` (and its blank nodes); empty when it is unknown."""
    found = queries.construct(store, "curation/entity", entity=URIRef(subject))
    return own_part(found, subject)


def own_part(graph: Graph, subject: URIRef) -> Graph:
    """Return the triples of ``graph`` with ``subject`` as subject, and their blank-node trees."""
    part = Graph()
    todo = [URIRef(subject)]
    seen: set = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            part.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return part


def etag_of(graph: Graph, subject: URIRef) -> str | None:
    """Return the ETag of an entity's graph (a quoted hash), or None when it is empty."""
    if len(graph) == 0:
        return None
    text = datafile.serialize(graph, [URIRef(subject)])
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def entity_etag(store: Store, slug: str) -> str | None:
    """Return the current ETag of the entity ``slug``, or None when there is no such entity."""
    subject = entity_iri(slug)
    return etag_of(entity_graph(store, subject), subject)


def canonical(graph: Graph) -> Graph:
    """Relabel blank nodes from what they say, so equal graphs have equal triples."""
    return to_canonical_graph(graph)


def diff(before: Graph, after: Graph) -> tuple[set[Triple], set[Triple]]:
    """Return (added, removed) triples from ``before`` to ``after``, blank nodes canonical."""
    old, new = set(canonical(before)), set(canonical(after))
    return new - old, old - new


def nt(triple: Triple) -> str:
    """Write a triple as one line of N-Triples."""
    return " ".join(term.n3() for term in triple) + " ."
