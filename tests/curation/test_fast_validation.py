"""The save-time validator (the change's neighbourhood, shapes built once) says what a full
pySHACL run over the whole graph says about the change.

For each change the whole graph is validated before and after it with ``aigraph.validate``;
the fast validator must report exactly the results of the after-run that concern the changed
entities and their direct neighbours, plus every result the change brought in wherever it
is (a cycle is reported on one member only, which may lie further away).
"""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, XSD

from aigraph.curation import changes, shacl, validation
from aigraph.curation.entity import entity_graph, own_part
from aigraph.namespaces import AIG, compact, entity_iri
from aigraph.validate import validate

from .conftest import milestone_graph as _milestone


def _key(focus: str, path, message: str, severity: str, value) -> tuple:
    return (focus.split(" ", 1)[0], path, message, severity, value)


def _full(graph: Graph, lang: str) -> set[tuple]:
    report = validate(graph)
    return {_key(r.focus, r.path, r.text(lang), r.severity, r.value) for r in report.results}


def _expected(store, versions: dict[URIRef, Graph], lang: str) -> set[tuple]:
    whole = Graph()
    whole += store.graph()
    before = _full(whole, lang)
    for subject, new in versions.items():
        whole -= own_part(whole, subject)
        whole += new
    after = _full(whole, lang)
    new_triples = Graph()
    for graph in versions.values():
        new_triples += graph
    _context, near = validation.neighbourhood(store, set(versions), new_triples)
    local = {compact(str(s)) for s in set(versions) | near}
    return {r for r in after if r[0] in local} | (after - before)


def _fast(store, settings, versions: dict[URIRef, Graph], lang: str) -> set[tuple]:
    found = validation.check(store, settings.ontology_dir, versions, lang)
    return {_key(v.focus, v.path, v.message, v.severity, v.value) for v in found}


def _edit(store, slug: str, *, drop=(), add=()) -> tuple[URIRef, Graph]:
    subject = entity_iri(slug)
    graph = entity_graph(store, subject)
    for predicate in drop:
        graph.remove((subject, predicate, None))
    for predicate, value in add:
        graph.add((subject, predicate, value))
    return subject, graph


def _chain(store, settings) -> None:
    """Milestones cyc-x <- cyc-w <- cyc-a <- cyc-y (each builds on the one before), so that
    closing the loop at cyc-x leaves cyc-a, the member a cycle is reported on, two steps away."""
    for slug, link in (("cyc-x", None), ("cyc-w", "cyc-x"), ("cyc-a", "cyc-w"), ("cyc-y", "cyc-a")):
        graph = _milestone(slug, *([link] if link else []))
        candidate = changes.propose(store, settings, entity_iri(slug), graph)
        assert candidate.conforms, candidate.to_json()
        changes.apply(store, settings, candidate, user="ada")


D = lambda text: Literal(text, datatype=XSD.date)  # noqa: E731

