"""License pages: the license panel of model pages and /paths/licenses/{slug}, in both languages."""

from __future__ import annotations

import pytest

from aigraph.store import EmbeddedStore
from aigraph.web import create_app
from tests.web.conftest import page_text

EXTRA = """
@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:mit aig:permitsDerivatives true ; aig:derivativeTerms aig:AnyLicense .
id:llama-research-license aig:permitsDerivatives true ;
    aig:derivativeTerms aig:KeepsRestrictions .
id:alpaca-demo a aig:Model ; rdfs:label "Alpaca demo"@en , "Alpaca di prova"@it ;
    aig:developedBy id:mistral-ai ; aig:openWeights true ; aig:license id:mit ;
    aig:codeLicense id:apache-2-0 ; aig:basedOn id:llama ;
    aig:licenseChange [ a aig:LicenseChange ; aig:changeDate "2024-03-01"^^xsd:date ;
        aig:datePrecision aig:MonthPrecision ; aig:previousLicense id:llama-research-license ;
        aig:newLicense id:mit ; dcterms:source <https://example.org/relicensed> ] .
"""


@pytest.fixture
def lic_client(settings, data_dir):
    (data_dir / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    files = [settings.ontology_dir + "/aigraph.ttl", *sorted(map(str, data_dir.glob("*.ttl")))]
    app = create_app({"TESTING": True, "AIGRAPH": settings,
                      "AIGRAPH_STORE": EmbeddedStore.from_files(files)})
    return app.test_client()


def test_model_page_shows_history_code_license_and_lineage(lic_client):
    response = lic_client.get("/id/alpaca-demo?lang=en")
    assert response.status_code == 200
    text = page_text(response)
    assert "Weights, today MIT License" in text
    assert "Code Apache License 2.0" in text
    assert "License history March 2024 : from LLaMA non-commercial license to MIT License" in text
    assert "License lineage" in text
    assert "conflicting compared with LLaMA" in text
    html = response.get_data(as_text=True)
    assert 'href="https://example.org/relicensed"' in html
    assert 'href="/paths/licenses/alpaca-demo"' in html


def test_model_page_in_italian(lic_client):
    text = page_text(lic_client.get("/id/alpaca-demo?lang=it"))
    assert "Pesi, oggi Licenza MIT" in text
    assert "Storia della licenza marzo 2024 : da Licenza non commerciale di LLaMA a Licenza MIT" in text
    assert "in conflitto rispetto a LLaMA" in text


def test_pages_of_other_kinds_have_no_license_panel(lic_client):
    assert "Weights, today" not in page_text(lic_client.get("/id/mistral-ai?lang=en"))
    assert "Weights, today" not in page_text(lic_client.get("/id/mit?lang=en"))


def test_license_path_page(lic_client):
    response = lic_client.get("/paths/licenses/alpaca-demo?lang=en")
    assert response.status_code == 200
    text = page_text(response)
    assert "Licenses along the lineage of Alpaca demo" in text
    assert "1 license conflict along this lineage." in text
    assert text.index("LLaMA") < text.index("Alpaca demo · MIT License")
    assert "alternate" in response.headers["Link"]
    italian = page_text(lic_client.get("/paths/licenses/alpaca-demo?lang=it"))
    assert "Le licenze lungo la genealogia di Alpaca di prova" in italian
    assert "1 conflitto di licenza lungo questa genealogia." in italian


def test_license_path_as_json(lic_client):
    data = lic_client.get("/paths/licenses/alpaca-demo?format=json&lang=en").get_json()
    assert data["model"] == "alpaca-demo" and data["conflicts"] == 1
    assert [s["id"] for s in data["steps"]] == ["llama", "alpaca-demo"]
    assert data["steps"][1]["bases"][0]["relation"] == "conflicting"
    same = lic_client.get("/paths/licenses/llama", headers={"Accept": "application/json"})
    assert same.get_json()["steps"][0]["bases"] == []


@pytest.mark.parametrize("slug", ["no-such-model", "mistral-ai", "mit"])
def test_license_path_of_something_else_is_404(lic_client, slug):
    response = lic_client.get(f"/paths/licenses/{slug}?lang=en")
    assert response.status_code == 404
    assert "There is no model called" in page_text(response)
