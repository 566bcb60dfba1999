"""The remote backend against a real ``oxigraph serve``: same answers as the embedded store."""

import pytest
from rdflib import Literal
from rdflib.compare import isomorphic

from aigraph import queries
from aigraph.errors import QuerySyntaxError, StoreError
from aigraph.namespaces import entity_iri, sparql_prologue
from aigraph.store import EmbeddedStore, RemoteStore, data_files
from tests.oxigraph_server import running_oxigraph

pytestmark = pytest.mark.remote
P = sparql_prologue()


@pytest.fixture
def remote(settings, tmp_path):
    files = data_files(settings.ontology_dir, settings.data_dir)
    with running_oxigraph(files, tmp_path / "oxigraph") as url:
        yield RemoteStore(url)


def _rows(result):
    return sorted(tuple(sorted((k, v.n3()) for k, v in row.items())) for row in result.rows)


def test_same_triple_count(remote, store):
    assert remote.triple_count() == store.triple_count()


def test_every_named_query_gives_the_same_rows(remote, store):
    # Parameterised queries get a representative value; both stores bind it their own way.
    sample = {"lang": Literal("it"), "org": entity_iri("mistral-ai"),
              "entity": entity_iri("deepseek-r1"), "model": entity_iri("deepseek-r1")}
    for name in queries.names():
        query = queries.get(name)
        if "SELECT" not in query.text.upper():
            continue
        bindings = {p: sample[p] for p in query.params if p in sample}
        if set(bindings) != set(query.params):
            continue
        assert _rows(remote.select(query.sparql, bindings)) == \
            _rows(store.select(query.sparql, bindings)), name


def test_bindings_with_filters_match(remote, store):
    query = P + 'SELECT ?m ?l ?lang WHERE { ?m a aig:Model ; rdfs:label ?l FILTER(LANG(?l) = ?lang) }'
    bindings = {"lang": Literal("it")}
    assert _rows(remote.select(query, bindings)) == _rows(store.select(query, bindings))
    assert len(remote.select(query, bindings)) == 8


def test_ask_and_construct_match(remote, store):
    assert remote.ask(P + "ASK { id:gemma aig:developedBy id:google }")
    query = P + "CONSTRUCT { ?m aig:basedOn ?b } WHERE { ?m aig:basedOn ?b }"
    assert isomorphic(remote.construct(query), store.construct(query))


def test_whole_graph_is_isomorphic(remote, store):
    assert isomorphic(remote.graph(), store.graph())


def test_syntax_error_from_the_endpoint_is_reported(remote):
    with pytest.raises(QuerySyntaxError):
        remote.select("SELEC ?x WHERE {}")


def test_unreachable_endpoint_is_a_store_error():
    from tests.oxigraph_server import free_port

    with pytest.raises(StoreError, match="cannot reach"):
        RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout=2).triple_count()


def test_version_tracks_content(settings, tmp_path):
    import urllib.parse
    import urllib.request

    files = data_files(settings.ontology_dir, settings.data_dir)
    with running_oxigraph(files, tmp_path / "rw", read_only=False) as url:
        store = RemoteStore(url, version_ttl=0)
        before = store.version
        assert before.startswith("remote-") and store.version == before
        update = ("INSERT DATA { <https://w3id.org/aigraph/id/x> "
                  '<http://www.w3.org/2000/01/rdf-schema#label> "x" }')
        request = urllib.request.Request(
            url.replace("/query", "/update"), data=urllib.parse.urlencode({"update": update}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        urllib.request.urlopen(request, timeout=10).close()
        assert store.version != before


def test_embedded_and_remote_versions_are_stable(store, settings):
    again = EmbeddedStore.from_files(data_files(settings.ontology_dir, settings.data_dir))
    assert again.version == store.version
