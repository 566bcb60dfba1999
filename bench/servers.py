"""Start the servers the benchmark compares, each on a free loopback port, and stop them.

``aigraph serve`` as in production (gunicorn), ``oxigraph serve`` (PyPI ``oxigraph``) and
rdflib-endpoint (PyPI ``rdflib-endpoint``), all on the same files. Each start is timed from
the process start to the first answered request (the cold start), and each server's resident
memory, with its child processes, is read from /proc.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running server: what it is, where it answers, and how long it took to answer."""

    name: str
    url: str
    process: subprocess.Popen
    cold_start: float = 0.0
    extra: dict = field(default_factory=dict)

    def memory_mb(self) -> float:
        """Resident memory of the server and every process under it, in MiB."""
        return sum(_rss(pid) for pid in _tree(self.process.pid)) / 2**20

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _tree(pid: int) -> list[int]:
    found = [pid]
    for child in Path("/proc").glob("[0-9]*"):
        try:
            stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == pid:
            found += _tree(int(child.name))
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _wait(url: str, process: subprocess.Popen, started: float, seconds: float = 1800) -> float:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                return time.perf_counter() - started
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the server stopped") from None
            if time.perf_counter() - started > seconds:
                raise RuntimeError(f"{url}: no answer after {seconds} s") from None
            time.sleep(0.02)


def start_aigraph(data_dir: Path, ontology_dir: Path, store_path: Path, workers: int,
                  store: str = "", log: Path | None = None, probe: str = "/",
                  seconds: float = 1800, settings: dict[str, str] | None = None) -> Server:
    """``aigraph serve`` with gunicorn; the cold start ends with ``probe``'s first 200.

    ``settings`` (``AIGRAPH_*`` names without the prefix, lower case) override the bench's own.
    """
    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": str(data_dir), "AIGRAPH_ONTOLOGY_DIR":
           str(ontology_dir), "AIGRAPH_STORE_PATH": str(store_path), "AIGRAPH_STORE": store,
           "AIGRAPH_RATE_LIMIT": "", "AIGRAPH_QUERY_TIME_LIMIT": "60",
           # The synthetic graphs are shaped like the data, not curated (no sources): they are
           # served without the SHACL check at start, which the shipped data still gets.
           "AIGRAPH_VALIDATE_ON_START": os.environ.get(
               "AIGRAPH_VALIDATE_ON_START", "1" if data_dir.name == "data-shipped" else "0"),
           # Benchmark clients are many requests from one address.
           "AIGRAPH_CLIENT_QUERIES": "0",
           "AIGRAPH_SECRET_KEY": os.environ.get("AIGRAPH_SECRET_KEY", os.urandom(24).hex())}
    env.update({f"AIGRAPH_{name.upper()}": value for name, value in (settings or {}).items()})
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "aigraph"), "serve", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL,
        stderr=open(log, "ab") if log else subprocess.DEVNULL)  # noqa: SIM115
    base = f"http://127.0.0.1:{port}"
    try:
        cold = _wait(base + probe, process, started, seconds)
    except RuntimeError:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
        raise
    return Server("aigraph", base + "/sparql", process, cold, {"base": base})


def start_oxigraph(files: list[Path], location: Path) -> Server:
    """``oxigraph load`` (timed) then ``oxigraph serve-read-only`` on the same files."""
    started = time.perf_counter()
    if not location.exists():
        subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file",
                        *map(str, files)], check=True, capture_output=True)
    load = time.perf_counter() - started
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location), "--bind",
         f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    cold = _wait(url + "?query=ASK%7B%7D", process, started)
    return Server("oxigraph", url, process, cold, {"load": load})


def start_rdflib_endpoint(files: list[Path]) -> Server:
    """rdflib-endpoint (rdflib's memory store behind FastAPI and uvicorn) on the same files."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port),
         *map(str, files)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    cold = _wait(url + "?query=ASK%7B%7D", process, started)
    return Server("rdflib-endpoint", url, process, cold)
