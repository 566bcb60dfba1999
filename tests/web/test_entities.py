"""Entity pages: every class, facts, links, lineage, paths, formats, embedded JSON-LD, 404s."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from rdflib import RDFS

from aigraph.namespaces import AIG, entity_iri
from aigraph.store import EmbeddedStore
from aigraph.web import create_app
from tests.web.conftest import page_text

RDF_TYPES = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}


def _jsonld(response) -> dict:
    html = response.get_data(as_text=True)
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


@pytest.mark.parametrize("slug, kind, label", [
    ("mistral-7b-release", "Milestone", "Mistral 7B is released"),
    ("mistral-7b", "Model", "Mistral 7B"),
    ("mistral-ai", "Organization", "Mistral AI"),
    ("apache-2-0", "License", "Apache License 2.0"),
    ("open-source-models", "Category", "Open Source Models"),
])
def test_every_class_has_a_page(client, slug, kind, label):
    response = client.get(f"/id/{slug}")
    assert response.status_code == 200
    text = page_text(response)
    assert label in text and kind in text
    assert f"https://w3id.org/aigraph/id/{slug}" in text
    assert response.headers["Vary"].startswith("Accept")


def test_model_facts_are_formatted(client):
    text = page_text(client.get("/id/mistral-7b"))
    assert "September 27, 2023" in text
    assert "7.3 billion" in text
    assert "Apache License 2.0 (commercial use allowed)" in text
    assert "Open weights Yes" in text
    assert "Developed by Mistral AI" in text
    assert "https://arxiv.org/abs/2310.06825" in text
    assert "Last reviewed on November 27, 2026." in text


def test_mixture_of_experts_shows_active_parameters(client):
    text = page_text(client.get("/id/mixtral-8x7b"))
    assert "46.7 billion" in text and "12.9 billion" in text


def test_non_commercial_license_is_flagged(client):
    assert "(no commercial use)" in page_text(client.get("/id/llama"))


def test_organization_lists_its_models_and_wikidata(client):
    response = client.get("/id/meta")
    text = page_text(response)
    assert "Models it developed" in text and "LLaMA" in text
    assert 'href="http://www.wikidata.org/entity/Q380"' in response.get_data(as_text=True)
    assert "United States" in text  # the country code, named
    assert "Facebook" in text       # its other name


def test_mistral_ai_page_links_to_its_models(client):
    html = client.get("/id/mistral-ai").get_data(as_text=True)
    assert 'href="/id/mistral-7b"' in html and 'href="/id/mixtral-8x7b"' in html


def test_category_page_lists_its_milestones_by_date(client):
    text = page_text(client.get("/id/open-source-models"))
    assert "In this category" in text
    order = [text.index(label) for label in ("GPT-Neo is released", "BLOOM is released",
                                              "Meta releases LLaMA", "DeepSeek-R1 is released")]
    assert order == sorted(order)


def test_model_lineage_and_descendants(client):
    text = page_text(client.get("/id/deepseek-r1"))
    assert "Based on DeepSeek-V3" in text
    lineage = text[text.index("What led here"):text.index("What came next")]
    assert "DeepSeek-V3" in lineage
    html = client.get("/id/deepseek-v3").get_data(as_text=True)
    assert "Models derived from it" in page_text(client.get("/id/deepseek-v3"))
    assert 'href="/paths/next/deepseek-v3"' in html and 'href="/paths/lineage/deepseek-v3"' in html


def test_milestone_shows_its_reading_paths(client):
    response = client.get("/id/mistral-7b-release")
    text = page_text(response)
    assert "In reading paths" in text and "step 4 of 7" in text
    assert 'href="/paths/open-source-developer#step-4"' in response.get_data(as_text=True)


def test_model_is_on_a_path_through_its_release(client):
    text = page_text(client.get("/id/mistral-7b"))
    assert "step 4 of 7" in text and "through “Mistral 7B is released”" in text


def test_reading_path_slug_redirects_to_its_page(client):
    response = client.get("/id/open-source-developer")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/paths/open-source-developer")


@pytest.mark.parametrize("media_type", list(RDF_TYPES))
def test_content_negotiation_by_accept(client, media_type):
    response = client.get("/id/mistral-7b", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True),
                                 format=RDF_TYPES[media_type][1])
    model = entity_iri("mistral-7b")
    assert (model, AIG.developedBy, entity_iri("mistral-ai")) in graph
    assert (model, RDFS.label, rdflib.Literal("Mistral 7B", lang="en")) in graph
    # labels of linked entities come along
    assert (entity_iri("mistral-ai"), RDFS.label, rdflib.Literal("Mistral AI", lang="it")) in graph
    assert (entity_iri("apache-2-0"), RDFS.label, None) in graph


@pytest.mark.parametrize("media_type, name", [(m, n) for m, (n, _f) in RDF_TYPES.items()])
def test_content_negotiation_by_format_parameter(client, media_type, name):
    response = client.get(f"/id/mistral-7b?format={name}")
    assert response.status_code == 200 and response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True),
                                 format=RDF_TYPES[media_type][1])
    assert len(graph) > 10


def test_browser_accept_header_gets_html(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/id/mistral-7b", headers={"Accept": accept})
    assert response.mimetype == "text/html"
    assert "rel=\"alternate\"; type=\"text/turtle\"" in response.headers["Link"]


def test_unknown_format_is_not_acceptable(client):
    assert client.get("/id/mistral-7b?format=pdf").status_code == 406
    assert client.get("/id/mistral-7b", headers={"Accept": "image/png"}).status_code == 406


def test_reading_path_description_in_turtle(client):
    response = client.get("/id/open-source-developer", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (entity_iri("open-source-developer"), AIG.memberCategory,
            entity_iri("open-source-models")) in graph
    assert len(list(graph.objects(None, AIG.note))) == 14  # seven notes, two languages


def test_embedded_jsonld_is_schema_org(client):
    data = _jsonld(client.get("/id/mistral-7b"))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "SoftwareApplication"
    assert data["@id"] == "https://w3id.org/aigraph/id/mistral-7b"
    assert data["name"] == "Mistral 7B"
    assert data["creator"][0]["name"] == "Mistral AI"
    assert data["datePublished"] == "2023-09-27"
    event = _jsonld(client.get("/id/mistral-7b-release?lang=it"))
    assert event["@type"] == "Event" and event["name"] == "Esce Mistral 7B"
    assert event["inLanguage"] == "it"
    org = _jsonld(client.get("/id/meta"))
    assert org["sameAs"] == ["http://www.wikidata.org/entity/Q380"]


def test_embedded_json_cannot_close_its_script(data_dir, settings):
    (data_dir / "evil.ttl").write_text(
        '@prefix aig: <https://w3id.org/aigraph/ontology#> .\n'
        '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
        '<https://w3id.org/aigraph/id/evil> a aig:Organization ;\n'
        '  rdfs:label "</script><script>alert(1)</script> & co"@en .\n', encoding="utf-8")
    store = EmbeddedStore.from_dirs(settings.ontology_dir, data_dir)
    app = create_app({"TESTING": True, "AIGRAPH": settings, "AIGRAPH_STORE": store})
    response = app.test_client().get("/id/evil")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert _jsonld(response)["name"] == "</script><script>alert(1)</script> & co"


def test_neighbourhood_graph_data(client):
    html = client.get("/id/mistral-ai").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="neighbourhood-data">(.*?)</script>',
                      html, re.S)
    graph = json.loads(match.group(1))
    ids = {node["id"] for node in graph["nodes"]}
    assert {"mistral-ai", "mistral-7b", "mixtral-8x7b", "mistral-7b-release"} <= ids
    assert {"source": "mistral-7b", "target": "mistral-ai", "label": "developed by"} \
        in graph["edges"]
    assert graph["nodes"][0]["center"] is True


def test_unknown_slug_is_404_with_suggestions(client):
    response = client.get("/id/mistral-8b")
    assert response.status_code == 404
    text = page_text(response)
    assert "There is no entity called “mistral-8b”" in text
    assert "Did you mean" in text and "Mistral 7B" in text


def test_malformed_slug_is_404_before_any_entity_query(client, query_log):
    response = client.get("/id/Mistral_7B")
    assert response.status_code == 404
    assert not any("?entity ?p ?o" in q for q in query_log)
    assert "Mistral 7B" in page_text(response)  # suggested all the same


def test_404_in_json_for_json_clients(client):
    response = client.get("/id/mistrall-7b", headers={"Accept": "application/json"})
    assert response.status_code == 404
    data = response.get_json()
    assert data["status"] == 404
    assert "mistral-7b" in [s["id"] for s in data["suggestions"]]


def test_unknown_slug_in_rdf_is_404(client):
    assert client.get("/id/nothing-here", headers={"Accept": "text/turtle"}).status_code == 404


def test_italian_entity_page(client):
    text = page_text(client.get("/id/mistral-7b?lang=it"))
    assert "27 settembre 2023" in text and "7,3 miliardi" in text
    assert "Licenza Apache 2.0 (uso commerciale consentito)" in text
    assert "Sviluppato da Mistral AI" in text


def test_model_page_links_its_hugging_face_repository(data_dir, settings):
    (data_dir / "hf.ttl").write_text(
        '@prefix aig: <https://w3id.org/aigraph/ontology#> .\n'
        '<https://w3id.org/aigraph/id/mistral-7b> aig:huggingFaceRepo "mistralai/Mistral-7B-v0.1" .\n',
        encoding="utf-8")
    store = EmbeddedStore.from_dirs(settings.ontology_dir, data_dir)
    client = create_app({"TESTING": True, "AIGRAPH": settings, "AIGRAPH_STORE": store}).test_client()
    response = client.get("/id/mistral-7b")
    html = response.get_data(as_text=True)
    assert 'href="https://huggingface.co/mistralai/Mistral-7B-v0.1" rel="external"' in html
    assert "Hugging Face repository" in page_text(response)
    assert "repository su hugging face" in page_text(client.get("/id/mistral-7b?lang=it")).lower()
    assert "huggingface.co/" not in client.get("/id/mixtral-8x7b").get_data(as_text=True)
