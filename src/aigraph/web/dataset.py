"""The dataset pages: VoID and DCAT description, whole-graph downloads, the ontology, how to cite.

Downloads are serialised from the store on first request and kept for the data version, so the
dataset page can show each file's size. ``/dataset`` also answers in RDF by ``Accept``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

import aigraph
from aigraph import formats, namespaces, queries, releases
from aigraph.catalog import CLASS_KEYS
from aigraph.errors import NotFound
from aigraph.i18n import LANGUAGES, pick, translate
from aigraph.namespaces import ID_BASE, ONTOLOGY_IRI, PREFIXES, VOCAB, compact, entity_iri, slug_of
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web import releases as release_views
from aigraph.web.caching import catalog, data_version, per_version
from aigraph.web.kinds import kind_names
from aigraph.web.negotiation import alternates, is_rdf, negotiate_request, offers, rdf_response
from aigraph.web.state import state

bp = Blueprint("dataset", __name__)

#: Whole-graph downloads: file suffix (the format's short name) -> its format.
DOWNLOADS: dict[str, formats.Format] = {name: formats.get(name) for name in formats.DOWNLOAD_NAMES}
DATASET_OFFERS = offers()
ONTOLOGY_OFFERS = offers(rdf=("ttl",))
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
#: DCAT 3's version property, which rdflib's closed DCAT namespace predates.
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
TITLE = "aigraph"
#: The dataset's description, a catalog msgid: the RDF description carries it in every language.
DESCRIPTION = ("An open knowledge graph of the history of artificial intelligence: milestones, "
               "models, organizations and licenses, validated by SHACL and queryable with SPARQL.")


@dataclass(frozen=True)
class Download:
    """One whole-graph file."""

    suffix: str
    name: str
    media_type: str
    url: str
    size: int
    size_text: str


@dataclass
class DatasetPage:
    """What the dataset page shows."""

    iri: str
    version: str
    modified: str
    modified_text: str
    triples: int
    triples_text: str
    entities_text: str
    classes: list[dict]
    downloads: list[Download]
    sparql_url: str
    bibtex: str
    citation: str
    formats: list[dict] = field(default_factory=list)
    releases: list = field(default_factory=list)


# --- domain ----------------------------------------------------------------------------------

def export(store: Store, suffix: str) -> bytes:
    """Return the whole graph serialised as ``suffix`` (ttl, nt, jsonld), once per version."""
    media_type = DOWNLOADS[suffix].media_type
    return per_version(f"export:{suffix}", lambda s: s.export(media_type))


def stats(store: Store) -> dict:
    """Return the graph's size and latest review date, and entities per class (per version)."""
    def build(s: Store) -> dict:
        row = queries.select(s, "dataset/stats").rows[0]
        found = {key: int(row[key]) for key in ("triples", "subjects", "properties",
                                                  "objects", "entities") if key in row}
        found["modified"] = str(row.get("modified", ""))[:10]
        found["classes"] = {str(r["class"]): int(r["count"])
                            for r in queries.select(s, "core/class_counts")}
        return found
    return per_version("stats", build)


def dataset_iri() -> str:
    """The IRI that names the dataset."""
    return str(namespaces.dataset_iri(state().settings.base_url))


def version_text(modified: str) -> str:
    """The data's version: the release it equals, or the latest release and the data version."""
    return releases.version_text(Path(state().settings.releases_dir), data_version())


def citation(modified: str, lang: str) -> tuple[str, str]:
    """Return how to cite the dataset, as BibTeX and as plain text."""
    version = version_text(modified)
    year = modified[:4] or "2026"
    url = state().settings.base_url
    bibtex = (
        "@misc{aigraph,\n"
        "  author       = {{aigraph contributors}},\n"
        "  title        = {aigraph: an open knowledge graph of the history of AI},\n"
        f"  year         = {{{year}}},\n"
        f"  version      = {{{version}}},\n"
        f"  date         = {{{modified}}},\n"
        f"  url          = {{{url}}},\n"
        "  note         = {Dataset, CC BY 4.0}\n"
        "}\n")
    plain = gettext("aigraph contributors (%(year)s). aigraph: an open knowledge graph of the "
                    "history of AI (version %(version)s, %(date)s) [Dataset]. %(url)s",
                    year=year, version=version, date=i18n.format_day(modified, lang)
                    if modified else "", url=url)
    return bibtex, plain


def downloads(store: Store, lang: str) -> list[Download]:
    """List the whole-graph files with their sizes."""
    found = []
    for suffix, fmt in DOWNLOADS.items():
        size = len(export(store, suffix))
        found.append(Download(suffix, fmt.label, fmt.media_type,
                              url_for("dataset.download", suffix=suffix), size,
                              i18n.format_size(size, lang)))
    return found


