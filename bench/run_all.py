"""Run every benchmark and record its table under bench/results/.

    python bench/run_all.py            # full sizes (a 1M-triple synthetic graph; several minutes)
    python bench/run_all.py --quick    # small sizes, for a smoke run
    python bench/run_all.py --sizes shipped,100k,1m,5m   # the serving suite's sizes

The serving suite (bench/suite.py: aigraph served by gunicorn against oxigraph serve and
rdflib-endpoint) writes bench/results/serving-<date>.md; the /sparql profile goes to
bench/results/profile-sparql.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", default=None, help="sizes for bench/suite.py")
    args = parser.parse_args()
    triples = "50000" if args.quick else "1000000"
    suite = ["--quick"] if args.quick else ["--sizes", args.sizes or "shipped,100k,1m"]
    runs = [
        ["profile_sparql.py", "--record", str(RESULTS / "profile-sparql.md")],
        ["suite.py", *suite],
        ["store_bench.py", "--triples", triples, "--record", str(RESULTS / "store.md")],
        ["paths_bench.py", "--triples", triples, "--record", str(RESULTS / "paths.md")],
        ["pages_bench.py", "--record", str(RESULTS / "pages.md")],
        ["executor_overhead.py"],
        ["fairness.py", "--record", str(RESULTS / "fairness.md")],
        ["load/run.py", "--users", "20" if args.quick else "30", "--seconds",
         "20" if args.quick else "40"],
    ]
    failed = 0
    for script, *options in runs:
        print(f"\n== {script}", flush=True)
        done = subprocess.run([sys.executable, str(BENCH / script), *options])
        failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
