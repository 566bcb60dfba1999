"""The executor: worker processes, time limit, row cap, serialisation and clean shutdown."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from aigraph.errors import (
    AigraphError,
    NotAcceptable,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)
from aigraph.executor import Executor, sweep_stale_copies
from aigraph.guard import check_query
from aigraph.namespaces import sparql_prologue
from aigraph.query_worker import Job, Worker
from aigraph.store import EmbeddedStore, serialize_capped
from tests.http_wait import wait_until

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NT = "application/n-triples"
CROSS_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                 "?j ?k ?l }")
LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"


@pytest.fixture
def executor(settings, store):
    """An executor over the fixture store with a short time limit."""
    with Executor(settings.replace(query_time_limit=1.0), store) as executor:
        yield executor


def test_starts_on_first_use(executor):
    assert not executor.started
    executor.run("ASK {}", JSON, None)
    assert executor.started
    assert len(executor.worker_pids()) == executor.pool_size


@pytest.mark.parametrize("media_type", [JSON, XML, CSV, TSV])
def test_results_match_pyoxigraph_byte_for_byte(executor, store, media_type):
    # Below the cap the worker's rebuilt serialisation equals pyoxigraph's own.
    query = sparql_prologue() + LABELS
    outcome = executor.run(LABELS, media_type, None)
    assert outcome.body == store.serialize_query(query, media_type)
    assert outcome.media_type == media_type
    assert outcome.form == "SELECT"
    assert outcome.truncated is False
    assert outcome.rows == len(store.select(query))


@pytest.mark.parametrize("media_type", [TURTLE, NT, "application/rdf+xml", "application/ld+json"])
def test_graphs_match_the_store(executor, store, media_type):
    query = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }"
    outcome = executor.run(query, None, media_type)
    expected = store.construct(sparql_prologue() + query)
    graph = rdflib.Graph().parse(data=outcome.body, format={
        TURTLE: "turtle", NT: "nt", "application/rdf+xml": "xml",
        "application/ld+json": "json-ld"}[media_type])
    assert isomorphic(graph, expected)
    assert outcome.rows == len(expected)
    assert outcome.form == "CONSTRUCT"


def test_ask(executor):
    outcome = executor.run("ASK { ?s a aig:Milestone }", JSON, TURTLE)
    assert json.loads(outcome.body) == {"head": {}, "boolean": True}
    assert outcome.rows is None
    assert outcome.truncated is False


def test_rows_are_capped_and_flagged(settings, store):
    with Executor(settings.replace(max_rows=3), store) as executor:
        outcome = executor.run(LABELS, JSON, None)
        assert outcome.truncated is True
        assert outcome.rows == 3
        assert len(json.loads(outcome.body)["results"]["bindings"]) == 3
        csv_outcome = executor.run(LABELS, CSV, None)
        assert csv_outcome.body.count(b"\r\n") == 4  # header + 3 rows
        graph = executor.run("CONSTRUCT WHERE { ?s ?p ?o }", None, NT)
        assert graph.truncated is True
        assert graph.body.count(b"\n") == 3
        exact = executor.run("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }", JSON, None)
        assert (exact.rows, exact.truncated) == (3, False)


@pytest.mark.parametrize("query, error, status, message", [
    ("ASK {", QuerySyntaxError, 400, "line 1, column 6"),
    ("CLEAR ALL", QueryRejected, 403, "anonymous updates are refused"),
    ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", QueryRejected, 400, "SERVICE"),
    ("SELECT * FROM <http://x/> { ?s ?p ?o }", QueryRejected, 400, "FROM"),
    ("DESCRIBE <http://x/>", NotAcceptable, 406, "DESCRIBE queries return a graph"),
])
def test_errors_come_back_with_their_kind_and_status(executor, query, error, status, message):
    with pytest.raises(error, match=message) as info:
        executor.run(query, JSON, None)
    assert info.value.status == status


def test_guard_size_cap_applies_in_the_worker(settings, store):
    with Executor(settings.replace(max_query_bytes=20), store) as executor:
        with pytest.raises(QueryRejected, match="longer than 20 bytes"):
            executor.run("SELECT * WHERE { ?s ?p ?o }", JSON, None)


def test_relative_iris_resolve_against_the_base(executor):
    outcome = executor.run("CONSTRUCT { <s> <p> 1 } WHERE {}", None, NT,
                           base="http://localhost/sparql")
    assert outcome.body.startswith(b"<http://localhost/s> <http://localhost/p> ")


def test_timeout_kills_and_replaces_the_worker_while_others_answer(executor):
    executor.start()
    before = set(executor.worker_pids())
    failures = []

    def slow():
        try:
            executor.run(CROSS_PRODUCT, JSON, None)
        except QueryTimeout as error:
            failures.append(error)

    thread = threading.Thread(target=slow)
    thread.start()
    wait_until(lambda: executor.idle_workers < 2)
    # Meanwhile the other worker answers.
    assert json.loads(executor.run("ASK {}", JSON, None).body)["boolean"] is True
    thread.join()
    assert len(failures) == 1
    assert failures[0].status == 503
    assert failures[0].message == "the query was stopped after 1 s"
    after = set(executor.worker_pids())
    assert len(after) == executor.pool_size
    assert len(before - after) == 1  # exactly one worker was replaced
    assert json.loads(executor.run("ASK {}", JSON, None).body)["boolean"] is True


def test_a_long_expression_is_refused_by_the_guard_before_any_worker(executor):
    # 30,000 terms: pyoxigraph's stack would give out; the guard says so in words.
    long_sum = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 30000) + ") }"
    with pytest.raises(QueryRejected, match="more than 8000 operators"):
        executor.run(long_sum, JSON, None)
    assert not executor.started


def test_a_long_but_allowed_expression_runs(executor):
    query = "SELECT (" + "+".join(["1"] * 1000) + " AS ?n) {}"
    assert b'"1000"' in executor.run(query, JSON, None).body


def test_deep_nesting_is_answered_not_refused(executor):
    # The old rdflib-based check refused 500 nested groups as "maximum recursion depth".
    query = "ASK " + "{" * 1500 + "}" * 1500
    assert json.loads(executor.run(query, JSON, None).body)["boolean"] is True
    expression = "SELECT (" + "(" * 1500 + "1" + ")" * 1500 + " AS ?x) {}"
    assert executor.run(expression, JSON, None).rows == 1


@pytest.mark.parametrize("query, where", [
    ("ASK {", "line 1, column 6"),
    ("SELECT ?x\nWHERE {\n  ?x ?y\n}", "line 4, column 2"),
    ("PREFIX ex: <http://e/>\nSELECT * { ?s ex:p }", "line 2, column 20"),
])
def test_syntax_errors_name_the_line_and_column_of_the_users_text(executor, query, where):
    with pytest.raises(QuerySyntaxError, match=where):
        executor.run(query, JSON, None)
    with pytest.raises(QuerySyntaxError, match=where):
        executor.run(query, JSON, None, base="http://localhost/sparql")


def test_a_worker_that_dies_mid_query_is_replaced(executor):
    # Two queries in a row reach both workers (the idle queue is FIFO), so both are ready.
    executor.run("ASK {}", JSON, None)
    executor.run("ASK {}", JSON, None)
    errors = []

    def slow():
        try:
            executor.run(CROSS_PRODUCT, JSON, None)
        except AigraphError as error:
            errors.append(error)

    thread = threading.Thread(target=slow)
    thread.start()
    wait_until(lambda: executor.idle_workers < 2)
    time.sleep(0.2)  # not an assertion: just lets the job reach the worker first
    # The busy worker is the one not in the idle queue; killing both covers it.
    pids = executor.worker_pids()
    for pid in pids:
        os.kill(pid, 9)
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids))
    thread.join()
    assert len(errors) == 1
    assert errors[0].status in (500, 503)
    wait_until(lambda: len(executor.worker_pids()) == executor.pool_size)
    assert json.loads(executor.run("ASK {}", JSON, None).body)["boolean"] is True


def test_an_idle_worker_found_dead_is_replaced_transparently(settings, store):
    with Executor(settings.replace(query_workers=1), store) as executor:
        executor.run("ASK {}", JSON, None)
        pids = executor.worker_pids()  # the worker and the spare, both idle
        for pid in pids:
            os.kill(pid, 9)
        wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids))
        assert json.loads(executor.run("ASK {}", JSON, None).body)["boolean"] is True
        assert not set(executor.worker_pids()) & set(pids)


def test_a_query_past_the_memory_cap_loses_its_worker_not_the_server(settings, store):
    sort_bomb = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
    with Executor(settings.replace(query_time_limit=60.0), store,
                  memory_limit=256 * 2**20) as executor:
        with pytest.raises(AigraphError, match="more memory than a worker may use") as info:
            executor.run(sort_bomb, CSV, None)
        assert info.value.status == 503
        assert executor.run("SELECT * { ?s ?p ?o }", CSV, None).rows == store.triple_count()


def test_close_stops_workers_and_removes_the_copy(settings, store):
    executor = Executor(settings, store)
    executor.run("ASK {}", JSON, None)
    pids = executor.worker_pids()
    location = Path(executor._config.location)
    assert location.is_dir()
    executor.close()
    assert not location.parent.exists()
    for pid in pids:
        wait_until(lambda pid=pid: not Path(f"/proc/{pid}").exists())
    with pytest.raises(StoreError, match="closed"):
        executor.run("ASK {}", JSON, None)
    executor.close()  # twice is harmless


def test_copies_left_by_dead_servers_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f"aigraph-query-{dead.stdout.strip()}-abc"
    live = tmp_path / f"aigraph-query-{os.getpid()}-def"
    other = tmp_path / "aigraph-query-notapid"
    for folder in (stale, live, other):
        (folder / "store").mkdir(parents=True)
    sweep_stale_copies(str(tmp_path))
    assert not stale.exists()
    assert live.exists() and other.exists()


def test_a_store_without_files_is_copied_from_its_triples(store):
    from aigraph.settings import Settings

    memory = ox.Store()
    memory.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    bare = EmbeddedStore(memory)
    with Executor(Settings.load(environ={}), bare) as executor:
        outcome = executor.run("SELECT ?o { ?s ?p ?o }", CSV, None)
    assert outcome.body == b"o\r\nx\r\n"


# --- serialize_capped, in process -----------------------------------------------------------

def _tricky_store():
    store = ox.Store()
    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    for obj in [ox.Literal("plain"), ox.Literal("hé", language="fr"),
                ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                ox.Literal('a,"b"\n\tc'), ox.BlankNode("b1"), ox.NamedNode("http://e/o")]:
        store.add(ox.Quad(s, p, obj))
    return store


@pytest.mark.parametrize("media_type, fmt", [
    (JSON, ox.QueryResultsFormat.JSON), (XML, ox.QueryResultsFormat.XML),
    (CSV, ox.QueryResultsFormat.CSV), (TSV, ox.QueryResultsFormat.TSV)])
def test_capped_serialisation_equals_pyoxigraphs_own(media_type, fmt):
    store = _tricky_store()
    queries = [
        "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o",
        'SELECT ?d WHERE { BIND(STRLANGDIR("x", "ar", "rtl") AS ?d) }',
        "SELECT ?t WHERE { BIND(<<( <http://e/s> <http://e/p> 1 )>> AS ?t) }",
        "SELECT * WHERE { }",
        "SELECT ?x WHERE { FILTER(false) }",
    ]
    for query in queries:
        expected = store.query(query).serialize(format=fmt)
        got = serialize_capped(store.query(query), media_type, 100)
        assert got.body == expected, query
        assert got.truncated is False


def test_capped_serialisation_cuts_triples_and_quads():
    store = _tricky_store()
    cut = serialize_capped(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), NT, 2)
    assert (cut.rows, cut.truncated) == (2, True)
    assert cut.body.count(b"\n") == 2
    quads = serialize_capped(iter(store.quads_for_pattern(None, None, None)), NT, 10)
    assert (quads.rows, quads.truncated) == (6, False)


def test_capped_serialisation_refuses_a_mismatched_type():
    store = _tricky_store()
    with pytest.raises(ValueError):
        serialize_capped(store.query("SELECT * { ?s ?p ?o }"), TURTLE, 10)
    with pytest.raises(ValueError):
        serialize_capped(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), JSON, 10)


def test_two_threads_waiting_for_a_new_worker_read_its_ready_message_once(settings, store):
    # The executor's start waits for its first workers while a query may already hold one;
    # if both read the pipe, the second reader takes the query's reply for a ready message
    # and the query waits out its whole time limit.
    with Executor(settings.replace(query_workers=1), store) as executor:
        executor.start()
        worker = Worker(executor._ctx, executor._config)
        try:
            seen = []
            waiters = [threading.Thread(target=lambda: seen.append(worker.wait_ready(60)))
                       for _ in range(2)]
            for thread in waiters:
                thread.start()
            for thread in waiters:
                thread.join(90)
            assert seen == [True, True]
            assert not any(thread.is_alive() for thread in waiters)
            worker.send(Job(check_query("ASK {}"), JSON, 10))
            kind, outcome = worker.receive(30)
            assert kind == "ok"
            assert json.loads(outcome.body)["boolean"] is True
        finally:
            worker.stop()


@pytest.mark.parametrize("megabytes", [0, 16])
def test_workers_copy_small_data_into_memory_and_answer_the_same(settings, store, megabytes):
    with Executor(settings.replace(query_worker_memory_mb=megabytes), store) as executor:
        executor.start()
        assert executor._config.in_memory is (megabytes > 0)
        answer = executor.run(LABELS, JSON, None)
    expected = serialize_capped(store._query(sparql_prologue() + LABELS, None), JSON, 10_000)
    assert answer.body == expected.body


def test_data_larger_than_the_memory_copy_bound_stays_on_disk(store, tmp_path):
    from aigraph.query_copies import prepare_embedded
    from aigraph.query_worker import WorkerConfig

    size = sum(Path(f).stat().st_size for f in store.files)
    for bound, expected in ((size - 1, False), (size, True)):
        blank = WorkerConfig("embedded", "", "", 1.0, None, memory_copy_bytes=bound)
        config = prepare_embedded(store, str(tmp_path), blank, folder=f"copy-{bound}")
        assert config.in_memory is expected


def test_following_a_change_copies_into_the_pools_own_folder_and_spares_a_shared_store(
        settings, data_dir, tmp_path):
    # Under `aigraph serve` every web worker's pool starts on one shared on-disk store; after a
    # curator's save each pool copies the new data. Copies beside the shared folder clashed
    # (one RocksDB lock for all web workers: a 500), and the old shared folder was deleted
    # from under the other processes.
    files = EmbeddedStore.from_dirs(settings.ontology_dir, data_dir).files
    version = EmbeddedStore.from_files(files).version
    shared = tmp_path / "persist" / version
    shared.parent.mkdir()
    built = EmbeddedStore.from_files(files, path=shared)
    del built  # released, as aigraph.persist leaves it, before workers open it read-only
    stores = [EmbeddedStore.from_files(files) for _ in range(2)]
    for store in stores:
        store.shared_path = str(shared)
    extra = data_dir / "extra.ttl"
    extra.write_text("<https://w3id.org/aigraph/id/zz> <http://www.w3.org/2000/01/rdf-schema#"
                     "label> \"zz\" .\n")
    ask = "ASK { <https://w3id.org/aigraph/id/zz> ?p ?o }"
    with Executor(settings, stores[0]) as first, Executor(settings, stores[1]) as second:
        for executor in (first, second):
            assert json.loads(executor.run(ask, JSON, None).body)["boolean"] is False
            assert executor._config.location == str(shared)
        for store in stores:
            store.refresh([*files, extra])
        answers = []
        threads = [threading.Thread(target=lambda e=e: answers.append(e.run(ask, JSON, None)))
                   for e in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert [json.loads(a.body)["boolean"] for a in answers] == [True, True]
        for executor in (first, second):
            assert Path(executor._config.location).parent == Path(executor._tmpdir)
        wait_until(lambda: all(len(e.worker_pids()) >= e.size for e in (first, second)))
        assert shared.is_dir()
        assert not list((tmp_path / "persist").glob("store-*"))


def test_a_small_join_waiting_behind_a_full_lane_goes_before_a_larger_query(settings, store):
    """Waiting queries that are not light are served by weight, then arrival."""
    lane = settings.replace(query_time_limit=4.0, query_workers=1, slow_query_workers=0,
                            slow_query_after=10.0, query_queue_wait=10.0, client_queries=0)
    join = "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r } LIMIT 1"  # five names: not light
    assert not check_query(join).light
    assert check_query(join).weight < check_query(CROSS_PRODUCT).weight
    answers: dict[str, object] = {}

    def run(name: str, text: str) -> None:
        try:
            answers[name] = executor.run(text, JSON, None)
        except AigraphError as error:
            answers[name] = error

    with Executor(lane, store) as executor:
        executor.start()
        first = threading.Thread(target=run, args=("first", CROSS_PRODUCT))
        first.start()
        wait_until(lambda: executor.idle_workers == 0)
        time.sleep(0.5)  # the later ones' deadlines fall well after the first one's
        # Sent first, the larger query waits in front of the join; each may wait 4 s.
        larger = threading.Thread(target=run, args=("larger", CROSS_PRODUCT.replace("?l", "?m")))
        larger.start()
        wait_until(lambda: executor._waiting == 1)
        join_thread = threading.Thread(target=run, args=("join", join))
        join_thread.start()
        for thread in (first, larger, join_thread):
            thread.join()
    assert isinstance(answers["first"], QueryTimeout)
    # The first worker free after the first query was stopped went to the join.
    assert not isinstance(answers["join"], AigraphError), answers["join"]
    assert json.loads(answers["join"].body)["results"]["bindings"]
    assert isinstance(answers["larger"], AigraphError)


def test_copying_changed_data_leaves_the_pool_free_for_running_queries(
        settings, data_dir, monkeypatch):
    """The copy a save calls for is made outside the pool's lock: meanwhile a query already
    on a worker is answered and gives its worker back, and the query that needs the new data
    waits for the copy and then sees it. (Under load the copy takes seconds; made under the
    lock, it held every query's answer, even one at its deadline, past limit + 1 s.)"""
    import aigraph.query_pool as pool_module

    files = EmbeddedStore.from_dirs(settings.ontology_dir, data_dir).files
    store = EmbeddedStore.from_files(files)
    copying, go = threading.Event(), threading.Event()
    real = pool_module.prepare_embedded

    def held_copy(*args, **kwargs):
        copying.set()
        assert go.wait(60)
        return real(*args, **kwargs)

    extra = data_dir / "extra.ttl"
    extra.write_text("<https://w3id.org/aigraph/id/zz> <http://www.w3.org/2000/01/rdf-schema#"
                     "label> \"zz\" .\n")
    ask = "ASK { <https://w3id.org/aigraph/id/zz> ?p ?o }"
    with Executor(settings.replace(query_time_limit=30.0), store) as executor:
        executor.start()
        assert json.loads(executor.run(ask, JSON, None).body)["boolean"] is False
        worker = executor._acquire(time.monotonic() + 30)  # a query already running
        monkeypatch.setattr(pool_module, "prepare_embedded", held_copy)
        store.refresh([*files, extra])
        fresh: list = []
        follower = threading.Thread(target=lambda: fresh.append(executor.run(ask, JSON, None)))
        follower.start()
        try:
            assert copying.wait(60)
            # The copy is under way and not done: the pool's lock is free all the same.
            assert executor._lock.acquire(timeout=5)
            executor._lock.release()
            executor._release(worker, slow=False, healthy=True)
            assert follower.is_alive() and not fresh  # it waits for the new data
        finally:
            go.set()
            follower.join(60)
    assert [json.loads(a.body)["boolean"] for a in fresh] == [True]