def void_graph(store: Store) -> rdflib.Graph:
    """Describe the dataset with VoID and DCAT: size, classes, endpoint and downloads."""
    numbers = stats(store)
    graph = rdflib.Graph()
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base, replace=True)
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    dataset = URIRef(dataset_iri())
    endpoint = URIRef(url_for("sparql.endpoint", _external=True))
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(TITLE)))
    for lang in LANGUAGES:
        add((dataset, DCTERMS.description, Literal(translate(lang, DESCRIPTION), lang=lang)))
    add((dataset, DCTERMS.license, URIRef(LICENSE)))
    add((dataset, DCAT_VERSION, Literal(version_text(numbers["modified"]))))
    add((dataset, OWL.versionInfo, Literal(version_text(numbers["modified"]))))
    if numbers["modified"]:
        add((dataset, DCTERMS.modified, Literal(numbers["modified"], datatype=XSD.date)))
    add((dataset, DCAT.landingPage, URIRef(url_for("dataset.index", _external=True))))
    add((dataset, VOID.uriSpace, Literal(ID_BASE)))
    add((dataset, VOID.vocabulary, URIRef(VOCAB)))
    add((dataset, VOID.sparqlEndpoint, endpoint))
    for key, predicate in (("triples", VOID.triples), ("entities", VOID.entities),
                           ("subjects", VOID.distinctSubjects),
                           ("properties", VOID.properties),
                           ("objects", VOID.distinctObjects)):
        if key in numbers:
            add((dataset, predicate, Literal(numbers[key])))
    if "mistral-7b" in catalog().by_slug:
        add((dataset, VOID.exampleResource, entity_iri("mistral-7b")))
    for cls, count in sorted(numbers["classes"].items()):
        part = BNode("partition" + hashlib.sha1(cls.encode()).hexdigest()[:12])
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], URIRef(cls)))
        add((part, VOID.entities, Literal(count)))
    service = endpoint
    add((service, RDF.type, DCAT.DataService))
    add((service, DCAT.endpointURL, service))
    add((service, DCAT.servesDataset, dataset))
    releases.describe(graph, dataset, releases.load(state().settings.releases_dir),
                      release_views.dump_urls())
    for suffix, fmt in DOWNLOADS.items():
        url = URIRef(url_for("dataset.download", suffix=suffix, _external=True))
        add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, url))
        add((url, RDF.type, DCAT.Distribution))
        add((url, DCAT.downloadURL, url))
        add((url, DCAT.mediaType,
             URIRef(f"https://www.iana.org/assignments/media-types/{fmt.media_type}")))
        size = len(export(store, suffix))
        add((url, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        add((url, DCTERMS.license, URIRef(LICENSE)))
    return graph


def dataset_page(store: Store, lang: str) -> DatasetPage:
    """Gather the dataset's description, downloads and citation."""
    numbers = stats(store)
    names = kind_names()
    classes = [{"kind": CLASS_KEYS[cls], "label": names[CLASS_KEYS[cls]],
                "count": i18n.format_number(count, lang)}
               for cls, count in numbers["classes"].items() if cls in CLASS_KEYS]
    bibtex, plain = citation(numbers["modified"], lang)
    return DatasetPage(
        iri=dataset_iri(), version=version_text(numbers["modified"]),
        modified=numbers["modified"],
        modified_text=i18n.format_day(numbers["modified"], lang) if numbers["modified"] else "",
        triples=numbers["triples"], triples_text=i18n.format_number(numbers["triples"], lang),
        entities_text=i18n.format_number(numbers.get("entities", 0), lang),
        classes=classes, downloads=downloads(store, lang),
        sparql_url=url_for("sparql.endpoint"),
        bibtex=bibtex, citation=plain, releases=release_views.rows(lang),
        formats=alternates("dataset.index"))


# --- the ontology ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TermRef:
    """A class, property or datatype named on the ontology page."""

    label: str
    name: str
    href: str


@dataclass
class OntologyTerm:
    """One class or property of the vocabulary, in one language."""

    anchor: str
    name: str
    label: str
    kind: str
    comment: str
    domains: list[TermRef] = field(default_factory=list)
    ranges: list[TermRef] = field(default_factory=list)
    parents: list[TermRef] = field(default_factory=list)


@dataclass
class OntologyPage:
    """The vocabulary as a readable page."""

    iri: str
    title: str
    description: str
    version: str
    classes: list[OntologyTerm]
    object_properties: list[OntologyTerm]
    datatype_properties: list[OntologyTerm]
    schemes: list[dict]


def _ref(iri: str, lang: str) -> TermRef:
    index = catalog()
    name = compact(iri)
    entry = index.get(iri)
    label = entry.label(lang) if entry is not None else name
    if iri.startswith(VOCAB):
        href = "#" + iri[len(VOCAB):]
    elif slug_of(iri) is not None:
        href = url_for("entities.entity", slug=slug_of(iri))
    else:
        href = iri
    return TermRef(label, name, href)


def ontology_page(store: Store, lang: str) -> OntologyPage:
    """Gather the vocabulary's classes, properties and controlled lists in ``lang``."""
    index = catalog()
    comments: dict[str, dict[str, str]] = defaultdict(dict)
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    kinds: dict[str, str] = {}
    for row in queries.select(store, "dataset/ontology_terms"):
        term = str(row["term"])
        kinds[term] = compact(row["kind"])
        if "comment" in row:
            comments[term][row["comment"].language or ""] = str(row["comment"])
        for key in ("domain", "range", "parent"):
            if key in row and isinstance(row[key], URIRef):
                facts[term][key].add(str(row[key]))
    terms: dict[str, list[OntologyTerm]] = defaultdict(list)
    for term, kind in kinds.items():
        entry = index.get(term)
        terms[kind].append(OntologyTerm(
            anchor=term[len(VOCAB):], name=compact(term),
            label=entry.label(lang) if entry else compact(term), kind=kind,
            comment=pick(comments[term], lang),
            domains=[_ref(i, lang) for i in sorted(facts[term]["domain"])],
            ranges=[_ref(i, lang) for i in sorted(facts[term]["range"])],
            parents=[_ref(i, lang) for i in sorted(facts[term]["parent"])]))
    for found in terms.values():
        found.sort(key=lambda t: t.label.casefold())

    schemes: dict[str, list[dict]] = defaultdict(list)
    definitions: dict[str, dict[str, str]] = defaultdict(dict)
    ranks: dict[str, int] = {}
    members: dict[str, set[str]] = defaultdict(set)
    for row in queries.select(store, "dataset/ontology_concepts"):
        scheme, concept = str(row["scheme"]), str(row["concept"])
        members[scheme].add(concept)
        if "definition" in row:
            definitions[concept][row["definition"].language or ""] = str(row["definition"])
        if "rank" in row:
            ranks[concept] = int(row["rank"])
    for scheme, concepts in members.items():
        for concept in sorted(concepts, key=lambda c: (-ranks.get(c, 0), index.label(c, lang))):
            ref = _ref(concept, lang)
            schemes[scheme].append({"label": ref.label, "name": ref.name, "href": ref.href,
                                    "definition": pick(definitions[concept], lang)})
    entry = index.get(ONTOLOGY_IRI)
    return OntologyPage(
        iri=ONTOLOGY_IRI, title=entry.label(lang) if entry else "aigraph",
        description="", version=aigraph.__version__,
        classes=terms["owl:Class"], object_properties=terms["owl:ObjectProperty"],
        datatype_properties=terms["owl:DatatypeProperty"],
        schemes=[{"label": index.label(s, lang), "name": compact(s), "concepts": c,
                  "anchor": compact(s).replace(":", "-")}
                 for s, c in sorted(schemes.items(), key=lambda i: index.label(i[0], lang))])


def ontology_file() -> Path:
    """The vocabulary's Turtle file."""
    path = Path(state().settings.ontology_dir) / "aigraph.ttl"
    if not path.is_file():
        raise NotFound(gettext("The ontology file is missing."))
    return path


# --- views -----------------------------------------------------------------------------------

@bp.get("/dataset")
def index():
    """Describe the dataset (VoID and DCAT), its downloads, and how to cite it."""
    media = negotiate_request(DATASET_OFFERS)
    store = state().store
    if is_rdf(media):
        return rdf_response(void_graph(store), media)
    page = dataset_page(store, i18n.current())
    return render_template("dataset/index.html", page=page), 200, {"Vary": "Accept"}


@bp.get(f"/dataset/aigraph.<any({', '.join(DOWNLOADS)}):suffix>")
def download(suffix: str):
    """Download the whole graph."""
    body = export(state().store, suffix)
    fmt = DOWNLOADS[suffix]
    response = Response(body, mimetype=fmt.media_type)
    if fmt.name != "jsonld":
        response.content_type = f"{fmt.media_type}; charset=utf-8"
    response.set_etag(f"{data_version()}-{suffix}")
    return response.make_conditional(request)


@bp.get("/ontology")
def ontology():
    """Show the vocabulary: classes and properties with labels, comments, domains and ranges."""
    if negotiate_request(ONTOLOGY_OFFERS) == formats.get("ttl").media_type:
        return ontology_ttl()
    page = ontology_page(state().store, i18n.current())
    return render_template("dataset/ontology.html", page=page), 200, {"Vary": "Accept"}


@bp.get("/ontology.ttl")
def ontology_ttl():
    """Give the vocabulary as the Turtle file it is written in."""
    response = Response(ontology_file().read_bytes(), content_type="text/turtle; charset=utf-8")
    response.set_etag(f"{data_version()}-ontology")
    return response.make_conditional(request)
