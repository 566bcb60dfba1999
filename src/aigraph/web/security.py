"""Own the site's protective layer: rate limits, security headers, cookies and request limits.

``init_app`` installs, on one application:

* a Flask-Limiter ``Limiter`` (one per application, in ``app.extensions["limiter"]``) with
  the ``rate_limit`` setting on /sparql and the expensive pages, 429 with ``Retry-After``
  past it; curators are exempt, logged in or with a valid API token. Other modules limit their own routes with
  ``limit_endpoint(app, endpoint, "5 per minute")`` after registering them;
* headers on every answer: a Content-Security-Policy with no inline script or style,
  ``X-Content-Type-Options``, ``Referrer-Policy``, ``frame-ancestors``, HSTS over HTTPS;
  the ``Secure`` flag on cookies when served over HTTPS (or ``secure_cookies``);
* the endpoint's own 414 for over-long URLs, a body-size cap, and a last-resort 500 page
  that never shows a stack trace (the trace goes to the log);
* ``ProxyFix`` for ``trusted_proxies`` reverse proxies, so limits count real clients.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from aigraph.errors import STORE_RETRY_AFTER, AigraphError, StoreError, StoreTimeout
from aigraph.web.state import state

log = logging.getLogger("aigraph.errors")

#: Routes the ``rate_limit`` setting applies to: the endpoint and the pages that compute.
LIMITED_ENDPOINTS = ("sparql.endpoint", "paths.between", "paths.lineage", "search.search_page")
#: Largest request body any route reads (queries are capped lower by max_query_bytes).
MAX_BODY_BYTES = 16 * 2**20
#: No script, style, frame or plugin from anywhere but the site itself, and no inline code.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"
#: Longest ``Authorization`` value looked at; API tokens are about 60 characters.
MAX_AUTHORIZATION_CHARS = 256


def curator_signed_in() -> bool:
    """Tell whether a logged-in curator makes the request (Flask-Login, when installed)."""
    if "login_manager" not in getattr(current_app, "extensions", {}) and \
            not hasattr(current_app, "login_manager"):
        return False
    try:
        from flask_login import current_user
    except ImportError:
        return False
    return bool(getattr(current_user, "is_authenticated", False))


def _token_digests(app: Flask) -> dict[str, str]:
    """Map each API token's id to its digest, re-read only when the accounts file changes."""
    path = Path(state().settings.accounts_file)
    try:
        stat = path.stat()
    except OSError:
        return {}
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = app.extensions.get("aigraph_token_digests")
    if cached is None or cached[0] != key:
        from aigraph.accounts import Accounts

        index = {t.id: t.digest for account in Accounts(path).list() for t in account.tokens}
        cached = app.extensions["aigraph_token_digests"] = (key, index)
    return cached[1]


def token_holder() -> bool:
    """Tell whether the request carries a valid API token, checking it once per request.

    Cheap for any header a client sends: a bounded length, one dictionary lookup by the
    token's public id and one SHA-256 (tokens are random, so no slow hash is needed); the
    accounts file is parsed again only when it changes.
    """
    if "aigraph_token_holder" in g:
        return g.aigraph_token_holder
    valid = False
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and len(header) <= MAX_AUTHORIZATION_CHARS:
        token_id, _, secret = token.strip().partition(".")
        known = _token_digests(current_app).get(token_id) if secret else None
        if known is not None:
            digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
            valid = hmac.compare_digest(known, digest)
    g.aigraph_token_holder = valid
    return valid


def limiter(app: Flask | None = None) -> Limiter:
    """Return the application's Limiter (``init_app`` creates it)."""
    return (app or current_app).extensions["limiter"]


def limit_endpoint(app: Flask, endpoint: str, limit: str | Callable[[], str],
                   exempt_when: Callable[[], bool] | None = None) -> None:
    """Put ``limit`` (Flask-Limiter notation) on the registered view ``endpoint`` of ``app``."""
    view = app.view_functions[endpoint]
    app.view_functions[endpoint] = limiter(app).limit(limit, exempt_when=exempt_when)(view)


def _rate_limit_exempt() -> bool:
    return not state().settings.rate_limit.strip() or curator_signed_in() or token_holder()


def _rate_limit() -> str:
    return state().settings.rate_limit.strip() or "1000000 per second"


