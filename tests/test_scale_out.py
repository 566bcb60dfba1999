"""Several web processes in front of one remote store: a real `oxigraph serve` behind two
`aigraph serve` instances (gunicorn, two workers each), which must see the same data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from aigraph.store import data_files
from tests.oxigraph_server import free_port, oxigraph_binary, running_oxigraph

pytestmark = pytest.mark.remote

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NEW = ('INSERT DATA { <https://w3id.org/aigraph/id/scale-out-probe> '
       '<http://www.w3.org/2000/01/rdf-schema#label> "Scale-out probe"@en }')


def _get(port: int, path: str, accept: str = "application/sparql-results+json") -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def _count(port: int) -> int:
    body = json.loads(_get(port, "/sparql?query=" + urllib.parse.quote(COUNT)))
    return int(body["results"]["bindings"][0]["n"]["value"])


def _serve(url: str, tmp_path, name: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "AIGRAPH_STORE": url, "TMPDIR": str(tmp_path),
           # Remote answers may change under us: no result cache, so each count is asked.
           "AIGRAPH_RESULT_CACHE_MB": "0", "AIGRAPH_RATE_LIMIT": "",
           "AIGRAPH_SECRET_KEY": "scale-out-test-" + "0123456789abcdef" * 2}
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while True:
        try:
            _get(port, "/healthz", "application/json")
            return process, port
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(name + ": " + process.stderr.read().decode()) from None
            time.sleep(0.2)


def _update(url: str, text: str) -> None:
    update_url = url.rsplit("/", 1)[0] + "/update"
    request = urllib.request.Request(update_url, data=urllib.parse.urlencode(
        {"update": text}).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def test_two_web_instances_on_one_oxigraph_server_see_the_same_data(settings, tmp_path):
    oxigraph_binary()
    files = data_files(settings.ontology_dir, settings.data_dir)
    with running_oxigraph(files, tmp_path / "oxigraph", read_only=False) as url:
        first, first_port = _serve(url, tmp_path, "first")
        second, second_port = _serve(url, tmp_path, "second")
        try:
            before = _count(first_port)
            assert before > 100 and _count(second_port) == before
            assert b"Mistral AI" in _get(first_port, "/id/mistral-ai", "text/html")
            _update(url, NEW)
            # Both instances, and each of their workers, answer from the one store.
            for _ in range(4):
                assert _count(first_port) == before + 1
                assert _count(second_port) == before + 1
        finally:
            for process in (first, second):
                process.terminate()
                assert process.wait(timeout=60) == 0
                process.stderr.close()
