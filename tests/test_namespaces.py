"""The closed AIG namespace stays in sync with ontology/aigraph.ttl; slugs map to IRIs."""

import pytest
import rdflib

from aigraph.namespaces import AIG, VOCAB, compact, entity_iri, is_slug, slug_of
from aigraph.settings import PROJECT_ROOT


def _ontology_terms() -> set[str]:
    graph = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / "aigraph.ttl")
    return {str(s)[len(VOCAB):] for s in graph.subjects() if str(s).startswith(VOCAB)}


def test_namespace_matches_ontology():
    declared = set(AIG.__annotations__)
    assert declared == _ontology_terms()


def test_every_ontology_term_has_labels_in_both_languages():
    graph = rdflib.Graph().parse(PROJECT_ROOT / "ontology" / "aigraph.ttl")
    for name in _ontology_terms():
        langs = {o.language for o in graph.objects(AIG[name], rdflib.RDFS.label)}
        assert {"en", "it"} <= langs, name


def test_typo_raises():
    with pytest.raises(AttributeError):
        AIG.Milestne  # noqa: B018


@pytest.mark.parametrize("slug", ["mistral-7b", "deepseek-r1", "01-ai", "gpt-3-5"])
def test_valid_slugs_round_trip(slug):
    assert slug_of(entity_iri(slug)) == slug


@pytest.mark.parametrize("slug", ["Mistral", "a--b", "-a", "a-", "a_b", "", "é", "a/b", "a" * 101])
def test_invalid_slugs_are_refused(slug):
    assert not is_slug(slug)
    with pytest.raises(ValueError):
        entity_iri(slug)


def test_compact_uses_known_prefixes():
    assert compact(AIG.date) == "aig:date"
    assert compact("https://w3id.org/aigraph/id/gemma") == "id:gemma"
    assert compact("http://example.org/x") == "http://example.org/x"


def test_iri_helpers_build_and_take_apart_the_published_scheme():
    from aigraph.namespaces import between_iri, dataset_iri, entity_iri, id_local, path_iri, slug_of

    assert str(entity_iri("mistral-7b")) == "https://w3id.org/aigraph/id/mistral-7b"
    assert slug_of(entity_iri("mistral-7b")) == "mistral-7b"
    assert str(path_iri("open-source-developer")) == (
        "https://w3id.org/aigraph/paths/open-source-developer")
    assert str(between_iri("a", "b")) == "https://w3id.org/aigraph/paths/between?from=a&to=b"
    assert str(dataset_iri("https://example.org/site/")) == "https://example.org/site/dataset"
    assert str(dataset_iri("https://example.org/site")) == "https://example.org/site/dataset"
    # id_local keeps what slug_of refuses, for messages that show the curator's own text
    assert id_local("https://w3id.org/aigraph/id/Bad_Slug") == "Bad_Slug"
    assert slug_of("https://w3id.org/aigraph/id/Bad_Slug") is None
    assert id_local("https://example.org/x") is None
