"""The warm-up a new web worker runs: the main pages rendered once, then served from cache."""

from __future__ import annotations

from aigraph.web import create_app
from aigraph.web.warmup import PAGES, example_pages, warm


def test_every_warmed_page_renders(app):
    statuses = warm(app)
    examples = example_pages(app)
    assert [page.split("/")[1:3] for page in examples] == [["paths", examples[0].split("/")[2]],
                                                         ["paths", "lineage"],
                                                         ["id", examples[2].split("/")[2]]]
    assert set(statuses) == set(PAGES) | set(examples)
    assert all(status == 200 for status in statuses.values()), statuses


def test_a_visitor_after_the_warm_up_gets_cached_pages(app):
    warm(app)
    client = app.test_client()
    for lang in ("en", "it"):
        for page in ("/", "/timeline", "/paths/", *example_pages(app)):
            answer = client.get(page, headers={"Accept-Language": lang})
            assert answer.status_code == 200
            assert answer.headers["AIGraph-Cache"] == "hit", (page, lang)


def test_the_warm_up_does_not_use_a_visitors_rate_limit(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(rate_limit="2 per minute"),
                      "AIGRAPH_STORE": store})
    try:
        warm(app)
        client = app.test_client()
        statuses = [client.get("/search", query_string={"q": f"model {n}"}).status_code
                    for n in range(3)]
        assert statuses == [200, 200, 429]
    finally:
        app.extensions["aigraph_executor"].close()
