"""The dataset page and its VoID description list the data releases; their dumps download."""

from __future__ import annotations

import gzip

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import DCTERMS, VOID

from aigraph import releases
from aigraph.store import data_files
from aigraph.validate import load_graph
from aigraph.web import create_app
from tests.web.conftest import page_text

DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")


@pytest.fixture
def released(settings, store, tmp_path):
    """An app whose releases folder holds two releases, the newest equal to the data."""
    folder = tmp_path / "releases"
    files = data_files(settings.ontology_dir, settings.data_dir)
    graph = load_graph(files[1:])
    releases.cut(folder, "0.1.0", graph, files[:1], "2026-11-27")
    releases.cut(folder, "0.2.0", graph, files, "2026-12-04")
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(releases_dir=str(folder)),
                      "AIGRAPH_STORE": store})
    return app.test_client()


def test_dataset_page_lists_releases_newest_first(released):
    text = page_text(released.get("/dataset?lang=en"))
    assert "Version 0.2.0" in text
    assert text.index("aigraph-0.2.0.nt.gz") < text.index("aigraph-0.1.0.nt.gz")
    assert "4 December 2026" in text or "December 4, 2026" in text or "Dec 4, 2026" in text
    assert "Rilasci" in page_text(released.get("/dataset?lang=it"))


def test_void_describes_each_release_with_its_dump(released):
    response = released.get("/dataset", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    dataset = next(iter(graph.subjects(DCTERMS.hasVersion, None)))
    versions = {str(graph.value(v, DCAT_VERSION)): v
                for v in graph.objects(dataset, DCTERMS.hasVersion)}
    assert set(versions) == {"0.1.0", "0.2.0"}
    dump = graph.value(versions["0.2.0"], VOID.dataDump)
    assert str(dump).endswith("/dataset/releases/aigraph-0.2.0.nt.gz")
    assert str(graph.value(versions["0.2.0"], DCTERMS.issued)) == "2026-12-04"
    assert str(graph.value(dataset, DCAT_VERSION)) == "0.2.0"


def test_release_dump_downloads_and_unknown_files_are_404(released):
    response = released.get("/dataset/releases/aigraph-0.1.0.nt.gz")
    assert response.status_code == 200
    body = response.data
    response.close()
    assert gzip.decompress(body).decode().startswith("<https://w3id.org/aigraph/")
    assert released.get("/dataset/releases/releases.toml").status_code == 404
    assert released.get("/dataset/releases/aigraph-9.9.9.nt.gz").status_code == 404


def test_data_changed_since_the_latest_release_says_so(settings, store, tmp_path):
    folder = tmp_path / "releases"
    releases.cut(folder, "0.1.0", rdflib.Graph(), data_files(settings.ontology_dir, settings.data_dir)[:1],
                 "2026-11-27")
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(releases_dir=str(folder)),
                      "AIGRAPH_STORE": store})
    text = page_text(app.test_client().get("/dataset?lang=en"))
    assert f"Version 0.1.0+{store.version}" in text
