"""Linking help for curators: find entities by name, warn of duplicates, suggest links.

Nothing here knows Flask. :class:`Index` holds what the forms need of every entity (names in
both languages, other names, classes, date, Wikidata IRI, developers, what a milestone
involves), read with one named query (``curation/index``) once per data version. On it:

* ``resolve`` turns a link input's text into entities (``Name [slug]``, ``id:slug``, a slug,
  or a name or other name written exactly, in either language);
* ``complete`` ranks entities of some classes for an autocomplete list, with the site's label
  index (``aigraph.catalog``), so the forms find what the search box finds;
* ``duplicates`` finds entities a new one may repeat: the same Wikidata IRI or Hugging Face
  repository, the same slug, the same or a very similar name;
* ``suggestions`` proposes links: the developer (from the model family or a name in the
  label), the previous model of the family as ``basedOn``, milestones on the same date, and
  the release milestone of a model.

Finding an entity from a few typed letters is the label index's job (``Catalog.match``);
telling whether two whole names are the same name is ``similarity`` (a rapidfuzz ratio), which
the duplicate check needs and the word-by-word matcher does not give.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rdflib import Literal

from aigraph import queries
from aigraph.catalog import CLASS_KEYS, Catalog
from aigraph.curation.formdata import bracketed_slug
from aigraph.namespaces import AIG, ID_BASE, is_slug, slug_of
from aigraph.store import Store

#: Names at least this similar (0-100), with the same numbers in them, look like duplicates.
DUPLICATE_SCORE = 90
#: Words too common in organization names to tell one from another.
COMMON_WORDS = {"ai", "the", "of", "and", "inc", "lab", "labs", "research", "group", "team",
                "university", "institute", "technologies", "technology", "cloud", "company"}
MODEL, ORGANIZATION, MILESTONE = str(AIG.Model), str(AIG.Organization), str(AIG.Milestone)


def normalize(text: str) -> str:
    """Lowercase, strip accents, keep letters and digits as single-spaced words."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))


def similarity(a: str, b: str) -> float:
    """How alike two normalized names are, from 0 to 100."""
    return fuzz.ratio(a, b)


def family(name: str) -> str:
    """The family stem of a model name: its leading letters (``Qwen2.5`` -> ``qwen``)."""
    match = re.match(r"[a-z]+", normalize(name))
    return match.group(0) if match and len(match.group(0)) >= 3 else ""


@dataclass
class Entity:
    """What the linking help knows of one entity."""

    iri: str
    classes: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    alt: list[str] = field(default_factory=list)
    date: str = ""
    same_as: set[str] = field(default_factory=set)
    repos: set[str] = field(default_factory=set)
    developers: list[str] = field(default_factory=list)
    involves: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug_of(self.iri) or ""

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or next(
            iter(self.labels.values()), self.slug)

    def names(self) -> set[str]:
        """Every name, normalized: labels, other names and the slug's words."""
        texts = [*self.labels.values(), *self.alt, self.slug.replace("-", " ")]
        return {n for n in map(normalize, texts) if n}


@dataclass(frozen=True)
class Duplicate:
    """An existing entity the new one may repeat; ``reason`` is ``same-as``, ``same-repo``,
    ``slug``, ``same-name`` or ``similar-name``."""

    entity: Entity
    reason: str
    score: float = 100


@dataclass(frozen=True)
class Suggestion:
    """A link worth adding to field ``field``; ``reason`` is ``family`` (the family's
    developer), ``base`` (the developer of the model it is based on), ``name`` (named in the
    label), ``previous`` (the family's latest earlier model),
    ``same-date`` or ``release`` (a milestone that may be the model's release, or a model the
    milestone may release). Milestones of the same date come under the field ``milestones``:
    they are shown to look at, not offered as a link."""

    field: str
    entity: Entity
    reason: str


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


