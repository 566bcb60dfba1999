"""The embedded store: loading, bindings, results as rdflib terms, errors, exports."""

import json

import pytest
import rdflib
from rdflib import Literal, URIRef

from aigraph.errors import QuerySyntaxError, StoreError
from aigraph.formats import GRAPH, RESULTS, media_types
from aigraph.namespaces import AIG, entity_iri, sparql_prologue
from aigraph.store import EmbeddedStore, bind_values

P = sparql_prologue()


def test_loads_ontology_and_data(store):
    assert store.triple_count() > 100
    assert store.ask(P + "ASK { id:mistral-7b a aig:Model }")


def test_select_returns_rdflib_terms_in_projection_order(store):
    rows = store.select(P + "SELECT ?date ?m WHERE { ?m aig:releaseDate ?date } ORDER BY ?date")
    assert rows.variables == ("date", "m")
    assert rows.rows[0]["m"] == entity_iri("gpt-neo")
    assert rows.rows[0]["date"] == Literal("2021-03-21", datatype=rdflib.XSD.date)


def test_bindings_are_substituted_not_pasted(store):
    query = P + "SELECT ?m ?org WHERE { ?m aig:developedBy ?org } ORDER BY ?m"
    rows = store.select(query, {"org": entity_iri("mistral-ai")})
    assert [r["m"] for r in rows] == [entity_iri("mistral-7b"), entity_iri("mixtral-8x7b")]
    # A hostile literal stays a literal.
    evil = Literal('x" } ; ?s ?p ?o . { "')
    assert store.select(P + "SELECT ?m ?l WHERE { ?m rdfs:label ?l }", {"l": evil}).rows == []


def test_language_tags_and_optional_unbound(store):
    rows = store.select(P + """SELECT ?l ?missing WHERE {
        id:gemma rdfs:label ?l FILTER(LANG(?l) = "it") OPTIONAL { id:gemma aig:nothing ?missing } }""")
    assert rows.rows == [{"l": Literal("Gemma", lang="it")}]


def test_syntax_error_is_a_clear_error(store):
    with pytest.raises(QuerySyntaxError, match="syntax"):
        store.select("SELEC ?x WHERE {}")


def test_wrong_query_form_is_refused(store):
    with pytest.raises(QuerySyntaxError, match="SELECT"):
        store.select("ASK {}")


def test_construct_gives_an_rdflib_graph(store):
    graph = store.construct(P + "CONSTRUCT { ?m aig:developedBy ?o } WHERE { ?m aig:developedBy ?o }")
    assert (entity_iri("gemma"), AIG.developedBy, entity_iri("google")) in graph


def test_broken_turtle_reports_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix a: <http://x/> .\n\na:b a:c "unterminated .\n', encoding="utf-8")
    with pytest.raises(StoreError, match=r"bad\.ttl:3"):
        EmbeddedStore.from_files([bad])


@pytest.mark.parametrize("media_type", sorted(media_types(RESULTS)))
def test_serialize_select_in_every_results_format(store, media_type):
    body = store.serialize_query(P + "SELECT ?m WHERE { ?m a aig:Model }", media_type)
    assert b"mistral-7b" in body
    if media_type.endswith("json"):
        assert len(json.loads(body)["results"]["bindings"]) == 8


@pytest.mark.parametrize("media_type", sorted(media_types(GRAPH)))
def test_export_in_every_graph_format_round_trips(store, media_type):
    body = store.export(media_type)
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt",
           "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media_type]
    graph = rdflib.Graph().parse(data=body, format=fmt)
    assert len(graph) == store.triple_count()


def test_rdflib_graph_matches_the_store(store):
    assert len(store.graph()) == store.triple_count()


def test_version_changes_with_the_data(settings, data_dir):
    first = EmbeddedStore.from_dirs(settings.ontology_dir, data_dir).version
    (data_dir / "extra.ttl").write_text(
        "<https://w3id.org/aigraph/id/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n")
    assert EmbeddedStore.from_dirs(settings.ontology_dir, data_dir).version != first


def test_on_disk_store_opens_read_only_elsewhere(settings, tmp_path):
    from aigraph.store import data_files

    files = data_files(settings.ontology_dir, settings.data_dir)
    built = EmbeddedStore.from_files(files, path=tmp_path / "db")
    reader = EmbeddedStore.open_read_only(tmp_path / "db", built.version)
    assert reader.triple_count() == built.triple_count()


def test_bind_values_goes_first_in_the_where_group():
    text = bind_values('SELECT ?x ?l WHERE { ?x ?p ?l FILTER(?l = "a") }',
                       {"l": Literal('a"b', lang="en"), "x": URIRef("http://e/x")})
    assert 'WHERE { VALUES (?l ?x) { ("a\\"b"@en <http://e/x>) }' in text


def test_triple_count_follows_a_reload(settings, data_dir):
    # The count is kept per loaded store (counting scans every quad); a reload must renew it.
    store = EmbeddedStore.from_dirs(settings.ontology_dir, data_dir)
    before = store.triple_count()
    assert before == store.triple_count() == len(store.select("SELECT * WHERE { ?s ?p ?o }").rows)
    extra = data_dir / "extra.ttl"
    extra.write_text("<https://example.org/a> <https://example.org/b> 'c' , 'd' .\n")
    store.refresh([*store.files, extra])
    assert store.triple_count() == before + 2
