"""Read many entities from a Turtle or CSV file, for ``aigraph import`` (all or nothing).

Turtle: every subject must be an entity IRI (``id:slug``) or a blank node hanging from one;
each entity's statements replace what the graph holds for it. CSV: a header row names the
columns ``id``, ``type`` and any number of properties written ``prefix:name``, with ``@en``
or ``@it`` for language-tagged text; a cell may hold several values separated by `` | ``.
A value ``id:slug`` or ``http(s)://...`` is a link; other values take the datatype of the
property's ``rdfs:range`` in the vocabulary (dates, integers, booleans, years).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from aigraph.curation.entity import own_part
from aigraph.curation.errors import InvalidBody
from aigraph.datafile import is_entity
from aigraph.namespaces import AIG, ID_BASE, PREFIXES, entity_iri
from aigraph.validate import load_ontology

CLASSES = {"Milestone": AIG.Milestone, "Model": AIG.Model, "Organization": AIG.Organization,
           "License": AIG.License}
SEPARATOR = " | "


def read(path: Path, ontology_dir: str) -> dict[URIRef, Graph]:
    """Read the entities of a ``.ttl`` or ``.csv`` file; raise InvalidBody naming the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidBody(f"{path}: not UTF-8") from None
    if Path(path).suffix.lower() == ".csv":
        return read_csv(text, ontology_dir)
    return read_turtle(text, str(path))


def read_turtle(text: str, name: str = "the file") -> dict[URIRef, Graph]:
    """Split a Turtle document into one graph per entity."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:  # noqa: BLE001 - rdflib raises several kinds
        raise InvalidBody(f"{name} does not parse as Turtle: {error}") from None
    entities = {}
    for subject in sorted({s for s in graph.subjects() if not isinstance(s, BNode)}, key=str):
        if not is_entity(subject):
            raise InvalidBody(f"{name}: {subject} is not an entity IRI ({ID_BASE}slug)")
        entities[subject] = own_part(graph, subject)
    covered = Graph()
    for part in entities.values():
        covered += part
    if len(covered) != len(graph):
        raise InvalidBody(f"{name}: some blank nodes hang from no entity")
    return entities


def _property(column: str) -> tuple[URIRef, str | None]:
    name, _, lang = column.partition("@")
    prefix, _, local = name.partition(":")
    if prefix not in PREFIXES or not local:
        raise InvalidBody(f"unknown column {column!r}: write prefix:name, e.g. rdfs:label@en")
    return URIRef(PREFIXES[prefix] + local), (lang or None)


def _value(raw: str, prop: URIRef, lang: str | None, ranges: dict) -> URIRef | Literal:
    if lang:
        return Literal(raw, lang=lang)
    if raw.startswith("id:"):
        return entity_iri(raw[3:])
    if raw.startswith(("http://", "https://")):
        return URIRef(raw)
    datatype = ranges.get(prop)
    if datatype is not None and str(datatype).startswith(str(XSD)):
        return Literal(raw, datatype=datatype)
    return Literal(raw)


def read_csv(text: str, ontology_dir: str) -> dict[URIRef, Graph]:
    """Build one graph per row of a CSV file with a header (see the module docstring)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    ontology = load_ontology(ontology_dir)
    ranges = {p: o for p, o in ontology.subject_objects(RDFS.range)}
    entities: dict[URIRef, Graph] = {}
    for number, row in enumerate(rows, start=2):
        try:
            slug = (row.get("id") or "").strip()
            kind = (row.get("type") or "").strip()
            if kind not in CLASSES:
                raise InvalidBody(f"type is one of {', '.join(CLASSES)}, not {kind!r}")
            subject = entity_iri(slug)
            if subject in entities:
                raise InvalidBody(f"id:{slug} appears twice")
            graph = Graph()
            graph.add((subject, RDF.type, CLASSES[kind]))
            for column, cell in row.items():
                if column in ("id", "type") or column is None or not (cell or "").strip():
                    continue
                prop, lang = _property(column)
                for raw in (v.strip() for v in cell.split(SEPARATOR) if v.strip()):
                    graph.add((subject, prop, _value(raw, prop, lang, ranges)))
        except (InvalidBody, ValueError) as error:
            message = getattr(error, "message", None) or str(error)
            raise InvalidBody(f"line {number}: {message}") from None
        entities[subject] = graph
    if not entities:
        raise InvalidBody("the file holds no rows")
    return entities
