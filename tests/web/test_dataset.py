"""Dataset pages: VoID and DCAT description, downloads, the ontology page and file, citation."""

from __future__ import annotations

import re

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF, VOID

from aigraph.namespaces import AIG
from tests.web.conftest import page_text

DOWNLOADS = {"ttl": ("text/turtle", "turtle"), "nt": ("application/n-triples", "nt"),
             "jsonld": ("application/ld+json", "json-ld")}


def test_dataset_page_shows_sizes_counts_and_citation(client, store):
    response = client.get("/dataset")
    assert response.status_code == 200
    text = page_text(response)
    triples = f"{store.triple_count():,}"
    assert triples in text
    for suffix in DOWNLOADS:
        assert f"aigraph.{suffix}" in text
    sizes = re.findall(r'<td data-size="(\d+)">', response.get_data(as_text=True))
    assert len(sizes) == 3 and all(int(s) > 1000 for s in sizes)
    assert "@misc{aigraph," in text and "version" in text
    assert "aigraph contributors (2026)" in text
    assert "CC BY 4.0" in text


@pytest.mark.parametrize("media_type, fmt", [("text/turtle", "turtle"),
                                              ("application/ld+json", "json-ld"),
                                              ("application/n-triples", "nt"),
                                              ("application/rdf+xml", "xml")])
def test_void_and_dcat_by_accept(client, store, media_type, fmt):
    response = client.get("/dataset", headers={"Accept": media_type})
    assert response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format=fmt)
    dataset = rdflib.URIRef("https://w3id.org/aigraph/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) == store.triple_count()
    assert len(list(graph.objects(dataset, DCAT.distribution))) == 3
    partitions = {graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
                  for p in graph.objects(dataset, VOID.classPartition)}
    assert partitions[AIG.Milestone] == 8
    assert str(graph.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")


@pytest.mark.parametrize("suffix", list(DOWNLOADS))
def test_downloads_hold_the_whole_graph(client, store, suffix):
    media_type, fmt = DOWNLOADS[suffix]
    response = client.get(f"/dataset/aigraph.{suffix}")
    assert response.status_code == 200 and response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format=fmt)
    assert len(graph) == store.triple_count()
    again = client.get(f"/dataset/aigraph.{suffix}",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_download_is_404(client):
    assert client.get("/dataset/aigraph.xml").status_code == 404


def test_ontology_page(client):
    response = client.get("/ontology")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert 'id="Milestone"' in html and 'id="developedBy"' in html
    assert "aig:developedBy" in text
    assert "The organization that built and released the model." in text
    assert 'href="#Model"' in html and 'href="#Organization"' in html   # domain, range
    assert "xsd:date" in text
    assert "Landmark" in text and "Open Source Models" in text          # controlled lists


def test_ontology_page_in_italian(client):
    text = page_text(client.get("/ontology?lang=it"))
    assert "Tappa" in text and "sviluppato da" in text
    assert "L'organizzazione che ha costruito e rilasciato il modello." in text


def test_ontology_turtle(client):
    for response in (client.get("/ontology.ttl"),
                     client.get("/ontology", headers={"Accept": "text/turtle"})):
        assert response.mimetype == "text/turtle"
        graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
        assert (AIG.Milestone, RDF.type, rdflib.OWL.Class) in graph
