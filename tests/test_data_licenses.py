"""Checks on the shipped licenses that SHACL does not express: rules, sources, history order."""

import datetime

from aigraph import licensing, queries
from aigraph.namespaces import slug_of, sparql_prologue

OPEN_MODELS = sparql_prologue() + """
SELECT ?model ?license ?source WHERE {
  ?model a aig:Model ; aig:openWeights true .
  OPTIONAL { ?model aig:license ?license }
  OPTIONAL { ?model dcterms:source ?source }
}"""
CHANGES = sparql_prologue() + """
SELECT ?model ?released ?date ?previous ?new WHERE {
  ?model aig:licenseChange ?c .
  ?c aig:changeDate ?date ; aig:previousLicense ?previous ; aig:newLicense ?new .
  OPTIONAL { ?model aig:releaseDate ?released }
}"""


def test_every_open_weights_model_has_a_sourced_license(full_store):
    rows = full_store.select(OPEN_MODELS).rows
    assert len({r["model"] for r in rows}) >= 200
    unlicensed = sorted({slug_of(r["model"]) for r in rows if "license" not in r})
    unsourced = sorted({slug_of(r["model"]) for r in rows if "source" not in r})
    assert unlicensed == [] and unsourced == []


def test_every_license_has_its_rules_and_a_source(full_store):
    rules, labels = licensing.license_rules(full_store)
    assert len(rules) >= 50
    incomplete = sorted(slug_of(iri) for iri, r in rules.items() if not r.known)
    assert incomplete == [], "add aig:permitsDerivatives and aig:derivativeTerms"
    sourced = {str(r["s"]) for r in full_store.select(sparql_prologue() +
        "SELECT ?s WHERE { ?s a aig:License ; dcterms:source ?src }").rows}
    assert sorted(slug_of(i) for i in set(rules) - sourced) == []
    assert all({"en", "it"} <= set(labels[iri]) for iri in rules)


def test_license_changes_change_something_and_follow_the_release(full_store):
    rows = full_store.select(CHANGES).rows
    assert len(rows) >= 5
    for row in rows:
        assert row["previous"] != row["new"], slug_of(row["model"])
        if "released" in row:
            # Compared by month: a release known only to the month is recorded on its first day.
            released = datetime.date.fromisoformat(str(row["released"]))
            changed = datetime.date.fromisoformat(str(row["date"]))
            assert (changed.year, changed.month) >= (released.year, released.month), \
                slug_of(row["model"])


def test_closed_weights_models_carry_no_weights_license(full_store):
    rows = full_store.select(sparql_prologue() +
        "SELECT ?m WHERE { ?m aig:openWeights false ; aig:license ?l }").rows
    assert sorted(slug_of(r["m"]) for r in rows) == []


def test_the_lineage_of_every_derived_model_classifies(full_store):
    rows = full_store.select(sparql_prologue()
                             + "SELECT DISTINCT ?m WHERE { ?m aig:basedOn ?b ; aig:license ?l }")
    seen = set()
    for row in rows.rows:
        path = licensing.lineage(full_store, slug_of(row["m"]), "en")
        for step in path.steps:
            for comparison in step.comparisons:
                seen.add(comparison.relation)
    # The shipped data exercises every verdict but "unknown" (every license has its rules).
    assert {"same", "compatible", "more-restrictive", "conflicting"} <= seen
    assert queries.get("licensing/lineage").params == {"model": "the model's IRI"}
