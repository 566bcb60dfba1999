"""Run pySHACL for curation with everything that does not depend on the data built once.

``validate`` in ``aigraph.validate`` builds pySHACL's shapes from scratch on every call, and
pySHACL hands each SPARQL target and constraint to rdflib as text, which parses it again
(pyparsing, ~5-10 ms a query, dozens of queries a save). Here the shapes (pySHACL's
``ShapesGraph``, with its harvested shapes and SPARQL validators) are built once per version
of ``shapes.ttl``/``aigraph.ttl``, and the data graph is a ``PreparedGraph``, which parses
each distinct query text once and reuses it. The report is the same as ``aigraph.validate``
gives for the same graph (``tests/curation/test_fast_validation.py`` compares them).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SKOS
from rdflib.plugins.sparql import prepareQuery

from aigraph.ill_typed import restore_values, untype_ill_typed
from aigraph.validate import Report, load_ontology, load_shapes, report_of

#: rdflib's SPARQL parser (pyparsing) and pySHACL's shape objects are not thread-safe.
LOCK = threading.RLock()


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple):
    return prepareQuery(text, initNs=dict(namespaces))


class PreparedGraph(Graph):
    """An rdflib memory graph whose ``query`` parses each distinct SPARQL text only once."""

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql" and "base" not in kwargs:
            namespaces = tuple(sorted((initNs or dict(self.namespaces())).items()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


@dataclass
class Shapes:
    """The shapes and vocabulary of one version of the ontology folder, built for pySHACL."""

    shapes: Graph
    ontology: Graph
    shapes_graph: ShapesGraph
    #: The vocabulary's statements that shapes read about the values of an entity: classes,
    #: class hierarchy and the lists (schemes) controlled terms belong to.
    facts: Graph

    def validate(self, data: Graph, whole_vocabulary: bool = True) -> Report:
        """Validate ``data`` (not modified) as ``aigraph.validate.validate`` does.

        ``whole_vocabulary=False`` adds only ``facts`` of the vocabulary, not all of it: the
        results about the entities of ``data`` are the same (the vocabulary's own terms are
        then not checked, unless ``data`` describes them), and the graph is smaller.
        """
        working = PreparedGraph()
        working += data
        # As in aigraph.validate: the individuals of the vocabulary (categories, levels)
        # must be visible to the shapes, so the vocabulary is merged into the data copy.
        working += self.ontology if whole_vocabulary else self.facts
        untyped = untype_ill_typed(working)
        options = {"inference": "none", "advanced": True, "inplace": True,
                   "allow_warnings": False}
        with LOCK:
            validator = Validator(DataGraph.from_rdflib(working), shacl_graph=self.shapes,
                                  options=options)
            # The ShapesGraph built by the constructor is replaced by the one built before,
            # whose shapes and SPARQL validators are already harvested.
            validator.shacl_graph = self.shapes_graph
            conforms, results_graph, _text = validator.run()
        restore_values(results_graph, untyped)
        return report_of(conforms, results_graph, data)


@lru_cache(maxsize=4)
def _build(ontology_dir: str, stamp: tuple) -> Shapes:
    shapes = load_shapes(ontology_dir)
    ontology = load_ontology(ontology_dir)
    facts = Graph()
    for predicate in (RDF.type, RDFS.subClassOf, SKOS.inScheme):
        for triple in ontology.triples((None, predicate, None)):
            facts.add(triple)
    built = Shapes(shapes, ontology, ShapesGraph(shapes), facts)
    with LOCK:
        built.shapes_graph.shapes  # noqa: B018 - the property harvests the shapes once
    return built


def shapes_for(ontology_dir: str | Path) -> Shapes:
    """The built shapes of ``ontology_dir``, rebuilt when shapes.ttl or aigraph.ttl changes."""
    folder = Path(ontology_dir)
    stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size)
                  for p in (folder / "shapes.ttl", folder / "aigraph.ttl"))
    return _build(str(folder), stamp)
