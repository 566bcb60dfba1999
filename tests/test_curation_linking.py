"""The linking help over the fixture data: resolving names, autocomplete, duplicates, suggestions."""

from __future__ import annotations

from aigraph.catalog import Catalog
from aigraph.curation.linking import MILESTONE, MODEL, ORGANIZATION, Entity, Index, similarity
from aigraph.namespaces import ID_BASE


def _iri(slug: str) -> str:
    return ID_BASE + slug


def test_index_reads_names_dates_and_links(store):
    index = Index.load(store)
    meta = index.get(_iri("meta"))
    assert meta.labels == {"en": "Meta", "it": "Meta"} and "Facebook" in meta.alt
    assert "http://www.wikidata.org/entity/Q380" in meta.same_as
    mistral = index.get(_iri("mistral-7b"))
    assert mistral.developers == [_iri("mistral-ai")] and mistral.date


def test_resolve_by_slug_name_or_other_name(store):
    index = Index.load(store)
    org = [ORGANIZATION]
    assert index.resolve("Mistral AI", org) == [_iri("mistral-ai")]
    assert index.resolve("mistral ai", org) == [_iri("mistral-ai")]
    assert index.resolve("Facebook", org) == [_iri("meta")]
    assert [e.slug for e in index.complete(Catalog.load(store), "faceb", org)] == ["meta"]
    assert index.resolve("Whatever [meta]", org) == [_iri("meta")]
    assert index.resolve("id:meta", org) == [_iri("meta")]
    assert index.resolve("meta", org) == [_iri("meta")]
    assert index.resolve("Meta", [MODEL]) == []  # wrong class
    assert index.resolve("Alibaba Cloud", org) == []


def test_complete_tolerates_prefixes_and_typos(store):
    index, catalog = Index.load(store), Catalog.load(store)
    assert [e.slug for e in index.complete(catalog, "mistr", [ORGANIZATION])] == ["mistral-ai"]
    assert [e.slug for e in index.complete(catalog, "Gogle", [ORGANIZATION])] == ["google"]
    assert [e.slug for e in index.complete(catalog, "mistral", [MODEL])][:1] == ["mistral-7b"]
    assert index.complete(catalog, "zzzz", [ORGANIZATION]) == []
    assert index.complete(catalog, "", [ORGANIZATION]) == []


def test_duplicates_by_wikidata_slug_and_name(store):
    index = Index.load(store)
    same = index.duplicates(ORGANIZATION, {"en": "Meta Platforms"},
                            same_as=["http://www.wikidata.org/entity/Q380"])
    assert [(d.entity.slug, d.reason) for d in same] == [("meta", "same-as")]
    named = index.duplicates(ORGANIZATION, {"en": "Mistral-AI", "it": "x"})
    assert [(d.entity.slug, d.reason) for d in named] == [("mistral-ai", "same-name")]
    similar = index.duplicates(ORGANIZATION, {"en": "Mistrall AI"})
    assert [(d.entity.slug, d.reason) for d in similar] == [("mistral-ai", "similar-name")]
    assert [d.reason for d in index.duplicates(ORGANIZATION, {"en": "x"}, slug="google")] == [
        "slug"]
    # an edit does not find itself, and another class does not count
    assert index.duplicates(ORGANIZATION, {"en": "Google"}, exclude=_iri("google")) == []
    assert index.duplicates(MODEL, {"en": "Google"}) == []


def test_versions_are_not_duplicates():
    a = Entity(_iri("llama-3-1"), {MODEL}, {"en": "Llama 3.1"})
    index = Index([a])
    assert index.duplicates(MODEL, {"en": "Llama 3.2"}) == []
    assert [d.entity.slug for d in index.duplicates(MODEL, {"en": "Llama-3.1"})] == ["llama-3-1"]
    assert similarity("llama 3 1", "llama 3 2") > 80  # close, yet kept apart by the numbers


def test_suggestions_for_a_model_of_a_known_family():
    org = Entity(_iri("alibaba-cloud"), {ORGANIZATION}, {"en": "Alibaba Cloud"})
    qwen2 = Entity(_iri("qwen2"), {MODEL}, {"en": "Qwen2"}, date="2024-06-07",
                   developers=[org.iri])
    qwen3 = Entity(_iri("qwen3"), {MODEL}, {"en": "Qwen3"}, date="2025-04-29",
                   developers=[org.iri])
    release = Entity(_iri("qwen2-5-release"), {MILESTONE}, {"en": "Qwen2.5 released"},
                     date="2024-09-19")
    index = Index([org, qwen2, qwen3, release])
    found = {(s.field, s.entity.slug, s.reason)
             for s in index.suggestions(MODEL, "Qwen2.5", "2024-09-19")}
    assert found == {("aig:developedBy", "alibaba-cloud", "family"),
                     ("aig:basedOn", "qwen2", "previous"),
                     ("milestones", "qwen2-5-release", "release")}
    # links already made are not suggested again
    again = index.suggestions(MODEL, "Qwen2.5", "2024-09-19",
                              linked={"aig:developedBy": [org.iri]})
    assert "aig:developedBy" not in {s.field for s in again}
    # a milestone on a model's release date suggests the model
    found = {(s.field, s.entity.slug) for s in index.suggestions(MILESTONE, "Qwen2", "2024-06-07")}
    assert found == {("aig:involves", "qwen2")}


def test_organization_named_in_the_label(store):
    index = Index.load(store)
    found = {(s.field, s.entity.slug) for s in index.suggestions(MODEL, "Mistral Small 3")}
    assert ("aig:developedBy", "mistral-ai") in found


def test_the_same_hugging_face_repository_is_a_duplicate():
    mistral = Entity(_iri("mistral-7b"), {MODEL}, {"en": "Mistral 7B"},
                     repos={"mistralai/mistral-7b-v0.1"})
    index = Index([mistral])
    found = index.duplicates(MODEL, {"en": "Le Plateforme base"},
                             repos=["mistralai/Mistral-7B-v0.1"])
    assert [(d.entity.slug, d.reason) for d in found] == [("mistral-7b", "same-repo")]
    assert index.duplicates(MODEL, {"en": "Other"}, repos=["mistralai/Mixtral-8x7B-v0.1"]) == []
