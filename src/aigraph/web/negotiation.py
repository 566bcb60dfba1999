"""Choose the format of a response that exists as a page and as data, and serialise graphs.

``negotiate`` picks a media type from ``?format=`` and ``Accept`` among the offers of a view;
``offers`` builds the usual table (HTML first, then data formats); ``rdf_response`` serialises
an rdflib graph in the chosen RDF format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import rdflib
from flask import Response, request
from flask_babel import gettext

from aigraph import conneg
from aigraph.conneg import NotAcceptable

#: RDF serialisations offered wherever a page also has a graph, by media type: the ``?format=``
#: name and rdflib's serialiser.
RDF_FORMATS: dict[str, tuple[str, str]] = {
    "text/turtle": ("ttl", "turtle"),
    "application/ld+json": ("jsonld", "json-ld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("rdf", "xml"),
}
HTML = "text/html"

#: ``?format=`` names and the media types they select.
FORMAT_NAMES: dict[str, str] = {
    "html": HTML, "json": "application/json",
    **{short: media for media, (short, _fmt) in RDF_FORMATS.items()},
}


def negotiate(offers: Mapping[str, Sequence[str]]) -> str:
    """Pick the media type to answer with: ``?format=`` when given, else ``Accept``.

    ``offers`` maps media types, in order of preference, to the aliases that also select them;
    the first one answers ``*/*`` and a missing header. Raise NotAcceptable when none fits.
    """
    asked = request.args.get("format")
    if asked:
        chosen = FORMAT_NAMES.get(asked.strip().lower())
        if chosen not in offers:
            raise NotAcceptable(_unknown_format(offers))
        return chosen
    chosen = conneg.negotiate(request.headers.get("Accept"), offers)
    if chosen is None:
        raise NotAcceptable(_unknown_format(offers))
    return chosen


def _unknown_format(offers: Mapping[str, Sequence[str]]) -> str:
    names = ", ".join(name for name, media in FORMAT_NAMES.items() if media in offers)
    return gettext("None of the formats asked for is available here. Available formats: "
                   "%(names)s.", names=names)


def offers(*media_types: str) -> dict[str, tuple[str, ...]]:
    """Build an offer table for ``negotiate``: HTML (with XHTML) first, then ``media_types``."""
    table: dict[str, tuple[str, ...]] = {HTML: ("application/xhtml+xml",)}
    for media in media_types:
        table[media] = ("application/json",) if media == "application/ld+json" else ()
    return table


def rdf_response(graph: rdflib.Graph, media_type: str) -> Response:
    """Serialise ``graph`` as ``media_type`` (one of RDF_FORMATS)."""
    _short, fmt = RDF_FORMATS[media_type]
    body = graph.serialize(format=fmt, encoding="utf-8")
    response = Response(body, mimetype=media_type)
    if media_type in ("text/turtle", "application/n-triples"):
        response.content_type = f"{media_type}; charset=utf-8"
    response.vary.add("Accept")
    return response
