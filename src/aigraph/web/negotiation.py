"""Content negotiation for every resource: pick the media type from ``?format=`` or ``Accept``.

One parser and one rule serve the SPARQL endpoint and every page that also answers JSON or
RDF (entities, paths, the dataset, the ontology) and the error pages. The pure part works on
strings and is tested without Flask: an offer table maps each canonical media type, in the
server's order of preference, to the aliases that also select it (``application/json``
selects SPARQL JSON results); ``negotiate`` takes the offer the client rates highest, the
most specific matching range deciding its rating, and breaks ties by the server's order, so
the first offer answers ``*/*`` and a missing header. The formats themselves come from
``aigraph.formats``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import rdflib
from flask import Response, request
from flask_babel import gettext

from aigraph import formats
from aigraph.errors import BadRequest, NotAcceptable

__all__ = [
    "GRAPH_OFFERS", "HTML", "JSON", "RESULT_OFFERS", "Choice", "MediaRange", "NotAcceptable",
    "choose", "error_format", "negotiate", "negotiate_request", "offers", "parse_accept",
    "quality", "rdf_response", "wants_json",
]

HTML = "text/html"
JSON = "application/json"
XHTML = "application/xhtml+xml"

Offers = Mapping[str, Sequence[str]]

#: SELECT/ASK result types, the default first, with their aliases.
RESULT_OFFERS: dict[str, tuple[str, ...]] = {
    f.media_type: f.accept for f in formats.RESULT_FORMATS}
#: CONSTRUCT/DESCRIBE (and service description) graph types, the default first.
GRAPH_OFFERS: dict[str, tuple[str, ...]] = {
    f.media_type: f.accept for f in formats.GRAPH_FORMATS}

#: Graph formats pages send with a charset (the line-based ones, as they always have).
_PAGE_CHARSET = ("ttl", "nt")


# --- parsing and choosing (pure) ---------------------------------------------------------------

@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: ``type/subtype`` (either may be ``*``) and its quality."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """Return how closely this range names ``media_type`` (2 exact, 1 type/*, 0 */*), or -1."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, as HTTP clients expect."""
    ranges = []
    for part in (header or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def _rating(ranges: Sequence[MediaRange], media_type: str) -> tuple[int, float]:
    """Return (specificity, quality) of the most specific range naming ``media_type``."""
    best = (-1, 0.0)
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best[0]:
            best = (specificity, media_range.q)
    return best


def quality(ranges: Sequence[MediaRange], *names: str) -> float:
    """Return the quality the client gives a media type known by ``names`` (canonical first).

    The most specific range naming any of them decides, so ``application/sparql-results+json;
    q=0`` excludes SPARQL JSON even when ``*/*`` would accept its alias ``application/json``.
    """
    specificity, q = max(_rating(ranges, name) for name in names)
    return q if specificity >= 0 else 0.0


def negotiate(accept: str | None, offers: Offers) -> str | None:
    """Return the canonical offer the client prefers, or None when it accepts none of them.

    A missing or empty Accept header accepts everything, so the first offer wins.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return next(iter(offers), None)
    best, best_q = None, 0.0
    for canonical, aliases in offers.items():
        q = quality(ranges, canonical, *aliases)
        if q > best_q:
            best, best_q = canonical, q
    return best


@dataclass(frozen=True)
class Choice:
    """The endpoint's answer types: one for results, one for graphs (None: refused).

    ``page`` is True when a browser prefers the HTML editor to raw results.
    """

    results: str | None
    graph: str | None
    page: bool = False

    @property
    def any(self) -> bool:
        """True when at least one kind of answer is acceptable."""
        return self.results is not None or self.graph is not None


def choose(accept: str | None, format_name: str | None, *, page: bool = False) -> Choice:
    """Pick the endpoint's result and graph media types from ``?format=`` or else ``Accept``.

    ``?format=`` takes any name ``aigraph.formats`` knows (``json``, ``turtle``, a media type);
    an unknown one is a bad request, and an Accept header that no results or graph type meets
    is NotAcceptable. With ``page`` (a GET without ``?format=``), an Accept
    header that rates HTML above every result and graph type asks for the editor page;
    results come first among equals, so ``*/*`` still gets results.
    """
    if format_name:
        if formats.canonical(format_name) is None:
            names = ", ".join(f.name for f in formats.FORMATS)
            raise BadRequest(f"unknown format {format_name!r}; use one of {names}")
        results = formats.named(format_name, formats.RESULTS)
        graph = formats.named(format_name, formats.GRAPH)
        return Choice(results and results.media_type, graph and graph.media_type)
    if page and accept and negotiate(accept, {**RESULT_OFFERS, **GRAPH_OFFERS,
                                              HTML: (XHTML,)}) == HTML:
        return Choice(None, None, page=True)
    choice = Choice(negotiate(accept, RESULT_OFFERS), negotiate(accept, GRAPH_OFFERS))
    if not choice.any:
        offered = ", ".join([*RESULT_OFFERS, *GRAPH_OFFERS])
        raise NotAcceptable(f"none of the media types this request accepts can be produced; "
                            f"available: {offered}")
    return choice


def wants_json(accept: str | None, format_name: str | None = None) -> bool:
    """Tell whether an endpoint error should be JSON rather than plain text for this client."""
    if format_name:
        return formats.canonical(format_name) in ("json", "jsonld")
    table = {"text/plain": (), JSON: (formats.get("json").media_type,
                                      formats.get("jsonld").media_type)}
    return negotiate(accept, table) == JSON


# --- pages (read the current request) ----------------------------------------------------------

def offers(*, json: bool = False, rdf: Sequence[str] = formats.PAGE_RDF_NAMES
           ) -> dict[str, tuple[str, ...]]:
    """Build a page's offer table: HTML (with XHTML) first, then JSON, then the ``rdf`` formats.

    ``rdf`` lists short names from ``aigraph.formats``; pass ``()`` for a page without RDF.
    """
    table: dict[str, tuple[str, ...]] = {HTML: (XHTML,)}
    if json:
        table[JSON] = ()
    for name in rdf:
        fmt = formats.get(name)
        table[fmt.media_type] = fmt.accept
    return table


def _page_names() -> dict[str, str]:
    names = {"html": HTML, "json": JSON}
    names.update({f.name: f.media_type for f in formats.GRAPH_FORMATS})
    return names


#: The ``?format=`` values pages take: ``html``, ``json`` and the graph formats' short names.
PAGE_FORMAT_NAMES: dict[str, str] = _page_names()


def negotiate_request(table: Offers) -> str:
    """Pick the media type to answer the current request with: ``?format=``, else ``Accept``.

    ``table`` comes from ``offers``. Raise NotAcceptable when nothing in it fits.
    """
    asked = request.args.get("format")
    if asked:
        chosen = PAGE_FORMAT_NAMES.get(asked.strip().lower())
        if chosen not in table:
            raise NotAcceptable(_unavailable(table))
        return chosen
    chosen = negotiate(request.headers.get("Accept"), table)
    if chosen is None:
        raise NotAcceptable(_unavailable(table))
    return chosen


def _unavailable(table: Offers) -> str:
    names = ", ".join(name for name, media in PAGE_FORMAT_NAMES.items() if media in table)
    return gettext("None of the formats asked for is available here. Available formats: "
                   "%(names)s.", names=names)


def is_rdf(media_type: str) -> bool:
    """Tell whether ``media_type`` is one of the graph formats (so a page answers in RDF)."""
    return formats.by_media_type(media_type, formats.GRAPH) is not None


def alternates(endpoint: str, **values) -> list[dict]:
    """List a page's RDF alternates: ``media``, ``name`` and the ``url`` with ``?format=``."""
    from flask import url_for

    found = []
    for name in formats.PAGE_RDF_NAMES:
        fmt = formats.get(name)
        found.append({"media": fmt.media_type, "name": name,
                      "url": url_for(endpoint, format=name, **values)})
    return found


def rdf_response(graph: rdflib.Graph, media_type: str) -> Response:
    """Serialise ``graph`` as ``media_type`` (a graph format) into a response varying on Accept."""
    fmt = formats.by_media_type(media_type, formats.GRAPH)
    if fmt is None:
        raise ValueError(f"{media_type} is not a graph format")
    body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    response = Response(body, mimetype=fmt.media_type)
    if fmt.name in _PAGE_CHARSET:
        response.content_type = f"{fmt.media_type}; charset=utf-8"
    response.vary.add("Accept")
    return response


def error_format() -> str:
    """How to answer an error page: ``html`` for browsers, ``json`` when asked, else ``text``."""
    if request.args.get("format") == "json":
        return "json"
    best = negotiate(request.headers.get("Accept"), {HTML: (), JSON: (), "text/plain": ()})
    return {JSON: "json", "text/plain": "text"}.get(best or "", "html")
