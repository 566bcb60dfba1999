"""Time `aigraph serve`'s start on a large graph: the first start builds the on-disk store, the
next one reuses it. Prints markdown, and records it with ``--record``.

Each row also says what the start checked before serving, from the server's own note: the
syntax and SHACL checks, or "skipped (recorded)" when a record of an earlier check that passed
vouched for the same data (``aigraph.startcheck``). The synthetic sizes are served with
``AIGRAPH_VALIDATE_ON_START=0`` (bench/servers.py), the shipped data with the SHACL check.

    python bench/cold_start.py --size 5m --record bench/results/cold-start-5m.md
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "src"))

from servers import start_aigraph  # noqa: E402
from suite import SIZES, dataset  # noqa: E402


def _first_page(base: str, wait: float) -> float | None:
    """Seconds until the home page answers (its caches are built on the first visit)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + "/", timeout=wait) as response:
            response.read()
    except OSError:
        return None
    return time.perf_counter() - started


def _checks(log: Path) -> str:
    """What the start checked before serving, from the note ``aigraph serve`` writes."""
    text = log.read_text(encoding="utf-8", errors="replace")
    if "start checks skipped" in text:
        return "skipped (recorded)"
    found = re.search(r"start checks passed in [0-9.]+ s \((.*)\)", text)
    return found.group(1) if found else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=tuple(SIZES), default="5m")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--record", type=Path)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the on-disk store an earlier run built")
    parser.add_argument("--page-wait", type=float, default=300.0,
                        help="seconds to wait for the first home page")
    args = parser.parse_args()
    folder, files = dataset(args.size, args.out)
    megabytes = sum(f.stat().st_size for f in files) / 2**20
    store_path = args.out / f"store-cold-{args.size}"
    labels = ["first start (builds the on-disk store)", "second start (reuses it)",
              "third start (reuses it)"]
    if args.reuse:
        labels = [f"start {n} (reuses the store a previous run built)" for n in (1, 2, 3)]
    else:
        shutil.rmtree(store_path, ignore_errors=True)
    load_before = os.getloadavg()
    rows = []
    log = args.out / f"cold-start-{args.size}.log"
    for label in labels:
        log.write_bytes(b"")
        server = start_aigraph(folder, ROOT / "ontology", store_path, args.workers,
                               probe="/healthz", log=log)
        try:
            page = _first_page(server.extra["base"], args.page_wait)
            rows.append((label, server.cold_start, page, server.memory_mb(), _checks(log)))
        finally:
            server.stop()
    lines = [f"# Cold start on {args.size} ({megabytes:.0f} MiB of Turtle)", "",
             f"`python bench/cold_start.py --size {args.size} --workers {args.workers}`: process "
             "start to the first answer of /healthz (the store is open), then the home page's first "
             "answer. Load average before and after: "
             f"{'/'.join(f'{v:.1f}' for v in load_before)} and "
             f"{'/'.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} cores.",
             "", "| start | start checks | to /healthz (store open), s | then the home page, s | "
             "resident MiB |", "|---|---|---|---|---|"]
    lines += [f"| {label} | {checks} | {seconds:.2f} | "
              + (f"{page:.2f}" if page is not None else f"not within {args.page_wait:g}")
              + f" | {memory:.0f} |" for label, seconds, page, memory, checks in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.record:
        args.record.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
