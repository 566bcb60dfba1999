"""The invariant of every hostile write: the files are unchanged, or the change conforms, the
files parse, and the history records exactly that change (shared by the Hypothesis suites)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph

from aigraph.curation import history
from aigraph.settings import Settings
from aigraph.store import open_store
from aigraph.validate import load_graph, load_ontology, load_shapes, validate
from tests.curation.conftest import tree_digest

_SHAPES: dict[str, tuple[Graph, Graph]] = {}


@dataclass
class Snapshot:
    """What the data and history folders hold before an example."""

    digest: str
    records: frozenset[Path]
    data: Graph


def _records(settings: Settings) -> frozenset[Path]:
    return frozenset(Path(settings.history_dir).rglob("*.trig"))


def _data(settings: Settings) -> Graph:
    # load_graph raises ParseError (naming file and line) if any data file is broken.
    return load_graph(sorted(Path(settings.data_dir).rglob("*.ttl")))


def _named(triples) -> set:
    """The triples (of a graph or a set) without blank nodes, which have no stable names."""
    return {t for t in triples if not any(isinstance(term, BNode) for term in t)}


def take(settings: Settings, last: Snapshot | None = None) -> Snapshot:
    """Snapshot the folders; reuse ``last``'s parsed data when nothing changed since."""
    digest = tree_digest(settings.data_dir, settings.history_dir)
    if last is not None and last.digest == digest:
        return last
    return Snapshot(digest, _records(settings), _data(settings))


def check(settings: Settings, before: Snapshot, accepted: bool, what: str) -> Snapshot:
    """Assert the invariant after one example; return the new snapshot.

    ``accepted`` is whether the client was told the write succeeded (2xx, exit code 0).
    """
    after = take(settings, before)
    if after is before:
        return before
    assert accepted, f"files changed although the write was refused: {what}"
    assert not list(Path(settings.data_dir).rglob("*.tmp")), "a temporary file was left"
    new = sorted(after.records - before.records)
    assert len(new) == 1, f"expected one new history record, found {new}: {what}"
    if settings.ontology_dir not in _SHAPES:
        _SHAPES[settings.ontology_dir] = (load_shapes(settings.ontology_dir),
                                          load_ontology(settings.ontology_dir))
    shapes, ontology = _SHAPES[settings.ontology_dir]
    report = validate(after.data, shapes, ontology)
    assert report.conforms, f"a write that does not conform got through: {what}\n" \
        + report.format_text()
    # The history, read back from the files alone, records exactly what changed in data/.
    store = open_store("", ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
                       history_dir=settings.history_dir)
    record = history.get(store, new[0].stem)
    assert record is not None, f"the new history file holds no change: {new[0]}"
    added = _named(after.data) - _named(before.data)
    removed = _named(before.data) - _named(after.data)
    assert _named(record.added) == added and _named(record.removed) == removed, what
    return after
