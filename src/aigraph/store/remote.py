"""A remote store: any SPARQL 1.1 Protocol endpoint, queried over HTTP with the standard library.

Parameters reach the endpoint as a VALUES block (``binding``); answers come back as SPARQL
JSON or N-Triples and are converted to rdflib terms, or, for user queries, cut at the row cap
and rewritten by ``results``. ``update`` sends curation writes (``aigraph.curation.writer``)
to ``update_url`` as SPARQL 1.1 Update requests.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import rdflib

from aigraph import formats
from aigraph.errors import QuerySyntaxError, StoreError, StoreTimeout
from aigraph.store.binding import bind_values
from aigraph.store.interface import ALL_TRIPLES, Bindings, Rows, Serialized, Store
from aigraph.store.results import parse_results, serialize_capped
from aigraph.store.terms import from_sparql_json, new_graph

#: What the remote store asks the endpoint for: formats pyoxigraph and rdflib read back.
SPARQL_JSON = formats.get("json").media_type
N_TRIPLES = formats.get("nt").media_type


class RemoteStore(Store):
    """Any SPARQL 1.1 Protocol endpoint, queried over HTTP; read-only from here."""

    kind = "remote"

    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 30.0,
                 version_ttl: float = 5.0):
        if not query_url.startswith(("http://", "https://")):
            raise StoreError(f"not an http(s) URL: {query_url}")
        self.query_url = query_url
        self.update_url = update_url or None
        self.timeout = timeout
        self.version_ttl = version_ttl
        self._version: tuple[float, str] | None = None
        self._version_lock = threading.Lock()

    def _unreachable(self, url: str, error: Exception) -> StoreError:
        """Name a store that did not answer in time apart from one that cannot be reached."""
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or isinstance(error, TimeoutError):
            return StoreTimeout(f"{url} did not answer within {self.timeout:g} s")
        return StoreError(f"cannot reach {url}: {error}")

    def _post(self, query: str, accept: str) -> bytes:
        body = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(
            self.query_url, data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                     "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:500]
            if error.code == 400:
                raise QuerySyntaxError(f"the endpoint refused the query: {detail}") from error
            raise StoreError(f"{self.query_url} answered {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise self._unreachable(self.query_url, error) from error

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        data = json.loads(self._post(bind_values(query, bindings or {}), SPARQL_JSON))
        names = tuple(data["head"].get("vars", []))
        rows = [{k: from_sparql_json(v) for k, v in binding.items()}
                for binding in data["results"]["bindings"]]
        return Rows(names, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        data = json.loads(_ask_as_boolean(self._post(bind_values(query, bindings or {}),
                                                     SPARQL_JSON)))
        return bool(data["boolean"])

    def construct(self, query: str, bindings: Bindings | None = None) -> rdflib.Graph:
        data = self._post(bind_values(query, bindings or {}), N_TRIPLES)
        graph = new_graph()
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph

    def serialize_query(self, query: str, media_type: str) -> bytes:
        return self._post(query, media_type)

    def query_capped(self, query: str, media_type: str, max_rows: int) -> Serialized:
        # Ask for formats pyoxigraph reads back, so rows are counted and cut here whatever the
        # endpoint's own limits; ASK answers come as SPARQL JSON too.
        is_results = formats.by_media_type(media_type, formats.RESULTS) is not None
        source = SPARQL_JSON if is_results else N_TRIPLES
        result = parse_results(_ask_as_boolean(self._post(query, source)), source)
        return serialize_capped(result, media_type, max_rows)

    def graph(self) -> rdflib.Graph:
        return self.construct(ALL_TRIPLES)

    def refresh(self, files=None) -> None:
        with self._version_lock:
            self._version = None

    def update(self, text: str) -> None:
        """Send one SPARQL 1.1 Update request to ``update_url`` (aigraph.curation writes)."""
        if not self.update_url:
            raise StoreError("this remote store has no update URL (set update_url)", 409)
        request = urllib.request.Request(
            self.update_url, data=urllib.parse.urlencode({"update": text}).encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:500]
            raise StoreError(f"{self.update_url} answered {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise self._unreachable(self.update_url, error) from error
        self.refresh()

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows.rows[0]["n"]) if rows.rows else 0

    @property
    def version(self) -> str:
        # A remote store can change under us; the triple count and a content sample catch the
        # common cases (load, delete) without transferring the graph. The answer is reused for
        # version_ttl seconds so that a page does not pay a full scan per cache lookup.
        with self._version_lock:
            now = time.monotonic()
            if self._version is not None and now - self._version[0] < self.version_ttl:
                return self._version[1]
            rows = self.select("SELECT (COUNT(*) AS ?n) (MAX(STR(?o)) AS ?m) "
                               "WHERE { ?s ?p ?o }")
            row = rows.rows[0] if rows.rows else {}
            text = f"{row.get('n')}|{row.get('m')}"
            version = "remote-" + hashlib.sha256(text.encode()).hexdigest()[:16]
            self._version = (now, version)
            return version


def _ask_as_boolean(data: bytes) -> bytes:
    """Turn Virtuoso's answer to ASK in SPARQL JSON (a one-row table) into the standard one."""
    if b'"__ASK_RETVAL"' not in data[:200]:
        return data
    rows = json.loads(data)["results"]["bindings"]
    value = bool(rows) and rows[0]["__ASK_RETVAL"]["value"] in ("1", "true")
    return json.dumps({"head": {}, "boolean": value}).encode()
