"""Values the site computes once per data version: the version itself and the label index.

``per_version`` keeps any value built from the store on the application until the store's data
version changes; ``catalog`` is the label index (``aigraph.catalog``) kept that way, and
``texts`` the entities' texts that search scans for substrings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g

from aigraph.catalog import Catalog, Texts
from aigraph.store import Store
from aigraph.web.state import state

T = TypeVar("T")


def data_version() -> str:
    """Return the store's data version, asked once per request (a remote store runs a query)."""
    if "aigraph_version" not in g:
        g.aigraph_version = state().store.version
    return g.aigraph_version


def per_version(name: str, build: Callable[[Store], T]) -> T:
    """Return ``build(store)``, computed once per data version and kept on the application."""
    version = data_version()
    cache: dict[str, tuple[str, Any]] = current_app.extensions.setdefault("aigraph_pages", {})
    entry = cache.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = build(state().store)
    cache[name] = (version, value)
    return value


def catalog() -> Catalog:
    """Return the label index for the current data version."""
    return per_version("catalog", Catalog.load)


def texts() -> Texts:
    """Return the entities' texts for substring search, for the current data version."""
    return per_version("texts", Texts.load)
