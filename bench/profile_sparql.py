"""Profile a /sparql request on the shipped data: where the time goes, step by step.

It times, for one simple query with unique texts: the whole request through Flask's test client
(the result cache cannot help), then, in this process, the parts a query worker does (the
guard's check, the query, the capped serialisation), a request answered from the result cache,
and ``/healthz`` (Flask's floor). It then runs cProfile over the requests and lists the
functions with the most cumulative time. Writes markdown to ``--record``.

    python bench/profile_sparql.py --record bench/results/profile-sparql.md
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

QUERY = "SELECT ?m ?d WHERE { ?m a aig:Milestone ; aig:date ?d } ORDER BY ?d LIMIT 10"
JSON = "application/sparql-results+json"


def _per_call(fn, repeat: int) -> float:
    fn(0)
    started = time.perf_counter()
    for number in range(repeat):
        fn(number + 1)
    return (time.perf_counter() - started) / repeat * 1000


def main() -> int:
    from aigraph.guard import check_query
    from aigraph.settings import Settings
    from aigraph.web import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    # No rate limit nor per-client cap: every request here comes from one address.
    app = create_app({"AIGRAPH": Settings.load({"store": "", "rate_limit": "", "client_queries": 0,
                                                  "secret_key": secrets.token_hex(32)})})
    client = app.test_client()
    store = app.extensions["aigraph"].store
    headers = {"Accept": JSON}

    def request(number: int) -> None:
        response = client.get("/sparql", query_string={"query": f"{QUERY} # {number}"},
                              headers=headers)
        assert response.status_code == 200, response.data

    checked = check_query(QUERY)
    rows = [
        ("whole request, unique text (Flask, view, worker round trip)", _per_call(request, args.repeat)),
        ("  guard check of the text (in the worker)",
         _per_call(lambda n: check_query(f"{QUERY} # {n}"), args.repeat)),
        ("  query and capped serialisation (in the worker)",
         _per_call(lambda n: store.query_capped(checked.text, JSON, 10000), args.repeat)),
        ("repeated text, answered from the result cache",
         _per_call(lambda n: client.get("/sparql", query_string={"query": QUERY},
                                        headers=headers), args.repeat)),
        ("/healthz (Flask's floor)", _per_call(lambda n: client.get("/healthz"), args.repeat)),
    ]
    profile = cProfile.Profile()
    profile.enable()
    for number in range(args.repeat):
        request(10_000 + number)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).strip_dirs().sort_stats("cumulative").print_stats(18)
    app.extensions["aigraph_executor"].close()
    lines = ["# Where a /sparql request spends its time", "",
             f"`python bench/profile_sparql.py --repeat {args.repeat}`, shipped data, the query "
             f"`{QUERY}` with a counter comment so every text is new.", "",
             "| step | ms per request |", "|---|---|"]
    lines += [f"| {name} | {ms:.2f} |" for name, ms in rows]
    lines += ["", "cProfile of the web process (the worker's own time shows as waiting on the "
              "pipe):", "", "```", text.getvalue().strip()[:6000], "```", ""]
    output = "\n".join(lines)
    print(output)
    if args.record:
        args.record.write_text(output, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
