"""Run the web application in production: gunicorn's master and its worker processes.

``aigraph serve`` lands here unless ``--dev`` asks for Flask's development server. The master
prepares the shared on-disk store once (see ``aigraph.persist``), then forks ``workers``
processes that each build the application with ``create_app`` and answer with ``threads``
threads. Query worker processes (``aigraph.executor``) belong to each web worker; the
``query_workers`` and ``slow_query_workers`` settings are totals, spread over the web workers,
so a bigger ``--workers`` does not multiply them. Every web worker and query worker opens the
same read-only store folder, so the graph sits once in the page cache instead of once per
process.

Signals are gunicorn's: ``HUP`` starts new workers (on the current data) and lets the old ones
finish their requests; ``TERM`` stops accepting, finishes what is under way (up to the
``graceful_timeout`` setting) and exits; ``INT`` or ``QUIT`` stop at once.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass

from aigraph.query_pool import SPARE_WORKERS
from aigraph.settings import Settings

#: Most web workers ``--workers`` picks by itself, whatever the number of cores.
MAX_DEFAULT_WORKERS = 8
#: Seconds after a web worker boots before it starts its query workers.
EXECUTOR_DELAY = 1.0


def default_workers(cores: int | None = None) -> int:
    """One web worker per core (at least two, at most MAX_DEFAULT_WORKERS).

    Fewer than gunicorn's usual two per core, measured: the threads of a worker already overlap
    the waits (pyoxigraph releases the GIL, user queries run in query worker processes), while
    each extra web worker costs its own Python, application and query worker (about 100 MiB)
    and slows the cold start, all workers booting at once.
    """
    cores = cores or os.cpu_count() or 1
    return max(2, min(cores, MAX_DEFAULT_WORKERS))


#: Threads per web worker for pages and other requests, beyond those user queries may hold.
PAGE_THREADS = 4


def default_threads(settings: Settings, workers: int) -> int:
    """Threads per web worker: ``PAGE_THREADS`` more than user queries can ever hold.

    A request for ``/sparql`` holds its thread while its query waits for a query worker or runs,
    up to the time limit. One web worker's queries hold at most its ordinary query workers, the
    spares (query_pool.py), the slow lane and ``max_waiting_queries`` waiting ones: the rest
    are refused at once. With fewer threads than that, six heavy queries could take every thread
    and a cheap request would wait in the listen queue however fairly the executor treats it.
    A thread waiting on a pipe costs next to nothing; pages are bound by the GIL either way.
    """
    share = per_worker_settings(settings, workers)
    held = (int(share.query_workers) + SPARE_WORKERS + int(share.slow_query_workers)
            + int(share.max_waiting_queries))
    return PAGE_THREADS + held


@dataclass(frozen=True)
class ServeOptions:
    """How to serve: where to listen and how many processes and threads answer."""

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0
    threads: int = 0  # 0: default_threads()
    access_log: bool = False

    @property
    def bind(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def add_serve_options(parser) -> None:
    """Add ``aigraph serve``'s process options to its argument parser."""
    parser.add_argument("--workers", type=int, default=0,
                        help="web worker processes (default: one per core, at least 2, at most 8)")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per web worker (default: 4 more than user queries can "
                             "hold: 24 to 26 with the default settings)")
    parser.add_argument("--access-log", action="store_true", help="log every request to stderr")
    parser.add_argument("--dev", action="store_true",
                        help="Flask's development server (one process, not for production)")


