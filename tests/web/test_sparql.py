"""The /sparql endpoint: formats, negotiation, errors, limits, CORS and service description."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, VOID

from aigraph.namespaces import sparql_prologue
from aigraph.web import create_app

SRX = "{http://www.w3.org/2005/sparql-results#}"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
DIRECT = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
META_LABELS = ("SELECT ?label WHERE { id:meta rdfs:label ?label } ORDER BY ?label")
CONSTRUCT = "CONSTRUCT { ?o rdfs:label ?l } WHERE { ?o a aig:Organization ; rdfs:label ?l }"
CROSS_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 "?j ?k ?l }")
RDF_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt",
               "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def make_app(settings, store, **changes):
    """A fresh application on the fixture store with some settings changed."""
    return create_app({"TESTING": True, "AIGRAPH": settings.replace(**changes),
                       "AIGRAPH_STORE": store})


@pytest.fixture
def limited(settings, store):
    """An app whose results are capped at 3 rows and whose queries stop after 1 s."""
    app = make_app(settings, store, max_rows=3, query_time_limit=1.0, max_query_bytes=2000)
    yield app
    app.extensions["aigraph_executor"].close()


def get(client, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


# --- every format, parsed -------------------------------------------------------------------

def labels_from(response) -> list[str]:
    """Read the ?label column of SELECT results in whatever format they came."""
    kind = response.mimetype
    if kind == "application/sparql-results+json":
        data = json.loads(response.data)
        assert data["head"]["vars"] == ["label"]
        return [b["label"]["value"] for b in data["results"]["bindings"]]
    if kind == "application/sparql-results+xml":
        root = ET.fromstring(response.data)
        return [b.find(f"{SRX}literal").text for b in root.iter(f"{SRX}binding")]
    if kind == "text/csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert rows[0] == ["label"]
        return [row[0] for row in rows[1:]]
    assert kind == "text/tab-separated-values"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter="\t",
                           quoting=csv.QUOTE_NONE))
    assert rows[0] == ["?label"]
    return [row[0].split('"')[1] for row in rows[1:]]


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
def test_select_in_each_format(client, accept):
    response = get(client, META_LABELS, accept)
    assert response.status_code == 200
    assert response.mimetype == accept
    assert labels_from(response) == ["Meta", "Meta"]
    assert response.headers["AIGraph-Rows"] == "2"
    assert response.headers["AIGraph-Truncated"] == "false"


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml"])
def test_ask_in_each_format(client, accept):
    response = get(client, "ASK { id:meta a aig:Organization }", accept)
    assert response.mimetype == accept
    if accept.endswith("json"):
        assert json.loads(response.data) == {"head": {}, "boolean": True}
    else:
        assert ET.fromstring(response.data).find(f"{SRX}boolean").text == "true"
    assert "AIGraph-Truncated" not in response.headers


@pytest.mark.parametrize("accept", sorted(RDF_PARSERS))
def test_construct_in_each_format(client, store, accept):
    response = get(client, CONSTRUCT, accept)
    assert response.status_code == 200
    assert response.mimetype == accept
    graph = rdflib.Graph().parse(data=response.data, format=RDF_PARSERS[accept])
    assert isomorphic(graph, store.construct(sparql_prologue() + CONSTRUCT))


def test_describe_gives_a_graph(client):
    response = get(client, "DESCRIBE id:meta", "application/n-triples")
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert (rdflib.URIRef("https://w3id.org/aigraph/id/meta"), rdflib.RDFS.label,
            rdflib.Literal("Meta", lang="en")) in graph


def test_text_formats_say_utf8(client):
    response = get(client, META_LABELS, "text/csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


# --- negotiation ----------------------------------------------------------------------------

@pytest.mark.parametrize("accept, select_type, construct_type", [
    (None, "application/sparql-results+json", "text/turtle"),
    ("*/*", "application/sparql-results+json", "text/turtle"),
    ("text/csv;q=0.4, application/sparql-results+xml;q=0.8, text/turtle",
     "application/sparql-results+xml", "text/turtle"),
    ("text/*", "text/csv", "text/turtle"),
    ("application/json", "application/sparql-results+json", "application/ld+json"),
])
def test_accept_chooses_the_format(client, accept, select_type, construct_type):
    assert get(client, META_LABELS, accept).mimetype == select_type
    assert get(client, CONSTRUCT, accept).mimetype == construct_type


@pytest.mark.parametrize("name, select_type, construct_type", [
    ("json", "application/sparql-results+json", "application/ld+json"),
    ("xml", "application/sparql-results+xml", "application/rdf+xml"),
    ("csv", "text/csv", None),
    ("tsv", "text/tab-separated-values", None),
    ("ttl", None, "text/turtle"),
    ("nt", None, "application/n-triples"),
    ("rdf", None, "application/rdf+xml"),
    ("jsonld", None, "application/ld+json"),
])
def test_format_parameter_overrides_accept(client, name, select_type, construct_type):
    for query, expected in ((META_LABELS, select_type), (CONSTRUCT, construct_type)):
        response = get(client, query, "image/png", format=name)
        if expected is None:
            assert response.status_code == 406
            assert "available:" in response.get_data(as_text=True)
        else:
            assert response.status_code == 200
            assert response.mimetype == expected


def test_format_in_a_form_body(client):
    response = client.post("/sparql", data={"query": META_LABELS, "format": "csv"})
    assert response.mimetype == "text/csv"


def test_unknown_format_is_400(client):
    response = get(client, META_LABELS, format="yaml")
    assert response.status_code == 400
    assert "unknown format" in response.get_data(as_text=True)


@pytest.mark.parametrize("accept, query", [
    ("image/png", META_LABELS),
    ("text/turtle", META_LABELS),
    ("application/sparql-results+json", CONSTRUCT),
    ("application/sparql-results+json;q=0, application/json;q=0, */*;q=0", "ASK {}"),
])
def test_406_when_accept_cannot_be_met(client, accept, query):
    response = get(client, query, accept)
    assert response.status_code == 406
    assert "available:" in response.get_data(as_text=True)


def test_responses_vary_on_accept(client):
    assert "Accept" in get(client, "ASK {}").headers["Vary"]


# --- reading the request --------------------------------------------------------------------

def test_post_form_and_direct(client):
    form = client.post("/sparql", data={"query": META_LABELS})
    direct = client.post("/sparql", data=META_LABELS.encode(),
                         headers={"Content-Type": DIRECT + "; charset=utf-8"})
    assert labels_from(form) == labels_from(direct) == ["Meta", "Meta"]


def test_non_ascii_query_text(client):
    response = get(client, 'SELECT ?x WHERE { BIND("caffè €" AS ?x) }', "text/csv")
    assert response.get_data(as_text=True) == "x\r\ncaffè €\r\n"


@pytest.mark.parametrize("request_kwargs, message", [
    (dict(method="GET", query_string="query=ASK%20%7B%7D&query=ASK%20%7B%7D"),
     "exactly one query"),
    (dict(method="POST", query_string="query=ASK%20%7B%7D", data=b"query=ASK%20%7B%7D",
          headers={"Content-Type": FORM}), "exactly one query"),
    (dict(method="POST", query_string="query=ASK%20%7B%7D", data=b"ASK {}",
          headers={"Content-Type": DIRECT}), "exactly one query"),
    (dict(method="POST", data=b"ASK {}"), "needs a Content-Type"),
    (dict(method="POST", data=b"ASK {}", headers={"Content-Type": "text/plain"}),
     "unsupported Content-Type text/plain"),
    (dict(method="POST", data=b"ASK {}", headers={"Content-Type": "application/json"}),
     "unsupported Content-Type"),
    (dict(method="POST", data=b"query=ASK%20%7B%FF%7D", headers={"Content-Type": FORM}),
     "not valid UTF-8"),
    (dict(method="POST", data=b"ASK { FILTER(\"\xff\") }", headers={"Content-Type": DIRECT}),
     "not valid UTF-8"),
    (dict(method="POST", data=b"ASK {}", headers={"Content-Type": DIRECT + ";charset=latin-1"}),
     "must be UTF-8"),
    (dict(method="GET", query_string="query=ASK%20%7B%FF%7D"), "not valid UTF-8"),
    (dict(method="POST", data=b"", headers={"Content-Type": FORM}), "missing query"),
    (dict(method="POST", data=b"format=json", headers={"Content-Type": FORM}),
     "missing query"),
    (dict(method="GET", query_string="query=", headers={"Accept": "text/csv"}),
     "the query is empty"),
    (dict(method="GET", headers={"Accept": "text/csv"}), "missing query"),
    (dict(method="GET", query_string="query=SELECT%20%2A%20%7B%0A%20%20%3Fs%20%3Fp%20%7D"),
     "line 2, column 10"),
])
def test_bad_requests_are_400_with_a_message(client, request_kwargs, message):
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert message in response.get_data(as_text=True)


def test_too_many_parameters(client):
    response = client.get("/sparql?" + "&".join(f"x{i}=1" for i in range(200)))
    assert response.status_code == 400
    assert "more than 100 parameters" in response.get_data(as_text=True)


def test_query_too_long(limited):
    client = limited.test_client()
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 2000
    for response in (get(client, query),
                     client.post("/sparql", data=query.encode(),
                                 headers={"Content-Type": DIRECT}),
                     client.post("/sparql", data={"query": query})):
        assert response.status_code == 400
        assert "longer than" in response.get_data(as_text=True)


def test_a_huge_body_is_refused_unread(limited):
    client = limited.test_client()
    response = client.post("/sparql", data=b"ASK {}" + b" " * 10_000_000,
                           headers={"Content-Type": DIRECT})
    assert response.status_code == 400
    assert "longer than 2000 bytes" in response.get_data(as_text=True)


# --- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("request_kwargs", [
    dict(method="GET", query_string={"update": "CLEAR ALL"}),
    dict(method="POST", data={"update": "INSERT DATA { <a> <b> <c> }"}),
    dict(method="POST", data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
    dict(method="GET", query_string={"query": "CLEAR ALL"}),
    dict(method="POST", data=b"LOAD <http://example.org/data.ttl>",
         headers={"Content-Type": DIRECT}),
    dict(method="POST", data={"query": "DROP GRAPH <http://x/>"}),
])
def test_updates_are_refused(client, request_kwargs):
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == 403
    assert "anonymous updates are refused" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM NAMED"),
])
def test_reaching_outside_is_refused(client, query, message):
    response = get(client, query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_are_refused(client, param):
    response = get(client, "ASK {}", **{param: "http://example.org/g"})
    assert response.status_code == 400
    assert f"{param} cannot be used" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(client, method):
    response = client.open("/sparql?query=ASK%20%7B%7D", method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, OPTIONS"
    assert method in response.get_data(as_text=True)


def test_head_answers_like_get(client):
    response = client.head("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"


# --- errors in the client's format ----------------------------------------------------------

def test_errors_are_json_for_json_clients(client):
    response = get(client, "ASK {", "application/sparql-results+json")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = json.loads(response.data)
    assert "line 1, column 6" in body["error"]
    assert body["status"] == 400


def test_missing_query_for_a_json_client(client):
    response = client.get("/sparql", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400
    assert "missing query" in json.loads(response.data)["error"]


def test_errors_are_json_with_format_json(client):
    response = get(client, "ASK {", format="json")
    assert json.loads(response.data)["status"] == 400


def test_errors_are_text_otherwise(client):
    response = get(client, "ASK {", "text/csv")
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("SPARQL syntax error at line 1")


# --- limits ---------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, count", [
    ("application/sparql-results+json",
     lambda r: len(json.loads(r.data)["results"]["bindings"])),
    ("application/sparql-results+xml",
     lambda r: len(list(ET.fromstring(r.data).iter(f"{SRX}result")))),
    ("text/csv", lambda r: len(list(csv.reader(io.StringIO(r.get_data(as_text=True))))) - 1),
    ("text/tab-separated-values", lambda r: r.get_data(as_text=True).count("\n") - 1),
])
def test_truncated_results_are_flagged(limited, accept, count):
    response = get(limited.test_client(), "SELECT * WHERE { ?s ?p ?o }", accept)
    assert response.status_code == 200
    assert response.headers["AIGraph-Truncated"] == "true"
    assert response.headers["AIGraph-Rows"] == "3"
    assert count(response) == 3


def test_truncated_graphs_are_flagged(limited):
    response = get(limited.test_client(), "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert response.headers["AIGraph-Truncated"] == "true"
    assert len(rdflib.Graph().parse(data=response.data, format="nt")) == 3


def test_results_within_the_cap_are_not_flagged(limited):
    response = get(limited.test_client(), META_LABELS)
    assert response.headers["AIGraph-Truncated"] == "false"
    assert response.headers["AIGraph-Rows"] == "2"


def test_timeout_is_503_and_other_requests_go_on(limited):
    executor = limited.extensions["aigraph_executor"]
    executor.start()
    slow_responses = []

    def slow():
        slow_responses.append(get(limited.test_client(), CROSS_PRODUCT))

    thread = threading.Thread(target=slow)
    thread.start()
    deadline = time.monotonic() + 60
    while executor.idle_workers == 2:  # wait until the slow query holds a worker
        assert time.monotonic() < deadline
        time.sleep(0.01)
    meanwhile = get(limited.test_client(), META_LABELS, "text/csv")
    assert meanwhile.status_code == 200
    assert labels_from(meanwhile) == ["Meta", "Meta"]
    thread.join()
    (response,) = slow_responses
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "the query was stopped after 1 s\n"
    # The killed worker was replaced: the endpoint still answers, on a full pool.
    after = get(limited.test_client(), "ASK { id:meta ?p ?o }")
    assert json.loads(after.data)["boolean"] is True
    assert len(executor.worker_pids()) == executor.pool_size


# --- CORS -----------------------------------------------------------------------------------

def test_cors_on_results_and_errors(client):
    for response in (get(client, "ASK {}"), get(client, "ASK {"),
                     client.put("/sparql")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "AIGraph-Truncated" in response.headers["Access-Control-Expose-Headers"]


def test_cors_preflight(client):
    response = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Allow"] == "GET, POST, OPTIONS"


def test_cors_only_on_sparql(client):
    for path in ("/healthz", "/"):
        response = client.get(path, headers={"Origin": "https://example.org"})
        assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options("/healthz", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


# --- service description and editor ---------------------------------------------------------

@pytest.mark.parametrize("accept", [None, "*/*", *sorted(RDF_PARSERS)])
def test_service_description(client, store, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200
    media_type = accept if accept in RDF_PARSERS else "text/turtle"
    assert response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.data, format=RDF_PARSERS[media_type])
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert graph.value(service, SD.supportedLanguage) == SD.SPARQL11Query
    formats = set(graph.objects(service, SD.resultFormat))
    assert len(formats) == 8
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    default = graph.value(graph.value(service, SD.defaultDataset), SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) == store.triple_count()
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description_by_format(client):
    response = client.get("/sparql", query_string={"format": "nt"})
    assert response.mimetype == "application/n-triples"


def test_browser_gets_the_editor(client):
    response = client.get("/sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<form" in page
    assert 'name="query"' in page



def test_browser_opening_a_query_link_gets_the_editor_with_the_query(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "ASK { ?s ?p ?o }" in response.get_data(as_text=True)


def test_clients_asking_for_results_still_get_results(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json,*/*;q=0.1"})
    assert response.get_json()["boolean"] is True


def test_a_browser_posting_a_query_gets_results(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"},
                           headers={"Accept": accept})
    assert response.mimetype == "application/sparql-results+json"


# --- the way from /sparql to the response -------------------------------------------------------

#: The modules a query passes through, in the order it may go: a call never goes back to an
#: earlier layer. The web process runs the view and the guard's scan; a worker runs
#: ``query_worker.answer``.
SPARQL_LAYERS = {"aigraph.web.sparql": 0, "aigraph.web.negotiation": 1, "aigraph.executor": 1,
                 "aigraph.guard": 2, "aigraph.query_worker": 2, "aigraph.store.embedded": 2,
                 "aigraph.store.results": 3,
                 "aigraph.store.terms": 3, "aigraph.formats": 4}


def _trace(action) -> list[tuple[str, str, str]]:
    """Run ``action``; return each (caller module, callee module, function) call between layers."""
    import sys

    calls = []

    def profile(frame, event, _arg):
        if event != "call" or frame.f_back is None:
            return
        callee = frame.f_globals.get("__name__")
        caller = frame.f_back.f_globals.get("__name__")
        if callee in SPARQL_LAYERS and caller in SPARQL_LAYERS and callee != caller:
            calls.append((caller, callee, frame.f_code.co_name))

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def _upward(calls):
    return [(a, b) for a, b, _f in calls if SPARQL_LAYERS[b] < SPARQL_LAYERS[a]]


def test_a_query_goes_one_way_through_the_web_process(client):
    query = sparql_prologue() + "SELECT ?m WHERE { ?m a aig:Model }"
    get(client, "ASK {}")  # start the workers outside the trace
    for accept in ("text/csv", "text/html", None):
        calls = _trace(lambda a=accept: get(client, query, a))
        assert _upward(calls) == [], accept
        from_view = [(b, f) for a, b, f in calls if a == "aigraph.web.sparql"]
        assert [m for m, _f in from_view if m == "aigraph.web.negotiation"] == [
            "aigraph.web.negotiation"], (accept, from_view)
        assert from_view.count(("aigraph.executor", "run")) == (0 if accept == "text/html"
                                                                 else 1)
        from_executor = [(b, f) for a, b, f in calls if a == "aigraph.executor"]
        assert from_executor.count(("aigraph.guard", "check_query")) == (
            0 if accept == "text/html" else 1)


def test_a_query_goes_one_way_through_the_worker(store):
    from aigraph.guard import check_query
    from aigraph.query_worker import Job, answer

    job = Job(check_query("SELECT ?m WHERE { ?m a aig:Model }"),
              "application/sparql-results+json", max_rows=5)
    calls = _trace(lambda: answer(store, job))
    assert _upward(calls) == []
    from_worker = [(b, f) for a, b, f in calls if a == "aigraph.query_worker"]
    assert from_worker.count(("aigraph.store.embedded", "query_capped")) == 1
    assert ("aigraph.store.embedded", "aigraph.store.results", "serialize_capped") in calls


def test_the_trace_sees_a_call_going_back():
    # Code running as the store's writer that calls the view is an upward call the check sees.
    from aigraph.web import sparql

    as_results = {"__name__": "aigraph.store.results", "sparql": sparql}
    exec("def back():\n    return sparql._content_type('text/csv')", as_results)
    calls = _trace(as_results["back"])
    assert calls[0] == ("aigraph.store.results", "aigraph.web.sparql", "_content_type")
    assert _upward(calls)
