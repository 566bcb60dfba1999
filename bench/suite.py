"""The benchmark suite: aigraph served as in production against oxigraph serve and rdflib-endpoint.

For each size (the shipped data, then the shipped data plus a synthetic AI-history graph from
bench/synth.py of 100k, 1M or 5M triples) it measures the cold start and memory of each server,
runs a query mix typical of the site and of researchers against the three endpoints, interleaved
(for each concurrency and mode the targets take turns, twice), with repeated and with unique
query texts, at 1, 4 and 16 concurrent clients, times the site's pages, and the same with the
aigraph site in front of ``oxigraph serve`` and, when Debian's ``virtuoso-opensource`` is
installed, of OpenLink Virtuoso as remote stores. It writes a dated markdown report.

    python bench/suite.py --quick                    # shipped data and 100k, short runs
    python bench/suite.py --sizes shipped,100k,1m    # what `make bench` runs
    python bench/suite.py --sizes 5m --seconds 3 --no-rdflib   # the largest size, short mix
    python bench/suite.py --render shipped,100k,1m,5m   # the report again, from kept results
"""

from __future__ import annotations

import argparse
import datetime
import os
import pickle
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "src"))

import report  # noqa: E402
import synth  # noqa: E402
from httpload import run_load, time_pages  # noqa: E402
from servers import start_aigraph, start_oxigraph, start_rdflib_endpoint  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.virtuoso_server import running_virtuoso, virtuoso_binaries  # noqa: E402

