"""Validate a change on the changed entities and their neighbourhood, not the whole graph.

The working graph holds the new versions of the changed entities, every entity they link to
or that links to them (direct neighbours), what those neighbours link to, and the whole
``aig:basedOn``/``aig:buildsOn`` ancestry of the changed entities (so a cycle is caught).
pySHACL runs on that graph plus the vocabulary; only the results about the changed entities
and their direct neighbours are kept, since the outer ring is there for context only. A
change to a reading path also runs the path checks of ``aigraph.paths.checks`` on a trial store.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from aigraph import queries
from aigraph.curation import shacl
from aigraph.curation.entity import own_part
from aigraph.datafile import is_entity
from aigraph.namespaces import AIG, compact, slug_of
from aigraph.store import EmbeddedStore, Store, inline_values
from aigraph.validate import load_ontology, load_shapes


@dataclass(frozen=True)
class Violation:
    """One problem with a change: the entity, the property (SPARQL path) and what to fix."""

    focus: str
    path: str | None
    message: str
    severity: str = "Violation"
    value: str | None = None

    def as_json(self) -> dict:
        """The fields the API answers with."""
        return {"focus": self.focus, "path": self.path, "message": self.message,
                "severity": self.severity, "value": self.value}


@lru_cache(maxsize=4)
def _shapes(ontology_dir: str, stamp: float) -> tuple[Graph, Graph]:
    return load_shapes(ontology_dir), load_ontology(ontology_dir)


def shapes_and_ontology(ontology_dir: str) -> tuple[Graph, Graph]:
    """Return the parsed shapes and vocabulary, parsed again when shapes.ttl changes."""
    stamp = (Path(ontology_dir) / "shapes.ttl").stat().st_mtime
    return _shapes(str(ontology_dir), stamp)


_CYCLE_SHAPES = {"aigsh:buildsOn-acyclic", "aigsh:basedOn-acyclic"}


def _entity_objects(graph: Graph) -> set[URIRef]:
    return {o for o in graph.objects() if is_entity(o)}


def neighbourhood(store: Store, subjects: set[URIRef], new: Graph) -> tuple[Graph, set[URIRef]]:
    """Return the context graph around ``subjects`` (their old triples left out) and the set of
    direct neighbours, taking the links of the new versions (``new``) into account."""
    context, near, _ancestors = surroundings(store, subjects, new)
    return context, near


def surroundings(store: Store, subjects: set[URIRef], new: Graph
                 ) -> tuple[Graph, set[URIRef], set[URIRef]]:
    """``neighbourhood``, and the ``aig:basedOn``/``aig:buildsOn`` ancestors it holds."""
    subjects = set(subjects)
    near = _entity_objects(new)
    rows = queries.select_each(store, "curation/neighbours", "entity", sorted(subjects))
    near |= {row["neighbour"] for row in rows if "neighbour" in row}
    # A license's terms also decide the license-conflict warning of the models built on the
    # models under it, two links away: those count as neighbours too.
    rows = queries.select_each(store, "curation/license_reach", "entity", sorted(subjects))
    near |= {row["neighbour"] for row in rows if "neighbour" in row}
    near -= subjects
    context = _describe(store, near)
    outer = _entity_objects(context) - near - subjects
    starts = sorted((_entity_objects(new) | near) - subjects)
    ancestry = queries.select_each(store, "curation/ancestry", "entity", starts) if starts else []
    ancestors = {row["ancestor"] for row in ancestry if "ancestor" in row}
    outer |= ancestors
    context += _describe(store, outer - near - subjects)
    # The changed entities' old statements are replaced by the new ones.
    for triple in list(context):
        if triple[0] in subjects:
            context.remove(triple)
    return context, near, ancestors


def _describe(store: Store, entities: set[URIRef]) -> Graph:
    graph = Graph()
    if not entities:
        return graph
    ordered = sorted(entities)
    # Bounded batches keep each request small on a remote store.
    for start in range(0, len(ordered), 200):
        batch = ordered[start:start + 200]
        text = inline_values(queries.get("curation/describe_many").sparql, "entity", batch)
        graph += store.construct(text)
    return graph


def check(store: Store, ontology_dir: str, new_versions: Mapping[URIRef, Graph],
          lang: str = "en") -> list[Violation]:
    """Validate new versions of entities (an empty graph deletes one); return the problems."""
    subjects = set(new_versions)
    new = Graph()
    for graph in new_versions.values():
        new += graph
    context, near, ancestors = surroundings(store, subjects, new)
    working = context + new
    # The entities of the graph carry their full description already (the store holds the
    # vocabulary too), so only the vocabulary's classes and lists are added.
    report = shacl.shapes_for(ontology_dir).validate(working, whole_vocabulary=False)
    wanted = {compact(str(s)) for s in subjects | near}
    wanted |= {"id:" + str(s).rsplit("/", 1)[-1] for s in subjects | near}
    # Terms the change uses that are not entities (a class) are reported on themselves.
    wanted |= {compact(str(o)) for o in new.objects() if isinstance(o, URIRef)}
    violations = path_checks(store, new_versions, lang)
    # A cycle is reported once, on its member with the smallest IRI, which may be an ancestor
    # further away; the whole ancestry is in the graph, so that result is exact there too.
    far = {compact(str(s)) for s in ancestors}
    for result in report.results:
        head = result.focus.split(" ", 1)[0]
        if head not in wanted and not (head in far and result.source_shape in _CYCLE_SHAPES):
            continue
        violations.append(Violation(focus=head, path=result.path, message=result.text(lang),
                                    severity=result.severity, value=result.value))
    return violations


def path_checks(store: Store, new_versions: Mapping[URIRef, Graph], lang: str) -> list[Violation]:
    """Run the reading-path checks on the paths a change defines (rules are only known by
    running them, so the whole graph with the change applied is loaded into a trial store)."""
    changed = [s for s, g in new_versions.items() if (s, RDF.type, AIG.ReadingPath) in g]
    if not changed:
        return []
    from aigraph.paths.checks import check_paths

    graph = Graph()
    graph += store.graph()
    for subject, new in new_versions.items():
        graph -= own_part(graph, subject)
        graph += new
    with tempfile.TemporaryDirectory(prefix="aigraph-paths-") as folder:
        trial_file = Path(folder) / "graph.nt"
        graph.serialize(trial_file, format="nt", encoding="utf-8")
        trial = EmbeddedStore.from_files([trial_file])
        problems = check_paths(trial, [slug_of(str(s)) for s in changed if slug_of(str(s))])
    return [Violation(focus="id:" + p.path, path=None, message=p.message(lang),
                      severity="Violation" if p.severity == "error" else "Warning")
            for p in problems]
