"""`aigraph serve` as a user runs it: a real process answering on a loopback port, stopped cleanly."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from aigraph.executor import COPY_PREFIX
from tests.oxigraph_server import free_port


def _wait(url: str, process: subprocess.Popen, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(process.stderr.read().decode(errors="replace")) from None
            time.sleep(0.2)


def test_serve_answers_and_stops_on_sigterm(settings, tmp_path):
    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_SECRET_KEY": "serve-test-" + "0123456789abcdef" * 2}
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert b'"status"' in _wait(f"http://127.0.0.1:{port}/healthz", process)
        # The workers started with the server, on their own copy of the store.
        assert [p for p in tmp_path.iterdir() if p.name.startswith(COPY_PREFIX)] != []
        query = urllib.request.Request(
            f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D",
            headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(query, timeout=30) as response:
            assert b'"boolean":true' in response.read().replace(b" ", b"")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        process.stderr.close()
    # The workers' on-disk copy of the store was removed on the way out.
    assert [p for p in tmp_path.iterdir() if p.name.startswith(COPY_PREFIX)] == []
