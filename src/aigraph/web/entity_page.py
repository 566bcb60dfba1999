"""The data of an entity page: what ``/id/{slug}`` shows, built from the entity's statements.

``Statements.read`` fetches what the entity says and what points at it (two named queries);
``entity_page`` turns them into an ``EntityPage`` of plain strings and lists: the header, the
facts formatted for the page language, links grouped by relation (both ways), and the
identifiers; ``entity_around`` adds the lineage, reading paths, neighbourhood graph and
schema.org description.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from aigraph import queries
from aigraph.catalog import Catalog, Entry
from aigraph.errors import NotFound
from aigraph.i18n import pick
from aigraph.namespaces import AIG, compact, entity_iri, slug_of
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.caching import catalog
from aigraph.web.kinds import kind_name
from aigraph.web.routing import entity_url

WIKIDATA = "http://www.wikidata.org/entity/"
IMPORTANCE_KEYS = {str(AIG.Landmark): "landmark", str(AIG.High): "high",
                   str(AIG.Medium): "medium", str(AIG.Low): "low"}

#: Statements shown elsewhere on the page than in the facts or link lists.
_TEXTS = {str(RDFS.label), str(DCTERMS.description), str(SKOS.altLabel), str(SKOS.prefLabel),
          str(RDF.type), str(AIG.datePrecision), str(AIG.lastReviewed), str(OWL.sameAs),
          str(DCTERMS.source), str(AIG.stepNote)}
#: Facts first in this order, then the others by label.
_FACT_ORDER = {str(p): i for i, p in enumerate((
    AIG.date, AIG.releaseDate, AIG.importance, AIG.developedBy, AIG.license, AIG.codeLicense,
    AIG.parameterCount, AIG.activeParameterCount, AIG.openWeights, AIG.organizationType,
    AIG.country, AIG.foundingYear, AIG.spdxId, AIG.permitsCommercialUse, AIG.osiApproved,
    FOAF.homepage))}
#: Entity links shown as facts rather than in the link groups.
_LINK_FACTS = {str(AIG.license), str(AIG.codeLicense)}
#: Link groups first in this order, then the others by label.
_GROUP_ORDER = {str(p): i for i, p in enumerate((AIG.developedBy, AIG.basedOn, AIG.involves,
                                                 AIG.buildsOn, AIG.category))}
_COUNTS = {str(AIG.parameterCount), str(AIG.activeParameterCount)}
_DAYS = {str(AIG.date), str(AIG.releaseDate), str(AIG.fromDate), str(AIG.toDate)}
#: Dates shown to the precision the entity records (others are always full days).
_PRECISE_DAYS = {str(AIG.date), str(AIG.releaseDate)}


def inverse_title(prop: str) -> str:
    """Title of the group of entities that point at this one through ``prop``."""
    titles = {
        str(AIG.developedBy): gettext("Models it developed"),
        str(AIG.involves): gettext("Milestones about it"),
        str(AIG.basedOn): gettext("Models derived from it"),
        str(AIG.license): gettext("Models under this license"),
        str(AIG.category): gettext("In this category"),
        str(AIG.buildsOn): gettext("Later milestones that build on it"),
        str(AIG.memberCategory): gettext("Reading paths drawn from it"),
        str(AIG.memberInvolves): gettext("Reading paths drawn from it"),
        str(AIG.includes): gettext("Reading paths that include it"),
        str(AIG.excludes): gettext("Reading paths that leave it out"),
    }
    return titles.get(prop, "")


# --- page data -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """A link to another entity, with what the page shows next to it."""

    slug: str
    label: str
    kind: str
    url: str
    date: str = ""
    note: str = ""
    importance: str = ""
    importance_label: str = ""


@dataclass(frozen=True)
class Fact:
    """One line of the facts table: a label and a formatted value, maybe a link or a badge."""

    key: str
    label: str
    value: str
    href: str = ""
    title: str = ""
    badge: str = ""
    note: str = ""


@dataclass(frozen=True)
class Group:
    """Links that share a relation."""

    key: str
    title: str
    links: list[Link]


@dataclass(frozen=True)
class PathRef:
    """A reading path the entity is on, and where."""

    slug: str
    title: str
    url: str
    position: int = 0
    total: int = 0
    positions: list[int] = field(default_factory=list)
    via: str = ""


@dataclass
class EntityPage:
    """Everything the entity template shows, as plain strings, numbers and lists."""

    slug: str
    iri: str
    kind: str
    kind_label: str
    label: str
    description: str = ""
    alt_labels: list[str] = field(default_factory=list)
    importance: str = ""
    importance_label: str = ""
    date: str = ""
    facts: list[Fact] = field(default_factory=list)
    out_groups: list[Group] = field(default_factory=list)
    in_groups: list[Group] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    wikidata: str = ""
    wikidata_id: str = ""
    same_as: list[str] = field(default_factory=list)
    last_reviewed: str = ""
    lineage: list[Link] = field(default_factory=list)
    descendants: list[Link] = field(default_factory=list)
    more_lineage: bool = False
    more_descendants: bool = False
    paths: list[PathRef] = field(default_factory=list)
    graph: dict = field(default_factory=dict)
    jsonld: dict = field(default_factory=dict)


@dataclass
class Statements:
    """What an entity says, by property (values in order, once each), and what points at it.

    ``commercial`` tells, for each license the entity has, whether it permits commercial use;
    ``links`` are the entity IRIs among the values, by property, and ``incoming`` the entities
    that point at it, by property.
    """

    iri: str
    by_prop: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    commercial: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def read(cls, store: Store, slug: str) -> Statements:
        """Fetch the entity's statements; raise NotFound when it is unknown."""
        iri = entity_iri(slug)
        out_rows = queries.select(store, "entities/outgoing", entity=iri).rows
        if not out_rows:
            raise NotFound(gettext("There is no entity called “%(slug)s”.", slug=slug))
        found = cls(str(iri))
        for row in out_rows:
            prop, value = str(row["p"]), row["o"]
            if value not in found.by_prop[prop]:
                found.by_prop[prop].append(value)
            if "commercial" in row:
                found.commercial[str(value)] = str(row["commercial"])
        for row in queries.select(store, "entities/incoming", entity=iri).rows:
            source, prop = str(row["s"]), str(row["p"])
            if slug_of(source) and source not in found.incoming[prop]:
                found.incoming[prop].append(source)
        return found

    def texts(self, prop) -> dict[str, str]:
        """The literal values of ``prop``, by language tag ('' for none)."""
        return _texts(self.by_prop.get(str(prop), []))

    def first(self, prop) -> str:
        """The first value of ``prop`` as text, '' when it has none."""
        values = self.by_prop.get(str(prop))
        return str(values[0]) if values else ""


