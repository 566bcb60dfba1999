"""Compare two versions of the graph: facts added, changed and removed, grouped by entity.

``load_version`` reads a version from a Turtle, N-Triples or JSON-LD file, a gzipped release
dump, a folder of Turtle files, a release number (``0.1.0``, from the releases folder) or a
git revision (``v0.1``, ``HEAD~3``: the ``data/`` files at that commit). ``diff`` compares two
graphs with rdflib's graph diff (blank nodes matched by their canonical form) and groups the
difference by entity; a blank node, such as a license change, counts under the entity that
points to it. ``format_text`` and ``to_json`` render the result.
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from aigraph import releases
from aigraph.errors import BadRequest
from aigraph.namespaces import compact
from aigraph.validate import ParseError, load_graph

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}


def load_version(spec: str, root: str | os.PathLike, releases_dir: str | os.PathLike,
                 data_subdir: str = "data") -> Graph:
    """Return the graph named by ``spec``: a path, a release number or a git revision."""
    path = Path(spec)
    try:
        if path.is_dir():
            return load_graph(sorted(path.rglob("*.ttl")))
        if path.is_file():
            if path.name.endswith(".nt.gz"):
                return releases.read_dump(path)
            graph = Graph()
            graph.parse(path, format=FORMATS.get(path.suffix, "turtle"))
            return graph
    except ParseError as error:
        raise BadRequest(f"cannot read {spec}: {error}") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise BadRequest(f"cannot read {spec}: {error}") from None
    release = releases.find(releases_dir, spec)
    if release is not None:
        return releases.read_dump(Path(releases_dir) / release.dump)
    return _from_git(spec, Path(root), data_subdir)


def _git(root: Path, spec: str, *args: str) -> bytes:
    try:
        return subprocess.run(["git", "-C", str(root), *args], check=True,
                              capture_output=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        raise BadRequest(f"{spec!r} is neither a file, a folder, a release nor a git "
                         "revision of this repository") from None


def _from_git(revision: str, root: Path, data_subdir: str) -> Graph:
    if revision.startswith("-"):
        raise BadRequest(f"not a revision: {revision!r}")
    commit = _git(root, revision, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    commit_id = commit.decode().strip()
    names = _git(root, revision, "ls-tree", "-r", "--name-only", commit_id, "--", data_subdir)
    graph = Graph()
    for name in sorted(n for n in names.decode().splitlines() if n.endswith(".ttl")):
        text = _git(root, revision, "show", f"{commit_id}:{name}").decode("utf-8")
        try:
            graph.parse(data=text, format="turtle")
        except Exception as error:  # rdflib raises several kinds on bad Turtle
            raise BadRequest(f"{revision}:{name} does not parse: {error}") from None
    return graph


@dataclass
class EntityDiff:
    """What changed about one entity: lines of ``(predicate, old values, new values)``."""

    entity: str
    added: list[tuple[str, list[str]]] = field(default_factory=list)
    removed: list[tuple[str, list[str]]] = field(default_factory=list)
    changed: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``new`` or ``gone`` when the entity's type appears or disappears, else ``changed``."""
        if any(p == "rdf:type" for p, _ in self.added) and not self.removed and not self.changed:
            return "new"
        if any(p == "rdf:type" for p, _ in self.removed) and not self.added and not self.changed:
            return "gone"
        return "changed"


@dataclass
class GraphDiff:
    """The difference between two graphs, entity by entity."""

    entities: list[EntityDiff]
    added: int
    removed: int

    def counts(self) -> dict[str, int]:
        """Count the entities that are new, gone and changed."""
        found = {"new": 0, "gone": 0, "changed": 0}
        for entity in self.entities:
            found[entity.status] += 1
        return found


def _owner(graph: Graph, node: Node, seen: frozenset = frozenset()) -> Node:
    """Return the named subject a blank node hangs from (or the node itself)."""
    if not isinstance(node, BNode) or node in seen:
        return node
    parent = next(iter(sorted(graph.subjects(None, node))), None)
    return node if parent is None else _owner(graph, parent, seen | {node})


def _term(node: Node, graph: Graph) -> str:
    if isinstance(node, BNode):
        inner = sorted(f"{compact(p)} {_term(o, graph)}" for p, o in graph.predicate_objects(node))
        return "[ " + " ; ".join(inner) + " ]"
    if isinstance(node, rdflib.Literal):
        if node.datatype is not None:
            return f'"{node}"^^{compact(str(node.datatype))}'
        return node.n3()
    short = compact(str(node))
    return short if short != str(node) else f"<{node}>"


def diff(old: Graph, new: Graph) -> GraphDiff:
    """Compare ``old`` with ``new`` and group the facts added, removed and changed by entity."""
    # Canonical labels make equal blank nodes compare equal across the two graphs.
    old, new = to_canonical_graph(old), to_canonical_graph(new)
    only_old, only_new = old - new, new - old
    gone: dict[tuple[str, str], set[str]] = defaultdict(set)
    came: dict[tuple[str, str], set[str]] = defaultdict(set)
    for triples, graph, into in ((only_old, old, gone), (only_new, new, came)):
        for s, p, o in triples:
            owner = _owner(graph, s)
            if owner == s:
                into[(compact(str(s)), compact(str(p)))].add(_term(o, graph))
            else:
                # Report the whole blank node once, as the value of the link that holds it.
                link_s = next(iter(sorted(graph.subjects(None, s))), owner)
                link_p = next(iter(sorted(graph.predicates(link_s, s))), p)
                into[(compact(str(owner)), compact(str(link_p)))].add(_term(s, graph))
    by_entity: dict[str, EntityDiff] = {}
    for key in sorted(set(gone) | set(came)):
        entity, predicate = key
        record = by_entity.setdefault(entity, EntityDiff(entity))
        old_values, new_values = sorted(gone.get(key, ())), sorted(came.get(key, ()))
        if old_values and new_values:
            record.changed.append((predicate, old_values, new_values))
        elif new_values:
            record.added.append((predicate, new_values))
        else:
            record.removed.append((predicate, old_values))
    return GraphDiff(list(by_entity.values()), len(only_new), len(only_old))


def to_json(result: GraphDiff, old: str, new: str) -> dict:
    """Return the difference as JSON-ready data."""
    return {
        "old": old, "new": new, "triples_added": result.added,
        "triples_removed": result.removed, "entities": result.counts(),
        "changes": [{"entity": e.entity, "status": e.status,
                     "added": [{"property": p, "values": v} for p, v in e.added],
                     "removed": [{"property": p, "values": v} for p, v in e.removed],
                     "changed": [{"property": p, "old": o, "new": n} for p, o, n in e.changed]}
                    for e in result.entities],
    }


def format_text(result: GraphDiff, old: str, new: str) -> str:
    """Render the difference for a terminal: a summary, then one block per entity."""
    counts = result.counts()
    lines = [f"{old} -> {new}: {counts['new']} new, {counts['changed']} changed, "
             f"{counts['gone']} removed entities; {result.added} triples added, "
             f"{result.removed} removed"]
    marks = {"new": "+", "gone": "-", "changed": "~"}
    for entity in result.entities:
        lines.append("")
        lines.append(f"{marks[entity.status]} {entity.entity}")
        for predicate, values in entity.added:
            lines += [f"    + {predicate} {v}" for v in values]
        for predicate, values in entity.removed:
            lines += [f"    - {predicate} {v}" for v in values]
        for predicate, old_values, new_values in entity.changed:
            lines.append(f"    ~ {predicate} {', '.join(old_values)} -> {', '.join(new_values)}")
    return "\n".join(lines) + "\n"
