"""The data files that make the graph, and the version string derived from their contents."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path


def data_files(ontology_dir: str | os.PathLike, data_dir: str | os.PathLike,
               history_dir: str | os.PathLike | None = None) -> list[Path]:
    """List the files that make the graph: the vocabulary, every data file, then the change
    history (TriG files, each naming its graph; see aigraph.curation.history)."""
    ontology = Path(ontology_dir) / "aigraph.ttl"
    data = sorted(Path(data_dir).rglob("*.ttl"))
    history = sorted(Path(history_dir).rglob("*.trig")) if history_dir else []
    return [ontology, *data, *history]


def files_version(files: Iterable[Path]) -> str:
    """Hash the names and contents of ``files`` into a short data-version string."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
