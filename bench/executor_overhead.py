"""Measure what the worker pool costs: the executor against the same work done in-process.

For each query, on the shipped data, it times four ways of getting the same bytes:
``memory`` (the guard's parse plus the capped serialisation, in this process, on the in-memory
store the named queries use), ``disk`` (the same on the read-only on-disk copy the workers
open: exactly a worker's work), ``pool`` (``Executor.run``: that work in a worker, sent over a
pipe) and, as a peer, a bare pipe round trip carrying a reply of the same size.
``pool - disk`` is the price of the process boundary.

    python bench/executor_overhead.py              # 200 runs per query
    python bench/executor_overhead.py --repeat 50
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aigraph.executor import Executor  # noqa: E402
from aigraph.guard import check_query  # noqa: E402
from aigraph.settings import Settings  # noqa: E402
from aigraph.store import EmbeddedStore  # noqa: E402

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
QUERIES = {
    "ask": ("ASK { ?m a aig:Milestone }", JSON),
    "one-entity": ("SELECT ?p ?o WHERE { id:meta ?p ?o }", JSON),
    "all-labels": ("SELECT ?s ?label WHERE { ?s rdfs:label ?label }", JSON),
    "construct-all": ("CONSTRUCT WHERE { ?s ?p ?o }", TURTLE),
}


def timings(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall times of ``repeat`` calls, in milliseconds, after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 100 else max(values)


def _echo(conn) -> None:
    """Reply to each size with that many bytes, as a worker replies with results."""
    while (size := conn.recv()) is not None:
        conn.send(("ok", b"x" * size))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    settings = Settings.load(environ={})
    memory = EmbeddedStore.from_dirs(settings.ontology_dir, settings.data_dir)
    print(f"shipped data: {memory.triple_count()} triples; {args.repeat} runs per query; "
          f"{settings.query_workers} workers; medians (p99) in ms")
    print(f"{'query':14} {'bytes':>7} {'memory':>14} {'disk':>14} {'pool':>14} {'pipe':>14} "
          f"{'pool-disk':>9} {'pool/disk':>9} {'pool/memory':>11}")
    ctx = multiprocessing.get_context("forkserver")
    conn, child = ctx.Pipe()
    echo = ctx.Process(target=_echo, args=(child,), daemon=True)
    echo.start()
    child.close()
    with Executor(settings, memory) as executor, tempfile.TemporaryDirectory() as tmp:
        executor.start()
        copy = EmbeddedStore.from_files(memory.files, path=Path(tmp) / "store")
        version = copy.version
        del copy
        disk = EmbeddedStore.open_read_only(Path(tmp) / "store", version)
        for name, (query, media_type) in QUERIES.items():
            checked = check_query(query, settings.max_query_bytes)
            size = len(memory.query_capped(checked.text, media_type, settings.max_rows).body)

            def in_process(store, query=query, media_type=media_type):
                text = check_query(query, settings.max_query_bytes).text
                return store.query_capped(text, media_type, settings.max_rows)

            def pool(query=query):
                return executor.run(query, JSON, TURTLE)

            def pipe(size=size):
                conn.send(size)
                return conn.recv()

            figures = {
                "memory": timings(partial(in_process, memory), args.repeat),
                "disk": timings(partial(in_process, disk), args.repeat),
                "pool": timings(pool, args.repeat),
                "pipe": timings(pipe, args.repeat),
            }
            medians = {label: statistics.median(values) for label, values in figures.items()}
            cells = " ".join(f"{medians[k]:7.2f} ({p99(figures[k]):5.1f})" for k in figures)
            print(f"{name:14} {size:7d} {cells} {medians['pool'] - medians['disk']:9.2f} "
                  f"{medians['pool'] / medians['disk']:9.2f} "
                  f"{medians['pool'] / medians['memory']:11.2f}")
        disk = None  # closes the copy before its folder goes
    conn.send(None)
    echo.join()
    conn.close()
    echo.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