def _share(total: int, workers: int, least: int) -> int:
    return max(least, -(-total // max(1, workers)))


def per_worker_settings(settings: Settings, workers: int) -> Settings:
    """Spread ``query_workers`` and the slow lane over the web workers: each gets its share.

    Every web worker gets at least one ordinary query worker, and at least one slow-lane place
    unless the setting is 0 (no query may run long at all).
    """
    slow = int(settings.slow_query_workers)
    return settings.replace(query_workers=_share(int(settings.query_workers), workers, 1),
                            slow_query_workers=_share(slow, workers, 1) if slow > 0 else 0)


def request_timeout(settings: Settings) -> float:
    """Seconds a request may take before gunicorn treats its worker as stuck.

    A request's slowest legitimate part is a user query at the time limit; a ``request_timeout``
    setting, where one is declared, is used when it is longer.
    """
    declared = float(getattr(settings, "request_timeout", 0) or 0)
    return max(declared, float(settings.query_time_limit) + 20.0)


def gunicorn_config(settings: Settings, options: ServeOptions) -> dict:
    """The gunicorn settings ``aigraph serve`` runs with."""
    workers = options.workers or default_workers()
    config = {
        "bind": [options.bind],
        "workers": workers,
        # gthread with a read timeout on each connection, so half-sent requests cannot hold
        # every thread (aigraph.gunicorn_worker).
        "worker_class": "aigraph.gunicorn_worker.ReadTimeoutWorker",
        "threads": options.threads if options.threads > 0 else default_threads(settings, workers),
        "timeout": int(request_timeout(settings)),
        "graceful_timeout": int(settings.graceful_timeout),
        "keepalive": int(settings.keepalive),
        "proc_name": "aigraph",
        # gunicorn caps a request line at 8190 bytes or not at all; SPARQL GETs may be longer
        # (the endpoint caps the query itself), so the proxy in front sets the cap.
        "limit_request_line": 0,
        "accesslog": "-" if options.access_log else None,
        "errorlog": "-",
        "loglevel": "info",
        # Newer gunicorns open a control socket in the home folder; nothing here uses it.
        "control_socket_disable": True,
    }
    return config


def _on_starting(settings: Settings):
    def hook(server) -> None:
        from aigraph.persist import prepare

        prepare(settings)
    return hook


def _worker_exit(server, worker) -> None:
    """Stop the worker's query processes and release its store (runs in the web worker)."""
    app = getattr(worker, "wsgi", None)
    executor = getattr(app, "extensions", {}).get("aigraph_executor") if app else None
    if executor is not None:
        executor.close()


def build_app(settings: Settings):
    """Create the application as a web worker serves it (proxy headers applied)."""
    from aigraph.persist import open_prepared
    from aigraph.web import create_app

    store = open_prepared(settings)
    config = {"AIGRAPH": settings}
    if store is not None:
        config["AIGRAPH_STORE"] = store
    app = create_app(config)
    # Start the query workers beside the first requests rather than inside the first query,
    # a moment after boot so that they do not compete with it (a query before then starts
    # them itself).
    timer = threading.Timer(EXECUTOR_DELAY, _start_quietly,
                            args=(app.extensions["aigraph_executor"], app))
    timer.daemon = True
    timer.start()
    return app


def _start_quietly(executor, app=None) -> None:
    try:
        executor.start()
    except Exception as error:  # the first query tries again and reports it to its client
        # A worker told to stop (HUP, TERM) within its first second closes the executor first.
        logging.getLogger("aigraph").warning("the query workers did not start: %s", error)
    if app is not None:
        # Then render the main pages once, so that no visitor waits for the worker's first
        # build of its per-version values (aigraph.web.warmup).
        from aigraph.web.warmup import warm

        warm(app)
    # pySHACL is imported on first use, to keep it out of every start (about 0.1 s); a web
    # worker loads it here, after boot, so that a curator's first save does not wait for it.
    import pyshacl  # noqa: F401


def preflight(settings: Settings) -> str | None:
    """Say why the application would refuse to start (a weak secret key, say), before forking.

    A web worker that fails to build the application makes gunicorn stop with a traceback;
    the application's own start checks are run here first, on a bare Flask object, so the
    user reads one line instead. Returns None when they pass.
    """
    from types import SimpleNamespace

    from flask import Flask

    from aigraph.settings import PROJECT_ROOT
    from aigraph.web import auth

    app = Flask("aigraph-preflight", static_folder=str(PROJECT_ROOT / "web" / "static"))
    app.extensions["aigraph"] = SimpleNamespace(settings=settings)
    try:
        auth._secret_key(app)
        auth._check_accounts_file(app)
    except auth.UnsafeSettings as error:
        return str(error)
    return None


def run(settings: Settings, options: ServeOptions) -> int:
    """Serve with gunicorn until it is stopped; return the exit code."""
    from gunicorn.app.base import BaseApplication

    problem = preflight(settings)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1

    workers = options.workers or default_workers()
    worker_settings = per_worker_settings(settings, workers)
    config = gunicorn_config(settings, options)
    from aigraph.gunicorn_worker import set_read_timeout

    set_read_timeout(settings.request_timeout)

    class Application(BaseApplication):
        """gunicorn's view of aigraph: the settings above and one app per web worker."""

        def load_config(self) -> None:
            for key, value in config.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)
            self.cfg.set("on_starting", _on_starting(settings))
            self.cfg.set("on_reload", _on_starting(settings))
            self.cfg.set("worker_exit", _worker_exit)

        def load(self):
            return build_app(worker_settings)

    print(f"aigraph serving on http://{options.bind}/ with {workers} workers x "
          f"{config['threads']} threads ({settings.store or 'embedded'} store)", file=sys.stderr)
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    Application().run()
    return 0


def run_production(settings: Settings, args) -> int:
    """Serve as ``aigraph serve``'s arguments ask (the options of ``add_serve_options``)."""
    return run(settings, ServeOptions(args.host, args.port, args.workers, args.threads,
                                      args.access_log))
