"""Binding parameters as a VALUES block: where it goes, and that it means what substitution means.

Regression tests for the old rule, which looked for the ``WHERE`` keyword and, without one,
appended the block after the whole query, where filters in the group never saw it.
"""

import pytest
from rdflib import Literal, URIRef

from aigraph.namespaces import entity_iri, sparql_prologue
from aigraph.store import bind_values, inline_values
from aigraph.store.binding import where_group

P = sparql_prologue()


def _rows(result):
    return sorted(tuple(sorted((k, v.n3()) for k, v in row.items())) for row in result.rows)


def _same_as_substitution(store, query, bindings):
    substituted = store.select(query, bindings)
    inlined = store.select(bind_values(query, bindings))
    assert _rows(substituted) == _rows(inlined)
    return substituted


@pytest.mark.parametrize("query, group", [
    ("SELECT ?x WHERE { ?x ?p ?o }", "{ ?x ?p ?o }"),
    ("select ?x { ?x ?p ?o }", "{ ?x ?p ?o }"),
    ("ASK { ?x ?p ?o }", "{ ?x ?p ?o }"),
    ('SELECT ?x WHERE { ?x ?p "}{" }', '{ ?x ?p "}{" }'),
    ("# a { comment\nSELECT ?x { ?x ?p ?o } # }", "{ ?x ?p ?o }"),
    ("PREFIX select: <http://e/{x}>\nSELECT ?x { ?x ?p ?o }", "{ ?x ?p ?o }"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o FILTER(?o < 3) }",
     "{ ?x ?p ?o FILTER(?o < 3) }"),
    ("CONSTRUCT { ?x ?p ?o } { ?x ?p '''{'''}", "{ ?x ?p '''{'''}"),
    ("SELECT ?x { { SELECT ?x { ?x ?p ?o } } } VALUES ?x { <http://e/a> }",
     "{ { SELECT ?x { ?x ?p ?o } } }"),
])
def test_the_where_group_is_found_by_structure(query, group):
    at = where_group(query)
    assert query[at - 1] == "{"
    assert query[at - 1:].startswith(group)


@pytest.mark.parametrize("query", [
    "DESCRIBE <http://e/a>",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE } {",
])
def test_a_query_without_a_place_for_values_is_refused(query):
    with pytest.raises(ValueError):
        bind_values(query, {"x": URIRef("http://e/a")})


def test_bind_values_goes_first_in_the_where_group():
    text = bind_values('SELECT ?x ?l WHERE { ?x ?p ?l FILTER(?l = "a") }',
                       {"l": Literal('a"b', lang="en"), "x": URIRef("http://e/x")})
    assert 'WHERE { VALUES (?l ?x) { ("a\\"b"@en <http://e/x>) }' in text


def test_query_without_where_keyword_binds_inside_its_group(store):
    # Appended after the query, the block would join with an empty result: the filter sees an
    # unbound ?org and drops every row.
    query = P + """SELECT ?m ?org {
        ?m a aig:Model OPTIONAL { ?m aig:developedBy ?dev }
        FILTER(?dev = ?org) }"""
    rows = _same_as_substitution(store, query, {"org": entity_iri("mistral-ai")})
    assert {r["m"] for r in rows} == {entity_iri("mistral-7b"), entity_iri("mixtral-8x7b")}


def test_braces_in_strings_and_comments_do_not_move_the_block(store):
    # The old rule would have put the block in this comment, after its "WHERE {".
    query = P + """# no WHERE { here
    SELECT ?m ?l ?entity WHERE {
        ?m rdfs:label ?l FILTER(?l != "WHERE { }" && LANG(?l) = "en")  # not a } brace
        FILTER(?m = ?entity) }"""
    rows = _same_as_substitution(store, query, {"entity": entity_iri("gemma")})
    assert [str(r["l"]) for r in rows] == ["Gemma"]


def test_inline_values_answers_for_each_term(store):
    query = P + "SELECT ?m ?d { ?m aig:releaseDate ?d }"
    terms = [entity_iri("gemma"), entity_iri("mistral-7b")]
    rows = store.select(inline_values(query, "m", terms))
    assert {r["m"] for r in rows} == set(terms)
