"""Time a curator's save end to end: PUT /id/{slug} with a token, validated and written.

Each save changes one model (its review date flips between two days), through the Flask test
client, on a private copy of the data. Prints the first save (it fills the caches: built
shapes, parsed queries, the touched files' blocks) apart, then the median (p50) and worst of
the next ones, for the shipped data and, with ``--size 1m``, for the shipped data plus a
synthetic graph of a million triples (``bench/synth.py``) in the canonical file layout.

    python bench/save_bench.py --size shipped --saves 20
    python bench/save_bench.py --size 1m --cache /tmp/save-data --profile /tmp/save.prof
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

SLUG = "qwen2"
BODY = """@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _canonical_copy(source: Path, target: Path, triples: int) -> None:
    """Write the shipped data plus ``triples`` synthetic ones as canonical data files."""
    import rdflib

    import synth
    from aigraph import datafile

    graph = rdflib.Graph()
    for path in sorted(source.glob("*.ttl")):
        graph.parse(path, format="turtle")
    with tempfile.TemporaryDirectory() as folder:
        nt = Path(folder) / "synth.nt"
        synth.write(nt, triples)
        graph.parse(nt, format="nt")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in datafile.canonical_files(graph).items():
        (target / name).write_text(text, encoding="utf-8")


def data_copy(size: str, cache: Path | None, work: Path) -> Path:
    """Return a fresh writable data folder for ``size`` (``shipped`` or ``1m``)."""
    data = work / "data"
    if size == "shipped":
        shutil.copytree(ROOT / "data", data)
        return data
    triples = {"100k": 100_000, "1m": 1_000_000}[size]
    master = (cache or work / "cache") / f"data-{size}"
    if not master.exists():
        print(f"generating {size} canonical data in {master} (once)...", file=sys.stderr)
        _canonical_copy(ROOT / "data", master.with_suffix(".tmp"), triples)
        master.with_suffix(".tmp").rename(master)
    shutil.copytree(master, data)
    return data


def _review_body(store, subject, day: str) -> str:
    from rdflib import Literal
    from rdflib.namespace import XSD

    from aigraph.curation.entity import entity_graph
    from aigraph.namespaces import AIG

    graph = entity_graph(store, subject)
    graph.set((subject, AIG.lastReviewed, Literal(day, datatype=XSD.date)))
    return graph.serialize(format="turtle")


def run(size: str, saves: int, cache: Path | None, profile: Path | None) -> list[float]:
    """Make ``saves`` saves and return their wall times in seconds."""
    from aigraph.accounts import Accounts
    from aigraph.namespaces import entity_iri
    from aigraph.settings import Settings
    from aigraph.store import open_store
    from aigraph.web import create_app

    with tempfile.TemporaryDirectory(prefix="aigraph-save-bench-") as folder:
        work = Path(folder)
        data = data_copy(size, cache, work)
        settings = Settings.load({
            "data_dir": str(data), "ontology_dir": str(ROOT / "ontology"),
            "history_dir": str(work / "history"),
            "accounts_file": str(work / "accounts.json"), "secret_key": secrets.token_hex(32),
            "store": "", "update_url": "", "query_workers": 1}, environ={})
        accounts = Accounts(settings.accounts_file)
        accounts.add("bench", secrets.token_hex(8))
        token = accounts.create_token("bench")
        started = time.perf_counter()
        store = open_store("", ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                           history_dir=settings.history_dir)
        print(f"{size}: store of {store.triple_count()} triples loaded in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        app = create_app({"TESTING": True, "AIGRAPH": settings, "AIGRAPH_STORE": store})
        client = app.test_client()
        subject = entity_iri(SLUG)
        times: list[float] = []
        profiler = cProfile.Profile() if profile else None
        try:
            for number in range(saves + 1):
                etag = client.get(f"/id/{SLUG}", headers={"Accept": "text/turtle"}).headers["ETag"]
                body = _review_body(store, subject, f"2026-0{1 + number % 2}-15")
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle",
                           "If-Match": etag}
                if profiler and number:
                    profiler.enable()
                start = time.perf_counter()
                response = client.put(f"/id/{SLUG}", data=body, headers=headers)
                elapsed = time.perf_counter() - start
                if profiler and number:
                    profiler.disable()
                if response.status_code != 204:
                    raise SystemExit(f"save {number} failed: {response.status_code} "
                                     f"{response.get_data(as_text=True)[:500]}")
                # The first save warms caches (shapes, queries, the files' blocks); it is
                # printed apart.
                times.append(elapsed)
        finally:
            app.extensions["aigraph_executor"].close()
        if profiler:
            profiler.dump_stats(str(profile))
            pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(30)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["shipped", "100k", "1m"], action="append")
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--cache", type=Path, help="folder that keeps generated data between runs")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the saves here")
    args = parser.parse_args()
    print(f"{'data':<8} {'saves':>5} {'first ms':>9} {'p50 ms':>8} {'max ms':>8}")
    for size in args.size or ["shipped"]:
        first, *times = run(size, args.saves, args.cache, args.profile)
        print(f"{size:<8} {len(times):>5} {first * 1000:>9.1f} {statistics.median(times) * 1000:>8.1f} "
              f"{max(times) * 1000:>8.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
