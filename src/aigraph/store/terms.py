"""Convert RDF terms between pyoxigraph, SPARQL JSON results and rdflib (which the rest uses)."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from aigraph.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term) -> Node | None:
    """Convert a pyoxigraph term to the rdflib term the rest of the code uses."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node):
    """Convert an rdflib term to pyoxigraph, for bindings."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def from_sparql_json(value: Mapping) -> Node:
    """Convert one term of a SPARQL JSON result to rdflib."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    if "datatype" in value and value["datatype"] != XSD_STRING:
        return Literal(value["value"], datatype=URIRef(value["datatype"]))
    return Literal(value["value"])


def new_graph() -> rdflib.Graph:
    """Return an empty rdflib graph with the aigraph prefixes bound."""
    graph = rdflib.Graph()
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base, replace=True)
    return graph
