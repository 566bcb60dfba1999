"""HTTP caching: the /sparql result cache, ETags, 304s and Cache-Control for every GET.

A ``/sparql`` GET is keyed on the data version, the query string (query text, ``format`` and
any other parameter), the ``Accept`` header and the endpoint URL (the base of relative IRIs):
the same key gives the same bytes until the data changes. The key's hash is the response's
``ETag``, so a client that sends it back in ``If-None-Match`` gets a bodiless 304 without the
query running at all, and a repeated query is answered from memory (a per-process LRU bounded
by the ``result_cache_mb`` setting) before the view parses anything. Only 200 answers in a
results or graph format are kept; errors, the editor page and POSTs always run.

Other GET answers get an ETag hashed from their body (Werkzeug's ``add_etag``) and a 304 when it
matches: cheap, and it saves the transfer. Both get ``Cache-Control`` from ``http_max_age``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, g, request

from aigraph.web.state import state

#: The endpoint whose answers are kept.
SPARQL_ENDPOINT = "sparql.endpoint"
#: Response headers kept with a cached answer (CORS and Vary are added again on the way out).
KEPT_HEADERS = ("Content-Type", "AIGraph-Rows", "AIGraph-Truncated", "AIGraph-Time-Ms")
#: A single answer may use at most this share of the cache.
LARGEST_SHARE = 8


@dataclass(frozen=True)
class Entry:
    """A cached answer: its body and the headers it is sent with."""

    body: bytes
    headers: tuple[tuple[str, str], ...]


class ResultCache:
    """A thread-safe LRU of answers, bounded by the total size of their bodies."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._size = 0
        self._version: str | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held (bodies only)."""
        return self._size

    def get(self, key: str, version: str) -> Entry | None:
        """Return the entry for ``key`` on data ``version``, or None."""
        with self._lock:
            self._follow(version)
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, version: str, entry: Entry) -> None:
        """Keep ``entry``, dropping the least recently used ones past the bound."""
        if len(entry.body) > self.max_bytes // LARGEST_SHARE:
            return
        with self._lock:
            self._follow(version)
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def _follow(self, version: str) -> None:
        """Forget everything when the data changed (the caller holds the lock)."""
        if version != self._version:
            self._entries.clear()
            self._size = 0
            self._version = version


def sparql_key(version: str, asked=None) -> str:
    """The cache key and ETag of a /sparql GET (``asked``, default the current request) on
    data ``version``."""
    asked = request if asked is None else asked
    digest = hashlib.blake2b(digest_size=16)
    for part in (version, asked.base_url, asked.headers.get("Accept", ""),
                 asked.query_string.decode("latin-1")):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _cache_control(response: Response, max_age: int) -> None:
    if "Cache-Control" in response.headers:
        return
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age > 0 \
        else "no-cache"


def _before() -> Response | None:
    """Answer a /sparql GET from the ETag or the cache when possible."""
    if request.endpoint != SPARQL_ENDPOINT or request.method not in ("GET", "HEAD"):
        return None
    try:
        if not request.args.get("query"):
            return None
    except UnicodeDecodeError:  # bytes that are not UTF-8: the endpoint answers its own 400
        return None
    app_state = state()
    version = app_state.store.version
    key = sparql_key(version)
    g.aigraph_cache = (key, version)
    if key in request.if_none_match:
        _count_against_limit()
        response = Response(status=304)
        response.set_etag(key)
        response.headers["AIGraph-Cache"] = "revalidated"
        return response
    cache: ResultCache | None = g_cache()
    entry = cache.get(key, version) if cache is not None else None
    if entry is None:
        return None
    _count_against_limit()
    response = Response(entry.body, headers=list(entry.headers))
    response.set_etag(key)
    response.headers["AIGraph-Cache"] = "hit"
    return response


def _count_against_limit() -> None:
    """Count an answer from the cache against the client's rate limit, as the view would.

    The limit sits on the endpoint's view, which a cached answer never reaches; without this a
    client over its limit would go on getting answers. Raises the limiter's 429 past the limit.
    """
    from flask import current_app

    limiter = current_app.extensions.get("limiter")
    if limiter is not None and state().settings.rate_limit.strip():
        limiter.check()


def g_cache() -> ResultCache | None:
    """The running application's result cache (None when the setting turns it off)."""
    from flask import current_app

    return g_cache_of(current_app)


def g_cache_of(app: Flask) -> ResultCache | None:
    """``app``'s result cache (None when the setting turns it off)."""
    return app.extensions.get("aigraph_result_cache")


def _after(response: Response) -> Response:
    """Keep fresh /sparql answers; give every other GET answer an ETag and its 304."""
    if request.method not in ("GET", "HEAD"):
        return response
    max_age = int(state().settings.http_max_age)
    marked = g.get("aigraph_cache")
    if marked is not None:
        key, version = marked
        if response.status_code == 200 and response.mimetype != "text/html" \
                and not response.is_streamed and "AIGraph-Cache" not in response.headers:
            cache = g_cache()
            if cache is not None:
                headers = tuple((name, response.headers[name]) for name in KEPT_HEADERS
                                if name in response.headers)
                cache.put(key, version, Entry(response.get_data(), headers))
            response.set_etag(key)
            response.headers["AIGraph-Cache"] = "miss"
        if response.status_code in (200, 304):
            _cache_control(response, max_age)
        return response
    if response.status_code == 200 and not response.direct_passthrough \
            and "ETag" not in response.headers and not response.is_streamed:
        response.add_etag()
        _cache_control(response, max_age)
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """Install the result cache and the conditional-GET handling on ``app``."""
    megabytes = int(app.extensions["aigraph"].settings.result_cache_mb)
    if megabytes > 0:
        app.extensions["aigraph_result_cache"] = ResultCache(megabytes * 2**20)
    app.before_request(_before)
    app.after_request(_after)