class Index:
    """The entities of the graph, for the linking help."""

    def __init__(self, entities: Iterable[Entity]):
        self.entities = {e.iri: e for e in entities}

    @classmethod
    def load(cls, store: Store) -> Index:
        """Read the index from ``store`` with one query."""
        entities: dict[str, Entity] = {}
        for row in queries.select(store, "curation/index"):
            iri, key, value = str(row["s"]), str(row["key"]), row["value"]
            e = entities.setdefault(iri, Entity(iri))
            if key == "type":
                e.classes.add(str(value))
            elif key == "label" and isinstance(value, Literal):
                e.labels.setdefault(value.language or "en", str(value))
            elif key == "alt":
                e.alt.append(str(value))
            elif key == "date":
                e.date = min(filter(None, (e.date, str(value))))
            elif key == "sameAs":
                e.same_as.add(str(value))
            elif key == "repo":
                e.repos.add(str(value).lower())
            elif key == "developer":
                e.developers.append(str(value))
            elif key == "involves":
                e.involves.append(str(value))
        return cls(entities.values())

    def get(self, iri: str) -> Entity | None:
        return self.entities.get(str(iri))

    def of_class(self, classes: Sequence[str]) -> list[Entity]:
        wanted = set(map(str, classes))
        return [e for e in self.entities.values() if not wanted or e.classes & wanted]

    # --- links ----------------------------------------------------------------------------

    def resolve(self, text: str, classes: Sequence[str]) -> list[str]:
        """The IRIs of the entities of ``classes`` that ``text`` names (see the module doc)."""
        slug = bracketed_slug(text) or (text if is_slug(text) else None)
        if slug is not None:
            e = self.get(ID_BASE + slug)
            if e is not None and (not classes or e.classes & set(classes)):
                return [e.iri]
        wanted = normalize(text)
        if not wanted:
            return []
        return sorted(e.iri for e in self.of_class(classes)
                      if wanted in {normalize(t) for t in (*e.labels.values(), *e.alt)})

    def complete(self, catalog: Catalog, text: str, classes: Sequence[str],
                 limit: int = 10) -> list[Entity]:
        """Entities of ``classes`` whose names match ``text``, best first, as the site's
        label index ranks them (``Catalog.match``: typos, prefixes, other names, accents)."""
        kinds = {CLASS_KEYS[c] for c in map(str, classes) if c in CLASS_KEYS}
        if not kinds:
            return []
        found = (self.get(m.iri) for m in catalog.match(text, kinds, limit))
        return [e for e in found if e is not None]

    # --- duplicates -----------------------------------------------------------------------

    def duplicates(self, cls: str, labels: Mapping[str, str], same_as: Iterable[str] = (),
                   slug: str = "", exclude: str = "", repos: Iterable[str] = ()) -> list[Duplicate]:
        """Existing entities that the new entity of class ``cls`` may repeat."""
        found: dict[str, Duplicate] = {}
        same_as = {str(s) for s in same_as}
        repos = {str(r).lower() for r in repos}

        def keep(d: Duplicate) -> None:
            if d.entity.iri != exclude and (d.entity.iri not in found
                                            or found[d.entity.iri].score < d.score):
                found[d.entity.iri] = d

        if slug and (e := self.get(ID_BASE + slug)) is not None:
            keep(Duplicate(e, "slug", 101))
        wanted = {n for n in map(normalize, labels.values()) if n}
        for e in self.entities.values():
            if same_as & e.same_as:
                keep(Duplicate(e, "same-as", 102))
            if repos & e.repos:  # Hugging Face repository names are case-insensitive
                keep(Duplicate(e, "same-repo", 102))
            if cls not in e.classes or not wanted:
                continue
            for name in e.names():
                for mine in wanted:
                    if name == mine or name.replace(" ", "") == mine.replace(" ", ""):
                        keep(Duplicate(e, "same-name", 100))
                    elif _numbers(name) == _numbers(mine) and (
                            score := similarity(name, mine)) >= DUPLICATE_SCORE:
                        keep(Duplicate(e, "similar-name", score))
        return sorted(found.values(), key=lambda d: (-d.score, d.entity.label().lower()))

    # --- suggested links ------------------------------------------------------------------

    def family_members(self, name: str, exclude: str = "") -> list[Entity]:
        """Models of the same family as a model called ``name``, oldest first."""
        stem = family(name)
        if not stem:
            return []
        members = [e for e in self.of_class([MODEL])
                   if e.iri != exclude and any(family(t) == stem for t in e.labels.values())]
        return sorted(members, key=lambda e: (e.date or "9999", e.slug))

    def _named_organizations(self, name: str) -> list[Entity]:
        words = set(normalize(name).split()) | ({family(name)} - {""})
        return [o for o in self.of_class([ORGANIZATION])
                if {w for n in o.names() for w in n.split()
                    if len(w) >= 3 and w not in COMMON_WORDS} & words]

    def suggestions(self, cls: str, label: str, date: str = "", exclude: str = "",
                    linked: Mapping[str, Iterable[str]] | None = None) -> list[Suggestion]:
        """Links worth adding to a new or edited entity; ``linked`` holds links already made
        (by field name), which are not suggested again."""
        made = {k: set(map(str, v)) for k, v in (linked or {}).items()}
        found: list[tuple[str, Entity | None, str]] = []
        if cls == MODEL:
            found += self._model_links(label, date, exclude, made.get("aig:basedOn", set()))
        if date:
            reason = "release" if cls == MODEL else "same-date"
            found += [("milestones", e, reason) for e in self.of_class([MILESTONE])
                      if e.date == date]
        if cls == MILESTONE and date:
            found += [("aig:involves", m, "release") for m in self.of_class([MODEL])
                      if m.date == date]
        out: list[Suggestion] = []
        for field_name, e, reason in found:
            if e is None or e.iri == exclude or e.iri in made.get(field_name, ()):
                continue
            if not any(s.field == field_name and s.entity.iri == e.iri for s in out):
                out.append(Suggestion(field_name, e, reason))
        return out

    def _model_links(self, label: str, date: str, exclude: str, bases: set[str]) -> list:
        """Developers and base models worth linking from a model (see ``suggestions``)."""
        found: list[tuple[str, Entity | None, str]] = []
        for base in sorted(bases):
            found += [("aig:developedBy", self.get(iri), "base")
                      for iri in getattr(self.get(base), "developers", [])]
        if not label:
            return found
        members = self.family_members(label, exclude)
        developers = Counter(d for m in members for d in m.developers)
        found += [("aig:developedBy", self.get(iri), "family")
                  for iri, _ in developers.most_common(3)]
        found += [("aig:developedBy", org, "name") for org in self._named_organizations(label)]
        earlier = [m for m in members if not date or not m.date or m.date <= date]
        found += [("aig:basedOn", m, "previous") for m in reversed(earlier[-2:])]
        return found
