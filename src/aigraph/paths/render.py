"""Show a path: as the JSON the contract names, as RDF (an ordered schema:ItemList), as Turtle,
or as text for a terminal. Labels of the text form come from the Babel catalog."""

from __future__ import annotations

import textwrap
from typing import Any

import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SDO

from aigraph.i18n import translate
from aigraph.namespaces import AIG, PREFIXES, VOCAB, entity_iri
from aigraph.paths.model import Path, PathStep, Term


def _term(t: Term | None) -> dict[str, str] | None:
    return {"id": t.id, "label": t.label} if t else None


def to_json(path: Path) -> dict[str, Any]:
    """Return the path as the JSON the contract names: slug, title and steps in path order."""
    return {
        "slug": path.slug,
        "kind": path.kind,
        "lang": path.lang,
        "title": path.title,
        "iri": path.iri,
        "tagline": path.tagline,
        "audience": path.audience,
        "introduction": path.introduction,
        "message": path.message,
        "truncated": path.truncated,
        "steps": [{
            "position": s.position,
            "id": s.slug,
            "iri": s.iri,
            "kind": s.kind,
            "title": s.title,
            "date": s.date,
            "importance": _term(s.importance),
            "categories": [_term(c) for c in s.categories],
            "description": s.description,
            "note": s.note,
            "reason": s.reason,
            "via": s.via,
            "linked_to": s.linked_to,
            "depends_on": list(s.depends_on),
        } for s in path.steps],
    }


def to_rdf(path: Path) -> rdflib.Graph:
    """Materialise the path as an ordered schema:ItemList of schema:ListItem nodes.

    Each item has schema:position, schema:item (the entity) and schema:name; a generated
    step also has aig:reason (text, in the path's language) and aig:via (the edge's property).
    """
    graph = rdflib.Graph()
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base, replace=True)
    listing = URIRef(path.list_iri)
    graph.add((listing, RDF.type, SDO.ItemList))
    graph.add((listing, SDO.name, Literal(path.title, lang=path.lang)))
    graph.add((listing, SDO.numberOfItems, Literal(len(path.steps))))
    graph.add((listing, SDO.itemListOrder, SDO.ItemListOrderAscending))
    if path.iri:
        graph.add((listing, SDO.about, URIRef(path.iri)))
    for subject in path.subjects:
        graph.add((listing, SDO.about, entity_iri(subject)))
    for step in path.steps:
        item = URIRef(f"{path.list_iri}#step-{step.position}")
        graph.add((listing, SDO.itemListElement, item))
        graph.add((item, RDF.type, SDO.ListItem))
        graph.add((item, SDO.position, Literal(step.position)))
        graph.add((item, SDO.item, URIRef(step.iri)))
        graph.add((item, SDO.name, Literal(step.title, lang=path.lang)))
        if step.reason:
            graph.add((item, AIG.reason, Literal(step.reason, lang=path.lang)))
        if step.via:
            graph.add((item, AIG.via, URIRef(VOCAB + step.via.removeprefix("aig:"))))
        if step.note:
            graph.add((item, SDO.description, Literal(step.note, lang=path.lang)))
    return graph


def format_ttl(path: Path) -> str:
    """Render the materialised path as Turtle."""
    return to_rdf(path).serialize(format="turtle")


def kind_label(kind: str, lang: str) -> str:
    """Name a kind of step (milestone, model, organization) in ``lang``."""
    names = {"milestone": translate(lang, "Milestone"), "model": translate(lang, "Model"),
             "organization": translate(lang, "Organization")}
    return names.get(kind, kind)


def _wrapper(width: int, indent: str = "") -> textwrap.TextWrapper:
    return textwrap.TextWrapper(width=width, initial_indent=indent, subsequent_indent=indent,
                                break_long_words=False, break_on_hyphens=False)


def _header(path: Path, width: int) -> list[str]:
    wrap = _wrapper(width)
    lines = [path.title, "=" * min(len(path.title), width)]
    if path.tagline:
        lines += wrap.wrap(path.tagline)
    if path.audience:
        lines += [""] + wrap.wrap(translate(path.lang, "For: %(audience)s",
                                            audience=path.audience))
    if path.introduction:
        lines += [""] + wrap.wrap(path.introduction)
    if path.message:
        lines += [""] + wrap.wrap(path.message)
    return lines


def _step_lines(path: Path, step: PathStep, digits: int, inner: textwrap.TextWrapper) -> list[str]:
    lang = path.lang
    facts = [step.date] if step.date else []
    facts.append(step.importance.label if step.importance else kind_label(step.kind, lang))
    if step.categories:
        facts.append(", ".join(c.label for c in step.categories))
    lines = ["", f" {step.position:>{digits}}. " + " · ".join(facts)]
    lines += inner.wrap(step.title)
    if path.kind == "defined" and step.description:
        lines += inner.wrap(step.description)
    if step.note:
        lines += inner.wrap(translate(lang, "Why it matters to you: %(note)s", note=step.note))
    if step.reason:
        lines += inner.wrap(translate(lang, "Why it is here: %(reason)s", reason=step.reason))
    return lines


def format_text(path: Path, width: int = 88) -> str:
    """Render the path for a terminal: a header, then numbered steps with their notes."""
    lines = _header(path, width)
    digits = len(str(len(path.steps))) if path.steps else 1
    inner = _wrapper(width, " " * (digits + 3))
    for step in path.steps:
        lines += _step_lines(path, step, digits, inner)
    return "\n".join(lines) + "\n"
