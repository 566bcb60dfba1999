"""Production serving: gunicorn restarts (HUP) and stops (TERM) without dropping requests.

A real ``aigraph serve`` with two web workers answers a client that sends requests in a loop
(bounded in count) while the test sends it signals; every request sent before the TERM must be
answered with a 200. A HUP also loads data changed on disk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from aigraph.production import (
    PAGE_THREADS,
    ServeOptions,
    default_workers,
    gunicorn_config,
    per_worker_settings,
)
from aigraph.query_pool import SPARE_WORKERS
from tests.oxigraph_server import free_port

#: Most requests the client loop sends, whatever happens.
MAX_REQUESTS = 1500
LABEL_QUERY = ('SELECT ?l WHERE { <https://w3id.org/aigraph/id/mistral-ai> rdfs:label ?l '
               'FILTER(LANG(?l) = "en") }')


class Client(threading.Thread):
    """Send GETs one after another, each on a new connection, recording each outcome."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.outcomes: list[tuple[float, str]] = []  # (time sent, "200" or the error)
        self.stop = threading.Event()

    def run(self) -> None:
        paths = ["/healthz", "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"), "/"]
        for number in range(MAX_REQUESTS):
            if self.stop.is_set():
                return
            sent = time.monotonic()
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.port}{paths[number % 3]}",
                    headers={"Accept": "application/sparql-results+json, text/html;q=0.5"})
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    self.outcomes.append((sent, str(response.status)))
            except urllib.error.HTTPError as error:
                self.outcomes.append((sent, f"http {error.code} {error.headers.get('Retry-After')}"))
            except (OSError, urllib.error.URLError) as error:
                self.outcomes.append((sent, repr(error)))

    def answered(self) -> int:
        return sum(1 for _, outcome in self.outcomes if outcome == "200")


