"""The store interface every backend answers: the ``Store`` base class and its result types.

Code outside the store package depends on this module only: ``select``/``ask``/``construct``
take parameters as bindings (never pasted into the text) and return rdflib terms; ``Rows``
holds SELECT results; ``Serialized`` is a user query already written in a media type, cut
at a row cap.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import rdflib
from rdflib.term import Node

#: Query parameters: variable name (without ``?``) -> the rdflib term it stands for.
Bindings = Mapping[str, Node]

#: The query that gives the whole graph.
ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class Rows:
    """SELECT results: the projected variables, in order, and one dict per solution."""

    variables: tuple[str, ...]
    rows: list[dict[str, Node]] = field(default_factory=list)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Serialized:
    """Serialised query results: bytes, media type, rows kept (None for ASK), whether cut."""

    body: bytes
    media_type: str
    rows: int | None = None
    truncated: bool = False


class Store(ABC):
    """A SPARQL-answering store holding the aigraph graph."""

    kind: str = "abstract"

    @abstractmethod
    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        """Run a SELECT query and return its rows as rdflib terms."""

    @abstractmethod
    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, query: str, bindings: Bindings | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT or DESCRIBE query and return the graph."""

    @abstractmethod
    def serialize_query(self, query: str, media_type: str) -> bytes:
        """Run any query and return its results serialised as ``media_type``."""

    @abstractmethod
    def query_capped(self, query: str, media_type: str, max_rows: int) -> Serialized:
        """Run a user query and serialise at most ``max_rows`` rows of it as ``media_type``."""

    @abstractmethod
    def graph(self) -> rdflib.Graph:
        """Return the whole graph as an rdflib graph (a copy callers must not modify)."""

    @abstractmethod
    def triple_count(self) -> int:
        """Count the triples in the store."""

    @property
    @abstractmethod
    def version(self) -> str:
        """A string that changes whenever the data changes."""

    def export(self, media_type: str) -> bytes:
        """Serialise the whole graph as ``media_type`` (a graph format of ``aigraph.formats``)."""
        return self.serialize_query(ALL_TRIPLES, media_type)

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release what the store holds."""

    def refresh(self, files: Sequence[str | os.PathLike] | None = None) -> None:  # noqa: B027
        """Forget what the store caches about its data, after a write (aigraph.curation)."""
