"""Replacing query workers is never on a cheap query's path, and heavy texts stay off the fast lane.

Mechanism, not timing (bench/fairness.py measures the times): which worker process answered
a query (``Outcome.worker``), which workers were running before, and whether a repeated heavy
query took one of the ordinary workers at all.
"""

from __future__ import annotations

import threading

import pytest

from aigraph.errors import AigraphError, Busy, QueryTimeout
from aigraph.executor import SPARE_WORKERS, Executor
from aigraph.heavy_queries import HeavyQueries, digest
from tests.http_wait import wait_until

JSON = "application/sparql-results+json"
CROSS_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 "?j ?k ?l }")


@pytest.fixture
def lanes(settings, store):
    """One ordinary worker (and the spares), one slow-lane place, a 2 s limit."""
    with Executor(settings.replace(query_time_limit=2.0, query_workers=1, slow_query_workers=1,
                                   slow_query_after=0.25, client_queries=0), store) as executor:
        executor.start()
        yield executor


def heavy_in_background(executor, text=CROSS_PRODUCT):
    errors: list[AigraphError] = []

    def run():
        try:
            executor.run(text, JSON, None)
        except AigraphError as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.parametrize("cheap_text", [
    "ASK {}",  # light to the guard
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r } LIMIT 1",  # not light: five names
])
def test_a_cheap_query_is_answered_by_a_running_worker_while_a_replacement_starts(
        lanes, cheap_text):
    running = set(lanes.worker_pids())
    assert len(running) == lanes.pool_size == 1 + SPARE_WORKERS  # all ready
    thread, errors = heavy_in_background(lanes)
    # The heavy query moved to the slow lane: a replacement is started for the ordinary lane.
    wait_until(lambda: lanes.slow_queries == 1)
    cheap = lanes.run(cheap_text, JSON, None)
    # Answered by a worker that was already up before the move, never by the replacement.
    assert cheap.worker in running
    thread.join()
    assert [type(e) for e in errors] == [QueryTimeout]
    # The pool is whole again: the heavy query's worker is gone, the others answer.
    wait_until(lambda: lanes.starting_workers == 0)
    after = set(lanes.worker_pids())
    assert len(after) == lanes.pool_size and len(running - after) == 1
    assert lanes.run("ASK {}", JSON, None).worker in after


def test_a_heavy_text_sent_again_never_takes_an_ordinary_worker(lanes):
    thread, errors = heavy_in_background(lanes)
    wait_until(lambda: lanes.slow_queries == 1 and lanes.starting_workers == 0)
    pids = set(lanes.worker_pids())
    # The same text (spaced differently) while the slow lane is full: refused at once.
    with pytest.raises(Busy, match="ran longer than 0.25 s lately") as refused:
        lanes.run(CROSS_PRODUCT.replace(" . ", " .\n  "), JSON, None)
    assert refused.value.status == 503 and refused.value.retry_after >= 1
    assert "and 1 long query was already running" in refused.value.message
    # No ordinary worker was taken, stopped or replaced for it.
    assert set(lanes.worker_pids()) == pids
    assert lanes.idle_workers == 1
    thread.join()
    assert [type(e) for e in errors] == [QueryTimeout]

    # With room in the slow lane it runs there, in a worker of its own, to the time limit;
    # meanwhile the ordinary workers stay idle and answer.
    wait_until(lambda: lanes.slow_queries == 0 and lanes.starting_workers == 0)
    ordinary = set(lanes.worker_pids())
    thread, errors = heavy_in_background(lanes)
    wait_until(lambda: lanes.slow_queries == 1)
    assert lanes.idle_workers == 1
    assert lanes.run("ASK {}", JSON, None).worker in ordinary
    thread.join()
    assert [type(e) for e in errors] == [QueryTimeout]
    assert set(lanes.worker_pids()) == ordinary


def test_heavy_texts_are_bounded_expire_and_are_forgotten_when_fast():
    heavy = HeavyQueries(memory=600.0, size=3)
    keys = [digest(f"SELECT * {{ ?s ?p {i} }}") for i in range(5)]
    for key in keys:
        heavy.add(key)
    assert len(heavy) == 3
    assert keys[0] not in heavy and keys[1] not in heavy and keys[4] in heavy
    assert digest("SELECT *  {\n ?s ?p 4 }") in heavy  # blank runs do not matter
    heavy.discard(keys[4])
    assert keys[4] not in heavy
    expired = HeavyQueries(memory=-1.0)
    expired.add(keys[0])
    assert keys[0] not in expired and len(expired) == 0
