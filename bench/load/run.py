"""Run the Locust load test against ``aigraph serve`` on loopback and write bench/results/load.md.

Starts the server as users do (``aigraph serve``, on a free 127.0.0.1 port, per-client limits
off) over a temporary copy of the data with an empty history and ``--curators`` curator
accounts, runs Locust headless for a bounded time and user count, checks with ``verify.py``
that no save was lost or corrupted, and prints and records p50/p99, throughput and errors per
request kind, and how busy the machine was. Usage: python bench/load/run.py [--users 30]
[--seconds 40] [--curators 3] [--note "..."]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify import verify  # noqa: E402 - beside this script, which is not a package

from aigraph.accounts import Accounts  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "load.md"
#: The server's query time limit (the default); no answer may come later than it plus 1 s.
LIMIT_MS = 10_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.5)


def _accounts(path: Path, curators: int) -> list[str]:
    accounts = Accounts(str(path))
    tokens = []
    for number in range(1, curators + 1):
        accounts.add(f"curator-{number}", secrets.token_urlsafe(16))
        tokens.append(accounts.create_token(f"curator-{number}"))
    return tokens


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) / {five:.1f} (5 min) on {os.cpu_count()} cores"


def _run(args, tmp: Path) -> tuple[list[dict], list[str], dict, str]:
    shutil.copytree(ROOT / "data", tmp / "data")
    writes = tmp / "writes.jsonl"
    tokens = _accounts(tmp / "accounts.json", args.curators)
    port = free_port()
    env = {**os.environ, "AIGRAPH_RATE_LIMIT": "", "AIGRAPH_CLIENT_QUERIES": "0",
           "AIGRAPH_QUERY_TIME_LIMIT": str(LIMIT_MS / 1000),
           "AIGRAPH_VALIDATE_ON_START": "0", "AIGRAPH_SECRET_KEY": secrets.token_hex(32),
           "AIGRAPH_DATA_DIR": str(tmp / "data"), "AIGRAPH_HISTORY_DIR": str(tmp / "history"),
           "AIGRAPH_ACCOUNTS_FILE": str(tmp / "accounts.json")}
    server = subprocess.Popen([sys.executable, "-m", "aigraph", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL,
                              stderr=open(tmp / "server.log", "wb"))  # noqa: SIM115
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        before = _load()
        prefix = tmp / "load"
        subprocess.run([sys.executable, "-m", "locust", "-f",
                        str(Path(__file__).with_name("locustfile.py")), "--headless",
                        "-u", str(args.users), "-r", str(max(1, args.users // 5)),
                        "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
                        "--csv", str(prefix), "--only-summary", "--stop-timeout", "180"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=args.seconds + 400,
                       env={**os.environ, "AIGRAPH_LOAD_TOKENS": ",".join(tokens),
                            "AIGRAPH_LOAD_WRITES": str(writes)})
        busy = f"before the run: {before}; after: {_load()}"
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
        failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    problems, figures = verify(tmp / "data", tmp / "history", writes)
    # What the server logged as unexpected (the 500s), by its last line.
    log = (tmp / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()
    figures["unexpected"] = [log[i + 1:][next(n for n, line in enumerate(log[i + 1:])
                                              if not line.startswith((" ", "Traceback")))]
                             for i, line in enumerate(log) if line.startswith("unexpected error")]
    figures["sparql_ms"] = _server_times(log, "/sparql")
    return rows, failures, problems, figures, busy


def _server_times(log: list[str], route: str) -> list[float]:
    """How long the server says it took over each answer on ``route`` (its request log)."""
    times = []
    for line in log:
        if line.startswith("{") and f'"route": "{route}"' in line:
            try:
                times.append(float(json.loads(line)["ms"]))
            except (ValueError, KeyError):
                continue
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--curators", type=int, default=3)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows, failures, problems, figures, busy = _run(args, Path(tmp))
    lines = ["# Load test", "",
             f"`python bench/load/run.py --users {args.users} --seconds {args.seconds} "
             f"--curators {args.curators}`: Locust against `aigraph serve` on loopback, "
             "per-client limits off, over a copy of the shipped data. Visitors browse, "
             "researchers query (a few with a heavy query that answers 503 on purpose), and "
             f"{args.curators} curators save the same four models through the API with bearer "
             "tokens and `If-Match` (a 412, someone saved first, is intended). Intended "
             "answers count as successes; failures are anything else.",
             *(["", args.note] if args.note else []), "", f"Machine: {busy}.", "",
             "| request | count | failures | p50 ms | p99 ms | req/s |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{row['50%']} | {row['99%']} | {float(row['Requests/s']):.1f} |")
    if failures:
        lines += ["", "The failures, as Locust saw them:", "", "| request | error | count |",
                  "|---|---|---:|"]
        lines += [f"| {f['Name']} | {f['Error'][:120]} | {f['Occurrences']} |" for f in failures]
    served = figures["sparql_ms"]
    if served:
        late = sum(ms > LIMIT_MS + 1000 for ms in served)
        lines += ["", f"Server side (its request log), `/sparql`: {len(served)} answers, the "
                  f"slowest in {max(served):.0f} ms; {late} took longer than the query time "
                  f"limit + 1 s ({(LIMIT_MS + 1000) / 1000:g} s). Locust runs on the same "
                  "cores, so its own times include waiting for them."]
    if figures["unexpected"]:
        lines += ["", f"The server logged {len(figures['unexpected'])} unexpected errors, the "
                  f"first: `{figures['unexpected'][0][:200]}`"]
    lines += ["", f"Writes checked after the run (`bench/load/verify.py`): {figures['saves']} "
              f"saves answered 2xx on {figures['entities']} entities; the history holds "
              f"{figures['records']} records. "
              + ("Every save is in the history and the data, each entity's saves form one "
                 "chain ending in the data, no two saves succeeded from one ETag, every file "
                 "parses and `aigraph validate` conforms." if not problems else
                 "PROBLEMS: " + "; ".join(problems))]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    return 1 if problems else 0

if __name__ == "__main__":
    raise SystemExit(main())
