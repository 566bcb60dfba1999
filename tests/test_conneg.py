"""Content negotiation: Accept parsing, q-values, wildcards, aliases, defaults and ?format=."""

import pytest

from aigraph.errors import BadRequest
from aigraph.web.negotiation import (
    GRAPH_OFFERS,
    RESULT_OFFERS,
    Choice,
    choose,
    negotiate,
    parse_accept,
    wants_json,
)

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NT = "application/n-triples"
RDFXML = "application/rdf+xml"
JSONLD = "application/ld+json"


@pytest.mark.parametrize("accept, results, graph", [
    (None, JSON, TURTLE),
    ("", JSON, TURTLE),
    ("*/*", JSON, TURTLE),
    (XML, XML, None),
    (f"{CSV};q=0.5, {XML}", XML, None),
    (f"{CSV};q=0.9, {TSV}", TSV, None),
    ("text/*", CSV, TURTLE),
    ("text/*;q=0.5, */*;q=0.1", CSV, TURTLE),
    (f"{TURTLE}, */*;q=0.1", JSON, TURTLE),
    (f"{NT}, {RDFXML};q=0.9", None, NT),
    (f"{RDFXML}, {XML}", XML, RDFXML),
    ("application/json", JSON, JSONLD),
    (f"{JSON};q=0, */*", XML, TURTLE),
    ("image/png", None, None),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON, TURTLE),
    ("TEXT/CSV", CSV, None),
    ("garbage, text/csv", CSV, None),
    ("text/csv;q=abc, application/sparql-results+xml;q=0.1", XML, None),
])
def test_negotiate_results_and_graphs(accept, results, graph):
    assert negotiate(accept, RESULT_OFFERS) == results
    assert negotiate(accept, GRAPH_OFFERS) == graph


def test_more_specific_range_sets_the_quality():
    # text/csv;q=0 excludes CSV even though text/* accepts text types.
    assert negotiate("text/*, text/csv;q=0", RESULT_OFFERS) == TSV


def test_parse_accept_clamps_and_skips():
    ranges = parse_accept("text/csv;q=2, */x, nonsense, application/json;level=1;q=0.3")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "csv", 1.0), ("application", "json", 0.3)]


@pytest.mark.parametrize("name, expected", [
    ("json", Choice(JSON, JSONLD)),
    ("xml", Choice(XML, RDFXML)),
    ("csv", Choice(CSV, None)),
    ("tsv", Choice(TSV, None)),
    ("ttl", Choice(None, TURTLE)),
    ("nt", Choice(None, NT)),
    ("rdf", Choice(None, RDFXML)),
    ("jsonld", Choice(None, JSONLD)),
    ("JSON", Choice(JSON, JSONLD)),
    # what SPARQLWrapper sends
    ("turtle", Choice(None, TURTLE)),
    ("n3", Choice(None, TURTLE)),
    ("rdf+xml", Choice(None, RDFXML)),
    ("json-ld", Choice(None, JSONLD)),
    ("text/tab-separated-values", Choice(TSV, None)),
    ("application/rdf+xml", Choice(None, RDFXML)),
    ("application/ld+json", Choice(None, JSONLD)),
    ("application/sparql-results+xml", Choice(XML, RDFXML)),
])
def test_format_overrides_accept(name, expected):
    assert choose("image/png", name) == expected


def test_unknown_format_is_a_bad_request():
    with pytest.raises(BadRequest, match="unknown format 'yaml'"):
        choose(None, "yaml")


def test_choice_any():
    assert not Choice(None, None).any
    assert Choice(None, TURTLE).any


@pytest.mark.parametrize("accept, format_name, expected", [
    (None, None, False),
    ("*/*", None, False),
    ("application/json", None, True),
    (JSON, None, True),
    (f"text/plain, {JSON};q=0.5", None, False),
    (TURTLE, None, False),
    (None, "json", True),
    ("application/json", "csv", False),
])
def test_wants_json(accept, format_name, expected):
    assert wants_json(accept, format_name) is expected


@pytest.mark.parametrize("accept, page", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
    ("application/xhtml+xml", True),
    ("*/*", False),
    (None, False),
    (f"text/html;q=0.5, {JSON}", False),
    (f"text/html, {TURTLE}", False),
])
def test_browsers_get_the_editor_page_only_on_request(accept, page):
    from aigraph.errors import NotAcceptable

    assert choose(accept, None, page=True).page is page
    assert choose(accept, "json", page=True).page is False
    # Without page (a POST), HTML is never chosen: results, a graph, or a 406.
    try:
        assert choose(accept, None).page is False
    except NotAcceptable:
        assert accept == "application/xhtml+xml"


def test_page_offers_put_html_first_then_json_then_rdf():
    from aigraph.web.negotiation import HTML, offers

    assert list(offers()) == [HTML, TURTLE, JSONLD, NT, RDFXML]
    assert list(offers(json=True))[:2] == [HTML, "application/json"]
    assert list(offers(rdf=("ttl",))) == [HTML, TURTLE]


@pytest.mark.parametrize("accept, json_page, expected", [
    ("*/*", False, "text/html"),
    (None, True, "text/html"),
    ("application/xhtml+xml", False, "text/html"),
    ("application/json", False, JSONLD),
    ("application/json", True, "application/json"),
    (f"{JSONLD}, application/json;q=0.5", True, JSONLD),
    ("text/turtle;q=0.9, text/html;q=0.1", False, TURTLE),
    ("image/png", False, None),
])
def test_pages_negotiate_from_one_table(accept, json_page, expected):
    from aigraph.web.negotiation import offers

    assert negotiate(accept, offers(json=json_page)) == expected


@pytest.mark.parametrize("query, accept, expected", [
    ("", None, "html"),
    ("", "*/*", "html"),
    ("", "image/png", "html"),
    ("", "application/json", "json"),
    ("", "text/plain", "text"),
    ("?format=json", "text/html", "json"),
])
def test_error_pages_choose_their_format(query, accept, expected):
    from flask import Flask

    from aigraph.web.negotiation import error_format

    headers = {"Accept": accept} if accept else {}
    with Flask(__name__).test_request_context("/x" + query, headers=headers):
        assert error_format() == expected


def test_choose_refuses_an_accept_nothing_meets():
    from aigraph.errors import NotAcceptable

    with pytest.raises(NotAcceptable, match="available: application/sparql-results\\+json"):
        choose("image/png", None)
    assert choose("image/png", "csv") == Choice(CSV, None)
