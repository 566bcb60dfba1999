"""The SHACL shapes, driven by self-contained fixtures in tests/shapes/.

Each fixture is Turtle data whose comments carry the expected report, one line per result:

    # expect: focus=id:demo-release path=aig:date shape=aigsh:milestone-date
    #         component=sh:MinCountConstraintComponent message="needs its aig:date"

(on a single line; ``path`` and ``value`` are left out when the result has none, and values
with spaces or quotes are quoted as in a shell), or ``# expect: conforms``. The validator must
report exactly the expected results: same focus, path, value, shape and constraint, with the
message containing the given English text and an Italian message beside it. A further test
fails when a constraint of ontology/shapes.ttl has no fixture.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef

from aigraph.settings import PROJECT_ROOT
from aigraph.validate import SHAPES_NS, load_graph, load_ontology, load_shapes, validate

FIXTURES = sorted((Path(__file__).parent / "shapes").glob("*.ttl"))

#: Constraint parameters used in shapes.ttl, by the component they belong to.
COMPONENTS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype",
    SH["class"]: "Class", SH.node: "Node", SH["or"]: "Or", SH.pattern: "Pattern",
    SH.languageIn: "LanguageIn", SH.uniqueLang: "UniqueLang", SH.minExclusive: "MinExclusive",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.nodeKind: "NodeKind", SH.hasValue: "HasValue",
    SH["in"]: "In", SH.sparql: "SPARQL", SH.qualifiedMinCount: "QualifiedMinCount",
}
#: Predicates of a shape that are not constraints.
NOT_CONSTRAINTS = {RDF.type, RDFS.comment, SH.path, SH.message, SH.targetClass,
                   SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target,
                   SH.property, SH.qualifiedValueShape, SH.severity, SH.order, SH.group}

KEYS = ("focus", "path", "value", "shape", "component")


@dataclass(frozen=True)
class Expectation:
    """One expected result, or none at all when ``conforms``."""

    focus: str
    path: str | None
    value: str | None
    shape: str
    component: str
    message: str

    @property
    def key(self) -> tuple:
        return (self.focus, self.path, self.value, self.shape, self.component)


def read_expectations(path: Path) -> list[Expectation] | None:
    """Return the fixture's expected results, or None when it expects to conform."""
    expectations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# expect:"):
            continue
        text = line.removeprefix("# expect:").strip()
        if text == "conforms":
            return None
        fields = dict(item.split("=", 1) for item in shlex.split(text))
        unknown = set(fields) - {*KEYS, "message"}
        assert not unknown, f"{path.name}: unknown keys {unknown}"
        expectations.append(Expectation(
            focus=fields["focus"], path=fields.get("path"), value=fields.get("value"),
            shape=fields["shape"], component=fields["component"], message=fields["message"]))
    assert expectations, f"{path.name} has no '# expect:' line"
    return expectations


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(PROJECT_ROOT / "ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(PROJECT_ROOT / "ontology")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture(fixture, shapes, ontology):
    expected = read_expectations(fixture)
    report = validate(load_graph([fixture]), shapes=shapes, ontology=ontology)
    if expected is None:
        assert report.results == [], report.format_text()
        assert report.conforms
        return
    # Warnings alone leave the graph conforming; any violation makes it fail.
    assert report.conforms == all(r.severity == "Warning" for r in report.results)
    actual = {(r.focus, r.path, r.value, r.source_shape, r.constraint): r for r in report.results}
    assert len(actual) == len(report.results), report.format_text()
    assert sorted(actual, key=str) == sorted((e.key for e in expected), key=str), \
        report.format_text()
    for expectation in expected:
        result = actual[expectation.key]
        assert expectation.message in result.message
        assert result.message_it and result.message_it != result.message


def _reporting_shapes(shapes: Graph):
    """Yield (shape, constraint parameters) for every shape that carries its own message."""
    for shape in sorted(set(shapes.subjects(SH.message, None))):
        if not isinstance(shape, URIRef):
            continue  # the message of a SPARQL constraint belongs to the shape holding it
        yield shape, set(shapes.predicates(shape, None)) - NOT_CONSTRAINTS
    for shape in sorted(set(shapes.subjects(SH.sparql, None))):
        yield shape, {SH.sparql}


def _compact(shape: URIRef) -> str:
    return "aigsh:" + str(shape).removeprefix(SHAPES_NS)


def test_every_constraint_has_a_fixture(shapes):
    covered = {(e.shape, e.component) for f in FIXTURES for e in read_expectations(f) or ()}
    required = set()
    for shape, parameters in _reporting_shapes(shapes):
        unknown = parameters - set(COMPONENTS)
        assert not unknown, f"{shape}: add {unknown} to COMPONENTS in this test"
        required |= {(_compact(shape), f"sh:{COMPONENTS[p]}ConstraintComponent")
                     for p in parameters}
    assert sorted(required - covered) == []


def test_every_message_is_in_english_and_italian(shapes):
    holders = set(shapes.subjects(SH.message, None))
    assert holders
    for holder in holders:
        languages = sorted(m.language for m in shapes.objects(holder, SH.message)
                           if isinstance(m, Literal))
        assert languages == ["en", "it"], holder


def test_every_shape_that_reports_is_named(shapes):
    """A named shape gives results a stable ``source_shape`` that fixtures can refer to."""
    for holder in shapes.subjects(SH.message, None):
        shape = holder if isinstance(holder, URIRef) else shapes.value(None, SH.sparql, holder)
        assert isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS), holder


def test_ontology_alone_conforms(shapes, ontology):
    """Categories and controlled lists live in the ontology, and must pass the shapes too."""
    report = validate(Graph(), shapes=shapes, ontology=ontology)
    assert report.conforms, report.format_text()
