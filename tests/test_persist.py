"""The on-disk store kept per data version: built once, reused, rebuilt on change, never half-made."""

from __future__ import annotations

import os
import time

import pytest

from aigraph.errors import StoreError
from aigraph.persist import READY, TRIPLES, open_prepared, prepare
from aigraph.store import EmbeddedStore


@pytest.fixture
def on_disk(settings, tmp_path):
    return settings.replace(store_path=str(tmp_path / "stores"))


def _edit(data_dir, old: str, new: str) -> None:
    small = data_dir / "small.ttl"
    small.write_text(small.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_built_once_then_reused(on_disk, store):
    folder = prepare(on_disk)
    assert folder.name == store.version and (folder / READY).exists()
    built = (folder / READY).stat().st_mtime_ns
    assert prepare(on_disk) == folder
    assert (folder / READY).stat().st_mtime_ns == built
    opened = EmbeddedStore.open_read_only(folder, folder.name)
    assert opened.triple_count() == store.triple_count()


def test_a_change_of_data_gets_a_new_folder_and_old_ones_go(on_disk, data_dir, tmp_path):
    first = prepare(on_disk)
    for number in range(4):
        _edit(data_dir, '"Mistral AI"@en' if number == 0 else f'"Mistral AI {number - 1}"@en',
              f'"Mistral AI {number}"@en')
        assert prepare(on_disk) != first
    versions = [p for p in (tmp_path / "stores").iterdir() if (p / READY).exists()]
    # The current one and the two before it (web workers may still be reading those).
    assert len(versions) == 3 and first not in versions


def test_broken_data_builds_nothing(on_disk, data_dir, tmp_path):
    (data_dir / "broken.ttl").write_text("id:x a aig:Model ;\n  rdfs:label \"x\" .\n@@@\n")
    with pytest.raises(StoreError, match="broken.ttl"):
        prepare(on_disk)
    assert [p for p in (tmp_path / "stores").iterdir() if not p.name.startswith(".")] == []


def test_web_workers_share_the_folder(on_disk, store):
    opened = open_prepared(on_disk)
    assert opened.shared_path == str(prepare(on_disk))
    assert opened.version == store.version
    # Small data is loaded in memory; past the limit the folder itself is queried.
    large = open_prepared(on_disk.replace(store_memory_limit_mb=0))
    assert large.shared_path == opened.shared_path and large.triple_count() == store.triple_count()
    assert large.files == opened.files


def test_remote_stores_need_no_folder(on_disk):
    assert prepare(on_disk.replace(store="http://127.0.0.1:9/sparql")) is None


def test_a_read_only_store_knows_its_size_from_the_build(on_disk, store):
    folder = prepare(on_disk)
    assert int((folder / TRIPLES).read_text()) == store.triple_count()
    large = open_prepared(on_disk.replace(store_memory_limit_mb=0))
    assert large._count is not None  # known before any count was asked for
    assert large.triple_count() == store.triple_count()
    # A folder built before the count was kept: counted on first use.
    (folder / TRIPLES).unlink()
    older = open_prepared(on_disk.replace(store_memory_limit_mb=0))
    assert older._count is None
    assert older.triple_count() == store.triple_count()


def test_a_version_is_remembered_by_state_and_forgotten_on_change(data_dir, monkeypatch):
    from aigraph.store import files as store_files
    from aigraph.store import files_version

    files = sorted(data_dir.glob("*.ttl"))
    monkeypatch.setattr(store_files, "RACY_SECONDS", 0)
    version = files_version(files)
    store_files.remember_version(files, "vouched-for")
    assert files_version(files) == "vouched-for"  # same state: not read again
    small = data_dir / "small.ttl"
    stat = small.stat()
    # Past one tick of the file system's clock, as RACY_SECONDS ensures outside this test.
    time.sleep(0.05)
    small.write_bytes(small.read_bytes().replace(b"Mistral AI", b"Mistral Ai", 1))
    os.utime(small, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert files_version(files) not in (version, "vouched-for")
    # Just changed: never taken on trust, whatever is remembered.
    monkeypatch.setattr(store_files, "RACY_SECONDS", 3600)
    store_files.remember_version(files, "stale")
    assert files_version(files) != "stale"
