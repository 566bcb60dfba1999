"""Run user SPARQL queries in killable worker processes, under a time limit and a row cap.

pyoxigraph's ``query()`` has no timeout and cannot be interrupted, and the guard's pure-Python
parser can spend seconds of CPU (holding the GIL) on a hostile query well under the size cap.
So both run in worker processes: each checks the text with ``guard.check_query``, runs it on a
read-only on-disk copy of the embedded store (or forwards it to the remote endpoint), reads at
most ``max_rows + 1`` rows and sends back bytes already serialised in the negotiated format.
The parent waits up to ``query_time_limit``; past it, it kills the worker, starts a
replacement and raises QueryTimeout, while other requests go on using the other workers.

Workers come from the ``forkserver`` start method: they are forked from a clean server process
that has imported this module but never opened a store, which makes a replacement cost
milliseconds instead of a fresh interpreter's start.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, replace
from pathlib import Path

from aigraph.errors import (
    AigraphError,
    BadRequest,
    NotAcceptable,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)
from aigraph.formats import GRAPH, RESULTS, media_types
from aigraph.guard import check_query
from aigraph.settings import Settings
from aigraph.store import EmbeddedStore, RemoteStore, Store

try:
    import resource
except ImportError:  # not on Windows, where there is no forkserver either
    resource = None

#: Seconds a new worker may take to open its store before it counts as failed.
STARTUP_TIMEOUT = 60.0
#: A worker whose parent is gone kills itself this long after the time limit.
ALARM_GRACE = 5.0
#: Seconds a worker asked to stop may take before it is killed.
STOP_GRACE = 1.0
#: Heap (RLIMIT_DATA) a worker may use: a query that sorts or groups a cross product can
#: otherwise take gigabytes within the time limit. Past it the worker aborts and is replaced.
WORKER_MEMORY_LIMIT = 2 * 2**30
#: Temporary folders holding store copies are named ``aigraph-query-<server pid>-<random>``.
COPY_PREFIX = "aigraph-query-"

_ERRORS = {cls.__name__: cls for cls in (
    AigraphError, BadRequest, QuerySyntaxError, QueryRejected, QueryTimeout, StoreError,
    NotAcceptable)}


@dataclass(frozen=True)
class Job:
    """One query for a worker: the user's text and the media types it may answer in."""

    text: str
    result_type: str | None
    graph_type: str | None
    base: str | None
    max_rows: int
    max_bytes: int


@dataclass(frozen=True)
class Outcome:
    """A query's answer, serialised by the worker.

    ``rows`` counts the solutions or triples sent (None for ASK); ``truncated`` says more were
    cut at ``max_rows``; ``ms`` is the time the parent waited.
    """

    body: bytes
    media_type: str
    form: str
    rows: int | None
    truncated: bool
    ms: float = 0.0


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker opens: ``embedded`` (a store folder) or ``remote`` (a query URL)."""

    kind: str
    location: str
    version: str
    time_limit: float
    memory_limit: int | None = WORKER_MEMORY_LIMIT


# --- the worker process ---------------------------------------------------------------------

def _open(config: WorkerConfig) -> Store:
    if config.kind == "embedded":
        return EmbeddedStore.open_read_only(config.location, config.version)
    # The parent kills the worker at the limit; the socket timeout only has to be no earlier.
    return RemoteStore(config.location, timeout=config.time_limit + 1.0)


def _not_acceptable(form: str, is_graph: bool) -> str:
    offers = ", ".join(media_types(GRAPH if is_graph else RESULTS))
    kind = "a graph" if is_graph else "results"
    return (f"{form} queries return {kind}, which cannot be sent in any media type this "
            f"request accepts; available: {offers}")


def answer(store: Store, job: Job) -> tuple:
    """Check and run ``job`` on ``store``: ("ok", Outcome) or ("error", kind, status, message)."""
    try:
        checked = check_query(job.text, job.max_bytes, base=job.base)
        media_type = job.graph_type if checked.is_graph else job.result_type
        if media_type is None:
            raise NotAcceptable(_not_acceptable(checked.form, checked.is_graph))
        result = store.query_capped(checked.text, media_type, job.max_rows)
    except AigraphError as error:
        return ("error", type(error).__name__, error.status, error.message)
    except RecursionError:
        return ("error", "QuerySyntaxError", 400, "the query is nested too deeply to run")
    except Exception as error:  # an engine failure answers this query, not the next ones
        return ("error", "AigraphError", 500, f"the query failed: {error}")
    return ("ok", Outcome(result.body, result.media_type, checked.form, result.rows,
                          result.truncated))


def _limit_memory(limit: int | None) -> None:
    if limit is None or resource is None:
        return
    with contextlib.suppress(ValueError, OSError):  # not every platform enforces it
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def worker_main(conn, config: WorkerConfig) -> None:
    """Serve jobs from ``conn`` until it closes or sends None (the body of a worker process)."""
    # Ctrl-C is meant for the server, which stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Left to its default, SIGALRM ends the process even inside pyoxigraph's query loop.
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _limit_memory(config.memory_limit)
    try:
        store = _open(config)
    except Exception as error:
        conn.send(("error", "StoreError", 502, f"a query worker could not open the store: {error}"))
        conn.close()
        return
    # The guard's first parse builds rdflib's parser state; pay for it before the first job.
    check_query("ASK {}")
    conn.send(("ready",))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            break
        if job is None:
            break
        # The parent normally kills us at the limit; this covers a parent that died first.
        signal.setitimer(signal.ITIMER_REAL, config.time_limit + ALARM_GRACE)
        try:
            reply = answer(store, job)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            conn.send(reply)
        except OSError:
            break
    conn.close()


# --- the parent side ------------------------------------------------------------------------

class _Expired(Exception):
    """The worker did not answer within the time limit."""


class _Died(Exception):
    """The worker's pipe closed: it crashed, was killed, or never started."""

    def __init__(self, before_sending: bool = False):
        super().__init__()
        self.before_sending = before_sending


