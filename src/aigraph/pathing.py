"""Serve reading paths from a store: defined paths, lineage, next and between, as plain data.

This module connects the pure engine (``aigraph.paths``) to a store. Named queries in
``queries/paths/`` read path definitions, evaluate membership rules and give the nodes and
edges of the path graph; the graph is built once per store and data version
(``store.version``) and reused. Paths come out as ``Path`` (plain dataclasses with texts in
the asked language, falling back to English), and from there as JSON (``to_json``), RDF
(``to_rdf``: an ordered schema:ItemList) or terminal text (``format_text``).
``check_paths`` validates the defined paths.
"""

from __future__ import annotations

import difflib
import json
import textwrap
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SDO

from aigraph import paths, queries
from aigraph.errors import BadRequest, NotFound
from aigraph.namespaces import AIG, ID_BASE, PREFIXES, VOCAB, compact, entity_iri, is_slug, slug_of
from aigraph.paths import Edge, Node, PathGraph, Reason, Step
from aigraph.store import Store

LANGUAGES = ("en", "it")
#: Where materialised path lists live; they describe a computation, not an entity.
PATHS_BASE = ID_BASE.removesuffix("id/") + "paths/"

_ORDERINGS = {str(AIG.DependencyOrder): paths.DEPENDENCY,
              str(AIG.ChronologicalOrder): paths.CHRONOLOGICAL}
_KIND_OF_TYPE = {str(AIG.Milestone): paths.MILESTONE, str(AIG.Model): paths.MODEL,
                 str(AIG.Organization): paths.ORGANIZATION}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "lineage": "What led to {0}",
        "next": "What came after {0}",
        "between": "From {0} to {1}",
        "note": "Why it matters to you",
        "reason": "Why it is here",
        "audience": "For",
        "start": "The starting point.",
        "target": "The entity you asked about.",
        "organizations": "No chain of milestones and models links them; this path goes "
                         "through the organizations involved.",
        "truncated": "Only {0} of {1} steps are shown.",
        "empty": "This path's rule selects no milestone.",
        "no_path": "No path links {0} and {1}: no chain of buildsOn, basedOn, involves or "
                   "developedBy links connects them in the graph.",
        "milestone": "Milestone", "model": "Model", "organization": "Organization",
        "buildsOn": "{0} builds on {1}",
        "basedOn": "{0} is based on {1}",
        "involves": "{0} is about {1}",
        "developedBy": "{0} was developed by {1}",
    },
    "it": {
        "lineage": "Che cosa ha portato a {0}",
        "next": "Che cosa è venuto dopo {0}",
        "between": "Da {0} a {1}",
        "note": "Perché ti riguarda",
        "reason": "Perché è qui",
        "audience": "Per chi",
        "start": "Il punto di partenza.",
        "target": "L'entità che hai chiesto.",
        "organizations": "Nessuna catena di tappe e modelli li collega; questo percorso passa "
                         "per le organizzazioni coinvolte.",
        "truncated": "Sono mostrate solo {0} tappe su {1}.",
        "empty": "La regola di questo percorso non seleziona alcuna tappa.",
        "no_path": "Nessun percorso collega {0} e {1}: nel grafo non c'è una catena di "
                   "collegamenti buildsOn, basedOn, involves o developedBy fra i due.",
        "milestone": "Tappa", "model": "Modello", "organization": "Organizzazione",
        "buildsOn": "{0} si basa su {1}",
        "basedOn": "{0} deriva da {1}",
        "involves": "{0} riguarda {1}",
        "developedBy": "{0} è stato sviluppato da {1}",
    },
}


# --- plain data ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """A controlled term shown on a step (an importance level or a category)."""

    id: str
    label: str


