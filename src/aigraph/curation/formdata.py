"""Move between an entity's triples and the values of its form, both ways. Nothing here knows Flask.

``form_values`` fills a form from the graph (what the edit page shows); ``parse_values`` reads a
submission back into the entity's triples. Values are taken as typed: a malformed date or
number becomes an ill-typed literal that the shapes then refuse with their own message, in the
curator's language, next to the field; only what the shapes cannot see (a choice not on the
list, a web address that is not one, a link text naming no entity) is reported here, as a
:class:`Problem` with a code the page translates.

Form values are a mapping from input name to a list of strings, as ``request.form.to_dict(flat=
False)`` gives them. Link inputs hold a name, a slug, ``id:slug`` or ``Name [slug]`` (what the
autocomplete fills in); a resolver function turns that text into entity IRIs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from aigraph.curation.forms import Field, Form
from aigraph.namespaces import SLUG_MAX, slug_of

#: Link text ending in ``[slug]``, as the autocomplete writes it.
BRACKETED_SLUG = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)*)\]\s*$")
_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|\\^`]')

#: ``resolve(text, classes)`` returns the IRIs of the entities of those classes that ``text`` names.
Resolver = Callable[[str, Sequence[str]], list[str]]
#: ``describe(iri)`` returns the text a link input shows for that entity.
Describer = Callable[[str], str]


@dataclass(frozen=True)
class Problem:
    """Something in a submission the shapes cannot judge.

    ``code`` is ``unresolved`` (no entity has that name), ``ambiguous`` (several have),
    ``choice`` (not one of the allowed values) or ``url`` (not a web address).
    """

    field: str
    code: str
    text: str
    candidates: tuple[str, ...] = ()


@dataclass
class Parsed:
    """The triples read from a form, and what could not be read."""

    graph: Graph
    problems: list[Problem] = field(default_factory=list)

    def unresolved(self) -> list[Problem]:
        return [p for p in self.problems if p.code == "unresolved"]


def slugify(text: str) -> str:
    """Make a slug from a name: ``Qwen2.5`` -> ``qwen2-5``, ``Mistral AI`` -> ``mistral-ai``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:SLUG_MAX].strip("-")
    return slug


def link_text(label: str, slug: str) -> str:
    """The text a link input holds for an entity: ``Qwen2 [qwen2]``."""
    return f"{label} [{slug}]"


def is_web_address(text: str) -> bool:
    """Tell whether ``text`` is an absolute http(s) address usable as an IRI."""
    if _BAD_IRI_CHARS.search(text):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# --- graph -> form ----------------------------------------------------------------------------

def _shown(term: Node, f: Field, describe: Describer) -> str:
    if f.widget == "link" and isinstance(term, URIRef):
        return describe(str(term))
    if f.widget == "boolean" and isinstance(term, Literal):
        return "true" if term.toPython() is True else "false" if term.toPython() is False else str(term)
    return str(term)


def form_values(form: Form, graph: Graph, subject: URIRef, describe: Describer) -> dict[str, list[str]]:
    """Return the input values that show ``subject``'s statements in ``form``."""
    values: dict[str, list[str]] = {}
    for f in form.fields:
        objects = sorted(graph.objects(subject, URIRef(f.path)), key=str)
        if f.languages:
            for lang in f.languages:
                texts = [str(o) for o in objects if isinstance(o, Literal) and o.language == lang]
                if texts:
                    values[f"{f.name}@{lang}"] = texts[:1]
        elif objects:
            values[f.name] = [_shown(o, f, describe) for o in objects]
    return values


# --- form -> graph ----------------------------------------------------------------------------

def _texts(values: Mapping[str, Sequence[str]], name: str) -> list[str]:
    return [t.strip() for t in values.get(name, ()) if t and t.strip()]


