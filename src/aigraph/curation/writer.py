"""Write a validated change: to ``data/`` and ``history/`` for the embedded store, or as one
SPARQL 1.1 Update to a remote store.

Embedded: under the write lock, the data files the changed entities live in (before and
after, by class: ``aigraph.datafile``) get the entities' blocks replaced in their canonical
layout (``splice``: only the changed blocks are rendered); with the change's history record
(one new TriG file) they are committed at once through ``journal``. The store then reloads, and other
processes see the lock file's text change (``sync``).

Remote: one ``DELETE { old } INSERT { new + history } WHERE { the entities are exactly as
read }`` request, so a concurrent change elsewhere makes it match nothing; the writer then
asks whether its history record is there.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from pathlib import Path

from rdflib import BNode, Graph, URIRef, Variable

from aigraph import datafile
from aigraph.curation import history, journal, splice
from aigraph.curation.errors import PreconditionFailed, WriteFailed
from aigraph.settings import Settings
from aigraph.store import EmbeddedStore, RemoteStore, Store, data_files, files_version

#: The lock file's text each store last loaded, so a change by another process is noticed.
_SEEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: The data version each store had right after this process last wrote its files: the
#: cached file blocks (``splice``) are trusted only while the store still has it.
_INDEXED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def lock_path(settings: Settings) -> Path:
    """The lock file that serialises writers of ``data_dir``: the same file as
    ``datafile.data_lock`` (``aigraph format``), so the two never write at once."""
    return Path(settings.data_dir) / datafile.LOCK_NAME


def journal_path(settings: Settings) -> Path:
    """The journal of the commit in progress, if any (git ignores it)."""
    return Path(settings.data_dir) / ".aigraph-write.journal"


def store_files(settings: Settings) -> list[Path]:
    """The files the embedded store loads: vocabulary, data, history."""
    return data_files(settings.ontology_dir, settings.data_dir, settings.history_dir)


def recover(settings: Settings) -> bool:
    """Finish or undo a commit cut by a crash (call with the lock held, or before serving)."""
    return journal.recover(journal_path(settings),
                           [Path(settings.data_dir), Path(settings.history_dir)])


def sync(store: Store, settings: Settings, thorough: bool = False) -> bool:
    """Reload an embedded store when the files changed under it; True if it reloaded.

    The quick check compares the lock file's text, which every commit renews; ``thorough``
    (used under the write lock) hashes the files themselves, as the store's version does.
    """
    if not isinstance(store, EmbeddedStore):
        return False
    current = journal.stamp(lock_path(settings))
    if _SEEN.get(store) == current and not thorough:
        return False
    _SEEN[store] = current
    files = store_files(settings)
    if files_version(files) == store.version:
        return False
    store.refresh(files)
    return True


# --- embedded -------------------------------------------------------------------------------

def _class_file(graph: Graph) -> str | None:
    names = list(datafile.split_by_file(graph))
    return names[0] if names else None


def files_with(data_dir: Path, subject: URIRef) -> list[Path]:
    """The data files that hold statements about ``subject`` (as the files are on disk now).

    A file whose blocks are known answers from them. Another is read only when its text has
    the entity (``id:slug`` or in full) at the start of a line, where a canonical file puts
    a subject; when no file has, every file that mentions it at all is read.
    """
    slug = str(subject).rsplit("/", 1)[-1]
    names = rf"(?:id:{re.escape(slug)}|<{re.escape(str(subject))}>)"
    as_subject = re.compile(rf"^{names}(?![\w-])", re.MULTILINE)
    anywhere = re.compile(rf"(?<![\w:/-]){names}(?![\w-])")
    paths = sorted(data_dir.rglob("*.ttl"))
    for pattern in (as_subject, anywhere):
        found = []
        for path in paths:
            index = splice.known(path)
            if index is None and not pattern.search(path.read_text(encoding="utf-8")):
                continue
            if subject in (index or splice.index_of(path)).subjects:
                found.append(path)
        if found:
            return found
    return []


def data_indexes(settings: Settings, before: Mapping[URIRef, Graph],
                 after: Mapping[URIRef, Graph]) -> dict[Path, splice.FileIndex]:
    """The new canonical blocks of every data file the change touches, by path.

    An entity stays in the file it lives in; a new one goes to the file of its class. Each
    file's text is its canonical rendering, made by splicing the changed blocks.
    """
    data_dir = Path(settings.data_dir)
    changed: dict[Path, splice.FileIndex] = {}

    def edit(path: Path) -> splice.FileIndex:
        if path not in changed:
            changed[path] = splice.index_of(path).copy()
        return changed[path]

    homes: dict[URIRef, list[Path]] = {}
    for subject, graph in before.items():
        if len(graph):
            homes[subject] = files_with(data_dir, subject)
            for path in homes[subject]:
                edit(path).remove(subject)
    for subject, graph in after.items():
        if not len(graph):
            continue
        found = homes.get(subject)
        path = found[0] if found else data_dir / (_class_file(graph) or datafile.OTHER_FILE)
        edit(path).put(graph, subject)
    return dict(sorted(changed.items()))


def data_texts(settings: Settings, before: Mapping[URIRef, Graph],
               after: Mapping[URIRef, Graph]) -> dict[Path, str]:
    """Render every data file the change touches, by path (see ``data_indexes``)."""
    return {path: index.text() for path, index in data_indexes(settings, before, after).items()}


def history_file(settings: Settings, change_id: str) -> Path:
    """Where the history record of a change goes: ``history_dir/YYYY/ID.trig``."""
    return Path(settings.history_dir) / change_id[:4] / f"{change_id}.trig"


def write_embedded(store: EmbeddedStore, settings: Settings, lock: journal.WriteLock,
                   before: Mapping[URIRef, Graph], after: Mapping[URIRef, Graph],
                   record: history.ChangeRecord) -> None:
    """Commit the data files and the history record, then reload the store (lock held)."""
    if _INDEXED.get(store) != store.version:
        # The files changed since this process last wrote them: read them again.
        splice.forget(Path(settings.data_dir).rglob("*.ttl"))
    indexes = data_indexes(settings, before, after)
    files: dict[Path, str] = {path: index.text() for path, index in indexes.items()}
    files[history_file(settings, record.id)] = history.trig(record)
    try:
        journal.commit(files, journal_path(settings))
    except BaseException as error:
        splice.forget(indexes)
        if not isinstance(error, OSError) or journal_path(settings).exists():
            raise  # past the commit point: the next writer, or start-up, finishes it
        # Before the journal nothing changed, and the temporary files are gone.
        raise WriteFailed(f"the change could not be written: {error.strerror or error}; "
                          "nothing was changed") from error
    splice.written(indexes)
    lock.touch()
    store.refresh(store_files(settings))
    _SEEN[store] = journal.stamp(lock_path(settings))
    _INDEXED[store] = store.version


# --- remote ---------------------------------------------------------------------------------

def _pattern(graph: Graph, prefix: str) -> list[str]:
    """Write triples as a pattern, blank nodes as variables (they cannot be named in updates)."""
    def term(node) -> str:
        if isinstance(node, BNode):
            return Variable(f"{prefix}{abs(hash(str(node))) % 10**12}").n3()
        return node.n3()
    return [f"{term(s)} {term(p)} {term(o)} ." for s, p, o in sorted(graph)]


def update_text(before: Mapping[URIRef, Graph], after: Mapping[URIRef, Graph],
                record: history.ChangeRecord, deletes: set[URIRef]) -> str:
    """The one SPARQL Update that makes the change if the entities are still as read."""
    delete, insert, where = [], [], []
    for number, (subject, old) in enumerate(sorted(before.items())):
        pattern = _pattern(old, f"old{number}_")
        delete += pattern
        where += pattern
        count = Variable(f"count{number}").n3()
        where.append(f"{{ SELECT (COUNT(*) AS {count}) WHERE {{ {subject.n3()} ?p{number} "
                     f"?o{number} }} }} FILTER({count} = {len(list(old.predicate_objects(subject)))})")
        if len(old) == 0:
            where.append(f"FILTER NOT EXISTS {{ {subject.n3()} ?p{number} ?o{number} }}")
    for subject in sorted(deletes):
        where.append(f"FILTER NOT EXISTS {{ ?x ?y {subject.n3()} FILTER(?x != {subject.n3()}) }}")
    for graph in after.values():
        insert += [" ".join(t.n3() for t in triple) + " ." for triple in sorted(graph)]
    insert.append(history.insert_block(record))
    return ("DELETE {\n" + "\n".join(delete) + "\n}\nINSERT {\n" + "\n".join(insert)
            + "\n}\nWHERE {\n" + "\n".join(where) + "\n}")


def write_remote(store: RemoteStore, before: Mapping[URIRef, Graph],
                 after: Mapping[URIRef, Graph], record: history.ChangeRecord,
                 deletes: set[URIRef]) -> None:
    """Send the change as one update; raise PreconditionFailed when it matched nothing."""
    store.update(update_text(before, after, record, deletes))
    landed = store.ask("ASK { GRAPH ?g { ?c ?p ?o } }",
                       {"g": history.HISTORY_GRAPH, "c": history.change_iri(record.id),
                        "p": URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")})
    if not landed:
        raise PreconditionFailed("the entity changed on the store while this change was made; "
                                 "read it again and retry")