def _wait_for(condition, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(process.stderr.read().decode(errors="replace"))
        time.sleep(0.1)


def _label(port: int) -> str:
    url = f"http://127.0.0.1:{port}/sparql?query=" + urllib.parse.quote(LABEL_QUERY)
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read().decode().splitlines()[1]
    except urllib.error.HTTPError as error:
        # While a worker reloads changed data a query may be told to come back (503), and one
        # racing the reload has been seen to fail (500; a known issue of the reload path).
        if error.code in (500, 503):
            return ""
        raise
    except OSError:  # a request racing the reload of changed data (the known limit above)
        return ""


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture
def server(settings, tmp_path):
    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_STORE_PATH": str(tmp_path / "store"), "AIGRAPH_GRACEFUL_TIMEOUT": "20",
           "AIGRAPH_SECRET_KEY": "serving-test-" + "0123456789abcdef" * 2,
           # One client sends every request here: no rate limit, no per-client cap.
           "AIGRAPH_RATE_LIMIT": "", "AIGRAPH_CLIENT_QUERIES": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for(lambda: _healthy(port), process)
    yield process, port
    if process.poll() is None:
        process.kill()
        process.wait()
    process.stderr.close()


def test_hup_and_term_drop_no_request(server):
    process, port = server
    client = Client(port)
    client.start()
    try:
        _wait_for(lambda: client.answered() >= 10, process)
        for _ in range(2):  # graceful restarts: new workers start, old ones finish what they hold
            before = client.answered()
            process.send_signal(signal.SIGHUP)
            _wait_for(lambda before=before: client.answered() >= before + 10, process)
        terminated = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        client.stop.set()
        client.join(timeout=70)
    # No connection was dropped or refused, and no request failed before the shutdown; a query
    # told to come back (503) must say when (Retry-After).
    failed = [(sent, outcome) for sent, outcome in client.outcomes
              if outcome != "200" and not outcome.startswith("http 503 ") and sent < terminated]
    assert failed == []
    assert all(o.split()[2] != "None" for _, o in client.outcomes if o.startswith("http 503"))
    assert client.answered() >= 30
    log = process.stderr.read().decode(errors="replace")
    assert log.count("Handling signal: hup") == 2 and "Shutting down" in log
    assert "Traceback" not in log


def test_a_graceful_restart_serves_changed_data_from_a_new_store_folder(server, settings, tmp_path):
    """Known limit: requests racing the reload of changed data may fail (see docs/deployment.md)."""
    process, port = server
    _wait_for(lambda: _label(port) == "Mistral AI", process)
    organizations = os.path.join(settings.data_dir, "small.ttl")
    with open(organizations, encoding="utf-8") as handle:
        text = handle.read()
    assert text.count('"Mistral AI"@en') == 1
    with open(organizations, "w", encoding="utf-8") as handle:
        handle.write(text.replace('"Mistral AI"@en', '"Mistral AI (renamed)"@en'))
    process.send_signal(signal.SIGHUP)
    _wait_for(lambda: _label(port) == "Mistral AI (renamed)", process)
    # The new data got its own store folder; the old one is kept for workers still on it.
    _wait_for(lambda: len([p for p in (tmp_path / "store").iterdir()
                           if (p / "aigraph-ready").exists()]) == 2, process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0


def test_term_lets_a_request_under_way_finish(server):
    process, port = server
    # A query that takes a while on any machine: a sort over a cross product of the graph.
    slow = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . "
                              "FILTER(STRLEN(STR(?c)) > STRLEN(STR(?f))) }")
    outcome: list = []

    def ask() -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql?query={slow}",
                                         headers={"Accept": "text/csv"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                outcome.append((response.status, response.read()))
        except urllib.error.HTTPError as error:  # the time limit's 503 is an answer too
            outcome.append((error.code, error.read()))
        except OSError as error:
            outcome.append(error)

    thread = threading.Thread(target=ask)
    thread.start()
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    thread.join(timeout=70)
    assert process.wait(timeout=60) == 0
    assert len(outcome) == 1 and isinstance(outcome[0], tuple), outcome
    status, body = outcome[0]
    assert (status, body[:1]) == (200, b"n") or (status, body[:17]) == (503, b"the query was sto")


def test_defaults_fit_the_machine_and_share_query_workers(settings):
    assert default_workers(1) == 2 and default_workers(4) == 4 and default_workers(64) == 8
    # The setting is the total of query workers: four web workers share two between them,
    # at least one each, rather than starting two each.
    assert per_worker_settings(settings.replace(query_workers=2), 4).query_workers == 1
    assert per_worker_settings(settings.replace(query_workers=8), 4).query_workers == 2
    # The slow lane is a total too; 0 (no long query at all) stays 0.
    assert per_worker_settings(settings.replace(slow_query_workers=2), 2).slow_query_workers == 1
    assert per_worker_settings(settings.replace(slow_query_workers=6), 4).slow_query_workers == 2
    assert per_worker_settings(settings.replace(slow_query_workers=0), 4).slow_query_workers == 0
    config = gunicorn_config(settings.replace(query_time_limit=10.0, graceful_timeout=7),
                             ServeOptions(port=8123, workers=3, threads=2))
    assert config["bind"] == ["127.0.0.1:8123"] and config["workers"] == 3
    assert config["worker_class"] == "aigraph.gunicorn_worker.ReadTimeoutWorker" and config["threads"] == 2
    # A request may last as long as a query at its limit, and then some.
    assert config["timeout"] > 10 and config["graceful_timeout"] == 7


@pytest.mark.parametrize("count, expected", [(1, "https://aigraph.example.org/sparql"),
                                             (0, "http://localhost/sparql")])
def test_proxy_headers_are_trusted_only_when_configured(settings, store, count, expected):
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(trusted_proxies=count),
                      "AIGRAPH_STORE": store})
    try:
        # The service description names the endpoint by the URL the client used.
        body = app.test_client().get("/sparql", headers={
            "Accept": "text/turtle", "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "aigraph.example.org", "X-Forwarded-For": "203.0.113.7"}
        ).get_data(as_text=True)
        assert f"<{expected}>" in body
    finally:
        app.extensions["aigraph_executor"].close()


def test_half_sent_requests_time_out_and_free_the_production_servers_threads(settings, tmp_path):
    """Clients that never finish their request are dropped at request_timeout, which frees their
    threads: with more of them than the server has threads, others are still answered."""
    import socket

    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_STORE_PATH": str(tmp_path / "store"), "AIGRAPH_REQUEST_TIMEOUT": "2",
           "AIGRAPH_SECRET_KEY": "serving-test-" + "0123456789abcdef" * 2}
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--workers", "2",
         "--threads", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stalled: list = []
    try:
        _wait_for(lambda: _healthy(port), process)
        # Twice the server's four threads, each stopping in the middle of its headers; before
        # the read timeout they held every thread until the client left.
        for _ in range(8):
            connection = socket.create_connection(("127.0.0.1", port), timeout=30)
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            stalled.append(connection)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60) as response:
            assert response.status == 200
        # The server closed every stalled connection itself (an empty read, or an error answer
        # and then the end), well before the client's own 30 s timeout.
        for connection in stalled:
            data = connection.recv(65536)
            while data:
                data = connection.recv(65536)
    finally:
        for connection in stalled:
            connection.close()
        process.terminate()
        process.wait(timeout=60)
        log = process.stderr.read().decode(errors="replace")
        process.stderr.close()
    # One line per dropped connection, and no traceback.
    assert "Traceback" not in log, log
    dropped = [line for line in log.splitlines() if "dropped the connection from 127.0.0.1:" in line]
    assert len(dropped) == len(stalled), log
    assert all(line.endswith("nothing received for 2 s") for line in dropped), dropped


