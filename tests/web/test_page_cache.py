"""The rendered-page cache: same bytes as a fresh render, never personal, new data new answers,
304s, the rate limit still counted, and its memory bound kept."""

from __future__ import annotations

import pytest

from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.web import create_app, page_cache
from aigraph.web.http_cache import ResultCache

#: Every page the cache must answer, with the formats it negotiates beside HTML.
PAGES = {
    "/": (),
    "/paths/open-source-developer": ("application/json", "text/turtle"),
    "/paths/open-source-developer.json": (),
    "/paths/lineage/deepseek-r1": ("application/json", "text/turtle", "application/ld+json"),
    "/id/mistral-7b": ("text/turtle", "application/ld+json", "application/n-triples",
                       "application/rdf+xml"),
    "/timeline": (),
    "/timeline?category=open-source-models": (),
    "/timeline?category=open-source-models&format=json": (),
    "/search?q=mistrall": (),
    "/search?q=deepsek&format=json": (),
    "/sparql": (),
}
#: Headers that differ between a miss and a hit by design, or per request.
PER_ANSWER = {"AIGraph-Cache", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Date",
              "Retry-After"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _variants():
    for url, formats in PAGES.items():
        for lang in ("en", "it"):
            for accept in (BROWSER, *formats):
                yield pytest.param(url, lang, accept, id=f"{url}-{lang}-{accept.split(',')[0]}")


def _app(store, **overrides):
    settings = Settings.load({"ontology_dir": str(PROJECT_ROOT / "ontology"),
                              "data_dir": str(PROJECT_ROOT / "data"), "store": "",
                              "update_url": "", "rate_limit": "", **overrides}, environ={})
    return create_app({"TESTING": True, "AIGRAPH": settings, "AIGRAPH_STORE": store})


@pytest.fixture(scope="module")
def shipped_apps(full_store):
    """Two applications on the shipped data: one with the page cache, one without."""
    cached, fresh = _app(full_store), _app(full_store, page_cache_mb=0)
    yield cached, fresh
    for app in (cached, fresh):
        app.extensions["aigraph_executor"].close()


def _headers(response) -> dict:
    return {name: value for name, value in response.headers.items() if name not in PER_ANSWER}


@pytest.mark.parametrize("url,lang,accept", list(_variants()))
def test_a_cached_answer_is_byte_identical_to_a_fresh_render(shipped_apps, url, lang, accept):
    cached, fresh = (app.test_client() for app in shipped_apps)
    headers = {"Accept": accept, "Accept-Language": lang}
    miss = cached.get(url, headers=headers)
    hit = cached.get(url, headers=headers)
    remembered = shipped_apps[0].test_client()
    remembered.set_cookie("lang", lang)
    by_cookie = remembered.get(url, headers={"Accept": accept})
    uncached = fresh.get(url, headers=headers)
    assert miss.status_code == 200, miss.data[:300]
    assert miss.headers["AIGraph-Cache"] in ("miss", "hit")  # another variant may have filled it
    assert hit.headers["AIGraph-Cache"] == "hit"
    assert hit.data == miss.data == uncached.data
    assert f'lang="{lang}"' in hit.get_data(as_text=True) or "html" not in hit.mimetype
    # The language chosen by the cookie is the same variant as the one Accept-Language chose.
    assert by_cookie.headers["ETag"] == hit.headers["ETag"] and by_cookie.data == hit.data
    assert _headers(hit) == _headers(miss)
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "X-Frame-Options", "Cross-Origin-Opener-Policy", "Content-Type"):
        assert hit.headers[name] == uncached.headers[name], name
    assert {"Accept", "Accept-Language", "Cookie"} <= set(hit.vary)
    assert "AIGraph-Cache" not in uncached.headers


