"""Drafts: a form submission with new linked entities, and violations placed next to inputs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import RDF, RDFS, Literal
from rdflib.namespace import SKOS

from aigraph.curation.drafts import read_draft
from aigraph.curation.forms import build_forms
from aigraph.curation.linking import Index
from aigraph.namespaces import AIG, entity_iri
from aigraph.settings import PROJECT_ROOT
from aigraph.validate import load_ontology, load_shapes


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str


@pytest.fixture(scope="module")
def forms():
    folder = PROJECT_ROOT / "ontology"
    return build_forms(load_shapes(folder), load_ontology(folder))


QWEN = {"rdfs:label@en": ["Qwen2.5"], "rdfs:label@it": [""],
        "aig:developedBy": ["Alibaba Cloud"], "aig:openWeights": ["true"],
        "aig:license": ["Apache License 2.0"]}


def test_an_unknown_link_opens_a_prefilled_sub_form(forms, store):
    draft = read_draft(forms, Index.load(store), forms["model"], QWEN, today="2026-12-04")
    assert draft.creating and draft.slug == "qwen2-5" and draft.slug_problem == ""
    assert [(s.number, s.form.key, s.text, s.slug) for s in draft.subs] == [
        (0, "organization", "Alibaba Cloud", "alibaba-cloud")]
    sub = draft.subs[0]
    assert sub.values["rdfs:label@it"] == ["Alibaba Cloud"]
    assert sub.values["aig:lastReviewed"] == ["2026-12-04"]
    model, org = entity_iri("qwen2-5"), entity_iri("alibaba-cloud")
    assert (model, AIG.developedBy, org) in draft.graph
    assert (model, AIG.license, entity_iri("apache-2-0")) in draft.graph
    assert (org, RDF.type, AIG.Organization) in sub.graph
    assert set(draft.graphs()) == {model, org}
    assert draft.problems == []


def test_a_submitted_sub_form_is_read_back(forms, store):
    values = {**QWEN, "new-0.class": ["organization"], "new-0.text": ["Alibaba Cloud"],
              "new-0.field": ["aig:developedBy"], "new-0.slug": ["alibaba-cloud"],
              "new-0.rdfs:label@en": ["Alibaba Cloud"], "new-0.rdfs:label@it": [""],
              "new-0.aig:organizationType": [str(AIG.Company)]}
    draft = read_draft(forms, Index.load(store), forms["model"], values)
    assert len(draft.subs) == 1
    org = entity_iri("alibaba-cloud")
    assert (org, AIG.organizationType, AIG.Company) in draft.subs[0].graph
    assert (org, RDFS.label, Literal("Alibaba Cloud", lang="en")) in draft.subs[0].graph
    placed, rest = draft.place([
        Violation("id:qwen2-5", "rdfs:label", "Give rdfs:label in English and Italian"),
        Violation("id:alibaba-cloud", "rdfs:label", "Give rdfs:label in English and Italian"),
        Violation("id:alibaba-cloud", "aig:lastReviewed", "aig:lastReviewed is missing"),
        Violation("id:qwen2-5", None, "An entity is an IRI"),
        Violation("id:elsewhere", "aig:date", "somewhere else"),
    ])
    assert placed == {"rdfs:label@it": ["Give rdfs:label in English and Italian"],
                      "new-0.rdfs:label@it": ["Give rdfs:label in English and Italian"],
                      "new-0.aig:lastReviewed": ["aig:lastReviewed is missing"],
                      "slug": ["An entity is an IRI"]}
    assert rest == ["somewhere else"]


def test_a_sub_form_no_link_names_any_more_is_dropped(forms, store):
    values = {**QWEN, "aig:developedBy": ["Mistral AI"], "new-0.class": ["organization"],
              "new-0.text": ["Alibaba Cloud"], "new-0.rdfs:label@en": ["Alibaba Cloud"]}
    draft = read_draft(forms, Index.load(store), forms["model"], values)
    assert draft.subs == []
    assert (entity_iri("qwen2-5"), AIG.developedBy, entity_iri("mistral-ai")) in draft.graph


def test_slug_problems(forms, store):
    index = Index.load(store)
    assert read_draft(forms, index, forms["model"], {"rdfs:label@en": ["Mistral 7B"]}
                      ).slug_problem == "taken"
    assert read_draft(forms, index, forms["model"], {"slug": ["Bad Slug"]}).slug_problem == \
        "malformed"
    assert read_draft(forms, index, forms["model"], {}).slug_problem == "missing"
    taken = read_draft(forms, index, forms["model"], {
        **QWEN, "new-0.class": ["organization"], "new-0.text": ["Alibaba Cloud"],
        "new-0.slug": ["meta"]})
    assert [(p.field, p.code) for p in taken.problems] == [("new-0.slug", "taken")]


def test_an_edit_keeps_what_the_form_does_not_show(forms, store):
    index = Index.load(store)
    old = store.graph()
    meta = entity_iri("meta")
    values = {"rdfs:label@en": ["Meta"], "rdfs:label@it": ["Meta"],
              "aig:organizationType": [str(AIG.Company)]}
    draft = read_draft(forms, index, forms["organization"], values, slug="meta", old=old)
    assert not draft.creating and draft.slug_problem == ""
    alt = set(draft.graph.objects(meta, SKOS.altLabel))
    assert alt == {Literal("Facebook", lang="en")}
    assert draft.graph.value(meta, AIG.country) is None  # shown and emptied: removed


def test_a_new_linked_entity_cannot_take_the_main_entity_slug(forms, store):
    values = {**QWEN, "rdfs:label@en": ["Alibaba Cloud"], "aig:developedBy": ["Alibaba Cloud"]}
    draft = read_draft(forms, Index.load(store), forms["model"], values)
    assert draft.slug == "alibaba-cloud"
    assert [(p.field, p.code) for p in draft.problems] == [("new-0.slug", "taken")]
    assert set(draft.graphs()) == {entity_iri("alibaba-cloud")}
    assert (entity_iri("alibaba-cloud"), RDF.type, AIG.Model) in draft.graphs()[
        entity_iri("alibaba-cloud")]