def test_default_threads_leave_room_beyond_what_user_queries_can_hold(settings):
    for workers in (1, 2, 8):
        share = per_worker_settings(settings, workers)
        held = (share.query_workers + SPARE_WORKERS + share.slow_query_workers
                + share.max_waiting_queries)
        config = gunicorn_config(settings, ServeOptions(workers=workers))
        assert config["threads"] == held + PAGE_THREADS
    # An explicit --threads wins.
    assert gunicorn_config(settings, ServeOptions(workers=2, threads=3))["threads"] == 3


def test_heavy_queries_cannot_take_every_thread_of_the_production_server(settings, tmp_path):
    """Four heavy queries run to the time limit in one web worker's slow lane and two more are
    refused; a cheap query sent meanwhile is answered before any of the four ends. With a
    thread count below what queries may hold (gunicorn's usual four), it waited in the listen
    queue until a heavy query gave its thread back."""
    port = free_port()
    env = {**os.environ, "AIGRAPH_DATA_DIR": settings.data_dir,
           "AIGRAPH_ONTOLOGY_DIR": settings.ontology_dir, "TMPDIR": str(tmp_path),
           "AIGRAPH_STORE_PATH": str(tmp_path / "store"), "AIGRAPH_QUERY_TIME_LIMIT": "4",
           "AIGRAPH_SLOW_QUERY_WORKERS": "4", "AIGRAPH_CLIENT_QUERIES": "0",
           "AIGRAPH_RATE_LIMIT": "", "AIGRAPH_VALIDATE_ON_START": "false",
           "AIGRAPH_SECRET_KEY": "serving-test-" + "0123456789abcdef" * 2}
    process = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    heavy_answers: list[str] = []

    def heavy(number: int) -> None:
        text = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                f"?j ?k ?l{number} }}")
        url = f"http://127.0.0.1:{port}/sparql?query=" + urllib.parse.quote(text)
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                heavy_answers.append(str(response.status))
        except urllib.error.HTTPError as error:
            heavy_answers.append(f"{error.code} {error.read().decode(errors='replace')}")

    try:
        _wait_for(lambda: _healthy(port), process)
        threads = [threading.Thread(target=heavy, args=(n,), daemon=True) for n in range(6)]
        for thread in threads:
            thread.start()
        # By now two of the six were refused (the lane holds four) and four run in it.
        _wait_for(lambda: len(heavy_answers) >= 2, process)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/sparql?query=" + urllib.parse.quote("ASK {}"),
            headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            cheap = (response.status, response.read())
        answered_before = list(heavy_answers)
        for thread in threads:
            thread.join(timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=60)
        process.stderr.close()
    assert cheap[0] == 200 and json.loads(cheap[1])["boolean"] is True
    assert len(heavy_answers) == 6
    stopped = [a for a in heavy_answers if "the query was stopped after 4 s" in a]
    assert len(stopped) == 4, heavy_answers
    # None of the four had ended when the cheap query was answered.
    assert not any("the query was stopped" in a for a in answered_before), answered_before
