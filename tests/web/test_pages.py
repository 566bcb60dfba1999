"""Site-wide: the page frame, error pages, documented routes, query budget, plain template data."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from flask import template_rendered
from rdflib.term import Node

from aigraph.settings import PROJECT_ROOT
from aigraph.web.filters import script_json
from tests.web.conftest import page_text

MAIN_PAGES = [
    "/", "/id/mistral-7b", "/id/mistral-ai", "/id/open-source-models", "/id/apache-2-0",
    "/id/mixtral-8x7b-release", "/paths/", "/paths/open-source-developer",
    "/paths/lineage/deepseek-r1-release", "/paths/next/gpt-neo-release",
    "/paths/between?from=llama-release&to=deepseek-r1-release", "/timeline",
    "/timeline?organization=mistral-ai", "/search?q=mistrall", "/dataset", "/ontology",
    "/about",
]


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_every_page_has_the_frame(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in html
    assert "<header" in html and '<main id="main"' in html and "<footer" in html
    nav = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    for target in ('href="/paths/"', 'href="/timeline"', 'href="/search"', 'href="/sparql"',
                   'href="/dataset"'):
        assert target in nav
    assert 'name="viewport"' in html
    assert html.count("<h1") == 1
    assert 'class="lang-switch"' in html and "hreflang=\"it\"" in html


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_every_page_in_italian(client, url):
    joiner = "&" if "?" in url else "?"
    html = client.get(url + joiner + "lang=it").get_data(as_text=True)
    assert '<html lang="it">' in html and "Vai al contenuto" in html


def _plain(value, where: str) -> None:
    """Fail when template data holds an rdflib term anywhere."""
    assert not isinstance(value, Node), f"rdflib term in template data at {where}: {value!r}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _plain(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _plain(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for i, item in enumerate(value):
            _plain(item, f"{where}[{i}]")


def test_templates_get_plain_data(app, client):
    seen = []

    def record(sender, template, context, **extra):
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        for url in MAIN_PAGES + ["/id/mistral-8b"]:
            client.get(url)
    finally:
        template_rendered.disconnect(record, app)
    assert len(seen) >= len(MAIN_PAGES)
    for name, context in seen:
        for key, value in context.items():
            if key in ("request", "session", "g", "config") or callable(value):
                continue
            _plain(value, f"{name}:{key}")


@pytest.mark.parametrize("url", MAIN_PAGES)
def test_pages_run_a_handful_of_queries(client, query_log, url):
    client.get(url)                 # fills the caches kept per data version
    query_log.clear()
    client.get(url)
    assert len(query_log) <= 5, f"{url} ran {len(query_log)} queries"


def test_about_page(client):
    text = page_text(client.get("/about"))
    assert "About aigraph" in text and "SHACL" in text


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in page_text(response)


def test_errors_in_plain_text_for_other_clients(client):
    response = client.get("/no/such/page", headers={"Accept": "text/plain"})
    assert response.status_code == 404 and response.mimetype == "text/plain"
    response = client.get("/id/mistral-7b?format=pdf", headers={"Accept": "text/plain"})
    assert response.status_code == 406 and "ttl" in response.get_data(as_text=True)


def test_method_not_allowed_is_an_error_page(client):
    assert client.post("/timeline").status_code == 405


def test_script_json_escapes_what_ends_a_script():
    text = str(script_json({"a": "</script><!-- & 'x' \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"a": "</script><!-- & 'x' \u2028"}


# --- docs/urls.md documents every route ---------------------------------------------------

def _route_names(app) -> set[str]:
    names = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        names.add(path)
    return names


def _documented() -> set[str]:
    text = (PROJECT_ROOT / "docs" / "urls.md").read_text(encoding="utf-8")
    return set(re.findall(r"^## `([^`]+)`", text, re.M))


def test_every_route_is_documented(app):
    missing = _route_names(app) - _documented()
    assert not missing, f"add these routes to docs/urls.md: {sorted(missing)}"


def test_every_documented_route_exists(app):
    stale = _documented() - _route_names(app)
    assert not stale, f"docs/urls.md documents routes that do not exist: {sorted(stale)}"


def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.open("/sparql", method="TRACE")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    response = client.post("/timeline")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