@dataclass(frozen=True)
class PathStep:
    """One step of a path, ready to show.

    ``note`` is the path's "why it matters to you" text (defined paths); ``reason`` says which
    edge brought the step onto a generated path, ``via`` is that edge's property (compact,
    e.g. ``aig:buildsOn``) and ``linked_to`` the slug of the step it links to. ``depends_on``
    lists the slugs of earlier steps this one depends on.
    """

    position: int
    slug: str
    iri: str
    kind: str
    title: str
    date: str | None = None
    importance: Term | None = None
    categories: tuple[Term, ...] = ()
    description: str | None = None
    note: str | None = None
    reason: str | None = None
    via: str | None = None
    linked_to: str | None = None
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Path:
    """An ordered path in one language: a defined reading path or a generated one.

    ``kind`` is ``defined``, ``lineage``, ``next`` or ``between``; ``slug`` is the path's
    slug for a defined path and ``{kind}/{slug}[/{slug}]`` for a generated one. ``subjects``
    are the slugs a generated path was asked about.
    """

    slug: str
    kind: str
    lang: str
    title: str
    steps: tuple[PathStep, ...]
    iri: str | None = None
    tagline: str | None = None
    audience: str | None = None
    introduction: str | None = None
    message: str | None = None
    truncated: bool = False
    subjects: tuple[str, ...] = ()

    @property
    def list_iri(self) -> str:
        """The IRI of the path's materialised schema:ItemList."""
        if self.kind == "between":
            return f"{PATHS_BASE}between?from={self.subjects[0]}&to={self.subjects[1]}"
        return PATHS_BASE + self.slug


@dataclass(frozen=True)
class PathSummary:
    """A defined path as listed: slug, IRI, title and tagline in one language."""

    slug: str
    iri: str
    title: str
    tagline: str | None = None


@dataclass(frozen=True)
class PathProblem:
    """One finding of ``check_paths``: which path, how bad, what, and where."""

    path: str
    severity: str  # "error" or "warning"
    code: str
    messages: dict[str, str]
    focus: tuple[str, ...] = ()

    def message(self, lang: str = "en") -> str:
        """Return the message in ``lang``, or in English."""
        return self.messages.get(lang) or self.messages["en"]


# --- the cache: one graph per store and data version ---------------------------------------

@dataclass
class _Facts:
    kind: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    date: str | None = None
    importances: dict[str, dict[str, str]] = field(default_factory=dict)
    categories: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class _Entry:
    version: str
    graph: PathGraph
    nodes: list[Node]
    edges: list[Edge]
    facts: dict[str, _Facts] = field(default_factory=dict)


_CACHE: weakref.WeakKeyDictionary[Store, _Entry] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _local(iri: Any) -> str:
    return str(iri).removeprefix(VOCAB)


def _bulk(store: Store, name: str) -> list[dict[str, str]]:
    """Run a parameterless named query and return its rows as plain strings.

    The whole graph comes through here, so the rows are read from SPARQL JSON rather than
    built as rdflib terms, which takes several times longer on a large graph (bench/).
    """
    body = store.serialize_query(queries.get(name).sparql, "application/sparql-results+json")
    return [{k: v["value"] for k, v in binding.items()}
            for binding in json.loads(body)["results"]["bindings"]]


def load_graph_data(store: Store) -> tuple[list[Node], list[Edge]]:
    """Read the nodes and edges of the path graph from ``store``."""
    nodes = []
    for row in _bulk(store, "paths/graph_nodes"):
        date, rank = row.get("date"), row.get("rank")
        nodes.append(Node(row["node"], row["kind"], date[:10] if date else None,
                          int(rank) if rank else 0))
    edges = [Edge(row["source"], _local(row["via"]), row["target"])
             for row in _bulk(store, "paths/graph_edges")]
    return nodes, edges


def _entry(store: Store) -> _Entry:
    version = store.version
    with _LOCK:
        entry = _CACHE.get(store)
        if entry is None or entry.version != version:
            nodes, edges = load_graph_data(store)
            entry = _Entry(version, paths.build_graph(nodes, edges), nodes, edges)
            _CACHE[store] = entry
        return entry


