"""On a copy of the shipped data: a new model is exactly its own lines in data/, nothing else."""

from __future__ import annotations

import difflib
import shutil

import rdflib

from aigraph import cli
from aigraph.curation import changes
from aigraph.namespaces import entity_iri
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import open_store

MODEL = """
@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
id:curation-test-model a aig:Model ;
    rdfs:label "Curation Test Model"@en , "Modello di prova della curatela"@it ;
    dcterms:description "A model that exists only in this test."@en ,
        "Un modello che esiste solo in questa prova."@it ;
    aig:developedBy id:alibaba ;
    aig:releaseDate "2024-09-19"^^xsd:date ;
    aig:license id:apache-2-0 ;
    aig:openWeights true ;
    aig:basedOn id:qwen2 ;
    dcterms:source <https://example.org/curation-test-model> ;
    aig:lastReviewed "2026-11-27"^^xsd:date .
"""


def test_a_new_model_is_a_pure_addition_in_canonical_form(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    settings = Settings.load({"data_dir": str(data), "history_dir": str(tmp_path / "history"),
                              "ontology_dir": str(PROJECT_ROOT / "ontology")}, environ={})
    before = {p.name: p.read_text(encoding="utf-8") for p in data.glob("*.ttl")}
    store = open_store("", ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                       history_dir=settings.history_dir)
    subject = entity_iri("curation-test-model")
    graph = rdflib.Graph().parse(data=MODEL, format="turtle")
    candidate = changes.propose(store, settings, subject, graph)
    assert candidate.conforms, candidate.to_json()
    changes.apply(store, settings, candidate, user="ada", comment="test")
    after = {p.name: p.read_text(encoding="utf-8") for p in data.glob("*.ttl")}
    assert set(after) == set(before)
    assert {n for n in after if after[n] != before[n]} == {"models.ttl"}
    diff = list(difflib.unified_diff(before["models.ttl"].splitlines(),
                                     after["models.ttl"].splitlines(), lineterm="", n=0))
    removed = [line for line in diff[2:] if line.startswith("-")]
    added = [line[1:] for line in diff[2:] if line.startswith("+")]
    assert removed == []
    assert "id:curation-test-model" in added and len(added) == 13  # 12 lines and a blank one
    for name in ("data_dir", "ontology_dir"):
        monkeypatch.setenv(f"AIGRAPH_{name.upper()}", getattr(settings, name))
    assert cli.main(["format", "--check"]) == 0
