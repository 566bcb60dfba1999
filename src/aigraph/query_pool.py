"""The pool of query worker processes behind the executor: starting, keeping warm, lending
and replacing workers, and the count of each lane.

A worker is lent (``_acquire``) only once it has opened its store: the pool keeps
``query_workers`` plus ``SPARE_WORKERS`` of them, starts replacements in the background
(``_refill``, ``_warm``) and never hands out one still starting, so a replacement's start is
never on a query's path. ``_to_slow_lane`` moves a running query out of the ordinary count.
What runs on the workers, and when a query is stopped, is executor.py's business.
"""

from __future__ import annotations

import bisect
import itertools
import math
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections import deque
from pathlib import Path

from aigraph.errors import AigraphError, Busy, StoreError
from aigraph.query_copies import COPY_PREFIX, PREPARERS, prepare_embedded, sweep_stale_copies
from aigraph.query_worker import Worker, WorkerConfig
from aigraph.settings import Settings
from aigraph.store import Store

#: Seconds a new worker may take to open its store before it counts as failed.
STARTUP_TIMEOUT = 60.0
#: Heap (RLIMIT_DATA) a worker may use: a query that sorts or groups a cross product can
#: otherwise take gigabytes within the time limit. Past it the worker aborts and is replaced.
WORKER_MEMORY_LIMIT = 2 * 2**30
#: Ready workers kept beyond ``query_workers``: when a query moves to the slow lane or a worker
#: is killed, a spare takes the next query while the replacement opens its store (about
#: 0.15 s with the in-memory copy, longer on a busy machine).
SPARE_WORKERS = 2
#: Of the ready workers, how many only light queries (guard.py) may take: while unknown
#: queries hold every ordinary worker, before the clock can tell which are heavy, and while
#: replacements start, a light query still finds one ready.
LIGHT_RESERVE = 1


def _shutdown(workers: set[Worker], lock: threading.Condition, tmpdir: str) -> None:
    """Stop every worker and delete the store copy (also run at interpreter exit)."""
    with lock:
        doomed = list(workers)
        workers.clear()
    for worker in doomed:
        worker.stop()
    shutil.rmtree(tmpdir, ignore_errors=True)


def _reap(worker: Worker, copy: str | None) -> None:
    """Wait for a killed worker to end and release it; remove ``copy``, which it last used."""
    worker.stop(grace=0)
    if copy is not None:
        shutil.rmtree(copy, ignore_errors=True)