def path_graph(store: Store) -> PathGraph:
    """Return the path graph of ``store``'s current data, built on first use and then reused."""
    return _entry(store).graph


# --- lookups -------------------------------------------------------------------------------

def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise BadRequest(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def _pick(values: dict[str, str], lang: str) -> str | None:
    if not values:
        return None
    return values.get(lang) or values.get("en") or values[min(values)]


def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=5, cutoff=0.6)
    if not close:
        close = sorted(c for c in set(candidates) if word and (c.startswith(word) or word in c))[:5]
    return f"; did you mean {', '.join(close)}?" if close else ""


def resolve(store: Store, slug: str) -> str:
    """Return the IRI of the entity ``slug`` names in the path graph; raise NotFound with
    close matches when there is none."""
    graph = path_graph(store)
    iri = str(entity_iri(slug)) if is_slug(slug) else None
    if iri is not None and iri in graph.nodes:
        return iri
    known = [s for s in (slug_of(n) for n in graph.nodes) if s]
    raise NotFound(f"no milestone, model or organization named {slug!r}{_suggest(slug, known)}")


def _add_fact(facts: _Facts, row: dict) -> None:
    name, value, term = str(row["field"]), row["value"], row.get("term")
    lang = getattr(value, "language", None) or "en"
    if name == "type" and str(value) in _KIND_OF_TYPE:
        facts.kind = _KIND_OF_TYPE[str(value)]
    elif name == "label":
        facts.labels.setdefault(lang, str(value))
    elif name == "description":
        facts.descriptions.setdefault(lang, str(value))
    elif name == "date":
        facts.date = min(filter(None, [facts.date, str(value)[:10]]))
    elif name == "importance" and term is not None:
        facts.importances.setdefault(str(term), {}).setdefault(lang, str(value))
    elif name == "category" and term is not None:
        facts.categories.setdefault(str(term), {}).setdefault(lang, str(value))


_PREFETCH_BATCH = 400


def _prefetch(store: Store, entry: _Entry, iris: Iterable[str]) -> None:
    """Fetch the facts of every entity in ``iris`` not yet cached, in as few queries as possible."""
    missing = [iri for iri in dict.fromkeys(iris) if iri not in entry.facts]
    for start in range(0, len(missing), _PREFETCH_BATCH):
        batch = missing[start:start + _PREFETCH_BATCH]
        found = {iri: _Facts() for iri in batch}
        rows = queries.select_each(store, "paths/step_facts", "entity",
                                   [URIRef(iri) for iri in batch])
        for row in rows:
            _add_fact(found[str(row["entity"])], row)
        entry.facts.update(found)


def _facts(store: Store, entry: _Entry, iri: str) -> _Facts:
    if iri not in entry.facts:
        _prefetch(store, entry, [iri])
    return entry.facts[iri]


def _term_id(iri: str) -> str:
    return slug_of(iri) or _local(iri).lower()


def _title(store: Store, entry: _Entry, iri: str, lang: str) -> str:
    return _pick(_facts(store, entry, iri).labels, lang) or slug_of(iri) or iri


def _quoted(store: Store, entry: _Entry, iri: str, lang: str) -> str:
    title = _title(store, entry, iri, lang)
    node = entry.graph.nodes.get(iri)
    return f"“{title}”" if node is not None and node.kind == paths.MILESTONE else title


def _reason_text(store: Store, entry: _Entry, reason: Reason, lang: str) -> str:
    template = TEXTS[lang].get(reason.via, "{0} " + reason.via + " {1}")
    return template.format(_quoted(store, entry, reason.subject, lang),
                           _quoted(store, entry, reason.object, lang))


