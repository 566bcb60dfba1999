"""Write the curated data files: the one module that writes under ``data/``.

Files are written in a canonical Turtle layout so that a change reads well in a git diff:
one block per entity, label and description first, then the class's own properties in a
fixed order, objects sorted; milestones in date order, everything else by slug. Every write
validates first (the caller passes a validator), goes to a temporary file in the same folder,
is flushed to disk, then atomically replaces the target.

Every writer holds ``data_lock(data_dir)`` while it writes, and passes what it read
(``snapshot``) so that ``write_data`` refuses, with ``StaleData``, to overwrite a file that
someone changed since: an edit made while ``aigraph format`` ran is never lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS, XSD

from aigraph.namespaces import AIG, ID_BASE, PREFIXES

#: The files entities go to, by class, and the file for anything else.
FILE_FOR_CLASS = {
    AIG.Milestone: "milestones.ttl",
    AIG.Model: "models.ttl",
    AIG.Organization: "organizations.ttl",
    AIG.License: "licenses.ttl",
    AIG.ReadingPath: "paths.ttl",
}
OTHER_FILE = "other.ttl"

FILE_HEADERS = {
    "milestones.ttl": "Milestones of AI history, in date order.",
    "models.ttl": "AI models and model families, by slug.",
    "organizations.ttl": "Organizations: labs, companies, universities, collectives, public bodies.",
    "licenses.ttl": "Licenses under which model weights and code are released.",
    "paths.ttl": "Reading paths: membership rules, ordering and per-step notes.",
    OTHER_FILE: "Other curated statements.",
}

_FIRST = [RDF.type, RDFS.label, SKOS.altLabel, DCTERMS.description]
_LAST = [DCTERMS.source, OWL.sameAs, AIG.lastReviewed]
_ORDER = {
    AIG.Milestone: [AIG.date, AIG.datePrecision, AIG.category, AIG.importance, AIG.involves,
                    AIG.buildsOn],
    AIG.Model: [AIG.developedBy, AIG.releaseDate, AIG.datePrecision, AIG.license,
                AIG.codeLicense, AIG.licenseChange, AIG.parameterCount,
                AIG.activeParameterCount, AIG.openWeights, AIG.basedOn, AIG.category,
                AIG.huggingFaceRepo],
    AIG.Organization: [AIG.organizationType, AIG.country, AIG.foundingYear],
    AIG.License: [AIG.spdxId, AIG.permitsCommercialUse, AIG.permitsDerivatives,
                  AIG.derivativeTerms, AIG.osiApproved],
    AIG.LicenseChange: [AIG.changeDate, AIG.datePrecision, AIG.previousLicense, AIG.newLicense],
    AIG.ReadingPath: [AIG.tagline, AIG.audience, AIG.memberCategory, AIG.minImportance,
                      AIG.requiresOpenWeights, AIG.memberInvolves, AIG.fromDate, AIG.toDate,
                      AIG.includes, AIG.excludes, AIG.ordering, AIG.stepNote],
    AIG.PathNote: [AIG.milestone, AIG.note],
}


def _prefixes_in_use() -> list[tuple[str, str]]:
    wanted = ["aig", "id", "rdfs", "skos", "dcterms", "owl", "foaf", "xsd"]
    return [(p, PREFIXES[p]) for p in wanted]


def _iri(term: URIRef) -> str:
    text = str(term)
    for prefix, base in _prefixes_in_use():
        local = text[len(base):]
        if text.startswith(base) and local and all(c.isalnum() or c in "-_" for c in local) \
                and not local.startswith("-"):
            return f"{prefix}:{local}"
    return f"<{text}>"


def _literal(term: Literal) -> str:
    if term.datatype == XSD.integer:
        return str(int(term))
    if term.datatype == XSD.boolean:
        return "true" if term.toPython() else "false"
    body = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = f'"{body}"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"{text}^^{_iri(term.datatype)}"
    return text


def _object_key(term) -> tuple:
    if isinstance(term, Literal):
        return (1, {"en": 0, "it": 1}.get(term.language or "", 2), str(term))
    return (0, 0, str(term))


def _predicate_order(graph: rdflib.Graph, subject) -> list[URIRef]:
    classes = list(graph.objects(subject, RDF.type))
    own = next((_ORDER[c] for c in classes if c in _ORDER), [])
    present = set(graph.predicates(subject))
    head = [p for p in _FIRST + own if p in present]
    tail = [p for p in _LAST if p in present and p not in head]
    middle = sorted(present - set(head) - set(tail), key=str)
    return head + middle + tail


def _render(graph: rdflib.Graph, subject, indent: int) -> list[str]:
    """Render the predicate-object list of ``subject`` as lines (no subject, no final dot)."""
    pad = " " * indent
    lines = []
    for predicate in _predicate_order(graph, subject):
        objects = sorted(graph.objects(subject, predicate), key=_object_key)
        name = "a" if predicate == RDF.type else _iri(predicate)
        rendered = []
        nested = []
        for obj in objects:
            if isinstance(obj, BNode):
                inner = _render(graph, obj, indent + 8)
                nested.append("[\n" + " ;\n".join(inner) + f"\n{pad}    ]")
            elif isinstance(obj, Literal):
                rendered.append(_literal(obj))
            else:
                rendered.append(_iri(obj))
        # Blank nodes have no stable name, so they are ordered by what they say.
        rendered += sorted(nested)
        joiner = " , " if all(len(r) < 40 for r in rendered) else f" ,\n{pad}    "
        lines.append(f"{pad}{name} " + joiner.join(rendered))
    return lines


def _sort_key(graph: rdflib.Graph, subject) -> tuple:
    date = graph.value(subject, AIG.date)
    return (str(date) if date is not None else "", str(subject))


def sort_key(graph: rdflib.Graph, subject) -> tuple:
    """The place of ``subject``'s block in a file: by date (milestones), then by IRI."""
    return _sort_key(graph, subject)


