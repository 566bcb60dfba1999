"""Ill-typed literals (``"five"^^xsd:integer``) and pySHACL's comparisons.

pySHACL's ``sh:lessThan`` and ``sh:lessThanOrEquals`` compare values with rdflib's ordering,
which raises TypeError on an ill-typed literal and stops the whole validation: a curator's
bad number in one field gave a 500 instead of the list of problems. So validation copies get
a plain string in place of each ill-typed literal (it still fails the property's
``sh:datatype``, and those comparisons report a string instead of raising), and the report
then names the value as it was written.
"""

from __future__ import annotations

from rdflib import SH, Graph, Literal, URIRef
from rdflib.term import Node

Untyped = dict[tuple[Node, Node, Literal], Literal]


def untype_ill_typed(graph: Graph) -> Untyped:
    """Replace each ill-typed literal of ``graph`` by a plain string; return what was replaced
    (subject, predicate and the string, to the original literal)."""
    bad = [(s, p, o) for s, p, o in graph
           if isinstance(o, Literal) and o.datatype is not None and o.ill_typed]
    replaced: Untyped = {}
    for s, p, o in bad:
        plain = Literal(str(o))
        graph.remove((s, p, o))
        graph.add((s, p, plain))
        replaced[(s, p, plain)] = o
    return replaced


def restore_values(results: Graph, replaced: Untyped) -> None:
    """Put the original literals back as the ``sh:value`` of pySHACL's results."""
    if not replaced:
        return
    for result in list(results.subjects(SH.value, None)):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        if isinstance(path, URIRef) and (focus, path, value) in replaced:
            results.set((result, SH.value, replaced[(focus, path, value)]))
