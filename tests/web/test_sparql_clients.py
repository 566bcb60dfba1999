"""Real SPARQL clients against a real server: SPARQLWrapper, rdflib's SPARQLStore, and our own
remote backend forwarding to another aigraph."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from werkzeug.serving import make_server

from aigraph.namespaces import sparql_prologue
from aigraph.store import RemoteStore
from aigraph.web import create_app

P = sparql_prologue()
META_LABELS = P + "SELECT ?label WHERE { id:meta rdfs:label ?label } ORDER BY ?label"
CONSTRUCT = P + ("CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a aig:Organization ; "
                 "rdfs:label ?l }")
CROSS_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 "?j ?k ?l }")


@contextmanager
def serving(app):
    """Serve ``app`` on a free loopback port in a thread; yield the endpoint URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def endpoint(app):
    with serving(app) as url:
        yield url


def wrapper(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(endpoint, method):
    result = wrapper(endpoint, META_LABELS, JSON, method).queryAndConvert()
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == ["Meta", "Meta"]


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_select_csv_tsv(endpoint, fmt):
    text = wrapper(endpoint, META_LABELS, fmt).queryAndConvert()
    assert text.decode().splitlines()[1:] == (
        ["Meta", "Meta"] if fmt == CSV else ['"Meta"@en', '"Meta"@it'])


def test_sparqlwrapper_select_xml(endpoint):
    document = wrapper(endpoint, META_LABELS, XML).queryAndConvert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == [
        "Meta", "Meta"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_ask(endpoint, method):
    result = wrapper(endpoint, P + "ASK { id:meta a aig:Organization }", JSON,
                     method).queryAndConvert()
    assert result["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, XML, N3, RDFXML, JSONLD])
def test_sparqlwrapper_construct(endpoint, store, fmt):
    graph = wrapper(endpoint, CONSTRUCT, fmt).queryAndConvert()
    if not isinstance(graph, rdflib.Graph):
        graph = rdflib.Graph().parse(data=graph, format="turtle")
    assert isomorphic(graph, store.construct(CONSTRUCT))


def test_sparqlwrapper_sees_the_timeout_as_an_error(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(query_time_limit=1.0),
                      "AIGRAPH_STORE": store})
    try:
        with serving(app) as url:
            with pytest.raises(urllib.error.HTTPError) as info:
                wrapper(url, CROSS_PRODUCT, JSON).queryAndConvert()
            assert info.value.code == 503
            info.value.close()
            # The server still answers after the worker was replaced.
            assert wrapper(url, "ASK {}", JSON).queryAndConvert()["boolean"] is True
    finally:
        app.extensions["aigraph_executor"].close()


def test_rdflib_sparqlstore(endpoint, store):
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="xml"))
    try:
        rows = list(graph.query(META_LABELS))
        assert [str(row.label) for row in rows] == ["Meta", "Meta"]
        assert graph.query(P + "ASK { id:meta a aig:Organization }").askAnswer is True
        constructed = graph.query(CONSTRUCT).graph
        assert isomorphic(constructed, store.construct(CONSTRUCT))
    finally:
        graph.close()


def test_rdflib_sparqlstore_json(endpoint):
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json", method="POST"))
    try:
        rows = list(graph.query(META_LABELS))
        assert [str(row.label) for row in rows] == ["Meta", "Meta"]
    finally:
        graph.close()


def _post_chunked(url: str, body: bytes) -> tuple[int, bytes]:
    """POST ``body`` as a chunked application/sparql-query, in 1000-byte chunks."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        chunks = (body[i:i + 1000] for i in range(0, len(body), 1000))
        connection.request("POST", parts.path, body=chunks, encode_chunked=True,
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "text/csv"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_chunked_body_arrives_whole(endpoint):
    query = b"SELECT ?x WHERE { BIND(42 AS ?x) }\n" + b"# padding\n" * 5000
    assert _post_chunked(endpoint, query) == (200, b"x\r\n42\r\n")


def test_chunked_body_past_the_cap_is_refused(endpoint):
    status, body = _post_chunked(endpoint, b"ASK {}" + b" " * 200_000)
    assert status == 400
    assert b"longer than 100000 bytes" in body


def test_cors_over_real_http(endpoint):
    request = urllib.request.Request(endpoint, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"


# --- our executor forwarding to a remote endpoint -------------------------------------------

@pytest.fixture
def forwarding(endpoint, settings):
    """A second aigraph whose store is the first one's /sparql, with a 3-row cap."""
    # Warm the first endpoint (its on-disk copy and first worker) so that the 1 s limit below
    # measures forwarding, not that one-off start on a busy machine.
    query = urllib.parse.urlencode({"query": "ASK {}"})
    with urllib.request.urlopen(f"{endpoint}?{query}", timeout=30) as response:
        assert response.status == 200
    app = create_app({"TESTING": True,
                      "AIGRAPH": settings.replace(store=endpoint, max_rows=3,
                                                  query_time_limit=1.0),
                      "AIGRAPH_STORE": RemoteStore(endpoint)})
    yield app
    app.extensions["aigraph_executor"].close()


def test_remote_select_construct_and_cap(forwarding, store):
    client = forwarding.test_client()
    response = client.get("/sparql", query_string={"query": META_LABELS},
                          headers={"Accept": "text/csv"})
    assert response.get_data(as_text=True) == "label\r\nMeta\r\nMeta\r\n"
    assert response.headers["AIGraph-Truncated"] == "false"
    graph = client.get("/sparql", query_string={"query": CONSTRUCT},
                       headers={"Accept": "text/turtle"})
    assert graph.headers["AIGraph-Truncated"] == "true"
    assert len(rdflib.Graph().parse(data=graph.data, format="turtle")) == 3
    ask = client.get("/sparql", query_string={"query": "ASK {}"})
    assert json.loads(ask.data)["boolean"] is True


def test_remote_is_still_guarded(forwarding):
    client = forwarding.test_client()
    response = client.get("/sparql", query_string={
        "query": "SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }"})
    assert response.status_code == 400
    assert "SERVICE" in response.get_data(as_text=True)


def test_remote_timeout(forwarding):
    response = forwarding.test_client().get("/sparql", query_string={"query": CROSS_PRODUCT})
    assert response.status_code == 503
    assert "stopped after 1 s" in response.get_data(as_text=True)
