"""Declare every setting once, with its default and help, overridable by AIGRAPH_* variables."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The repository root: ``ontology/``, ``data/`` and ``web/`` sit beside ``src/``.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value and the help text shown in docs/settings.md."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ontology_dir", str(PROJECT_ROOT / "ontology"),
            "Folder holding aigraph.ttl (the vocabulary) and shapes.ttl (the SHACL shapes)."),
    Setting("data_dir", str(PROJECT_ROOT / "data"),
            "Folder of curated Turtle files; every *.ttl file in it is loaded."),
    Setting("store", "",
            "Where queries run: empty for the embedded store built from ontology_dir and "
            "data_dir, or the http(s) URL of a SPARQL 1.1 query endpoint."),
    Setting("update_url", "",
            "SPARQL 1.1 Update URL of a remote store: curators' changes (and their history) are "
            "sent there as one Update request each. Empty: the remote store is read-only."),
    Setting("query_time_limit", 10.0,
            "Seconds a user SPARQL query may run before it is stopped."),
    Setting("max_rows", 10000,
            "Most result rows a user query returns; longer results are cut and flagged as truncated."),
    Setting("max_query_bytes", 100_000,
            "Largest SPARQL query text accepted, in bytes."),
    Setting("query_memory_limit_mb", 2048,
            "Address space, in MiB, each query worker may use; 0 for no limit."),
    Setting("query_workers", 2,
            "Worker processes that run user SPARQL queries, for either kind of store."),
    Setting("default_language", "en",
            "Language used when neither ?lang, the cookie nor Accept-Language chooses one (en or it)."),
    Setting("base_url", "https://w3id.org/aigraph/",
            "Public address of the site: names the dataset ({base_url}dataset) and is the URL "
            "its citation gives. Entity IRIs do not change with it (https://w3id.org/aigraph/id/{slug})."),
    Setting("releases_dir", str(PROJECT_ROOT / "releases"),
            "Folder of the data releases: releases.toml and one gzipped N-Triples dump per release."),
    Setting("slow_query_workers", 2,
            "Queries that may run past slow_query_after at once (the slow lane; under aigraph "
            "serve, the total over the web workers); a query that gets there when the lane is "
            "full is stopped with 503 and Retry-After."),
    Setting("slow_query_after", 0.25,
            "Seconds after which a running query leaves the ordinary workers for the slow lane, "
            "and a fresh worker takes its place for cheap queries."),
    Setting("query_queue_wait", 5.0,
            "Most seconds a query waits for a free worker before a 503 with Retry-After; the "
            "wait counts within query_time_limit."),
    Setting("max_waiting_queries", 16,
            "Most queries waiting for a free worker at once; more get 503 with Retry-After."),
    Setting("client_queries", 2,
            "Most queries one client (IP address) may have running or waiting at once; more get "
            "429 with Retry-After. 0 for no cap."),
    Setting("rate_limit", "60 per minute",
            "Per-client request limit on /sparql and the expensive pages, in Flask-Limiter's "
            "notation (e.g. '60 per minute'); empty turns it off. Logged-in curators are exempt."),
    Setting("rate_limit_storage", "memory://",
            "Where rate-limit counters live (a Flask-Limiter storage URI); memory:// counts per "
            "server process."),
    Setting("trusted_proxies", 0,
            "Reverse proxies in front of the server whose X-Forwarded-For/-Proto/-Host headers "
            "are trusted (0: none); needed for per-client limits and HSTS behind a proxy."),
    Setting("secure_cookies", False,
            "Send cookies with the Secure flag (only over HTTPS); turn on when served over HTTPS."),
    Setting("request_timeout", 30,
            "Seconds the production server waits for a client to send a request (headers and "
            "body) before it drops the connection and frees the worker."),
    Setting("max_url_bytes", 320_000,
            "Longest request URL (path and query string) accepted, in bytes; longer ones get "
            "the endpoint's own 414."),
    Setting("validate_on_start", True,
            "Validate the data with the SHACL shapes when the server starts, and refuse to "
            "start when it does not conform; turn off for very large stores."),
    Setting("secret_key", "",
            "Key signing session cookies and CSRF tokens; the site refuses to start without one "
            "outside debug mode."),
    Setting("accounts_file", str(PROJECT_ROOT / "instance" / "accounts.json"),
            "JSON file holding curator accounts and hashed API tokens; kept outside data_dir, "
            "never served."),
    Setting("history_dir", str(PROJECT_ROOT / "history"),
            "Folder of the change history of the embedded store, one TriG file per change."),
    Setting("login_rate_limit", "10 per minute",
            "Most login attempts per client, in Flask-Limiter's notation; empty turns it off."),
    Setting("max_write_bytes", 1_000_000,
            "Largest body accepted by PUT /id/{slug}, in bytes."),
    Setting("remote_timeout", 10.0,
            "Seconds the site waits for a remote SPARQL store (store) to answer one of its own "
            "requests; past it the page answers 503 and /healthz reports the store as slow."),
    Setting("store_path", "",
            "Folder where `aigraph serve` keeps the embedded store on disk, one subfolder per "
            "data version, reused at the next start; empty for a folder in the system temp dir."),
    Setting("store_memory_limit_mb", 64,
            "Data files up to this size (MiB) are loaded into each web worker's memory; larger "
            "data is queried from the on-disk store at store_path without loading it."),
    Setting("query_worker_memory_mb", 16,
            "Data files up to this size (MiB) are copied into each query worker's memory, where "
            "queries run about twice as fast as on the on-disk store; a worker then takes "
            "longer to start (0 keeps every worker on disk)."),
    Setting("result_cache_mb", 64,
            "Memory, in MiB, each web worker gives to cached /sparql answers (keyed on query, "
            "format and data version); 0 turns the cache off."),
    Setting("http_max_age", 0,
            "Seconds browsers and proxies may reuse a /sparql answer or a page without asking "
            "again; 0 makes them revalidate with the ETag each time."),
    Setting("graceful_timeout", 30,
            "Seconds `aigraph serve` gives requests under way to finish on restart or shutdown."),
    Setting("keepalive", 5,
            "Seconds `aigraph serve` keeps an idle HTTP connection open for the next request."),
    Setting("timeline_page_size", 100,
            "Milestones per page of the timeline; 0 shows them all on one page."),
    Setting("page_cache_mb", 32,
            "Memory, in MiB, each web worker gives to rendered pages kept per data version for "
            "visitors who are not logged in; 0 turns the page cache off."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, raw: str) -> Any:
    """Turn an environment string into the type of the setting's default."""
    kind = type(setting.default)
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    if kind is float:
        return float(raw)
    return raw


