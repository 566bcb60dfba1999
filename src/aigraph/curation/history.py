"""Record changes as PROV-O in the named graph <https://w3id.org/aigraph/history>, read them back.

A change is a ``prov:Activity`` (and ``aig:Change``) associated with its curator, with start
and end times, a comment, the entities it ``aig:changes``, and one reified ``rdf:Statement``
per triple it added (``prov:generated``) or removed (``prov:invalidated``). Statements are
named ``<change IRI>#a1``, ``#r1``..., so a record holds no blank nodes and can go into one
SPARQL Update as well as into a TriG file. Blank nodes of the changed triples are written as
``.well-known/genid`` IRIs and turned back into blank nodes when read.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from aigraph import queries
from aigraph.namespaces import AIG, PREFIXES
from aigraph.store import Store

HISTORY_GRAPH = URIRef("https://w3id.org/aigraph/history")
CHANGE_BASE = "https://w3id.org/aigraph/change/"
CURATOR_BASE = "https://w3id.org/aigraph/curator/"
GENID = "https://w3id.org/aigraph/.well-known/genid/"
PROV = Namespace(PREFIXES["prov"])
CHANGE_ID_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")


def new_change_id(now: datetime | None = None) -> str:
    """Return a fresh change id: the UTC time, then random hex (sortable, unguessable)."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


def change_iri(change_id: str) -> URIRef:
    """Return the IRI of a change; raise ValueError on a malformed id."""
    if not CHANGE_ID_RE.fullmatch(change_id):
        raise ValueError(f"not a change id: {change_id!r}")
    return URIRef(CHANGE_BASE + change_id)


def curator_iri(user: str) -> URIRef:
    """Return the IRI that stands for a curator in the history."""
    return URIRef(CURATOR_BASE + re.sub(r"[^A-Za-z0-9._-]", "_", user))


def _skolem(term):
    return URIRef(GENID + str(term)) if isinstance(term, BNode) else term


def _unskolem(term):
    if isinstance(term, URIRef) and str(term).startswith(GENID):
        return BNode(str(term)[len(GENID):])
    return term


@dataclass(frozen=True)
class ChangeRecord:
    """One recorded change, as plain data (terms are rdflib terms)."""

    id: str
    user: str
    time: str
    comment: str = ""
    subjects: tuple[URIRef, ...] = ()
    added: frozenset = field(default_factory=frozenset)
    removed: frozenset = field(default_factory=frozenset)
    reverts: str = ""


def record_graph(record: ChangeRecord) -> Graph:
    """Describe ``record`` in PROV-O (the triples that go into the history graph)."""
    graph = Graph()
    node = change_iri(record.id)
    when = Literal(record.time, datatype=XSD.dateTime)
    agent = curator_iri(record.user)
    graph.add((node, RDF.type, PROV.Activity))
    graph.add((node, RDF.type, AIG.Change))
    graph.add((node, PROV.wasAssociatedWith, agent))
    graph.add((agent, RDF.type, PROV.Agent))
    graph.add((agent, RDFS.label, Literal(record.user)))
    graph.add((node, PROV.startedAtTime, when))
    graph.add((node, PROV.endedAtTime, when))
    if record.comment:
        graph.add((node, RDFS.comment, Literal(record.comment)))
    for subject in record.subjects:
        graph.add((node, AIG.changes, subject))
    if record.reverts:
        graph.add((node, AIG.reverts, change_iri(record.reverts)))
    for mark, link, triples in (("a", PROV.generated, record.added),
                                ("r", PROV.invalidated, record.removed)):
        for number, (s, p, o) in enumerate(sorted(triples), start=1):
            statement = URIRef(f"{node}#{mark}{number}")
            graph.add((node, link, statement))
            graph.add((statement, RDF.type, RDF.Statement))
            graph.add((statement, RDF.subject, _skolem(s)))
            graph.add((statement, RDF.predicate, p))
            graph.add((statement, RDF.object, _skolem(o)))
    return graph


def trig(record: ChangeRecord) -> str:
    """Render a record as a TriG document whose triples sit in the history graph."""
    graph = record_graph(record)
    for prefix in ("aig", "id", "prov", "rdf", "rdfs", "xsd"):
        graph.bind(prefix, PREFIXES[prefix], replace=True)
    turtle = graph.serialize(format="turtle")
    # Turtle statements are valid inside a TriG graph block; the prefixes stay outside it.
    head = [line for line in turtle.splitlines() if line.startswith("@prefix")]
    body = [line for line in turtle.splitlines() if not line.startswith("@prefix")]
    return ("\n".join(head) + f"\n\n{HISTORY_GRAPH.n3()} {{\n" + "\n".join(body).strip("\n")
            + "\n}\n")


def insert_block(record: ChangeRecord) -> str:
    """The record as the body of a ``GRAPH <history> { ... }`` block of a SPARQL Update."""
    lines = [" ".join(t.n3() for t in triple) + " ." for triple in sorted(record_graph(record))]
    return f"GRAPH {HISTORY_GRAPH.n3()} {{\n" + "\n".join(lines) + "\n}"


# --- reading ------------------------------------------------------------------------------

def _statements(store: Store, change: URIRef) -> tuple[set, set]:
    rows = queries.select(store, "curation/change_statements", change=change).rows
    added, removed = set(), set()
    for row in rows:
        triple = (_unskolem(row["s"]), row["p"], _unskolem(row["o"]))
        (added if row["kind"] == PROV.generated else removed).add(triple)
    return added, removed


def _records(store: Store, rows, with_statements: bool) -> list[ChangeRecord]:
    merged: dict[str, dict] = {}
    subjects: dict[str, set] = defaultdict(set)
    for row in rows:
        iri = str(row["change"])
        merged.setdefault(iri, row)
        if "entity" in row:
            subjects[iri].add(row["entity"])
    records = []
    for iri, row in merged.items():
        added = removed = set()
        if with_statements:
            added, removed = _statements(store, URIRef(iri))
        reverts = str(row["reverts"])[len(CHANGE_BASE):] if "reverts" in row else ""
        records.append(ChangeRecord(
            id=iri[len(CHANGE_BASE):], user=str(row.get("user", "")), time=str(row["time"]),
            comment=str(row.get("comment", "")), subjects=tuple(sorted(subjects[iri])),
            added=frozenset(added), removed=frozenset(removed), reverts=reverts))
    records.sort(key=lambda r: (r.time, r.id), reverse=True)
    return records


def history(store: Store, subject: URIRef, with_statements: bool = True) -> list[ChangeRecord]:
    """Return the changes to ``subject``, newest first."""
    rows = queries.select(store, "curation/history", subject=URIRef(subject)).rows
    return _records(store, rows, with_statements)


def recent(store: Store, n: int = 50, with_statements: bool = False) -> list[ChangeRecord]:
    """Return the ``n`` latest changes (at most 200), newest first."""
    rows = queries.select(store, "curation/recent").rows
    records = _records(store, rows, False)[:n]
    if with_statements:
        records = [get(store, r.id) for r in records]
    return records


def get(store: Store, change_id: str) -> ChangeRecord | None:
    """Return one change with its statements, or None when there is no such change."""
    try:
        iri = change_iri(change_id)
    except ValueError:
        return None
    rows = queries.select(store, "curation/change", change=iri).rows
    found = _records(store, rows, True)
    return found[0] if found else None
