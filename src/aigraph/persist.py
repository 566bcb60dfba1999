"""Keep the embedded store on disk between starts, one folder per data version, shared by processes.

Loading five million triples from Turtle takes minutes; opening a pyoxigraph store folder takes
milliseconds. ``prepare`` builds ``<store_path>/<version>/`` once (the version is the hash of
the data files, as ``Store.version``), in a temporary folder renamed into place when complete,
under a lock so that concurrent starters build it once. A later start with the same data reuses
it; a change of data builds a new folder, and folders older than the two newest are removed.

``open_prepared`` gives a web worker its store: the data loaded into memory when the files are
small (in-memory queries are several times faster), else the prepared folder opened read-only.
Either way the store carries ``shared_path``, the prepared folder, which the query executor's
workers open directly instead of writing a copy of their own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from aigraph.errors import StoreError
from aigraph.settings import Settings
from aigraph.store import EmbeddedStore, data_files, files_version
from aigraph.store.files import remember_version, state_key

#: Name of the marker written inside a version folder once it is complete.
READY = "aigraph-ready"
#: Name of the file inside a version folder holding its number of triples (written at build).
TRIPLES = "aigraph-triples"
#: Version folders kept besides the current one (old web workers may still read them).
KEEP = 2


def store_root(settings: Settings) -> Path:
    """The folder holding the version folders: ``store_path`` or one in the temp folder."""
    if settings.store_path:
        return Path(settings.store_path)
    return Path(tempfile.gettempdir()) / f"aigraph-store-{os.getuid()}"


def data_files_of(settings: Settings) -> list[Path]:
    """The files the embedded store is loaded from, for these settings."""
    return _files(settings)


def _files(settings: Settings) -> list[Path]:
    history = getattr(settings, "history_dir", "")
    if history:
        return data_files(settings.ontology_dir, settings.data_dir, history)
    return data_files(settings.ontology_dir, settings.data_dir)


def is_embedded(settings: Settings) -> bool:
    """True when the settings name the embedded store (not a remote endpoint)."""
    return not settings.store.startswith(("http://", "https://"))


@contextlib.contextmanager
def _locked(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(root: Path, current: Path) -> None:
    """Remove version folders beyond the ``KEEP`` newest besides ``current``, and broken builds."""
    folders = [p for p in root.iterdir() if p.is_dir() and p != current]
    for stale in [p for p in folders if p.name.startswith(".build-")]:
        pid = stale.name.split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(stale, ignore_errors=True)
    complete = sorted((p for p in folders if (p / READY).exists()),
                      key=lambda p: (p / READY).stat().st_mtime, reverse=True)
    for old in complete[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def _build(files: list[Path], folder: Path) -> None:
    """Load ``files`` into a new store folder, in a child process.

    RocksDB starts background threads that a later ``fork`` does not copy; a web worker forked
    from a process that once opened an on-disk store aborts at exit. So the process that forks
    the web workers never opens one itself.
    """
    code = ("import sys, pathlib; from aigraph.store import EmbeddedStore; "
            "built = EmbeddedStore.from_files(sys.argv[2:], path=sys.argv[1]); "
            f"(pathlib.Path(sys.argv[1]) / {TRIPLES!r}).write_text(str(built.triple_count()))")
    done = subprocess.run([sys.executable, "-c", code, str(folder), *map(str, files)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        lines = done.stderr.strip().splitlines()
        message = lines[-1] if lines else f"exit status {done.returncode}"
        raise StoreError(message.removeprefix("aigraph.errors.StoreError: "))


def prepare(settings: Settings) -> Path | None:
    """Make sure the on-disk store for the current data exists; return its folder.

    Returns None for a remote store. Raises StoreError (with ``file:line``) on broken data.
    """
    if not is_embedded(settings):
        return None
    files = _files(settings)
    root = store_root(settings)
    version = _known_version(root, files)
    if version is not None:
        remember_version(files, version)  # the store and the writer ask again in this process
    else:
        version = files_version(files)
    folder = root / version
    with _locked(root):
        if not (folder / READY).exists():
            build = root / f".build-{os.getpid()}-{version}"
            shutil.rmtree(build, ignore_errors=True)
            _build(files, build)
            shutil.rmtree(folder, ignore_errors=True)
            os.rename(build, folder)
            (folder / READY).write_text(version + "\n")
        _remember_version(root, files, version)
        _prune(root, folder)
    return folder


def _known_version(root: Path, files: list[Path]) -> str | None:
    """The version computed before for files in this very state, to skip hashing gigabytes."""
    key = state_key(files)
    if key is None:
        return None
    try:
        version = (root / ".versions" / key).read_text().strip()
    except OSError:
        return None
    return version if (root / version / READY).exists() else None


def built_from_current_files(settings: Settings) -> bool:
    """True when a complete on-disk store was built from the data files as they are now.

    Such files parsed when the store was built, so a start need not parse them again to find
    a syntax error. Only the cheap state of the files is compared (see ``state_key``).
    """
    if not is_embedded(settings):
        return False
    try:
        return _known_version(store_root(settings), _files(settings)) is not None
    except OSError:
        return False


def _remember_version(root: Path, files: list[Path], version: str) -> None:
    key = state_key(files)
    if key is not None:
        (root / ".versions").mkdir(exist_ok=True)
        (root / ".versions" / key).write_text(version + "\n")


def open_prepared(settings: Settings) -> EmbeddedStore | None:
    """Open the store a web worker queries (None for a remote store, which create_app opens)."""
    folder = prepare(settings)
    if folder is None:
        return None
    files = _files(settings)
    version = (folder / READY).read_text().strip()
    size = sum(f.stat().st_size for f in files)
    if size <= settings.store_memory_limit_mb * 2**20:
        store = EmbeddedStore.from_files(files)
    else:
        store = EmbeddedStore.open_read_only(folder, version, _triples(folder))
        store.files = list(files)
    store.shared_path = str(folder)
    return store


def _triples(folder: Path) -> int | None:
    """The number of triples counted when ``folder`` was built (None for older folders)."""
    try:
        return int((folder / TRIPLES).read_text())
    except (OSError, ValueError):
        return None
