"""Choose a response media type from an Accept header, a ?format= name and what we can offer.

Pure functions over strings, so they are tested without Flask. An offer is a canonical media
type plus the aliases that select it (``application/json`` selects SPARQL JSON results);
``negotiate`` picks the offer the client rates highest, breaking ties by the server's order,
so the first offer is also the answer to ``*/*`` and to a missing Accept header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aigraph.errors import AigraphError, BadRequest

#: SELECT/ASK result types, the default first, with their aliases.
RESULT_OFFERS: dict[str, tuple[str, ...]] = {
    "application/sparql-results+json": ("application/json",),
    "application/sparql-results+xml": (),
    "text/csv": (),
    "text/tab-separated-values": (),
}

#: CONSTRUCT/DESCRIBE (and service description) graph types, the default first.
GRAPH_OFFERS: dict[str, tuple[str, ...]] = {
    "text/turtle": ("application/x-turtle",),
    "application/n-triples": (),
    "application/rdf+xml": (),
    "application/ld+json": ("application/json",),
}

#: ``?format=`` names: (results media type, graph media type); None where a name cannot apply.
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "ttl": (None, "text/turtle"),
    "nt": (None, "application/n-triples"),
    "rdf": (None, "application/rdf+xml"),
    "jsonld": (None, "application/ld+json"),
}


#: Other ``?format=`` values clients send: SPARQLWrapper sends its own names and, for some
#: formats, the media type itself.
FORMAT_ALIASES: dict[str, str] = {
    "turtle": "ttl", "n3": "ttl", "ntriples": "nt", "n-triples": "nt", "rdf+xml": "rdf",
    "rdfxml": "rdf", "json-ld": "jsonld",
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "text/csv": "csv",
    "text/tab-separated-values": "tsv", "text/turtle": "ttl", "application/n-triples": "nt",
    "application/rdf+xml": "rdf", "application/ld+json": "jsonld",
}


class NotAcceptable(AigraphError):
    """No media type we can produce is acceptable to the client."""

    status = 406


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


def negotiate(accept: str | None, offers: Mapping[str, Sequence[str]]) -> str | None:
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
    """The media types a response may use: one for results, one for graphs (None: refused)."""

    results: str | None
    graph: str | None

    @property
    def any(self) -> bool:
        """True when at least one kind of answer is acceptable."""
        return self.results is not None or self.graph is not None


def choose(accept: str | None, format_name: str | None) -> Choice:
    """Pick the result and graph media types from ``?format=`` or, without it, from Accept."""
    if format_name:
        name = format_name.strip().lower()
        try:
            return Choice(*FORMAT_NAMES[FORMAT_ALIASES.get(name, name)])
        except KeyError:
            names = ", ".join(FORMAT_NAMES)
            raise BadRequest(f"unknown format {format_name!r}; use one of {names}") from None
    return Choice(negotiate(accept, RESULT_OFFERS), negotiate(accept, GRAPH_OFFERS))


def wants_json(accept: str | None, format_name: str | None = None) -> bool:
    """Tell whether an error should be JSON rather than plain text for this client."""
    if format_name:
        name = format_name.strip().lower()
        return FORMAT_ALIASES.get(name, name) in ("json", "jsonld")
    offers = {"text/plain": (), "application/json": (
        "application/sparql-results+json", "application/ld+json")}
    return negotiate(accept, offers) == "application/json"
