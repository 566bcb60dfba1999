"""Property-based tests with Hypothesis over ``PUT /id/{slug}`` bodies.

Random and mutated Turtle and JSON-LD (remote ``@context`` URLs, ``@import``, other subjects,
blank-node tricks, huge and deeply nested documents), odd media types and charsets, and every
kind of ``If-Match``. After each example: no 500, no outbound request (``tests.netaudit``),
and the data and history folders are either unchanged or hold a conforming change that the
history records exactly (``tests.curation.writecheck``). The number of cases tried is
recorded as the ``hypothesis-cases`` user property (see docs/security.md).
"""

from __future__ import annotations

import json
import secrets
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal

from aigraph.accounts import Accounts
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.web import create_app
from tests.conftest import FIXTURES
from tests.curation import writecheck
from tests.curation.conftest import NEW_MODEL, PASSWORD
from tests.netaudit import OUTBOUND

ID = "https://w3id.org/aigraph/id/"
SLUGS = ["gpt-neo", "meta", "llama", "fuzz-new"]
MAX_WRITE = 200_000
counts: dict[str, int] = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One site over a copy of the fixture data, with a curator's token, for the module."""
    root = tmp_path_factory.mktemp("hostile-put")
    shutil.copytree(FIXTURES / "data", root / "data")
    config = Settings.load({
        "data_dir": str(root / "data"), "ontology_dir": str(PROJECT_ROOT / "ontology"),
        "history_dir": str(root / "history"), "accounts_file": str(root / "accounts.json"),
        "secret_key": secrets.token_hex(32), "store": "", "update_url": "", "rate_limit": "",
        "query_workers": 1, "max_write_bytes": MAX_WRITE}, environ={})
    accounts = Accounts(config.accounts_file)
    accounts.add("fuzz", PASSWORD)
    token = accounts.create_token("fuzz")
    app = create_app({"TESTING": True, "AIGRAPH": config})
    client = app.test_client()
    bases = {"turtle": {}, "jsonld": {}}
    for slug in SLUGS[:3]:
        bases["turtle"][slug] = client.get(f"/id/{slug}", headers={
            "Accept": "text/turtle"}).get_data(as_text=True)
        bases["jsonld"][slug] = client.get(f"/id/{slug}", headers={
            "Accept": "application/ld+json"}).get_data(as_text=True)
    bases["turtle"]["fuzz-new"] = NEW_MODEL
    bases["jsonld"]["fuzz-new"] = json.dumps({"@id": "", "@type": "https://w3id.org/aigraph/ontology#Model"})
    state = {"snapshot": writecheck.take(config)}
    yield app, client, config, token, bases, state
    app.extensions["aigraph_executor"].close()


TTL_PIECES = [
    '<http://example.org/other> rdfs:label "other"@en .',
    '_:orphan rdfs:label "orphan"@en .',
    '<> aig:basedOn [ a aig:Model ; rdfs:label "inner"@en ] .',
    "@base <http://example.org/> .", "@prefix id: <http://example.org/id/> .",
    '<../meta> rdfs:label "Meta?"@en .', '<#frag> rdfs:label "fragment"@en .',
    '<> rdfs:label "nul\\u0000"@en .', '<> rdfs:label """two\nlines"""@it .',
    '<> aig:releaseDate "not a date"^^xsd:date .', "<> a aig:Organization .",
    f"<> aig:developedBy <{ID}does-not-exist> .", "<> owl:sameAs <http://127.0.0.1:9/x> .",
    f'<{ID}meta> rdfs:label "Meta"@en .', "[] rdfs:seeAlso <> .",
    "_:b rdfs:seeAlso <> . <> rdfs:seeAlso _:b .", "_:c rdfs:seeAlso _:c . <> rdfs:seeAlso _:c .",
    '<> rdfs:label "Meta"@en .', "<> aig:basedOn <> .", '<http://example.org/x> a aig:Model .',
    "{", "}", ".", ";", ",", '"', "<", ">", "@", "\n", "é", "\ud800", "\x00", "\\", "^^",
    "@prefix : <> .", "<" + "x" * 3000 + ">",
]
MEDIA = ["text/turtle", "text/turtle; charset=utf-8", "text/turtle; charset=latin-1",
         "TEXT/TURTLE", "text/turtle;;", "application/ld+json", "application/json",
         "application/ld+json; profile=http://www.w3.org/ns/json-ld#expanded",
         "application/rdf+xml", "application/n-triples", "text/n3", "text/plain",
         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]
