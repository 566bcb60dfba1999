"""The command line: query, export and stats on the fixture data, formats and exit codes."""

import csv
import io
import json

import pytest
import rdflib

from aigraph.cli import main


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("AIGRAPH_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", settings.ontology_dir)
    monkeypatch.delenv("AIGRAPH_STORE", raising=False)


Q = "SELECT ?m ?date WHERE { ?m aig:developedBy id:mistral-ai ; aig:releaseDate ?date } ORDER BY ?date"


def test_query_table(env, capsys):
    assert main(["query", Q]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["m", "date"]
    assert lines[2].split() == ["id:mistral-7b", "2023-09-27"]
    assert lines[-1] == "(2 rows)"


def test_query_json(env, capsysbinary):
    assert main(["query", Q, "--format", "json"]) == 0
    data = json.loads(capsysbinary.readouterr().out)
    assert [b["m"]["value"].rsplit("/", 1)[1] for b in data["results"]["bindings"]] == \
        ["mistral-7b", "mixtral-8x7b"]


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_csv_tsv(env, capsysbinary, fmt, delimiter):
    assert main(["query", Q, "--format", fmt]) == 0
    rows = list(csv.reader(io.StringIO(capsysbinary.readouterr().out.decode()),
                           delimiter=delimiter))
    assert rows[0] == (["m", "date"] if fmt == "csv" else ["?m", "?date"])
    assert len(rows) == 3


def test_query_from_file_and_ask(env, tmp_path, capsys):
    path = tmp_path / "q.rq"
    path.write_text("ASK { id:deepseek-r1 aig:basedOn id:deepseek-v3 }")
    assert main(["query", "--file", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "yes"


def test_construct_prints_turtle(env, capsysbinary):
    assert main(["query", "CONSTRUCT WHERE { ?m aig:basedOn ?b }"]) == 0
    graph = rdflib.Graph().parse(data=capsysbinary.readouterr().out, format="turtle")
    assert len(graph) == 1


def test_syntax_error_exits_2_with_a_message(env, capsys):
    assert main(["query", "SELECT ?x WHERE { ?x"]) == 2
    assert "syntax error" in capsys.readouterr().err


@pytest.mark.parametrize(("query", "where"), [
    ("SELECT ?x WHERE { ?x a aig:Model . FILTER( }", "line 1, column 45"),
    ("SELECT ?x\nWHERE { ?x a aig:Model . FILTER( }", "line 2, column 35"),
])
def test_syntax_error_points_into_the_users_own_text(env, capsys, query, where):
    """The predeclared prefixes sit on line 1 too; the column must not count them."""
    assert main(["query", query]) == 2
    assert where in capsys.readouterr().err


def test_updates_are_refused(env, capsys):
    assert main(["query", "INSERT DATA { id:a rdfs:label 'x' }"]) == 2
    assert "read-only" in capsys.readouterr().err


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_formats_parse_back(env, capsysbinary, fmt, parser, store):
    assert main(["export", "--format", fmt]) == 0
    graph = rdflib.Graph().parse(data=capsysbinary.readouterr().out, format=parser)
    assert len(graph) == store.triple_count()


def test_export_to_file(env, tmp_path):
    out = tmp_path / "all.nt"
    assert main(["export", "--format", "nt", "--output", str(out)]) == 0
    assert out.read_text().count("\n") > 100


def test_stats_counts(env, capsys):
    assert main(["stats", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["Entities per class"]["Milestone"] == 8
    assert data["Entities per class"]["Model"] == 8
    assert data["Milestones per decade"] == {"2020": 8}
    assert data["Milestones per category"]["Open Source Models"] == 8


def test_format_rewrites_fixture_data_canonically_then_check_passes(env, settings, capsys):
    assert main(["format", "--check"]) == 1
    assert main(["format"]) == 0
    assert main(["format", "--check"]) == 0
    assert "canonical form" in capsys.readouterr().out


def test_format_refuses_non_conforming_data_and_writes_nothing(env, settings, data_dir, capsys):
    broken = data_dir / "small.ttl"
    text = broken.read_text().replace('aig:importance aig:Landmark ;', '', 1)
    broken.write_text(text)
    before = {p.name: p.read_text() for p in data_dir.glob("*.ttl")}
    assert main(["format"]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert {p.name: p.read_text() for p in data_dir.glob("*.ttl")} == before


def test_format_reports_parse_errors_with_file_and_line(env, data_dir, capsys):
    (data_dir / "bad.ttl").write_text("@prefix a: <http://x/> .\na:b a:c .\na:d a:e\n")
    assert main(["format"]) == 2
    assert "bad.ttl:" in capsys.readouterr().err
