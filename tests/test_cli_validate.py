"""`aigraph validate`: exit 0 when clean, 1 with a grouped report, 2 on a parse error."""

import json

import pytest

from aigraph.cli import main


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("AIGRAPH_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", settings.ontology_dir)


def test_clean_fixture_data_conforms(env, capsys):
    assert main(["validate"]) == 0
    assert "Conforms" in capsys.readouterr().out


def test_violation_exits_1_and_names_entity_path_and_message(env, data_dir, capsys):
    small = data_dir / "small.ttl"
    small.write_text(small.read_text().replace(
        'aig:date "2023-09-27"^^xsd:date', 'aig:date "September 2023"', 1))
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    block = out[out.index("id:mistral-7b-release"):]
    assert "aig:date" in block.splitlines()[1]


def test_json_report(env, data_dir, capsys):
    small = data_dir / "small.ttl"
    small.write_text(small.read_text().replace("aig:organizationType aig:Collective ;", "", 1))
    assert main(["validate", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["conforms"] is False
    assert [r["focus"] for r in data["results"]] == ["id:eleutherai"]
    assert data["paths"] == []


def test_italian_report(env, data_dir, capsys):
    small = data_dir / "small.ttl"
    small.write_text(small.read_text().replace("aig:openWeights true ;", "", 1))
    assert main(["validate", "--lang", "it"]) == 1
    assert "id:gpt-neo" in capsys.readouterr().out


def test_parse_error_exits_2_with_file_and_line(env, data_dir, capsys):
    (data_dir / "broken.ttl").write_text("@prefix a: <http://x/> .\n\na:b a:c \"open .\n")
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "broken.ttl:3" in err


def test_explicit_files_are_validated_with_the_ontology(env, data_dir, capsys):
    assert main(["validate", str(data_dir / "small.ttl")]) == 0


def test_path_step_without_note_fails_validation(env, data_dir, capsys):
    paths = data_dir / "paths.ttl"
    text = paths.read_text()
    start = text.index("aig:stepNote")
    # Drop the note of the first step: the rule still selects that milestone.
    first_note = text.index("[", start)
    end = text.index("]", first_note)
    text = text[:first_note] + text[end + 1:].lstrip(" ,\n")
    text = text.replace("aig:stepNote\n", "aig:stepNote ", 1)
    paths.write_text(text)
    assert main(["validate"]) == 1
    assert "note" in capsys.readouterr().out.lower()


def test_parse_error_names_the_exact_line_and_column_deep_in_a_file(env, data_dir, capsys):
    lines = ["@prefix ex: <http://example.org/> ."]
    lines += [f'ex:s{i} ex:p "value {i}" .' for i in range(1, 400)]
    lines[250] = 'ex:s250 ex:p "value 250" ex:stray .'  # line 251 of the file
    (data_dir / "long.ttl").write_text("\n".join(lines) + "\n")
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "long.ttl:251:" in err
    assert "Traceback" not in err
