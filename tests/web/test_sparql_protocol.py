"""The W3C SPARQL 1.1 Protocol test cases, as a table, against /sparql.

One row per entry of the W3C manifest (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl),
named after it. The manifest's ``/sparql/`` prefix is our ``/sparql``. Where our policy differs
from the manifest the row says so, and the test asserts the clear refusal instead:

- ``refused-dataset``: ``default-graph-uri`` / ``named-graph-uri`` (and ``FROM``) name other
  graphs; the endpoint never fetches them and answers 400 saying so. Entries whose only
  dataset part is such a parameter are also run without it (``WITHOUT_DATASET``) and must
  then give the manifest's expected answer.
- ``refused-update``: anonymous updates are refused with 403; the follow-up request of
  multi-step update entries is replaced by a check that the data was left untouched.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

import pytest
import rdflib

KASEI = "http://kasei.us/2009/09/sparql/data/"
SRX = "{http://www.w3.org/2005/sparql-results#}"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


def q(**params) -> str:
    """Build a query string, repeating a parameter given a list."""
    return urllib.parse.urlencode(params, doseq=True, quote_via=urllib.parse.quote)


@dataclass(frozen=True)
class Case:
    """One manifest entry: the request, and what our endpoint answers."""

    name: str
    method: str
    query_string: str = ""
    body: bytes | None = None
    content_type: str | None = None
    #: "boolean", "tabular", "RDF" (the manifest's formats, status 2xx), "refused-dataset",
    #: "refused-update", or a 4xx status code as a string ("400", "405").
    expect: str = "boolean"


DATA0 = KASEI + "data0.rdf"
DATA1, DATA2, DATA3 = (KASEI + f"data{n}.rdf" for n in (1, 2, 3))
ASK_TWO_DEFAULT = (f"ASK {{ <{DATA1}> a ?type . <{DATA2}> a ?type . }}")
ASK_TWO_NAMED = (f"ASK {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} GRAPH ?g2 {{ <{DATA2}> a ?type }} }}")
UPDATE_DATASET = """PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CLEAR ALL ;
INSERT DATA { GRAPH <http://kasei.us/2009/09/sparql/data/data1.rdf> {
    <http://kasei.us/2009/09/sparql/data/data1.rdf> a foaf:Document } } ;
INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> {
    ?s a dc:BibliographicResource } }
