"""The query workers' copies of the store: how each kind of store is prepared for them, and
the sweep of copies left behind by servers that died.

An embedded store is written to an on-disk pyoxigraph folder that workers open read-only; a
remote store needs no copy (workers forward queries to its URL).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from aigraph.query_worker import WorkerConfig
from aigraph.store import EmbeddedStore, Store

#: Temporary folders holding store copies are named ``aigraph-query-<server pid>-<random>``.
COPY_PREFIX = "aigraph-query-"


def prepare_embedded(store: Store, tmpdir: str, config: WorkerConfig,
                      folder: str = "store") -> WorkerConfig:
    """Write an on-disk copy of the embedded store for the workers to open read-only."""
    # A folder prepared for this very data version (aigraph.persist, under `aigraph serve`)
    # is opened by the workers as it is: no copy per web worker.
    in_memory = _data_bytes(store) <= config.memory_copy_bytes
    config = replace(config, in_memory=in_memory)
    shared = getattr(store, "shared_path", None)
    if shared and Path(shared).name == store.version:
        return replace(config, location=shared, version=store.version)
    files = getattr(store, "files", None)
    if not files:
        dump = Path(tmpdir) / "graph.nt"
        dump.write_bytes(store.export("application/n-triples"))
        files = [dump]
    path = Path(tmpdir) / folder
    # Loaded and flushed here, then released when ``copy`` goes, before workers open it.
    copy = EmbeddedStore.from_files(files, path=path)
    version = copy.version
    del copy
    return replace(config, location=str(path), version=version)


def _data_bytes(store: Store) -> int:
    """Size of the store's data files (a store without files counts as large)."""
    files = getattr(store, "files", None)
    if not files:
        return 2**62
    try:
        return sum(Path(f).stat().st_size for f in files)
    except OSError:
        return 2**62


def _prepare_remote(store: Store, tmpdir: str, config: WorkerConfig) -> WorkerConfig:
    return replace(config, location=store.query_url, version="remote")


#: How the workers' view of each kind of store (``Store.kind``) is prepared.
PREPARERS: dict[str, Callable[[Store, str, WorkerConfig], WorkerConfig]] = {
    "embedded": prepare_embedded,
    "remote": _prepare_remote,
}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep_stale_copies(tmp: str | None = None) -> None:
    """Delete store copies left by servers that died without cleaning up (SIGTERM, SIGKILL)."""
    for folder in Path(tmp or tempfile.gettempdir()).glob(COPY_PREFIX + "*"):
        pid = folder.name[len(COPY_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