SIZES = {"shipped": 0, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
#: rdflib-endpoint holds the graph in rdflib's memory store: past this size it takes minutes
#: to load and gigabytes of memory, so larger sizes run without it (the report says so).
RDFLIB_MAX = 100_000
#: The site in front of a remote store is timed up to this size: past it every page's first
#: answer waits for whole-graph reads over HTTP (minutes at 1M, past the remote timeout), and
#: the report says so instead.
REMOTE_MAX = 100_000

PROLOGUE = """PREFIX aig: <https://w3id.org/aigraph/ontology#>
PREFIX id: <https://w3id.org/aigraph/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
#: The query mix: what the site's pages and researchers' notebooks ask most.
MIX = {
    "timeline slice": """SELECT ?m ?date ?label WHERE {
  ?m a aig:Milestone ; aig:date ?date ; rdfs:label ?label FILTER(LANG(?label) = "en")
  FILTER(?date >= "1990-01-01"^^xsd:date && ?date < "2000-01-01"^^xsd:date)
} ORDER BY ?date LIMIT 100""",
    "entity out": "SELECT ?p ?o WHERE { id:mistral-7b ?p ?o }",
    "entity in": "SELECT ?s ?p WHERE { ?s ?p id:apache-2-0 } LIMIT 100",
    "group by counts": """SELECT ?category (COUNT(?m) AS ?n) WHERE { ?m aig:category ?category }
GROUP BY ?category ORDER BY DESC(?n)""",
    "lineage path": "SELECT DISTINCT ?earlier WHERE { id:deepseek-r1-release aig:buildsOn+ ?earlier } "
                    "LIMIT 200",
    "label search": """SELECT ?s ?label WHERE { ?s a aig:Model ; rdfs:label ?label
  FILTER(CONTAINS(LCASE(STR(?label)), "mistral")) } LIMIT 20""",
    "optional detail": """SELECT ?label ?org ?orgLabel ?license ?params ?active ?base ?baseLabel ?date
       ?open WHERE {
  VALUES ?model { id:mistral-7b }
  ?model rdfs:label ?label FILTER(LANG(?label) = "en")
  OPTIONAL { ?model aig:developedBy ?org
             OPTIONAL { ?org rdfs:label ?orgLabel FILTER(LANG(?orgLabel) = "en") } }
  OPTIONAL { ?model aig:license ?license } OPTIONAL { ?model aig:parameterCount ?params }
  OPTIONAL { ?model aig:activeParameterCount ?active }
  OPTIONAL { ?model aig:basedOn ?base
             OPTIONAL { ?base rdfs:label ?baseLabel FILTER(LANG(?baseLabel) = "en") } }
  OPTIONAL { ?model aig:releaseDate ?date } OPTIONAL { ?model aig:openWeights ?open }
}""",
}
PAGES = [("home", "/"), ("path", "/paths/open-source-developer"),
         ("lineage", "/paths/lineage/deepseek-r1"), ("entity", "/id/mistral-7b"),
         ("timeline", "/timeline"), ("timeline filtered", "/timeline?category=open-source-models"),
         ("search", "/search?q=mistrall"), ("editor", "/sparql")]


def dataset(size: str, out: Path) -> tuple[Path, list[Path]]:
    """Make the data folder for ``size``: the shipped files, plus synthetic triples."""
    folder = out / f"data-{size}"
    if not folder.exists():
        building = out / f".data-{size}"
        shutil.rmtree(building, ignore_errors=True)
        shutil.copytree(ROOT / "data", building)
        if SIZES[size]:
            synth.write(building / "synthetic.ttl", SIZES[size])
        building.rename(folder)
    return folder, [ROOT / "ontology" / "aigraph.ttl", *sorted(folder.rglob("*.ttl"))]


def _loads(targets, clients_list, modes, seconds) -> list:
    """Run the mix on every target, taking turns (two rounds) for each concurrency and mode."""
    texts = [PROLOGUE + q for q in MIX.values()]
    results = []
    for clients in clients_list:
        for mode in modes:
            for _round in range(2):
                for target in targets:
                    result = run_load(target.name, target.url, texts, clients, mode, seconds / 2)
                    results.append(result)
                    print(f"  {target.name:20} c={clients:<2} {mode:8} "
                          f"{result.throughput:8.1f}/s p50 {result.p50:7.2f} ms "
                          f"p99 {result.p99:8.2f} ms errors {result.errors}", flush=True)
    return results


def _per_query(target, seconds: float) -> dict:
    """p50 of each query of the mix alone, one client, unique texts."""
    return {name: run_load(target.name, target.url, [PROLOGUE + text], 1, "unique",
                           seconds / len(MIX)).p50 for name, text in MIX.items()}


def bench_size(size: str, args, out: Path) -> dict:
    """Everything measured on one size."""
    folder, files = dataset(size, out)
    print(f"== {size}: {sum(f.stat().st_size for f in files) / 2**20:.1f} MiB of Turtle",
          flush=True)
    store_path = out / f"store-{size}"
    shutil.rmtree(store_path, ignore_errors=True)
    found: dict = {"size": size, "workers": args.workers}
    log = out / "aigraph-serve.log"
    first = start_aigraph(folder, ROOT / "ontology", store_path, args.workers, log=log)
    found["cold_first"] = first.cold_start
    first.stop()
    aigraph = start_aigraph(folder, ROOT / "ontology", store_path, args.workers, log=log)
    found["cold_reuse"] = aigraph.cold_start
    oxigraph = start_oxigraph(files, out / f"oxigraph-{size}")
    targets = [aigraph, oxigraph]
    found["oxigraph_load"] = oxigraph.extra["load"]
    found["oxigraph_cold"] = oxigraph.cold_start
    if not args.no_rdflib and SIZES[size] <= RDFLIB_MAX:
        rdflib = start_rdflib_endpoint(files)
        found["rdflib_cold"] = rdflib.cold_start
        targets.append(rdflib)
    try:
        found["pages"] = time_pages(aigraph.extra["base"], PAGES, args.page_repeat)
        found["loads"] = _loads(targets, args.clients, ("repeated", "unique"), args.seconds)
        found["per_query"] = {t.name: _per_query(t, args.seconds) for t in targets}
        found["memory"] = {t.name: t.memory_mb() for t in targets}
        if SIZES[size] > REMOTE_MAX:
            found["remote_skipped"] = True
        else:
            found["remote_pages"], found["remote_loads"] = _remote(
                "oxigraph", oxigraph.url, folder, store_path, args, log)
        if SIZES[size] <= REMOTE_MAX and not args.no_virtuoso and virtuoso_binaries() is not None:
            shutil.rmtree(out / f"virtuoso-{size}", ignore_errors=True)
            began = time.perf_counter()
            with running_virtuoso(files, out / f"virtuoso-{size}") as url:
                found["virtuoso_load"] = time.perf_counter() - began
                found["virtuoso_pages"], found["virtuoso_loads"] = _remote(
                    "virtuoso", url, folder, store_path, args, log)
            shutil.rmtree(out / f"virtuoso-{size}", ignore_errors=True)
    finally:
        for target in targets:
            target.stop()
    if size in ("shipped", "100k", "1m") and args.saves > 0:
        # A curator's save, validated and written (bench/save_bench.py): first, then the rest.
        import save_bench

        times = save_bench.run(size, args.saves, out / "save-data", None)
        found["save"] = {"first_ms": times[0] * 1000,
                         "p50_ms": statistics.median(times[1:]) * 1000,
                         "worst_ms": max(times[1:]) * 1000}
    found["triples"] = _count(out / f"oxigraph-{size}")
    found["load"] = _load_times(files, out / f"load-{size}")
    return found


def _remote(engine: str, url: str, folder: Path, store_path: Path, args, log: Path):
    """The site's pages and the mix (4 clients, unique) with ``url`` as the remote store."""
    remote = start_aigraph(folder, ROOT / "ontology", store_path, args.workers, store=url,
                           log=log)
    try:
        remote.name = f"aigraph on {engine}"
        return (time_pages(remote.extra["base"], PAGES, args.page_repeat),
                _loads([remote], [4], ("unique",), args.seconds))
    finally:
        remote.stop()


def _count(location: Path) -> int:
    import pyoxigraph

    return len(pyoxigraph.Store.read_only(str(location)))


def _load_times(files: list[Path], folder: Path) -> dict:
    """Load time and peak memory of the embedded store, in memory and on disk, in a child."""
    import json
    import subprocess

    code = """import json, resource, sys, time
from aigraph.store import EmbeddedStore
files = sys.argv[3:]
memory = None
if sys.argv[1] != "-":
    t = time.perf_counter(); EmbeddedStore.from_files(files); memory = time.perf_counter() - t
t = time.perf_counter(); EmbeddedStore.from_files(files, path=sys.argv[2]); disk = time.perf_counter() - t
t = time.perf_counter(); EmbeddedStore.open_read_only(sys.argv[2], "x"); reopen = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"memory_s": memory, "disk_s": disk, "reopen_s": reopen, "peak_mb": peak}))
"""
    shutil.rmtree(folder, ignore_errors=True)
    # Past a million triples only the on-disk load is timed: the in-memory one is the same work.
    in_memory = "-" if sum(f.stat().st_size for f in files) > 200 * 2**20 else "memory"
    done = subprocess.run([sys.executable, "-c", code, in_memory, str(folder), *map(str, files)],
                          capture_output=True, text=True, check=True)
    shutil.rmtree(folder, ignore_errors=True)
    return json.loads(done.stdout)


def render_again(args) -> int:
    """Write the report from the results a previous run kept in ``--out``."""
    results = []
    for size in args.render.split(","):
        with open(args.out / f"results-{size}.pickle", "rb") as handle:
            results.append(pickle.load(handle))
    try:
        with open(args.out / "machine.pickle", "rb") as handle:
            machine, options = pickle.load(handle)
    except OSError:  # a run stopped before its end: its sizes were kept, not its summary
        load = os.getloadavg()
        machine = {"cores": os.cpu_count(), "load_before": load, "load_after": load,
                   "minutes": 0.0, "date": datetime.date.today().isoformat()}
        options = {"seconds": args.seconds, "clients": args.clients.split(",")}
    if options.get("sizes") != args.render:  # sizes from several runs: no one duration
        machine = {**machine, "minutes": None}
    options = argparse.Namespace(**{**options, "sizes": args.render})
    target = args.report or BENCH / "results" / f"serving-{machine['date']}.md"
    target.write_text(report.render(machine["date"], machine, options, results, PAGES, MIX),
                      encoding="utf-8")
    print(f"wrote {target}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="shipped,100k,1m")
    parser.add_argument("--quick", action="store_true", help="shipped and 100k, short runs")
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="seconds per target for each concurrency and mode")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--workers", type=int, default=0, help="aigraph web workers")
    parser.add_argument("--page-repeat", type=int, default=30)
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--saves", type=int, default=10,
                        help="curator saves timed per size (0: none)")
    parser.add_argument("--no-virtuoso", action="store_true",
                        help="skip the site in front of Virtuoso (run when it is installed)")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--report", type=Path, default=None)
    parser.add_argument("--render", metavar="SIZES",
                        help="only write the report again, from the results kept in --out")
    args = parser.parse_args()
    if args.render:
        return render_again(args)
    if args.quick:
        args.sizes, args.seconds, args.page_repeat = "shipped,100k", 2.0, 10
    args.clients = [int(c) for c in args.clients.split(",")]
    if not args.workers:
        from aigraph.production import default_workers

        args.workers = default_workers()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    machine = {"cores": os.cpu_count(), "load_before": os.getloadavg()}
    results = []
    for size in args.sizes.split(","):
        results.append(bench_size(size, args, args.out))
        with open(args.out / f"results-{size}.pickle", "wb") as handle:
            pickle.dump(results[-1], handle)
    machine["load_after"] = os.getloadavg()
    machine["minutes"] = (time.time() - started) / 60
    today = datetime.date.today().isoformat()
    machine["date"] = today
    # Kept so that the report can be written again (--render) without a new run.
    with open(args.out / "machine.pickle", "wb") as handle:
        pickle.dump((machine, vars(args)), handle)
    target = args.report or BENCH / "results" / f"serving-{today}.md"
    target.write_text(report.render(today, machine, args, results, PAGES, MIX),
                      encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
