"""The validate module: parse errors with file and line, and the report built from pySHACL's."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace

import pytest
from rdflib import BNode, Graph

from aigraph.settings import PROJECT_ROOT
from aigraph.validate import (
    ParseError,
    Report,
    Result,
    load_graph,
    load_ontology,
    load_shapes,
    validate,
)

PREFIXES = """\
@prefix aig:     <https://w3id.org/aigraph/ontology#> .
@prefix id:      <https://w3id.org/aigraph/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

# Three mistakes on two entities, one of them a path note written as a blank node.
BROKEN = PREFIXES + """
id:demo-release a aig:Milestone ;
    rdfs:label "Demo LM is released"@en , "Esce Demo LM"@it ;
    dcterms:description "The demo lab publishes its weights."@en ,
        "Il laboratorio demo pubblica i pesi."@it ;
    aig:date "2023-09-27"^^xsd:date ;
    aig:category id:language-models ;
    aig:importance aig:Huge ;
    aig:buildsOn id:demo-papr ;
    dcterms:source <https://example.org/demo-release> ;
    aig:lastReviewed "2026-11-27"^^xsd:date .

id:demo-path a aig:ReadingPath ;
    rdfs:label "Demo path"@en , "Percorso demo"@it ;
    dcterms:description "A short path."@en , "Un breve percorso."@it ;
    aig:audience "Developers"@en , "Chi sviluppa software"@it ;
    aig:includes id:demo-release ;
    aig:stepNote [ a aig:PathNote ; aig:milestone id:demo-release ; aig:note "Why."@en ] .
"""

