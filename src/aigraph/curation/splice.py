"""Keep each data file as a list of canonical entity blocks, so a save splices one block.

A canonical data file (``aigraph.datafile``) is a head (comment and prefixes) followed by one
block per entity, in a fixed order (``datafile.sort_key``), and a block depends only on its
entity's own statements. So the canonical rendering of a file after a change is the rendering
before it, with the changed entities' blocks taken out and their new blocks put in at their
place: no need to parse and render the whole file again.

``FileIndex`` holds a file's blocks as the canonical rendering of the graph the file holds.
It is built once, by parsing and rendering the file, and reused while the file on disk is the
one it was built from or written from (same inode, time and size); any other writer (a hand
edit, ``aigraph format``, another process) changes that, and the next save builds it again.
Built this way, a spliced text is byte for byte what rendering the whole file would give,
whether or not the file on disk was canonical before (``tests/curation/test_splice.py``).
"""

from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef

from aigraph import datafile

Stamp = tuple[int, int, int] | None

_CACHE: dict[str, FileIndex] = {}
_CACHE_LOCK = threading.Lock()


def stamp_of(path: Path) -> Stamp:
    """What identifies one version of a file on disk (None when there is none)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


@dataclass
class FileIndex:
    """The canonical blocks of one data file, in order, with their sort keys."""

    path: Path
    stamp: Stamp
    head: str
    keys: list[tuple] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    subjects: dict[URIRef, tuple] = field(default_factory=dict)

    @classmethod
    def build(cls, path: Path) -> FileIndex:
        """Parse ``path`` and render each of its entities' blocks (empty when it is absent)."""
        stamp = stamp_of(path)
        index = cls(path, stamp, datafile.head(datafile.FILE_HEADERS.get(path.name, "")))
        if stamp is None:
            return index
        graph = Graph()
        graph.parse(data=path.read_text(encoding="utf-8"), format="turtle",
                    publicID=path.resolve().as_uri())
        named = {s for s in graph.subjects() if not isinstance(s, BNode)}
        ordered = sorted((datafile.sort_key(graph, s), s) for s in named)
        index.keys = [key for key, _s in ordered]
        index.blocks = [datafile.block(graph, s) for _key, s in ordered]
        index.subjects = {s: key for key, s in ordered}
        return index

    def copy(self) -> FileIndex:
        """A copy to change without touching this one."""
        return FileIndex(self.path, self.stamp, self.head, list(self.keys), list(self.blocks),
                         dict(self.subjects))

    def remove(self, subject: URIRef) -> None:
        """Take out the block of ``subject`` (nothing when the file has none)."""
        key = self.subjects.pop(subject, None)
        if key is None:
            return
        at = bisect.bisect_left(self.keys, key)
        del self.keys[at]
        del self.blocks[at]

    def put(self, graph: Graph, subject: URIRef) -> None:
        """Put in the block of ``subject`` as ``graph`` describes it, replacing any old one."""
        self.remove(subject)
        key = datafile.sort_key(graph, subject)
        at = bisect.bisect_left(self.keys, key)
        self.keys.insert(at, key)
        self.blocks.insert(at, datafile.block(graph, subject))
        self.subjects[subject] = key

    def text(self) -> str:
        """The file's canonical text."""
        return datafile.join(self.head, self.blocks)


def index_of(path: Path) -> FileIndex:
    """The index of ``path`` as it is on disk now (built again when the file changed)."""
    path = Path(path)
    with _CACHE_LOCK:
        known = _CACHE.get(str(path))
    if known is not None and known.stamp == stamp_of(path):
        return known
    built = FileIndex.build(path)
    with _CACHE_LOCK:
        _CACHE[str(path)] = built
    return built


def known(path: Path) -> FileIndex | None:
    """The index of ``path`` if one is kept and the file has not changed since (else None)."""
    with _CACHE_LOCK:
        index = _CACHE.get(str(path))
    return index if index is not None and index.stamp == stamp_of(Path(path)) else None


def written(indexes: dict[Path, FileIndex]) -> None:
    """Record that the texts of ``indexes`` are now on disk (call after the commit)."""
    with _CACHE_LOCK:
        for path, index in indexes.items():
            index.stamp = stamp_of(path)
            _CACHE[str(path)] = index


def forget(paths) -> None:
    """Drop what is known of ``paths`` (after a failed write: the next save reads them)."""
    with _CACHE_LOCK:
        for path in paths:
            _CACHE.pop(str(path), None)