def head(header: str = "") -> str:
    """The lines a canonical file starts with: its comment, if any, and the prefixes."""
    out = [f"# {header}"] if header else []
    out += [f"@prefix {p}: <{b}> ." for p, b in _prefixes_in_use()]
    return "\n".join(out)


def block(graph: rdflib.Graph, subject) -> str:
    """Render one subject's block (its statements and blank nodes), without the blank line
    that separates blocks; it depends on nothing but the subject's own statements."""
    return _iri(subject) + "\n" + " ;\n".join(_render(graph, subject, 4)) + " ."


def join(head_text: str, blocks: Iterable[str]) -> str:
    """Assemble a file from its head and its blocks, already in order."""
    return head_text + "".join("\n\n" + b for b in blocks) + "\n"


def serialize(graph: rdflib.Graph, subjects: Iterable, header: str = "") -> str:
    """Render ``subjects`` of ``graph`` (IRIs; blank nodes are inlined) as canonical Turtle."""
    ordered = sorted(subjects, key=lambda s: _sort_key(graph, s))
    return join(head(header), (block(graph, s) for s in ordered))


def split_by_file(graph: rdflib.Graph) -> dict[str, list]:
    """Assign every named subject of ``graph`` to its data file by class."""
    files: dict[str, list] = {}
    for subject in set(graph.subjects()):
        if isinstance(subject, BNode):
            continue
        classes = set(graph.objects(subject, RDF.type))
        name = next((f for c, f in FILE_FOR_CLASS.items() if c in classes), OTHER_FILE)
        files.setdefault(name, []).append(subject)
    return files


#: The lock file every writer of a data folder holds (hidden, so it is never loaded as data).
LOCK_NAME = ".aigraph-write.lock"


class StaleData(ValueError):
    """A data file changed after it was read: writing would overwrite someone's edit."""


@contextlib.contextmanager
def data_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's write lock (an exclusive ``flock``) for the ``with`` block.

    Writers in other processes wait for it; readers never need it, since every file is
    replaced atomically.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_NAME, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def snapshot(data_dir: Path) -> dict[str, str | None]:
    """Fingerprint every Turtle file of ``data_dir`` (by name), to take before reading them."""
    return {p.name: _digest(p) for p in sorted(data_dir.glob("*.ttl"))}


def check_unchanged(data_dir: Path, read: dict[str, str | None], names: Iterable[str]) -> None:
    """Raise StaleData when a file in ``names`` differs from its fingerprint in ``read``.

    A file absent from ``read`` must still be absent. Call it while holding ``data_lock``.
    """
    changed = sorted(name for name in set(names) | set(read)
                     if _digest(data_dir / name) != read.get(name))
    if changed:
        raise StaleData("changed since they were read, so they are not overwritten: "
                        + ", ".join(changed) + ". Run the command again.")


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a flushed temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # Make the rename itself durable.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def canonical_files(graph: rdflib.Graph) -> dict[str, str]:
    """Return the canonical text of every data file for ``graph``, by file name."""
    return {name: serialize(graph, subjects, FILE_HEADERS.get(name, ""))
            for name, subjects in split_by_file(graph).items()}


def write_data(graph: rdflib.Graph, data_dir: Path,
               check: Callable[[rdflib.Graph], None] | None = None,
               read: dict[str, str | None] | None = None) -> list[Path]:
    """Write ``graph`` as the canonical set of data files, after ``check`` accepts it.

    ``check`` raises to refuse the graph; nothing is written then. ``read`` is the
    ``snapshot`` taken before the graph was read: when any file changed since, StaleData is
    raised and nothing is written. The whole write holds ``data_lock``. Files of the data
    folder that the new layout no longer uses are removed only after every new file is in
    place.
    """
    if check is not None:
        check(graph)
    files = canonical_files(graph)
    written = []
    with data_lock(data_dir):
        if read is not None:
            present = {p.name for p in data_dir.glob("*.ttl")}
            check_unchanged(data_dir, read, set(files) | present)
        for name, text in sorted(files.items()):
            path = data_dir / name
            atomic_write(path, text)
            written.append(path)
        for stale in sorted(set(data_dir.glob("*.ttl")) - set(written)):
            stale.unlink()
    return written


def is_entity(term) -> bool:
    """Tell whether ``term`` is an entity IRI of the graph."""
    return isinstance(term, URIRef) and str(term).startswith(ID_BASE)
