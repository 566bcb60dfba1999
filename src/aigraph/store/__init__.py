"""Own the query stores: the embedded pyoxigraph store and any remote SPARQL 1.1 endpoint.

Each part can be read alone: ``interface`` (the ``Store`` base class, ``Rows``,
``Serialized``), ``embedded`` (pyoxigraph), ``remote`` (SPARQL 1.1 over HTTP), ``binding``
(parameters as a VALUES block for endpoints without substitutions), ``results`` (writing
results in a media type, cut at a row cap), ``terms`` (term conversion) and ``files`` (the
data files and their version). ``open_store`` picks the store a setting names.
"""

from __future__ import annotations

from aigraph.errors import StoreError
from aigraph.store.binding import bind_values, inline_values
from aigraph.store.embedded import EmbeddedStore
from aigraph.store.files import data_files, files_version
from aigraph.store.interface import Bindings, Rows, Serialized, Store
from aigraph.store.remote import RemoteStore
from aigraph.store.results import parse_results, serialize_capped, serialize_result

__all__ = [
    "Bindings", "EmbeddedStore", "RemoteStore", "Rows", "Serialized", "Store", "bind_values",
    "data_files", "files_version", "inline_values", "open_store", "parse_results",
    "serialize_capped", "serialize_result",
]


def open_store(spec: str, *, ontology_dir: str, data_dir: str, update_url: str = "",
               path: str | None = None, history_dir: str = "", timeout: float = 30.0) -> Store:
    """Open the store named by ``spec``: empty for the embedded store, or an endpoint URL.

    ``history_dir`` adds the curation history (TriG files) to the embedded store; ``timeout``
    is how long a remote store may take to answer (``remote_timeout``).
    """
    if spec.startswith(("http://", "https://")):
        return RemoteStore(spec, update_url or None, timeout=timeout)
    if spec and spec != "embedded":
        raise StoreError(f"unknown store {spec!r}: leave it empty or give an http(s) URL")
    return EmbeddedStore.from_files(data_files(ontology_dir, data_dir, history_dir or None), path)
