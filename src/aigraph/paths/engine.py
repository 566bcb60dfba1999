"""The path engine: order reading paths and generate paths over the dependency graph (pure).

Everything here works on a ``PathGraph`` (``aigraph.paths.graph``), with no store and no texts:

- ``order`` puts the members of a defined path in sequence: a topological order of the
  dependencies among the members (through non-members too), ties broken by date, then by
  importance, then by IRI; or plain chronological order.
- ``lineage`` (what led to X), ``following`` (what came after X) and ``between`` (a
  readable chain from A to B) generate paths; every step they return carries the ``Reason``
  (the triple) that put it there.
- ``backward_dates`` and ``in_cycles`` find what ``check_paths`` reports.

A model whose release milestone is on a generated path is shown by that milestone only: the
milestone says more to a reader, and the model's own edges still order and explain it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import networkx as nx

from aigraph.errors import NotFound
from aigraph.paths.graph import (
    MAX_RANK,
    MILESTONE,
    MODEL,
    ORGANIZATION,
    PREFERENCE,
    Edge,
    Node,
    NoPath,
    PathGraph,
    Reason,
    Step,
    Walk,
)

DEPENDENCY, CHRONOLOGICAL = "dependency", "chronological"

# --- ordering ------------------------------------------------------------------------------

def _nearest(graph: PathGraph, members: set[str]) -> dict[str, list[str]]:
    """For each member, the members it depends on with no other member in between.

    Dependencies through entities that are not members count: DeepSeek-R1's release depends on
    Mixtral's through DeepSeek-V3's. Members caught in a cycle do not depend on one another.
    """
    condensed, mapping, rank = graph.condensed
    inside: dict[int, set[str]] = {}
    for m in members:
        if m in mapping:
            inside.setdefault(mapping[m], set()).add(m)
    reach = set(inside)
    queue = deque(reach)
    while queue:
        for succ in condensed.successors(queue.popleft()):
            if succ not in reach:
                reach.add(succ)
                queue.append(succ)
    nearest: dict[int, frozenset[str]] = {}
    # Prerequisites first: the condensation's topological order lists dependents first.
    for c in sorted(reach, key=rank.__getitem__, reverse=True):
        found: set[str] = set()
        for succ in condensed.successors(c):
            found |= inside.get(succ) or nearest[succ]
        nearest[c] = frozenset(found)
    return {m: sorted(nearest[mapping[m]], key=graph.key, reverse=True) if m in mapping else []
            for m in members}


def _sequence(graph: PathGraph, members: set[str], ordering: str
              ) -> tuple[list[str], dict[str, list[str]]]:
    nearest = _nearest(graph, members)
    if ordering == CHRONOLOGICAL:
        return sorted(members, key=graph.key), nearest
    if ordering != DEPENDENCY:
        raise ValueError(f"unknown ordering {ordering!r}")
    ordered = nx.DiGraph()
    ordered.add_nodes_from(members)
    ordered.add_edges_from((p, m) for m, prereqs in nearest.items() for p in prereqs)
    return list(nx.lexicographical_topological_sort(ordered, key=graph.key)), nearest


def order(graph: PathGraph, members: Iterable[str], ordering: str = DEPENDENCY) -> list[Step]:
    """Put ``members`` in reading order.

    ``ordering`` is ``DEPENDENCY`` (every member after what it depends on; among members free
    to go next, the earliest, then the most important) or ``CHRONOLOGICAL`` (date, importance,
    IRI). Members the graph does not know are left out.
    """
    chosen = {m for m in members if m in graph.nodes}
    sequence, nearest = _sequence(graph, chosen, ordering)
    return _steps(graph, sequence, nearest)


def _steps(graph: PathGraph, sequence: list[str], nearest: dict[str, list[str]],
           reasons: dict[str, Reason] | None = None) -> list[Step]:
    position = {iri: i for i, iri in enumerate(sequence)}
    steps = []
    for i, iri in enumerate(sequence):
        node = graph.nodes[iri]
        earlier = tuple(p for p in nearest.get(iri, ()) if position.get(p, i) < i)
        steps.append(Step(i + 1, iri, node.kind, node.date, node.rank,
                          (reasons or {}).get(iri), earlier))
    return steps


# --- generated paths -----------------------------------------------------------------------

def _require(graph: PathGraph, *iris: str) -> None:
    for iri in iris:
        if iri not in graph.nodes:
            raise NotFound(f"no entity {iri} in the graph")


def _shown(graph: PathGraph, found: set[str], target: str) -> set[str]:
    """Drop models whose release milestone is also on the path; it stands for them."""
    return {n for n in found
            if n == target or graph.nodes[n].kind != MODEL or graph.release.get(n) not in found}


def _chain(graph: PathGraph, start: str, goal: str, shown: set[str]) -> list[Edge]:
    """The shortest chain of dependency edges from ``start`` down to ``goal`` that passes
    through no other step of the path."""
    deps = graph.deps
    previous: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for succ in deps.successors(node):
            if succ in previous:
                continue
            previous[succ] = node
            if succ == goal:
                chain, cur = [], goal
                while cur != start:
                    chain.append(deps.edges[previous[cur], cur]["edge"])
                    cur = previous[cur]
                return chain[::-1]
            if succ not in shown:
                queue.append(succ)
    return []


def _explain(chain: list[Edge], step: str, near_end: bool) -> Reason | None:
    """Pick the triple that best says why: a dependency (buildsOn, basedOn) over involves,
    and among equals the one nearest the explained step (the chain's end if ``near_end``)."""
    if not chain:
        return None
    order = range(len(chain) - 1, -1, -1) if near_end else range(len(chain))
    edge = chain[min(order, key=lambda i: PREFERENCE[chain[i].via])]
    return Reason(edge.source, edge.via, edge.target, step)


def _closest(graph: PathGraph, step: str, others: list[str], shown: set[str],
             downward: bool) -> Reason | None:
    """Explain ``step`` by the shortest chain to one of ``others`` (in preference order)."""
    best: list[Edge] = []
    best_other = None
    for other in others:
        chain = (_chain(graph, other, step, shown) if downward
                 else _chain(graph, step, other, shown))
        if chain and (not best or len(chain) < len(best)):
            best, best_other = chain, other
            if len(chain) == 1:
                break
    return _explain(best, best_other, near_end=downward) if best_other else None


def _limit(sequence: list[str], limit: int | None, keep_last: bool) -> tuple[list[str], bool]:
    if limit is None or len(sequence) <= limit:
        return sequence, False
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return (sequence[-limit:] if keep_last else sequence[:limit]), True


def _reach(graph: PathGraph, start: str, depth: int | None, upstream: bool) -> set[str]:
    """Nodes ``start`` depends on (``upstream``) or that depend on it, within ``depth`` edges.

    The edge between a model and its release milestone costs nothing: they are one event.
    """
    if start not in graph.deps:
        return {start}
    if depth is None:
        near = nx.descendants if upstream else nx.ancestors
        return near(graph.deps, start) | {start}
    if depth < 0:
        raise ValueError("depth must be at least 0")
    neighbours = graph.deps.successors if upstream else graph.deps.predecessors
    best = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for other in neighbours(node):
            model, milestone = (node, other) if upstream else (other, node)
            free = graph.release.get(model) == milestone
            cost = best[node] + (0 if free else 1)
            if cost <= depth and cost < best.get(other, depth + 1):
                best[other] = cost
                if free:
                    queue.appendleft(other)
                else:
                    queue.append(other)
    return set(best)


def lineage(graph: PathGraph, target: str, limit: int | None = None,
            depth: int | None = None) -> Walk:
    """What led to ``target``: everything it depends on, transitively, then ``target`` itself.

    Each step's reason is the edge that links it to a later step depending on it: the one
    with the shortest link, the nearest among equals.
    With ``depth``, only what lies within that many dependency edges of ``target``; with
    ``limit``, only the last ``limit`` steps (the closest to ``target``) are kept.
    """
    _require(graph, target)
    found = _reach(graph, target, depth, upstream=True)
    shown = _shown(graph, found, target)
    sequence, nearest = _sequence(graph, shown, DEPENDENCY)
    position = {iri: i for i, iri in enumerate(sequence)}
    dependents: dict[str, list[str]] = {}
    for node, prereqs in nearest.items():
        for p in prereqs:
            dependents.setdefault(p, []).append(node)
    reasons = {}
    for iri in sequence:
        # The later step with the shortest link, the nearest on the path among equals.
        later = sorted(dependents.get(iri, ()), key=position.__getitem__)
        reason = _closest(graph, iri, later, shown, downward=True)
        if reason:
            reasons[iri] = reason
    total = len(sequence)
    sequence, truncated = _limit(sequence, limit, keep_last=True)
    return Walk(tuple(_renumber(_steps(graph, sequence, nearest, reasons))), truncated,
                total=total)


def following(graph: PathGraph, source: str, limit: int | None = None,
              depth: int | None = None) -> Walk:
    """What came after ``source``: ``source`` first, then everything that depends on it.

    A model with a release milestone starts from that milestone, which stands for it.
    Each step's reason is the edge that links it to an earlier step it depends on: the one
    with the shortest link, the latest among equals.
    With ``depth``, only what lies within that many dependency edges of ``source``; with
    ``limit``, only the first ``limit`` steps are kept.
    """
    _require(graph, source)
    # A model came out with its release milestone: what built on that release came after
    # the model too, and the release stands for the model at the head of the path.
    source = graph.release.get(source, source)
    found = _reach(graph, source, depth, upstream=False)
    shown = _shown(graph, found, source)
    sequence, nearest = _sequence(graph, shown, DEPENDENCY)
    position = {iri: i for i, iri in enumerate(sequence)}
    reasons = {}
    for iri in sequence:
        # The earlier step with the shortest link, the nearest on the path among equals.
        earlier = sorted((p for p in nearest.get(iri, ()) if p in position),
                         key=position.__getitem__, reverse=True)
        reason = _closest(graph, iri, earlier, shown, downward=False)
        if reason:
            reasons[iri] = reason
    total = len(sequence)
    sequence, truncated = _limit(sequence, limit, keep_last=False)
    return Walk(tuple(_steps(graph, sequence, nearest, reasons)), truncated, total=total)


def _renumber(steps: list[Step]) -> list[Step]:
    return [Step(i + 1, s.iri, s.kind, s.date, s.rank, s.reason, s.depends_on)
            for i, s in enumerate(steps)]


def _penalty(node: Node) -> int:
    if node.kind == MILESTONE:
        return MAX_RANK - node.rank
    return MAX_RANK - 1 if node.kind == MODEL else MAX_RANK


def between(graph: PathGraph, source: str, target: str) -> Walk:
    """A readable chain from ``source`` to ``target``.

    The fewest edges, followed in either direction; among chains of that length, the one
    through the most important milestones. Dependency edges (buildsOn, basedOn, involves of a
    model) are tried first; going through organizations (involves, developedBy) only when
    those leave the two apart, and the walk says so. Raise ``NoPath`` when nothing connects them.
    """
    _require(graph, source, target)
    links = graph.links
    # Integer weights: one hop outweighs any sum of importance penalties along a path, so the
    # hop count decides and importance only breaks ties.
    hop = 2 * MAX_RANK * (links.number_of_nodes() + 1)
    nodes = graph.nodes

    def cost(u: str, v: str, data: dict) -> int:
        return hop + _penalty(nodes[u]) + _penalty(nodes[v])

    ends = {source, target}

    def strong(u: str, v: str, data: dict) -> int | None:
        # An organization asked about is an end of the path, not a shortcut through it.
        for node in (u, v):
            if nodes[node].kind == ORGANIZATION and node not in ends:
                return None
        return cost(u, v, data)

    weak = False
    try:
        _, route = nx.bidirectional_dijkstra(links, source, target, weight=strong)
    except nx.NetworkXNoPath:
        try:
            _, route = nx.bidirectional_dijkstra(links, source, target, weight=cost)
        except nx.NetworkXNoPath:
            raise NoPath(source, target) from None
        weak = True
    steps = []
    for i, iri in enumerate(route):
        node = nodes[iri]
        reason = None
        if i:
            edge = links.edges[route[i - 1], iri]["edge"]
            reason = Reason(edge.source, edge.via, edge.target, route[i - 1])
        steps.append(Step(i + 1, iri, node.kind, node.date, node.rank, reason,
                          (route[i - 1],) if i else ()))
    return Walk(tuple(steps), False, weak)


# --- checks --------------------------------------------------------------------------------

def backward_dates(graph: PathGraph, steps: Iterable[Step]) -> list[tuple[str, str]]:
    """Return the (step, prerequisite) pairs where the prerequisite is dated later."""
    found = []
    for step in steps:
        for prereq in step.depends_on:
            mine, theirs = graph.nodes[step.iri].date, graph.nodes[prereq].date
            if mine and theirs and theirs > mine:
                found.append((step.iri, prereq))
    return found


def in_cycles(graph: PathGraph, members: Iterable[str]) -> list[list[str]]:
    """Return the dependency cycles that hold at least one of ``members``."""
    wanted = set(members)
    return [c for c in graph.cycles() if wanted.intersection(c)]
