"""Run user SPARQL queries fairly in killable worker processes, within a time limit from arrival.

pyoxigraph's ``query()`` has no timeout and cannot be interrupted, so queries run in worker
processes (query_worker.py) that the parent kills at the deadline and replaces. The guard's
scan runs here in the parent: it is linear in the text, so it cannot be made to hog the
server. Fairness rests on these rules:

* **Two lanes.** ``query_workers`` ordinary workers take every new query. A query still
  running after ``slow_query_after`` seconds moves to the slow lane and a fresh worker takes
  its place, so heavy queries never hold the workers cheap ones need. At most
  ``slow_query_workers`` queries run in the slow lane; one that would exceed it is stopped
  with 503 and ``Retry-After``. A text that ran long lately (heavy_queries.py) goes straight
  to the slow lane, in a worker of its own, or is refused at once when the lane is full: it
  never holds an ordinary worker again.
* **Light queries pass.** A query the guard calls light (few variables, no path closure),
  or a text that answered within ``FAST_ANSWER`` lately, may also take the ``SPARE_WORKERS``
  ready workers beyond ``query_workers``, which no other query may take. So while unknown
  queries fill the ordinary lane, before the clock can tell which of them are heavy, a cheap
  query still starts at once.
* **Warm workers only.** Only workers that have opened their store are handed a query.
  ``SPARE_WORKERS`` more than ``query_workers`` are kept started, and replacements start in
  the background: no query is handed a worker still starting, and a light one never waits
  for a replacement.
* **One deadline.** ``query_time_limit`` counts from the query's arrival: waiting for a
  worker, starting one and running all come out of it, so no answer comes later than the
  limit (plus the time to kill a worker).
* **Bounded waiting.** At most ``max_waiting_queries`` wait, each at most
  ``query_queue_wait`` s; one client (IP address) has at most ``client_queries`` queries in
  flight. Past these the answer is 503 (or 429 for the client cap) with ``Retry-After``.

The workers themselves (starting, keeping warm, lending, replacing) are query_pool.py's.
Workers come from the ``forkserver`` start method: they are forked from a clean server process
that has imported the worker module but never opened a store, which makes a replacement cost
milliseconds instead of a fresh interpreter's start. How the store is copied for them is
chosen by the store's ``kind`` in ``query_copies.PREPARERS``; when the store's version moves
(a curator saved a change) the workers move to a fresh copy.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from dataclasses import replace

from aigraph.errors import Busy, NotAcceptable, QueryTimeout, StoreError
from aigraph.formats import GRAPH, RESULTS, media_types
from aigraph.guard import check_query
from aigraph.heavy_queries import HeavyQueries, digest
from aigraph.query_copies import COPY_PREFIX, sweep_stale_copies
from aigraph.query_pool import SPARE_WORKERS, WORKER_MEMORY_LIMIT, WorkerPool
from aigraph.query_worker import Died, Expired, Job, Outcome, Worker
from aigraph.settings import Settings
from aigraph.store import Store

__all__ = ["Executor", "Outcome", "sweep_stale_copies", "COPY_PREFIX", "WORKER_MEMORY_LIMIT",
           "SPARE_WORKERS"]


#: Seconds within which an answer makes its text count as light (query_pool.py's spares) for
#: the next ``heavy_queries.HEAVY_MEMORY`` seconds: a researcher re-running a query, or the
#: editor's examples, keep their speed while heavy queries fill the ordinary lane.
FAST_ANSWER = 0.05


def _not_acceptable(form: str, is_graph: bool) -> NotAcceptable:
    offers = ", ".join(media_types(GRAPH if is_graph else RESULTS))
    kind = "a graph" if is_graph else "results"
    return NotAcceptable(f"{form} queries return {kind}, which cannot be sent in any media type "
                         f"this request accepts; available: {offers}")




class Executor(WorkerPool):
    """A fair pool of query workers for one store, started on first use (or by ``start()``)."""

    def __init__(self, settings: Settings, store: Store,
                 memory_limit: int | None = WORKER_MEMORY_LIMIT):
        super().__init__(settings, store, memory_limit)
        self.max_rows = int(settings.max_rows)
        self.max_bytes = int(settings.max_query_bytes)
        self.slow_after = float(settings.slow_query_after)
        self.client_cap = int(settings.client_queries)
        self._heavy = HeavyQueries()
        #: Texts that answered within ``FAST_ANSWER`` lately: light whatever the guard guessed.
        self._fast = HeavyQueries()
        self._clients: Counter[str] = Counter()

    def _lane_full(self) -> str:
        """Why the slow lane has no room, in words."""
        if self.slow_size == 0:
            return "this server lets no query run that long"
        if self.slow_size == 1:
            return "1 long query was already running"
        return f"{self.slow_size} long queries were already running"

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(f"the query was stopped after {self.time_limit:g} s")

    # --- running a query ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _admitted(self, client: str | None):
        """Count ``client``'s queries in flight, refusing one past ``client_queries``."""
        if not client or self.client_cap <= 0:
            yield
            return
        with self._lock:
            if self._clients[client] >= self.client_cap:
                raise Busy(f"you already have {self.client_cap} queries running; wait for them "
                           "before sending more", status=429, retry_after=self.retry_after)
            self._clients[client] += 1
        try:
            yield
        finally:
            with self._lock:
                self._clients[client] -= 1
                if not self._clients[client]:
                    del self._clients[client]

    def _call(self, worker: Worker, job: Job, key: bytes, deadline: float) -> tuple:
        """Run ``job`` on an ordinary ``worker`` (already counted busy) and give it back."""
        slow = False
        try:
            sent = time.monotonic()
            worker.send(job)
            first = min(self.slow_after, deadline - sent)
            try:
                reply = worker.receive(first)
                if time.monotonic() - sent <= FAST_ANSWER:
                    self._fast.add(key)
                else:
                    self._fast.discard(key)
            except Expired:
                self._fast.discard(key)
                if time.monotonic() >= deadline:
                    raise
                self._heavy.add(key)
                if not self._to_slow_lane():
                    raise Busy(f"the query ran past {self.slow_after:g} s while "
                               f"{self._lane_full()}; try again in a moment",
                               retry_after=self.retry_after) from None
                slow = True
                reply = worker.receive(deadline - time.monotonic())
        except BaseException:
            self._release(worker, slow, healthy=False)
            raise
        self._release(worker, slow, healthy=True)
        return reply

    def _run_ordinary(self, job: Job, key: bytes, deadline: float) -> tuple[tuple, int]:
        """Run ``job`` in the ordinary lane (moving to the slow one if it runs long)."""
        for attempt in (1, 2):
            fast = key in self._fast
            worker = self._acquire(deadline, job.query.light or fast,
                                   0 if fast else job.query.weight)
            if key in self._heavy:  # another copy of this text ran long while this one waited
                self._release(worker, slow=False, healthy=True)
                return self._run_heavy(job, key, deadline)
            pid = worker.process.pid
            try:
                return self._call(worker, job, key, deadline), pid
            except Died as died:
                # A worker found dead before it got the job is replaced and the job retried.
                if not (died.before_sending and attempt == 1 and not self._closed):
                    raise
        raise AssertionError("unreachable")

    def _run_heavy(self, job: Job, key: bytes, deadline: float) -> tuple[tuple, int]:
        """Run a text known to be heavy straight in the slow lane, in a worker of its own."""
        self._follow_store()  # on the data as it is now, like any other query
        with self._lock:
            if self._closed:
                raise StoreError("the query executor is closed")
            if self._slow >= self.slow_size:
                raise Busy(f"this query ran longer than {self.slow_after:g} s lately and "
                           f"{self._lane_full()}; try again in a moment",
                           retry_after=self.retry_after)
            self._slow += 1
            try:
                worker = self._new_worker()
            except OSError as error:
                self._slow -= 1
                raise StoreError(f"could not start a query worker: {error}") from None
        pid = worker.process.pid
        try:
            # Its own start comes out of its own time limit, never out of another query's.
            if not worker.wait_ready(deadline - time.monotonic()):
                raise Expired
            sent = time.monotonic()
            worker.send(job)
            reply = worker.receive(deadline - time.monotonic())
        except BaseException:
            self._release(worker, slow=True, healthy=False)
            raise
        self._release(worker, slow=True, healthy=True)
        if time.monotonic() - sent < self.slow_after:
            self._heavy.discard(key)  # fast now: back to the ordinary lane next time
        return reply, pid

    def run(self, text: str, result_type: str | None, graph_type: str | None,
            base: str | None = None, client: str | None = None) -> Outcome:
        """Check and run a user query; return its serialised answer.

        ``result_type`` is the media type for SELECT/ASK results and ``graph_type`` the one for
        CONSTRUCT/DESCRIBE graphs (None: not acceptable, a 406). ``base`` resolves relative
        IRIs; ``client`` (an IP address) is what the per-client cap counts. Raises the guard's
        errors, NotAcceptable, QueryTimeout, Busy or StoreError.
        """
        checked = check_query(text, self.max_bytes, base=base)
        media_type = graph_type if checked.is_graph else result_type
        if media_type is None:
            raise _not_acceptable(checked.form, checked.is_graph)
        self.start()
        arrival = time.monotonic()
        deadline = arrival + self.time_limit
        job = Job(checked, media_type, self.max_rows)
        key = digest(checked.text)
        with self._admitted(client):
            try:
                if key in self._heavy:
                    reply, pid = self._run_heavy(job, key, deadline)
                else:
                    reply, pid = self._run_ordinary(job, key, deadline)
            except Expired:
                raise self._timeout() from None
            except Died:
                raise Busy("the worker running the query stopped (it was killed, or the query "
                           "needed more memory than a worker may use); it has been replaced",
                           retry_after=self.retry_after) from None
        if reply[0] == "error":
            raise reply[1]
        return replace(reply[1], ms=(time.monotonic() - arrival) * 1000, worker=pid)