def test_languages_and_formats_are_separate_variants(shipped_apps):
    client = shipped_apps[0].test_client()
    english = client.get("/search?q=mistral&lang=en")
    italian = client.get("/search?q=mistral&lang=it")
    as_json = client.get("/search?q=mistral&lang=en&format=json")
    assert len({english.headers["ETag"], italian.headers["ETag"], as_json.headers["ETag"]}) == 3
    assert 'lang="it"' in italian.get_data(as_text=True)
    assert as_json.mimetype == "application/json"
    # ?lang= sets the cookie on a cached answer as on a rendered one.
    again = shipped_apps[0].test_client().get("/search?q=mistral&lang=it")
    assert again.headers["AIGraph-Cache"] == "hit" and again.data == italian.data
    assert "lang=it" in again.headers["Set-Cookie"]


def test_an_entity_keeps_its_own_etag_when_cached(client):
    """``GET /id/{slug}`` answers the entity's ETag (writes send it back in If-Match)."""
    miss = client.get("/id/mistral-7b", headers={"Accept": "text/turtle"})
    hit = client.get("/id/mistral-7b", headers={"Accept": "text/turtle"})
    page = client.get("/id/mistral-7b")
    assert hit.headers["AIGraph-Cache"] == "hit"
    assert hit.headers["ETag"] == miss.headers["ETag"] == page.headers["ETag"]


def test_if_none_match_gets_a_304_and_head_works(client):
    first = client.get("/timeline")
    etag = first.headers["ETag"]
    assert not etag.startswith("W/")
    revalidated = client.get("/timeline", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert revalidated.headers["ETag"] == etag
    assert revalidated.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    weakened = client.get("/timeline", headers={"If-None-Match": f"W/{etag}"})
    assert weakened.status_code == 304
    stale = client.get("/timeline", headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.data == first.data
    head = client.head("/timeline")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(first.data)
    assert head.headers["ETag"] == etag


def test_errors_are_not_kept(client, app):
    assert client.get("/id/no-such-thing").status_code == 404
    assert client.get("/id/no-such-thing").headers.get("AIGraph-Cache") is None
    assert len(page_cache.page_cache(app)) == 0


def test_query_answers_are_left_to_the_result_cache(client, app):
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert len(page_cache.page_cache(app)) == 0


def test_waiting_messages_bypass_the_cache(client):
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Reverted")]
    assert "AIGraph-Cache" not in client.get("/").headers


def test_cached_answers_count_against_the_rate_limit(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(rate_limit="3 per minute"),
                      "AIGRAPH_STORE": store})
    try:
        client = app.test_client()
        first = client.get("/search?q=mistral")
        hit = client.get("/search?q=mistral")
        revalidated = client.get("/search?q=mistral",
                                 headers={"If-None-Match": first.headers["ETag"]})
        assert [first.status_code, hit.status_code, revalidated.status_code] == [200, 200, 304]
        assert hit.headers["AIGraph-Cache"] == "hit"
        over = client.get("/search?q=mistral")
        assert over.status_code == 429 and "Retry-After" in over.headers
        # A page without a limit is not counted at all.
        assert all(client.get("/timeline").status_code == 200 for _ in range(5))
    finally:
        app.extensions["aigraph_executor"].close()


def test_the_memory_bound_is_kept(app, client):
    small = ResultCache(120_000)
    app.extensions[page_cache.KEY] = small
    urls = [f"/id/{slug}" for slug in ("gpt-neo", "bloom", "llama", "mistral-7b", "mixtral-8x7b",
                                        "gemma", "deepseek-v3", "deepseek-r1", "meta", "google",
                                        "eleutherai", "mistral-ai", "deepseek", "mit")]
    sizes = [len(client.get(url).data) for url in urls]
    assert sum(sizes) > small.max_bytes
    assert 0 < small.size <= small.max_bytes
    assert len(small) < len(urls)
    # The least recently used went first; the newest is still there.
    assert client.get(urls[0]).headers["AIGraph-Cache"] == "miss"
    assert client.get(urls[-1]).headers["AIGraph-Cache"] == "hit"


def test_zero_turns_the_cache_off(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(page_cache_mb=0),
                      "AIGRAPH_STORE": store})
    try:
        client = app.test_client()
        assert "AIGraph-Cache" not in client.get("/").headers
        assert "AIGraph-Cache" not in client.get("/").headers
        assert page_cache.page_cache(app) is None
    finally:
        app.extensions["aigraph_executor"].close()