def _path_step(store: Store, entry: _Entry, step: Step, lang: str, note: str | None = None,
               reason: str | None = None) -> PathStep:
    facts = _facts(store, entry, step.iri)
    importance = None
    if facts.importances:
        # aig:importance is functional; should the data give two, pick one the same way always.
        term = min(facts.importances)
        importance = Term(_term_id(term), _pick(facts.importances[term], lang) or _term_id(term))
    categories = tuple(sorted((Term(_term_id(c), _pick(labels, lang) or _term_id(c))
                               for c, labels in facts.categories.items()),
                              key=lambda t: t.label.casefold()))
    if reason is None and step.reason is not None:
        reason = _reason_text(store, entry, step.reason, lang)
    return PathStep(
        position=step.position,
        slug=slug_of(step.iri) or step.iri,
        iri=step.iri,
        kind=step.kind,
        title=_title(store, entry, step.iri, lang),
        date=step.date or facts.date,
        importance=importance,
        categories=categories,
        description=_pick(facts.descriptions, lang),
        note=note,
        reason=reason,
        via=compact(VOCAB + step.reason.via) if step.reason else None,
        linked_to=(slug_of(step.reason.step) or step.reason.step) if step.reason else None,
        depends_on=tuple(slug_of(d) or d for d in step.depends_on),
    )


# --- defined paths -------------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    """A reading path's definition as stored: every property's values, by property IRI."""

    slug: str
    iri: str
    values: dict[str, list[Any]]

    def texts(self, prop: URIRef) -> dict[str, str]:
        """The language-tagged values of ``prop``, by language."""
        found: dict[str, str] = {}
        for value in self.values.get(str(prop), []):
            if isinstance(value, Literal):
                found.setdefault(value.language or "en", str(value))
        return found

    @property
    def ordering(self) -> str:
        """``paths.DEPENDENCY`` (the default) or ``paths.CHRONOLOGICAL``."""
        for value in self.values.get(str(AIG.ordering), []):
            return _ORDERINGS.get(str(value), paths.DEPENDENCY)
        return paths.DEPENDENCY


def _path_slugs(store: Store) -> list[str]:
    rows = queries.select(store, "paths/list")
    return sorted({slug_of(r["path"]) or str(r["path"]) for r in rows})


def definition(store: Store, slug: str) -> Definition:
    """Return the stored definition of the reading path ``slug``; NotFound when none."""
    rows = []
    if is_slug(slug):
        rows = queries.select(store, "paths/definition", path=entity_iri(slug)).rows
    if not rows:
        hint = _suggest(slug, _path_slugs(store))
        graph = path_graph(store)
        if not hint and is_slug(slug) and str(entity_iri(slug)) in graph.nodes:
            hint = f"; {slug} is an entity: try --lineage {slug} or --next {slug}"
        raise NotFound(f"no reading path named {slug!r}{hint}")
    values: dict[str, list[Any]] = {}
    for row in rows:
        values.setdefault(str(row["property"]), []).append(row["value"])
    return Definition(slug, str(entity_iri(slug)), values)


def members(store: Store, slug: str) -> list[str]:
    """Return the IRIs of the milestones the path's membership rule selects, sorted."""
    rows = queries.select(store, "paths/members", path=entity_iri(slug))
    return sorted({str(r["milestone"]) for r in rows})


def _notes(store: Store, iri: str) -> dict[str, dict[str, str]]:
    notes: dict[str, dict[str, str]] = {}
    for row in queries.select(store, "paths/step_notes", path=URIRef(iri)):
        by_lang = notes.setdefault(str(row["milestone"]), {})
        note = row.get("note")
        if isinstance(note, Literal):
            by_lang.setdefault(note.language or "en", str(note))
    return notes


def ordered_members(store: Store, slug: str) -> list[Step]:
    """Return the engine's ordered steps for the reading path ``slug`` (no texts)."""
    found = definition(store, slug)
    return paths.order(path_graph(store), members(store, slug), found.ordering)


