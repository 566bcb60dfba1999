"""Run every benchmark and record its table under bench/results/.

    python bench/run_all.py            # full sizes (a 1M-triple synthetic graph; several minutes)
    python bench/run_all.py --quick    # small sizes, for a smoke run
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
    args = parser.parse_args()
    triples = "50000" if args.quick else "1000000"
    runs = [
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
