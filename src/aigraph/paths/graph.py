"""The graph paths are computed on: entities, their edges, and the dependency graph (pure).

``Node`` (an entity with its kind, date and importance rank) and ``Edge`` (one ``buildsOn``,
``basedOn``, ``involves`` or ``developedBy`` triple) are plain data; ``build_graph`` turns them
into a ``PathGraph`` holding two networkx graphs:

``deps``
    Directed, from a dependent to what it depends on. ``M buildsOn M'`` gives ``M -> M'``;
    ``X basedOn Y`` gives ``X -> Y``. A model and the milestone that released it (its
    *release*: the earliest milestone involving it, ``{model}-release`` on a tie)
    are tied together: the model depends on its release (``X -> R(X)``) and the release
    depends on what the model was based on (``R(X) -> Y``). Any other milestone that
    involves a model depends on it (``M -> X``). Organizations take no part: sharing a lab
    is not a dependency.
``links``
    Undirected, every edge including those to organizations; ``between`` walks it. It is
    built on first use, since defined paths, lineage and next never need it.

``Step``, ``Reason`` and ``Walk`` are what the engine (``aigraph.paths.engine``) returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from aigraph.errors import NotFound

MILESTONE, MODEL, ORGANIZATION = "milestone", "model", "organization"
BUILDS_ON, BASED_ON, INVOLVES, DEVELOPED_BY = "buildsOn", "basedOn", "involves", "developedBy"
EDGE_KINDS = (BUILDS_ON, BASED_ON, INVOLVES, DEVELOPED_BY)

#: When two edges join the same pair of nodes, the first kind here explains the link best.
PREFERENCE = {BUILDS_ON: 0, BASED_ON: 1, INVOLVES: 2, DEVELOPED_BY: 3}
#: Highest importance rank in the vocabulary (aig:Landmark); ``between`` prefers high ranks.
MAX_RANK = 4
NO_DATE = "9999-12-31"


@dataclass(frozen=True)
class Node:
    """An entity the graph knows: IRI, kind, date (ISO, or None) and importance rank (0: none)."""

    iri: str
    kind: str
    date: str | None = None
    rank: int = 0


@dataclass(frozen=True)
class Edge:
    """One triple of the graph: ``source via target``, with ``via`` one of ``EDGE_KINDS``."""

    source: str
    via: str
    target: str


@dataclass(frozen=True)
class Reason:
    """Why a step is on a generated path: the triple ``subject via object`` linking it to
    ``step``, another step of the same path."""

    subject: str
    via: str
    object: str
    step: str


@dataclass(frozen=True)
class Step:
    """One step of an ordered path, as plain data.

    ``depends_on`` lists the earlier steps this one depends on directly (through entities
    that are not on the path, if need be), nearest first.
    """

    position: int
    iri: str
    kind: str
    date: str | None
    rank: int
    reason: Reason | None = None
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Walk:
    """A generated path: its steps, whether ``limit`` cut it, and whether it needed
    organizations to connect (``between`` only)."""

    steps: tuple[Step, ...]
    truncated: bool = False
    through_organizations: bool = False
    #: How many steps the walk had before ``limit`` cut it.
    total: int = 0


class NoPath(NotFound):
    """No chain of edges joins the two entities given to ``between``."""

    def __init__(self, source: str, target: str, message: str | None = None):
        super().__init__(message or f"no path links {source} and {target}: no chain of "
                         f"buildsOn, basedOn, involves or developedBy edges connects them")
        self.source = source
        self.target = target


@dataclass
class PathGraph:
    """The graph paths are computed on, built once per data version by ``build_graph``.

    ``edges`` are the input edges, deduplicated and sorted; ``links`` (for ``between``) and
    ``condensed`` (for ordering) are derived from them on first use and kept.
    """

    nodes: dict[str, Node]
    deps: nx.DiGraph
    release: dict[str, str] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    @cached_property
    def links(self) -> nx.Graph:
        """Every edge, undirected, organizations included: what ``between`` walks."""
        link: dict[frozenset[str], Edge] = {}
        for edge in self.edges:
            link.setdefault(frozenset((edge.source, edge.target)), edge)
        links = nx.Graph()
        links.add_nodes_from(sorted(self.nodes))
        links.add_edges_from((e.source, e.target, {"edge": e}) for e in link.values())
        return links

    def __contains__(self, iri: str) -> bool:
        return iri in self.nodes

    def key(self, iri: str) -> tuple[str, int, str]:
        """Sort key of tie-breaks: date, then higher importance first, then IRI."""
        node = self.nodes[iri]
        return (node.date or NO_DATE, -node.rank, iri)

    @cached_property
    def condensed(self) -> tuple[nx.DiGraph, dict[str, int], dict[int, int]]:
        """The dependency graph with each cycle shrunk to one node (computed once): the
        condensed DAG, the node of each IRI, and each node's place in a topological order."""
        condensed = nx.condensation(self.deps)
        rank = {c: i for i, c in enumerate(nx.topological_sort(condensed))}
        return condensed, condensed.graph["mapping"], rank

    def cycles(self) -> list[list[str]]:
        """Return each set of nodes that depend on one another in a circle, sorted."""
        found = [sorted(c) for c in nx.strongly_connected_components(self.deps) if len(c) > 1]
        found += [[n] for n in sorted(nx.nodes_with_selfloops(self.deps))]
        return sorted(found)


