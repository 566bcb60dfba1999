"""Repeated /sparql GETs answered before Flask: the same bytes and headers, or Flask answers."""

from __future__ import annotations

import logging

import pytest

from aigraph.web import create_app

JSON = {"Accept": "application/sparql-results+json"}
QUERY = "SELECT ?m WHERE { ?m a aig:Milestone } ORDER BY ?m"


@pytest.fixture
def fast_app(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(rate_limit=""),
                      "AIGRAPH_STORE": store})
    yield app
    app.extensions["aigraph_executor"].close()


def _get(client, query=QUERY, headers=JSON, method="get", **extra):
    return getattr(client, method)("/sparql", query_string={"query": query, **extra},
                                   headers=headers)


def _replayed(app) -> int:
    return app.extensions["aigraph_fast_answers"].replayed


def _headers(response) -> list:
    return sorted((k, v) for k, v in response.headers.items() if k != "Date")


def test_a_replayed_answer_equals_flasks_own_hit(fast_app):
    client = fast_app.test_client()
    miss, flask_hit, replayed = (_get(client) for _ in range(3))
    assert miss.headers["AIGraph-Cache"] == "miss"
    assert flask_hit.headers["AIGraph-Cache"] == "hit"
    assert _replayed(fast_app) == 1
    assert replayed.status_code == 200
    assert replayed.data == flask_hit.data == miss.data
    assert _headers(replayed) == _headers(flask_hit)
    # The security headers come with it, as on every answer.
    assert replayed.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in replayed.headers["Content-Security-Policy"]


def test_head_is_replayed_without_a_body(fast_app):
    client = fast_app.test_client()
    full = _get(client)
    _get(client)
    head = _get(client, method="head")
    assert _replayed(fast_app) == 1
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(full.data))


@pytest.mark.parametrize("extra", [
    {"Cookie": "aigraph_lang=it"},
    {"Authorization": "Bearer not-a-token"},
    {"If-None-Match": '"x"'},
])
def test_personal_or_conditional_requests_go_to_flask(fast_app, extra):
    client = fast_app.test_client()
    _get(client)
    _get(client)
    if "Cookie" in extra:  # the test client sends its own cookie jar
        client.set_cookie(*extra.pop("Cookie").split("="))
    answer = _get(client, headers={**JSON, **extra})
    assert _replayed(fast_app) == 0
    assert answer.status_code == 200 and answer.headers["AIGraph-Cache"] == "hit"


def test_other_formats_are_other_answers(fast_app):
    client = fast_app.test_client()
    for _ in range(3):
        csv = _get(client, headers={"Accept": "text/csv"})
    json_answer = _get(client)
    assert _replayed(fast_app) == 1
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert json_answer.headers["AIGraph-Cache"] == "miss"


def test_new_data_is_never_answered_from_old_records(fast_app, store, data_dir):
    client = fast_app.test_client()
    before = [_get(client) for _ in range(3)][-1]
    assert _replayed(fast_app) == 1
    extra = data_dir / "extra.ttl"
    extra.write_text("@prefix aig: <https://w3id.org/aigraph/ontology#> .\n"
                     "<https://w3id.org/aigraph/id/zz-new> a aig:Milestone .\n")
    store.refresh([*store.files, extra])
    after = _get(client)
    assert _replayed(fast_app) == 1
    assert after.headers["AIGraph-Cache"] == "miss"
    assert b"zz-new" in after.data and b"zz-new" not in before.data
    assert after.headers["ETag"] != before.headers["ETag"]


def test_replayed_answers_are_logged(fast_app):
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    keep = Keep()
    logger = logging.getLogger("aigraph.requests")
    logger.addHandler(keep)
    try:
        client = fast_app.test_client()
        for _ in range(3):
            _get(client)
    finally:
        logger.removeHandler(keep)
    assert _replayed(fast_app) == 1
    assert len(lines) == 3
    assert all('"route": "/sparql"' in line and '"status": 200' in line for line in lines)
    assert '"ms": null' not in " ".join(lines)


def test_not_installed_while_a_rate_limit_is_set(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(rate_limit="5 per minute"),
                      "AIGRAPH_STORE": store})
    try:
        assert "aigraph_fast_answers" not in app.extensions
        client = app.test_client()
        statuses = [_get(client).status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    finally:
        app.extensions["aigraph_executor"].close()


def test_works_behind_trusted_proxies(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(rate_limit="",
                                                                   trusted_proxies=1),
                      "AIGRAPH_STORE": store})
    try:
        client = app.test_client()
        proxied = {**JSON, "X-Forwarded-Host": "example.org", "X-Forwarded-Proto": "https"}
        answers = [_get(client, headers=proxied) for _ in range(3)]
        assert app.extensions["aigraph_fast_answers"].replayed == 1
        assert answers[2].headers["Strict-Transport-Security"]
        # Another host is another base for relative IRIs: another key.
        other = _get(client, headers={**JSON, "X-Forwarded-Host": "example.net"})
        assert other.headers["AIGraph-Cache"] == "miss"
    finally:
        app.extensions["aigraph_executor"].close()