CONTEXTS = [
    {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "aig": "https://w3id.org/aigraph/ontology#"},
    "http://example.org/context.jsonld", "https://127.0.0.1:9/ctx",
    ["http://example.org/c1", {"x": "http://x/"}], {"@import": "http://example.org/ctx"},
    {"@version": 1.1, "@import": "https://example.org/ctx.jsonld"},
    {"@vocab": "http://example.org/vocab#"},
    {"p": {"@id": "http://x/p", "@context": "http://example.org/scoped"}},
    [{"@vocab": "http://schema.org/"}, "http://example.org/late"], None,
]
JSON_IDS = ["", "{subject}", "http://example.org/other", "_:b", "../meta", "#frag", 7, None]


@st.composite
def mutated(draw, text: str, pieces: list[str]) -> str:
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 8))
        text = text[:at] + draw(st.sampled_from(pieces)) + text[at + cut:]
    if draw(st.booleans()):
        text += "\n" + draw(st.sampled_from(pieces))
    return text


@st.composite
def relabelled(draw, text: str) -> str:
    """The entity as read, with its first label changed to a well-written random one."""
    label = Literal(draw(st.text(min_size=1, max_size=30)), lang=draw(st.sampled_from(["en", "it"])))
    at = text.find('"')
    end = text.find("\n", at)
    if at < 0 or end < 0:
        return text
    return text[:at] + label.n3() + (" ;" if text[:end].rstrip().endswith(";") else " .") \
        + text[end:]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["@id", "@type", "@value", "@language", "@list", "@set", "@graph",
                         "@reverse", "@included", "@nest", "@context", "@import",
                         "rdfs:label", "aig:basedOn", "x"]), inner, max_size=3),
    max_leaves=10)


@st.composite
def jsonld_document(draw, subject: str) -> str:
    doc: dict = {}
    context = draw(st.sampled_from(CONTEXTS))
    if context is not None:
        doc["@context"] = context
    ident = draw(st.sampled_from(JSON_IDS))
    if ident is not None:
        doc["@id"] = ident.format(subject=subject) if isinstance(ident, str) else ident
    doc["@type"] = draw(st.sampled_from(["aig:Model", "https://w3id.org/aigraph/ontology#Model",
                                         "http://example.org/T", ["aig:Model", "aig:License"]]))
    doc["rdfs:label"] = draw(st.sampled_from([{"@value": "X", "@language": "en"}, "plain",
                                              [{"@id": "_:b"}], {"@id": "http://example.org/o"}]))
    for _ in range(draw(st.integers(0, 3))):
        doc[draw(st.sampled_from(["@graph", "@included", "@reverse", "aig:basedOn", "x"]))] = \
            draw(json_values)
    return json.dumps(doc)


@st.composite
def nested(draw) -> tuple[str, str]:
    depth = draw(st.sampled_from([50, 500, 5000, 50_000]))
    if draw(st.booleans()):
        return "text/turtle", "<> rdfs:seeAlso " + "[ rdfs:seeAlso " * depth + "]" * depth + " ."
    return "application/ld+json", '{"@id": "", "x": ' + "[" * depth + "]" * depth + "}"


@st.composite
def huge(draw) -> tuple[str, str]:
    kind = draw(st.sampled_from(["over", "long literal", "many"]))
    if kind == "over":
        return "text/turtle", "#" * (MAX_WRITE + 1)
    if kind == "long literal":
        return "text/turtle", '<> rdfs:comment "' + "x" * (MAX_WRITE - 100) + '"@en .'
    return "text/turtle", "\n".join(f'<> rdfs:comment "c{i}"@en .' for i in range(2000))


