"""Search: labels and other names in both languages, typo tolerance, groups, JSON, caching."""

from __future__ import annotations

import pytest

from aigraph.catalog import normalize
from tests.web.conftest import page_text


def _ids(client, q: str) -> list[str]:
    data = client.get("/search", query_string={"q": q, "format": "json"}).get_json()
    return [r["id"] for r in data["results"]]


@pytest.mark.parametrize("typo, expected", [
    ("mistrall", "mistral-7b"),
    ("mistrall", "mistral-ai"),
    ("deepsek", "deepseek-r1"),
    ("deepsek", "deepseek"),
    ("lama", "llama"),
    ("mixtrl", "mixtral-8x7b"),
    ("eleuther", "eleutherai"),
    ("bloom", "bloom"),
])
def test_typos_find_the_right_entities(client, typo, expected):
    assert expected in _ids(client, typo)[:6]


def test_exact_name_ranks_first(client):
    assert _ids(client, "Mistral 7B")[0] == "mistral-7b"
    assert _ids(client, "deepseek r1")[0] == "deepseek-r1"


def test_other_names_are_searched(client):
    assert "meta" in _ids(client, "facebook")


def test_italian_labels_are_searched(client):
    assert "mistral-7b-release" in _ids(client, "esce mistral")
    assert "mit" in _ids(client, "licenza mit")


def test_descriptions_are_searched(client):
    data = client.get("/search?q=magnet&format=json").get_json()
    hit = next(r for r in data["results"] if r["id"] == "mixtral-8x7b-release")
    assert hit["matched"] == "description"


def test_results_are_grouped_by_class(client):
    response = client.get("/search?q=mistral")
    html = response.get_data(as_text=True)
    assert '<h2 id="group-model">Models' in html
    assert '<h2 id="group-organization">Organizations' in html
    assert '<h2 id="group-milestone">Milestones' in html
    assert html.index("group-model") < html.index("group-milestone")
    assert 'href="/id/mistral-7b"' in html


def test_json_results_for_autocomplete(client):
    data = client.get("/search?q=mistral&format=json").get_json()
    assert data["query"] == "mistral"
    first = data["results"][0]
    assert set(first) >= {"id", "label", "kind", "kind_label", "url", "score"}
    assert first["url"] == f"/id/{first['id']}"
    assert len(data["results"]) <= 10


def test_json_labels_follow_the_language(client):
    data = client.get("/search?q=mistral&format=json&lang=it").get_json()
    labels = {r["id"]: r["label"] for r in data["results"]}
    assert labels["mistral-7b-release"] == "Esce Mistral 7B"
    assert {r["kind_label"] for r in data["results"]} >= {"Modello", "Tappa"}


def test_empty_and_nonsense_queries(client):
    response = client.get("/search")
    assert response.status_code == 200 and "result" not in page_text(response)
    assert client.get("/search?q=%20%20&format=json").get_json()["results"] == []
    text = page_text(client.get("/search?q=zzqxjvw"))
    assert "0 results" in text and "Nothing matches" in text


def test_user_text_is_escaped(client):
    html = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)" not in html


def test_label_index_is_fetched_once_per_data_version(client, query_log):
    client.get("/search?q=mistral")
    first = sum("BIND(\"alt\" AS ?key)" in q for q in query_log)
    client.get("/search?q=deepseek")
    client.get("/search?q=lama&format=json")
    assert first == 1
    assert sum("BIND(\"alt\" AS ?key)" in q for q in query_log) == 1


def test_normalize():
    assert normalize("  DeepSeek-R1 ") == "deepseek r1"
    assert normalize("Università") == "universita"