# --- formatting ------------------------------------------------------------------------------

def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _texts(values: list) -> dict[str, str]:
    return {(v.language or ""): str(v) for v in values if isinstance(v, Literal)}


def link_to(index: Catalog, iri: str, lang: str, note: str = "") -> Link:
    """Return the link to the entity ``iri``, with its date and importance when it has them."""
    entry = index.get(iri)
    slug = slug_of(iri) or ""
    date = ""
    importance = importance_label = ""
    if entry is not None and entry.date:
        date = i18n.format_short_day(entry.date, lang, entry.precision)
    if entry is not None and entry.importance:
        importance = IMPORTANCE_KEYS.get(entry.importance, "")
        importance_label = index.label(entry.importance, lang)
    return Link(slug=slug, label=index.label(iri, lang), kind=index.kind(iri),
                url=entity_url(slug) if slug else iri, date=date,
                note=note, importance=importance, importance_label=importance_label)


def _links(index: Catalog, iris: list[str], lang: str) -> list[Link]:
    """Links to ``iris``, the earliest first, then by label."""
    def key(iri: str) -> tuple[str, str]:
        entry = index.get(iri)
        return ((entry.date if entry else "") or "9999", index.label(iri, lang).lower())
    return [link_to(index, iri, lang) for iri in sorted(iris, key=key)]


def _literal_text(prop: str, value: Literal, lang: str, precision: str) -> tuple[str, str]:
    """Format a literal for the facts table: (shown text, exact value for a tooltip)."""
    datatype = str(value.datatype) if value.datatype else ""
    text = str(value)
    if prop in _DAYS:
        return i18n.format_day(text, lang, precision if prop in _PRECISE_DAYS else "day"), text
    if prop in _COUNTS:
        try:
            number = int(text)
        except ValueError:
            return text, ""
        return i18n.format_count(number, lang), i18n.format_number(number, lang)
    if datatype == str(XSD.boolean):
        return i18n.yes_no(text in ("true", "1")), ""
    if datatype == str(XSD.date):
        return i18n.format_day(text, lang), text
    if datatype == str(XSD.integer):
        try:
            return i18n.format_number(int(text), lang), ""
        except ValueError:
            return text, ""
    if prop == str(AIG.country):
        return i18n.country_name(text, lang), text
    return text, ""


# --- building the page -----------------------------------------------------------------------

