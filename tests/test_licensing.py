"""License lineage: the classifier on hand-made licenses, and lineage and history on a small graph."""

import pytest

from aigraph import licensing
from aigraph.errors import BadRequest, NotFound
from aigraph.licensing import LicenseRules, Relation, classify, compare
from aigraph.store import EmbeddedStore

APACHE = LicenseRules("apache-2-0", commercial=True, derivatives=True, terms="any")
MIT = LicenseRules("mit", commercial=True, derivatives=True, terms="any")
LLAMA2 = LicenseRules("llama-2", commercial=True, derivatives=True, terms="keeps")
LLAMA3 = LicenseRules("llama-3", commercial=True, derivatives=True, terms="keeps")
CC_BY_NC = LicenseRules("cc-by-nc", commercial=False, derivatives=True, terms="keeps")
CC_BY_SA = LicenseRules("cc-by-sa", commercial=True, derivatives=True, terms="same")
NO_DERIVS = LicenseRules("no-derivs", commercial=True, derivatives=False, terms="keeps")
BARE = LicenseRules("bare")


@pytest.mark.parametrize(("derived", "base", "relation", "reason"), [
    (APACHE, APACHE, Relation.SAME, "why-same"),
    (MIT, APACHE, Relation.COMPATIBLE, "why-permissive"),
    (APACHE, LLAMA2, Relation.CONFLICTING, "why-drops"),
    (MIT, CC_BY_NC, Relation.CONFLICTING, "why-commercial"),
    (LLAMA2, CC_BY_NC, Relation.CONFLICTING, "why-commercial"),
    (MIT, CC_BY_SA, Relation.CONFLICTING, "why-share-alike"),
    (CC_BY_NC, NO_DERIVS, Relation.CONFLICTING, "why-no-derivatives"),
    (CC_BY_NC, APACHE, Relation.MORE_RESTRICTIVE, "why-removes-commercial"),
    (LLAMA2, APACHE, Relation.MORE_RESTRICTIVE, "why-adds"),
    (LLAMA3, LLAMA2, Relation.MORE_RESTRICTIVE, "why-adds"),
    (CC_BY_NC, CC_BY_NC, Relation.SAME, "why-same"),
    (None, APACHE, Relation.UNKNOWN, "why-missing"),
    (APACHE, None, Relation.UNKNOWN, "why-missing"),
    (None, None, Relation.UNKNOWN, "why-missing"),
    (APACHE, BARE, Relation.UNKNOWN, "why-no-rules"),
    (BARE, APACHE, Relation.UNKNOWN, "why-no-rules"),
])
def test_compare(derived, base, relation, reason):
    verdict = compare(derived, base)
    assert (verdict.relation, verdict.reason) == (relation, reason)


def test_the_developer_of_both_may_relicense_its_own_model():
    assert compare(MIT, LLAMA2, same_developer=True).relation == Relation.COMPATIBLE
    assert compare(MIT, LLAMA2, same_developer=True).reason == "why-licensor"
    # Restricting its own model further stays "more restrictive", whoever does it.
    assert compare(CC_BY_NC, APACHE, same_developer=True).relation == Relation.MORE_RESTRICTIVE


def test_a_family_with_several_licenses_takes_the_most_favourable_pair():
    verdict = classify([MIT], [LLAMA2, APACHE])
    assert (verdict.relation, verdict.derived, verdict.base) == (Relation.COMPATIBLE, "mit",
                                                                 "apache-2-0")
    assert classify([APACHE], [LLAMA2, CC_BY_NC]).relation == Relation.CONFLICTING
    # An unknown pair means the conflict is not proven.
    assert classify([APACHE], [LLAMA2, BARE]).relation == Relation.UNKNOWN


def test_a_side_without_licenses_is_unknown():
    assert classify([], [APACHE]).relation == Relation.UNKNOWN
    assert classify([MIT], []).relation == Relation.UNKNOWN


