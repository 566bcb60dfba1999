"""Reading-path pages: the list, a defined path like the seed page, JSON, lineage, next, between."""

from __future__ import annotations

import re

import rdflib

from tests.web.conftest import page_text

SEED_ORDER = ["gpt-neo-release", "bloom-release", "llama-release", "mistral-7b-release",
              "mixtral-8x7b-release", "gemma-release", "deepseek-r1-release"]


def test_paths_are_listed_with_their_audience(client):
    text = page_text(client.get("/paths/"))
    assert "Open weights: a developer's history" in text
    assert "For: Developers who want models they can download" in text
    assert "7 steps" in text
    data = client.get("/paths/?format=json").get_json()
    assert data["paths"][0]["slug"] == "open-source-developer"
    assert data["paths"][0]["steps"] == 7


def test_path_page_is_shaped_like_the_seed(client):
    response = client.get("/paths/open-source-developer")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert "Reading path" in text and "Open weights: a developer's history" in text
    assert "Open-weight language models grew from a side project" in text  # introduction
    numbers = re.findall(r'<span class="step-number" aria-hidden="true">(\d\d)</span>', html)
    assert numbers == ["01", "02", "03", "04", "05", "06", "07"]
    assert text.count("Why it matters to you") == 7
    assert 'class="badge badge-landmark">Landmark' in html
    assert 'class="badge badge-high">High' in html
    assert "Open Source Models" in text and "March 21, 2021" in text
    links = re.findall(r'<h3 class="step-title"><a href="/id/([a-z0-9-]+)">', html)
    assert links == SEED_ORDER


def test_path_page_links_its_json(client):
    response = client.get("/paths/open-source-developer")
    assert response.headers["Link"].startswith("</paths/open-source-developer.json")
    assert 'rel="alternate"' in response.headers["Link"]


def test_path_json_follows_the_contract(client):
    response = client.get("/paths/open-source-developer.json")
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["slug"] == "open-source-developer"
    assert data["title"] == "Open weights: a developer's history"
    assert [s["id"] for s in data["steps"]] == SEED_ORDER
    assert [s["position"] for s in data["steps"]] == list(range(1, 8))
    first = data["steps"][0]
    assert first["title"] == "GPT-Neo is released" and first["date"] == "2021-03-21"
    assert first["note"].startswith("A volunteer collective")


def test_path_by_accept_and_format(client):
    data = client.get("/paths/open-source-developer",
                      headers={"Accept": "application/json"}).get_json()
    assert data["slug"] == "open-source-developer"
    turtle = client.get("/paths/open-source-developer?format=ttl")
    assert turtle.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(list(graph.subjects(rdflib.RDF.type, rdflib.SDO.ListItem))) == 7


def test_unknown_path_is_404(client):
    response = client.get("/paths/open-source-developers")
    assert response.status_code == 404
    assert "open-source-developer" in response.get_data(as_text=True)
    assert client.get("/paths/nope.json").status_code == 404


def test_lineage_gives_reasons(client):
    response = client.get("/paths/lineage/deepseek-r1-release")
    assert response.status_code == 200
    text = page_text(response)
    assert "What led to DeepSeek-R1 is released" in text
    assert "Why it is here" in text and "builds on" in text
    data = client.get("/paths/lineage/deepseek-r1-release?format=json").get_json()
    assert data["kind"] == "lineage"
    assert data["steps"][-1]["id"] == "deepseek-r1-release"
    assert any(s["via"] == "aig:buildsOn" for s in data["steps"])
    assert 'rel="alternate"' in response.headers["Link"]


def test_next_starts_from_the_entity(client):
    data = client.get("/paths/next/mistral-7b-release", headers={"Accept": "application/json"}
                      ).get_json()
    assert data["kind"] == "next"
    assert data["steps"][0]["id"] == "mistral-7b-release"
    assert "mixtral-8x7b-release" in [s["id"] for s in data["steps"]]
    italian = client.get("/paths/next/mistral-7b-release?lang=it")
    assert "Che cosa è venuto dopo" in page_text(italian)