@dataclass
class _Builder:
    """Builds one page: the statements, the label index and the language, shared by its steps."""

    said: Statements
    index: Catalog
    lang: str
    entry: Entry | None

    @property
    def precision(self) -> str:
        return self.entry.precision if self.entry is not None else "day"

    def header(self, slug: str) -> EntityPage:
        kind = self.entry.kind if self.entry is not None else "entity"
        label = pick(self.said.texts(RDFS.label), self.lang) or slug
        alt = {str(v) for v in self.said.by_prop.get(str(SKOS.altLabel), [])
               if isinstance(v, Literal) and v.language in (None, "", self.lang)}
        page = EntityPage(slug=slug, iri=self.said.iri, kind=kind, kind_label=kind_name(kind),
                          label=label, alt_labels=sorted(alt - {label}),
                          description=pick(self.said.texts(DCTERMS.description), self.lang))
        day = self.said.first(AIG.date) or self.said.first(AIG.releaseDate)
        if day:
            page.date = i18n.format_day(day, self.lang, self.precision)
        return page

    def literal_facts(self, prop: str, label: str, literals: list[Literal]) -> list[Fact]:
        facts = []
        tagged = _texts([v for v in literals if v.language])
        if tagged:
            facts.append(Fact(compact(prop), label, pick(tagged, self.lang)))
        for value in (v for v in literals if not v.language):
            shown, exact = _literal_text(prop, value, self.lang, self.precision)
            facts.append(Fact(compact(prop), label, shown, title=exact))
        return facts

    def iri_fact(self, prop: str, label: str, target: str) -> Fact:
        """The fact for a value that is an IRI but not a link shown in a group."""
        index, lang = self.index, self.lang
        if slug_of(target):
            flag = self.said.commercial.get(target)
            note = ""
            if flag is not None:
                note = (gettext("commercial use allowed") if flag in ("true", "1")
                        else gettext("no commercial use"))
            link = link_to(index, target, lang)
            return Fact(compact(prop), label, link.label, href=link.url, note=note)
        if target in IMPORTANCE_KEYS:
            return Fact(compact(prop), label, index.label(target, lang),
                        badge=IMPORTANCE_KEYS[target])
        if index.get(target) is not None:
            return Fact(compact(prop), label, index.label(target, lang))
        return Fact(compact(prop), label, target, href=target)

    def facts(self) -> list[Fact]:
        """The facts table, in ``_FACT_ORDER`` then by label; entity links go to ``links``."""
        found: list[tuple[str, Fact]] = []
        for prop, values in self.said.by_prop.items():
            if prop in _TEXTS:
                continue
            label = _capital(self.index.label(prop, self.lang))
            literals = [v for v in values if isinstance(v, Literal)]
            found += [(prop, f) for f in self.literal_facts(prop, label, literals)]
            for target in (str(v) for v in values if isinstance(v, URIRef)):
                if slug_of(target) and prop not in _LINK_FACTS:
                    self.said.links[prop].append(target)
                else:
                    found.append((prop, self.iri_fact(prop, label, target)))
        found.sort(key=lambda item: (_FACT_ORDER.get(item[0], len(_FACT_ORDER)), item[1].label))
        return [f for _, f in found]

    def _group_key(self, item: tuple[str, list[str]]) -> tuple[int, str]:
        return (_GROUP_ORDER.get(item[0], len(_GROUP_ORDER)), self.index.label(item[0], self.lang))

    def out_groups(self) -> list[Group]:
        return [Group(compact(prop), _capital(self.index.label(prop, self.lang)),
                      _links(self.index, targets, self.lang))
                for prop, targets in sorted(self.said.links.items(), key=self._group_key)]

    def in_groups(self) -> list[Group]:
        return [Group(compact(prop), inverse_title(prop) or gettext(
                          "Linked by “%(relation)s”", relation=self.index.label(prop, self.lang)),
                      _links(self.index, sources, self.lang))
                for prop, sources in sorted(self.said.incoming.items(), key=self._group_key)]

    def identifiers(self, page: EntityPage) -> None:
        """Add the sources, the Wikidata and other same-as IRIs, and the last review date."""
        page.sources = sorted(str(v) for v in self.said.by_prop.get(str(DCTERMS.source), []))
        for same in sorted(str(v) for v in self.said.by_prop.get(str(OWL.sameAs), [])):
            if same.startswith(WIKIDATA) and not page.wikidata:
                page.wikidata, page.wikidata_id = same, same[len(WIKIDATA):]
            else:
                page.same_as.append(same)
        reviewed = self.said.first(AIG.lastReviewed)
        if reviewed:
            page.last_reviewed = i18n.format_day(reviewed, self.lang)


def entity_page(store: Store, slug: str, lang: str) -> tuple[EntityPage, Statements]:
    """Build the page data for the entity ``slug`` in ``lang``, and return it with the
    statements it was built from (what ``entity_around`` adds to it needs them)."""
    said = Statements.read(store, slug)
    index = catalog()
    build = _Builder(said, index, lang, index.get(said.iri))
    page = build.header(slug)
    page.facts = build.facts()
    importance = [str(v) for prop, values in said.by_prop.items() if prop not in _TEXTS
                  for v in values if str(v) in IMPORTANCE_KEYS]
    if importance:
        # aig:importance is functional; the last one listed wins, should the data give two.
        page.importance = IMPORTANCE_KEYS[importance[-1]]
        page.importance_label = index.label(importance[-1], lang)
    page.out_groups = build.out_groups()
    page.in_groups = build.in_groups()
    build.identifiers(page)
    return page, said