def _install_limiter(app: Flask) -> None:
    settings = app.extensions["aigraph"].settings
    app.config.setdefault("RATELIMIT_STORAGE_URI", settings.rate_limit_storage)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.extensions["limiter"] = Limiter(get_remote_address, app=app)
    if not settings.rate_limit.strip():
        # Off: no per-request limiter work at all (it costs a Flask-Limiter evaluation,
        # about a fifth of a millisecond, on every request of these routes otherwise).
        return
    for endpoint in LIMITED_ENDPOINTS:
        if endpoint in app.view_functions:
            limit_endpoint(app, endpoint, _rate_limit, exempt_when=_rate_limit_exempt)


def _secure_request() -> bool:
    return request.is_secure


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    secure = _secure_request()
    if secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if secure or state().settings.secure_cookies:
        cookies = headers.getlist("Set-Cookie")
        if cookies:
            headers.setlist("Set-Cookie", [c if "; secure" in c.lower() else c + "; Secure"
                                           for c in cookies])
    # Software and versions are nobody's business (a WSGI server may still add its name).
    headers.pop("X-Powered-By", None)
    return response


def _check_url():
    """Refuse over-long URLs; make a query string of raw non-ASCII bytes parseable."""
    raw = request.environ.get("QUERY_STRING", "")
    if not raw.isascii():
        # Raw bytes past ASCII are not a valid URL; escaping them lets every reader of the
        # arguments (error pages included) parse it, and strict readers see bad UTF-8.
        escaped = quote(raw.encode("latin-1", "replace"), safe="&=+%;/?:@,$!*'()~")
        request.environ["QUERY_STRING"] = escaped
        request.query_string = escaped.encode("ascii")  # read from the environ once, before
    limit = state().settings.max_url_bytes
    size = len(request.environ.get("PATH_INFO", "")) + \
        len(request.environ.get("QUERY_STRING", ""))
    if size > limit:
        raise AigraphError(gettext("The address is longer than %(limit)s bytes. Send long "
                                   "queries with POST.", limit=limit), status=414)
    return None


def _store_down(error: StoreError):
    """Answer a store that cannot be reached with 503 and Retry-After, in the asked format."""
    from aigraph.web import errors, sparql

    error.status = 503
    error.retry_after = STORE_RETRY_AFTER
    if request.blueprint == "sparql":
        return sparql.render_error(error)
    if request.endpoint == "home.healthz":
        body = {"status": "slow" if isinstance(error, StoreTimeout) else "unavailable",
                "store": state().store.kind, "error": error.message}
        return body, 503, {"Retry-After": str(STORE_RETRY_AFTER)}
    message = gettext("The data store cannot be reached right now, so this page cannot be "
                      "shown. Please try again in a moment.") + f" ({error.message})"
    response = current_app.make_response(errors.error_response(503, message))
    response.headers["Retry-After"] = str(STORE_RETRY_AFTER)
    return response


def _too_many(error):
    """Answer a client over its rate limit: 429 in the format its route speaks."""
    from aigraph.web import errors, sparql

    message = gettext("Too many requests from your address (limit: %(limit)s). Please wait "
                      "a little before trying again.", limit=error.description)
    if request.blueprint == "sparql":
        return sparql.render_error(AigraphError(message, status=429))
    return errors.error_response(429, message)


def _unexpected(error: Exception):
    """Log an unexpected error with its trace and show a plain 500 page without it."""
    from werkzeug.exceptions import HTTPException

    from aigraph.web import errors

    if isinstance(error, HTTPException):  # handled by the pages' own handler
        return error
    log.exception("unexpected error on %s %s", request.method, request.path)
    return errors.error_response(500, gettext("Something went wrong on our side. The error has "
                                             "been logged; please try again later."))


def init_app(app: Flask) -> None:
    """Install the limiter, headers, limits and error pages (after the blueprints)."""
    settings = app.extensions["aigraph"].settings
    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY_BYTES)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.secure_cookies,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_SECURE=settings.secure_cookies)
    app.before_request(_check_url)
    # First in the list, so it runs last: after every other handler has set its cookies.
    app.after_request_funcs.setdefault(None, []).insert(0, _headers)
    app.register_error_handler(StoreError, _store_down)
    app.register_error_handler(429, _too_many)
    app.register_error_handler(Exception, _unexpected)
    _install_limiter(app)
