"""The data files that make the graph, and the version string derived from their contents.

Hashing is what decides a version, but hashing gigabytes at every start is slow, so a version
is remembered per process against the files' state (``state_key``): a later call on files in
the very same state gets it without reading them.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

#: A file changed this recently could change again within the same timestamp tick, keeping its
#: stat figures: its state is not trusted, its content is always read.
RACY_SECONDS = 2.0
#: Versions computed (or vouched for) in this process, by the files' state.
_KNOWN: dict[str, str] = {}


def data_files(ontology_dir: str | os.PathLike, data_dir: str | os.PathLike,
               history_dir: str | os.PathLike | None = None) -> list[Path]:
    """List the files that make the graph: the vocabulary, every data file, then the change
    history (TriG files, each naming its graph; see aigraph.curation.history)."""
    ontology = Path(ontology_dir) / "aigraph.ttl"
    data = sorted(Path(data_dir).rglob("*.ttl"))
    history = sorted(Path(history_dir).rglob("*.trig")) if history_dir else []
    return [ontology, *data, *history]


def state_key(files: Iterable[str | os.PathLike]) -> str | None:
    """A name for the files' current state: resolved paths, sizes, modification and change
    times, inodes. None when a file changed less than ``RACY_SECONDS`` ago.

    The change time cannot be set back by a program and an atomic replace gives a new inode,
    so an edit that keeps the size and the modification time still changes the key.
    """
    digest = hashlib.sha256()
    now = time.time_ns()
    for file in map(Path, files):
        stat = file.stat()
        if now - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_SECONDS * 1e9:
            return None
        digest.update(f"{file.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      f"{stat.st_ctime_ns}\0{stat.st_ino}\n".encode())
    return digest.hexdigest()[:24]


def remember_version(files: Iterable[str | os.PathLike], version: str) -> None:
    """Note that ``files``, in their current state, have ``version`` (known by other means)."""
    key = state_key(files)
    if key is not None:
        _KNOWN[key] = version


def files_version(files: Iterable[str | os.PathLike]) -> str:
    """Hash the names and contents of ``files`` into a short data-version string."""
    files = [Path(f) for f in files]
    key = state_key(files)
    if key is not None and key in _KNOWN:
        return _KNOWN[key]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:16]
    if key is not None and state_key(files) == key:  # unchanged while it was read
        _KNOWN[key] = version
    return version
