"""Entity pages: ``/id/{slug}`` as HTML, or as Turtle, JSON-LD, N-Triples or RDF/XML by Accept.

``entity_page`` turns the entity's statements (two named queries: what it says, what points
at it) into plain page data: facts formatted for the page language, links grouped by relation,
the model lineage and the reading paths it is on (from the path engine), a neighbourhood graph
for the small script in ``web/static/js/graph.js``, and a schema.org description.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from aigraph import pathing, paths, queries
from aigraph.errors import NotFound
from aigraph.namespaces import AIG, compact, entity_iri, slug_of
from aigraph.store import Store
from aigraph.web import i18n, state
from aigraph.web.licensing import panel as license_panel
from aigraph.web.pages import RDF_FORMATS, entity_url, negotiate, offers, rdf_response
from aigraph.web.search import Catalog, catalog, kind_name

bp = Blueprint("entities", __name__)

ENTITY_OFFERS = offers(*RDF_FORMATS)
WIKIDATA = "http://www.wikidata.org/entity/"
IMPORTANCE_KEYS = {str(AIG.Landmark): "landmark", str(AIG.High): "high",
                   str(AIG.Medium): "medium", str(AIG.Low): "low"}
SCHEMA_TYPES = {"milestone": "Event", "model": "SoftwareApplication",
                "organization": "Organization", "license": "CreativeWork",
                "category": "DefinedTerm", "path": "LearningResource"}

#: Statements shown elsewhere on the page than in the facts or link lists.
_TEXTS = {str(RDFS.label), str(DCTERMS.description), str(SKOS.altLabel), str(SKOS.prefLabel),
          str(RDF.type), str(AIG.datePrecision), str(AIG.lastReviewed), str(OWL.sameAs),
          str(DCTERMS.source), str(AIG.stepNote)}
#: Facts first in this order, then the others by label.
_FACT_ORDER = [str(p) for p in (
    AIG.date, AIG.releaseDate, AIG.importance, AIG.developedBy, AIG.license, AIG.codeLicense,
    AIG.parameterCount, AIG.activeParameterCount, AIG.openWeights, AIG.organizationType,
    AIG.country, AIG.foundingYear, AIG.spdxId, AIG.permitsCommercialUse, AIG.osiApproved,
    FOAF.homepage)]
#: Entity links shown as facts rather than in the link groups.
_LINK_FACTS = {str(AIG.license), str(AIG.codeLicense)}
#: Link groups first in this order, then the others by label.
_GROUP_ORDER = [str(p) for p in (AIG.developedBy, AIG.basedOn, AIG.involves, AIG.buildsOn,
                                 AIG.category)]
_COUNTS = {str(AIG.parameterCount), str(AIG.activeParameterCount)}
_DAYS = {str(AIG.date), str(AIG.releaseDate), str(AIG.fromDate), str(AIG.toDate)}
MAX_GRAPH_NODES = 40
LINEAGE_STEPS = 6


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


# --- domain ----------------------------------------------------------------------------------

def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def link_to(index: Catalog, iri: str, lang: str, note: str = "") -> Link:
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


def _sort_key(index: Catalog, iri: str, lang: str) -> tuple[str, str]:
    entry = index.get(iri)
    return ((entry.date if entry else "") or "9999", index.label(iri, lang).lower())


def _literal_text(prop: str, value: Literal, lang: str) -> tuple[str, str]:
    """Format a literal for the facts table: (shown text, exact value for a tooltip)."""
    datatype = str(value.datatype) if value.datatype else ""
    text = str(value)
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


def _texts(values: list[Literal]) -> dict[str, str]:
    return {(v.language or ""): str(v) for v in values if isinstance(v, Literal)}


def entity_statements(store: Store, slug: str) -> tuple[str, list[dict], list[dict]]:
    """Fetch what the entity says and what points at it; raise NotFound when it is unknown."""
    iri = entity_iri(slug)
    out_rows = queries.select(store, "entities/outgoing", entity=iri).rows
    if not out_rows:
        raise NotFound(gettext("There is no entity called “%(slug)s”.", slug=slug))
    in_rows = queries.select(store, "entities/incoming", entity=iri).rows
    return str(iri), out_rows, in_rows


def entity_page(store: Store, slug: str, lang: str) -> EntityPage:
    """Build the page data for the entity ``slug`` in ``lang``."""
    iri, out_rows, in_rows = entity_statements(store, slug)
    index = catalog()
    by_prop: dict[str, list] = defaultdict(list)
    commercial: dict[str, str] = {}
    for row in out_rows:
        prop, value = str(row["p"]), row["o"]
        if value not in by_prop[prop]:
            by_prop[prop].append(value)
        if "commercial" in row:
            commercial[str(value)] = str(row["commercial"])
    entry = index.get(iri)
    kind = entry.kind if entry is not None else "entity"
    page = EntityPage(slug=slug, iri=iri, kind=kind, kind_label=kind_name(kind),
                      label=i18n.pick(_texts(by_prop.get(str(RDFS.label), [])), lang) or slug)
    page.description = i18n.pick(_texts(by_prop.get(str(DCTERMS.description), [])), lang)
    page.alt_labels = sorted({str(v) for v in by_prop.get(str(SKOS.altLabel), [])
                              if isinstance(v, Literal) and (v.language in (None, "", lang))}
                             - {page.label})
    precision = entry.precision if entry is not None else "day"

    facts: list[tuple[str, Fact]] = []
    groups: dict[str, list[str]] = defaultdict(list)
    for prop, values in by_prop.items():
        if prop in _TEXTS:
            continue
        label = _capital(index.label(prop, lang))
        literals = [v for v in values if isinstance(v, Literal)]
        iris = [str(v) for v in values if isinstance(v, URIRef)]
        if literals:
            tagged = _texts([v for v in literals if v.language])
            if tagged:
                facts.append((prop, Fact(compact(prop), label, i18n.pick(tagged, lang))))
            for value in (v for v in literals if not v.language):
                if prop in _DAYS:
                    shown = i18n.format_day(str(value), lang,
                                            precision if prop in (str(AIG.date),
                                                                  str(AIG.releaseDate))
                                            else "day")
                    exact = str(value)
                else:
                    shown, exact = _literal_text(prop, value, lang)
                facts.append((prop, Fact(compact(prop), label, shown, title=exact)))
        for target in iris:
            if slug_of(target) and prop not in _LINK_FACTS:
                groups[prop].append(target)
            elif slug_of(target):
                flag = commercial.get(target)
                note = ""
                if flag is not None:
                    note = (gettext("commercial use allowed") if flag in ("true", "1")
                            else gettext("no commercial use"))
                link = link_to(index, target, lang)
                facts.append((prop, Fact(compact(prop), label, link.label, href=link.url,
                                         note=note)))
            elif target in IMPORTANCE_KEYS:
                page.importance = IMPORTANCE_KEYS[target]
                page.importance_label = index.label(target, lang)
                facts.append((prop, Fact(compact(prop), label, page.importance_label,
                                         badge=page.importance)))
            elif index.get(target) is not None:
                facts.append((prop, Fact(compact(prop), label, index.label(target, lang))))
            else:
                facts.append((prop, Fact(compact(prop), label, target, href=target)))
    order = {p: i for i, p in enumerate(_FACT_ORDER)}
    facts.sort(key=lambda item: (order.get(item[0], len(order)), item[1].label))
    page.facts = [f for _, f in facts]
    if str(AIG.date) in by_prop or str(AIG.releaseDate) in by_prop:
        day = (by_prop.get(str(AIG.date)) or by_prop.get(str(AIG.releaseDate)))[0]
        page.date = i18n.format_day(str(day), lang, precision)

    group_order = {p: i for i, p in enumerate(_GROUP_ORDER)}
    page.out_groups = [
        Group(compact(prop), _capital(index.label(prop, lang)),
              [link_to(index, t, lang) for t in sorted(targets,
                                                    key=lambda t: _sort_key(index, t, lang))])
        for prop, targets in sorted(groups.items(), key=lambda item: (
            group_order.get(item[0], len(group_order)), index.label(item[0], lang)))]

    incoming: dict[str, list[str]] = defaultdict(list)
    for row in in_rows:
        source = str(row["s"])
        if slug_of(source) and source not in incoming[str(row["p"])]:
            incoming[str(row["p"])].append(source)
    page.in_groups = [
        Group(compact(prop), inverse_title(prop) or gettext(
            "Linked by “%(relation)s”", relation=index.label(prop, lang)),
              [link_to(index, s, lang) for s in sorted(sources,
                                                    key=lambda s: _sort_key(index, s, lang))])
        for prop, sources in sorted(incoming.items(), key=lambda item: (
            group_order.get(item[0], len(group_order)), index.label(item[0], lang)))]

    page.sources = sorted(str(v) for v in by_prop.get(str(DCTERMS.source), []))
    for same in sorted(str(v) for v in by_prop.get(str(OWL.sameAs), [])):
        if same.startswith(WIKIDATA) and not page.wikidata:
            page.wikidata, page.wikidata_id = same, same[len(WIKIDATA):]
        else:
            page.same_as.append(same)
    reviewed = by_prop.get(str(AIG.lastReviewed))
    if reviewed:
        page.last_reviewed = i18n.format_day(str(reviewed[0]), lang)

    _add_paths(store, page, incoming, lang)
    page.graph = _neighbourhood(page, index, groups, incoming, lang)
    page.jsonld = _schema_org(page, index, by_prop, lang)
    return page


def _add_paths(store: Store, page: EntityPage, in_groups: dict[str, list[str]],
               lang: str) -> None:
    """Add what led to the entity and what came after it (from the path engine), and the
    reading paths it is on, itself or through a milestone about it."""
    from aigraph.web.paths_views import path_memberships

    index = catalog()
    graph = pathing.path_graph(store)
    if page.kind in ("milestone", "model") and page.iri in graph.nodes:
        before = paths.lineage(graph, page.iri, limit=LINEAGE_STEPS + 1)
        after = paths.following(graph, page.iri, limit=LINEAGE_STEPS + 1)
        page.lineage = [link_to(index, s.iri, lang) for s in before.steps if s.iri != page.iri]
        earlier = {s.iri for s in before.steps}
        page.descendants = [link_to(index, s.iri, lang) for s in after.steps
                            if s.iri != page.iri and s.iri not in earlier]
        page.more_lineage, page.more_descendants = before.truncated, after.truncated
    about = set(in_groups.get(str(AIG.involves), []))
    for slug, members in path_memberships(store).items():
        positions = [(i, m) for i, m in enumerate(members, start=1)
                     if m == page.iri or m in about]
        if not positions:
            continue
        first = positions[0][0]
        page.paths.append(PathRef(
            slug=slug, title=index.label(entity_iri(slug), lang),
            url=url_for("paths.show", slug=slug) + f"#step-{first}",
            position=first, total=len(members),
            positions=[i for i, _m in positions],
            via=", ".join(f"“{index.label(m, lang)}”" for _i, m in positions
                          if m != page.iri)))


def _neighbourhood(page: EntityPage, index: Catalog, out: dict[str, list[str]],
                   incoming: dict[str, list[str]], lang: str) -> dict:
    """The entity and its neighbours as nodes and labelled edges for the graph script."""
    nodes = [{"id": page.slug, "label": page.label, "kind": page.kind, "url": "", "center": True}]
    seen = {page.iri}
    edges = []
    candidates = [(page.iri, p, t) for p, ts in out.items() for t in ts]
    candidates += [(s, p, page.iri) for p, ss in incoming.items() for s in ss]
    for source, prop, target in candidates:
        other = target if source == page.iri else source
        if other not in seen:
            if len(nodes) >= MAX_GRAPH_NODES:
                continue
            seen.add(other)
            slug = slug_of(other) or ""
            nodes.append({"id": slug, "label": index.label(other, lang),
                          "kind": index.kind(other),
                          "url": entity_url(slug), "center": False})
        edges.append({"source": slug_of(source), "target": slug_of(target),
                      "label": index.label(prop, lang)})
    legend = {node["kind"]: kind_name(node["kind"]) for node in nodes}
    return {"nodes": nodes, "edges": edges, "legend": dict(sorted(legend.items()))}


def _schema_org(page: EntityPage, index: Catalog, by_prop: dict[str, list], lang: str) -> dict:
    """Describe the entity with schema.org terms for search engines."""

    def refs(prop, kind: str | None = None) -> list[dict]:
        found = []
        for value in by_prop.get(str(prop), []):
            if isinstance(value, URIRef) and slug_of(str(value)):
                ref = {"@id": str(value), "name": index.label(value, lang)}
                if kind:
                    ref["@type"] = kind
                found.append(ref)
        return found

    def first(prop) -> str:
        values = by_prop.get(str(prop))
        return str(values[0]) if values else ""

    doc: dict = {"@context": "https://schema.org", "@type": SCHEMA_TYPES.get(page.kind, "Thing"),
                 "@id": page.iri, "url": request.base_url, "name": page.label,
                 "inLanguage": lang}
    if page.description:
        doc["description"] = page.description
    if page.alt_labels:
        doc["alternateName"] = page.alt_labels
    same = ([page.wikidata] if page.wikidata else []) + page.same_as
    if same:
        doc["sameAs"] = same
    if page.kind == "milestone":
        doc["startDate"] = first(AIG.date)
        doc["about"] = refs(AIG.involves)
    elif page.kind == "model":
        if first(AIG.releaseDate):
            doc["datePublished"] = first(AIG.releaseDate)
        doc["creator"] = refs(AIG.developedBy, "Organization")
        if refs(AIG.license):
            doc["license"] = refs(AIG.license)[0]["@id"]
        if refs(AIG.basedOn):
            doc["isBasedOn"] = refs(AIG.basedOn)
    elif page.kind == "organization":
        if first(AIG.foundingYear):
            doc["foundingDate"] = first(AIG.foundingYear)
        if first(FOAF.homepage):
            doc["url"] = first(FOAF.homepage)
    if page.sources:
        doc["citation"] = page.sources
    if page.last_reviewed:
        doc["dateModified"] = first(AIG.lastReviewed)
    return doc


def entity_graph(store: Store, slug: str):
    """Return the entity's RDF description (a named CONSTRUCT); raise NotFound when unknown."""
    graph = queries.construct(store, "entities/describe", entity=entity_iri(slug))
    if len(graph) == 0:
        raise NotFound(gettext("There is no entity called “%(slug)s”.", slug=slug))
    return graph


