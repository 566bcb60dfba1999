"""Reads that avoid the whole graph give what the whole-graph reads gave, on the shipped data."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from aigraph import queries
from aigraph.catalog import Catalog
from aigraph.namespaces import entity_iri
from aigraph.paths import service, source


def test_partial_index_matches_the_full_index_for_the_entities_it_reads(full_store):
    full = Catalog.load(full_store)
    newest = [str(row["milestone"]) for row in queries.select(full_store, "home/latest")]
    assert len(newest) == 8
    some = Catalog.load_some(full_store, newest)
    for iri in newest:
        kept, whole = asdict(some.entries[iri]), asdict(full.entries[iri])
        kept.pop("links"), whole.pop("links")
        assert kept == whole
        assert some.label(iri, "it") == full.label(iri, "it")
        assert some.kind(iri) == full.kind(iri)
        importance = full.entries[iri].importance
        if importance:
            assert some.label(importance, "it") == full.label(importance, "it")


def test_partial_index_of_unknown_iris_is_empty(full_store):
    some = Catalog.load_some(full_store, ["https://example.org/nothing"])
    assert some.entries == {}


def test_path_length_equals_the_ordered_path_length(full_store):
    slugs = source.path_slugs(full_store)
    assert slugs
    for slug in slugs:
        assert service.path_length(full_store, slug) == len(service.reading_path(full_store, slug).steps)


@pytest.mark.parametrize("which", ["full_store", "store"])
def test_members_read_from_categories_equal_the_whole_scan(which, request):
    chosen = request.getfixturevalue(which)
    linked = 0
    for slug in source.path_slugs(chosen):
        path = entity_iri(slug)
        scanned = {str(r["milestone"]) for r in queries.select(chosen, "paths/members", path=path)}
        if queries.ask(chosen, "paths/has_linked_rule", path=path):
            linked += 1
            read = queries.select(chosen, "paths/members_linked", path=path)
            assert {str(r["milestone"]) for r in read} == scanned
        assert source.members(chosen, slug) == sorted(scanned)
    assert linked


def test_index_read_as_tsv_equals_the_index_built_from_rdflib_rows(full_store):
    expected: dict[str, dict] = {}
    for row in queries.select(full_store, "search/catalog"):
        entry = expected.setdefault(str(row["s"]), {"labels": {}, "alt": [], "types": []})
        key, value = str(row["key"]), row["value"]
        if key == "label":
            entry["labels"][getattr(value, "language", None) or ""] = str(value)
        elif key == "alt":
            entry["alt"].append(str(value))
        elif key == "type":
            entry["types"].append(str(value))
    index = Catalog.load(full_store)
    assert len(index.entries) == len(expected) > 1000
    for iri, entry in expected.items():
        found = index.entries[iri]
        assert found.labels == entry["labels"]
        assert sorted(found.alt) == sorted(entry["alt"])
        assert sorted(found.types) == sorted(entry["types"])