WHERE { ?s a foaf:Document }"""

CASES = [
    Case("query_post_form", "POST", q(**{"default-graph-uri": DATA0}),
         b"query=ASK%20%7B%7D", FORM, "refused-dataset"),
    Case("query_dataset_default_graphs_get", "GET",
         q(query=ASK_TWO_DEFAULT, **{"default-graph-uri": [DATA1, DATA2]}),
         expect="refused-dataset"),
    Case("query_dataset_default_graphs_post", "POST", q(**{"default-graph-uri": [DATA1, DATA2]}),
         ASK_TWO_DEFAULT.encode(), DIRECT, "refused-dataset"),
    Case("query_dataset_named_graphs_post", "POST", q(**{"named-graph-uri": [DATA1, DATA2]}),
         ASK_TWO_NAMED.encode(), DIRECT, "refused-dataset"),
    Case("query_dataset_named_graphs_get", "GET",
         q(query=ASK_TWO_NAMED, **{"named-graph-uri": [DATA1, DATA2]}),
         expect="refused-dataset"),
    Case("query_dataset_full", "POST",
         q(**{"default-graph-uri": DATA3, "named-graph-uri": [DATA1, DATA2]}),
         f"ASK {{ <{DATA3}> a ?type GRAPH ?g1 {{ <{DATA1}> a ?type }} "
         f"GRAPH ?g2 {{ <{DATA2}> a ?type }} }}".encode(), DIRECT, "refused-dataset"),
    Case("query_multiple_dataset", "POST", q(**{"named-graph-uri": [DATA1, DATA2]}),
         f"ASK FROM <{DATA3}> {{ GRAPH ?g1 {{ <{DATA1}> a ?type }} "
         f"GRAPH ?g2 {{ <{DATA2}> a ?type }} }}".encode(), DIRECT, "refused-dataset"),
    Case("query_get", "GET", q(query="ASK {}", **{"default-graph-uri": DATA0}),
         expect="refused-dataset"),
    Case("query_content_type_select", "POST", q(**{"default-graph-uri": DATA0}),
         b"SELECT (1 AS ?value) {}", DIRECT, "refused-dataset"),
    Case("query_content_type_ask", "POST", q(**{"default-graph-uri": DATA0}),
         b"ASK {}", DIRECT, "refused-dataset"),
    Case("query_content_type_describe", "POST", q(**{"default-graph-uri": DATA0}),
         b"DESCRIBE <http://example.org/>", DIRECT, "refused-dataset"),
    Case("query_content_type_construct", "POST", q(**{"default-graph-uri": DATA0}),
         b"CONSTRUCT { <s> <p> 1 } WHERE {}", DIRECT, "refused-dataset"),
    Case("update_dataset_default_graph", "POST", q(**{"using-graph-uri": DATA1}),
         UPDATE_DATASET.encode(), UPDATE, "refused-update"),
    Case("update_dataset_default_graphs", "POST", q(**{"using-graph-uri": [DATA1, DATA2]}),
         UPDATE_DATASET.encode(), UPDATE, "refused-update"),
    Case("update_dataset_named_graphs", "POST",
         q(**{"using-named-graph-uri": [DATA1, DATA2]}),
         UPDATE_DATASET.encode(), UPDATE, "refused-update"),
    Case("update_dataset_full", "POST",
         q(**{"using-graph-uri": DATA1, "using-named-graph-uri": DATA2}),
         UPDATE_DATASET.encode(), UPDATE, "refused-update"),
    Case("update_post_form", "POST", "", b"update=CLEAR+ALL", FORM, "refused-update"),
    Case("update_post_direct", "POST", "", b"CLEAR ALL", UPDATE, "refused-update"),
    Case("update_base_uri", "POST", "",
         b"CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
         b"INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
         b"{ <http://example.org/s> <http://example.org/p> <test> } }", UPDATE, "refused-update"),
    Case("query_post_direct", "POST", "", b"ASK {}", DIRECT, "boolean"),
    Case("bad_query_method", "PUT", q(query="ASK {}", **{"default-graph-uri": DATA0}),
         b"", FORM, "405"),
    Case("bad_multiple_queries", "GET", q(query=["ASK {}", "SELECT * {}"]), expect="400"),
    Case("bad_query_wrong_media_type", "POST", "", b"ASK {}", "text/plain", "400"),
    Case("bad_query_missing_form_type", "POST", "", b"query=ASK%20%7B%7D", None, "400"),
    Case("bad_query_missing_direct_type", "POST", "", b"ASK {}", None, "400"),
    Case("bad_query_non_utf8", "POST", "", "ASK {}".encode("utf-16"),
         "application/sparql-query; charset=UTF-16", "400"),
    Case("bad_query_syntax", "GET", q(query="ASK {"), expect="400"),
    Case("bad_update_get", "GET", q(update="CLEAR ALL"), expect="refused-update"),
    Case("bad_multiple_updates", "POST", "", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
         FORM, "refused-update"),
    Case("bad_update_wrong_media_type", "POST", "", b"CLEAR NAMED", "text/plain", "400"),
    Case("bad_update_missing_form_type", "POST", "", b"update=CLEAR%20NAMED", None, "400"),
    Case("bad_update_non_utf8", "POST", "", "CLEAR NAMED".encode("utf-16"),
         "application/sparql-update; charset=UTF-16", "refused-update"),
    Case("bad_update_syntax", "POST", "", b"update=CLEAR%20XYZ", FORM, "refused-update"),
    Case("bad_update_dataset_conflict", "POST",
         q(**{"using-named-graph-uri": "http://example/people"}),
         b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
         b"DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
         b"WHERE { ?person foaf:givenName 'Bill' }", UPDATE, "refused-update"),
]

#: Entries whose only dataset part is a protocol parameter naming a graph we do not have:
#: without it, each must give the manifest's expected answer.
WITHOUT_DATASET = {
    "query_post_form": "boolean",
    "query_get": "boolean",
    "query_content_type_select": "tabular",
    "query_content_type_ask": "boolean",
    "query_content_type_describe": "RDF",
    "query_content_type_construct": "RDF",
}


def test_the_table_covers_the_whole_manifest():
    assert len(CASES) == 34
    assert len({case.name for case in CASES}) == 34


def send(client, case: Case, accept: str | None = None):
    headers = {"Accept": accept} if accept else {}
    if case.content_type:
        headers["Content-Type"] = case.content_type
    return client.open("/sparql?" + case.query_string if case.query_string else "/sparql",
                       method=case.method, data=case.body, headers=headers)


def boolean_of(response) -> bool:
    """Read an ASK answer from SPARQL JSON or XML results."""
    if response.mimetype == "application/sparql-results+json":
        return json.loads(response.data)["boolean"]
    assert response.mimetype == "application/sparql-results+xml"
    return ET.fromstring(response.data).find(f"{SRX}boolean").text == "true"


def check_tabular(response) -> list[str]:
    """Parse tabular results in any of the four formats; return the variable names."""
    kind = response.mimetype
    if kind == "application/sparql-results+json":
        return json.loads(response.data)["head"]["vars"]
    if kind == "application/sparql-results+xml":
        return [v.get("name") for v in ET.fromstring(response.data).iter(f"{SRX}variable")]
    assert kind in ("text/csv", "text/tab-separated-values")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)),
                           delimiter="," if kind == "text/csv" else "\t"))
    return [name.lstrip("?") for name in rows[0]]


RDF_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt",
               "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def check_expected(response, expect: str) -> None:
    """Assert the manifest's expectation (or our refusal) on a response."""
    if expect == "boolean":
        assert response.status_code == 200, response.data
        assert boolean_of(response) is True
    elif expect == "tabular":
        assert response.status_code == 200, response.data
        assert check_tabular(response) == ["value"]
    elif expect == "RDF":
        assert response.status_code == 200, response.data
        assert response.mimetype in RDF_PARSERS
        rdflib.Graph().parse(data=response.data, format=RDF_PARSERS[response.mimetype])
    elif expect == "refused-dataset":
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert "never fetched" in text
        assert "graph" in text
    elif expect == "refused-update":
        assert response.status_code == 403
        assert "anonymous updates are refused" in response.get_data(as_text=True)
    else:
        assert response.status_code == int(expect)
        assert response.mimetype == "text/plain"
        assert response.get_data(as_text=True).strip()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_manifest_entry(client, case):
    response = send(client, case)
    check_expected(response, case.expect)
    if case.expect == "refused-update":
        # The manifest's follow-up ASK checks the update's effect; ours checks there was none.
        after = client.get("/sparql", query_string={"query": "ASK { ?s a aig:Milestone }"})
        assert boolean_of(after) is True


