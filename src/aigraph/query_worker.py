"""The query worker process and the parent's handle on it, used by executor.py.

A worker opens its store once (a read-only on-disk copy of the embedded store, or a client of
the remote endpoint), then answers jobs from a pipe: it runs the already-checked query, reads
at most ``max_rows + 1`` rows and sends back bytes serialised in the negotiated media type.
Errors travel back as the error objects themselves (they pickle with their status), so the
parent re-raises exactly what the worker raised.

How a worker opens a store is chosen by the store's ``kind`` in ``OPENERS``: the executor
never needs to know the store's class.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass

from aigraph.errors import AigraphError, QuerySyntaxError, StoreError
from aigraph.guard import CheckedQuery, locate
from aigraph.store import EmbeddedStore, RemoteStore, Store

try:
    import resource
except ImportError:  # not on Windows, where there is no forkserver either
    resource = None

#: A worker whose parent is gone kills itself this long after the time limit.
ALARM_GRACE = 5.0
#: Seconds a worker asked to stop may take before it is killed.
STOP_GRACE = 1.0
#: Stack of the thread that runs queries: pyoxigraph's parser and evaluator recurse once per
#: nesting level, and the main thread's 8 MiB gives out at a few thousand levels.
QUERY_STACK = 64 * 2**20


@dataclass(frozen=True)
class Job:
    """One query for a worker: the checked query and the media type to answer in."""

    query: CheckedQuery
    media_type: str
    max_rows: int


@dataclass(frozen=True)
class Outcome:
    """A query's answer, serialised by the worker.

    ``rows`` counts the solutions or triples sent (None for ASK); ``truncated`` says more were
    cut at ``max_rows``; ``ms`` is the time from the query's arrival to its answer;
    ``worker`` is the process id of the worker that answered (for monitoring and tests).
    """

    body: bytes
    media_type: str
    form: str
    rows: int | None
    truncated: bool
    ms: float = 0.0
    worker: int = 0


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker opens: a store ``kind`` from OPENERS and its ``location``."""

    kind: str
    location: str
    version: str
    time_limit: float
    memory_limit: int | None
    #: Data files up to this many bytes are copied into the worker's memory (see in_memory).
    memory_copy_bytes: int = 0
    #: Copy the on-disk store at ``location`` into memory when the worker starts: queries then
    #: run about twice as fast as on the read-only folder, for a slower start.
    in_memory: bool = False


def _open_embedded(config: WorkerConfig) -> Store:
    on_disk = EmbeddedStore.open_read_only(config.location, config.version)
    if not config.in_memory:
        return on_disk
    return on_disk.in_memory_copy()


def _open_remote(config: WorkerConfig) -> Store:
    # The parent kills the worker at the limit; the socket timeout only has to be no earlier.
    return RemoteStore(config.location, timeout=config.time_limit + 1.0)


#: How a worker opens each kind of store (``Store.kind``).
OPENERS: dict[str, Callable[[WorkerConfig], Store]] = {
    "embedded": _open_embedded,
    "remote": _open_remote,
}


def answer(store: Store, job: Job) -> tuple:
    """Run ``job`` on ``store``: ("ok", Outcome) or ("error", the AigraphError to raise)."""
    try:
        result = store.query_capped(job.query.text, job.media_type, job.max_rows)
    except QuerySyntaxError as error:
        # Positions are the engine's, in the text with the prologue: give the user's own.
        return ("error", QuerySyntaxError(locate(error.message, job.query), error.status))
    except AigraphError as error:
        return ("error", error)
    except Exception as error:  # an engine failure answers this query, not the next ones
        return ("error", AigraphError(f"the query failed: {error}", status=500))
    return ("ok", Outcome(result.body, result.media_type, job.query.form, result.rows,
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
        store = OPENERS[config.kind](config)
    except Exception as error:
        conn.send(("error", StoreError(f"a query worker could not open the store: {error}")))
        conn.close()
        return
    conn.send(("ready",))
    threading.stack_size(QUERY_STACK)
    runner = threading.Thread(target=_serve, args=(conn, store, config), name="query")
    runner.start()
    runner.join()
    conn.close()


def _serve(conn, store: Store, config: WorkerConfig) -> None:
    """Answer jobs until the pipe closes or sends None."""
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


# --- the parent's handle --------------------------------------------------------------------

class Expired(Exception):
    """The worker did not answer in the time it was given."""


class Died(Exception):
    """The worker's pipe closed: it crashed, was killed, or never started."""

    def __init__(self, before_sending: bool = False):
        super().__init__()
        self.before_sending = before_sending


class Worker:
    """The parent's handle on one worker process and its pipe."""

    def __init__(self, ctx, config: WorkerConfig):
        self.config = config
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child, config), daemon=True,
                                   name="aigraph-query-worker")
        try:
            self.process.start()
        finally:
            child.close()
        self.ready = False
        self._ready_lock = threading.Lock()
        self._stopped = False
        self._stop_lock = threading.Lock()

    def alive(self) -> bool:
        """Tell whether the process is still running (it may have been killed while idle)."""
        try:
            return self.process.is_alive()
        except ValueError:  # already closed
            return False

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the store to open: False if not yet, StoreError if never.

        Safe to call from several threads at once (the executor's start waits for its first
        workers while a query may already hold one): only one of them reads the pipe, so the
        "ready" message is read exactly once and a query's reply is never taken for it.
        """
        if self.ready:
            return True
        if not self._ready_lock.acquire(timeout=max(0.0, timeout)):
            return self.ready
        try:
            if self.ready:
                return True
            try:
                if not self.conn.poll(max(0.0, timeout)):
                    return False
                message = self.conn.recv()
            except (EOFError, OSError) as error:
                raise StoreError("a query worker stopped while starting") from error
            if message[0] != "ready":
                raise message[1]
            self.ready = True
            return True
        finally:
            self._ready_lock.release()

    def send(self, job: Job) -> None:
        """Hand ``job`` to the worker."""
        try:
            self.conn.send(job)
        except OSError as error:
            raise Died(before_sending=True) from error

    def receive(self, timeout: float) -> tuple:
        """Wait up to ``timeout`` s for the reply; raise Expired or Died."""
        try:
            if not self.conn.poll(max(0.0, timeout)):
                raise Expired
            return self.conn.recv()
        except (EOFError, OSError) as error:
            raise Died from error

    def kill(self) -> None:
        """Kill the process now without waiting for it to end (``stop`` then reaps it)."""
        with self._stop_lock:
            if self._stopped:
                return
            with contextlib.suppress(OSError, ValueError):
                if self.process.is_alive():
                    self.process.kill()

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
