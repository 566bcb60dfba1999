"""A slow remote SPARQL store: pages answer a clear 503 instead of waiting for it, and recover.

A real ``oxigraph serve`` sits behind a loopback proxy that can hold every request back (the
slow store); the site reads it with ``remote_timeout`` set to one second.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aigraph.settings import PROJECT_ROOT
from aigraph.web import create_app
from tests.oxigraph_server import running_oxigraph

#: How long the slow proxy holds a request back; far past the site's timeout of 1 s.
HOLD = 30.0


class SlowProxy(ThreadingHTTPServer):
    """Forward requests to ``upstream``, holding each back while ``slow`` is set."""

    daemon_threads = True

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream = upstream
        self.slow = False
        self.fast_again = threading.Event()
        self.answered_while_slow = 0
        self.held = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/query"


class _Forward(BaseHTTPRequestHandler):
    def _forward(self, method: str) -> None:
        server: SlowProxy = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        held = server.slow
        if held:
            server.held += 1
            server.fast_again.wait(HOLD)  # bounded: released when the store is fast again
        query = self.path.partition("?")[2]
        request = urllib.request.Request(server.upstream + ("?" + query if query else ""),
                                         data=body, method=method,
                                         headers={k: v for k, v in self.headers.items()
                                                  if k.lower() in ("content-type", "accept")})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, data = answer.status, answer.read()
                kind = answer.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as error:
            status, data, kind = error.code, error.read(), "text/plain"
        if held:
            server.answered_while_slow += 1
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the site gave up on this request long ago

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._forward("GET")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self._forward("POST")

    def log_message(self, *args) -> None:
        pass


@contextmanager
def slow_proxy(upstream: str):
    proxy = SlowProxy(upstream)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.fast_again.set()
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=10)


@pytest.mark.remote
def test_a_slow_remote_store_gets_a_clear_503_within_the_timeout_and_recovers(
        settings, tmp_path):
    files = [PROJECT_ROOT / "ontology" / "aigraph.ttl",
             *sorted(Path(settings.data_dir).glob("*.ttl"))]
    with running_oxigraph(files, tmp_path / "oxigraph") as upstream, \
            slow_proxy(upstream) as proxy:
        app = create_app({"TESTING": True, "AIGRAPH": settings.replace(
            store=proxy.url, rate_limit="", remote_timeout=1.0)})
        client = app.test_client()
        try:
            assert client.get("/id/meta", headers={"Accept": "text/html"}).status_code == 200
            assert client.get("/healthz").get_json()["status"] == "ok"

            proxy.slow = True
            started = time.monotonic()
            page = client.get("/id/llama", headers={"Accept": "text/html"})
            waited = time.monotonic() - started
            text = page.get_data(as_text=True)
            assert page.status_code == 503, text[:300]
            assert "The data store cannot be reached right now" in text
            assert "did not answer within 1 s" in text
            assert "Traceback" not in text
            assert int(page.headers["Retry-After"]) > 0
            # The page answered while the store still held its request: it did not wait.
            assert proxy.held >= 1 and proxy.answered_while_slow == 0
            print(f"\nslow store: 503 after {waited:.2f} s (remote_timeout 1 s)")

            health = client.get("/healthz")
            assert health.status_code == 503
            assert health.get_json()["status"] == "slow"
            assert "did not answer within 1 s" in health.get_json()["error"]
            assert proxy.answered_while_slow == 0

            proxy.slow = False
            proxy.fast_again.set()
            back = client.get("/id/llama", headers={"Accept": "text/html"})
            assert back.status_code == 200
            assert client.get("/healthz").get_json()["status"] == "ok"
        finally:
            app.extensions["aigraph_executor"].close()
