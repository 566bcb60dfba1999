"""Time the web site's main pages on the shipped data, against peers in the same run.

Every page is rendered with Flask's test client: once cold (the first request of a fresh app,
which fills the caches kept per data version), then ``--repeat`` times warm, twice: with the
page cache off (``page_cache_mb=0``: every request renders) and on (every warm request is a
hit). Two peers: ``/healthz`` on the same app (the floor: routing, one count, JSON), and the
same pages rendered with the store behind a real ``oxigraph serve`` (the remote SPARQL
backend), when the ``oxigraph`` command is installed. Prints medians and p99s, ratios and the
number of queries each warm rendered page runs.

    python bench/pages_bench.py                  # embedded and remote, 20 warm runs each
    python bench/pages_bench.py --repeat 50 --no-remote --record bench/results/pages.md
    python bench/pages_bench.py --served --repeat 30   # `aigraph serve` (gunicorn), over HTTP

``--served`` times the suite's pages over HTTP against ``aigraph serve`` as in production
(gunicorn, its default workers), once with the page cache off and once on; each worker keeps
its own cache, so the first answer of a page from each worker is a rendered one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from aigraph.settings import Settings  # noqa: E402
from aigraph.store import EmbeddedStore, RemoteStore, Store, data_files  # noqa: E402
from aigraph.web import create_app  # noqa: E402

PAGES = [
    ("home", "/"),
    ("entity: model", "/id/mistral-7b"),
    ("entity: organization", "/id/google"),
    ("entity: category", "/id/language-models"),
    ("entity as Turtle", "/id/mistral-7b?format=ttl"),
    ("paths list", "/paths/"),
    ("reading path", "/paths/open-source-developer"),
    ("reading path JSON", "/paths/open-source-developer.json"),
    ("lineage", "/paths/lineage/deepseek-r1"),
    ("next", "/paths/next/transformer-paper"),
    ("between", "/paths/between?from=gpt-neo-release&to=deepseek-r1"),
    ("timeline", "/timeline"),
    ("timeline filtered", "/timeline?category=open-source-models&importance=high"),
    ("search", "/search?q=mistrall"),
    ("search JSON", "/search?q=deepsek&format=json"),
    ("editor", "/sparql"),
    ("dataset", "/dataset"),
    ("download Turtle", "/dataset/aigraph.ttl"),
    ("ontology", "/ontology"),
    ("404 with suggestions", "/id/mistral-8b"),
]
FLOOR = ("floor: /healthz", "/healthz")
#: What a browser sends: the editor page is only for clients that prefer HTML.
HEADERS = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "en"}


class QueryCounter:
    """Count the queries a store runs, by wrapping its query methods on the instance.

    The store stays what it is (an ``EmbeddedStore`` is still one, so the site's per-version
    shortcuts for it apply); ``restore`` puts the original methods back.
    """

    METHODS = ("select", "construct", "ask")

    def __init__(self, store: Store):
        self.store = store
        self.queries = 0
        self._originals = {name: getattr(store, name) for name in self.METHODS}
        for name, original in self._originals.items():
            setattr(store, name, self._counted(original))

    def _counted(self, original):
        def counted(query, bindings=None):
            self.queries += 1
            return original(query, bindings)
        return counted

    def restore(self) -> None:
        """Give the store its own methods back."""
        for name in self.METHODS:
            self.store.__dict__.pop(name, None)


def percentile(times: list[float], share: float) -> float:
    """The ``share`` quantile of ``times``, interpolated between the two nearest."""
    ordered = sorted(times)
    place = (len(ordered) - 1) * share
    low = int(place)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (place - low)


def run(store: Store, repeat: int, page_cache: bool = False) -> dict[str, tuple]:
    """Return, per page: cold ms, warm median ms, warm p99 ms, status, queries per warm request."""
    counting = QueryCounter(store)
    settings = Settings.load({"rate_limit": "", "page_cache_mb": 32 if page_cache else 0},
                             environ={})
    app = create_app({"TESTING": True, "AIGRAPH": settings, "AIGRAPH_STORE": store})
    client = app.test_client()
    found = {}
    try:
        for name, url in [FLOOR, *PAGES]:
            start = time.perf_counter()
            response = client.get(url, headers=HEADERS)
            cold = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(repeat):
                counting.queries = 0
                start = time.perf_counter()
                response = client.get(url, headers=HEADERS)
                response.get_data()
                times.append((time.perf_counter() - start) * 1000)
            found[name] = (cold, statistics.median(times), percentile(times, 0.99),
                           response.status_code, counting.queries)
    finally:
        counting.restore()
        executor = app.extensions.get("aigraph_executor")
        if executor is not None:
            executor.close()
    return found


def table(rendered: dict, cached: dict, remote: dict | None) -> str:
    """The figures as a Markdown table, one row a page."""
    floor = rendered[FLOOR[0]][1]
    head = ["page", "status", "queries", "cold ms", "rendered p50", "rendered p99",
            "cached p50", "cached p99", "x floor (cached)"]
    if remote:
        head += ["remote rendered p50", "remote/embedded"]
    rows = [head, ["---"] * len(head)]
    for name, _url in [FLOOR, *PAGES]:
        cold, warm, p99, status, count = rendered[name]
        _cold, hit, hit_p99, _status, _count = cached[name]
        row = [name, str(status), str(count), f"{cold:.1f}", f"{warm:.2f}", f"{p99:.2f}",
               f"{hit:.2f}", f"{hit_p99:.2f}", f"{hit / floor:.1f}"]
        if remote:
            r_warm = remote[name][1]
            row += [f"{r_warm:.2f}", f"{r_warm / warm:.1f}"]
        rows.append(row)
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def served(repeat: int) -> str:
    """Time the suite's pages against ``aigraph serve``, page cache off then on; a table."""
    import os

    from aigraph.production import default_workers
    from httpload import time_pages
    from servers import start_aigraph
    from suite import PAGES as SERVED_PAGES

    found = {}
    workers = default_workers()
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in ("0", "32"):
            os.environ["AIGRAPH_PAGE_CACHE_MB"] = megabytes
            server = start_aigraph(ROOT / "data", ROOT / "ontology", Path(tmp) / "store", workers)
            try:
                found[megabytes] = {row["page"]: row for row in
                                    time_pages(server.extra["base"], SERVED_PAGES, repeat)}
            finally:
                server.stop()
    rows = [["page", "bytes", "rendered p50", "rendered p99", "cached p50", "cached p99"],
            ["---"] * 6]
    for name, path in SERVED_PAGES:
        off, on = found["0"][name], found["32"][name]
        rows.append([f"{name} (`{path}`)", f"{on['bytes']:,}", f"{off['p50']:.1f}",
                     f"{off['p99']:.1f}", f"{on['p50']:.1f}", f"{on['p99']:.1f}"])
    return (f"`aigraph serve`, {workers} workers, {repeat} GETs per page on one connection; ms\n\n"
            + "\n".join("| " + " | ".join(r) + " |" for r in rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="warm runs per page")
    parser.add_argument("--no-remote", action="store_true", help="skip the oxigraph peer")
    parser.add_argument("--record", help="also write the table to this Markdown file")
    parser.add_argument("--served", action="store_true",
                        help="time the pages over HTTP against `aigraph serve` instead")
    args = parser.parse_args(argv)
    if args.served:
        print(served(args.repeat))
        return 0

    files = data_files(ROOT / "ontology", ROOT / "data")
    embedded_store = EmbeddedStore.from_files(files)
    print(f"shipped data: {embedded_store.triple_count()} triples; {args.repeat} warm runs "
          "per page; medians in ms", file=sys.stderr)
    rendered = run(embedded_store, args.repeat)
    cached = run(embedded_store, args.repeat, page_cache=True)
    remote = None
    if not args.no_remote:
        try:
            from tests.oxigraph_server import running_oxigraph

            with tempfile.TemporaryDirectory() as tmp, \
                    running_oxigraph(files, Path(tmp) / "store") as url:
                remote = run(RemoteStore(url), args.repeat)
        except RuntimeError as error:
            print(f"remote peer skipped: {error}", file=sys.stderr)
    text = table(rendered, cached, remote)
    print(text)
    if args.record:
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(
            "# Page timings\n\n`python bench/pages_bench.py` on the shipped data "
            f"({embedded_store.triple_count()} triples), {args.repeat} warm runs per page. "
            "`queries` counts the store queries of one warm rendered request; `rendered` has the "
            "page cache off, `cached` on; `x floor` compares with `/healthz` on the same "
            "app.\n\n" + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
