"""Start a real ``oxigraph serve`` on a free loopback port, loaded with given Turtle files."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path


def oxigraph_binary() -> str:
    """Find the ``oxigraph`` command installed beside this Python (the PyPI package)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    return found


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_oxigraph(files: Sequence[Path], location: Path, read_only: bool = True):
    """Load ``files`` into a store at ``location`` and serve it; yield the query URL."""
    binary = oxigraph_binary()
    subprocess.run([binary, "load", "--location", str(location), "--file",
                    *map(str, files)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only" if read_only else "serve", "--location", str(location),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start: "
                                       + process.stderr.read().decode(errors="replace")) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
