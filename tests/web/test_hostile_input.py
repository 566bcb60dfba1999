"""Property-based tests with Hypothesis: hostile input never gets a 500 or an outbound request.

Random and mutated queries, media types, encodings and parameters go to /sparql; random slugs
and query strings go to the entity and path routes. Every answer must be a deliberate one
(2xx, 3xx or a 4xx/503 with a message), and an audit hook (``tests.netaudit``) fails the
test on any socket connection to, or name lookup of, anything but the loopback interface.
Each suite records how many cases it tried in the ``hypothesis-cases`` user property (see
docs/security.md).
"""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigraph.web import create_app
from tests.netaudit import OUTBOUND

SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s a aig:Milestone }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 2",
    "DESCRIBE id:meta",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(LANG(?o) = 'it') }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    'SELECT ?x { BIND("é\\u00e9" AS ?x) }',
]
PIECES = ["{", "}", "(", ")", "<", ">", '"', "'", "#", "\n", "?x", "$y", "SERVICE", "FROM",
          "LOAD", "<http://example.org/>", "<http://127.0.0.1:9/>", "\\", "\x00", "\ud800",
          "é", "^^", "@en", "_:b", "a", ".", ";", ",", "*", "+", "||", "1e9", "LIMIT 1"]
MEDIA = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
         "text/tab-separated-values", "text/turtle", "application/n-triples",
         "application/rdf+xml", "application/ld+json", "text/html", "*/*", "application/json",
         "image/png", "text/*;q=0.1", ";;;", ""]
FORMATS = ["json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf", "html", "nope", ""]
PARAMS = ["query", "update", "default-graph-uri", "named-graph-uri", "format", "lang", "x"]


@st.composite
def mutated_queries(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 5))
        text = text[:at] + draw(st.sampled_from(PIECES)) + text[at + cut:]
    return text


queries = st.one_of(mutated_queries(), st.text(max_size=200))
counts: dict[str, int] = {}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """One app on the fixture data for the whole module (Hypothesis runs many cases)."""
    import shutil

    from aigraph.settings import PROJECT_ROOT, Settings
    from aigraph.store import EmbeddedStore
    from tests.conftest import FIXTURES

    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(FIXTURES / "data", data)
    config = Settings.load({"data_dir": str(data), "ontology_dir": str(PROJECT_ROOT / "ontology"),
                            "store": "", "rate_limit": "", "client_queries": 0,
                            "query_time_limit": 2.0}, environ={})
    store = EmbeddedStore.from_dirs(config.ontology_dir, config.data_dir)
    app = create_app({"TESTING": True, "AIGRAPH": config, "AIGRAPH_STORE": store})
    app.extensions["aigraph_executor"].start()
    yield app
    app.extensions["aigraph_executor"].close()


def _deliberate(response) -> None:
    assert response.status_code < 500 or response.status_code == 503, response.data[:300]
    if response.status_code >= 400:
        assert response.data.strip(), "an error without a message"


FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(text=queries, accept=st.sampled_from(MEDIA), fmt=st.sampled_from(FORMATS),
       method=st.sampled_from(["GET", "POST-form", "POST-direct"]))
def test_endpoint_never_fails_on_random_queries(fuzz_app, text, accept, fmt, method):
    counts["endpoint"] = counts.get("endpoint", 0) + 1
    client = fuzz_app.test_client()
    headers = {"Accept": accept}
    extra = {"format": fmt} if fmt else {}
    # Lone surrogates are sent as the (invalid) UTF-8 bytes a hostile client could send.
    raw = text.encode("utf-8", "surrogatepass")
    encoded = "query=" + quote_from_bytes(raw, safe="") + (f"&format={fmt}" if fmt else "")
    if method == "GET":
        response = client.get("/sparql", query_string=encoded, headers=headers)
    elif method == "POST-form":
        response = client.post("/sparql", data=encoded.encode(), headers={
            **headers, "Content-Type": "application/x-www-form-urlencoded"})
    else:
        response = client.post("/sparql", data=raw, query_string=extra,
                               headers={**headers, "Content-Type": "application/sparql-query"})
    _deliberate(response)
    assert OUTBOUND == []


@FUZZ
@given(raw=st.binary(max_size=300), content_type=st.sampled_from([
    "application/sparql-query", "application/x-www-form-urlencoded",
    "application/sparql-query; charset=latin-1", "application/sparql-update", "text/plain",
    "multipart/form-data; boundary=x", ""]),
    query_string=st.binary(max_size=100))
def test_endpoint_never_fails_on_raw_bytes(fuzz_app, raw, content_type, query_string):
    counts["raw"] = counts.get("raw", 0) + 1
    client = fuzz_app.test_client()
    headers = {"Content-Type": content_type} if content_type else {}
    # WSGI carries the raw query string as bytes decoded as Latin-1.
    environ = {"QUERY_STRING": query_string.decode("latin-1")}
    response = client.post("/sparql", data=raw, headers=headers, environ_overrides=environ)
    _deliberate(response)
    get = client.get("/sparql", environ_overrides=environ)
    _deliberate(get)
    assert OUTBOUND == []


@FUZZ
@given(params=st.lists(st.tuples(st.sampled_from(PARAMS), st.text(max_size=40)), max_size=6),
       accept=st.sampled_from(MEDIA))
def test_endpoint_never_fails_on_random_parameters(fuzz_app, params, accept):
    counts["params"] = counts.get("params", 0) + 1
    response = fuzz_app.test_client().get("/sparql", query_string=params,
                                          headers={"Accept": accept})
    _deliberate(response)


slugs = st.one_of(st.sampled_from(["meta", "open-source-developer", "llama", "a", "x" * 200]),
                  st.text(alphabet="abcz09-_.%~/ éA", max_size=40))


@FUZZ
@given(slug=slugs, route=st.sampled_from(["/id/{}", "/paths/{}", "/paths/{}.json",
                                          "/paths/lineage/{}", "/paths/next/{}",
                                          "/paths/between", "/search"]),
       query=st.lists(st.tuples(st.sampled_from(["lang", "format", "depth", "limit", "q", "x"]),
                                st.text(max_size=20)), max_size=4),
       accept=st.sampled_from(MEDIA))
def test_entity_and_path_routes_never_fail(fuzz_app, slug, route, query, accept):
    counts["routes"] = counts.get("routes", 0) + 1
    if route == "/paths/between":
        path, query = route, [("from", slug), ("to", "meta"), *query]
    elif route == "/search":
        path, query = route, [("q", slug), *query]
    else:
        path = route.format(quote(slug, safe="/%~"))
    response = fuzz_app.test_client().get(path, query_string=query, headers={"Accept": accept})
    _deliberate(response)
    assert OUTBOUND == []


def test_report_how_many_cases_were_tried(record_property):
    total = sum(counts.values())
    record_property("hypothesis-cases", total)
    print(f"\nHypothesis cases tried: {counts} (total {total})")
    if counts:  # when the suites above ran in this session
        assert total >= 4 * 100