def _context():
    """Return the multiprocessing context workers start from: forkserver where it exists."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, so each worker starts with it loaded.
        ctx.set_forkserver_preload(["aigraph.executor"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Worker:
    """The parent's handle on one worker process and its pipe."""

    def __init__(self, ctx, config: WorkerConfig):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, config), daemon=True,
                                   name="aigraph-query-worker")
        try:
            self.process.start()
        finally:
            child.close()
        self.ready = False
        self._stopped = False
        self._stop_lock = threading.Lock()

    def alive(self) -> bool:
        """Tell whether the process is still running (it may have been killed while idle)."""
        try:
            return self.process.is_alive()
        except ValueError:  # already closed
            return False

    def wait_ready(self) -> None:
        """Wait for the worker to open its store; raise StoreError when it cannot."""
        if self.ready:
            return
        try:
            if not self.conn.poll(STARTUP_TIMEOUT):
                raise StoreError(f"a query worker did not start within {STARTUP_TIMEOUT:g} s")
            message = self.conn.recv()
        except (EOFError, OSError) as error:
            raise StoreError("a query worker stopped while starting") from error
        if message[0] != "ready":
            _, kind, status, text = message
            raise _ERRORS.get(kind, StoreError)(text, status)
        self.ready = True

    def call(self, job: Job, timeout: float) -> tuple:
        """Send ``job`` and wait up to ``timeout`` seconds for the reply."""
        try:
            self.conn.send(job)
        except OSError as error:
            raise _Died(before_sending=True) from error
        try:
            if not self.conn.poll(timeout):
                raise _Expired
            return self.conn.recv()
        except (EOFError, OSError) as error:
            raise _Died from error

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Ask the worker to end, kill it if it does not, and release its pipe (idempotent)."""
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
            if self.process.is_alive() and grace > 0:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
                self.process.join(grace)
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.conn.close()
            self.process.close()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep_stale_copies(tmp: str | None = None) -> None:
    """Delete store copies left by servers that died without cleaning up (SIGTERM, SIGKILL)."""
    for folder in Path(tmp or tempfile.gettempdir()).glob(COPY_PREFIX + "*"):
        pid = folder.name[len(COPY_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _shutdown(workers: set[_Worker], lock: threading.Lock, tmpdir: str | None) -> None:
    """Stop every worker and delete the store copy (also run at interpreter exit)."""
    with lock:
        doomed = list(workers)
        workers.clear()
    for worker in doomed:
        worker.stop()
    if tmpdir:
        shutil.rmtree(tmpdir, ignore_errors=True)


class Executor:
    """A pool of query workers for one store, started on first use (or by ``start()``)."""

    def __init__(self, settings: Settings, store: Store,
                 memory_limit: int | None = WORKER_MEMORY_LIMIT):
        self.store = store
        self.memory_limit = memory_limit
        self.time_limit = float(settings.query_time_limit)
        self.max_rows = int(settings.max_rows)
        self.max_bytes = int(settings.max_query_bytes)
        self.size = max(1, int(settings.query_workers))
        self._lock = threading.Lock()
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._workers: set[_Worker] = set()
        self._config: WorkerConfig | None = None
        self._ctx = None
        self._closed = False
        self._finalizer: weakref.finalize | None = None

    @property
    def started(self) -> bool:
        """True once the workers have been started."""
        return self._config is not None

    @property
    def idle_workers(self) -> int:
        """How many workers are waiting for a query (for monitoring and tests)."""
        return self._idle.qsize()

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers)

    def start(self) -> Executor:
        """Copy the store to disk (embedded stores) and start the workers; idempotent."""
        with self._lock:
            if self._closed:
                raise StoreError("the query executor is closed")
            if self._config is not None:
                return self
            tmpdir = None
            if isinstance(self.store, EmbeddedStore):
                sweep_stale_copies()
                tmpdir = tempfile.mkdtemp(prefix=f"{COPY_PREFIX}{os.getpid()}-")
            self._finalizer = weakref.finalize(self, _shutdown, self._workers, self._lock,
                                               tmpdir)
            config = self._prepare(tmpdir)
            self._ctx = _context()
            for _ in range(self.size):
                self._spawn(config)
            self._config = config
        return self

    def _prepare(self, tmpdir: str | None) -> WorkerConfig:
        """Describe what workers open, writing the on-disk copy of an embedded store."""
        if isinstance(self.store, RemoteStore):
            return WorkerConfig("remote", self.store.query_url, "remote", self.time_limit,
                                self.memory_limit)
        if not isinstance(self.store, EmbeddedStore):
            raise TypeError(f"cannot run user queries on {type(self.store).__name__}")
        # A folder prepared for this very data version (aigraph.persist, under `aigraph serve`)
        # is opened by the workers as it is: no copy per web worker.
        shared = getattr(self.store, "shared_path", None)
        if shared and Path(shared).name == self.store.version:
            return WorkerConfig("embedded", shared, self.store.version, self.time_limit,
                                self.memory_limit)
        files = self.store.files
        if not files:
            dump = Path(tmpdir) / "graph.nt"
            dump.write_bytes(self.store.export("application/n-triples"))
            files = [dump]
        path = Path(tmpdir) / "store"
        # Loaded and flushed here, then released when ``copy`` goes, before workers open it.
        copy = EmbeddedStore.from_files(files, path=path)
        version = copy.version
        del copy
        return WorkerConfig("embedded", str(path), version, self.time_limit, self.memory_limit)

    def _spawn(self, config: WorkerConfig) -> None:
        """Start one worker and make it available; the caller holds the lock."""
        worker = _Worker(self._ctx, config)
        self._workers.add(worker)
        self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a replacement, unless the pool is closing."""
        with self._lock:
            self._workers.discard(worker)
        worker.stop(grace=0)
        with self._lock:
            if self._closed:
                return
            # A failed replacement must not hide the error being reported; the next request
            # tries again (see _acquire).
            with contextlib.suppress(OSError):
                self._spawn(self._config)

    def _acquire(self) -> _Worker:
        """Take an idle, ready worker, waiting up to the time limit for one to be free."""
        self.start()
        with self._lock:
            while not self._closed and len(self._workers) < self.size:
                self._spawn(self._config)
        # A worker may have died while idle (killed from outside, out of memory): replace it
        # and take the next one.
        for _ in range(self.size + 1):
            try:
                worker = self._idle.get(timeout=self.time_limit)
            except queue.Empty:
                raise AigraphError(f"all {self.size} query workers are busy; try again in a "
                                   "moment", status=503) from None
            if self._closed:
                raise StoreError("the query executor is closed")
            if not worker.alive():
                self._discard(worker)
                continue
            try:
                worker.wait_ready()
            except AigraphError:
                self._discard(worker)
                raise
            return worker
        raise StoreError("no query worker stays up; see the server's log")

    def run(self, text: str, result_type: str | None, graph_type: str | None,
            base: str | None = None) -> Outcome:
        """Check and run a user query; return its serialised answer.

        ``result_type`` is the media type for SELECT/ASK results and ``graph_type`` the one for
        CONSTRUCT/DESCRIBE graphs (None: not acceptable, a 406). ``base`` resolves relative
        IRIs. Raises the guard's errors, NotAcceptable, QueryTimeout or StoreError.
        """
        job = Job(text, result_type, graph_type, base, self.max_rows, self.max_bytes)
        for attempt in (1, 2):
            worker = self._acquire()
            started = time.perf_counter()
            try:
                reply = worker.call(job, self.time_limit)
            except _Expired:
                self._discard(worker)
                raise QueryTimeout(
                    f"the query was stopped after {self.time_limit:g} s") from None
            except _Died as died:
                self._discard(worker)
                # A worker found dead before it got the job can be replaced and the job retried.
                if died.before_sending and attempt == 1 and not self._closed:
                    continue
                raise AigraphError(
                    "the query stopped the worker running it (it may have needed more memory "
                    "than a worker may use)", status=500) from None
            self._idle.put(worker)
            break
        if reply[0] == "error":
            _, kind, status, message = reply
            raise _ERRORS.get(kind, AigraphError)(message, status)
        return replace(reply[1], ms=(time.perf_counter() - started) * 1000)

    def close(self) -> None:
        """Stop the workers and delete the store copy; later runs raise StoreError."""
        with self._lock:
            self._closed = True
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
