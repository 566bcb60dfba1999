"""The format registry: names, aliases, media types and extensions from pyoxigraph's formats."""

import pytest

from aigraph import formats
from aigraph.formats import GRAPH, RESULTS


def test_short_names_are_unique_and_complete():
    names = [f.name for f in formats.FORMATS]
    assert names == ["json", "xml", "csv", "tsv", "ttl", "nt", "rdf", "jsonld"]


@pytest.mark.parametrize("name, media_type, extension", [
    ("json", "application/sparql-results+json", "srj"),
    ("xml", "application/sparql-results+xml", "srx"),
    ("csv", "text/csv", "csv"),
    ("tsv", "text/tab-separated-values", "tsv"),
    ("ttl", "text/turtle", "ttl"),
    ("nt", "application/n-triples", "nt"),
    ("rdf", "application/rdf+xml", "rdf"),
    ("jsonld", "application/ld+json", "jsonld"),
])
def test_media_types_and_extensions_come_from_pyoxigraph(name, media_type, extension):
    fmt = formats.get(name)
    assert fmt.media_type == media_type
    assert fmt.extension == extension
    assert formats.by_media_type(media_type) is fmt
    assert formats.by_media_type(media_type + "; charset=utf-8") is fmt


@pytest.mark.parametrize("name, kind, expected", [
    ("json", RESULTS, "json"), ("json", GRAPH, "jsonld"),
    ("xml", RESULTS, "xml"), ("xml", GRAPH, "rdf"),
    ("csv", GRAPH, None), ("ttl", RESULTS, None),
    ("Turtle", GRAPH, "ttl"), ("n3", GRAPH, "ttl"), ("json-ld", GRAPH, "jsonld"),
    ("application/json", RESULTS, "json"), ("application/json", GRAPH, "jsonld"),
    ("text/tab-separated-values", RESULTS, "tsv"), ("yaml", RESULTS, None),
])
def test_named_resolves_aliases_per_kind(name, kind, expected):
    found = formats.named(name, kind)
    assert (found.name if found else None) == expected


def test_text_types_carry_a_charset_and_others_do_not():
    assert formats.get("csv").content_type == "text/csv; charset=utf-8"
    assert formats.get("jsonld").content_type == "application/ld+json"


def test_w3c_iris():
    assert formats.get("jsonld").iri == "http://www.w3.org/ns/formats/JSON-LD"
    assert formats.get("nt").iri == "http://www.w3.org/ns/formats/N-Triples"
    assert formats.get("json").iri == "http://www.w3.org/ns/formats/SPARQL_Results_JSON"


def test_rdflib_can_write_every_graph_format():
    import rdflib

    graph = rdflib.Graph()
    graph.add((rdflib.URIRef("urn:a"), rdflib.RDFS.label, rdflib.Literal("a")))
    for fmt in formats.GRAPH_FORMATS:
        assert "urn:a" in graph.serialize(format=fmt.rdflib)
