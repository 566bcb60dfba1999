"""The guard: what user SPARQL may do, and how clearly it says no."""

import pytest

from aigraph.errors import QueryRejected, QuerySyntaxError
from aigraph.guard import UPDATE_REFUSED, check_query, locate

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


def test_query_followed_by_update_is_refused_as_an_update():
    with pytest.raises(QueryRejected) as info:
        check_query("SELECT * { ?s ?p ?o } ; INSERT DATA { <a> <b> <c> }")
    assert info.value.status == 403


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p trueSERVICE <http://x/> {} }",  # pyoxigraph reads `true` then SERVICE
    "SELECT * { ?s ?p 1SERVICE <http://x/> {} }",
    "SELECT * { ?s ?p 1.SERVICE <http://x/> {} }",
    "SELECT * { ?s ?p ?o.SERVICE <http://x/> {} }",
    "SELECT * {\tSeRvIcE<http://x/>{} }",
    'SELECT * { ?s ?p "x"SERVICE <http://x/> {} }',
])
def test_service_glued_to_other_tokens_is_refused(query):
    with pytest.raises(QueryRejected, match="SERVICE is not allowed"):
        check_query(query)


@pytest.mark.parametrize("query", [
    'SELECT * { ?s ?p "SERVICE LOAD FROM" }',
    "SELECT * { ?s ?p " + "'" * 3 + "\nSERVICE <http://x/> {}\n" + "'" * 3 + " }",
    "SELECT * { ?s <http://x/SERVICE> ?o }",
    "SELECT ?service ?from ?load { ?service ?from ?load }",
    "SELECT * { ?s aig:SERVICE ?o . ?s ex:FROM ?o . ?s ex:load ?o }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/> { } FROM <http://y/>",
    'SELECT * { ?s ?p "x"@service }',
    "SELECT * { _:service ?p ?o }",
])
def test_words_inside_strings_iris_names_and_comments_are_not_keywords(query):
    assert check_query(query).form == "SELECT"


def test_nesting_past_the_engines_stack_is_refused_with_a_clear_message():
    check_query("ASK " + "{" * 2000 + "}" * 2000)
    with pytest.raises(QueryRejected, match="more than 2000 levels deep"):
        check_query("ASK " + "{" * 2001 + "}" * 2001)


def test_text_without_a_query_form_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError, match="no SELECT, ASK, CONSTRUCT or DESCRIBE"):
        check_query("PREFIX ex: <http://e/> { ?s ?p ?o }")


def test_positions_are_mapped_back_to_the_users_text():
    checked = check_query("ASK {", base="http://localhost/sparql")
    message = f"SPARQL syntax error: error at 1:{checked.shift + 6}: expected something"
    assert locate(message, checked) == ("SPARQL syntax error at line 1, column 6: "
                                        "expected something")
    assert locate("error at 3:4: x", checked) == "SPARQL syntax error at line 3, column 4: x"


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
    assert checked.text.startswith("BASE <http://localhost/sparql> ")
    # The prologue stays on the user's first line, so line numbers are unchanged.
    assert "\n" not in checked.text[:checked.shift]


@pytest.mark.parametrize("base", ["http://x/> SERVICE", "not an iri", "http://x/ y", ""])
def test_a_base_that_could_break_out_is_refused(base):
    with pytest.raises(ValueError):
        check_query("ASK {}", base=base)


LIGHT = [
    "ASK {}",
    "SELECT * WHERE { id:meta ?p ?o }",
    "SELECT ?label WHERE { id:meta rdfs:label ?label }",
    "SELECT DISTINCT * WHERE { ?m a aig:Model ; rdfs:label ?l }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?m a aig:Model }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",  # a name after AS binds no pattern
    "SELECT ?s (STR(?o) AS ?text) WHERE { ?s rdfs:label ?o BIND(LANG(?o) AS ?lang) }",
    "DESCRIBE * WHERE { ?m aig:developedBy id:meta }",
    "SELECT ?m WHERE { ?m aig:developedBy? id:meta }",  # zero or one step is cheap
    "SELECT ?o WHERE { id:meta ?p ?o } # a comment with ?a ?b ?c ?d and * +",
    'SELECT ?s WHERE { ?s rdfs:label "?a ?b ?c ?d * +" }',
]
NOT_LIGHT = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?p ?o }",
    "ASK { [] ?p [] . [] ?q [] }",
    "ASK { _:a ?p _:b . _:c ?q _:d }",
    "SELECT ?a ?b WHERE { ?a aig:influenced+ ?b }",
    "SELECT ?a ?b WHERE { ?a (aig:influenced|^aig:influenced)* ?b }",
    "SELECT ?n WHERE { ?m aig:parameterCount ?p BIND(?p * 2 AS ?n) }",
]


@pytest.mark.parametrize("query", LIGHT)
def test_queries_naming_few_variables_and_no_closure_are_light(query):
    assert check_query(query).light


@pytest.mark.parametrize("query", NOT_LIGHT)
def test_products_closures_and_many_variables_are_not_light(query):
    assert not check_query(query).light