def reading_path(store: Store, slug: str, lang: str = "en") -> Path:
    """Return the reading path ``slug``: its rule evaluated, ordered and annotated in ``lang``."""
    _check_lang(lang)
    found = definition(store, slug)
    entry = _entry(store)
    steps = paths.order(entry.graph, members(store, slug), found.ordering)
    notes = _notes(store, found.iri)
    _prefetch(store, entry, [s.iri for s in steps])
    shown = tuple(_path_step(store, entry, s, lang, note=_pick(notes.get(s.iri, {}), lang))
                  for s in steps)
    return Path(
        slug=slug, kind="defined", lang=lang, iri=found.iri, steps=shown,
        title=_pick(found.texts(rdflib.RDFS.label), lang) or slug,
        tagline=_pick(found.texts(AIG.tagline), lang),
        audience=_pick(found.texts(AIG.audience), lang),
        introduction=_pick(found.texts(rdflib.DCTERMS.description), lang),
        message=None if shown else TEXTS[lang]["empty"],
    )


def list_paths(store: Store, lang: str = "en") -> list[PathSummary]:
    """List the defined reading paths with their titles in ``lang``, by slug."""
    _check_lang(lang)
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for row in queries.select(store, "paths/list"):
        labels, taglines = found.setdefault(str(row["path"]), ({}, {}))
        for key, target in (("label", labels), ("tagline", taglines)):
            value = row.get(key)
            if isinstance(value, Literal):
                target.setdefault(value.language or "en", str(value))
    summaries = [PathSummary(slug_of(iri) or iri, iri, _pick(labels, lang) or iri,
                             _pick(taglines, lang))
                 for iri, (labels, taglines) in found.items()]
    return sorted(summaries, key=lambda s: s.slug)


# --- generated paths -----------------------------------------------------------------------

def _generated(store: Store, entry: _Entry, kind: str, subjects: tuple[str, ...],
               walk: paths.Walk, lang: str, total: int | None = None) -> Path:
    texts = TEXTS[lang]
    _prefetch(store, entry, [str(entity_iri(s)) for s in subjects]
              + [i for step in walk.steps for i in (step.iri, *_reason_iris(step))])
    names = [_title(store, entry, str(entity_iri(s)), lang) for s in subjects]
    steps = []
    last = len(walk.steps) - 1
    for i, step in enumerate(walk.steps):
        fallback = None
        if step.reason is None:
            if kind == "lineage" and i == last:
                fallback = texts["target"]
            elif kind in ("next", "between") and i == 0:
                fallback = texts["start"]
        steps.append(_path_step(store, entry, step, lang, reason=fallback))
    messages = []
    if walk.through_organizations:
        messages.append(texts["organizations"])
    if walk.truncated and total is not None:
        messages.append(texts["truncated"].format(len(steps), total))
    return Path(slug="/".join((kind, *subjects)), kind=kind, lang=lang,
                title=texts[kind].format(*names), steps=tuple(steps),
                message=" ".join(messages) or None, truncated=walk.truncated,
                subjects=subjects)


def _reason_iris(step: Step) -> tuple[str, ...]:
    reason = step.reason
    return (reason.subject, reason.object) if reason is not None else ()


def _check_bounds(limit: int | None, depth: int | None) -> None:
    if limit is not None and limit < 1:
        raise BadRequest("limit must be at least 1")
    if depth is not None and depth < 0:
        raise BadRequest("depth must be at least 0")


def _walk_from(store: Store, kind: str, walker, slug: str, lang: str, limit: int | None,
               depth: int | None) -> Path:
    _check_lang(lang)
    _check_bounds(limit, depth)
    iri = resolve(store, slug)
    entry = _entry(store)
    walk = walker(entry.graph, iri, limit, depth)
    total = walk.total if walk.truncated else None
    return _generated(store, entry, kind, (slug,), walk, lang, total)


