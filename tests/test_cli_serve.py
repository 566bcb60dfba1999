"""`aigraph serve` as a user runs it: a real process answering on a loopback port, stopped cleanly."""

import os
import signal
import subprocess
import sys
import urllib.request

from aigraph.executor import COPY_PREFIX
from tests.http_wait import wait_for_answer
from tests.oxigraph_server import free_port


def _ask(port: int) -> bytes:
    query = urllib.request.Request(
        f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(query, timeout=60) as response:
        return response.read().replace(b" ", b"")


def _env(settings, tmp_path) -> dict:
    return {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
            "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
            "AIGRAPH_SECRET_KEY": "serve-test-" + "0123456789abcdef" * 2}


def test_serve_runs_gunicorn_and_stops_on_sigterm(settings, tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--workers", "2"],
        env=_env(settings, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert b'"status"' in wait_for_answer(f"http://127.0.0.1:{port}/healthz", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.headers["Server"].startswith("gunicorn")
        assert b'"boolean":true' in _ask(port)
        # The store was written once, for this data version, where every process opens it;
        # no web worker wrote a copy of its own.
        root = tmp_path / f"aigraph-store-{os.getuid()}"
        stores = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
        assert len(stores) == 1 and (stores[0] / "aigraph-ready").exists()
        copies = [p for p in tmp_path.iterdir() if p.name.startswith(COPY_PREFIX)]
        assert all(not any(p.iterdir()) for p in copies)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        log = process.stderr.read().decode(errors="replace")
        process.stderr.close()
    assert "Shutting down" in log and "SIGSEGV" not in log
    assert [p for p in tmp_path.iterdir() if p.name.startswith(COPY_PREFIX)] == []


def test_serve_dev_runs_the_development_server_only_when_asked(settings, tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--dev"],
        env=_env(settings, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert b'"status"' in wait_for_answer(f"http://127.0.0.1:{port}/healthz", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert response.headers["Server"] == "aigraph"  # Werkzeug's, named by serving.py
        # The workers started with the server, on their own copy of the store.
        assert [p for p in tmp_path.iterdir() if p.name.startswith(COPY_PREFIX)] != []
        assert b'"boolean":true' in _ask(port)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        process.stderr.close()
    # The workers' on-disk copy of the store was removed on the way out.
    assert [p for p in tmp_path.iterdir() if p.name.startswith(COPY_PREFIX)] == []
