"""The home page and the health check."""

from __future__ import annotations

from tests.web.conftest import page_text


def test_home_shows_counts_paths_latest_and_search(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    for label in ("8 Milestones", "8 Models", "6 Organizations", "5 Licenses",
                  "15 Categories", "1 Reading paths"):
        assert label in text
    assert "Open weights: a developer's history" in text and "7 steps" in text
    assert "Latest milestones" in text
    assert text.index("DeepSeek-R1 is released") < text.index("GPT-Neo is released")
    assert 'role="search"' in html and 'name="q"' in html


def test_home_in_italian(client):
    text = page_text(client.get("/?lang=it"))
    assert "8 Tappe" in text and "Pesi aperti: una storia per chi sviluppa" in text
    assert "Esce DeepSeek-R1" in text


def test_healthz(client, store):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "store": "embedded",
                                   "triples": store.triple_count()}
