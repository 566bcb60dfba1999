"""Build the curation forms from the SHACL shapes: one field per property, grouped and ordered.

Nothing here knows Flask. ``build_forms(shapes, ontology)`` reads ``ontology/shapes.ttl`` and
``ontology/aigraph.ttl`` and returns one :class:`Form` per entity class (a class that a shape
with path ``rdfs:label`` targets). A class's fields are the property shapes that apply to it:

* shapes that target the class (``sh:targetClass``), directly or through a node shape's
  ``sh:property``;
* shapes that target the subjects of their own path (``sh:targetSubjectsOf``), when the
  ontology gives that property the class as ``rdfs:domain`` or ``schema:domainIncludes``,
  or gives it no domain at all (then it applies to every entity class).

All the shapes of one path merge into one field (the class shape says "at least one", the
value shape "an xsd:date, at most one"). ``sh:group`` and ``sh:order`` lay the fields out; the
widget follows from the constraints (see ``_widget``). Adding a property shape adds its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD
from rdflib.term import Node

from aigraph.namespaces import AIG, PREFIXES, compact

SCHEMA_DOMAIN_INCLUDES = URIRef(PREFIXES["schema"] + "domainIncludes")
LANGUAGES = ("en", "it")
#: Language-tagged properties written as a paragraph rather than a line.
LONG_TEXT = {DCTERMS.description, AIG.note}
#: Names of common terms the aigraph ontology does not define itself (a shape's sh:name wins).
COMMON_NAMES = {
    RDFS.label: {"en": "Name", "it": "Nome"},
    SKOS.altLabel: {"en": "Other names", "it": "Altri nomi"},
    DCTERMS.description: {"en": "Description", "it": "Descrizione"},
    DCTERMS.source: {"en": "Sources", "it": "Fonti"},
    OWL.sameAs: {"en": "Wikidata entity", "it": "Entità di Wikidata"},
}
COMMON_HELP = {
    DCTERMS.source: {"en": "The paper, the announcement or the model card (a web address).",
                     "it": "L'articolo, l'annuncio o la scheda del modello (un indirizzo web)."},
    OWL.sameAs: {"en": "http://www.wikidata.org/entity/Q…, only when the Q-number is certain.",
                 "it": "http://www.wikidata.org/entity/Q…, solo se il numero Q è certo."},
}
_WIDGET_BY_DATATYPE = {XSD.date: "date", XSD.integer: "number", XSD.decimal: "number",
                       XSD.boolean: "boolean", XSD.gYear: "year", XSD.anyURI: "url"}
#: Field defaults before any shape is read (none of them is a constraint).
_UNBOUNDED = None


@dataclass(frozen=True)
class Choice:
    """One value of a select: a term of a controlled list, or a value of ``sh:in``.

    ``iri`` is the value as the form sends it: an IRI, or a literal's text when ``literal``
    (then ``datatype`` and ``language`` rebuild it).
    """

    iri: str
    labels: dict[str, str]
    rank: float = 0
    literal: bool = False
    datatype: str | None = None
    language: str | None = None

    def label(self, lang: str) -> str:
        default = self.iri if self.literal else compact(self.iri)
        return self.labels.get(lang) or self.labels.get("en") or default

    def term(self) -> Node:
        """The RDF term this choice stands for."""
        if not self.literal:
            return URIRef(self.iri)
        return Literal(self.iri, lang=self.language,
                       datatype=URIRef(self.datatype) if self.datatype else None)


@dataclass(frozen=True)
class Field:
    """One input of a form, for one property.

    Fields:
        name: the form key, the compact property (``aig:releaseDate``); language inputs add
            ``@en`` / ``@it``.
        path: the property IRI.
        widget: ``text``, ``textarea``, ``date``, ``number``, ``year``, ``boolean``, ``select``,
            ``checkboxes`` (repeatable select), ``link`` (another entity) or ``url``.
        datatype: the literal datatype IRI, if any.
        languages: ``("en", "it")`` for language-tagged text, else empty.
        required: the shapes ask for at least one value (``sh:minCount``).
        repeatable: more than one value is allowed (no ``sh:maxCount 1``).
        choices: for selects, the allowed terms.
        link_classes: for links, the classes the linked entity may have.
        group, order: where the field goes (``sh:group``, ``sh:order``).
    """

    name: str
    path: str
    labels: dict[str, str]
    help: dict[str, str]
    widget: str
    datatype: str | None = None
    languages: tuple[str, ...] = ()
    required: bool = False
    repeatable: bool = False
    choices: tuple[Choice, ...] = ()
    link_classes: tuple[str, ...] = ()
    group: str | None = None
    order: float = 1e9
    pattern: str | None = None
    min_exclusive: float | None = None

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.name

    def help_text(self, lang: str) -> str:
        return self.help.get(lang) or self.help.get("en") or ""

    def input_names(self) -> list[str]:
        """The names of the inputs this field renders (one per language for text)."""
        return [f"{self.name}@{lang}" for lang in self.languages] or [self.name]


@dataclass(frozen=True)
class Group:
    """A titled section of a form (an ``sh:PropertyGroup``)."""

    iri: str | None
    labels: dict[str, str]
    order: float
    fields: tuple[Field, ...]

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or ""


@dataclass(frozen=True)
class Form:
    """The form of one class: its groups of fields, and values every instance carries."""

    cls: str
    key: str
    labels: dict[str, str]
    groups: tuple[Group, ...]
    fixed: tuple[tuple[str, Node], ...] = ()

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.key

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for g in self.groups for f in g.fields)

    def field(self, name: str) -> Field | None:
        """The field called ``name`` (an input name such as ``rdfs:label@it`` also works)."""
        base = name.split("@", 1)[0]
        return next((f for f in self.fields if f.name == base), None)

    def field_for_path(self, path: str) -> Field | None:
        return next((f for f in self.fields if f.path == str(path) or f.name == path), None)

    @property
    def paths(self) -> set[str]:
        return {f.path for f in self.fields} | {p for p, _ in self.fixed}


def class_key(cls: str) -> str:
    """The URL key of a class: its local name in lowercase words (``reading-path``)."""
    local = str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    out = "".join("-" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(local))
    return out


def _texts(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {o.language or "en": str(o) for o in graph.objects(subject, predicate)
            if isinstance(o, Literal)}


def _number(graph: Graph, subject: Node, predicate: URIRef, default: float) -> float:
    value = graph.value(subject, predicate)
    try:
        return float(value.toPython()) if isinstance(value, Literal) else default
    except (TypeError, ValueError):
        return default


# --- which shapes apply to a class -----------------------------------------------------------

def entity_classes(shapes: Graph) -> list[URIRef]:
    """Classes that get a form: those a shape about ``rdfs:label`` targets."""
    found = set()
    for shape in shapes.subjects(SH.path, RDFS.label):
        found.update(c for c in shapes.objects(shape, SH.targetClass) if isinstance(c, URIRef))
    return sorted(found)


def _domains(ontology: Graph, path: URIRef) -> set[URIRef]:
    return set(ontology.objects(path, RDFS.domain)) | set(
        ontology.objects(path, SCHEMA_DOMAIN_INCLUDES))


def shapes_for_class(shapes: Graph, ontology: Graph, cls: URIRef) -> list[Node]:
    """The property shapes that describe instances of ``cls`` (see the module docstring)."""
    found: list[Node] = []
    for shape in shapes.subjects(SH.targetClass, cls):
        if (shape, SH.path, None) in shapes:
            found.append(shape)
        found.extend(shapes.objects(shape, SH.property))
    for shape, target in shapes.subject_objects(SH.targetSubjectsOf):
        if shapes.value(shape, SH.path) != target:
            continue
        domains = _domains(ontology, target)
        if not domains or cls in domains:
            found.append(shape)
    return [s for s in dict.fromkeys(found) if isinstance(shapes.value(s, SH.path), URIRef)]


# --- merging the shapes of one path into a field -------------------------------------------

@dataclass
class _Merged:
    """Every constraint the shapes of one path put on it, merged."""

    path: URIRef
    min_count: int = 0
    max_count: int | None = _UNBOUNDED
    datatype: URIRef | None = None
    classes: list[URIRef] = field(default_factory=list)
    node: Node | None = None
    in_values: list[Node] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    unique_lang: bool = False
    node_kind: URIRef | None = None
    has_value: Node | None = None
    pattern: str | None = None
    min_exclusive: float | None = None
    group: Node | None = None
    order: float = 1e9
    names: dict[str, str] = field(default_factory=dict)

    def add(self, shapes: Graph, shape: Node) -> None:
        value = shapes.value
        if (n := value(shape, SH.minCount)) is not None:
            self.min_count = max(self.min_count, int(n))
        if (n := value(shape, SH.maxCount)) is not None:
            self.max_count = int(n) if self.max_count is None else min(self.max_count, int(n))
        self.datatype = value(shape, SH.datatype) or self.datatype
        self.classes += [c for c in shapes.objects(shape, SH["class"]) if c not in self.classes]
        self.node = value(shape, SH.node) or self.node
        if (lst := value(shape, SH["in"])) is not None:
            self.in_values = list(Collection(shapes, lst))
        if (lst := value(shape, SH.languageIn)) is not None:
            self.languages = [str(x) for x in Collection(shapes, lst)]
        self.unique_lang = self.unique_lang or bool(value(shape, SH.uniqueLang))
        self.node_kind = value(shape, SH.nodeKind) or self.node_kind
        self.has_value = value(shape, SH.hasValue) or self.has_value
        self.pattern = str(value(shape, SH.pattern) or "") or self.pattern
        if (n := value(shape, SH.minExclusive)) is not None:
            self.min_exclusive = float(n.toPython())
        self.group = self.group or value(shape, SH.group)
        self.order = min(self.order, _number(shapes, shape, SH.order, 1e9))
        self.names.update(_texts(shapes, shape, SH.name))


def _choices(ontology: Graph, cls: Node) -> tuple[Choice, ...]:
    """The instances of ``cls`` defined in the ontology (a controlled list), in rank order."""
    terms = []
    for term in set(ontology.subjects(RDF.type, cls)):
        if not isinstance(term, URIRef):
            continue
        labels = _texts(ontology, term, SKOS.prefLabel) or _texts(ontology, term, RDFS.label)
        terms.append(Choice(str(term), labels, -_number(ontology, term, AIG.rank, 0)))
    return tuple(sorted(terms, key=lambda c: (c.rank, c.label("en").lower())))


def _node_classes(shapes: Graph, node: Node) -> list[URIRef]:
    """Classes a node shape accepts: its ``sh:class``, or an ``rdf:type`` it must have."""
    found = list(shapes.objects(node, SH["class"]))
    for prop in shapes.objects(node, SH.property):
        if shapes.value(prop, SH.path) == RDF.type:
            for qualified in shapes.objects(prop, SH.qualifiedValueShape):
                if (lst := shapes.value(qualified, SH["in"])) is not None:
                    found += list(Collection(shapes, lst))
            if (lst := shapes.value(prop, SH["in"])) is not None:
                found += list(Collection(shapes, lst))
    return [c for c in found if isinstance(c, URIRef)]


def _widget(merged: _Merged, ontology: Graph, shapes: Graph) -> tuple[str, dict]:
    """Choose the widget and its extra settings from the merged constraints."""
    repeatable = merged.max_count is None or merged.max_count > 1
    if merged.in_values:
        choices = tuple(
            Choice(str(v), _texts(ontology, v, RDFS.label), 0, True,
                   str(v.datatype) if v.datatype else None, v.language)
            if isinstance(v, Literal) else Choice(str(v), _texts(ontology, v, RDFS.label))
            for v in merged.in_values)
        return ("checkboxes" if repeatable else "select"), {"choices": choices}
    classes = merged.classes or (_node_classes(shapes, merged.node) if merged.node else [])
    if classes:
        listed = [c for cls in classes for c in _choices(ontology, cls)]
        if listed:  # a controlled list in the ontology (categories, importance levels)
            return ("checkboxes" if repeatable else "select"), {"choices": tuple(listed)}
        return "link", {"link_classes": tuple(str(c) for c in classes)}
    datatype = merged.datatype or next(
        (r for r in ontology.objects(merged.path, RDFS.range) if str(r).startswith(str(XSD))), None)
    if merged.languages or merged.unique_lang or RDF.langString in set(
            ontology.objects(merged.path, RDFS.range)):
        widget = "textarea" if merged.path in LONG_TEXT else "text"
        return widget, {"languages": tuple(merged.languages or LANGUAGES)}
    if merged.node_kind == SH.IRI:
        return "url", {}
    return _WIDGET_BY_DATATYPE.get(datatype, "text"), {"datatype": str(datatype) if datatype else None}


def _field(merged: _Merged, ontology: Graph, shapes: Graph) -> Field:
    widget, extra = _widget(merged, ontology, shapes)
    languages = extra.get("languages", ())
    repeatable = (merged.max_count is None or merged.max_count > 1) and not languages
    labels = merged.names or _texts(ontology, merged.path, RDFS.label) or dict(
        COMMON_NAMES.get(merged.path, {}))
    help_ = _texts(ontology, merged.path, RDFS.comment) or dict(COMMON_HELP.get(merged.path, {}))
    return Field(
        name=compact(str(merged.path)), path=str(merged.path), labels=labels, help=help_,
        widget=widget, datatype=extra.get("datatype"), languages=languages,
        required=merged.min_count > 0, repeatable=repeatable and widget != "boolean",
        choices=extra.get("choices", ()), link_classes=extra.get("link_classes", ()),
        group=str(merged.group) if merged.group is not None else None, order=merged.order,
        pattern=merged.pattern, min_exclusive=merged.min_exclusive)


def build_form(shapes: Graph, ontology: Graph, cls: URIRef) -> Form:
    """Build the form of ``cls`` from the shapes (see the module docstring)."""
    merged: dict[URIRef, _Merged] = {}
    for shape in shapes_for_class(shapes, ontology, cls):
        path = shapes.value(shape, SH.path)
        if path == RDF.type:
            continue  # the class is the form's own
        merged.setdefault(path, _Merged(path)).add(shapes, shape)
    fixed = tuple((str(m.path), m.has_value) for m in merged.values() if m.has_value is not None)
    entities = {str(c) for c in entity_classes(shapes)}
    fields = [_field(m, ontology, shapes) for m in merged.values() if m.has_value is None]
    # A link to something that is not an entity (a path note, a blank node) has no form of
    # its own to pick or create it from; such statements are kept as they are on an edit.
    fields = [f for f in fields if f.widget != "link" or entities & set(f.link_classes)]
    fields.sort(key=lambda f: (f.order, f.name))
    groups: dict[str | None, list[Field]] = {}
    for f in fields:
        groups.setdefault(f.group, []).append(f)
    built = [Group(g, _texts(shapes, URIRef(g), RDFS.label) if g else {},
                   _number(shapes, URIRef(g), SH.order, 1e9) if g else 1e9, tuple(fs))
             for g, fs in groups.items()]
    built.sort(key=lambda g: (g.order, g.fields[0].order))
    return Form(str(cls), class_key(cls), _texts(ontology, cls, RDFS.label), tuple(built), fixed)


def build_forms(shapes: Graph, ontology: Graph,
                classes: Iterable[URIRef] | None = None) -> dict[str, Form]:
    """Build the form of every entity class, by URL key (``model``, ``organization`` ...)."""
    forms = (build_form(shapes, ontology, c) for c in (classes or entity_classes(shapes)))
    return {form.key: form for form in forms}