def _context():
    """Return the multiprocessing context workers start from: forkserver where it exists."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # Imported once in the fork server, so each worker starts with it loaded.
        ctx.set_forkserver_preload(["aigraph.query_worker"])
        return ctx
    return multiprocessing.get_context("spawn")




class WorkerPool:
    """Query workers for one store, started on first use (or by ``start()``)."""

    def __init__(self, settings: Settings, store: Store,
                 memory_limit: int | None = WORKER_MEMORY_LIMIT):
        self.store = store
        self.memory_limit = memory_limit
        self.time_limit = float(settings.query_time_limit)
        self.memory_copy_bytes = int(settings.query_worker_memory_mb) * 2**20
        self.size = max(1, int(settings.query_workers))
        self.spare = SPARE_WORKERS
        self.slow_size = max(0, int(settings.slow_query_workers))
        self.queue_wait = float(settings.query_queue_wait)
        self.max_waiting = int(settings.max_waiting_queries)
        #: Seconds a refused client is told to wait: by then a heavy query has ended.
        self.retry_after = max(1, math.ceil(self.time_limit))
        self._lock = threading.Condition()
        self._follow_lock = threading.Lock()  # one copy of changed data at a time
        self._idle: deque[Worker] = deque()  # ready ordinary workers, on the current copy
        self._workers: set[Worker] = set()
        self._starting = 0  # ordinary workers still opening their store
        self._start_error: AigraphError | None = None  # why the last start failed
        self._busy = 0  # ordinary workers running a query
        self._slow = 0  # queries in the slow lane
        self._waiting = 0
        #: Waiting queries that are not light, in the order they are served: (weight, arrival).
        self._queue: list[tuple[int, int]] = []
        self._arrivals = itertools.count()
        self._config: WorkerConfig | None = None
        self._tmpdir = ""
        self._ctx = None
        self._closed = False
        self._finalizer: weakref.finalize | None = None

    # --- monitoring ---------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True once the workers have been started."""
        return self._config is not None

    @property
    def idle_workers(self) -> int:
        """How many ordinary places are free with a ready worker (for monitoring and tests);
        a light query may also take the spares beyond them (``_free``)."""
        with self._lock:
            return min(len(self._idle), max(0, self.size - self._busy))

    @property
    def starting_workers(self) -> int:
        """How many ordinary workers are still opening their store (for monitoring and tests)."""
        with self._lock:
            return self._starting

    @property
    def pool_size(self) -> int:
        """How many ordinary workers the pool keeps: ``query_workers`` plus the spare."""
        return self.size + self.spare

    @property
    def slow_queries(self) -> int:
        """How many queries run in the slow lane now (for monitoring and tests)."""
        with self._lock:
            return self._slow

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers, both lanes (for monitoring and tests)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers)

    # --- the pool -----------------------------------------------------------------------------

    def start(self) -> WorkerPool:
        """Copy the store to disk (embedded stores) and start the workers; idempotent."""
        with self._lock:
            if self._closed:
                raise StoreError("the query executor is closed")
            if self._config is not None:
                return self
            prepare = PREPARERS.get(self.store.kind)
            if prepare is None:
                raise TypeError(f"cannot run user queries on a {self.store.kind!r} store")
            sweep_stale_copies()
            tmpdir = tempfile.mkdtemp(prefix=f"{COPY_PREFIX}{os.getpid()}-")
            #: This pool's own folder: the copies it makes live there, and only there does it
            #: delete (a shared on-disk store of ``aigraph serve`` is other processes' too).
            self._tmpdir = tmpdir
            self._finalizer = weakref.finalize(self, _shutdown, self._workers, self._lock,
                                               tmpdir)
            blank = WorkerConfig(self.store.kind, "", "", self.time_limit, self.memory_limit,
                                 memory_copy_bytes=self.memory_copy_bytes)
            config = prepare(self.store, tmpdir, blank)
            self._ctx = _context()
            self._config = config
            first = [self._new_worker() for _ in range(self.pool_size)]
            self._starting += len(first)
        # The first workers start the fork server too: wait for them here, so that the first
        # query's time limit is not spent on it.
        try:
            for worker in first:
                worker.wait_ready(STARTUP_TIMEOUT)
        finally:
            with self._lock:
                self._starting -= len(first)
                ready = [w for w in first if w.ready]
                self._idle.extend(ready)
                self._lock.notify_all()
            for worker in first:
                if not worker.ready:
                    self._forget(worker)
        return self

    def _new_worker(self, config: WorkerConfig | None = None) -> Worker:
        """Start a worker process on ``config`` (the current copy); the caller holds the lock."""
        worker = Worker(self._ctx, config or self._config)
        self._workers.add(worker)
        return worker

    def _refill(self) -> None:
        """Start workers in the background until the pool is whole; the caller holds the lock."""
        missing = self.pool_size - len(self._idle) - self._starting - self._busy
        for _ in range(missing):
            if self._closed:
                return
            # A failed start must not hide the error being reported; the next query tries again.
            try:
                worker = self._new_worker()
            except OSError:
                return
            self._starting += 1
            threading.Thread(target=self._warm, args=(worker,), daemon=True,
                             name="aigraph-query-warm").start()

    def _warm(self, worker: Worker) -> None:
        """Wait for a new worker to open its store, then make it available (a thread's body)."""
        error = None
        try:
            if not worker.wait_ready(STARTUP_TIMEOUT):
                error = StoreError(f"a query worker took over {STARTUP_TIMEOUT:g} s to start")
        except AigraphError as failed:
            error = failed
        with self._lock:
            self._starting -= 1
            keep = error is None and worker.config is self._config and not self._closed
            if keep:
                self._idle.append(worker)
                self._start_error = None
            elif error is not None:
                self._start_error = error  # told to the queries waiting (_wait_for_idle)
            else:
                self._refill()  # started on a copy the data has left behind
            self._lock.notify_all()
        if not keep:
            self._forget(worker)

    def _forget(self, worker: Worker) -> None:
        """Drop ``worker`` from the pool and kill it; the rest happens in the background.

        A query past its deadline is answered as soon as its worker is killed: waiting for
        the process to end (a worker that grew to gigabytes takes a while to free them) and
        removing a copy it was the last to use are a reaper thread's business.
        """
        with self._lock:
            self._workers.discard(worker)
            old = worker.config
            unused = old is not self._config and old.kind == "embedded" and \
                Path(old.location).parent == Path(self._tmpdir) and \
                not any(w.config is old for w in self._workers)
        worker.kill()
        threading.Thread(target=_reap, args=(worker, old.location if unused else None),
                         daemon=True, name="aigraph-query-reap").start()

    def _follow_store(self) -> None:
        """Copy the data again when the store's version moved (a curator saved a change).

        The copy (seconds on a busy machine) is made under ``_follow_lock``, one at a time, not
        under the pool's lock: queries already running are given back, moved and stopped at
        their deadline meanwhile, and only the queries that need the new data wait for it.
        Idle workers on the old copy are replaced at once, busy ones when they finish
        (``_release``); an old copy is removed with its last worker (``_forget``).
        """
        config = self._config
        if config is None or config.kind != "embedded" or config.version == self.store.version:
            return
        with self._follow_lock:
            version = self.store.version
            if self._closed or self._config.version == version:
                return
            # In this pool's own folder: several web workers follow the same change at once,
            # and a folder beside a shared store would be theirs too (a RocksDB lock clash).
            fresh = prepare_embedded(self.store, self._tmpdir, self._config,
                                     f"store-{version}")
            with self._lock:
                if self._closed:
                    return
                self._config = fresh
                stale = list(self._idle)
                self._idle.clear()
                self._refill()
        for worker in stale:
            self._forget(worker)

    def _release(self, worker: Worker, slow: bool, healthy: bool) -> None:
        """Give back a worker that ran a query, keeping the pool whole."""
        with self._lock:
            if slow:
                self._slow -= 1
            else:
                self._busy -= 1
            current = worker.config is self._config
            keep = healthy and current and not self._closed and \
                len(self._idle) + self._starting + self._busy < self.pool_size
            if keep:
                self._idle.append(worker)
            else:
                self._refill()
            self._lock.notify_all()
        if not keep:
            self._forget(worker)

    def _free(self, light: bool = False) -> bool:
        """Whether a query may take a ready worker now; the caller holds the lock.

        A light query may use the spares beyond ``query_workers``; any other leaves
        ``LIGHT_RESERVE`` ready ones for light queries, so a run of heavy arrivals, or the
        wait for replacements after they move to the slow lane, never holds a light one up.
        """
        if light:
            return bool(self._idle) and self._busy < self.size + self.spare
        return len(self._idle) > LIGHT_RESERVE and self._busy < self.size

    def _wait_for_idle(self, deadline: float, light: bool = False, weight: int = 0) -> Worker:
        """Take a ready ordinary worker, waiting within the deadline; the caller holds the lock.

        Queries that are not light are served by ``weight`` (guard.py: the variables and blank
        nodes they name), then by arrival: while unknown queries queue behind a full lane, a
        small join goes before a product of many patterns. Light ones do not queue here.
        """
        if not self._free(light) and self._waiting >= self.max_waiting:
            raise Busy(f"{self._waiting} queries are already waiting for a worker; try again "
                       "in a moment", retry_after=self.retry_after)
        give_up = min(deadline, time.monotonic() + self.queue_wait)
        ticket = None if light else (weight, next(self._arrivals))
        if ticket is not None:
            bisect.insort(self._queue, ticket)
        self._waiting += 1
        try:
            while not (self._free(light) and (ticket is None or self._queue[0] == ticket)):
                left = give_up - time.monotonic()
                if self._closed:
                    raise StoreError("the query executor is closed")
                if not self._starting and len(self._idle) + self._busy < self.pool_size:
                    error, self._start_error = self._start_error, None
                    self._refill()
                    if error is not None:
                        raise error
                if left <= 0:
                    raise Busy(f"all {self.size} query workers are busy; try again in a moment",
                               retry_after=self.retry_after)
                self._lock.wait(left)
        finally:
            self._waiting -= 1
            if ticket is not None:
                self._queue.remove(ticket)
                self._lock.notify_all()  # the next in line may take a worker too
        self._busy += 1
        return self._idle.popleft()

    def _acquire(self, deadline: float, light: bool = False, weight: int = 0) -> Worker:
        """Take a live, ready ordinary worker, or raise Busy/QueryTimeout at the deadline.

        ``light`` (guard.py's guess that the query is cheap) lets it use the spares; ``weight``
        orders the other waiting queries (``_wait_for_idle``).
        """
        self.start()
        self._follow_store()
        for _ in range(self.pool_size + 2):
            with self._lock:
                if self._closed:
                    raise StoreError("the query executor is closed")
                worker = self._wait_for_idle(deadline, light, weight)
            # A worker may have died while idle (killed from outside, out of memory).
            if not worker.alive():
                self._release(worker, slow=False, healthy=False)
                continue
            return worker
        raise StoreError("no query worker stays up; see the server's log")

    def _to_slow_lane(self) -> bool:
        """Move a running query to the slow lane if there is room, refilling the ordinary one."""
        with self._lock:
            if self._slow >= self.slow_size or self._closed:
                return False
            self._slow += 1
            self._busy -= 1
            self._refill()  # the spare takes the next query meanwhile
            self._lock.notify_all()
            return True


    def close(self) -> None:
        """Stop the workers and delete the store copy; later runs raise StoreError."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        if self._finalizer is not None:
            self._finalizer()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