@pytest.mark.parametrize("name", sorted(WITHOUT_DATASET))
def test_manifest_entry_without_the_dataset_parameter(client, name):
    case = next(case for case in CASES if case.name == name)
    params = [(k, v) for k, v in urllib.parse.parse_qsl(case.query_string)
              if k != "default-graph-uri"]
    response = send(client, replace(case, query_string=urllib.parse.urlencode(params)))
    check_expected(response, WITHOUT_DATASET[name])


@pytest.mark.parametrize("accept", [
    "application/sparql-results+xml", "application/sparql-results+json", "text/csv",
    "text/tab-separated-values"])
def test_query_content_type_select_in_each_tabular_format(client, accept):
    response = client.post("/sparql", data=b"SELECT (1 AS ?value) {}",
                           headers={"Content-Type": DIRECT, "Accept": accept})
    assert response.mimetype == accept
    assert check_tabular(response) == ["value"]


@pytest.mark.parametrize("accept", ["application/sparql-results+xml",
                                    "application/sparql-results+json"])
def test_query_content_type_ask_in_each_boolean_format(client, accept):
    response = client.post("/sparql", data=b"ASK {}",
                           headers={"Content-Type": DIRECT, "Accept": accept})
    assert response.mimetype == accept
    assert boolean_of(response) is True


@pytest.mark.parametrize("accept", sorted(RDF_PARSERS))
@pytest.mark.parametrize("query", [b"DESCRIBE <http://example.org/>",
                                   b"CONSTRUCT { <s> <p> 1 } WHERE {}"])
def test_query_content_type_graphs_in_each_rdf_format(client, accept, query):
    response = client.post("/sparql", data=query,
                           headers={"Content-Type": DIRECT, "Accept": accept})
    assert response.mimetype == accept
    graph = rdflib.Graph().parse(data=response.data, format=RDF_PARSERS[accept])
    if b"CONSTRUCT" in query:
        # Relative IRIs resolve against the endpoint, as the protocol allows.
        assert set(graph) == {(rdflib.URIRef("http://localhost/s"),
                               rdflib.URIRef("http://localhost/p"), rdflib.Literal(1))}
