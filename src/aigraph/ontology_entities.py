"""The entities the ontology's files describe (the categories, their scheme), as opposed to
those of ``data/``.

Curation writes only ``data/``: an entity defined in ``ontology/aigraph.ttl`` is changed there,
in a reviewed commit (``curation.changes.refuse_ontology_entities``), and its page offers no
edit form.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from aigraph.namespaces import ID_BASE
from aigraph.validate import load_ontology


@lru_cache(maxsize=4)
def _subjects(ontology_dir: str, stamp: tuple) -> frozenset[URIRef]:
    return frozenset(s for s in load_ontology(ontology_dir).subjects()
                     if isinstance(s, URIRef) and str(s).startswith(ID_BASE))


def ontology_subjects(ontology_dir: str | os.PathLike) -> frozenset[URIRef]:
    """The entities (``id:`` IRIs) that ``aigraph.ttl`` describes; read again when it changes."""
    stat = (Path(ontology_dir) / "aigraph.ttl").stat()
    return _subjects(str(ontology_dir), (stat.st_mtime_ns, stat.st_size))
