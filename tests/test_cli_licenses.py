"""``aigraph licenses ID``: the licenses along a model's lineage on the fixture data."""

import json

import pytest

from aigraph.cli import main


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("AIGRAPH_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", settings.ontology_dir)
    monkeypatch.delenv("AIGRAPH_STORE", raising=False)


def test_text_in_both_languages(env, capsys):
    assert main(["licenses", "deepseek-r1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Licenses along the lineage of DeepSeek-R1\n")
    assert "1. DeepSeek-V3 (deepseek-v3): MIT License" in out
    assert "compared with DeepSeek-V3: same license. Both carry the same license." in out
    assert main(["licenses", "deepseek-r1", "--lang", "it"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Le licenze lungo la genealogia di DeepSeek-R1\n")
    assert "rispetto a DeepSeek-V3: stessa licenza." in out


def test_json(env, capsys):
    assert main(["licenses", "deepseek-r1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "deepseek-r1" and data["conflicts"] == 0
    assert [s["id"] for s in data["steps"]] == ["deepseek-v3", "deepseek-r1"]
    assert data["steps"][1]["bases"][0]["relation"] == "same"
    assert data["history"] == [] and data["code"] == []


@pytest.mark.parametrize("slug", ["no-such-model", "mistral-ai"])
def test_unknown_model_is_an_error(env, capsys, slug):
    assert main(["licenses", slug]) == 2
    assert f"no model '{slug}'" in capsys.readouterr().err