def is_reading_path(slug: str) -> bool:
    """Tell whether ``slug`` names a reading path (its page lives under /paths/)."""
    entry = catalog().by_slug.get(slug)
    return entry is not None and entry.kind == "path"


# --- views -----------------------------------------------------------------------------------

@bp.get("/id/<slug:slug>")
def entity(slug: str):
    """Show an entity, or describe it in RDF when the client asks for it."""
    media = negotiate(ENTITY_OFFERS)
    store = state().store
    if media in RDF_FORMATS:
        return rdf_response(entity_graph(store, slug), media)
    if is_reading_path(slug):
        return redirect(url_for("paths.show", slug=slug), code=303)
    page = entity_page(store, slug, i18n.current())
    licenses = license_panel(store, slug, i18n.current()) if page.kind == "model" else None
    alternates = [{"media": m, "name": RDF_FORMATS[m][0],
                   "url": url_for("entities.entity", slug=slug, format=RDF_FORMATS[m][0])}
                  for m in RDF_FORMATS]
    response = render_template("entities/entity.html", page=page, alternates=alternates,
                               licenses=licenses)
    return response, 200, {"Vary": "Accept",
                           "Link": ", ".join(f'<{a["url"]}>; rel="alternate"; type="{a["media"]}"'
                                             for a in alternates)}

