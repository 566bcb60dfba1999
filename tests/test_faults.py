"""Faults, each survived: slow clients, broken or non-conforming data at start, a store that
goes away and comes back, a query worker killed from outside, hostile framing on the wire.

The server tests run ``aigraph serve`` as a user does, on a free loopback port.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from aigraph.settings import PROJECT_ROOT
from aigraph.web import create_app
from tests.http_wait import wait_for_answer
from tests.oxigraph_server import free_port, oxigraph_binary

#: The server refuses to start without a secret key (it signs curators' sessions).
SECRET_KEY = "faults-test-" + "0123456789abcdef" * 2
CROSS_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 "?j ?k ?l }")


@contextmanager
def serving(settings, tmp_path, **env_settings):
    """Run ``aigraph serve`` on the fixture data; yield its port."""
    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_SECRET_KEY": SECRET_KEY,
           **{f"AIGRAPH_{k.upper()}": str(v) for k, v in env_settings.items()}}
    # The built-in server (--dev), whose request handler these wire-level tests are about;
    # under gunicorn the reverse proxy in front holds slow clients (docs/deployment.md).
    process = subprocess.Popen([sys.executable, "-m", "aigraph", "serve", "--dev", "--port",
                                str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_answer(f"http://127.0.0.1:{port}/healthz", process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process.stderr.close()


def _raw(port: int, data: bytes, timeout: float = 30) -> bytes:
    """Send ``data`` on a new connection and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- slow and hostile clients on the wire -----------------------------------------------------

def test_half_sent_requests_time_out_and_free_their_threads(settings, tmp_path):
    with serving(settings, tmp_path, request_timeout=1, validate_on_start=0) as port:
        sockets = []
        try:
            for _ in range(40):
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                sock.sendall(b"GET /about HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
                sockets.append(sock)
            # The server closes each one (recv gives b"", or the connection is reset).
            for sock in sockets:
                try:
                    assert sock.recv(65536) == b""
                except ConnectionResetError:
                    pass
        finally:
            for sock in sockets:
                sock.close()
        # Everyone else is still served.
        answer = _raw(port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200")


def test_wire_level_refusals_are_our_own_plain_errors(settings, tmp_path):
    with serving(settings, tmp_path, validate_on_start=0) as port:
        head = _raw(port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        server = [line for line in head.split(b"\r\n") if line.lower().startswith(b"server:")]
        assert server == [b"Server: aigraph"]
        # A request line over 64 KiB: Werkzeug's server refuses it before the application.
        long_get = b"GET /sparql?query=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: l\r\n\r\n"
        answer = _raw(port, long_get)
        assert answer.startswith(b"HTTP/1.0 414") or answer.startswith(b"HTTP/1.1 414")
        assert b"send long queries with POST" in answer and b"<html" not in answer.lower()
        # A malformed chunked body is a 400 that says so, not a 500.
        chunked = (b"POST /sparql HTTP/1.1\r\nHost: l\r\nConnection: close\r\n"
                   b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n"
                   b"\r\nzz\r\nASK {}\r\n0\r\n\r\n")
        answer = _raw(port, chunked)
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert b"could not be read" in answer


# --- data at start-up -------------------------------------------------------------------------

def _serve_once(settings, tmp_path, **env_settings) -> subprocess.CompletedProcess:
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_SECRET_KEY": SECRET_KEY,
           **{f"AIGRAPH_{k.upper()}": str(v) for k, v in env_settings.items()}}
    return subprocess.run([sys.executable, "-m", "aigraph", "serve", "--port",
                           str(free_port())], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_syntax_error_in_the_data_stops_the_server_with_file_line_and_column(
        settings, data_dir, tmp_path):
    (data_dir / "broken.ttl").write_text('@prefix a: <http://x/> .\n\na:b a:c "open .\n')
    done = _serve_once(settings, tmp_path)
    assert done.returncode == 1
    assert "broken.ttl:3:9" in done.stderr
    assert "Traceback" not in done.stderr


def test_data_that_does_not_conform_is_not_served_unless_the_check_is_off(
        settings, data_dir, tmp_path):
    (data_dir / "junk.ttl").write_text(
        "<https://w3id.org/aigraph/id/junk> <http://example.org/p> 1 .\n")
    done = _serve_once(settings, tmp_path)
    assert done.returncode == 1
    assert "does not conform" in done.stderr and "id:junk" in done.stderr
    assert "Traceback" not in done.stderr
    with serving(settings, tmp_path, validate_on_start=0) as port:
        assert _raw(port, b"GET /healthz HTTP/1.1\r\nHost: l\r\nConnection: close\r\n\r\n"
                    ).startswith(b"HTTP/1.1 200")


# --- the remote store goes away and comes back ------------------------------------------------

@contextmanager
def oxigraph_on(port: int, location: Path):
    process = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location",
                                str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_answer(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process, 30)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.remote
def test_pages_say_when_the_remote_store_is_down_and_recover(settings, tmp_path):
    files = [PROJECT_ROOT / "ontology" / "aigraph.ttl", *sorted(Path(settings.data_dir).glob("*.ttl"))]
    location = tmp_path / "oxigraph"
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file",
                    *map(str, files)], check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(store=url, rate_limit="")})
    client = app.test_client()
    try:
        with oxigraph_on(port, location):
            assert client.get("/about").status_code == 200
            assert client.get("/healthz").status_code == 200
        down = client.get("/id/meta", headers={"Accept": "text/html"})
        assert down.status_code == 503
        assert "The data store cannot be reached right now" in down.get_data(as_text=True)
        assert int(down.headers["Retry-After"]) > 0
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json()["status"] == "unavailable"
        query = client.get("/sparql", query_string={"query": "ASK {}"},
                           headers={"Accept": "application/sparql-results+json"})
        assert query.status_code == 503
        with oxigraph_on(port, location):
            assert client.get("/id/meta", headers={"Accept": "text/html"}).status_code == 200
            assert client.get("/healthz").get_json()["status"] == "ok"
    finally:
        app.extensions["aigraph_executor"].close()


# --- a query worker killed from outside -------------------------------------------------------

def test_a_killed_query_worker_is_replaced_and_its_request_answered_503(settings, store):
    app = create_app({"TESTING": True, "AIGRAPH_STORE": store,
                      "AIGRAPH": settings.replace(query_time_limit=30.0, rate_limit="")})
    executor = app.extensions["aigraph_executor"].start()
    answers = []
    try:
        thread = threading.Thread(target=lambda: answers.append(app.test_client().get(
            "/sparql", query_string={"query": CROSS_PRODUCT},
            headers={"Accept": "application/sparql-results+json"})))
        thread.start()
        deadline = time.monotonic() + 60
        while executor.slow_queries == 0:  # the heavy query has reached the slow lane
            assert time.monotonic() < deadline
            time.sleep(0.01)
        while executor.starting_workers:  # the lane's replacement is still starting
            assert time.monotonic() < deadline
            time.sleep(0.01)
        idle = set(executor.worker_pids())
        busy = [pid for pid in idle if pid not in {w.process.pid for w in executor._idle}]
        assert len(busy) == 1  # the slow lane's worker; the spare and the replacement are idle
        for pid in busy:
            os.kill(pid, signal.SIGKILL)
        thread.join()
        (answer,) = answers
        assert answer.status_code == 503
        assert "it has been replaced" in json.loads(answer.data)["error"]
        ok = app.test_client().get("/sparql", query_string={"query": "ASK {}"},
                                   headers={"Accept": "application/sparql-results+json"})
        assert ok.status_code == 200
        assert not set(busy) & set(executor.worker_pids())
    finally:
        executor.close()
