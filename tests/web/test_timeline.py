"""The timeline: every milestone by date, filters that work without JavaScript, counts."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import page_text


def _titles(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<h3 class="event-title"><a href="/id/([a-z0-9-]+)">', html)


def test_all_milestones_by_date(client):
    response = client.get("/timeline")
    assert response.status_code == 200
    titles = _titles(response)
    assert len(titles) == 8
    assert titles[0] == "gpt-neo-release" and titles[-1] == "deepseek-r1-release"
    text = page_text(response)
    assert "8 milestones" in text
    for year in ("2021", "2022", "2023", "2024", "2025"):
        assert f'id="year-{year}"' in response.get_data(as_text=True)


def test_filter_form_is_a_plain_get_form(client):
    html = client.get("/timeline").get_data(as_text=True)
    assert re.search(r'<form class="filters" action="/timeline" method="get"', html)
    for name in ("category", "importance", "organization", "decade"):
        assert f'<select id="filter-{name}" name="{name}">' in html
    assert '<button type="submit">Filter</button>' in html


def test_filter_by_category(client):
    response = client.get("/timeline?category=reasoning-and-agents")
    assert _titles(response) == ["deepseek-r1-release"]
    assert "1 of 8 milestones" in page_text(response)


def test_filter_by_importance(client):
    assert _titles(client.get("/timeline?importance=landmark")) == [
        "mixtral-8x7b-release", "deepseek-r1-release"]


def test_filter_by_organization(client):
    assert _titles(client.get("/timeline?organization=mistral-ai")) == [
        "mistral-7b-release", "mixtral-8x7b-release"]


def test_filter_by_decade(client):
    assert len(_titles(client.get("/timeline?decade=2020"))) == 8
    response = client.get("/timeline?decade=1990")
    assert _titles(response) == []
    assert "No milestone matches these filters." in page_text(response)


def test_filters_combine(client):
    response = client.get("/timeline?organization=deepseek&importance=landmark")
    assert _titles(response) == ["deepseek-r1-release"]
    text = page_text(response)
    assert "Organization: DeepSeek" in text and "Importance: Landmark" in text


def test_option_counts_follow_the_other_filters(client):
    html = client.get("/timeline?organization=deepseek").get_data(as_text=True)
    assert ">Landmark (1)</option>" in html and ">Medium (1)</option>" in html
    assert ">High (0)</option>" in html
    # the chosen facet's own options still count against the other filters only
    assert ">Mistral AI (2)</option>" in html


def test_active_filter_can_be_removed(client):
    html = client.get("/timeline?organization=deepseek&importance=landmark").get_data(
        as_text=True)
    assert 'href="/timeline?importance=landmark"' in html
    assert 'href="/timeline?organization=deepseek"' in html


def test_unknown_filter_values_match_nothing(client):
    assert _titles(client.get("/timeline?category=no-such-category")) == []
    assert len(_titles(client.get("/timeline?colour=blue"))) == 8


def test_timeline_json(client):
    data = client.get("/timeline?format=json&importance=landmark").get_json()
    assert data["total"] == 8 and data["shown"] == 2
    assert data["milestones"][0]["slug"] == "mixtral-8x7b-release"


def test_timeline_in_italian(client):
    response = client.get("/timeline?lang=it&category=open-source-models")
    text = page_text(response)
    assert "Cronologia" in text and "Esce GPT-Neo" in text
    assert "8 tappe su 8" in text and "Categoria: Modelli open source" in text
    assert "21 mar 2021" in text


@pytest.fixture
def paged(settings, store):
    """An application whose timeline shows three milestones a page."""
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(timeline_page_size=3),
                      "AIGRAPH_STORE": store})
    yield app.test_client()
    app.extensions["aigraph_executor"].close()


def test_timeline_comes_in_pages_with_links_that_work_without_javascript(paged, client):
    every = _titles(client.get("/timeline"))
    first = paged.get("/timeline")
    html = first.get_data(as_text=True)
    assert _titles(first) == every[:3]
    # The count and the filters still cover every milestone.
    assert "8 milestones" in page_text(first)
    assert ">Landmark (2)</option>" in html
    assert 'href="/timeline?page=2" rel="next"' in html and "5 more milestones" in html
    assert "page 1 of 3" in page_text(first) and 'rel="prev"' not in html
    second = paged.get("/timeline?page=2")
    assert _titles(second) == every[3:6]
    assert 'href="/timeline" rel="prev"' in second.get_data(as_text=True)
    last = paged.get("/timeline?page=3")
    assert _titles(last) == every[6:]
    assert 'rel="next"' not in last.get_data(as_text=True)
    assert 'href="/timeline?page=2" rel="prev"' in last.get_data(as_text=True)
    # Pages past the end, and nonsense, show the nearest real page.
    assert _titles(paged.get("/timeline?page=99")) == every[6:]
    assert _titles(paged.get("/timeline?page=x")) == every[:3]


def test_pages_keep_the_filters(paged):
    first = paged.get("/timeline?organization=mistral-ai&decade=2020")
    assert len(_titles(first)) == 2
    assert 'rel="next"' not in first.get_data(as_text=True)
    html = paged.get("/timeline?decade=2020").get_data(as_text=True)
    assert 'href="/timeline?decade=2020&amp;page=2" rel="next"' in html


def test_json_keeps_every_milestone(paged):
    data = paged.get("/timeline?format=json").get_json()
    assert data["shown"] == 8 and len(data["milestones"]) == 8


def test_a_long_filter_lists_the_values_with_most_milestones_and_says_how_many_more(
        client, monkeypatch):
    from aigraph.web import timeline

    full = client.get("/timeline?format=json").get_json()["milestones"]
    counts = {}
    for item in full:
        for org in item["organizations"]:
            counts[org["slug"]] = counts.get(org["slug"], 0) + 1
    assert len(counts) > 2
    monkeypatch.setattr(timeline, "MAX_OPTIONS", 2)
    least = min(counts, key=lambda slug: (counts[slug], slug))
    page = client.get("/timeline", query_string={"organization": least}).get_data(as_text=True)
    listed = re.findall(r'<select id="filter-organization".*?</select>', page, re.S)[0]
    values = re.findall(r'<option value="([^"]+)"', listed)
    # The chosen one is always listed, beside the one with the most milestones.
    assert least in values and len(values) == 2
    assert f"{len(counts) - 2} more, with fewer milestones, not listed" in listed
    italian = client.get("/timeline?lang=it").get_data(as_text=True)
    assert "con meno tappe, non elencat" in italian
