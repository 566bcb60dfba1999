"""Render the site's main pages once in a new web worker, before visitors ask for them.

A worker builds its per-version values (the label index, the reading paths, the timeline's
entries, the licensing tables) and fills its page cache on the first visit of each page: that
first visit is the slowest answer the worker ever gives, and without this step a visitor pays
for it. ``warm`` asks for the pages through the application itself, as an anonymous visitor in
each language, from a background thread of the worker (``aigraph.production``), and logs what
it did. It changes nothing: only GETs, and every failure is logged and skipped.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from aigraph.i18n import LANGUAGES

log = logging.getLogger("aigraph")

#: Pages rendered at start: the ones every visit passes through and that build the shared
#: values (search builds the label index; the editor its examples and vocabulary).
PAGES = ("/", "/timeline", "/paths/", "/search?q=model", "/sparql", "/sparql/examples.json",
         "/sparql/vocabulary.json")
#: The address the warm-up requests come from: its own rate-limit bucket, no one else's.
ADDRESS = "127.0.0.254"


def warm(app: Flask, pages: tuple[str, ...] = PAGES) -> dict[str, int]:
    """Render ``pages`` in every language; return each page's status (the last language's)."""
    started = time.perf_counter()
    client = app.test_client()
    statuses: dict[str, int] = {}
    for lang in LANGUAGES:
        for page in pages:
            try:
                response = client.get(page, headers={"Accept-Language": lang},
                                      environ_base={"REMOTE_ADDR": ADDRESS})
                statuses[page] = response.status_code
                response.close()
            except Exception as error:  # a page that fails now fails for its visitor too
                log.warning("warm-up of %s failed: %s", page, error)
                statuses[page] = 0
    log.info("warm-up: %d pages in %s in %.1f s", len(pages), "/".join(LANGUAGES),
             time.perf_counter() - started)
    return statuses
