"""The curation forms through the Flask test client, on a temporary copy of the fixture data.

A real account is created in a temporary accounts file and logs in through ``/login``; every
form post carries the CSRF token read from the page, as a browser would send it.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from pathlib import Path

import pytest

from aigraph.accounts import Accounts
from aigraph.curation import changes
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import EmbeddedStore

PASSWORD = "correct horse battery staple"
QWEN = {
    "rdfs:label@en": "Qwen2.5", "rdfs:label@it": "",
    "dcterms:description@en": "A family of open-weight language models from Alibaba Cloud.",
    "dcterms:description@it": "Una famiglia di modelli linguistici a pesi aperti di Alibaba Cloud.",
    "aig:releaseDate": "2024-09-19", "aig:openWeights": "true",
    "aig:developedBy": "Alibaba Cloud", "aig:license": "Apache License 2.0",
    "dcterms:source": "https://qwenlm.github.io/blog/qwen2.5/", "aig:lastReviewed": "2026-12-04",
}
ALIBABA = {
    "new-0.class": "organization", "new-0.text": "Alibaba Cloud", "new-0.field": "aig:developedBy",
    "new-0.slug": "alibaba-cloud", "new-0.rdfs:label@en": "Alibaba Cloud",
    "new-0.rdfs:label@it": "Alibaba Cloud",
    "new-0.dcterms:description@en": "The cloud computing company of the Alibaba Group.",
    "new-0.dcterms:description@it": "L'azienda di cloud computing del gruppo Alibaba.",
    "new-0.aig:organizationType": "https://w3id.org/aigraph/ontology#Company",
    "new-0.aig:lastReviewed": "2026-12-04",
}


@pytest.fixture
def curate_settings(data_dir, tmp_path) -> Settings:
    return Settings.load({"data_dir": str(data_dir), "ontology_dir": str(PROJECT_ROOT / "ontology"),
                          "store": "", "update_url": "", "history_dir": str(tmp_path / "history"),
                          "accounts_file": str(tmp_path / "accounts.json")}, environ={})


@pytest.fixture
def curate_app(curate_settings):
    from aigraph.web import create_app

    Accounts(curate_settings.accounts_file).add("ada", PASSWORD)
    store = EmbeddedStore.from_dirs(curate_settings.ontology_dir, curate_settings.data_dir)
    app = create_app({"TESTING": True, "AIGRAPH": curate_settings, "AIGRAPH_STORE": store})
    yield app
    app.extensions["aigraph_executor"].close()


def token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def anonymous(curate_app):
    return curate_app.test_client()


@pytest.fixture
def curator(curate_app):
    client = curate_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"name": "ada", "password": PASSWORD,
                                           "csrf_token": token(page)})
    assert response.status_code == 302
    return client


def post_form(client, url: str, values: dict, action: str = "save", **extra):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={**values, "csrf_token": token(page), "action": action, **extra})


def errors_of(html: str, input_id: str) -> list[str]:
    match = re.search(rf'<ul class="field-errors" id="{re.escape(input_id)}-(?:f?errors)"[^>]*>'
                      r"(.*?)</ul>", html, re.S)
    found = re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []
    return [html_lib.unescape(text) for text in found]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ttl"))}


def test_forms_need_a_logged_in_curator(anonymous):
    for url in ("/curate/", "/curate/new/model", "/id/meta/edit", "/curate/lookup?q=me"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_entity_pages_offer_curation_only_to_curators(anonymous, curator):
    visitor = anonymous.get("/id/mistral-7b").get_data(as_text=True)
    assert "curate-actions" not in visitor and 'href="/curate/"' not in visitor
    assert 'href="/curate/"' in curator.get("/?lang=en").get_data(as_text=True)
    html = curator.get("/id/mistral-7b?lang=en").get_data(as_text=True)
    assert 'href="/id/mistral-7b/edit"' in html
    assert "/curate/new/model?aig:basedOn=mistral-7b" in html
    milestone = curator.get("/id/mistral-7b-release?lang=en").get_data(as_text=True)
    assert "/curate/new/milestone?aig:buildsOn=mistral-7b-release" in milestone


def test_the_model_form_is_made_from_the_shapes(curator):
    html = curator.get("/curate/new/model?lang=en").get_data(as_text=True)
    names = re.findall(r'name="([^"]+)"', html)
    for name in ("slug", "rdfs:label@en", "rdfs:label@it", "dcterms:description@it",
                 "aig:releaseDate", "aig:openWeights", "aig:developedBy", "aig:category"):
        assert name in names, name
    assert names.index("rdfs:label@en") < names.index("aig:releaseDate") < names.index(
        "aig:developedBy") < names.index("dcterms:source")
    assert re.search(r'name="aig:releaseDate" type="date"', html)
    assert re.search(r'<select id="f-aig-openWeights" name="aig:openWeights"', html)
    assert re.search(r'name="aig:developedBy" type="text"[^>]*data-lookup="/curate/lookup\?'
                     r'kind=Organization"', html)
    assert "aig:date" not in names  # a milestone's property
    # Enter in a text box presses the form's first button: it must only check.
    first = re.search(r'<button type="submit" name="action" value="(\w+)"', html).group(1)
    assert first == "check"
    today = date.today().isoformat()
    assert f'name="aig:lastReviewed" type="date" value="{today}"' in html
    italian = curator.get("/curate/new/model?lang=it").get_data(as_text=True)
    assert "<legend>Nomi e descrizione</legend>" in italian and "Aggiungi una voce: Modello" in italian
    # ready for a strict Content-Security-Policy: no inline script, style or handler
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)


def test_links_can_be_prefilled_from_the_query_string(curator):
    html = curator.get("/curate/new/model?aig:basedOn=mistral-7b&lang=en").get_data(as_text=True)
    assert 'name="aig:basedOn" type="text" value="Mistral 7B [mistral-7b]"' in html
    # the base model's developer is suggested at once
    assert 'value="aig:developedBy=Mistral AI [mistral-ai]"' in html
    assert "develops the model it is based on" in html


def test_unknown_kind_is_a_404(curator):
    assert curator.get("/curate/new/spaceship").status_code == 404


def test_a_missing_italian_name_is_shown_next_to_its_field_and_nothing_is_written(
        curator, curate_settings):
    before = snapshot(Path(curate_settings.data_dir))
    response = post_form(curator, "/curate/new/model?lang=it", QWEN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert errors_of(html, "f-rdfs-label-it") == [
        "Indica rdfs:label una volta in inglese (@en) e una in italiano (@it), e in nessun'altra "
        "lingua; quello italiano può ripetere un nome proprio."]
    assert errors_of(html, "f-rdfs-label-en") == []
    assert '<li><a href="#f-rdfs-label-it">Nome (italiano)</a></li>' in html  # in the summary
    # the unknown organization opened its sub-form, prefilled, with its own problems
    assert 'name="new-0.rdfs:label@en" type="text" value="Alibaba Cloud"' in html
    assert errors_of(html, "f-new-0-aig-organizationType")
    assert snapshot(Path(curate_settings.data_dir)) == before


def test_a_model_with_a_new_organization_is_saved_as_one_change(curator, curate_app,
                                                                 curate_settings):
    values = {**QWEN, **ALIBABA, "rdfs:label@it": "Qwen2.5"}
    response = post_form(curator, "/curate/new/model?lang=en", values, comment="add Qwen2.5")
    assert response.status_code == 302, errors_of(response.get_data(as_text=True), "")
    assert response.headers["Location"].endswith("/id/qwen2-5")
    data = Path(curate_settings.data_dir)
    models = (data / "models.ttl").read_text(encoding="utf-8")
    assert "id:qwen2-5\n    a aig:Model ;" in models
    assert "aig:developedBy id:alibaba-cloud ;" in models
    assert "aig:license id:apache-2-0 ;" in models
    assert "id:alibaba-cloud\n    a aig:Organization ;" in (data / "organizations.ttl").read_text(
        encoding="utf-8")
    page = curator.get("/id/qwen2-5?lang=en")
    assert page.status_code == 200 and "Alibaba Cloud" in page.get_data(as_text=True)
    store = curate_app.extensions["aigraph"].store
    [record] = changes.recent(store, 5)
    assert record.user == "ada" and record.comment == "add Qwen2.5"
    assert {str(s).rsplit("/", 1)[-1] for s in record.subjects} == {"qwen2-5", "alibaba-cloud"}


def test_malformed_values_get_the_shapes_message_next_to_the_field(curator):
    values = {**QWEN, **ALIBABA, "rdfs:label@it": "Qwen2.5", "aig:parameterCount": "7.3B",
              "dcterms:source": "qwenlm.github.io"}
    html = post_form(curator, "/curate/new/model?lang=en", values).get_data(as_text=True)
    assert any("positive xsd:integer" in m for m in errors_of(html, "f-aig-parameterCount"))
    assert any("not a web address" in m for m in errors_of(html, "f-dcterms-source"))


def test_check_without_saving_writes_nothing(curator, curate_settings):
    before = snapshot(Path(curate_settings.data_dir))
    values = {**QWEN, **ALIBABA, "rdfs:label@it": "Qwen2.5"}
    response = post_form(curator, "/curate/new/model?lang=en", values, action="check")
    assert response.status_code == 200
    assert 'id="curate-ok"' in response.get_data(as_text=True)
    assert snapshot(Path(curate_settings.data_dir)) == before


def test_a_likely_duplicate_is_offered_and_needs_confirming(curator, curate_settings):
    values = {"rdfs:label@en": "Mistral A.I.", "rdfs:label@it": "Mistral A.I.",
              "dcterms:description@en": "A Paris company.", "dcterms:description@it": "Un'azienda.",
              "aig:organizationType": "https://w3id.org/aigraph/ontology#Company",
              "aig:lastReviewed": "2026-12-04"}
    response = post_form(curator, "/curate/new/organization?lang=en", values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="curate-duplicates"' in html and 'href="/id/mistral-ai/edit"' in html
    assert not (Path(curate_settings.data_dir) / "organizations.ttl").exists()
    confirmed = post_form(curator, "/curate/new/organization", values, **{"not-a-duplicate": "yes"})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/id/mistral-a-i")


def test_a_taken_slug_is_refused(curator):
    values = {**QWEN, "rdfs:label@it": "Qwen2.5", "slug": "mistral-7b"}
    html = post_form(curator, "/curate/new/model?lang=en", values).get_data(as_text=True)
    assert any("mistral-7b is taken" in m for m in errors_of(html, "f-slug"))


def test_a_suggested_link_is_added_without_saving(curator, curate_settings):
    values = {**QWEN, "aig:developedBy": "", "rdfs:label@en": "Mistral Small 3"}
    response = post_form(curator, "/curate/new/model?lang=en", values,
                         add="aig:developedBy=Mistral AI [mistral-ai]")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="aig:developedBy" type="text" value="Mistral AI [mistral-ai]"' in html
    assert "models.ttl" not in snapshot(Path(curate_settings.data_dir))


def test_suggestions_name_the_family_developer(curator):
    values = {**QWEN, "rdfs:label@en": "Mistral 8B", "aig:developedBy": ""}
    html = post_form(curator, "/curate/new/model?lang=en", values, action="check").get_data(
        as_text=True)
    assert 'id="curate-suggestions"' in html
    assert 'value="aig:developedBy=Mistral AI [mistral-ai]"' in html


def test_edit_changes_only_what_it_shows_and_refuses_a_stale_form(curator, curate_settings):
    page = curator.get("/id/meta/edit?lang=en").get_data(as_text=True)
    etag = re.search(r'name="if-match" value="([^"]+)"', page).group(1).replace("&#34;", '"')
    fields = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" type="(?:text|date|url)" '
                             r'value="([^"]*)"', page))
    assert fields["rdfs:label@en"] == "Meta"
    values = {k: v for k, v in fields.items() if v}
    values.update({"dcterms:description@en": "The company behind Facebook.",
                   "dcterms:description@it": "L'azienda di Facebook.",
                   "aig:organizationType": "https://w3id.org/aigraph/ontology#Company",
                   "if-match": etag, "csrf_token": token(page), "action": "save"})
    response = curator.post("/id/meta/edit", data=values)
    assert response.status_code == 302
    text = b"".join(snapshot(Path(curate_settings.data_dir)).values()).decode("utf-8")
    assert '"The company behind Facebook."@en' in text
    assert 'skos:altLabel "Facebook"@en' in text  # not on the form: kept
    again = curator.post("/id/meta/edit?lang=en", data={**values, "dcterms:description@en": "x"})
    assert again.status_code == 412
    assert "Someone else changed this entity" in again.get_data(as_text=True)


def test_lookup_finds_entities_of_the_asked_class(curator):
    found = curator.get("/curate/lookup?kind=Organization&q=mistr").get_json()["results"]
    assert [r["value"] for r in found] == ["Mistral AI [mistral-ai]"]
    both = curator.get("/curate/lookup?kind=Model,Organization&q=mistral").get_json()["results"]
    assert {"mistral-ai", "mistral-7b"} <= {r["slug"] for r in both}
    assert curator.get("/curate/lookup?kind=Organization&q=").get_json() == {"results": []}


def test_a_post_without_the_csrf_token_is_refused(curator, curate_settings):
    response = curator.post("/curate/new/model", data={**QWEN, "action": "save"})
    assert response.status_code == 400
    assert "models.ttl" not in snapshot(Path(curate_settings.data_dir))


def test_a_new_entity_of_a_link_with_several_classes_can_change_class(curator):
    values = {"rdfs:label@en": "Acme robot demo", "aig:involves": "Acme Robotics"}
    html = post_form(curator, "/curate/new/milestone?lang=en", values, action="check").get_data(
        as_text=True)
    assert re.search(r'<select id="f-new-0-class" name="new-0.class"', html)
    assert 'name="new-0.aig:openWeights"' in html  # a model first: the first class allowed
    switched = post_form(curator, "/curate/new/milestone?lang=en",
                         {**values, "new-0.class": "organization", "new-0.text": "Acme Robotics",
                          "new-0.field": "aig:involves"}, action="check").get_data(as_text=True)
    assert 'name="new-0.aig:organizationType"' in switched
    assert 'name="new-0.aig:openWeights"' not in switched


def test_the_start_page_lists_a_form_per_class(curator):
    html = curator.get("/curate/?lang=it").get_data(as_text=True)
    for kind, label in (("model", "Modello"), ("organization", "Organizzazione"),
                        ("milestone", "Tappa"), ("license", "Licenza")):
        assert f'<a href="/curate/new/{kind}">{label}</a>' in html


def test_a_new_entity_offers_close_existing_ones_to_link_instead(curator, curate_settings):
    values = {**QWEN, "aig:developedBy": "Mistral", "rdfs:label@it": "Qwen2.5"}
    html = post_form(curator, "/curate/new/model?lang=en", values).get_data(as_text=True)
    button = re.search(r'<button type="submit" name="use" value="([^"]+)"', html).group(1)
    assert html_lib.unescape(button) == "aig:developedBy\tMistral\tMistral AI [mistral-ai]"
    used = post_form(curator, "/curate/new/model?lang=en", values,
                     use=html_lib.unescape(button)).get_data(as_text=True)
    assert 'name="aig:developedBy" type="text" value="Mistral AI [mistral-ai]"' in used
    assert 'name="new-0.class"' not in used  # no new organization any more
    assert "models.ttl" not in snapshot(Path(curate_settings.data_dir))


def test_an_edit_without_its_etag_is_refused(curator, curate_settings):
    before = snapshot(Path(curate_settings.data_dir))
    page = curator.get("/id/meta/edit?lang=en").get_data(as_text=True)
    response = curator.post("/id/meta/edit?lang=en", data={
        "rdfs:label@en": "Meta", "rdfs:label@it": "Meta", "csrf_token": token(page),
        "dcterms:description@en": "x", "dcterms:description@it": "x", "action": "save",
        "aig:lastReviewed": "2026-11-27",
        "aig:organizationType": "https://w3id.org/aigraph/ontology#Company"})
    assert response.status_code == 428
    assert snapshot(Path(curate_settings.data_dir)) == before


def test_an_empty_new_form_shows_no_error_until_it_is_sent(curator):
    html = curator.get("/curate/new/model?lang=en").get_data(as_text=True)
    assert errors_of(html, "f-slug") == []
    assert "Give the name in English, or an identifier." not in html


def test_a_form_sent_without_a_name_still_asks_for_one(curator):
    values = {**QWEN, "rdfs:label@en": "", "rdfs:label@it": ""}
    html = post_form(curator, "/curate/new/model?lang=en", values, action="check").get_data(as_text=True)
    assert "Give the name in English, or an identifier." in errors_of(html, "f-slug")


def test_the_change_list_shows_a_readable_time_in_the_page_language(curator):
    values = {**QWEN, **ALIBABA, "rdfs:label@it": "Qwen2.5"}
    assert post_form(curator, "/curate/new/model?lang=en", values).status_code == 302
    for lang, month in (("en", date.today().strftime("%b")), ("it", None)):
        html = curator.get(f"/changes?lang={lang}").get_data(as_text=True)
        shown = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', html)
        assert shown, html
        machine, readable = shown.groups()
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", machine)  # the attribute keeps ISO 8601
        assert readable.endswith(" UTC") and "T" not in readable.split(",")[0]
        assert not re.search(r"\d\d:\d\d:\d\d", readable)  # to the minute, no seconds
        if month:
            assert month in readable
    html = curator.get("/id/qwen2-5/history?lang=en").get_data(as_text=True)
    assert '<table class="diff">' in html and 'class="button-quiet"' in html