@st.composite
def put_case(draw, bases) -> dict:
    slug = draw(st.sampled_from(SLUGS))
    subject = ID + slug
    kind = draw(st.sampled_from(["turtle", "turtle", "relabel", "relabel", "jsonld", "jsonld-base",
                                 "nested", "huge", "bytes"]))
    media = "text/turtle"
    if kind == "turtle":
        body = draw(mutated(bases["turtle"][slug], TTL_PIECES))
    elif kind == "relabel":
        body = draw(relabelled(bases["turtle"][slug]))
    elif kind == "jsonld":
        media, body = "application/ld+json", draw(jsonld_document(subject))
    elif kind == "jsonld-base":
        media = "application/ld+json"
        body = draw(mutated(bases["jsonld"][slug], ['"@context": "http://example.org/c"',
                                                     '{"@import": "http://example.org/i"}',
                                                     "{", "}", "[", "]", ",", '"', ":", "null"]))
    elif kind == "nested":
        media, body = draw(nested())
    elif kind == "huge":
        media, body = draw(huge())
    else:
        body = draw(st.binary(max_size=300)).decode("latin-1")
    if draw(st.integers(0, 4)) == 0:
        media = draw(st.sampled_from(MEDIA))
    return {"slug": slug, "kind": kind, "media": media, "body": body,
            "encoding": draw(st.sampled_from(ENCODINGS)) if draw(st.integers(0, 5)) == 0
            else "utf-8",
            "if_match": draw(st.sampled_from(["current", "current", "stale", "*", "none"])),
            "if_none_match": draw(st.sampled_from([None, None, None, "*"]))}


FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(data=st.data())
def test_put_bodies_never_fail_reach_out_or_bypass_validation(world, data):
    app, client, config, token, bases, state = world
    case = data.draw(put_case(bases))
    counts["put"] = counts.get("put", 0) + 1
    headers = {"Authorization": f"Bearer {token}", "Content-Type": case["media"]}
    if case["if_match"] == "current":
        etag = client.get(f"/id/{case['slug']}", headers={"Accept": "text/turtle"}).headers.get(
            "ETag")
        if etag:
            headers["If-Match"] = etag
    elif case["if_match"] == "stale":
        headers["If-Match"] = '"0123456789abcdef"'
    elif case["if_match"] == "*":
        headers["If-Match"] = "*"
    if case["if_none_match"]:
        headers["If-None-Match"] = case["if_none_match"]
    if not case["media"]:
        del headers["Content-Type"]
    raw = case["body"].encode(case["encoding"], "surrogatepass" if case["encoding"] == "utf-8"
                              else "replace")
    answer = client.put(f"/id/{case['slug']}", data=raw, headers=headers)
    what = f"{case['kind']} {case['media']!r} -> {answer.status_code} {answer.data[:200]!r}"
    assert answer.status_code < 500, what
    if answer.status_code >= 400:
        assert answer.is_json and answer.get_json()["error"], what
    assert OUTBOUND == [], what
    counts.setdefault("status", {})
    counts["status"][answer.status_code] = counts["status"].get(answer.status_code, 0) + 1
    before = state["snapshot"]
    state["snapshot"] = writecheck.check(config, before, 200 <= answer.status_code < 300, what)
    counts["written"] = counts.get("written", 0) + (state["snapshot"] is not before)


def test_report_how_many_put_cases_were_tried(record_property):
    record_property("hypothesis-cases", counts.get("put", 0))
    print(f"\nHypothesis PUT cases tried: {counts.get('put', 0)}, answers {counts.get('status')}, "
          f"writes {counts.get('written', 0)}")
    if counts:
        assert counts["put"] >= 150
        # The suite reaches the writer, not only the parsers: some writes succeed.
        assert counts.get("written", 0) >= 1, counts["status"]