def test_between_links_two_entities(client):
    response = client.get("/paths/between?from=llama-release&to=deepseek-r1-release")
    assert response.status_code == 200
    text = page_text(response)
    assert "From Meta releases LLaMA to DeepSeek-R1 is released" in text
    data = client.get("/paths/between?from=llama-release&to=deepseek-r1-release&format=json"
                      ).get_json()
    assert data["steps"][0]["id"] == "llama-release"
    assert data["steps"][-1]["id"] == "deepseek-r1-release"


def test_between_without_a_path_says_so(client):
    response = client.get("/paths/between?from=gpt-neo-release&to=deepseek-r1-release")
    assert response.status_code == 404
    assert "No path links GPT-Neo is released and DeepSeek-R1 is released" in page_text(response)
    italian = client.get("/paths/between?from=gpt-neo-release&to=deepseek-r1-release&lang=it")
    assert "Nessun percorso collega" in page_text(italian)
    data = client.get("/paths/between?from=gpt-neo-release&to=deepseek-r1-release&lang=en",
                      headers={"Accept": "application/json"}).get_json()
    assert data["status"] == 404 and "No path" in data["error"]


def test_between_with_an_unknown_slug_suggests(client):
    response = client.get("/paths/between?from=mistral-7b-relase&to=deepseek-r1")
    assert response.status_code == 404
    text = page_text(response)
    assert "No milestone, model or organization is called “mistral-7b-relase”" in text
    assert "Mistral 7B is released" in text


def test_between_form(client):
    response = client.get("/paths/between")
    assert response.status_code == 200
    assert 'name="from"' in response.get_data(as_text=True)


def test_paths_only_start_from_milestones_models_and_organizations(client):
    response = client.get("/paths/lineage/apache-2-0")
    assert response.status_code == 404
    assert "“Apache License 2.0” is a license" in page_text(response)
    assert client.get("/paths/next/no-such-thing").status_code == 404


# --- the way from a slug to its page -------------------------------------------------------------

#: The modules a path request passes through, in the order it may go: a call never goes back
#: to an earlier layer.
LAYERS = {"aigraph.web.paths_views": 0, "aigraph.paths.service": 1, "aigraph.paths.render": 1,
          "aigraph.paths.source": 2, "aigraph.paths.engine": 3, "aigraph.paths.graph": 4,
          "aigraph.paths.model": 5}


def _trace_calls(action) -> list[tuple[str, str]]:
    """Run ``action`` and return each (caller module, callee module) call between LAYERS."""
    import sys

    calls = []

    def profile(frame, event, _arg):
        if event != "call" or frame.f_back is None:
            return
        callee = frame.f_globals.get("__name__")
        caller = frame.f_back.f_globals.get("__name__")
        if callee in LAYERS and caller in LAYERS and callee != caller:
            calls.append((caller, callee))

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def test_a_slug_goes_one_way_from_the_view_to_the_engine(client):
    for url in ("/paths/open-source-developer", "/paths/open-source-developer.json"):
        client.application.extensions.pop("aigraph_pages", None)  # not from the page cache
        calls = _trace_calls(lambda u=url: client.get(u))
        assert calls, url
        upward = [(a, b) for a, b in calls if LAYERS[b] < LAYERS[a]]
        assert upward == [], url
        from_view = [b for a, b in calls if a == "aigraph.web.paths_views"]
        assert from_view.count("aigraph.paths.service") == 1, from_view
        assert from_view.count("aigraph.paths.render") == (1 if url.endswith(".json") else 0)
        assert ("aigraph.paths.service", "aigraph.paths.engine") in calls
        assert ("aigraph.paths.service", "aigraph.paths.source") in calls


def test_the_trace_sees_a_call_going_back():
    # Code running as the engine that calls the service is an upward call the check catches.
    from aigraph.paths import service

    as_engine = {"__name__": "aigraph.paths.engine", "service": service}
    exec("def back():\n    return service.reason_text('buildsOn', 'A', 'B', 'en')", as_engine)
    calls = _trace_calls(as_engine["back"])
    assert ("aigraph.paths.engine", "aigraph.paths.service") in calls
    assert [(a, b) for a, b in calls if LAYERS[b] < LAYERS[a]]
