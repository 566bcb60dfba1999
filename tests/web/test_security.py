"""The security layer: headers, cookies, rate limits, URL cap, error pages and request logs."""

from __future__ import annotations

import json
import logging
import re

import pytest

from aigraph.settings import PROJECT_ROOT
from aigraph.web import create_app

JSON = "application/sparql-results+json"
PAGES = ["/", "/about", "/id/meta", "/paths/", "/timeline", "/search?q=meta", "/dataset",
         "/no-such-page", "/sparql"]


def make_app(settings, store, **changes):
    return create_app({"TESTING": True, "AIGRAPH": settings.replace(**changes),
                       "AIGRAPH_STORE": store})


@pytest.fixture
def make(settings, store):
    apps = []

    def build(**changes):
        app = make_app(settings, store, **changes)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["aigraph_executor"].close()


# --- headers --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    assert not any("python" in v.lower() or "werkzeug" in v.lower()
                   for _, v in response.headers.items())


def test_query_answers_carry_them_too(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": JSON})
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"


INLINE = re.compile(r"<style|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)
SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>", re.IGNORECASE)


def _inline_code(html: str) -> list[str]:
    found = [m.group() for m in INLINE.finditer(html)]
    for match in SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if "src=" not in attrs and 'type="application/json"' not in attrs \
                and 'type="application/ld+json"' not in attrs:
            found.append(match.group())
    return found


@pytest.mark.parametrize("template", sorted((PROJECT_ROOT / "web" / "templates").rglob("*.html")),
                         ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style(template):
    assert _inline_code(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", PAGES)
def test_rendered_pages_hold_no_inline_script_or_style(client, path):
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert _inline_code(html) == []


def test_hsts_and_secure_cookies_over_https(app):
    response = app.test_client().get("/?lang=it", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = app.test_client().get("/?lang=it")
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_forwarded_proto_counts_only_behind_a_trusted_proxy(make):
    forwarded = {"X-Forwarded-Proto": "https"}
    ignored = make().test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" not in ignored.headers
    trusted = make(trusted_proxies=1).test_client().get("/", headers=forwarded)
    assert "Strict-Transport-Security" in trusted.headers


def test_secure_cookies_setting(make):
    response = make(secure_cookies=True).test_client().get("/?lang=it")
    assert "Secure" in response.headers["Set-Cookie"]


# --- errors ---------------------------------------------------------------------------------

def test_an_unexpected_error_shows_no_trace_and_is_logged(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR, logger="aigraph.errors"):
        response = app.test_client().get("/boom", headers={"Accept": "text/html"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert "secret internals" in caplog.text


@pytest.mark.parametrize("path, accept, kind", [
    ("/sparql?query=", JSON, "application/json"),
    ("/sparql?query=", "text/csv", "text/plain"),
    ("/?q=", "text/html", "text/html"),
])
def test_an_over_long_url_gets_our_own_414(make, path, accept, kind):
    client = make(max_url_bytes=1000).test_client()
    response = client.get(path + "x" * 2000, headers={"Accept": accept})
    assert response.status_code == 414
    assert response.mimetype == kind
    assert "longer than 1000 bytes" in response.get_data(as_text=True)


# --- rate limits ----------------------------------------------------------------------------

def test_sparql_is_rate_limited_per_client_with_retry_after(make):
    client = make(rate_limit="2 per minute").test_client()
    answers = [client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Accept": JSON}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many requests" in json.loads(refused.data)["error"]
    # Another client is counted apart.
    other = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": JSON},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


def test_expensive_pages_are_limited_and_cheap_ones_not(make):
    client = make(rate_limit="1 per minute").test_client()
    assert client.get("/search?q=meta").status_code == 200
    assert client.get("/search?q=meta").status_code == 429
    assert [client.get("/about").status_code for _ in range(3)] == [200] * 3


def test_an_empty_rate_limit_turns_it_off(make):
    client = make(rate_limit="").test_client()
    codes = {client.get("/sparql", query_string={"query": "ASK {}"},
                        headers={"Accept": JSON}).status_code for _ in range(5)}
    assert codes == {200}


# --- request logs ---------------------------------------------------------------------------

class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_request_log_is_json_without_secrets(client):
    handler = _Lines()
    logger = logging.getLogger("aigraph.requests")
    logger.addHandler(handler)
    try:
        client.get("/sparql", query_string={"query": "ASK {}", "password": "hunter2"},
                   headers={"Accept": JSON, "Authorization": "Bearer s3cr3t-token",
                            "Cookie": "session=c00kie"})
        client.get("/about")
    finally:
        logger.removeHandler(handler)
    entries = [json.loads(line) for line in handler.lines]
    query, about = entries
    assert query["route"] == "/sparql" and query["status"] == 200
    assert query["ms"] >= 0 and query["query_ms"] >= 0
    assert about["route"] == "/about" and "query_ms" not in about
    text = "\n".join(handler.lines)
    for secret in ("hunter2", "s3cr3t-token", "c00kie", "Bearer"):
        assert secret not in text