def _literal(f: Field, text: str) -> Literal:
    if f.widget in ("number", "year"):
        text = re.sub(r"[\s_\u202f\u00a0]", "", text)
    if f.datatype and f.datatype != str(XSD.string):
        return Literal(text, datatype=URIRef(f.datatype))
    return Literal(text)


def _term(f: Field, text: str, resolve: Resolver) -> Node | Problem:
    """Turn one submitted text into an RDF term for field ``f``, or say why it cannot."""
    if f.widget == "link":
        found = resolve(text, f.link_classes)
        if len(found) == 1:
            return URIRef(found[0])
        return Problem(f.name, "ambiguous" if found else "unresolved", text, tuple(found))
    if f.widget in ("select", "checkboxes"):
        choice = next((c for c in f.choices if c.iri == text), None)
        return choice.term() if choice is not None else Problem(f.name, "choice", text)
    if f.widget == "url":
        return URIRef(text) if is_web_address(text) else Problem(f.name, "url", text)
    if f.widget == "boolean":
        if text not in ("true", "false"):
            return Problem(f.name, "choice", text)
        return Literal(text == "true")
    return _literal(f, text)


def parse_values(form: Form, subject: URIRef, values: Mapping[str, Sequence[str]],
                 resolve: Resolver) -> Parsed:
    """Read the submitted ``values`` of ``form`` into the triples of ``subject``.

    Empty inputs are left out; a field that takes one value keeps the first one given.
    """
    graph = Graph()
    problems: list[Problem] = []
    graph.add((subject, RDF.type, URIRef(form.cls)))
    for path, value in form.fixed:
        graph.add((subject, URIRef(path), value))
    for f in form.fields:
        predicate = URIRef(f.path)
        if f.languages:
            for lang in f.languages:
                texts = _texts(values, f"{f.name}@{lang}")
                if texts:
                    graph.add((subject, predicate, Literal(texts[0], lang=lang)))
            continue
        texts = list(dict.fromkeys(_texts(values, f.name)))
        for text in texts if f.repeatable else texts[:1]:
            term = _term(f, text, resolve)
            if isinstance(term, Problem):
                problems.append(term)
            else:
                graph.add((subject, predicate, term))
    return Parsed(graph, problems)


def sub_values(values: Mapping[str, Sequence[str]], prefix: str) -> dict[str, list[str]]:
    """The values whose names start with ``prefix``, with the prefix taken off."""
    return {name[len(prefix):]: list(v) for name, v in values.items() if name.startswith(prefix)}


def _closure(graph: Graph, node: Node, out: Graph) -> None:
    """Copy the statements about a blank node, and those of the blank nodes below it."""
    for p, o in graph.predicate_objects(node):
        out.add((node, p, o))
        if isinstance(o, BNode):
            _closure(graph, o, out)


def keep_unshown(form: Form, old: Graph, subject: URIRef, new: Graph) -> Graph:
    """Return ``new`` plus the statements of ``subject`` that the form does not show.

    An edit changes only what the form shows: other names, path notes or a property without a
    shape stay as they were.
    """
    merged = Graph()
    merged += new
    shown = form.paths | {str(RDF.type)}
    for p, o in old.predicate_objects(subject):
        if str(p) in shown:
            continue
        merged.add((subject, p, o))
        if isinstance(o, BNode):
            _closure(old, o, merged)
    return merged


def slug_from(values: Mapping[str, Sequence[str]]) -> str:
    """The slug asked for, or one made from the English (then Italian) name."""
    given = _texts(values, "slug")
    if given:
        return given[0]
    for name in ("rdfs:label@en", "rdfs:label@it"):
        texts = _texts(values, name)
        if texts:
            return slugify(texts[0])
    return ""


def bracketed_slug(text: str) -> str | None:
    """The slug in ``Name [slug]`` or ``id:slug``, if the text is written that way."""
    match = BRACKETED_SLUG.search(text)
    if match:
        return match.group(1)
    if text.startswith("id:"):
        return slug_of("https://w3id.org/aigraph/id/" + text[3:])
    return None
