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


#: One of each kind of page that builds a per-version value of its own: a reading path and
#: an entity page (the path graph and every path's members), a generated lineage.
EXAMPLES = """PREFIX aig: <https://w3id.org/aigraph/ontology#>
SELECT ?path ?milestone ?model WHERE {
  { SELECT ?path WHERE { ?path a aig:ReadingPath } ORDER BY ?path LIMIT 1 }
  { SELECT ?milestone WHERE { ?milestone a aig:Milestone ; aig:buildsOn ?earlier }
    ORDER BY ?milestone LIMIT 1 }
  { SELECT ?model WHERE { ?model a aig:Model } ORDER BY ?model LIMIT 1 }
}"""


def example_pages(app: Flask) -> tuple[str, ...]:
    """A reading path, a lineage and an entity page of the current data (none if absent)."""
    from aigraph.namespaces import slug_of

    with app.app_context():
        rows = app.extensions["aigraph"].store.select(EXAMPLES).rows
    if not rows:
        return ()
    row = rows[0]
    return (f"/paths/{slug_of(str(row['path']))}",
            f"/paths/lineage/{slug_of(str(row['milestone']))}",
            f"/id/{slug_of(str(row['model']))}")


def warm(app: Flask, pages: tuple[str, ...] | None = None) -> dict[str, int]:
    """Render ``pages`` (default: the main pages and one of each kind, ``example_pages``) in
    every language; return each page's status (the last language's)."""
    started = time.perf_counter()
    if pages is None:
        try:
            pages = PAGES + example_pages(app)
        except Exception as error:  # the store is down: the main pages will say so
            log.warning("warm-up could not pick example pages: %s", error)
            pages = PAGES
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
