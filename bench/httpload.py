"""Send a query mix to a SPARQL endpoint from N concurrent clients; measure throughput and latency.

Each client is a thread with its own keep-alive HTTP/1.1 connection (``http.client``), sending
GET ``?query=`` with ``Accept: application/sparql-results+json`` and reading the whole answer.
In ``repeated`` mode every client cycles through the same texts; in ``unique`` mode each text
gets a comment with a counter, so no two requests send the same text and no result cache helps.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass

ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class LoadResult:
    """What one run measured: answers per second, latency percentiles (ms), errors."""

    target: str
    clients: int
    mode: str
    requests: int
    errors: int
    seconds: float
    p50: float
    p99: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0..1) of ``values``, nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_load(name: str, url: str, texts: list[str], clients: int, mode: str,
             seconds: float, max_requests: int = 200_000) -> LoadResult:
    """Run ``clients`` clients against ``url`` for ``seconds`` (at most ``max_requests``)."""
    parts = urllib.parse.urlsplit(url)
    counter = itertools.count()
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        mine = latencies[number]
        for step in itertools.count(number):
            if time.perf_counter() >= stop:
                break
            serial = next(counter)
            if serial >= max_requests:
                break
            text = texts[step % len(texts)]
            if mode == "unique":
                text = f"{text}\n# request {serial}"
            path = parts.path + "?" + urllib.parse.urlencode({"query": text})
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": ACCEPT})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[number] += 1
                    continue
            except (OSError, http.client.HTTPException):
                errors[number] += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = [value for chunk in latencies for value in chunk]
    return LoadResult(name, clients, mode, len(every), sum(errors), elapsed,
                      percentile(every, 0.5), percentile(every, 0.99))


def time_pages(base: str, paths: list[tuple[str, str]], repeat: int) -> list[dict]:
    """GET each page ``repeat`` times on one connection; p50/p99 in ms and the size."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    rows = []
    for name, path in paths:
        times, size, status = [], 0, 0
        for _ in range(repeat):
            started = time.perf_counter()
            connection.request("GET", path, headers={"Accept": "text/html"})
            response = connection.getresponse()
            body = response.read()
            times.append((time.perf_counter() - started) * 1000)
            size, status = len(body), response.status
        rows.append({"page": name, "path": path, "status": status, "bytes": size,
                     "p50": statistics.median(times), "p99": percentile(times, 0.99)})
    connection.close()
    return rows
