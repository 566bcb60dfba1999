"""aigraph import: Turtle or CSV, validated first, applied all or nothing, reported per entity."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import XSD, Literal

from aigraph import cli
from aigraph.curation import changes
from aigraph.namespaces import AIG, entity_iri
from tests.curation.conftest import NEW_MODEL, tree_digest

HEADER = ("id,type,rdfs:label@en,rdfs:label@it,dcterms:description@en,dcterms:description@it,"
          "aig:developedBy,aig:releaseDate,aig:license,aig:openWeights,dcterms:source,"
          "aig:lastReviewed\n")
ROW = ('{slug},Model,{label},{label},A test model.,Un modello di prova.,id:eleutherai,'
       '2021-06-01,id:mit,true,https://example.org/{slug},2026-11-27\n')


@pytest.fixture
def env(cur_settings, monkeypatch):
    for name in ("data_dir", "history_dir", "ontology_dir", "accounts_file"):
        monkeypatch.setenv(f"AIGRAPH_{name.upper()}", getattr(cur_settings, name))
    return cur_settings


def _store(settings):
    from aigraph.store import open_store

    return open_store("", ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                      history_dir=settings.history_dir)


def test_csv_import_adds_every_row_as_one_change(env, tmp_path, capsys):
    path = tmp_path / "models.csv"
    path.write_text(HEADER + ROW.format(slug="test-a", label="Test A")
                    + ROW.format(slug="test-b", label="Test B"))
    assert cli.main(["import", str(path), "--user", "ada"]) == 0
    out = capsys.readouterr().out
    assert "id:test-a: new" in out and "id:test-b: new" in out
    store = _store(env)
    graph = changes.entity_graph(store, entity_iri("test-a"))
    assert len(graph) == 11
    subject = entity_iri("test-a")
    assert graph.value(subject, AIG.releaseDate) == Literal("2021-06-01", datatype=XSD.date)
    assert graph.value(subject, AIG.openWeights) == Literal(True)
    assert graph.value(subject, AIG.developedBy) == entity_iri("eleutherai")
    record = changes.recent(store, 1)[0]
    assert set(record.subjects) == {entity_iri("test-a"), entity_iri("test-b")}


def test_one_bad_row_changes_nothing(env, tmp_path, capsys):
    before = tree_digest(env.data_dir, env.history_dir)
    path = tmp_path / "models.csv"
    bad = ROW.format(slug="test-b", label="Test B").replace("2021-06-01", "June 2021")
    path.write_text(HEADER + ROW.format(slug="test-a", label="Test A") + bad)
    assert cli.main(["import", str(path), "--user", "ada"]) == 1
    captured = capsys.readouterr()
    assert "id:test-b: refused" in captured.out and "aig:releaseDate" in captured.out
    assert "nothing written" in captured.err
    assert tree_digest(env.data_dir, env.history_dir) == before


def test_a_malformed_row_is_named_by_its_line(env, tmp_path, capsys):
    before = tree_digest(env.data_dir, env.history_dir)
    path = tmp_path / "models.csv"
    path.write_text(HEADER + ROW.format(slug="test-a", label="Test A")
                    + ROW.format(slug="Not A Slug", label="X"))
    assert cli.main(["import", str(path), "--user", "ada"]) == 2
    assert "line 3" in capsys.readouterr().err
    assert tree_digest(env.data_dir, env.history_dir) == before


def test_turtle_import_replaces_and_creates(env, tmp_path, capsys):
    path = tmp_path / "batch.ttl"
    text = NEW_MODEL.replace("<>", "<https://w3id.org/aigraph/id/gpt-neo-x>")
    path.write_text(text)
    assert cli.main(["import", str(path), "--user", "ada", "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert len(changes.entity_graph(_store(env), entity_iri("gpt-neo-x"))) == 0
    assert cli.main(["import", str(path), "--user", "ada"]) == 0
    assert len(changes.entity_graph(_store(env), entity_iri("gpt-neo-x"))) > 0
    # The same file again changes nothing and says so.
    assert cli.main(["import", str(path), "--user", "ada"]) == 0
    out = capsys.readouterr().out
    assert "id:gpt-neo-x: unchanged" in out and "nothing to change" in out
    assert len(changes.recent(_store(env), 10)) == 1


def test_turtle_with_a_foreign_subject_is_refused(env, tmp_path, capsys):
    path = tmp_path / "batch.ttl"
    path.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .')
    before = tree_digest(env.data_dir, env.history_dir)
    assert cli.main(["import", str(path), "--user", "ada"]) == 2
    assert "not an entity IRI" in capsys.readouterr().err
    assert tree_digest(env.data_dir, env.history_dir) == before
    assert Path(env.data_dir).exists()
