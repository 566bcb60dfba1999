"""Entities the ontology's files define (the categories) are never written by curation.

They are changed in ``ontology/``, in a reviewed commit. Through the forms, the API, an import
or the Python interface, a change to one is refused with a message that says so, and nothing
is written: no copy in ``data/``, no history record that the files would contradict.
"""

from __future__ import annotations

import pytest
from rdflib import RDFS, Graph, Literal

from aigraph import cli
from aigraph.curation import changes
from aigraph.curation.errors import Protected
from aigraph.namespaces import entity_iri
from aigraph.ontology_entities import ontology_subjects
from tests.curation.conftest import auth, log_in, read, tree_digest

CATEGORY = "language-models"


def _unchanged(settings):
    return tree_digest(settings.data_dir, settings.history_dir)


def test_the_ontology_defines_the_categories_and_no_data_entity(cur_settings, cur_store):
    defined = ontology_subjects(cur_settings.ontology_dir)
    assert entity_iri(CATEGORY) in defined and entity_iri("robotics") in defined
    assert entity_iri("gpt-neo") not in defined and entity_iri("meta") not in defined


def test_the_python_interface_refuses_before_validating(cur_settings, cur_store):
    graph = Graph()
    graph += changes.entity_graph(cur_store, entity_iri(CATEGORY))
    graph.add((entity_iri(CATEGORY), RDFS.comment, Literal("changed")))
    with pytest.raises(Protected, match=r"id:language-models is defined in the ontology"):
        changes.propose(cur_store, cur_settings, entity_iri(CATEGORY), graph)
    with pytest.raises(Protected):  # deleting one too
        changes.propose(cur_store, cur_settings, entity_iri(CATEGORY), None)


def test_the_forms_offer_no_edit_and_refuse_one(cur_client, cur_settings, token):
    csrf = log_in(cur_client)
    before = _unchanged(cur_settings)
    page = cur_client.get(f"/id/{CATEGORY}").get_data(as_text=True)
    assert f"/id/{CATEGORY}/edit" not in page
    assert "defined in the ontology" in page
    # An entity of the data keeps its edit link.
    assert "/id/gpt-neo/edit" in cur_client.get("/id/gpt-neo").get_data(as_text=True)
    form = cur_client.get(f"/id/{CATEGORY}/edit")
    assert form.status_code == 409
    assert "ontology/aigraph.ttl" in form.get_data(as_text=True)
    saved = cur_client.post(f"/id/{CATEGORY}/edit", data={
        "csrf_token": csrf, "action": "save", "rdfs:label@en": "Language models (edited)"})
    assert saved.status_code == 409
    assert _unchanged(cur_settings) == before
    italian = cur_client.get(f"/id/{CATEGORY}/edit?lang=it").get_data(as_text=True)
    assert "è definita nell&#39;ontologia" in italian or "è definita nell'ontologia" in italian


def test_the_api_refuses_put_and_delete_with_a_json_409(cur_client, cur_settings, token):
    before = _unchanged(cur_settings)
    body, etag = read(cur_client, CATEGORY)
    changed = body.replace('"Language Models"@en', '"Language Models (edited)"@en')
    assert changed != body
    for response in (
            cur_client.put(f"/id/{CATEGORY}", data=changed,
                           headers=auth(token, **{"If-Match": etag})),
            cur_client.delete(f"/id/{CATEGORY}", headers=auth(token, **{"If-Match": etag}))):
        assert response.status_code == 409, response.data
        problem = response.get_json()
        assert problem["status"] == 409
        assert "id:language-models is defined in the ontology" in problem["error"]
    assert _unchanged(cur_settings) == before


def test_an_import_naming_one_is_refused_whole(cur_settings, monkeypatch, tmp_path, capsys):
    for name in ("data_dir", "history_dir", "ontology_dir", "accounts_file"):
        monkeypatch.setenv(f"AIGRAPH_{name.upper()}", getattr(cur_settings, name))
    before = _unchanged(cur_settings)
    path = tmp_path / "edit.ttl"
    path.write_text(
        "@prefix id: <https://w3id.org/aigraph/id/> .\n"
        "@prefix aig: <https://w3id.org/aigraph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"id:{CATEGORY} a aig:Category , skos:Concept ;\n"
        '    rdfs:label "Language models (edited)"@en , "Modelli linguistici"@it .\n',
        encoding="utf-8")
    code = cli.main(["import", str(path), "--user", "ada"])
    err = capsys.readouterr().err
    assert code != 0
    assert "id:language-models is defined in the ontology" in err and "Traceback" not in err
    assert _unchanged(cur_settings) == before
