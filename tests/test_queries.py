"""Named queries: every file parses, declares its parameters, and projects each of them."""

import pytest
from rdflib.plugins.sparql.parser import parseQuery

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


@pytest.mark.parametrize("name", ALL)
def test_every_parameter_is_projected_and_used(name):
    query = queries.get(name)
    body = query.text.split("WHERE", 1)
    for param in query.params:
        assert f"?{param}" in body[1], f"{name}: ?{param} is declared but not used"
        if query.text.lstrip().upper().count("SELECT") and "SELECT *" not in query.text:
            head = body[0]
            assert f"?{param}" in head, f"{name}: ?{param} must be projected by the SELECT"


def test_unknown_or_malformed_names_are_not_found():
    with pytest.raises(NotFound):
        queries.get("core/nope")
    with pytest.raises(NotFound):
        queries.get("../etc/passwd")


def test_unknown_parameter_is_refused(store):
    from rdflib import Literal

    with pytest.raises(TypeError, match="takes no parameter"):
        queries.select(store, "core/class_counts", lang=Literal("en"))
