"""Named queries: every file parses, declares its parameters, and projects each of them."""

import pytest
from rdflib import Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from aigraph import queries
from aigraph.errors import NotFound

ALL = queries.names()


def test_there_are_named_queries():
    assert "core/class_counts" in ALL


@pytest.mark.parametrize("name", ALL)
def test_query_parses_and_has_a_title(name):
    query = queries.get(name)
    assert query.title and query.title != name, f"{name} needs a '# title:' header"
    parseQuery(query.sparql)


def _pattern_variables(node) -> set[str]:
    """Every variable named in a piece of rdflib's SPARQL algebra, projections left out."""
    if isinstance(node, Variable):
        return {str(node)}
    if isinstance(node, CompValue):
        return set().union(*(_pattern_variables(v) for k, v in node.items()
                             if k not in ("PV", "_vars")))
    if isinstance(node, list | tuple | set):
        return set().union(*(_pattern_variables(v) for v in node))
    return set()


def parameter_problems(query: queries.NamedQuery) -> list[str]:
    """Say which declared parameters are not used in the WHERE pattern or, for a SELECT, not
    projected (pyoxigraph substitutes only projected variables)."""
    algebra = translateQuery(parseQuery(query.sparql)).algebra
    pattern = algebra.p.p if algebra.name == "SelectQuery" else algebra.p
    used = _pattern_variables(pattern)
    projected = {str(v) for v in algebra.get("PV") or ()}
    problems = []
    for param in query.params:
        if param not in used:
            problems.append(f"?{param} is declared but not used")
        if algebra.name == "SelectQuery" and param not in projected:
            problems.append(f"?{param} must be projected by the SELECT")
    return problems


WITH_PARAMS = [name for name in ALL if queries.get(name).params]


def test_the_parameter_check_has_queries_to_check():
    assert len(WITH_PARAMS) >= 10


@pytest.mark.parametrize("name", WITH_PARAMS)
def test_every_parameter_is_projected_and_used(name):
    assert parameter_problems(queries.get(name)) == []


@pytest.mark.parametrize("text, problems", [
    ("# param: x\nSELECT ?s ?x WHERE { ?s ?p ?x }", []),
    ("# param: x\nSELECT ?s WHERE { ?s ?p ?x }", ["?x must be projected by the SELECT"]),
    ("# param: x\nSELECT ?s ?x WHERE { ?s ?p ?o }", ["?x is declared but not used"]),
    # A comment naming ?x neither projects nor uses it.
    ("# param: x\nSELECT ?s # ?x\nWHERE { ?s ?p ?o } # ?x",
     ["?x is declared but not used", "?x must be projected by the SELECT"]),
    ("# param: x\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o = ?x) }", []),
])
def test_the_parameter_check_can_fail(text, problems):
    assert parameter_problems(queries.parse("test/q", text)) == problems


def test_unknown_or_malformed_names_are_not_found():
    with pytest.raises(NotFound):
        queries.get("core/nope")
    with pytest.raises(NotFound):
        queries.get("../etc/passwd")


def test_unknown_parameter_is_refused(store):
    from rdflib import Literal

    with pytest.raises(TypeError, match="takes no parameter"):
        queries.select(store, "core/class_counts", lang=Literal("en"))


def test_stream_with_a_binding_gives_the_rows_select_gives(full_store):
    from rdflib import Literal

    for lang in ("en", "it"):
        selected = queries.select(full_store, "timeline/milestones", lang=Literal(lang))
        streamed = list(queries.stream(full_store, "timeline/milestones", lang=Literal(lang)))
        assert len(streamed) == len(selected.rows) > 100
        for row, solution in zip(selected.rows, streamed, strict=True):
            for name in ("milestone", "date", "description", "categories"):
                term = solution[name]
                assert (term.value if term is not None else None) == \
                    (str(row[name]) if name in row else None)