CASES = {
    "valid review date": lambda s: [_edit(s, "mistral-7b", drop=[AIG.lastReviewed],
                                          add=[(AIG.lastReviewed, D("2026-12-01"))])],
    "missing italian label": lambda s: [_edit(s, "bloom", drop=[RDFS.label],
                                              add=[(RDFS.label, Literal("BLOOM", lang="en"))])],
    "two english labels": lambda s: [_edit(s, "bloom", add=[(RDFS.label, Literal("B", lang="en"))])],
    "two wikidata ids": lambda s: [_edit(s, "gemma", add=[
        (OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q1")),
        (OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q2"))])],
    "bad date value": lambda s: [_edit(s, "llama-release", drop=[AIG.date],
                                       add=[(AIG.date, D("2023-13-45"))])],
    "link to a missing entity": lambda s: [_edit(s, "bloom", add=[(AIG.basedOn,
                                                                   entity_iri("no-such-model"))])],
    "unknown class": lambda s: [_edit(s, "gemma", add=[(RDF.type, URIRef(str(AIG) + "Modell"))])],
    "buildsOn a later milestone": lambda s: [_edit(s, "llama-release", add=[
        (AIG.buildsOn, entity_iri("deepseek-r1-release"))])],
    "milestone date moved before what it builds on": lambda s: [_edit(
        s, "mixtral-8x7b-release", drop=[AIG.date], add=[(AIG.date, D("2019-01-01"))])],
    "basedOn a later model": lambda s: [_edit(s, "gpt-neo", add=[(AIG.basedOn,
                                                                 entity_iri("deepseek-r1"))])],
    "model release moved before its base": lambda s: [_edit(
        s, "deepseek-r1", drop=[AIG.releaseDate], add=[(AIG.releaseDate, D("2020-01-01"))])],
    "basedOn cycle of two": lambda s: [_edit(s, "deepseek-v3", add=[(AIG.basedOn,
                                                                     entity_iri("deepseek-r1"))])],
    "buildsOn cycle through the chain": lambda s: [_edit(s, "llama-release", add=[
        (AIG.buildsOn, entity_iri("deepseek-v3-release"))])],
    "license conflict warning": lambda s: [
        _edit(s, "mistral-7b", add=[(AIG.basedOn, entity_iri("llama"))]),
        _edit(s, "llama-research-license", add=[(AIG.derivativeTerms, AIG.KeepsRestrictions)]),
        _edit(s, "apache-2-0", add=[(AIG.derivativeTerms, AIG.AnyLicense)])],
    "open weights without license": lambda s: [_edit(s, "bloom", drop=[AIG.license])],
    "delete a leaf milestone": lambda s: [(entity_iri("gemma-release"), Graph())],
    "delete a linked model": lambda s: [(entity_iri("deepseek-v3"), Graph())],
    "two entities at once": lambda s: [
        _edit(s, "bloom", drop=[RDFS.label]),
        _edit(s, "bloom-release", drop=[AIG.date], add=[(AIG.date, D("2020-01-01"))])],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_validation_matches_a_full_run(cur_store, cur_settings, name):
    versions = dict(CASES[name](cur_store))
    expected = _expected(cur_store, versions, "en")
    assert _fast(cur_store, cur_settings, versions, "en") == expected
    if name != "valid review date":
        assert expected, "the case should find something"


def test_a_cycle_reported_on_a_distant_member_is_found(cur_store, cur_settings):
    _chain(cur_store, cur_settings)
    versions = dict([_edit(cur_store, "cyc-x", add=[(AIG.buildsOn, entity_iri("cyc-y"))])])
    expected = _expected(cur_store, versions, "en")
    assert any(r[0] == "id:cyc-a" for r in expected)
    assert _fast(cur_store, cur_settings, versions, "en") == expected
    assert not changes.propose_many(cur_store, cur_settings, versions).conforms


def test_messages_follow_the_language(cur_store, cur_settings):
    versions = dict(CASES["buildsOn a later milestone"](cur_store))
    assert _fast(cur_store, cur_settings, versions, "it") == _expected(cur_store, versions, "it")


def test_the_shapes_are_built_once(cur_settings):
    assert shacl.shapes_for(cur_settings.ontology_dir) is shacl.shapes_for(cur_settings.ontology_dir)


def test_new_license_terms_reach_models_built_on_models_under_it(cur_store, cur_settings):
    # mistral-7b (apache-2-0, which now has terms) is based on llama; llama's license then gets
    # terms that apache-2-0 does not keep: the warning lands on mistral-7b, two links away.
    for subject, graph in (_edit(cur_store, "apache-2-0",
                                 add=[(AIG.derivativeTerms, AIG.AnyLicense)]),
                           _edit(cur_store, "mistral-7b",
                                 add=[(AIG.basedOn, entity_iri("llama"))])):
        candidate = changes.propose(cur_store, cur_settings, subject, graph)
        assert candidate.conforms, candidate.to_json()
        changes.apply(cur_store, cur_settings, candidate, user="ada",
                      if_match=changes.entity_etag(cur_store, subject.rsplit("/", 1)[-1]))
    versions = dict([_edit(cur_store, "llama-research-license",
                           add=[(AIG.derivativeTerms, AIG.KeepsRestrictions)])])
    expected = _expected(cur_store, versions, "en")
    assert any(r[0] == "id:mistral-7b" for r in expected)
    assert _fast(cur_store, cur_settings, versions, "en") == expected


def test_a_milestone_named_by_a_step_note_cannot_be_deleted(cur_store, cur_settings):
    # Regression: the note is a blank node, and links from blank nodes were not counted.
    subject = entity_iri("gemma-release")
    candidate = changes.propose(cur_store, cur_settings, subject, None)
    assert candidate.blocked
    assert entity_iri("open-source-developer") in candidate.referrers[subject]
