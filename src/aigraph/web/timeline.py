"""The timeline: every milestone by date, filtered by category, importance, organization, decade.

One named query gives every milestone with its facets; filtering and counting happen here, so
the page is a plain GET form that works without JavaScript and each option shows how many
milestones it would leave. The matching milestones come in pages of ``timeline_page_size``
(``?page=N``, with the same filters): without JavaScript the page links to the next one; with
it, site.js appends the next page when its link scrolls into view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext
from rdflib import Literal

from aigraph import queries
from aigraph.namespaces import entity_iri, slug_of
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.caching import catalog, per_version
from aigraph.web.entity_page import IMPORTANCE_KEYS
from aigraph.web.routing import entity_url
from aigraph.web.state import state

bp = Blueprint("timeline", __name__)

FACETS = ("category", "importance", "organization", "decade")
#: A filter lists at most this many values, those with the most milestones (and the chosen
#: one): a list of thousands helps no one and costs every page its rendering.
MAX_OPTIONS = 300
IMPORTANCE_ORDER = ("landmark", "high", "medium", "low")


@dataclass(frozen=True)
class Item:
    """One milestone on the timeline."""

    slug: str
    url: str
    title: str
    date: str
    iso_date: str
    year: int
    importance: str
    importance_label: str
    description: str
    categories: list[dict]
    organizations: list[dict]


@dataclass(frozen=True)
class Option:
    """One choice of a filter, with how many milestones it leaves."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """One filter of the form."""

    name: str
    label: str
    options: list[Option]
    selected: str = ""
    #: Options left out of a long list (those with the fewest milestones; see MAX_OPTIONS).
    hidden: int = 0


@dataclass
class TimelinePage:
    """The filtered timeline, grouped by year, with the filter form."""

    total: int
    shown: int
    facets: list[Facet]
    years: list[dict] = field(default_factory=list)
    active: list[dict] = field(default_factory=list)
    number: int = 1
    pages: int = 1
    next_url: str = ""
    previous_url: str = ""
    remaining: int = 0


def _facet_labels() -> dict[str, str]:
    return {"category": gettext("Category"), "importance": gettext("Importance"),
            "organization": gettext("Organization"), "decade": gettext("Decade")}


def _value(row, name: str) -> str:
    term = row[name]
    return term.value if term is not None else ""


def _milestones(store: Store, lang: str) -> list[dict]:
    """Every milestone with its facets, from one query (kept per data version and language)."""
    items = []
    for row in queries.stream(store, "timeline/milestones", lang=Literal(lang)):
        iso = _value(row, "date")[:10]
        year = int(iso[:4])
        precision = _value(row, "precision").rsplit("#", 1)[-1]
        precision = precision.removesuffix("Precision").lower() or "day"
        importance = IMPORTANCE_KEYS.get(_value(row, "importance"), "")
        categories = [c for c in _value(row, "categories").split() if slug_of(c)]
        organizations = [o for o in _value(row, "organizations").split() if slug_of(o)]
        items.append({
            "iri": _value(row, "milestone"), "iso": iso, "year": year, "precision": precision,
            "importance_iri": _value(row, "importance"),
            "description": _value(row, "description"),
            "category": {slug_of(c) for c in categories},
            "organization": {slug_of(o) for o in organizations},
            "importance": {importance} if importance else set(),
            "decade": {str(year // 10 * 10)},
        })
    return items


class _Milestones:
    """The milestones of one data version and language, indexed for filtering: for each facet
    and value, the positions (in date order) of the milestones that have it."""

    def __init__(self, items: list[dict]):
        self.items = items
        self.postings: dict[str, dict[str, set[int]]] = {facet: {} for facet in FACETS}
        for number, item in enumerate(items):
            for facet in FACETS:
                for value in item[facet]:
                    self.postings[facet].setdefault(value, set()).add(number)
        #: Each milestone as shown (by the timeline's address and IRI), built the first time
        #: a page shows it.
        self.shown_as: dict[tuple[str, str], Item] = {}

    def matching(self, chosen: dict[str, str], skip: str | None = None) -> set[int] | None:
        """Positions of the milestones with every chosen value (but ``skip``'s); None: all."""
        found: set[int] | None = None
        for facet, value in chosen.items():
            if facet == skip:
                continue
            having = self.postings[facet].get(value, set())
            found = set(having) if found is None else found & having
        return found

    def counts(self, facet: str, chosen: dict[str, str]) -> Counter:
        """How many milestones each value of ``facet`` would leave, given the other choices."""
        base = self.matching(chosen, facet)
        if base is None:
            return Counter({value: len(having) for value, having in self.postings[facet].items()})
        return Counter(v for number in base for v in self.items[number][facet])


def _facet(facet: str, title: str, data: _Milestones, index, lang: str,
           chosen: dict[str, str]) -> Facet:
    """One filter of the form: its values with how many milestones each would leave."""
    counts = data.counts(facet, chosen)
    options = []
    for value in data.postings[facet]:
        if facet in ("category", "organization"):
            label = index.label(entity_iri(value), lang)
        elif facet == "importance":
            iri = next(i for i, k in IMPORTANCE_KEYS.items() if k == value)
            label = index.label(iri, lang)
        else:
            label = gettext("%(decade)ss", decade=value)
        options.append(Option(value, label, counts.get(value, 0),
                              chosen.get(facet) == value))
    hidden = 0
    if len(options) > MAX_OPTIONS:
        options.sort(key=lambda o: (not o.selected, -o.count, o.label.casefold(), o.value))
        hidden = len(options) - MAX_OPTIONS
        options = options[:MAX_OPTIONS]
    if facet == "importance":
        options.sort(key=lambda o: IMPORTANCE_ORDER.index(o.value))
    elif facet == "decade":
        options.sort(key=lambda o: o.value)
    else:
        options.sort(key=lambda o: o.label.casefold())
    return Facet(facet, title, options, chosen.get(facet, ""), hidden)


def timeline(store: Store, lang: str, chosen: dict[str, str], number: int = 1,
             size: int = 0) -> TimelinePage:
    """Return the milestones matching ``chosen`` (facet -> value), with counts per option.

    ``number`` is the page (from 1) of ``size`` milestones to show; 0 shows them all.
    """
    index = catalog()
    data = per_version(f"timeline:{lang}", lambda s: _Milestones(_milestones(s, lang)))
    items = data.items
    base = url_for("timeline.index")
    chosen = {k: v for k, v in chosen.items() if k in FACETS and v}

    labels = _facet_labels()
    facets = [_facet(facet, labels[facet], data, index, lang, chosen) for facet in FACETS]
    matching = data.matching(chosen)
    positions = range(len(items)) if matching is None else sorted(matching)
    page = TimelinePage(total=len(items), shown=len(positions), facets=facets)
    for facet, value in chosen.items():
        option = next((o for f in facets if f.name == facet for o in f.options
                       if o.value == value), None)
        rest = {k: v for k, v in chosen.items() if k != facet}
        page.active.append({"facet": labels[facet], "label": option.label if option else value,
                            "clear_url": url_for("timeline.index", **rest)})
    _paginate(page, chosen, number, size)
    if size > 0:
        positions = positions[(page.number - 1) * size:page.number * size]
    by_year: dict[int, list[Item]] = {}
    for position in positions:
        item = items[position]
        shown = data.shown_as.get((base, item["iri"]))
        if shown is None:
            shown = data.shown_as[(base, item["iri"])] = _item(item, index, lang, base)
        by_year.setdefault(item["year"], []).append(shown)
    page.years = [{"year": year, "items": entries} for year, entries in by_year.items()]
    return page


def _paginate(page: TimelinePage, chosen: dict[str, str], number: int, size: int) -> None:
    """Set the page number, the page count and the links to the pages around it."""
    if size <= 0:
        return
    page.pages = max(1, -(-page.shown // size))
    page.number = min(max(1, number), page.pages)
    if page.number < page.pages:
        page.next_url = url_for("timeline.index", **chosen, page=page.number + 1)
        page.remaining = page.shown - page.number * size
    if page.number > 1:
        previous = page.number - 1
        page.previous_url = url_for("timeline.index", **chosen,
                                    **({"page": previous} if previous > 1 else {}))


def _item(item: dict, index, lang: str, base: str) -> Item:
    slug = slug_of(item["iri"]) or ""

    def named(slugs: set[str], facet: str) -> list[dict]:
        found = [{"slug": s, "label": index.label(entity_iri(s), lang), "url": entity_url(s),
                  "filter_url": f"{base}?{facet}={s}"} for s in slugs]
        return sorted(found, key=lambda d: d["label"].casefold())

    importance = next(iter(item["importance"]), "")
    return Item(slug=slug, url=entity_url(slug),
                title=index.label(item["iri"], lang),
                date=i18n.format_short_day(item["iso"], lang, item["precision"]),
                iso_date=item["iso"], year=item["year"], importance=importance,
                importance_label=index.label(item["importance_iri"], lang)
                if importance else "",
                description=item["description"], categories=named(item["category"], "category"),
                organizations=named(item["organization"], "organization"))


@bp.get("/timeline")
def index():
    """Show the milestones by date, filtered by the GET form's choices."""
    chosen = {facet: request.args.get(facet, "").strip() for facet in FACETS}
    if request.args.get("format") == "json":
        page = timeline(state().store, i18n.current(), chosen)
        return jsonify({"total": page.total, "shown": page.shown,
                        "milestones": [item.__dict__ for year in page.years
                                       for item in year["items"]]})
    number = request.args.get("page", "1")
    number = int(number) if number.isdigit() else 1
    page = timeline(state().store, i18n.current(), chosen, number,
                    int(state().settings.timeline_page_size))
    return render_template("timeline/index.html", page=page)