LINEAGE_TTL = """
@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:apache a aig:License ; rdfs:label "Apache"@en , "Apache (it)"@it ;
    aig:permitsCommercialUse true ; aig:permitsDerivatives true ; aig:derivativeTerms aig:AnyLicense .
id:community a aig:License ; rdfs:label "Community"@en , "Comunitaria"@it ;
    aig:permitsCommercialUse true ; aig:permitsDerivatives true ;
    aig:derivativeTerms aig:KeepsRestrictions .
id:research a aig:License ; rdfs:label "Research"@en , "Ricerca"@it ;
    aig:permitsCommercialUse false ; aig:permitsDerivatives true ;
    aig:derivativeTerms aig:KeepsRestrictions .
id:lab-a a aig:Organization . id:lab-b a aig:Organization .
id:base-lm a aig:Model ; rdfs:label "Base LM"@en , "Modello base"@it ; aig:developedBy id:lab-a ;
    aig:license id:community ;
    aig:licenseChange [ a aig:LicenseChange ; aig:changeDate "2023-05-01"^^xsd:date ;
        aig:datePrecision aig:MonthPrecision ; aig:previousLicense id:research ;
        aig:newLicense id:community ; dcterms:source <https://example.org/change> ] .
id:chat-lm a aig:Model ; rdfs:label "Chat LM"@en , "Chat LM"@it ; aig:developedBy id:lab-b ;
    aig:license id:apache ; aig:codeLicense id:apache ; aig:basedOn id:base-lm .
id:tuned-lm a aig:Model ; rdfs:label "Tuned LM"@en , "Tuned LM"@it ; aig:developedBy id:lab-b ;
    aig:license id:research ; aig:basedOn id:chat-lm , id:base-lm .
"""


@pytest.fixture(scope="module")
def lineage_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("licensing") / "lineage.ttl"
    path.write_text(LINEAGE_TTL, encoding="utf-8")
    return EmbeddedStore.from_files([path])


def test_lineage_orders_bases_first_and_classifies_each_edge(lineage_store):
    path = licensing.lineage(lineage_store, "tuned-lm", "en")
    assert [s.model.id for s in path.steps] == ["base-lm", "chat-lm", "tuned-lm"]
    assert [x.id for x in path.steps[1].licenses] == ["apache"]
    assert [(c.base.id, c.relation) for c in path.steps[1].comparisons] == [
        ("base-lm", "conflicting")]
    assert [(c.base.id, c.relation) for c in path.steps[2].comparisons] == [
        ("base-lm", "more-restrictive"), ("chat-lm", "more-restrictive")]
    assert path.steps[0].comparisons == []
    assert path.conflicts == 1


def test_lineage_speaks_italian(lineage_store):
    path = licensing.lineage(lineage_store, "chat-lm", "it")
    assert path.model.title == "Chat LM"
    assert path.steps[0].model.title == "Modello base"
    assert path.steps[0].licenses[0].title == "Comunitaria"
    assert path.steps[1].comparisons[0].relation_text == "in conflitto"
    text = licensing.format_text(path)
    assert text.startswith("Le licenze lungo la genealogia di Chat LM")
    assert "rispetto a Modello base: in conflitto." in text


def test_lineage_of_a_model_without_a_base_is_the_model_alone(lineage_store):
    path = licensing.lineage(lineage_store, "base-lm")
    assert [(s.model.id, [x.id for x in s.licenses]) for s in path.steps] == [
        ("base-lm", ["community"])]
    data = licensing.to_json(path)
    assert data["model"] == "base-lm" and data["steps"][0]["bases"] == []


def test_lineage_refuses_unknown_models_and_languages(lineage_store):
    with pytest.raises(NotFound):
        licensing.lineage(lineage_store, "no-such-model")
    with pytest.raises(NotFound):
        licensing.lineage(lineage_store, "lab-a")
    with pytest.raises(NotFound):
        licensing.lineage(lineage_store, "Not A Slug")
    with pytest.raises(BadRequest):
        licensing.lineage(lineage_store, "base-lm", "fr")


def test_history_lists_changes_current_and_code_licenses(lineage_store):
    found = licensing.history(lineage_store, "base-lm", "it")
    assert [x.id for x in found.current] == ["community"]
    assert found.code == []
    [change] = found.changes
    assert (change.date, change.precision, change.previous.id, change.new.id) == (
        "2023-05-01", "month", "research", "community")
    assert change.new.title == "Comunitaria"
    assert change.sources == ("https://example.org/change",)
    assert [x.id for x in licensing.history(lineage_store, "chat-lm").code] == ["apache"]


def test_json_lists_every_step_with_its_bases(lineage_store):
    data = licensing.to_json(licensing.lineage(lineage_store, "tuned-lm"))
    assert data["conflicts"] == 1
    last = data["steps"][-1]
    assert last["id"] == "tuned-lm" and last["licenses"] == [{"id": "research",
                                                               "title": "Research"}]
    assert {b["id"]: b["relation"] for b in last["bases"]} == {
        "base-lm": "more-restrictive", "chat-lm": "more-restrictive"}