EXPECTED_TEXT = "\n".join([
    "Does not conform: 3 problems in 2 entities.",
    "",
    "id:demo-path aig:stepNote [ aig:milestone id:demo-release ]",
    "  aig:note",
    "    A path note needs aig:note exactly once in English (@en) and once in Italian (@it),"
    " and in no other language.",
    "    (aigsh:pathnote-note)",
    "",
    "id:demo-release",
    "  aig:buildsOn id:demo-papr",
    "    Links to id:demo-papr, which does not exist: no file gives it an rdf:type."
    " Check the slug, or add the entity.",
    "    (aigsh:no-missing-entity)",
    "  aig:importance aig:Huge",
    "    aig:importance takes one of aig:Landmark, aig:High, aig:Medium or aig:Low.",
    "    (aigsh:importance-value)",
])


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(PROJECT_ROOT / "ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(PROJECT_ROOT / "ontology")


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    return path


# --- parsing -------------------------------------------------------------------------------

def test_parse_error_names_file_and_line(tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text(PREFIXES + "id:a rdfs:label \"A\"@en .\n", encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "id:a rdfs:label \"A\"@en ;\n    rdfs:label .\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_graph([good, bad])
    error = caught.value
    assert isinstance(error, ValueError)
    # pyoxigraph's parser names the exact place: line 7, the "." where an object should be.
    assert (error.path, error.line, error.column) == (str(bad), 7, 16)
    assert str(error) == f"{bad}:7:16: {error.message}"
    assert error.message == ". is not a valid RDF object"


def test_parse_error_on_an_undeclared_prefix(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix id: <https://w3id.org/aigraph/id/> .\n\nid:a aig:date 1 .\n",
                   encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        load_graph([bad])
    assert caught.value.line == 3
    assert "aig:" in caught.value.message


def test_parse_error_on_bytes_that_are_not_utf8(tmp_path):
    bad = tmp_path / "latin1.ttl"
    bad.write_bytes(PREFIXES.encode() + 'id:a rdfs:label "Universit\xe0"@it .\n'.encode("latin-1"))
    with pytest.raises(ParseError) as caught:
        load_graph([bad])
    assert str(caught.value) == f"{bad}:6: not valid UTF-8"


def test_a_missing_file_raises_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_graph([tmp_path / "nowhere.ttl"])


def test_files_are_merged_with_their_blank_nodes_kept_apart(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.ttl").write_text(
            PREFIXES + f'id:{name} aig:stepNote _:note .\n_:note aig:note "{name}"@en .\n',
            encoding="utf-8")
    graph = load_graph(sorted(tmp_path.glob("*.ttl")))
    assert len(graph) == 4
    assert len({o for o in graph.objects() if isinstance(o, BNode)}) == 2


# --- validating ----------------------------------------------------------------------------

def test_report_lists_each_problem_once_grouped_by_entity(broken, shapes, ontology):
    report = validate(load_graph([broken]), shapes=shapes, ontology=ontology)
    assert not report.conforms
    assert report.format_text() == EXPECTED_TEXT
    assert [focus for focus, _ in report.by_focus()] == [
        "id:demo-path aig:stepNote [ aig:milestone id:demo-release ]", "id:demo-release"]


def test_report_in_italian(broken, shapes, ontology):
    text = validate(load_graph([broken]), shapes=shapes, ontology=ontology).format_text("it")
    assert text.startswith("Non conforme: 3 problemi in 2 entità.")
    assert "Rimanda a id:demo-papr, che non esiste" in text
    assert "aig:importance vuole uno fra" in text


def test_report_is_the_same_from_one_parse_to_the_next(broken, shapes, ontology):
    # Blank node labels differ between parses; the report must not.
    first = validate(load_graph([broken]), shapes=shapes, ontology=ontology)
    second = validate(load_graph([broken]), shapes=shapes, ontology=ontology)
    assert first == second
    assert first.format_text() == second.format_text()
    assert json.dumps(first.to_json()) == json.dumps(second.to_json())


def test_report_orders_results_whatever_order_they_come_in():
    results = [Result(focus=f"id:e{i % 3}", path=f"aig:p{i % 2}", message=f"m{i}")
               for i in range(12)]
    shuffled = results[:]
    random.Random(4).shuffle(shuffled)
    assert Report(False, shuffled) == Report(False, results)
    assert Report(False, shuffled).format_text() == Report(False, results).format_text()


def test_json_report(broken, shapes, ontology):
    data = validate(load_graph([broken]), shapes=shapes, ontology=ontology).to_json()
    json.dumps(data)
    assert data["conforms"] is False
    assert data["count"] == len(data["results"]) == 3
    assert data["prefixes"]["aigsh"] == "https://w3id.org/aigraph/shapes#"
    missing = next(r for r in data["results"] if r["source_shape"] == "aigsh:no-missing-entity")
    assert missing == {
        "focus": "id:demo-release",
        "path": "aig:buildsOn",
        "message": "Links to id:demo-papr, which does not exist: no file gives it an rdf:type. "
                   "Check the slug, or add the entity.",
        "message_it": "Rimanda a id:demo-papr, che non esiste: nessun file gli dà un rdf:type. "
                      "Controlla lo slug o aggiungi l'entità.",
        "severity": "Violation",
        "value": "id:demo-papr",
        "source_shape": "aigsh:no-missing-entity",
        "constraint": "sh:SPARQLConstraintComponent",
    }


def test_conforming_report(shapes, ontology):
    report = validate(load_graph([PROJECT_ROOT / "tests/shapes/valid.ttl"]),
                      shapes=shapes, ontology=ontology)
    assert report.conforms and report.results == []
    assert report.format_text() == "Conforms: no problems found."
    assert report.format_text("it") == "Conforme: nessun problema trovato."
    assert report.to_json()["count"] == 0


def test_validate_leaves_the_data_graph_alone(broken, shapes, ontology):
    data = load_graph([broken])
    before = set(data)
    validate(data, shapes=shapes, ontology=ontology)
    assert set(data) == before


def test_other_shapes_and_paths_in_sparql_syntax(ontology):
    """Any shapes graph works; complex paths read as SPARQL; pySHACL's text stands in for a
    missing message."""
    shapes = Graph().parse(format="turtle", data="""
        @prefix sh:  <http://www.w3.org/ns/shacl#> .
        @prefix aig: <https://w3id.org/aigraph/ontology#> .
        @prefix ex:  <https://example.org/shapes#> .
        ex:no-later-dates a sh:PropertyShape ;
            sh:targetClass aig:Milestone ;
            sh:path ( aig:buildsOn aig:date ) ;
            sh:maxCount 0 .
        [] a sh:PropertyShape ;
            sh:targetClass aig:Milestone ;
            sh:path [ sh:inversePath aig:buildsOn ] ;
            sh:minCount 1 ;
            sh:message "Nothing builds on this."@en , "Niente si basa su questa."@it .
    """)
    data = load_graph([PROJECT_ROOT / "tests/shapes/valid.ttl"])
    report = validate(data, shapes=shapes, ontology=ontology)
    paths = {(r.focus, r.path, r.source_shape) for r in report.results}
    assert ("id:demo-release", "aig:buildsOn/aig:date", "<https://example.org/shapes#no-later-dates>"
            ) in paths
    assert ("id:demo-follow-up", "^aig:buildsOn", None) in paths
    generic = next(r for r in report.results if r.path == "aig:buildsOn/aig:date")
    assert generic.message and generic.message_it is None
    assert generic.text("it") == generic.message
    italian = next(r for r in report.results if r.path == "^aig:buildsOn")
    assert italian.text("it") == "Niente si basa su questa."


def test_default_shapes_come_from_the_ontology_dir_setting(tmp_path, monkeypatch, broken):
    shutil.copy(PROJECT_ROOT / "ontology/aigraph.ttl", tmp_path / "aigraph.ttl")
    (tmp_path / "shapes.ttl").write_text("""
        @prefix sh:  <http://www.w3.org/ns/shacl#> .
        @prefix aig: <https://w3id.org/aigraph/ontology#> .
        <https://w3id.org/aigraph/shapes#only> a sh:PropertyShape ;
            sh:targetClass aig:ReadingPath ;
            sh:maxCount 0 ; sh:path aig:audience ;
            sh:message "No audience."@en , "Nessun pubblico."@it .
    """, encoding="utf-8")
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", str(tmp_path))
    report = validate(load_graph([broken]))
    assert {r.source_shape for r in report.results} == {"aigsh:only"}


def test_result_text_falls_back_to_english():
    result = Result(focus="id:a", path=None, message="English")
    assert result.text("it") == "English"
    assert replace(result, message_it="Italiano").text("it") == "Italiano"


ILL_TYPED = """
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:x a aig:Model ; rdfs:label "X"@en ; aig:parameterCount 5 ;
    aig:activeParameterCount "five"^^xsd:integer .
"""


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_an_ill_typed_value_compared_by_a_shape_is_reported_not_a_crash(shapes, ontology):
    # sh:lessThanOrEquals (active <= total parameters) compares with rdflib's ordering, which
    # raises TypeError on "five"^^xsd:integer; the whole validation used to stop there.
    from aigraph.curation.shacl import shapes_for

    data = Graph().parse(data=ILL_TYPED, format="turtle")
    for report in (validate(data, shapes, ontology),
                   shapes_for(PROJECT_ROOT / "ontology").validate(data, whole_vocabulary=False)):
        assert not report.conforms
        about = [r for r in report.results if r.path == "aig:activeParameterCount"]
        assert any("xsd:integer" in r.message for r in about), about
        assert all(r.focus == "id:x" for r in about)
        # The report names the value as it was written, not the string validated in its place.
        assert {r.value for r in about} == {'"five"^^xsd:integer'}, about
    # The data itself is not modified: the value is still the ill-typed integer.
    assert [o for o in data.objects() if getattr(o, "ill_typed", False)] != []