@dataclass(frozen=True)
class Settings:
    """The settings in force: defaults, then AIGRAPH_* variables, then explicit overrides."""

    ontology_dir: str
    data_dir: str
    store: str
    update_url: str
    query_time_limit: float
    max_rows: int
    max_query_bytes: int
    query_memory_limit_mb: int
    query_workers: int
    default_language: str
    base_url: str
    releases_dir: str
    slow_query_workers: int
    slow_query_after: float
    query_queue_wait: float
    max_waiting_queries: int
    client_queries: int
    rate_limit: str
    rate_limit_storage: str
    trusted_proxies: int
    secure_cookies: bool
    request_timeout: int
    max_url_bytes: int
    validate_on_start: bool
    secret_key: str
    accounts_file: str
    history_dir: str
    login_rate_limit: str
    max_write_bytes: int
    remote_timeout: float
    store_path: str
    store_memory_limit_mb: int
    query_worker_memory_mb: int
    result_cache_mb: int
    http_max_age: int
    graceful_timeout: int
    keepalive: int
    timeline_page_size: int
    page_cache_mb: int

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from defaults, the environment and ``overrides`` (highest wins)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            value = setting.default
            raw = environ.get("AIGRAPH_" + setting.name.upper())
            if raw is not None:
                value = _coerce(setting, raw)
            values[setting.name] = value
        for key, value in (overrides or {}).items():
            if key not in _BY_NAME:
                raise KeyError(f"unknown setting {key!r}")
            values[key] = value
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)


assert {f.name for f in dataclasses.fields(Settings)} == set(_BY_NAME), "Settings out of sync"