def lineage_path(store: Store, slug: str, lang: str = "en", limit: int | None = None,
                 depth: int | None = None) -> Path:
    """Return what led to the entity ``slug``, oldest first, each step with its reason.

    ``depth`` keeps what lies within that many dependency edges; ``limit`` keeps the last
    steps, closest to the entity.
    """
    return _walk_from(store, "lineage", paths.lineage, slug, lang, limit, depth)


def next_path(store: Store, slug: str, lang: str = "en", limit: int | None = None,
              depth: int | None = None) -> Path:
    """Return what came after the entity ``slug``, starting from it, each step with its reason.

    ``depth`` keeps what lies within that many dependency edges; ``limit`` keeps the first
    steps.
    """
    return _walk_from(store, "next", paths.following, slug, lang, limit, depth)


def between_path(store: Store, source: str, target: str, lang: str = "en") -> Path:
    """Return a readable chain from ``source`` to ``target``; NotFound with a clear message
    when nothing links them."""
    _check_lang(lang)
    a, b = resolve(store, source), resolve(store, target)
    entry = _entry(store)
    try:
        walk = paths.between(entry.graph, a, b)
    except paths.NoPath as error:
        message = TEXTS[lang]["no_path"].format(_title(store, entry, a, lang),
                                                _title(store, entry, b, lang))
        raise paths.NoPath(a, b, message) from error
    return _generated(store, entry, "between", (source, target), walk, lang)


# --- output --------------------------------------------------------------------------------

def to_json(path: Path) -> dict[str, Any]:
    """Return the path as the JSON the contract names: slug, title and steps in path order."""
    def term(t: Term | None) -> dict[str, str] | None:
        return {"id": t.id, "label": t.label} if t else None

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
            "importance": term(s.importance),
            "categories": [term(c) for c in s.categories],
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


def format_text(path: Path, width: int = 88) -> str:
    """Render the path for a terminal: a header, then numbered steps with their notes."""
    texts = TEXTS[path.lang]
    wrap = textwrap.TextWrapper(width=width, break_long_words=False, break_on_hyphens=False)
    lines = [path.title, "=" * min(len(path.title), width)]
    if path.tagline:
        lines += wrap.wrap(path.tagline)
    if path.audience:
        lines += [""] + wrap.wrap(f"{texts['audience']}: {path.audience}")
    if path.introduction:
        lines += [""] + wrap.wrap(path.introduction)
    if path.message:
        lines += [""] + wrap.wrap(path.message)
    digits = len(str(len(path.steps))) if path.steps else 1
    indent = " " * (digits + 3)
    inner = textwrap.TextWrapper(width=width, initial_indent=indent, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False)
    for step in path.steps:
        facts = [step.date] if step.date else []
        facts.append(step.importance.label if step.importance else texts[step.kind])
        if step.categories:
            facts.append(", ".join(c.label for c in step.categories))
        lines += ["", f" {step.position:>{digits}}. " + " · ".join(facts)]
        lines += inner.wrap(step.title)
        if path.kind == "defined" and step.description:
            lines += inner.wrap(step.description)
        if step.note:
            lines += inner.wrap(f"{texts['note']}: {step.note}")
        if step.reason:
            lines += inner.wrap(f"{texts['reason']}: {step.reason}")
    return "\n".join(lines) + "\n"


def format_ttl(path: Path) -> str:
    """Render the materialised path as Turtle."""
    return to_rdf(path).serialize(format="turtle")


# --- checks --------------------------------------------------------------------------------

def _problem(path: str, severity: str, code: str, en: str, it: str,
             focus: Iterable[str] = ()) -> PathProblem:
    return PathProblem(path, severity, code, {"en": en, "it": it},
                       tuple(slug_of(f) or f for f in focus))


