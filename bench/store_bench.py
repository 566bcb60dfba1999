"""Compare rdflib's memory store with pyoxigraph for loading and querying aigraph data.

Runs on the shipped data and on a synthetic graph (default 1M triples), and times pySHACL on
an rdflib memory graph against the same graph behind oxrdflib. Prints medians and ratios;
``--record FILE`` also writes them as Markdown.

    python bench/store_bench.py                 # shipped data + 1M synthetic triples
    python bench/store_bench.py --triples 200000 --record bench/results/store.md
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
import rdflib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402
from aigraph.namespaces import sparql_prologue  # noqa: E402
from aigraph.store import data_files  # noqa: E402
from timing import timed  # noqa: E402

P = sparql_prologue()
QUERIES = {
    "group-by": P + """SELECT ?category (COUNT(?m) AS ?n) WHERE {
        ?m a aig:Milestone ; aig:category ?category } GROUP BY ?category ORDER BY DESC(?n)""",
    "label-regex": P + """SELECT ?s ?label WHERE {
        ?s rdfs:label ?label FILTER(REGEX(?label, "mist|deep", "i")) }""",
    "lineage": P + """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?m a aig:Milestone . ?m aig:buildsOn+ ?a } """,
}


def load_rdflib(files: list[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for file in files:
        graph.parse(str(file), format="nt" if file.suffix == ".nt" else "turtle")
    return graph


def load_oxigraph(files: list[Path]) -> ox.Store:
    store = ox.Store()
    for file in files:
        store.bulk_load(path=str(file),
                        format=ox.RdfFormat.N_TRIPLES if file.suffix == ".nt" else ox.RdfFormat.TURTLE)
    return store


def compare(name: str, files: list[Path], repeat: int, rows: list[tuple]) -> None:
    """Time loading and each query on both engines and append result rows."""
    load_repeat = 1 if repeat == 1 else repeat
    t_rdf = timed(lambda: load_rdflib(files), load_repeat)
    t_ox = timed(lambda: load_oxigraph(files), load_repeat)
    rows.append((name, "load", t_rdf, t_ox))
    graph, store = load_rdflib(files), load_oxigraph(files)
    print(f"[{name}] {len(graph)} triples", file=sys.stderr)
    for qname, query in QUERIES.items():
        n_rdf = len(list(graph.query(query)))
        n_ox = len(list(store.query(query)))
        assert n_rdf == n_ox, f"{qname}: rdflib {n_rdf} rows, pyoxigraph {n_ox}"
        t_rdf = timed(lambda q=query: list(graph.query(q)), repeat)
        t_ox = timed(lambda q=query: list(store.query(q)), repeat)
        rows.append((name, qname, t_rdf, t_ox))


def shacl_compare(triples: int, rows: list[tuple]) -> None:
    """Time pySHACL on an rdflib memory graph and on the same graph in oxrdflib."""
    import pyshacl

    shapes_file = ROOT / "ontology" / "shapes.ttl"
    if not shapes_file.exists():
        print("no ontology/shapes.ttl: skipping the SHACL comparison", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synth.nt"
        synth.write(path, triples)
        shapes = rdflib.Graph().parse(shapes_file)
        ontology = rdflib.Graph().parse(ROOT / "ontology" / "aigraph.ttl")
        memory = rdflib.Graph().parse(path, format="nt")
        try:
            oxr = rdflib.Graph(store="Oxigraph")
        except Exception as error:  # oxrdflib missing
            print(f"oxrdflib unavailable ({error}): skipping", file=sys.stderr)
            return
        oxr.parse(path, format="nt")
        t_mem = timed(lambda: pyshacl.validate(memory, shacl_graph=shapes, ont_graph=ontology), 1)
        t_oxr = timed(lambda: pyshacl.validate(oxr, shacl_graph=shapes, ont_graph=ontology), 1)
        rows.append((f"pyshacl {len(memory)} triples", "validate", t_mem, t_oxr))


def report(rows: list[tuple]) -> str:
    lines = ["| graph | operation | rdflib memory (s) | pyoxigraph (s) | rdflib / pyoxigraph |",
             "|---|---|---:|---:|---:|"]
    for graph, op, a, b in rows:
        lines.append(f"| {graph} | {op} | {a:.3f} | {b:.3f} | {a / b:.1f}x |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000,
                        help="size of the synthetic graph (0 to skip it)")
    parser.add_argument("--shacl-triples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--record", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    rows: list[tuple] = []
    compare("shipped data", data_files(ROOT / "ontology", ROOT / "data"), args.repeat, rows)
    if args.triples:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synth.nt"
            count = synth.write(path, args.triples)
            compare(f"synthetic {count}", [path], 1, rows)
    if args.shacl_triples:
        rows_shacl: list[tuple] = []
        shacl_compare(args.shacl_triples, rows_shacl)
        for graph, op, a, b in rows_shacl:
            rows.append((graph, op + " (column 2: oxrdflib)", a, b))
    table = report(rows)
    print(table)
    if args.record:
        args.record.parent.mkdir(parents=True, exist_ok=True)
        args.record.write_text(
            "# Store benchmark\n\nMedians in seconds; produced by `python bench/store_bench.py`."
            "\nIn the pySHACL row the second column is the same graph behind oxrdflib.\n\n"
            + table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
