"""Curation forms generated from the shapes, and submissions read back into triples."""

from __future__ import annotations

import shutil

import pytest
from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from aigraph.curation.formdata import (
    form_values,
    keep_unshown,
    link_text,
    parse_values,
    slug_from,
    slugify,
)
from aigraph.curation.forms import build_forms, class_key, entity_classes
from aigraph.namespaces import AIG, entity_iri
from aigraph.settings import PROJECT_ROOT
from aigraph.validate import load_ontology, load_shapes

ONTOLOGY = PROJECT_ROOT / "ontology"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ONTOLOGY)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(ONTOLOGY)


@pytest.fixture(scope="module")
def forms(shapes, ontology):
    return build_forms(shapes, ontology)


def test_every_property_shape_has_a_group_and_an_order(shapes):
    named = [s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)]
    assert len(named) > 40
    for shape in named:
        group = shapes.value(shape, SH.group)
        assert group is not None and shapes.value(shape, SH.order) is not None, shape
        assert (group, RDF.type, SH.PropertyGroup) in shapes, group
        assert sorted(lbl.language for lbl in shapes.objects(group, RDFS.label)) == ["en", "it"]


def test_a_form_for_every_entity_class(forms, shapes):
    assert set(forms) == {"milestone", "model", "organization", "license", "category",
                          "reading-path"}
    assert class_key(AIG.ReadingPath) == "reading-path"
    assert AIG.PathNote not in entity_classes(shapes)


def test_model_form_fields_grouped_ordered_with_widgets(forms):
    form = forms["model"]
    assert form.label("it") == "Modello"
    names = [f.name for f in form.fields]
    # ordered by sh:group, then sh:order
    assert names.index("rdfs:label") < names.index("dcterms:description") < names.index(
        "aig:releaseDate") < names.index("aig:developedBy") < names.index("dcterms:source")
    assert [g.label("en") for g in form.groups] == [
        "Names and description", "Facts", "Links to other entities", "Sources and review"]
    widgets = {f.name: f.widget for f in form.fields}
    assert widgets["aig:releaseDate"] == "date"
    assert widgets["aig:parameterCount"] == "number"
    assert widgets["aig:openWeights"] == "boolean"
    assert widgets["aig:developedBy"] == "link"
    assert widgets["aig:basedOn"] == "link"
    assert widgets["aig:category"] == "checkboxes"
    assert widgets["aig:datePrecision"] == "select"
    assert widgets["dcterms:source"] == "url"
    assert widgets["dcterms:description"] == "textarea"
    assert widgets["aig:huggingFaceRepo"] == "text" and form.field("aig:huggingFaceRepo").repeatable
    label = form.field("rdfs:label")
    assert label.languages == ("en", "it") and label.required and not label.repeatable
    assert label.input_names() == ["rdfs:label@en", "rdfs:label@it"]
    developed = form.field("aig:developedBy")
    assert developed.required and developed.repeatable
    assert developed.link_classes == (str(AIG.Organization),)
    assert not form.field("aig:releaseDate").repeatable
    assert form.field("aig:releaseDate").label("it") == "data di rilascio"
    # properties of other classes stay out
    assert form.field("aig:date") is None and form.field("aig:organizationType") is None


def test_controlled_lists_become_selects_in_rank_order(forms):
    importance = forms["milestone"].field("aig:importance")
    assert importance.widget == "select" and importance.required
    assert [c.iri for c in importance.choices] == [str(AIG.Landmark), str(AIG.High),
                                                    str(AIG.Medium), str(AIG.Low)]
    assert importance.choices[0].label("it") == "Storica"
    involves = forms["milestone"].field("aig:involves")
    assert involves.widget == "link"
    assert set(involves.link_classes) == {str(AIG.Model), str(AIG.Organization)}


def test_fixed_values_and_links_to_non_entities_are_not_fields(forms):
    category = forms["category"]
    assert category.field("skos:inScheme") is None
    assert [p for p, _ in category.fixed] == [str(SKOS.inScheme)]
    assert forms["reading-path"].field("aig:stepNote") is None  # path notes are blank nodes


def test_adding_a_property_shape_adds_the_field(tmp_path, ontology):
    folder = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY, folder)
    with open(folder / "shapes.ttl", "a", encoding="utf-8") as handle:
        handle.write("""
aigsh:model-trainingTokens a sh:PropertyShape ;
    sh:targetClass aig:Model ;
    sh:path aig:trainingTokens ;
    sh:group aigsh:facts-group ; sh:order 205 ;
    sh:name "training tokens"@en , "token di addestramento"@it ;
    sh:datatype xsd:integer ;
    sh:maxCount 1 ;
    sh:minCount 1 .
""")
        handle.write("""
aigsh:model-modality a sh:PropertyShape ;
    sh:targetClass aig:Model ;
    sh:path aig:modality ;
    sh:group aigsh:facts-group ; sh:order 206 ;
    sh:in ( "text" "image" <https://w3id.org/aigraph/ontology#Landmark> ) ;
    sh:maxCount 1 .
""")
    forms = build_forms(load_shapes(folder), ontology)
    modality = forms["model"].field("aig:modality")
    assert modality.widget == "select" and not modality.repeatable
    assert [c.iri for c in modality.choices] == ["text", "image", str(AIG.Landmark)]
    subject = entity_iri("demo")
    for sent, term in (("image", Literal("image")), (str(AIG.Landmark), AIG.Landmark)):
        parsed = parse_values(forms["model"], subject, {"aig:modality": [sent]}, _resolver({}))
        assert parsed.graph.value(subject, URIRef(modality.path)) == term
    tokens = forms["model"].field("aig:trainingTokens")
    assert tokens is not None and tokens.widget == "number" and tokens.required
    assert tokens.label("it") == "token di addestramento"
    facts = [g for g in forms["model"].groups if g.label("en") == "Facts"][0]
    names = [f.name for f in facts.fields]
    assert names.index("aig:parameterCount") < names.index("aig:trainingTokens") < names.index(
        "aig:activeParameterCount")
    assert forms["organization"].field("aig:trainingTokens") is None


