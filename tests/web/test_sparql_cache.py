"""The /sparql result cache and conditional GETs: ETag, 304, Cache-Control, data versions."""

from __future__ import annotations

import pytest

from aigraph.web.http_cache import Entry, ResultCache

JSON = {"Accept": "application/sparql-results+json"}
QUERY = "SELECT ?m WHERE { ?m a aig:Milestone } ORDER BY ?m"


def _get(client, query=QUERY, headers=JSON, **extra):
    return client.get("/sparql", query_string={"query": query, **extra}, headers=headers)


def test_repeated_query_is_answered_from_the_cache(client, app):
    first = _get(client)
    assert first.status_code == 200 and first.headers["AIGraph-Cache"] == "miss"
    second = _get(client)
    assert second.status_code == 200 and second.headers["AIGraph-Cache"] == "hit"
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert second.headers["AIGraph-Rows"] == first.headers["AIGraph-Rows"] == "8"
    # The endpoint's own headers are still there on a hit.
    assert second.headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in second.headers["Vary"]
    assert first.headers["Cache-Control"] == "no-cache"
    cache = app.extensions["aigraph_result_cache"]
    assert len(cache) == 1 and cache.hits == 1


def test_if_none_match_gets_a_304_without_running_the_query(client, app):
    etag = _get(client).headers["ETag"]
    executor = app.extensions["aigraph_executor"]
    app.extensions["aigraph_result_cache"]._entries.clear()
    revalidated = _get(client, headers={**JSON, "If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert revalidated.headers["ETag"] == etag
    assert revalidated.headers["AIGraph-Cache"] == "revalidated"
    # Not run: the cache stayed empty, and a different ETag runs the query.
    assert len(app.extensions["aigraph_result_cache"]) == 0
    stale = _get(client, headers={**JSON, "If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.headers["AIGraph-Cache"] == "miss"
    assert executor.started


@pytest.mark.parametrize("change", [
    {"headers": {"Accept": "text/csv"}},
    {"format": "tsv"},
    {"query": QUERY + " LIMIT 3"},
])
def test_format_and_text_are_part_of_the_key(client, change):
    base = _get(client)
    headers = change.pop("headers", JSON)
    other = _get(client, headers=headers, **change)
    assert other.status_code == 200 and other.headers["AIGraph-Cache"] == "miss"
    assert other.headers["ETag"] != base.headers["ETag"]
    assert other.data != base.data


def test_a_change_of_data_version_empties_the_cache(client, app):
    before = _get(client)
    store = app.extensions["aigraph"].store
    store._version = "another-version"
    after = _get(client)
    assert after.headers["AIGraph-Cache"] == "miss"
    assert after.headers["ETag"] != before.headers["ETag"]
    # The old ETag no longer matches: the client gets the new answer, not a 304.
    assert _get(client, headers={**JSON, "If-None-Match": before.headers["ETag"]}
                ).status_code == 200


def test_errors_editor_and_posts_are_not_cached(client, app):
    assert _get(client, query="SELECT WHERE {").status_code == 400
    assert _get(client, query="SELECT WHERE {").headers.get("AIGraph-Cache") is None
    page = _get(client, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    posted = client.post("/sparql", data={"query": QUERY}, headers=JSON)
    assert posted.status_code == 200 and "AIGraph-Cache" not in posted.headers
    assert len(app.extensions["aigraph_result_cache"]) == 0


def test_max_age_setting(settings, store):
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(http_max_age=120),
                      "AIGRAPH_STORE": store})
    try:
        response = _get(app.test_client())
        assert response.headers["Cache-Control"] == "public, max-age=120"
        assert app.test_client().get("/timeline").headers["Cache-Control"] == \
            "public, max-age=120"
    finally:
        app.extensions["aigraph_executor"].close()


def test_cache_off(settings, store):
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(result_cache_mb=0),
                      "AIGRAPH_STORE": store})
    try:
        client = app.test_client()
        assert "aigraph_result_cache" not in app.extensions
        assert _get(client).status_code == 200
        # No copy is kept, but the ETag still saves the transfer.
        etag = _get(client).headers["ETag"]
        assert _get(client, headers={**JSON, "If-None-Match": etag}).status_code == 304
    finally:
        app.extensions["aigraph_executor"].close()


def test_pages_carry_an_etag_and_answer_304(client):
    first = client.get("/timeline")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/timeline", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    path = client.get("/paths/open-source-developer.json")
    assert client.get("/paths/open-source-developer.json", headers={
        "If-None-Match": path.headers["ETag"]}).status_code == 304
    # An entity's ETag is the curation's (for If-Match on writes): it names the entity's own
    # statements, not the page around them, so it is left alone and never answers a 304.
    entity = client.get("/id/mistral-7b", headers={"Accept": "text/turtle"})
    assert entity.headers["ETag"]
    assert client.get("/id/mistral-7b", headers={
        "Accept": "text/turtle", "If-None-Match": entity.headers["ETag"]}).status_code == 200


def test_lru_is_bounded_by_bytes():
    cache = ResultCache(max_bytes=8 * 100)
    for number in range(20):
        cache.put(f"k{number}", "v1", Entry(b"x" * 100, ()))
    assert cache.size <= 800 and len(cache) == 8
    assert cache.get("k0", "v1") is None and cache.get("k19", "v1") is not None
    # An answer larger than its share is not kept at all.
    cache.put("big", "v1", Entry(b"x" * 101, ()))
    assert cache.get("big", "v1") is None
    # Reading k12 makes it recent: the next insertion drops k13 instead.
    assert cache.get("k12", "v1") is not None
    cache.put("k20", "v1", Entry(b"x" * 100, ()))
    assert cache.get("k12", "v1") is not None and cache.get("k13", "v1") is None
    # Another data version starts empty.
    assert cache.get("k19", "v2") is None and len(cache) == 0
