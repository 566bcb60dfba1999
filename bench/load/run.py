"""Run the Locust load test against ``aigraph serve`` on loopback and write bench/results/load.md.

Starts the server as users do (``aigraph serve``, on a free 127.0.0.1 port, per-client limits
off), runs Locust headless for a bounded time and user count, and prints and records p50/p99,
throughput and errors per request kind. Usage: python bench/load/run.py [--users 30]
[--seconds 40] [--note "..."]
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "load.md"


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "AIGRAPH_RATE_LIMIT": "", "AIGRAPH_CLIENT_QUERIES": "0",
           "AIGRAPH_VALIDATE_ON_START": "0", "AIGRAPH_SECRET_KEY": secrets.token_hex(32)}
    server = subprocess.Popen([sys.executable, "-m", "aigraph", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "load"
            subprocess.run([sys.executable, "-m", "locust", "-f",
                            str(Path(__file__).with_name("locustfile.py")), "--headless",
                            "-u", str(args.users), "-r", str(max(1, args.users // 5)),
                            "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
                            "--csv", str(prefix), "--only-summary"],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=args.seconds + 120)
            rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    lines = ["# Load test", "",
             f"`python bench/load/run.py --users {args.users} --seconds {args.seconds}`: Locust "
             "against `aigraph serve` on loopback, per-client limits off. Heavy queries answer "
             "503 on purpose (counted as successes); failures are anything else.",
             *(["", args.note] if args.note else []), "",
             "| request | count | failures | p50 ms | p99 ms | req/s |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{row['50%']} | {row['99%']} | {float(row['Requests/s']):.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
