"""Answer repeated /sparql GETs from the result cache before Flask sees the request.

``http_cache`` already answers a repeated query from memory, but only after Flask has built a
request context and run every before- and after-request hook (about half a millisecond, as
much as the answer itself). This WSGI layer sits just inside the application (inside
``ProxyFix`` when proxies are trusted, so it sees what Flask sees) and, for a request that can
get nothing but the cached answer, sends the cached body with the exact headers Flask sent the
last time it served that answer from the cache.

How it stays exact: the headers are not rebuilt here. When Flask serves a cache hit, this
layer records the status line and headers it sent (the security headers, CORS, ``Vary``,
``ETag``, ``Cache-Control``...), and only a recorded, cookie-free answer is replayed; the body
comes from the same ``ResultCache`` entry, under the same key (``http_cache.sparql_key``), on
the same data version, after the same check for writes by other processes.

What it leaves to Flask (every other case, answered exactly as before):

* any rate limit in force (the limiter must count the request, and may exempt curators);
* requests with cookies or an ``Authorization`` header (sessions, curators, tokens);
* conditional requests (``If-None-Match``: Flask answers the 304), other methods and routes,
  query strings that are not plain ASCII;
* answers that set a cookie.

Each answer it sends is logged on ``aigraph.requests`` like any other request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import Flask
from werkzeug.wrappers import Request

from aigraph.web import http_cache, request_log

#: Path of the endpoint this layer serves (under the application's root).
SPARQL_PATH = "/sparql"
#: Most recorded header sets kept (each is a few hundred bytes).
MAX_RECORDED = 4096
#: Request headers that make an answer personal or conditional: Flask handles those.
PERSONAL = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


class FastAnswers:
    """WSGI middleware replaying cached /sparql answers for requests that qualify."""

    def __init__(self, app: Flask, wsgi_app):
        self.flask = app
        self.wsgi_app = wsgi_app
        #: (data version, cache key) -> the status and headers Flask sent for that answer.
        self._recorded: OrderedDict[tuple[str, str], tuple[str, list[tuple[str, str]]]] = \
            OrderedDict()
        self._lock = threading.Lock()
        self.replayed = 0  # answers sent by this layer (for tests and monitoring)

    def __call__(self, environ, start_response):
        if not _qualifies(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        with self.flask.app_context():
            key = self._key(environ)
            if key is None:
                return self.wsgi_app(environ, start_response)
            found = self._answer(key)
            if found is None:
                return self._record_through(key, environ, start_response)
            status, headers, body = found
            start_response(status, headers)
            self.replayed += 1
            request_log.write(environ["REQUEST_METHOD"], "/sparql", http_cache.SPARQL_ENDPOINT,
                              int(status.split(" ", 1)[0]), started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _key(self, environ) -> tuple[str, str] | None:
        """The result cache's key for this request, after following other writers."""
        from aigraph.web.curation_api import follow_writes
        from aigraph.web.state import state

        follow_writes()
        request = Request(environ, shallow=True)
        try:
            if not request.args.get("query"):
                return None
        except UnicodeDecodeError:
            return None
        version = state().store.version
        return version, http_cache.sparql_key(version, request)

    def _answer(self, key: tuple[str, str]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """The recorded status and headers with the cached body, or None."""
        with self._lock:
            recorded = self._recorded.get(key)
            if recorded is not None:
                self._recorded.move_to_end(key)
        if recorded is None:
            return None
        cache = http_cache.g_cache()
        version, cache_key = key
        entry = cache.get(cache_key, version) if cache is not None else None
        if entry is None:
            return None
        return recorded[0], recorded[1], entry.body

    def _record_through(self, key: tuple[str, str], environ, start_response):
        """Let Flask answer, recording its headers when it served a cache hit."""

        def recording_start_response(status, headers, exc_info=None):
            names = {name.lower() for name, _ in headers}
            hit = any(name.lower() == "aigraph-cache" and value == "hit" for name, value in headers)
            if hit and status.startswith("200") and "set-cookie" not in names:
                kept = [(n, v) for n, v in headers if n.lower() != "date"]
                with self._lock:
                    self._recorded[key] = (status, kept)
                    self._recorded.move_to_end(key)
                    while len(self._recorded) > MAX_RECORDED:
                        self._recorded.popitem(last=False)
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        return self.wsgi_app(environ, recording_start_response)


def _qualifies(environ) -> bool:
    """Cheap checks on the raw request, before any parsing."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if environ.get("PATH_INFO") != SPARQL_PATH:
        return False
    query = environ.get("QUERY_STRING", "")
    if not query or not query.isascii():
        return False
    return not any(name in environ for name in PERSONAL)


def install(app: Flask) -> None:
    """Put the layer in front of ``app``'s own WSGI callable, inside any ProxyFix.

    Only when no rate limit is set (a limited endpoint must count every request) and the
    result cache is on; call after ``security.init_app``.
    """
    settings = app.extensions["aigraph"].settings
    if settings.rate_limit.strip() or http_cache.g_cache_of(app) is None:
        return
    outer = app.wsgi_app
    inner = getattr(outer, "app", None)
    if inner is not None and type(outer).__name__ == "ProxyFix":
        outer.app = FastAnswers(app, inner)
        app.extensions["aigraph_fast_answers"] = outer.app
    else:
        app.wsgi_app = FastAnswers(app, outer)
        app.extensions["aigraph_fast_answers"] = app.wsgi_app

