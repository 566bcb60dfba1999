"""The remote backend on OpenLink Virtuoso (Debian's ``virtuoso-opensource``), started here.

The same named queries as on the embedded store must give the same rows, and the site's main
pages and the endpoint must answer, with every query going to Virtuoso.
"""

from __future__ import annotations

import urllib.parse

import pytest
from rdflib import Literal

from aigraph import queries
from aigraph.errors import StoreError
from aigraph.namespaces import entity_iri
from aigraph.store import RemoteStore, data_files
from tests.virtuoso_server import GRAPH, running_virtuoso, virtuoso_binaries

pytestmark = [pytest.mark.remote,
              pytest.mark.skipif(virtuoso_binaries() is None,
                                 reason="Virtuoso is not installed (make test installs it)")]


@pytest.fixture(scope="module")
def virtuoso_url(tmp_path_factory):
    from aigraph.settings import PROJECT_ROOT

    fixtures = PROJECT_ROOT / "tests" / "fixtures" / "data"
    files = data_files(PROJECT_ROOT / "ontology", fixtures)
    with running_virtuoso(files, tmp_path_factory.mktemp("virtuoso")) as url:
        # Virtuoso's default dataset is every graph it holds, its own system graphs included:
        # the query URL names the data's graph as the default graph.
        yield url + "?default-graph-uri=" + urllib.parse.quote(GRAPH, safe="")


#: Queries whose rows differ on Virtuoso, and why. Each difference is Virtuoso's or allowed by
#: SPARQL; the test fails when one goes away (update the ledger) or a new one appears.
KNOWN_DIFFERENCES = {
    "core/per_decade": "Virtuoso divides integers as integers; SPARQL 1.1 says xsd:decimal",
    "curation/ancestry": "refused by Virtuoso ('transitive start not given'): its property "
                         "paths with + need a constant start, and a remote store binds the "
                         "start with VALUES",
    "examples/04_mixture_of_experts": "the same integer division",
    "examples/05_largest_open_models": "the same integer division",
    "examples/17_apache_models": "GROUP_CONCAT of English labels: Oxigraph keeps the common "
                                 "language tag, Virtuoso gives a plain string",
    "examples/24_license_lineage": "refused by Virtuoso (SQ156 'Internal Optimized compiler "
                                   "error') on the grouped subquery joined back to its rows",
    "timeline/milestones": "GROUP_CONCAT joins in another order (SPARQL leaves it unspecified); "
                           "the timeline reads the list as a set",
}


def _rows(result):
    return sorted(tuple(sorted((k, v.n3()) for k, v in row.items())) for row in result.rows)


def test_named_queries_give_the_same_rows_as_the_embedded_store(virtuoso_url, store):
    remote = RemoteStore(virtuoso_url)
    assert remote.triple_count() == store.triple_count()
    sample = {"lang": Literal("it"), "org": entity_iri("mistral-ai"),
              "entity": entity_iri("deepseek-r1")}
    differing = []
    compared = 0
    for name in queries.names():
        query = queries.get(name)
        if "SELECT" not in query.text.upper():
            continue
        bindings = {p: sample[p] for p in query.params if p in sample}
        if set(bindings) != set(query.params):
            continue
        compared += 1
        try:
            answer = _rows(remote.select(query.sparql, bindings))
        except StoreError:
            differing.append(name)
            continue
        if answer != _rows(store.select(query.sparql, bindings)):
            differing.append(name)
    assert compared > 10
    assert sorted(differing) == sorted(KNOWN_DIFFERENCES)


def test_site_runs_on_virtuoso(virtuoso_url, settings):
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(store=virtuoso_url)})
    try:
        client = app.test_client()
        for url in ("/", "/id/mistral-7b", "/timeline", "/paths/lineage/deepseek-r1",
                    "/search?q=mistral"):
            response = client.get(url)
            assert response.status_code == 200, url
        assert "Mistral 7B" in client.get("/id/mistral-7b").get_data(as_text=True)
        answer = client.get("/sparql", query_string={"query": "ASK { id:mistral-7b ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and answer.get_json().get("boolean") is True, answer.data
    finally:
        app.extensions["aigraph_executor"].close()
