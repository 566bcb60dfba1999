"""Capped serialisation: below the cap it writes what pyoxigraph's own writers write."""

import pytest

from aigraph.formats import RESULTS, media_types
from aigraph.namespaces import sparql_prologue
from aigraph.store.results import result_format, serialize_capped

P = sparql_prologue()
# Unbound values, language tags, typed literals, blank nodes and IRIs, in a stable order.
QUERY = P + """SELECT ?s ?label ?date ?note WHERE {
    ?s rdfs:label ?label OPTIONAL { ?s aig:releaseDate ?date } OPTIONAL { ?s aig:stepNote ?note }
} ORDER BY ?s ?label"""


@pytest.mark.parametrize("media_type", media_types(RESULTS))
def test_uncut_results_match_pyoxigraph_byte_for_byte(store, media_type):
    capped = serialize_capped(store._store.query(QUERY), media_type, 10**6)
    whole = store._store.query(QUERY).serialize(format=result_format(media_type))
    assert capped.body == whole
    assert not capped.truncated
    assert capped.rows == len(store.select(QUERY))


@pytest.mark.parametrize("media_type", media_types(RESULTS))
def test_cut_results_keep_the_first_rows_and_say_so(store, media_type):
    total = len(store.select(QUERY))
    capped = serialize_capped(store._store.query(QUERY), media_type, 3)
    assert (capped.rows, capped.truncated) == (3, True)
    assert total > 3
    first = store.select(QUERY + " LIMIT 3")
    for row in first.rows:
        assert str(row["s"]).encode() in capped.body
