"""The embedded store: the graph loaded from Turtle files into pyoxigraph, in memory or on disk.

Besides ``aigraph.formats``, only the store package imports pyoxigraph: this module, and the
term conversion and result writers it uses (``terms``, ``results``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import rdflib

from aigraph.errors import QuerySyntaxError, StoreError
from aigraph.store.files import data_files, files_version
from aigraph.store.interface import Bindings, Rows, Serialized, Store
from aigraph.store.results import graph_format, prefixes_for, serialize_capped, serialize_result
from aigraph.store.terms import new_graph, to_oxigraph, to_rdflib


class EmbeddedStore(Store):
    """The graph loaded from Turtle files into pyoxigraph, in memory or in a folder on disk."""

    kind = "embedded"

    def __init__(self, store: ox.Store, files: Sequence[Path] = (), version: str | None = None):
        self._store = store
        self.files = list(files)
        self._version = version or (files_version(self.files) if self.files else "empty")
        self._graph: rdflib.Graph | None = None
        self._graph_lock = threading.Lock()
        self._count: tuple[ox.Store, int] | None = None

    @classmethod
    def from_files(cls, files: Sequence[str | os.PathLike], path: str | os.PathLike | None = None
                   ) -> EmbeddedStore:
        """Load Turtle ``files`` into a new store (on disk at ``path`` when given)."""
        store = ox.Store(str(path)) if path is not None else ox.Store()
        paths = [Path(f) for f in files]
        for file in paths:
            # TriG files (the change history) carry their own named graph.
            fmt = ox.RdfFormat.TRIG if file.suffix == ".trig" else ox.RdfFormat.TURTLE
            try:
                store.load(path=str(file), format=fmt)
            except SyntaxError as error:
                raise StoreError(f"{file}:{error.lineno or '?'}: {error.msg}") from error
            except OSError as error:
                raise StoreError(f"{file}: {error}") from error
        if path is not None:
            store.flush()
        return cls(store, paths)

    @classmethod
    def from_dirs(cls, ontology_dir: str | os.PathLike, data_dir: str | os.PathLike,
                  path: str | os.PathLike | None = None) -> EmbeddedStore:
        """Load the vocabulary and every data file."""
        return cls.from_files(data_files(ontology_dir, data_dir), path)

    @classmethod
    def open_read_only(cls, path: str | os.PathLike, version: str) -> EmbeddedStore:
        """Open a store folder written by ``from_files(..., path)`` for reading, e.g. in a worker."""
        return cls(ox.Store.read_only(str(path)), version=version)

    def _query(self, query: str, bindings: Bindings | None):
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            return self._store.query(query, substitutions=subs or None)
        except SyntaxError as error:
            raise QuerySyntaxError(f"SPARQL syntax error: {error.msg}") from error

    def select(self, query: str, bindings: Bindings | None = None) -> Rows:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = tuple(v.value for v in result.variables)
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = to_rdflib(value)
            rows.append(row)
        return Rows(names, rows)

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> rdflib.Graph:
        result = self._query(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        graph = new_graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
        return graph

    def serialize_query(self, query: str, media_type: str) -> bytes:
        result = self._query(query, None)
        return serialize_result(result, media_type)

    def query_capped(self, query: str, media_type: str, max_rows: int) -> Serialized:
        return serialize_capped(self._query(query, None), media_type, max_rows)

    def graph(self) -> rdflib.Graph:
        # rdflib parses the same files: pyshacl is many times faster on rdflib's memory store.
        with self._graph_lock:
            if self._graph is None:
                graph = new_graph()
                if self.files:
                    # Only the default graph: named graphs (the history) are not validated.
                    for file in (f for f in self.files if f.suffix != ".trig"):
                        graph.parse(str(file), format="turtle")
                else:
                    data = self._store.dump(format=ox.RdfFormat.N_TRIPLES,
                                            from_graph=ox.DefaultGraph())
                    graph.parse(data=data.decode(), format="nt")
                self._graph = graph
            return self._graph

    def triple_count(self) -> int:
        # pyoxigraph counts by scanning every quad (a third of a millisecond on the shipped data,
        # seconds at millions of triples), and /healthz and the home page ask at every request:
        # count once per pyoxigraph store, which a write or reload replaces.
        store = self._store
        counted = self._count
        if counted is None or counted[0] is not store:
            counted = (store, len(store))
            self._count = counted
        return counted[1]

    def refresh(self, files: Sequence[str | os.PathLike] | None = None) -> None:
        """Reload from ``files`` (default: the same files) after a write; the version changes.

        Readers holding the old pyoxigraph store finish on it; new calls see the new one.
        """
        fresh = EmbeddedStore.from_files(files if files is not None else self.files)
        with self._graph_lock:
            self._store, self.files, self._version = fresh._store, fresh.files, fresh._version
            self._graph = None

    @property
    def version(self) -> str:
        return self._version

    def export(self, media_type: str) -> bytes:
        try:
            fmt = graph_format(media_type)
        except ValueError:
            raise ValueError(f"unsupported graph format {media_type}") from None
        return self._store.dump(format=fmt, from_graph=ox.DefaultGraph(),
                                prefixes=prefixes_for(fmt))
