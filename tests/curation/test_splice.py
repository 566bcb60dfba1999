"""Saves splice entity blocks into the data files, and the result is always the canonical
rendering (``aigraph format``) of the graph each file holds."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDFS, XSD

from aigraph import datafile
from aigraph.curation import changes, splice
from aigraph.curation.entity import entity_graph
from aigraph.namespaces import AIG, entity_iri
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import open_store

from .conftest import milestone_graph

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "data"
EXISTING = ["gpt-neo", "bloom", "mistral-7b", "deepseek-v3-release", "eleutherai", "mit"]
NEW = ["step-a", "step-b", "step-c", "step-d"]

days = st.dates().map(lambda d: f"{d.year % 400 + 1700:04d}-{d.month:02d}-{d.day:02d}")
operations = st.lists(st.one_of(
    st.tuples(st.just("review"), st.sampled_from(EXISTING), days),
    st.tuples(st.just("label"), st.sampled_from(EXISTING), st.text("abc xyz\"\\é", max_size=8)),
    st.tuples(st.just("put"), st.sampled_from(NEW), days),
    st.tuples(st.just("delete"), st.sampled_from(NEW), st.none()),
), min_size=1, max_size=5)


def _is_blank(term) -> bool:
    return isinstance(term, BNode)


def _graph_for(store, op: str, slug: str, value) -> Graph | None:
    subject = entity_iri(slug)
    graph = entity_graph(store, subject)
    if op == "review":
        graph.set((subject, AIG.lastReviewed, Literal(value, datatype=XSD.date)))
    elif op == "label":
        graph.set((subject, RDFS.label, Literal(f"Name {value}".strip(), lang="en")))
        graph.add((subject, RDFS.label, Literal("Nome", lang="it")))
        for old in list(graph.objects(subject, RDFS.label)):
            if old.language == "it" and str(old) != "Nome":
                graph.remove((subject, RDFS.label, old))
    elif op == "put":
        graph = milestone_graph(slug, day=value)
    else:
        graph = None
    return graph


def _run(ops, folder: Path) -> None:
    data = folder / "data"
    shutil.copytree(FIXTURES, data)
    options = Settings.load({"data_dir": str(data), "history_dir": str(folder / "history"),
                             "ontology_dir": str(PROJECT_ROOT / "ontology"),
                             "store": "", "update_url": ""}, environ={})
    store = open_store("", ontology_dir=options.ontology_dir, data_dir=options.data_dir,
                       history_dir=options.history_dir)
    initial = {p: p.read_text(encoding="utf-8") for p in data.glob("*.ttl")}
    for op, slug, value in ops:
        subject = entity_iri(slug)
        exists = changes.entity_etag(store, slug) is not None
        if op == "delete" and not exists:
            continue
        graph = _graph_for(store, op, slug, value)
        candidate = changes.propose(store, options, subject, graph)
        if not candidate.added and not candidate.removed:
            continue
        assert candidate.conforms, candidate.to_json()
        changes.apply(store, options, candidate, user="ada",
                      if_match=changes.entity_etag(store, slug))
    for path in sorted(data.glob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        if initial.get(path) == text:
            continue  # never written: the fixture's own layout
        graph = Graph().parse(data=text, format="turtle")
        subjects = [s for s in set(graph.subjects()) if not _is_blank(s)]
        assert text == datafile.serialize(graph, subjects, datafile.FILE_HEADERS.get(path.name, ""))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops=operations)
def test_random_saves_leave_every_written_file_canonical(ops):
    with tempfile.TemporaryDirectory() as folder:
        _run(ops, Path(folder))


def test_a_file_edited_by_hand_is_read_again(cur_store, cur_settings):
    data = Path(cur_settings.data_dir)
    first = milestone_graph("step-a", day="2001-01-01")
    changes.apply(cur_store, cur_settings, changes.propose(cur_store, cur_settings,
                                                           entity_iri("step-a"), first),
                  user="ada")
    target = data / "milestones.ttl"
    # Someone adds a milestone by hand, in a layout of their own.
    by_hand = Graph().parse(target, format="turtle")
    by_hand += milestone_graph("step-b", day="1999-05-05")
    target.write_text(by_hand.serialize(format="turtle"), encoding="utf-8")
    second = milestone_graph("step-c", day="2000-02-02")
    changes.apply(cur_store, cur_settings, changes.propose(cur_store, cur_settings,
                                                           entity_iri("step-c"), second),
                  user="ada")
    text = target.read_text(encoding="utf-8")
    graph = Graph().parse(data=text, format="turtle")
    assert {"step-a", "step-b", "step-c"} <= {str(s).rsplit("/", 1)[-1] for s in graph.subjects()}
    subjects = [s for s in set(graph.subjects()) if not _is_blank(s)]
    assert text == datafile.serialize(graph, subjects, datafile.FILE_HEADERS["milestones.ttl"])
    assert text.index("id:step-b") < text.index("id:step-c") < text.index("id:step-a")


def test_a_failed_write_forgets_the_blocks(tmp_path):
    path = tmp_path / "models.ttl"
    index = splice.index_of(path)
    assert index.blocks == [] and index.stamp is None
    path.write_text(datafile.head(datafile.FILE_HEADERS["models.ttl"]) + "\n", encoding="utf-8")
    assert splice.index_of(path) is not index
    splice.forget([path])
    assert splice.index_of(path).stamp == splice.stamp_of(path)
