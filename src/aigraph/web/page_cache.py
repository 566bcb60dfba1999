"""The rendered-page cache: whole answers of the public pages, kept per data version.

Every page listed in ``CACHED_ENDPOINTS`` is computed from the data alone, so the same request
on the same data version gives the same bytes. A GET or HEAD from a visitor without a personal
session (no logged-in curator, no remember-me cookie, no flashed message waiting) is keyed on
the data version, the site's base URL, the path and query string, the page's language (from
``?lang``, the ``lang`` cookie or ``Accept-Language``) and the ``Accept`` header; the key's hash
is the answer's strong ``ETag``. A matching ``If-None-Match`` gets a bodiless 304, a key seen
before is answered from a per-process LRU bounded by the ``page_cache_mb`` setting, and a miss
renders as usual and is kept when nothing personal went into it (no CSRF token generated, no
session change, no cookie set by the view).

Answers from the cache go through the same ``after_request`` chain as rendered ones, so the
language cookie, the security headers (``aigraph.web.security``) and the rate-limit headers are
the same; the rate limit of an expensive page is counted with ``limiter.check()`` because the
limited view never runs. Install with ``init_app`` after ``security.init_app``, so the URL
checks run first and the view's own headers are what gets kept.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request, session

from aigraph.web import i18n
from aigraph.web.caching import data_version
from aigraph.web.http_cache import Entry, ResultCache
from aigraph.web.state import state

#: Where the cache lives, in ``app.extensions``.
KEY = "aigraph_page_cache"
#: Pages whose answer depends on the data version, the address, the language and Accept only.
CACHED_ENDPOINTS = frozenset({
    "home.index", "about.about", "entities.entity", "paths.index", "paths.show",
    "paths.show_json", "paths.lineage", "paths.following", "paths.between", "timeline.index",
    "search.search_page", "licensing.show", "sparql.endpoint", "editor.examples_json",
    "editor.vocabulary_json",
})
#: Session keys that make a page personal: a logged-in curator, messages waiting to be shown.
PERSONAL_SESSION_KEYS = ("_user_id", "_flashes")
#: Headers set per answer, never kept with a page.
UNKEPT_HEADERS = frozenset({"set-cookie", "etag", "cache-control", "content-length", "date",
                            "aigraph-cache"})
#: Request headers every cached page varies on (the key holds what they choose).
VARY = ("Accept", "Accept-Language", "Cookie")
#: What ``g`` holds on a request the cache looked at: (key, data version).
_MARK = "aigraph_page_key"


def page_cache(app: Flask | None = None) -> ResultCache | None:
    """Return the application's page cache (None when ``page_cache_mb`` is 0)."""
    return (app or current_app).extensions.get(KEY)


def _personal() -> bool:
    """Tell whether the request carries someone's session, so its page may be theirs alone."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if remember in request.cookies:
        return True
    return any(name in session for name in PERSONAL_SESSION_KEYS)


def _applies() -> bool:
    """Tell whether the current request asks for a page the cache may answer."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return False
    if request.endpoint == "sparql.endpoint":
        # Only the editor page: query answers have their own cache (http_cache).
        raw = request.query_string
        if b"query=" in raw or b"update=" in raw:
            return False
    return not _personal()


def page_key(version: str, lang: str) -> str:
    """Return the cache key and ETag of the current request's page on data ``version``."""
    digest = hashlib.blake2b(digest_size=16)
    for part in ("page", version, request.host_url, request.script_root, request.path,
                 request.query_string.decode("latin-1"), lang,
                 request.headers.get("Accept", "")):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _finish(response: Response, key: str, how: str) -> Response:
    """Give a cacheable answer its ETag, Cache-Control and Vary, the same on hit and miss."""
    response.set_etag(key)
    max_age = int(state().settings.http_max_age)
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if max_age > 0 \
        else "no-cache"
    for name in VARY:
        response.vary.add(name)
    response.headers["AIGraph-Cache"] = how
    return response


def _count_against_limit() -> None:
    """Count a cached answer against the rate limit its view would have counted it on.

    The limits sit on the views, which a cached answer never reaches. Raises the limiter's
    429 past the limit; pages without a limit count nothing.
    """
    limiter = current_app.extensions.get("limiter")
    if limiter is not None:
        limiter.check()


def _before() -> Response | None:
    """Answer a page from its ETag or the cache when possible; otherwise mark it for keeping."""
    cache = page_cache()
    if cache is None or not _applies():
        return None
    version = data_version()
    key = page_key(version, i18n.current())
    g.setdefault(_MARK, (key, version))
    # Weak comparison, as If-None-Match asks: a proxy that compresses may weaken the tag.
    if request.if_none_match.contains_weak(key):
        _count_against_limit()
        return _finish(Response(status=304), key, "revalidated")
    entry = cache.get(key, version)
    if entry is None:
        return None
    _count_against_limit()
    return _finish(Response(entry.body, headers=list(entry.headers)), key, "hit")


def _keepable(response: Response) -> bool:
    """Tell whether a rendered answer is the same for every visitor, so it may be kept."""
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return False
    if "Set-Cookie" in response.headers or session.modified:
        return False
    if "no-store" in response.headers.get("Cache-Control", "") or \
            "private" in response.headers.get("Cache-Control", ""):
        return False
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:  # a form token went into the page
        return False
    user = g.get("_login_user")
    return not (user is not None and getattr(user, "is_authenticated", False))


def _after(response: Response) -> Response:
    """Keep a freshly rendered page that is the same for everyone, and mark it like a hit."""
    marked = g.get(_MARK)
    if marked is None or "AIGraph-Cache" in response.headers or not _keepable(response):
        return response
    key, version = marked
    cache = page_cache()
    if cache is not None:
        headers = tuple((name, value) for name, value in response.headers.items()
                        if name.lower() not in UNKEPT_HEADERS)
        cache.put(key, version, Entry(response.get_data(), headers))
    return _finish(response, key, "miss")


def init_app(app: Flask) -> None:
    """Install the page cache on ``app`` (after ``security.init_app``)."""
    megabytes = int(app.extensions["aigraph"].settings.page_cache_mb)
    if megabytes <= 0:
        return
    app.extensions[KEY] = ResultCache(megabytes * 2**20)
    app.before_request(_before)
    # Registered last, so it runs first: it sees the view's own headers, before the others add
    # theirs (they add the same ones to cached answers).
    app.after_request(_after)
