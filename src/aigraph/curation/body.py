"""Read the description of one entity from Turtle or JSON-LD, safely.

Nothing is ever fetched: JSON-LD documents whose ``@context`` names a remote document (any
string) are refused before rdflib sees them, and Turtle has no way to load anything. Relative
IRIs resolve against the entity's IRI, so ``<>`` is the entity itself. Every statement must
have the entity, or a blank node hanging from it, as subject.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rdflib import RDFS, BNode, Graph, URIRef

from aigraph.curation.entity import own_part
from aigraph.curation.errors import InvalidBody
from aigraph.namespaces import compact

MEDIA_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld"}
MAX_JSON_DEPTH = 64


def _remote_contexts(value, depth: int = 0) -> bool:
    """Tell whether a JSON-LD value names a context by IRI anywhere (or nests too deep)."""
    if depth > MAX_JSON_DEPTH:
        raise InvalidBody("the JSON-LD document nests too deeply")
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@context", "@import") and _names_document(item):
                return True
            if _remote_contexts(item, depth + 1):
                return True
    elif isinstance(value, list):
        return any(_remote_contexts(item, depth + 1) for item in value)
    return False


def _names_document(context) -> bool:
    if isinstance(context, str):
        return True
    if isinstance(context, list):
        return any(isinstance(item, str) for item in context)
    if isinstance(context, dict):
        return "@import" in context
    return False


def parse(data: bytes, media_type: str, subject: URIRef,
          known: Callable[[tuple], bool] | None = None) -> Graph:
    """Parse ``data`` as the new description of ``subject``; raise InvalidBody when it is not.

    ``known`` tells whether a statement about another entity is already in the graph: the
    labels of linked entities that ``GET /id/{slug}`` adds for readers may then be sent back
    unchanged, and are dropped. Any other statement about another subject is refused.
    """
    fmt = MEDIA_TYPES.get(media_type)
    if fmt is None:
        raise InvalidBody(f"send text/turtle or application/ld+json, not {media_type or 'nothing'}",
                          415)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidBody("the body is not UTF-8") from None
    if fmt == "json-ld":
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise InvalidBody(f"the body is not JSON: {error}") from None
        if _remote_contexts(document):
            raise InvalidBody("remote JSON-LD contexts are not fetched: put the context inline")
    graph = Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=str(subject))
    except InvalidBody:
        raise
    except Exception as error:  # noqa: BLE001 - each parser raises its own kinds
        raise InvalidBody(f"the body does not parse as {media_type}: {error}") from None
    if known is not None:
        for triple in list(graph.triples((None, RDFS.label, None))):
            if triple[0] != subject and isinstance(triple[0], URIRef) and \
                    (subject, None, triple[0]) in graph and known(triple):
                graph.remove(triple)
    return only_about(graph, subject)


def only_about(graph: Graph, subject: URIRef) -> Graph:
    """Return ``graph`` when every statement is about ``subject`` (or its blank nodes)."""
    if len(graph) == 0:
        raise InvalidBody("the body holds no statements; DELETE removes an entity")
    mine = own_part(graph, subject)
    strays = sorted({s for s in graph.subjects() if (s, None, None) not in mine},
                    key=str)
    if strays:
        named = [compact(str(s)) for s in strays if not isinstance(s, BNode)]
        what = ", ".join(named[:5]) if named else "a blank node not linked from it"
        raise InvalidBody(f"every statement must be about {compact(str(subject))}; "
                          f"the body also describes {what}")
    return graph
