"""The guard: what user SPARQL may do, and how clearly it says no."""

import pytest

from aigraph.errors import QueryRejected, QuerySyntaxError
from aigraph.guard import UPDATE_REFUSED, check_query

SERVICE_HIDING_PLACES = [
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * where { service <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }",
    "ASK { BIND(EXISTS { SERVICE <http://x/> {} } AS ?x) }",
    "SELECT (EXISTS { SERVICE <http://x/> {} } AS ?x) {}",
    "SELECT * { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <http://x/> {} })",
    "SELECT ?s { ?s ?p ?o } GROUP BY ?s HAVING (EXISTS { SERVICE <http://x/> {} })",
    "SELECT * { OPTIONAL { SERVICE <http://x/> { ?s ?p ?o } } }",
    "SELECT * { { ?s ?p ?o } UNION { SERVICE <http://x/> { ?s ?p ?o } } }",
    "SELECT * { MINUS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("query", SERVICE_HIDING_PLACES)
def test_service_is_refused_wherever_it_hides(query):
    with pytest.raises(QueryRejected, match="SERVICE is not allowed"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://x/> { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://x/> { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <http://x/> { }",
    "CONSTRUCT { ?s ?p ?o } FROM <http://x/> WHERE { ?s ?p ?o }",
    "DESCRIBE ?s FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
])
def test_dataset_clauses_are_refused(query):
    with pytest.raises(QueryRejected, match="FROM and FROM NAMED are not supported") as info:
        check_query(query)
    assert info.value.status == 400


@pytest.mark.parametrize("update", [
    "LOAD <http://x/>",
    "LOAD SILENT <http://x/> INTO GRAPH <http://y/>",
    "CLEAR ALL",
    "DROP GRAPH <http://x/>",
    "CREATE GRAPH <http://x/>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://x/>\nINSERT DATA { ex:a ex:b ex:c }",
    "WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "COPY DEFAULT TO <http://x/>",
    "CLEAR XYZ",  # an update that does not even parse is still refused as an update
])
def test_updates_are_refused_as_anonymous_updates(update):
    with pytest.raises(QueryRejected) as info:
        check_query(update)
    assert info.value.status == 403
    assert info.value.message == UPDATE_REFUSED
    assert "anonymous updates are refused" in UPDATE_REFUSED


def test_query_followed_by_update_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError, match="line 1, column 23"):
        check_query("SELECT * { ?s ?p ?o } ; INSERT DATA { <a> <b> <c> }")


@pytest.mark.parametrize("query, where", [
    ("ASK {", "line 1, column 6"),
    ("SELECT ?x\nWHERE {\n  ?x ?y\n}", "line 3, column 3"),
])
def test_syntax_errors_give_line_and_column_of_the_users_text(query, where):
    with pytest.raises(QuerySyntaxError, match=where):
        check_query(query)


def test_empty_query():
    with pytest.raises(QuerySyntaxError, match="empty"):
        check_query("  \n ")


def test_size_cap_counts_utf8_bytes():
    query = 'ASK { FILTER("' + "é" * 30 + '" != "") }'
    check_query(query, max_bytes=100)
    with pytest.raises(QueryRejected, match="longer than 60 bytes"):
        check_query(query, max_bytes=60)


@pytest.mark.parametrize("query, form", [
    ("SELECT (1 AS ?value) {}", "SELECT"),
    ("ASK {}", "ASK"),
    ("CONSTRUCT { <s> <p> 1 } WHERE {}", "CONSTRUCT"),
    ("DESCRIBE <http://example.org/>", "DESCRIBE"),
    ("SELECT ?m { ?m a aig:Milestone }", "SELECT"),  # project prefixes are predeclared
    ("PREFIX aig: <http://other/>\nSELECT ?m { ?m a aig:Thing }", "SELECT"),
])
def test_allowed_queries_and_their_forms(query, form):
    checked = check_query(query)
    assert checked.form == form
    assert checked.is_graph is (form in ("CONSTRUCT", "DESCRIBE"))
    assert checked.text.endswith(query)


def test_base_resolves_relative_iris():
    checked = check_query("CONSTRUCT { <s> <p> 1 } WHERE {}", base="http://localhost/sparql")
    assert checked.text.startswith("BASE <http://localhost/sparql>\n")


def test_base_keeps_error_positions():
    with pytest.raises(QuerySyntaxError, match="line 2, column 3"):
        check_query("ASK\n{ ?x }", base="http://localhost/sparql")


@pytest.mark.parametrize("base", ["http://x/> SERVICE", "not an iri", "http://x/ y", ""])
def test_a_base_that_could_break_out_is_refused(base):
    with pytest.raises(ValueError):
        check_query("ASK {}", base=base)
