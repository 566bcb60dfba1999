"""The home page (what the graph holds, featured paths, latest milestones) and the health check."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request

from aigraph import queries
from aigraph.catalog import CLASS_KEYS
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.caching import catalog, per_version
from aigraph.web.entity_page import Link, link_to
from aigraph.web.kinds import kind_names
from aigraph.web.paths_views import PathCard, path_cards
from aigraph.web.state import state

bp = Blueprint("home", __name__)

#: Classes counted on the home page, in the order shown.
COUNTED = ("milestone", "model", "organization", "license", "category", "path")


@dataclass(frozen=True)
class Count:
    """How many entities of one kind the graph holds."""

    kind: str
    label: str
    count: int
    count_text: str


@dataclass(frozen=True)
class HomePage:
    """What the home page shows."""

    counts: list[Count]
    triples: str
    paths: list[PathCard]
    latest: list[Link]


def home_page(store: Store, lang: str) -> HomePage:
    """Gather the counts, the reading paths and the latest milestones."""
    names = kind_names()
    found = {CLASS_KEYS.get(str(row["class"])): int(row["count"])
             for row in queries.select(store, "core/class_counts")}
    counts = [Count(kind, names[kind], found.get(kind, 0),
                    i18n.format_number(found.get(kind, 0), lang)) for kind in COUNTED]
    index = catalog()
    latest = [link_to(index, str(row["milestone"]), lang)
              for row in queries.select(store, "home/latest")]
    return HomePage(counts, i18n.format_number(store.triple_count(), lang),
                    path_cards(store, lang), latest)


@bp.get("/")
def index():
    """Show what the graph holds, the reading paths, the latest milestones and a search box."""
    lang = i18n.current()
    # Counts and lists change only with the data: gathered once per data version and language.
    page = per_version(f"home:{lang}:{request.script_root}", lambda store: home_page(store, lang))
    return render_template("home/index.html", page=page)


@bp.get("/healthz")
def healthz():
    """Answer 200 once the store answers queries."""
    store = state().store
    return {"status": "ok", "store": store.kind, "triples": store.triple_count()}

