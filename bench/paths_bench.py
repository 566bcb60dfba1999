"""Measure reading paths: graph build, each path kind, and peers for the same questions.

Runs on the shipped data and on a synthetic graph (default ~1M triples, from bench/synth.py)
that gets one reading path with the seed path's rule. For each graph it times:

- reading the nodes and edges with SPARQL, building the networkx graphs, and a cached lookup;
- the defined path: membership rule (SPARQL), ordering (networkx), the whole annotated path;
- lineage, next and between, in the engine alone and annotated through the store;

and compares, in the same run, against a peer answering the same question another way:

- ancestors of a milestone over buildsOn: networkx ``descendants`` vs a SPARQL property
  path (``aig:buildsOn+``) on pyoxigraph, checking that both find the same set;
- path ordering: dependency order (topological with tie-breaks) vs a plain date sort;
- between: the importance-weighted bidirectional Dijkstra vs an unweighted BFS over the
  same links, checking that both find paths of the same length.

Prints medians in milliseconds and ratios; no assertion on time.

    python bench/paths_bench.py                    # shipped data + 1M synthetic triples
    python bench/paths_bench.py --triples 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from rdflib import URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402
from aigraph.namespaces import slug_of, sparql_prologue  # noqa: E402
from aigraph.paths import engine, service, source  # noqa: E402
from aigraph.paths.graph import BUILDS_ON, MILESTONE, ORGANIZATION, NoPath, PathGraph, build_graph  # noqa: E402
from aigraph.store import EmbeddedStore  # noqa: E402
from timing import timed  # noqa: E402

SYNTH_PATH = """\
@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id:  <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:bench-path a aig:ReadingPath ;
    rdfs:label "Bench path"@en , "Percorso di prova"@it ;
    aig:memberCategory id:open-source-models ;
    aig:minImportance aig:High ;
    aig:requiresOpenWeights true ;
    aig:ordering aig:DependencyOrder .
