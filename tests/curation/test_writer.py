"""Writes never lose data: a writer killed mid-save, journal recovery, concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import rdflib

from aigraph.curation import writer
from aigraph.settings import PROJECT_ROOT
from tests.curation.conftest import auth, read

# A writer in its own process: it changes gpt-neo's Italian label, stopping for good at the
# N-th call of ``os.replace`` or ``os.fsync`` (after announcing it), so the test can kill it
# there with SIGKILL. N = 0 lets it finish.
WRITER = textwrap.dedent('''
    import os, sys, time
    from pathlib import Path
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS
    from aigraph.settings import Settings
    from aigraph.store import open_store
    from aigraph.curation import changes

    data_dir, history_dir, marker, where, count, label = sys.argv[1:7]
    settings = Settings.load({"data_dir": data_dir, "history_dir": history_dir,
                              "ontology_dir": sys.argv[7]}, environ={})
    store = open_store("", ontology_dir=settings.ontology_dir, data_dir=data_dir,
                       history_dir=history_dir)
    subject = URIRef("https://w3id.org/aigraph/id/gpt-neo")
    graph = changes.entity_graph(store, subject)
    for old in list(graph.objects(subject, RDFS.label)):
        if old.language == "it":
            graph.remove((subject, RDFS.label, old))
    graph.add((subject, RDFS.label, Literal(label, lang="it")))
    candidate = changes.propose(store, settings, subject, graph)
    real = getattr(os, where)
    calls = [0]
    def stopping(*args, **kwargs):
        calls[0] += 1
        if calls[0] == int(count):
            Path(marker).write_text("stopped")
            while True:
                time.sleep(1)
        return real(*args, **kwargs)
    setattr(os, where, stopping)
    changes.apply(store, settings, candidate, user="crash", if_match=changes.entity_etag(store, "gpt-neo"))
    Path(marker).write_text("done")
''')


def _run_writer(settings, tmp_path: Path, where: str, count: int, label: str) -> str:
    marker = tmp_path / f"marker-{where}-{count}"
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, settings.data_dir, settings.history_dir, str(marker),
         where, str(count), label, str(PROJECT_ROOT / "ontology")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                break
            assert time.monotonic() < deadline, "the writer neither stopped nor finished"
            time.sleep(0.05)
        if marker.exists() and marker.read_text() == "stopped":
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        errors = process.stderr.read().decode(errors="replace")
        process.stderr.close()
    assert marker.exists(), errors
    return marker.read_text()


def _data_graph(settings) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(Path(settings.data_dir).glob("*.ttl")):
        graph.parse(path, format="turtle")  # every file parses, whatever the crash
    return graph


def _italian_label(graph: rdflib.Graph) -> str:
    subject = rdflib.URIRef("https://w3id.org/aigraph/id/gpt-neo")
    return next(str(o) for o in graph.objects(subject, rdflib.RDFS.label) if o.language == "it")


def _history_files(settings) -> list[Path]:
    return sorted(Path(settings.history_dir).rglob("*.trig"))


# (what to stop at, which call, the state the files hold once recovered)
CRASH_POINTS = [
    ("fsync", 1, "old"),      # while the first temporary file is written
    ("fsync", 3, "old"),      # while the journal itself is written
    ("replace", 1, "old"),    # before the journal is renamed into place: nothing committed
    ("replace", 2, "new"),    # journal in place, no file replaced yet
    ("replace", 3, "new"),    # one file replaced, the other not yet
    ("replace", 0, "new"),    # not stopped: the write completes
]


@pytest.mark.parametrize(("where", "count", "expected"), CRASH_POINTS)
def test_a_writer_killed_mid_save_leaves_the_old_or_the_new_graph(cur_settings, tmp_path,
                                                                   where, count, expected):
    old = _data_graph(cur_settings)
    outcome = _run_writer(cur_settings, tmp_path, where, count, "Nuova etichetta")
    assert outcome == ("done" if count == 0 else "stopped")
    # Right after the kill every file parses and each holds its old or its new text.
    crashed = _data_graph(cur_settings)
    assert _italian_label(crashed) in ("GPT-Neo", "Nuova etichetta")
    # The next writer (or the server at start) finishes or undoes the cut commit.
    writer.recover(cur_settings)
    recovered = _data_graph(cur_settings)
    history = _history_files(cur_settings)
    if expected == "old":
        assert rdflib.compare.isomorphic(recovered, old)
        assert history == []
    else:
        assert _italian_label(recovered) == "Nuova etichetta"
        assert len(recovered) == len(old)
        assert len(history) == 1
    leftovers = [p for p in Path(cur_settings.data_dir).iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert not writer.journal_path(cur_settings).exists()


def test_killed_at_random_moments_the_data_is_always_old_or_new(cur_settings, tmp_path):
    # Bounded: a few kills at moments spread over the write.
    labels = ["GPT-Neo"]
    for attempt, count in enumerate((1, 2, 4, 2, 3)):
        where = "fsync" if attempt % 2 else "replace"
        label = f"Etichetta {attempt}"
        _run_writer(cur_settings, tmp_path, where, count, label)
        writer.recover(cur_settings)
        found = _italian_label(_data_graph(cur_settings))
        assert found in (labels[-1], label)
        if found == label:
            labels.append(label)
        # The history holds one record per change that landed, and no more.
        assert len(_history_files(cur_settings)) == len(labels) - 1


def test_a_journal_names_only_complete_files(cur_settings, tmp_path):
    from aigraph.curation import journal

    target = Path(cur_settings.data_dir) / "small.ttl"
    original = target.read_text()
    temp = journal._write_temp(target, original + "\n# new\n")
    journal_file = writer.journal_path(cur_settings)
    journal_file.write_text(json.dumps({"replace": [[str(temp), str(target)]]}))
    assert writer.recover(cur_settings) is True
    assert target.read_text().endswith("# new\n")
    assert not temp.exists() and not journal_file.exists()


TWO_WRITERS = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS
    from aigraph.settings import Settings
    from aigraph.store import open_store
    from aigraph.curation import changes
    from aigraph.curation.errors import PreconditionFailed

    data_dir, history_dir, go, label, etag, ontology = sys.argv[1:7]
    settings = Settings.load({"data_dir": data_dir, "history_dir": history_dir,
                              "ontology_dir": ontology}, environ={})
    store = open_store("", ontology_dir=ontology, data_dir=data_dir, history_dir=history_dir)
    subject = URIRef("https://w3id.org/aigraph/id/gpt-neo")
    graph = changes.entity_graph(store, subject)
    graph.add((subject, RDFS.comment, Literal(label)))
    candidate = changes.propose(store, settings, subject, graph)
    while not Path(go).exists():
        time.sleep(0.01)
    try:
        changes.apply(store, settings, candidate, user=label, if_match=etag)
        print("written")
    except PreconditionFailed:
        print("412")
''')


def test_two_processes_writing_one_entity_cannot_overwrite_each_other(cur_settings, cur_store,
                                                                      tmp_path):
    from aigraph.curation import changes

    etag = changes.entity_etag(cur_store, "gpt-neo")
    go = tmp_path / "go"
    processes = [subprocess.Popen(
        [sys.executable, "-c", TWO_WRITERS, cur_settings.data_dir, cur_settings.history_dir,
         str(go), label, etag, str(PROJECT_ROOT / "ontology")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE) for label in ("first", "second")]
    time.sleep(0.5)
    go.write_text("go")
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        results.append(out.decode().strip())
        assert process.returncode == 0, err.decode()
    assert sorted(results) == ["412", "written"]
    graph = _data_graph(cur_settings)
    comments = {str(o) for o in graph.objects(rdflib.URIRef("https://w3id.org/aigraph/id/gpt-neo"),
                                              rdflib.RDFS.comment)}
    assert len(comments) == 1
    assert len(_history_files(cur_settings)) == 1


def test_two_requests_with_one_etag_one_wins_one_gets_412(cur_client, token):
    body, etag = read(cur_client, "gpt-neo")
    bodies = [body.replace('"GPT-Neo"@it', f'"GPT-Neo {n}"@it') for n in (1, 2)]
    statuses = []
    barrier = threading.Barrier(2)

    def put(text):
        barrier.wait()
        response = cur_client.put("/id/gpt-neo", data=text,
                                  headers=auth(token, **{"If-Match": etag}))
        statuses.append(response.status_code)

    threads = [threading.Thread(target=put, args=(text,)) for text in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [204, 412]


def test_another_process_write_is_seen_by_a_running_site(cur_client, cur_settings, tmp_path):
    assert "Visto da fuori" not in read(cur_client, "gpt-neo")[0]
    assert _run_writer(cur_settings, tmp_path, "replace", 0, "Visto da fuori") == "done"
    assert "Visto da fuori" in read(cur_client, "gpt-neo")[0]
    assert os.path.exists(writer.lock_path(cur_settings))


def test_query_workers_follow_a_write(cur_app, cur_client, token):
    query = ('SELECT ?l WHERE { <https://w3id.org/aigraph/id/gpt-neo> '
             '<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = "it") }')

    def italian_label() -> str:
        response = cur_client.post("/sparql", data={"query": query},
                                   headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.data
        return response.get_json()["results"]["bindings"][0]["l"]["value"]

    assert italian_label() == "GPT-Neo"  # the workers start on the old data
    old_pids = cur_app.extensions["aigraph_executor"].worker_pids()
    body, etag = read(cur_client, "gpt-neo")
    changed = body.replace('"GPT-Neo"@it', '"GPT-Neo visto dai worker"@it')
    assert cur_client.put("/id/gpt-neo", data=changed,
                          headers=auth(token, **{"If-Match": etag})).status_code == 204
    assert italian_label() == "GPT-Neo visto dai worker"
    executor = cur_app.extensions["aigraph_executor"]
    assert executor.worker_pids() != old_pids
    # Only the current copy of the store is left on disk once the old workers are gone.
    copies = [p for p in Path(executor._config.location).parent.iterdir() if p.is_dir()]
    assert copies == [Path(executor._config.location)]
