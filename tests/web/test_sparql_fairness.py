"""Fairness at /sparql: heavy queries cannot starve cheap ones, nobody waits without end.

Behaviour only: the timings (cheap answers in milliseconds, heavy ones by limit + 1 s) are
measured by bench/fairness.py, which prints them.
"""

from __future__ import annotations

import contextlib
import json
import threading

import pytest

from aigraph.web import create_app
from tests.http_wait import wait_until

CROSS_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 "?j ?k ?l }")
JSON = "application/sparql-results+json"
TIME_LIMIT = "the query was stopped after 2 s"
LANE_FULL = "long queries were already running"
#: Cheap, but not light to the guard (five variables): it queues like any unknown query.
JOIN = "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r } LIMIT 1"


@contextlib.contextmanager
def started(settings, store, **changes):
    """The site with ``changes`` to its settings (no rate limit) and its query workers started;
    yields the app and its executor, closed at the end."""
    changes.setdefault("rate_limit", "")
    app = create_app({"TESTING": True, "AIGRAPH": settings.replace(**changes),
                      "AIGRAPH_STORE": store})
    executor = app.extensions["aigraph_executor"].start()
    try:
        yield app, executor
    finally:
        executor.close()


@pytest.fixture
def fair(settings, store):
    """Two ordinary workers, two slow-lane places, a 2 s limit, no per-client cap."""
    with started(settings, store, query_time_limit=2.0, query_workers=2, slow_query_workers=2,
                 slow_query_after=0.25, client_queries=0) as (app, _executor):
        yield app


def ask(app, query, address="127.0.0.1"):
    return app.test_client().get("/sparql", query_string={"query": query},
                                 headers={"Accept": JSON},
                                 environ_base={"REMOTE_ADDR": address})


def run_heavies(app, count):
    """Send ``count`` heavy queries at once from different clients; return threads, answers."""
    answers = []
    threads = [threading.Thread(target=lambda i=i: answers.append(
        ask(app, CROSS_PRODUCT, f"10.0.0.{i + 1}"))) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, answers


def test_a_cheap_query_answers_while_six_heavy_ones_run(fair):
    executor = fair.extensions["aigraph_executor"]
    threads, answers = run_heavies(fair, 6)
    wait_until(lambda: executor.slow_queries == 2)
    cheap = [ask(fair, "ASK {}", "10.0.1.1") for _ in range(5)]
    for thread in threads:
        thread.join()
    assert [r.status_code for r in cheap] == [200] * 5
    assert all(json.loads(r.data)["boolean"] is True for r in cheap)
    assert len(answers) == 6
    assert {r.status_code for r in answers} == {503}
    messages = [r.get_data(as_text=True) for r in answers]
    # Two ran in the slow lane until the limit; the others found the lane full.
    assert sum(TIME_LIMIT in m for m in messages) >= 2
    assert all(TIME_LIMIT in m or LANE_FULL in m for m in messages), messages
    lane_full = [r for r in answers if LANE_FULL in r.get_data(as_text=True)]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in lane_full)
    # Every worker that ran a heavy query was replaced: the pool is whole again.
    wait_until(lambda: executor.slow_queries == 0)
    assert ask(fair, "ASK {}").status_code == 200
    assert len(executor.worker_pids()) == executor.pool_size


