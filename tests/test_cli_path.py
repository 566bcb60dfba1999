"""`aigraph path`: reading paths and generated paths on the fixture data, formats, exit codes."""

import json

import pyoxigraph as ox
import pytest

from aigraph.cli import main

SEED_TITLES = ["GPT-Neo is released", "BLOOM is released", "Meta releases LLaMA",
               "Mistral 7B is released", "Mixtral 8x7B is released", "Google releases Gemma",
               "DeepSeek-R1 is released"]


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("AIGRAPH_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", settings.ontology_dir)
    monkeypatch.delenv("AIGRAPH_STORE", raising=False)


def in_order(text, parts):
    places = [text.index(p) for p in parts]
    return places == sorted(places)


def test_seed_path_in_english(env, capsys):
    assert main(["path", "open-source-developer"]) == 0
    out = capsys.readouterr().out
    assert in_order(out, SEED_TITLES)
    assert in_order(out, [f"\n {i}. " for i in range(1, 8)])
    assert out.count("Why it matters to you:") == 7
    assert " 5. 2023-12-08 · Landmark · Language Models, Open Source Models" in out
    assert " 1. 2021-03-21 · High · " in out


def test_seed_path_in_italian(env, capsys):
    assert main(["path", "open-source-developer", "--lang", "it"]) == 0
    out = capsys.readouterr().out
    assert in_order(out, ["Esce GPT-Neo", "Esce BLOOM", "Meta pubblica LLaMA", "Esce Mistral 7B",
                          "Esce Mixtral 8x7B", "Google pubblica Gemma", "Esce DeepSeek-R1"])
    assert out.count("Perché ti riguarda:") == 7
    assert "Storica" in out and "Modelli open source" in out


def test_seed_path_as_json(env, capsys):
    assert main(["path", "open-source-developer", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["slug"] == "open-source-developer"
    assert [s["title"] for s in data["steps"]] == SEED_TITLES
    assert [s["position"] for s in data["steps"]] == list(range(1, 8))


def test_lineage_as_text_and_ttl(env, capsys):
    assert main(["path", "--lineage", "deepseek-r1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What led to DeepSeek-R1\n")
    assert in_order(out, ["Meta releases LLaMA", "Mistral 7B is released",
                          "DeepSeek-V3 is released", "The entity you asked about."])
    assert "Why it is here: “DeepSeek-V3 is released” builds on “Mixtral 8x7B is released”" in out
    assert main(["path", "--lineage", "deepseek-r1", "--format", "ttl"]) == 0
    triples = list(ox.parse(capsys.readouterr().out.encode(), format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value == "https://schema.org/position" for t in triples)


def test_next_with_limit(env, capsys):
    assert main(["path", "--next", "llama", "--limit", "2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in data["steps"]] == ["llama-release", "mistral-7b-release"]
    assert data["truncated"] is True


def test_between(env, capsys):
    assert main(["path", "--from", "llama", "--to", "deepseek-r1", "--lang", "it"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Da LLaMA a DeepSeek-R1\n")
    assert "Perché è qui: “Esce Mistral 7B” si basa su “Meta pubblica LLaMA”" in out


def test_between_without_a_path_is_a_clear_error(env, capsys):
    # A user error (not found): non-zero, whatever code main() gives that class of error.
    assert main(["path", "--from", "gpt-neo", "--to", "gemma"]) != 0
    err = capsys.readouterr().err
    assert "No path links GPT-Neo and Gemma" in err


def test_unknown_names_suggest(env, capsys):
    assert main(["path", "open-source"]) != 0
    assert "did you mean open-source-developer" in capsys.readouterr().err
    assert main(["path", "--lineage", "deepsek-r1"]) != 0
    assert "did you mean deepseek-r1" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["path"],
    ["path", "open-source-developer", "--lineage", "llama"],
    ["path", "--from", "llama"],
    ["path", "--lineage", "llama", "--limit", "0"],
])
def test_bad_arguments(env, capsys, argv):
    assert main(argv) == 2
    assert capsys.readouterr().err
