"""Languages: ?lang, the cookie, Accept-Language and the default; catalogs complete and compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from aigraph.i18n import pick
from aigraph.settings import PROJECT_ROOT
from aigraph.web import create_app, i18n
from tests.web.conftest import page_text

TRANSLATIONS = PROJECT_ROOT / "src" / "aigraph" / "translations"


def test_lang_parameter_gives_italian_interface_and_data(client):
    response = client.get("/id/mistral-7b-release?lang=it")
    text = page_text(response)
    html = response.get_data(as_text=True)
    assert '<html lang="it">' in html
    assert "Esce Mistral 7B" in text            # the data label in Italian
    assert "Dati" in text and "Collegamenti" in text   # interface strings
    assert "Cronologia" in html and "Percorsi" in html  # navigation
    assert "Mistral 7B is released" not in text


def test_english_is_the_default(client):
    response = client.get("/id/mistral-7b-release")
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Mistral 7B is released" in page_text(response)


def test_choice_is_remembered_in_a_cookie(client):
    first = client.get("/timeline?lang=it")
    assert "lang=it" in first.headers["Set-Cookie"]
    again = client.get("/timeline")
    assert '<html lang="it">' in again.get_data(as_text=True)
    assert "Cronologia" in page_text(again)
    back = client.get("/timeline?lang=en")
    assert "lang=en" in back.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_unknown_lang_parameter_is_ignored(client):
    response = client.get("/?lang=fr")
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_accept_language_chooses_when_nothing_else_does(client):
    italian = client.get("/", headers={"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"})
    assert '<html lang="it">' in italian.get_data(as_text=True)
    other = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="en">' in other.get_data(as_text=True)
    assert "Accept-Language" in italian.headers["Vary"]


def test_parameter_beats_cookie_beats_accept_language(client):
    client.get("/?lang=en")
    response = client.get("/", headers={"Accept-Language": "it"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    response = client.get("/?lang=it", headers={"Accept-Language": "en"})
    assert '<html lang="it">' in response.get_data(as_text=True)


def test_default_language_setting_is_the_fallback(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(default_language="it"),
                      "AIGRAPH_STORE": store})
    response = app.test_client().get("/")
    assert '<html lang="it">' in response.get_data(as_text=True)


def test_language_switcher_keeps_the_current_url(client):
    html = client.get("/timeline?category=open-source-models&lang=it").get_data(as_text=True)
    assert 'href="/timeline?category=open-source-models&amp;lang=en"' in html
    assert 'hreflang="en"' in html and 'aria-current="true"' in html


def test_json_answers_follow_the_language_too(client):
    data = client.get("/paths/open-source-developer.json?lang=it").get_json()
    assert data["title"].startswith("Pesi aperti")
    assert data["steps"][0]["title"] == "Esce GPT-Neo"


def test_pick_falls_back_to_english_then_anything():
    assert pick({"en": "Model", "it": "Modello"}, "it") == "Modello"
    assert pick({"en": "Model"}, "it") == "Model"
    assert pick({"": "plain"}, "it") == "plain"
    assert pick({"fr": "Modèle"}, "it") == "Modèle"
    assert pick({}, "it") == ""


def test_formatting_follows_the_language():
    assert i18n.format_count(7_300_000_000, "en") == "7.3 billion"
    assert i18n.format_count(7_300_000_000, "it") == "7,3 miliardi"
    assert i18n.format_day("2023-09-27", "it") == "27 settembre 2023"
    assert i18n.format_day("2023-09-01", "en", "month") == "September 2023"
    assert i18n.format_day("2023-01-01", "it", "year") == "2023"
    assert i18n.country_name("FR", "it") == "Francia"


# --- the catalogs ------------------------------------------------------------------------------

#: Babel's keywords, and aigraph.i18n's for code that is told the language (see babel.cfg).
KEYWORDS = {**DEFAULT_KEYWORDS, "translate": (2,), "translate_plural": (2, 3)}


def _extracted() -> set[str]:
    with open(TRANSLATIONS / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {message[2] if isinstance(message[2], str) else message[2][0]
            for message in extract_from_dir(str(PROJECT_ROOT), method_map, options_map,
                                            keywords=KEYWORDS)}


def _catalog(path: Path):
    with open(path, "rb") as handle:
        return read_po(handle, locale="it") if path.suffix in (".po", ".pot") else read_mo(handle)


def test_template_is_up_to_date_with_the_sources():
    pot = {m.id if isinstance(m.id, str) else m.id[0]
           for m in _catalog(TRANSLATIONS / "messages.pot") if m.id}
    missing = _extracted() - pot
    assert not missing, f"run the extract/update commands in babel.cfg: {sorted(missing)}"


@pytest.mark.parametrize("suffix", ["po", "mo"])
def test_every_message_has_an_italian_translation(suffix):
    catalog = _catalog(TRANSLATIONS / "it" / "LC_MESSAGES" / f"messages.{suffix}")
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        translated[key] = all(strings) and "fuzzy" not in message.flags
    missing = sorted(_extracted() - {k for k, ok in translated.items() if ok})
    assert not missing, f"translate these in it/LC_MESSAGES/messages.po and compile: {missing}"