# --- building ------------------------------------------------------------------------------

def build_graph(nodes: Iterable[Node], edges: Iterable[Edge]) -> PathGraph:
    """Build the dependency and link graphs from ``nodes`` and ``edges``.

    Inputs are sorted first, so the graphs (and every path computed on them) do not depend on
    the order the store returned them in. Edges that touch an unknown node are ignored.
    """
    table: dict[str, Node] = {}
    for node in sorted(nodes, key=lambda n: (n.iri, n.date or NO_DATE, -n.rank)):
        # A duplicate (two dates, two importances: a data error) keeps the earliest, highest.
        table.setdefault(node.iri, node)
    edge_list = sorted({e for e in edges if e.source in table and e.target in table
                        and e.via in PREFERENCE},
                       key=lambda e: (PREFERENCE[e.via], e.source, e.target))

    release = _releases(table, edge_list)
    # Edges are gathered first and added in bulk (networkx's add_edge is the slow part); the
    # first edge met between two nodes, in preference order, is the one that explains it.
    depend: dict[tuple[str, str], Edge] = {}
    for edge in edge_list:
        source, target = table[edge.source], table[edge.target]
        if edge.via == BUILDS_ON and source.kind == target.kind == MILESTONE:
            depend.setdefault((edge.source, edge.target), edge)
        elif edge.via == BASED_ON and source.kind == target.kind == MODEL:
            depend.setdefault((edge.source, edge.target), edge)
            # A milestone that released a model and the one it derives from (a family and
            # its chat version) does not depend on itself.
            if edge.source in release and release[edge.source] != release.get(edge.target):
                depend.setdefault((release[edge.source], edge.target), edge)
        elif edge.via == INVOLVES and source.kind == MILESTONE and target.kind == MODEL:
            if release.get(edge.target) == edge.source:
                depend.setdefault((edge.target, edge.source), edge)
            else:
                depend.setdefault((edge.source, edge.target), edge)
    deps = nx.DiGraph()
    deps.add_nodes_from(sorted(n for n, v in table.items() if v.kind != ORGANIZATION))
    deps.add_edges_from((a, b, {"edge": e}) for (a, b), e in depend.items())
    return PathGraph(table, deps, release, edge_list)


def _releases(table: dict[str, Node], edges: list[Edge]) -> dict[str, str]:
    """Map each model to the milestone that released it."""
    candidates: dict[str, list[str]] = {}
    for edge in edges:
        if (edge.via == INVOLVES and table[edge.source].kind == MILESTONE
                and table[edge.target].kind == MODEL):
            candidates.setdefault(edge.target, []).append(edge.source)
    release = {}
    for model, milestones in candidates.items():
        # The earliest: a model's first announcement is its release (data.md), and a later
        # milestone about it builds on that one. On the same day, {model}-release wins.
        named = model + "-release"
        release[model] = min(milestones, key=lambda m: (table[m].date or NO_DATE,
                                                        m != named, m))
    return release