def _resolver(known: dict[str, str]):
    return lambda text, classes: [known[text]] if text in known else []


def test_parse_a_model_submission(forms):
    form = forms["model"]
    subject = entity_iri("qwen2-5")
    values = {
        "rdfs:label@en": ["Qwen2.5 "], "rdfs:label@it": [""],
        "dcterms:description@en": ["A family of open-weight language models."],
        "aig:releaseDate": ["2024-09-19"], "aig:parameterCount": ["72 700 000 000"],
        "aig:openWeights": ["true"], "aig:developedBy": ["Alibaba Cloud [alibaba-cloud]", ""],
        "aig:category": [str(AIG.Landmark), "https://w3id.org/aigraph/id/language-models"],
        "dcterms:source": ["https://qwenlm.github.io/blog/qwen2.5/", "not a url"],
        "aig:license": ["Nowhere License"],
    }
    choices = {c.iri for c in form.field("aig:category").choices}
    values["aig:category"][1] = sorted(choices)[0]
    parsed = parse_values(form, subject, values, _resolver(
        {"Alibaba Cloud [alibaba-cloud]": str(entity_iri("alibaba-cloud"))}))
    g = parsed.graph
    assert (subject, RDF.type, AIG.Model) in g
    assert (subject, RDFS.label, Literal("Qwen2.5", lang="en")) in g
    assert len(list(g.objects(subject, RDFS.label))) == 1  # the empty Italian label is left out
    assert (subject, AIG.releaseDate, Literal("2024-09-19", datatype=XSD.date)) in g
    assert (subject, AIG.parameterCount, Literal("72700000000", datatype=XSD.integer)) in g
    assert (subject, AIG.openWeights, Literal(True)) in g
    assert (subject, AIG.developedBy, entity_iri("alibaba-cloud")) in g
    assert (subject, DCTERMS.source, URIRef("https://qwenlm.github.io/blog/qwen2.5/")) in g
    problems = {(p.field, p.code, p.text) for p in parsed.problems}
    assert problems == {("aig:category", "choice", str(AIG.Landmark)),
                        ("dcterms:source", "url", "not a url"),
                        ("aig:license", "unresolved", "Nowhere License")}
    assert [p.text for p in parsed.unresolved()] == ["Nowhere License"]


def test_malformed_values_are_kept_for_the_shapes_to_refuse(forms):
    subject = entity_iri("demo")
    parsed = parse_values(forms["model"], subject,
                          {"aig:releaseDate": ["2024-13-45"], "aig:parameterCount": ["7.3B"]},
                          _resolver({}))
    date = parsed.graph.value(subject, AIG.releaseDate)
    assert date.datatype == XSD.date and str(date) == "2024-13-45" and date.ill_typed
    assert parsed.graph.value(subject, AIG.parameterCount).ill_typed


def test_form_values_round_trip(forms):
    form = forms["model"]
    subject = entity_iri("qwen2")
    g = Graph()
    g.add((subject, RDF.type, AIG.Model))
    g.add((subject, RDFS.label, Literal("Qwen2", lang="en")))
    g.add((subject, RDFS.label, Literal("Qwen2", lang="it")))
    g.add((subject, AIG.openWeights, Literal(False)))
    g.add((subject, AIG.developedBy, entity_iri("alibaba")))
    g.add((subject, SKOS.altLabel, Literal("Qwen 2", lang="en")))
    shown = form_values(form, g, subject, lambda iri: link_text("Alibaba", "alibaba"))
    assert shown == {"rdfs:label@en": ["Qwen2"], "rdfs:label@it": ["Qwen2"],
                     "aig:openWeights": ["false"], "aig:developedBy": ["Alibaba [alibaba]"]}
    parsed = parse_values(form, subject, shown, _resolver(
        {"Alibaba [alibaba]": str(entity_iri("alibaba"))}))
    assert not parsed.problems
    merged = keep_unshown(form, g, subject, parsed.graph)
    assert set(merged) == set(g)  # the other name, which no field shows, is kept


def test_slugs():
    assert slugify("Qwen2.5") == "qwen2-5"
    assert slugify("  Università di Pisa ") == "universita-di-pisa"
    assert slug_from({"rdfs:label@en": [""], "rdfs:label@it": ["Tappa Zero"]}) == "tappa-zero"
    assert slug_from({"slug": ["given"], "rdfs:label@en": ["Other"]}) == "given"


def test_an_edit_keeps_blank_nodes_the_form_does_not_show(forms):
    from rdflib import BNode

    form = forms["reading-path"]
    path, note = entity_iri("demo-path"), BNode()
    old = Graph()
    old.add((path, RDF.type, AIG.ReadingPath))
    old.add((path, RDFS.label, Literal("Old", lang="en")))
    old.add((path, AIG.stepNote, note))
    old.add((note, RDF.type, AIG.PathNote))
    old.add((note, AIG.note, Literal("Why it matters", lang="en")))
    new = parse_values(form, path, {"rdfs:label@en": ["New"]}, _resolver({})).graph
    merged = keep_unshown(form, old, path, new)
    assert (path, RDFS.label, Literal("New", lang="en")) in merged
    assert (path, RDFS.label, Literal("Old", lang="en")) not in merged
    assert (path, AIG.stepNote, note) in merged
    assert (note, AIG.note, Literal("Why it matters", lang="en")) in merged
