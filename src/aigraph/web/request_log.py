"""Write one structured log line (JSON) per request: route, status, time and query time.

Lines go to the ``aigraph.requests`` logger. They hold the method, the route pattern (not the
full URL, whose query string may carry a user's text), the status, the milliseconds spent and,
for SPARQL queries, the time the query took. Nothing from the request's headers, cookies or
body is written, so no password, token or ``Authorization`` value can reach the log.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from flask import Flask, g, request

log = logging.getLogger("aigraph.requests")


def _start() -> None:
    g.aigraph_started = time.perf_counter()


def _record(response):
    write(request.method, request.url_rule.rule if request.url_rule is not None else None,
          request.endpoint, response.status_code, g.pop("aigraph_started", None),
          g.get("aigraph_query_ms"))
    return response


def write(method: str, route: str | None, endpoint: str | None, status: int,
          started: float | None, query_ms: float | None = None) -> None:
    """Log one request; ``started`` is its ``time.perf_counter()`` at arrival."""
    entry = {
        "method": method,
        "route": route,
        "endpoint": endpoint,
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
    }
    if query_ms is not None:
        entry["query_ms"] = round(query_ms, 1)
    log.info(json.dumps(entry, sort_keys=True))


def init_app(app: Flask) -> None:
    """Log every request of ``app`` as one JSON line on ``aigraph.requests``."""
    if not log.handlers:  # once per process, however many applications
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    # First of the before-request functions: one that answers early (a cache hit) must not
    # leave its request untimed.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_record)