def check_paths(store: Store, slugs: Iterable[str] | None = None) -> list[PathProblem]:
    """Check the defined reading paths (all of them, or ``slugs``) and return the problems.

    Errors: a path whose rule selects nothing; a step without its note in English and in
    Italian; a step placed after a dependency dated later than itself; a rule whose order
    changes when the same graph is built from its edges in another order. Warnings: notes for
    milestones the rule does not select, included milestones the graph does not know, and
    dependency cycles among the steps.
    """
    entry = _entry(store)
    graph = entry.graph
    # The same data fed in reverse: the order must not depend on how the store lists it.
    mirrored = paths.build_graph(reversed(entry.nodes), reversed(entry.edges))
    problems: list[PathProblem] = []
    for slug in sorted(slugs) if slugs is not None else _path_slugs(store):
        found = definition(store, slug)
        selected = members(store, slug)
        steps = paths.order(graph, selected, found.ordering)
        if not steps:
            problems.append(_problem(
                slug, "error", "empty",
                f"Reading path {slug} is empty: its membership rule selects no milestone.",
                f"Il percorso {slug} è vuoto: la sua regola di appartenenza non seleziona "
                f"alcuna tappa."))
        unknown = sorted(m for m in selected
                         if m not in graph.nodes or graph.nodes[m].kind != paths.MILESTONE)
        if unknown:
            problems.append(_problem(
                slug, "warning", "unknown-member",
                f"Reading path {slug} includes entities the graph does not know as "
                f"milestones: {', '.join(slug_of(u) or u for u in unknown)}.",
                f"Il percorso {slug} include entità che il grafo non conosce come tappe: "
                f"{', '.join(slug_of(u) or u for u in unknown)}.", unknown))
        notes = _notes(store, found.iri)
        for step in steps:
            missing = [lang for lang in LANGUAGES if lang not in notes.get(step.iri, {})]
            if missing:
                name = slug_of(step.iri) or step.iri
                problems.append(_problem(
                    slug, "error", "note-missing",
                    f"Step {step.position} of {slug} ({name}) has no note in "
                    f"{' and '.join({'en': 'English', 'it': 'Italian'}[m] for m in missing)}.",
                    f"La tappa {step.position} di {slug} ({name}) non ha la nota in "
                    f"{' e '.join({'en': 'inglese', 'it': 'italiano'}[m] for m in missing)}.",
                    [step.iri]))
        stale = sorted(set(notes) - {s.iri for s in steps})
        if stale:
            names = ", ".join(slug_of(s) or s for s in stale)
            problems.append(_problem(
                slug, "warning", "note-unused",
                f"Reading path {slug} has notes for milestones its rule does not select: "
                f"{names}.",
                f"Il percorso {slug} ha note per tappe che la sua regola non seleziona: "
                f"{names}.", stale))
        for later, earlier in paths.backward_dates(graph, steps):
            a, b = slug_of(later) or later, slug_of(earlier) or earlier
            da, db = graph.nodes[later].date, graph.nodes[earlier].date
            problems.append(_problem(
                slug, "error", "date-backwards",
                f"In {slug}, {a} ({da}) depends on {b}, dated later ({db}): the dates go "
                f"backwards against a dependency.",
                f"In {slug}, {a} ({da}) dipende da {b}, che ha una data successiva ({db}): "
                f"le date vanno a ritroso rispetto a una dipendenza.", [later, earlier]))
        for cycle in paths.in_cycles(graph, selected):
            names = ", ".join(slug_of(c) or c for c in cycle)
            problems.append(_problem(
                slug, "warning", "cycle",
                f"In {slug}, these entities depend on one another in a circle: {names}; "
                f"they are ordered by date.",
                f"In {slug}, queste entità dipendono l'una dall'altra in cerchio: {names}; "
                f"sono ordinate per data.", cycle))
        again = paths.order(mirrored, members(store, slug), found.ordering)
        if [s.iri for s in again] != [s.iri for s in steps]:
            problems.append(_problem(
                slug, "error", "not-deterministic",
                f"The order of {slug} changes when the same graph is read in another order.",
                f"L'ordine di {slug} cambia se lo stesso grafo viene letto in un altro ordine."))
    return problems
