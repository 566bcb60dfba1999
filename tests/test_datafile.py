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


# --- one writer at a time, and never over someone's edit -------------------------------------

def test_a_file_changed_since_it_was_read_is_not_overwritten(data_dir, tmp_path):
    from aigraph.datafile import StaleData, snapshot

    out = tmp_path / "out"
    write_data(_data_graph(data_dir), out)
    read = snapshot(out)
    graph = _data_graph(out)
    edited = sorted(out.glob("*.ttl"))[0]
    edited.write_text(edited.read_text() + "# a curator's edit\n")
    with pytest.raises(StaleData, match=edited.name):
        write_data(graph, out, read=read)
    assert edited.read_text().endswith("# a curator's edit\n")
    # A file added meanwhile is not removed as stale either.
    read = snapshot(out)
    (out / "new.ttl").write_text("# new\n")
    with pytest.raises(StaleData, match="new.ttl"):
        write_data(_data_graph(out), out, read=read)
    assert (out / "new.ttl").exists()


def test_the_write_lock_is_held_by_one_writer_at_a_time(tmp_path):
    import fcntl
    import subprocess
    import sys

    from aigraph.datafile import LOCK_NAME

    with subprocess.Popen(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from aigraph.datafile import data_lock\n"
             f"with data_lock(Path({str(tmp_path)!r})):\n"
             "    print('held', flush=True); sys.stdin.readline()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "held"
        with open(tmp_path / LOCK_NAME, "a+b") as handle:
            with pytest.raises(BlockingIOError):
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
        with open(tmp_path / LOCK_NAME, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again


def test_a_full_disk_during_a_save_leaves_the_old_file_intact(tmp_path):
    import subprocess
    import sys

    # A real write failure: the process may not grow any file past 4 KiB (RLIMIT_FSIZE), as
    # when a disk fills up mid-write.
    target = tmp_path / "models.ttl"
    target.write_text("# the old, complete file\n")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from aigraph.datafile import atomic_write\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        f"    atomic_write(Path({str(target)!r}), 'x' * 100_000)\n"
        "except OSError as error:\n"
        "    print('refused:', error.strerror); sys.exit(3)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 3, done.stderr
    assert "refused" in done.stdout
    assert target.read_text() == "# the old, complete file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["models.ttl"]
