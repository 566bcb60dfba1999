"""Start a real OpenLink Virtuoso (Debian's ``virtuoso-opensource``) on free loopback ports.

The server gets its own database folder and ``virtuoso.ini`` under a temporary folder, loads
the given Turtle files into one graph through ``isql``, and serves SPARQL at ``/sparql``.
Virtuoso answers a query without ``FROM`` over all its graphs, so the loaded graph acts as the
default graph, as aigraph's queries expect.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.oxigraph_server import free_port

GRAPH = "https://w3id.org/aigraph/graph"


def virtuoso_binaries() -> tuple[str, str] | None:
    """The server and its SQL client, when Debian's package is installed."""
    server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, client) if server and client else None


def _ini(folder: Path, sql_port: int, http_port: int, data_dir: Path) -> str:
    return f"""[Database]
DatabaseFile = {folder}/db/virtuoso.db
ErrorLogFile = {folder}/db/virtuoso.log
LockFile = {folder}/db/virtuoso.lck
TransactionFile = {folder}/db/virtuoso.trx
xa_persistent_file = {folder}/db/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/db/virtuoso-temp.db
TransactionFile = {folder}/db/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
DirsAllowed = ., {data_dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/vsp
ServerThreads = 8
MaxClientConnections = 8
MaxKeepAlives = 8
KeepAliveTimeout = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
DefaultQuery = ASK {{}}
"""


def _isql(client: str, sql_port: int, statement: str) -> None:
    done = subprocess.run([client, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql: {statement}: {done.stdout}{done.stderr}")


@contextmanager
def running_virtuoso(files: Sequence[Path], folder: Path):
    """Serve ``files`` from a fresh Virtuoso under ``folder``; yield the SPARQL query URL."""
    found = virtuoso_binaries()
    if found is None:
        raise RuntimeError("Virtuoso is not installed (Debian package virtuoso-opensource)")
    server, client = found
    data_dir = folder / "load"
    for sub in ("db", "vsp", "load"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(file, data_dir / Path(file).name)
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(_ini(folder, sql_port, http_port, data_dir))
    process = subprocess.Popen([server, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "db" / "virtuoso.log")
                    raise RuntimeError("Virtuoso did not start: " + (
                        log.read_text(errors="replace")[-2000:] if log.exists() else "")) from None
                time.sleep(0.3)
        for file in files:
            _isql(client, sql_port, f"DB.DBA.TTLP_MT(file_to_string_output('{data_dir}/"
                                    f"{Path(file).name}'), '', '{GRAPH}', 0);")
        _isql(client, sql_port, "checkpoint;")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
