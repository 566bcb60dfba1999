"""The data writer: canonical, lossless, idempotent Turtle, written atomically after a check."""

import os

import pytest
import rdflib
from rdflib.compare import isomorphic

from aigraph.datafile import atomic_write, serialize, split_by_file, write_data


def _data_graph(data_dir) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(data_dir.glob("*.ttl")):
        graph.parse(path)
    return graph


def test_round_trip_is_lossless_and_split_by_class(data_dir, tmp_path):
    graph = _data_graph(data_dir)
    out = tmp_path / "out"
    written = write_data(graph, out)
    assert {p.name for p in written} >= {"milestones.ttl", "models.ttl",
                                         "organizations.ttl", "licenses.ttl"}
    assert isomorphic(_data_graph(out), graph)


def test_writing_twice_gives_identical_text(data_dir, tmp_path):
    graph = _data_graph(data_dir)
    first = {p.name: p.read_text() for p in write_data(graph, tmp_path / "a")}
    again = {p.name: p.read_text() for p in write_data(_data_graph(tmp_path / "a"), tmp_path / "b")}
    assert first == again


def test_milestones_are_in_date_order(data_dir):
    graph = _data_graph(data_dir)
    text = serialize(graph, split_by_file(graph)["milestones.ttl"])
    order = [line for line in text.splitlines() if line.startswith("id:")]
    assert order[0] == "id:gpt-neo-release" and order[-1] == "id:deepseek-r1-release"


def test_a_refused_graph_writes_nothing(data_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "milestones.ttl").write_text("# untouched\n")

    def refuse(graph):
        raise ValueError("does not conform")

    with pytest.raises(ValueError):
        write_data(_data_graph(data_dir), out, check=refuse)
    assert (out / "milestones.ttl").read_text() == "# untouched\n"


def test_atomic_write_leaves_no_temporary_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "x.ttl"
    target.write_text("old\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ttl"]
