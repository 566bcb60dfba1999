"""Write query results in a media type, whole or cut at a row cap, with pyoxigraph's writers.

``serialize_result`` writes a whole result. ``serialize_capped`` reads at most
``max_rows + 1`` rows of a user query, so a ``truncated`` flag can say that more were cut, and
writes the first ``max_rows``. pyoxigraph 0.5 can write graphs from a list of triples, but it
cannot build ``QuerySolutions`` from kept rows (no constructor) and its writer drains the
iterator it is given; so kept solutions are written once as SPARQL JSON here and, for XML,
CSV and TSV, read back and written by pyoxigraph. ``parse_results`` reads a remote store's
answer back for the same treatment.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence

import pyoxigraph as ox

from aigraph import formats
from aigraph.errors import StoreError
from aigraph.namespaces import PREFIXES
from aigraph.store.interface import Serialized

_PLAIN_DATATYPES = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString",
}


def result_format(media_type: str) -> ox.QueryResultsFormat:
    """Return pyoxigraph's results format for ``media_type``; ValueError when it has none."""
    fmt = formats.by_media_type(media_type, formats.RESULTS)
    if fmt is None:
        raise ValueError(f"{media_type} cannot carry query results")
    return fmt.oxigraph


def graph_format(media_type: str) -> ox.RdfFormat:
    """Return pyoxigraph's RDF format for ``media_type``; ValueError when it has none."""
    fmt = formats.by_media_type(media_type, formats.GRAPH)
    if fmt is None:
        raise ValueError(f"{media_type} cannot carry a graph")
    return fmt.oxigraph


def prefixes_for(fmt: ox.RdfFormat) -> dict[str, str] | None:
    """The prefixes to declare when writing ``fmt`` (Turtle only: the others ignore them)."""
    return PREFIXES if fmt == ox.RdfFormat.TURTLE else None


def serialize_result(result, media_type: str) -> bytes:
    """Serialise a pyoxigraph query result (solutions, boolean or triples) as ``media_type``."""
    if isinstance(result, ox.QueryTriples):
        fmt = graph_format(media_type)
        return ox.serialize(result, format=fmt, prefixes=prefixes_for(fmt))
    return result.serialize(format=result_format(media_type))


def _term_json(term) -> dict:
    """Encode one pyoxigraph term as SPARQL 1.1 (and 1.2) JSON results do."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        encoded = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
            if term.direction is not None:
                encoded["its:dir"] = str(term.direction)
        elif term.datatype.value not in _PLAIN_DATATYPES:
            encoded["datatype"] = term.datatype.value
        return encoded
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"unsupported term {term!r}")


def _solutions_json(variables: Sequence[str], solutions) -> bytes:
    # A solution iterates its values in the order of ``variables`` (None where unbound). Terms
    # repeat a lot across rows, so each is encoded once: this halves the time on large results.
    encoded: dict = {}
    bindings = []
    for solution in solutions:
        row = {}
        for name, value in zip(variables, solution, strict=True):
            if value is not None:
                term = encoded.get(value)
                if term is None:
                    term = encoded[value] = _term_json(value)
                row[name] = term
        bindings.append(row)
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def serialize_capped(result, media_type: str, max_rows: int) -> Serialized:
    """Serialise at most ``max_rows`` rows of a result: solutions, a boolean, triples or quads.

    Only ``max_rows + 1`` rows are read, to learn whether the result was cut.
    """
    if isinstance(result, ox.QueryBoolean):
        return Serialized(serialize_result(result, media_type), media_type)
    if isinstance(result, ox.QuerySolutions):
        fmt = result_format(media_type)
        variables = [v.value for v in result.variables]
        solutions = list(itertools.islice(result, max_rows + 1))
        body = _solutions_json(variables, solutions[:max_rows])
        if fmt != ox.QueryResultsFormat.JSON:
            body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON
                                          ).serialize(format=fmt)
        return Serialized(body, media_type, min(len(solutions), max_rows),
                          len(solutions) > max_rows)
    fmt = graph_format(media_type)
    triples = [t.triple if isinstance(t, ox.Quad) else t
               for t in itertools.islice(result, max_rows + 1)]
    body = ox.serialize(triples[:max_rows], format=fmt, prefixes=prefixes_for(fmt))
    return Serialized(body, media_type, min(len(triples), max_rows), len(triples) > max_rows)


def parse_results(data: bytes, media_type: str):
    """Read serialised results (SPARQL results or a graph) back into an iterable result."""
    try:
        fmt = formats.by_media_type(media_type)
        if fmt is None:
            raise ValueError(f"unknown media type {media_type}")
        if fmt.kind == formats.RESULTS:
            return ox.parse_query_results(data, format=fmt.oxigraph)
        # Parse eagerly so that a malformed graph fails here, not while serialising.
        return list(ox.parse(data, format=fmt.oxigraph))
    except (SyntaxError, ValueError) as error:
        raise StoreError(f"the store sent unreadable {media_type}: {error}") from error
