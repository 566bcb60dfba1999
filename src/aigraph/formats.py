"""Own the list of serialisation formats aigraph speaks, built on pyoxigraph's format objects.

Every format has one entry here: its short name (the ``?format=`` value, the CLI ``--format``
choice and the download suffix), the pyoxigraph ``RdfFormat`` or ``QueryResultsFormat`` that
carries its media type, file extension and W3C IRI, the other names clients use for it, and
the media types that also select it in an ``Accept`` header. The endpoint, the pages, the
downloads, the CLI and the stores all look formats up here; nothing else lists media types.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

RESULTS = "results"
GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """One serialisation: SELECT/ASK results (``kind`` RESULTS) or a graph (``kind`` GRAPH).

    ``name`` is the short name; ``aliases`` are other names accepted for it (including its
    media type); ``also`` are short names of the other kind that select this one where only
    this kind can answer (``?format=json`` on a CONSTRUCT means JSON-LD); ``accept`` are the
    other media types that select it in ``Accept``; ``rdflib`` names rdflib's serialiser.
    """

    name: str
    kind: str
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    rdflib: str | None = None

    @property
    def media_type(self) -> str:
        """The canonical media type, without parameters (pyoxigraph adds a charset to CSV)."""
        return self.oxigraph.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        """The usual file extension, without the dot."""
        return self.oxigraph.file_extension

    @property
    def label(self) -> str:
        """The format's human name, such as ``Turtle`` or ``JSON-LD``."""
        return self.oxigraph.name

    @property
    def iri(self) -> str:
        """The format's IRI in the W3C formats namespace (used by the service description)."""
        if self.oxigraph == ox.RdfFormat.JSON_LD:
            # pyoxigraph gives a /ns/formats/data/ IRI; the W3C list names JSON-LD here.
            return "http://www.w3.org/ns/formats/JSON-LD"
        return self.oxigraph.iri

    @property
    def is_text(self) -> bool:
        """True for ``text/*`` types, which are sent with ``charset=utf-8``."""
        return self.media_type.startswith("text/")

    @property
    def content_type(self) -> str:
        """The Content-Type header value: the media type, with a charset for text types."""
        return self.media_type + ("; charset=utf-8" if self.is_text else "")

    @property
    def accepted_as(self) -> tuple[str, ...]:
        """Every media type that selects this format in Accept, the canonical one first."""
        return (self.media_type, *self.accept)


#: SELECT/ASK result formats; the first is the default answer.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", RESULTS, ox.QueryResultsFormat.JSON, aliases=("application/json",),
           accept=("application/json",)),
    Format("xml", RESULTS, ox.QueryResultsFormat.XML),
    Format("csv", RESULTS, ox.QueryResultsFormat.CSV),
    Format("tsv", RESULTS, ox.QueryResultsFormat.TSV),
)

#: Graph formats (CONSTRUCT, DESCRIBE, pages in RDF, downloads); the first is the default.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("ttl", GRAPH, ox.RdfFormat.TURTLE, aliases=("turtle", "n3"),
           accept=("application/x-turtle",), rdflib="turtle"),
    Format("nt", GRAPH, ox.RdfFormat.N_TRIPLES, aliases=("ntriples", "n-triples"),
           rdflib="nt"),
    Format("rdf", GRAPH, ox.RdfFormat.RDF_XML, aliases=("rdf+xml", "rdfxml"), also=("xml",),
           rdflib="xml"),
    Format("jsonld", GRAPH, ox.RdfFormat.JSON_LD, aliases=("json-ld",), also=("json",),
           accept=("application/json",), rdflib="json-ld"),
)

FORMATS: tuple[Format, ...] = RESULT_FORMATS + GRAPH_FORMATS

#: The whole-graph downloads, in the order the dataset page lists them.
DOWNLOAD_NAMES: tuple[str, ...] = ("ttl", "nt", "jsonld")

#: Graph formats in the order pages list them as alternates.
PAGE_RDF_NAMES: tuple[str, ...] = ("ttl", "jsonld", "nt", "rdf")


def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    for fmt in FORMATS:
        for alias in (fmt.name, *fmt.aliases, fmt.media_type):
            table.setdefault(alias, fmt.name)
    return table


#: Every accepted name (short names, aliases, media types) -> short name.
NAMES: dict[str, str] = _names()


def canonical(name: str) -> str | None:
    """Return the short name ``name`` stands for (case and spaces ignored), or None."""
    return NAMES.get(name.strip().lower())


def get(name: str) -> Format:
    """Return the format with short name ``name``; KeyError when there is none."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def named(name: str, kind: str) -> Format | None:
    """Return the format of ``kind`` that ``name`` (any alias) selects, or None.

    ``json`` and ``xml`` select results where results are asked for, and JSON-LD and RDF/XML
    where a graph is; ``csv`` selects no graph format.
    """
    short = canonical(name)
    if short is None:
        return None
    for fmt in RESULT_FORMATS if kind == RESULTS else GRAPH_FORMATS:
        if fmt.name == short or short in fmt.also:
            return fmt
    return None


def by_media_type(media_type: str, kind: str | None = None) -> Format | None:
    """Return the format whose canonical media type is ``media_type`` (of ``kind`` if given)."""
    bare = media_type.split(";")[0].strip().lower()
    for fmt in FORMATS:
        if fmt.media_type == bare and kind in (None, fmt.kind):
            return fmt
    return None


def media_types(kind: str) -> tuple[str, ...]:
    """The canonical media types of ``kind``, the default first."""
    return tuple(f.media_type for f in (RESULT_FORMATS if kind == RESULTS else GRAPH_FORMATS))

