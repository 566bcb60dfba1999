"""Helpers for the web tests: a log of the queries a request runs, and page text."""

from __future__ import annotations

import re
from html import unescape

import pytest


@pytest.fixture
def query_log(store, monkeypatch):
    """Record the text of every query the fixture store runs, in order."""
    log: list[str] = []
    for name in ("select", "ask", "construct"):
        original = getattr(store, name)

        def wrapped(query, bindings=None, _original=original):
            log.append(query)
            return _original(query, bindings)

        monkeypatch.setattr(store, name, wrapped)
    serialize = store.serialize_query

    def serialized(query, media_type):
        log.append(query)
        return serialize(query, media_type)

    monkeypatch.setattr(store, "serialize_query", serialized)
    return log


def page_text(response) -> str:
    """The visible text of an HTML response's main element, whitespace collapsed."""
    html = response.get_data(as_text=True)
    start = html.find("<main")
    end = html.find("</main>")
    body = html[start:end] if start >= 0 else html
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()