def test_light_queries_answer_while_heavy_ones_hold_every_ordinary_worker(settings, store):
    # The heavy queries are not moved out of the ordinary lane here (slow_query_after 5 s),
    # so the light queries can only have run on the worker kept for them.
    with started(settings, store,
                 query_time_limit=2.0, query_workers=2, slow_query_workers=2, slow_query_after=5.0,
                 query_queue_wait=0.1, client_queries=0) as (app, executor):
        threads, answers = run_heavies(app, 4)
        wait_until(lambda: executor.idle_workers == 0)
        light = [ask(app, text, "10.0.1.1") for text in (
            "ASK {}", "SELECT ?label WHERE { id:meta rdfs:label ?label }",
            "SELECT ?p ?o WHERE { id:meta ?p ?o } LIMIT 5",
            "SELECT (COUNT(*) AS ?n) WHERE { ?m a aig:Model }")]
        held = all(thread.is_alive() for thread in threads[:2]) and not answers
        unknown = ask(app, JOIN, "10.0.1.2")
        for thread in threads:
            thread.join()
        assert held, "the heavy queries ended before the light ones were sent"
        assert [r.status_code for r in light] == [200] * 4
        assert json.loads(light[0].data)["boolean"] is True
        assert json.loads(light[1].data)["results"]["bindings"]
        # A query the guard cannot call light waits for an ordinary worker like the heavies.
        assert unknown.status_code == 503
        assert "query workers are busy" in unknown.get_data(as_text=True)


def test_a_text_that_answered_fast_lately_passes_like_a_light_one(settings, store):
    with started(settings, store,
                 query_time_limit=2.0, query_workers=1, slow_query_workers=0, slow_query_after=5.0,
                 query_queue_wait=0.1, client_queries=0) as (app, executor):
        assert ask(app, JOIN, "10.0.1.1").status_code == 200  # on a calm server: fast
        other = JOIN.replace("?r", "?r2")  # as cheap, but never seen
        threads, answers = run_heavies(app, 1)
        wait_until(lambda: executor.idle_workers == 0)
        known = ask(app, JOIN, "10.0.1.1")
        unknown = ask(app, other, "10.0.1.2")
        for thread in threads:
            thread.join()
        assert answers and answers[0].status_code == 503
        assert known.status_code == 200
        assert json.loads(known.data)["results"]["bindings"]
        assert unknown.status_code == 503


def test_a_client_past_its_cap_gets_429_with_retry_after(settings, store):
    with started(settings, store, query_time_limit=2.0, client_queries=1) as (app, executor):
        threads, answers = run_heavies(app, 1)  # from 10.0.0.1
        wait_until(lambda: executor.idle_workers < 2)
        again = ask(app, "ASK {}", "10.0.0.1")
        other = ask(app, "ASK {}", "10.0.0.2")
        for thread in threads:
            thread.join()
        assert again.status_code == 429
        assert "you already have 1 queries running" in again.get_data(as_text=True)
        assert int(again.headers["Retry-After"]) >= 1
        assert other.status_code == 200
        assert answers[0].status_code == 503
        # Once the heavy query is over, the same client may query again.
        assert ask(app, "ASK {}", "10.0.0.1").status_code == 200


def test_a_full_pool_answers_503_with_retry_after_instead_of_waiting(settings, store):
    with started(settings, store,
                 query_time_limit=2.0, query_workers=1, slow_query_workers=0, slow_query_after=5.0,
                 query_queue_wait=0.1, client_queries=0) as (app, executor):
        threads, answers = run_heavies(app, 1)
        wait_until(lambda: executor.idle_workers == 0)
        busy = ask(app, JOIN, "10.0.1.1")
        # A light query still finds the worker kept for light ones.
        light = ask(app, "ASK {}", "10.0.1.2")
        for thread in threads:
            thread.join()
        assert light.status_code == 200
        assert busy.status_code == 503
        assert "query workers are busy" in busy.get_data(as_text=True)
        assert int(busy.headers["Retry-After"]) >= 1
        assert answers[0].status_code == 503
        assert TIME_LIMIT in answers[0].get_data(as_text=True)


def test_waiting_queries_are_bounded(settings, store):
    with started(settings, store,
                 query_time_limit=2.0, query_workers=1, slow_query_workers=0, slow_query_after=5.0,
                 max_waiting_queries=0, client_queries=0) as (app, executor):
        threads, _answers = run_heavies(app, 1)
        wait_until(lambda: executor.idle_workers == 0)
        refused = ask(app, JOIN, "10.0.1.1")
        for thread in threads:
            thread.join()
        assert refused.status_code == 503
        assert "already waiting" in refused.get_data(as_text=True)
        assert "Retry-After" in refused.headers
