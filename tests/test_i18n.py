"""The languages outside a request: one list, and the CLI, path texts and checks speaking Italian
from the same catalog the site uses."""

from __future__ import annotations

import pytest

from aigraph import i18n
from aigraph.cli import build_parser, main


def test_translate_fills_values_and_refuses_unknown_languages():
    assert i18n.translate("it", "What led to %(name)s", name="LLaMA") == "Che cosa ha portato a LLaMA"
    assert i18n.translate("en", "What led to %(name)s", name="LLaMA") == "What led to LLaMA"
    assert i18n.translate_plural("it", "%(num)d problem", "%(num)d problems", 1) == "1 problema"
    assert i18n.translate_plural("it", "%(num)d problem", "%(num)d problems", 3) == "3 problemi"
    with pytest.raises(ValueError, match="unsupported language 'fr'"):
        i18n.translate("fr", "What led to %(name)s", name="x")


def test_the_cli_offers_the_one_list_of_languages():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    for command in ("path", "validate", "stats"):
        lang = next(a for a in subparsers[command]._actions if a.dest == "lang")
        assert tuple(lang.choices) == i18n.LANGUAGES


@pytest.fixture
def env(monkeypatch, settings):
    monkeypatch.setenv("AIGRAPH_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("AIGRAPH_ONTOLOGY_DIR", settings.ontology_dir)
    monkeypatch.delenv("AIGRAPH_STORE", raising=False)


def test_cli_errors_and_suggestions_in_italian(env, capsys):
    assert main(["path", "open-source", "--lang", "it"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("errore: nessun percorso di lettura si chiama 'open-source'")
    assert "forse intendevi open-source-developer?" in err
    assert main(["path", "--lineage", "llama", "--lang", "it", "--limit", "0"]) == 2
    assert "--limit deve essere almeno 1" in capsys.readouterr().err


def test_path_texts_in_italian(env, capsys):
    assert main(["path", "--lineage", "mixtral-8x7b", "--lang", "it"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Che cosa ha portato a Mixtral 8x7B\n")
    assert "Perché è qui: L'entità che hai chiesto." in out
    assert "Why it" not in out and "What led" not in out
