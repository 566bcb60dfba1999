"""A change as a curator prepares it in a form: the entity, and the new entities it links to.

Nothing here knows Flask. ``read_draft`` takes the submitted values of a form and returns a
:class:`Draft`: the triples of the main entity and of every new entity created inline (a link
text that names no existing entity opens a sub-form for a new one, prefilled with that name),
plus what could not be read. ``Draft.place`` puts the shapes' violations next to the inputs
they concern: the focus picks the entity (main form or sub-form), ``sh:resultPath`` the field,
and for a text in two languages the input of the language that is missing.

Sub-form inputs are named ``new-N.<input>``, with ``new-N.class`` (the class key),
``new-N.text`` (the link text it answers), ``new-N.field`` (the link field) and ``new-N.slug``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from aigraph.curation.formdata import (
    Problem,
    bracketed_slug,
    keep_unshown,
    parse_values,
    slug_from,
    slugify,
    sub_values,
)
from aigraph.curation.forms import Form
from aigraph.curation.linking import Index, normalize
from aigraph.namespaces import ID_BASE, entity_iri, is_slug

_SUB = re.compile(r"^new-(\d+)\.class$")
#: At most this many new entities in one change (a guard against a runaway form).
MAX_NEW = 8


@dataclass
class Sub:
    """A new entity created inside the change, from a sub-form."""

    number: int
    form: Form
    text: str
    field: str
    slug: str
    values: dict[str, list[str]]
    graph: Graph | None = None
    #: Opened by this very submission: the curator has not seen it yet.
    fresh: bool = False

    @property
    def prefix(self) -> str:
        return f"new-{self.number}."

    @property
    def subject(self) -> URIRef | None:
        return entity_iri(self.slug) if is_slug(self.slug) else None

    def answers(self, text: str) -> bool:
        """Tell whether a link text names this new entity."""
        if bracketed_slug(text) == self.slug and self.slug:
            return True
        names = {normalize(self.text), *(normalize(v[0]) for k, v in self.values.items()
                                          if k.startswith("rdfs:label@") and v)}
        return normalize(text) in names - {""}


@dataclass
class Draft:
    """The entity being created or edited, the new entities it brings, and their problems."""

    form: Form
    slug: str
    creating: bool
    values: dict[str, list[str]]
    graph: Graph
    subs: list[Sub] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    slug_problem: str = ""

    @property
    def subject(self) -> URIRef | None:
        return entity_iri(self.slug) if is_slug(self.slug) else None

    def graphs(self) -> dict[URIRef, Graph]:
        """The new description of every entity the change touches."""
        out = {self.subject: self.graph} if self.subject is not None else {}
        out.update({s.subject: s.graph for s in self.subs
                    if s.subject is not None and s.graph is not None})
        return out

    def place(self, violations: Sequence) -> tuple[dict[str, list[str]], list[str]]:
        """Put each violation next to its input; return (messages by input name, the rest).

        A violation has ``focus`` (``id:slug`` or an IRI), ``path`` (``aig:date`` or an IRI,
        or None) and ``message``, as ``aigraph.curation.changes`` gives them.
        """
        placed: dict[str, list[str]] = {}
        rest: list[str] = []
        owners = {self.slug: ("", self.form, self.values)}
        owners.update({s.slug: (s.prefix, s.form, s.values) for s in self.subs})
        for v in violations:
            slug = _slug(str(v.focus))
            owner = owners.get(slug or "")
            name = _input_for(owner[1], owner[2], v.path) if owner else None
            if owner and name is None and not v.path and owner[0] == "" and self.creating:
                name = "slug"  # a node-level problem of a new entity: its identifier
            if owner and name is not None:
                messages = placed.setdefault(owner[0] + name, [])
                if v.message not in messages:
                    messages.append(v.message)
            elif v.message not in rest:
                rest.append(v.message)
        return placed, rest


def _slug(focus: str) -> str | None:
    if focus.startswith("id:"):
        return focus[3:]
    return focus[len(ID_BASE):] if focus.startswith(ID_BASE) else None


def _input_for(form: Form, values: Mapping[str, Sequence[str]], path: str | None) -> str | None:
    """The input a violation about ``path`` belongs next to."""
    if not path:
        return None
    f = form.field_for_path(str(path))
    if f is None:
        return None
    if f.languages:
        empty = [n for n in f.input_names() if not any(x.strip() for x in values.get(n, ()))]
        return (empty or f.input_names())[0]
    return f.name


def _read_subs(forms: Mapping[str, Form], values: Mapping[str, Sequence[str]]) -> list[Sub]:
    subs = []
    for name in values:
        match = _SUB.match(name)
        if not match or len(subs) >= MAX_NEW:
            continue
        number = int(match.group(1))
        prefix = f"new-{number}."
        form = forms.get((values[name] or [""])[0])
        if form is None:
            continue
        mine = sub_values(values, prefix)
        text = (mine.get("text") or [""])[0].strip()
        slug = (mine.get("slug") or [""])[0].strip() or slug_from(mine) or slugify(text)
        subs.append(Sub(number, form, text, (mine.get("field") or [""])[0], slug, mine))
    return sorted(subs, key=lambda s: s.number)


def _new_sub(number: int, form: Form, problem: Problem, today: str) -> Sub:
    values = {"rdfs:label@en": [problem.text], "rdfs:label@it": [problem.text],
              "text": [problem.text], "field": [problem.field]}
    if form.field("aig:lastReviewed") is not None:
        values["aig:lastReviewed"] = [today]
    return Sub(number, form, problem.text, problem.field, slugify(problem.text), values,
               fresh=True)


def read_draft(forms: Mapping[str, Form], index: Index, form: Form,
               values: Mapping[str, Sequence[str]], *, slug: str | None = None,
               old: Graph | None = None, today: str = "") -> Draft:
    """Read a submitted form (and its sub-forms) into a Draft.

    ``slug`` and ``old`` are given for an edit (the entity's current triples); for a create
    the slug comes from the ``slug`` input or the English name.
    """
    values = {k: list(v) for k, v in values.items()}
    creating = slug is None
    slug = slug_from(values) if creating else slug
    subs = _read_subs(forms, values)
    by_class = {f.cls: f for f in forms.values()}

    def resolve(text: str, classes: Sequence[str]) -> list[str]:
        found = index.resolve(text, classes)
        if found:
            return found
        return [str(s.subject) for s in subs if s.subject is not None and s.answers(text)
                and s.form.cls in classes]

    parsed = parse_values(form, entity_iri(slug) if is_slug(slug) else URIRef(ID_BASE), values,
                          resolve)
    for problem in parsed.unresolved():
        if any(s.answers(problem.text) for s in subs):
            continue  # a sub-form exists already, but its slug is unusable (reported below)
        f = form.field(problem.field)
        target = next((by_class[c] for c in f.link_classes if c in by_class), None)
        if target is not None and len(subs) < MAX_NEW:
            number = max((s.number for s in subs), default=-1) + 1
            subs.append(_new_sub(number, target, problem, today))
    if any(p.code == "unresolved" for p in parsed.problems):
        parsed = parse_values(form, entity_iri(slug) if is_slug(slug) else URIRef(ID_BASE),
                              values, resolve)
    used = [s for s in subs if any(
        s.answers(t) for f in form.fields if f.widget == "link" for t in values.get(f.name, ()))]
    problems = [p for p in parsed.problems
                if p.code != "unresolved" or not any(s.answers(p.text) for s in subs)]
    taken = {slug}
    for sub in used:
        clash = sub.slug in taken
        taken.add(sub.slug)
        if clash or not is_slug(sub.slug) or index.get(ID_BASE + sub.slug) is not None:
            code = "taken" if is_slug(sub.slug) else "malformed"
            problems.append(Problem(sub.prefix + "slug", code, sub.slug))
            continue
        sub_parsed = parse_values(sub.form, sub.subject, sub.values, lambda t, c: index.resolve(t, c))
        sub.graph = sub_parsed.graph
        problems += [Problem(sub.prefix + p.field, p.code, p.text, p.candidates)
                     for p in sub_parsed.problems]
    graph = parsed.graph
    if not creating and old is not None and is_slug(slug):
        graph = keep_unshown(form, old, entity_iri(slug), graph)
    draft = Draft(form, slug, creating, values, graph, used, problems)
    draft.slug_problem = _slug_problem(draft, index)
    return draft


def _slug_problem(draft: Draft, index: Index) -> str:
    """``missing``, ``malformed`` or ``taken`` when the new entity's slug cannot be used."""
    if not draft.creating:
        return ""
    if not draft.slug:
        return "missing"
    if not is_slug(draft.slug):
        return "malformed"
    if index.get(ID_BASE + draft.slug) is not None:
        return "taken"
    return ""
