"""The search page and the autocomplete: ``/search?q=`` as HTML, or JSON with ``format=json``.

Matching lives in ``aigraph.catalog``; this view turns its matches into hits with a label in the
page language, a kind name and a URL, groups them by kind, and gives the 404 page its
suggestions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import Blueprint, jsonify, render_template, request

from aigraph import catalog as labels
from aigraph.catalog import Entry
from aigraph.web import i18n
from aigraph.web.caching import catalog, texts
from aigraph.web.kinds import KIND_ORDER, kind_name, kind_names, kind_singular_names
from aigraph.web.routing import entity_url
from aigraph.web.state import state

bp = Blueprint("search", __name__)

MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    """One search result, ready for a template or JSON."""

    slug: str
    label: str
    kind: str
    kind_label: str
    url: str
    score: float
    date: str = ""
    matched: str = ""

    def as_json(self) -> dict:
        """The hit as a JSON object."""
        return {"id": self.slug, "label": self.label, "kind": self.kind,
                "kind_label": self.kind_label, "url": self.url, "score": round(self.score, 3),
                "date": self.date, "matched": self.matched}


@dataclass(frozen=True)
class Results:
    """The results of one search, in rank order and grouped by kind."""

    query: str
    hits: list[Hit]
    groups: list[dict]
    total: int


def _hit(entry: Entry, score: float, lang: str, matched: str = "",
         kinds: dict[str, str] | None = None) -> Hit:
    kind_label = kinds.get(entry.kind, entry.kind) if kinds is not None else kind_name(entry.kind)
    return Hit(slug=entry.slug or "", label=entry.label(lang), kind=entry.kind,
               kind_label=kind_label, url=entity_url(entry.slug or ""),
               score=score, date=i18n.format_short_day(entry.date, lang, entry.precision)
               if entry.date else "", matched=matched)


def _rank(score: float, kind: str, label: str) -> tuple:
    order = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
    return (-score, order, label.lower())


def search(text: str, lang: str, limit: int = 50) -> Results:
    """Find entities by label, other name or description, tolerating typos; best first."""
    text = text.strip()[:MAX_QUERY]
    index = catalog()
    found = labels.search(state().store, index, text, texts())
    # Rank on the entries first; only the hits kept are formatted (dates, names, URLs).
    found.sort(key=lambda m: _rank(m.score, index.entries[m.iri].kind,
                                   index.entries[m.iri].label(lang)))
    singular = kind_singular_names()
    hits = [_hit(index.entries[m.iri], m.score, lang, m.matched, singular)
            for m in found[:limit]]
    names = kind_names()
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.kind].append(hit)
    groups = [{"kind": kind, "title": names.get(kind, kind), "hits": grouped[kind]}
              for kind in KIND_ORDER if grouped.get(kind)]
    return Results(text, hits, groups, len(found))


def suggest(text: str, limit: int = 5) -> list[Hit]:
    """Suggest entities close to a mistyped slug or name (the 404 page, paths between)."""
    lang = i18n.current()
    index = catalog()
    singular = kind_singular_names()
    return [_hit(index.entries[m.iri], m.score, lang, kinds=singular)
            for m in index.suggest(text, limit=limit)]


@bp.get("/search")
def search_page():
    """Show the search form and results, or JSON results for an autocomplete (?format=json)."""
    text = request.args.get("q", "")
    as_json = request.args.get("format") == "json"
    results = search(text, i18n.current(), limit=10 if as_json else 50)
    if as_json:
        return jsonify({"query": results.query, "total": results.total,
                        "results": [h.as_json() for h in results.hits]})
    return render_template("search/index.html", results=results)