"""

ANCESTORS = sparql_prologue() + "SELECT DISTINCT ?m ?a WHERE { ?m aig:buildsOn+ ?a }"


def _pick(graph: PathGraph) -> tuple[str, str, str]:
    """A late milestone with a long ancestry, an early one, and a pair for ``between``."""
    milestones = sorted((n for n in graph.nodes.values() if n.kind == MILESTONE),
                        key=lambda n: (n.date or "", n.iri))
    builds = graph.deps.edge_subgraph(
        (u, v) for u, v, d in graph.deps.edges(data=True) if d["edge"].via == BUILDS_ON)
    late = max((n.iri for n in milestones[-200:] if n.iri in builds),
               key=lambda iri: (len(nx.descendants(builds, iri)), iri))
    early = next(n.iri for n in milestones if n.iri in builds and builds.in_degree(n.iri))
    return late, early, milestones[len(milestones) // 2].iri


# One statement per figure measured, in the order the report prints them.
def measure(name: str, store: EmbeddedStore, path_slug: str, repeat: int,  # noqa: PLR0915
            rows: list[tuple]) -> None:
    """Time every operation on ``store`` and append (graph, operation, seconds, peer...) rows."""
    t_cold = timed(lambda: source.path_graph(store), 1)
    graph = source.path_graph(store)
    t_cached = timed(lambda: source.path_graph(store), max(repeat, 100))
    t_read = timed(lambda: source.load_graph_data(store), 1)
    nodes, edges = source.load_graph_data(store)
    t_build = timed(lambda: build_graph(nodes, edges), 1)
    # Derived once per graph, on first use: cycles shrunk (ordering), undirected links (between).
    t_condense = timed(lambda: graph.condensed, 1)
    t_links = timed(lambda: graph.links, 1)
    print(f"[{name}] {store.triple_count()} triples, {len(graph.nodes)} nodes, "
          f"{graph.deps.number_of_edges()} dependency edges, "
          f"{graph.links.number_of_edges()} links", file=sys.stderr)
    rows.append((name, "path graph, first use (read + build)", t_cold, None, None))
    rows.append((name, "path graph, cached", t_cached, None, None))
    rows.append((name, "  read nodes+edges (SPARQL)", t_read, None, None))
    rows.append((name, "  build dependency graph (networkx)", t_build, None, None))
    rows.append((name, "  condense cycles, first ordering", t_condense, None, None))
    rows.append((name, "  undirected links, first between", t_links, None, None))

    late, early, middle = _pick(graph)
    late_slug, early_slug, middle_slug = (slug_of(i) for i in (late, early, middle))

    # Defined path: the rule, then dependency order against a plain date sort.
    members = source.members(store, path_slug)
    t_members = timed(lambda: source.members(store, path_slug), repeat)
    t_order = timed(lambda: engine.order(graph, members), repeat)
    t_chrono = timed(lambda: sorted((m for m in members if m in graph.nodes), key=graph.key),
                     repeat)
    rows.append((name, f"membership rule, {len(members)} members (SPARQL)", t_members,
                 None, None))
    rows.append((name, "order members: dependency vs date sort", t_order, "sorted()", t_chrono))
    t_defined = timed(lambda: service.reading_path(store, path_slug), 1)
    rows.append((name, "whole defined path, first time (with texts)", t_defined, None, None))

    # Lineage: ancestors over buildsOn in networkx against SPARQL property paths.
    builds = nx.DiGraph((u, v) for u, v, d in graph.deps.edges(data=True)
                        if d["edge"].via == BUILDS_ON)
    binding = {"m": URIRef(late)}
    nx_set = nx.descendants(builds, late)
    sparql_set = {str(r["a"]) for r in store.select(ANCESTORS, binding)}
    assert nx_set == sparql_set, "networkx and SPARQL disagree on the ancestors"
    t_nx = timed(lambda: nx.descendants(builds, late), repeat)
    t_sparql = timed(lambda: store.select(ANCESTORS, binding), repeat)
    rows.append((name, f"buildsOn ancestors ({len(nx_set)}): networkx vs SPARQL buildsOn+",
                 t_nx, "SPARQL", t_sparql))
    walk = engine.lineage(graph, late)
    t_lineage = timed(lambda: engine.lineage(graph, late), repeat)
    rows.append((name, f"lineage, engine ({len(walk.steps)} steps)", t_lineage, None, None))
    t_lineage_full = timed(lambda: service.lineage_path(store, late_slug), 1)
    rows.append((name, "lineage, whole path first time (with texts)", t_lineage_full,
                 None, None))
    t_lineage_d = timed(lambda: engine.lineage(graph, late, depth=3), repeat)
    rows.append((name, f"lineage depth 3, engine "
                       f"({len(engine.lineage(graph, late, depth=3).steps)} steps)",
                 t_lineage_d, None, None))

    walk = engine.following(graph, early)
    t_next = timed(lambda: engine.following(graph, early), repeat)
    rows.append((name, f"next, engine ({len(walk.steps)} steps)", t_next, None, None))
    t_next_full = timed(lambda: service.next_path(store, early_slug, limit=50), 1)
    rows.append((name, "next, whole path limit 50 (with texts)", t_next_full, None, None))

    # Between: weighted Dijkstra against plain BFS over the same links.
    try:
        walk = engine.between(graph, early, late)
        t_between = timed(lambda: engine.between(graph, early, late), repeat)
        # The same links the first, dependency-only try of ``between`` walks: no organizations.
        plain = graph.links.subgraph(n for n, node in graph.nodes.items()
                                     if node.kind != ORGANIZATION)
        t_bfs = timed(lambda: nx.shortest_path(plain, early, late), repeat)
        hops = len(nx.shortest_path(plain, early, late)) - 1
        assert len(walk.steps) - 1 == hops, "weighted path is longer than the shortest"
        rows.append((name, f"between ({len(walk.steps)} steps): weighted vs BFS", t_between,
                     "BFS", t_bfs))
        t_between_full = timed(lambda: service.between_path(store, early_slug, middle_slug), 1)
        rows.append((name, "between, whole path first time (with texts)", t_between_full,
                     None, None))
    except NoPath:
        rows.append((name, "between: no path in this graph", 0.0, None, None))


def report(rows: list[tuple]) -> str:
    lines = ["| graph | operation | ms | peer | peer ms | ratio |",
             "|---|---|---:|---|---:|---:|"]
    for graph, op, t, peer, tp in rows:
        if peer is None:
            lines.append(f"| {graph} | {op} | {t * 1000:.3f} | | | |")
        else:
            ratio = f"{tp / t:.2f}x" if t else "-"
            lines.append(f"| {graph} | {op} | {t * 1000:.3f} | {peer} | {tp * 1000:.3f} "
                         f"| {ratio} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000,
                        help="size of the synthetic graph (0 to skip it)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--record", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    rows: list[tuple] = []
    shipped = EmbeddedStore.from_dirs(ROOT / "ontology", ROOT / "data")
    defined = service.list_paths(shipped)
    if defined:
        measure("shipped data", shipped, defined[0].slug, args.repeat, rows)
    if args.triples:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "synth.nt"
            count = synth.write(data, args.triples)
            rule = Path(tmp) / "path.ttl"
            rule.write_text(SYNTH_PATH, encoding="utf-8")
            start = time.perf_counter()
            store = EmbeddedStore.from_files([ROOT / "ontology" / "aigraph.ttl", data, rule])
            print(f"[synthetic] loaded {count} triples in {time.perf_counter() - start:.1f}s",
                  file=sys.stderr)
            measure(f"synthetic {count // 1000}k", store, "bench-path", args.repeat, rows)
    table = report(rows)
    print(table)
    print("\nratio = peer seconds / aigraph seconds (above 1: aigraph's way is faster).")
    if args.record:
        args.record.parent.mkdir(parents=True, exist_ok=True)
        args.record.write_text("# Paths benchmark\n\nMedians in milliseconds; produced by "
                               "`python bench/paths_bench.py`.\n\n" + table + "\n",
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
