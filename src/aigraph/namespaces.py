"""Own the aigraph vocabulary as a closed namespace, and the IRI scheme: entities, paths, dataset.

This is the only module that builds or takes apart aigraph IRIs: ``entity_iri``/``slug_of``
(``{ID_BASE}{slug}``), ``path_iri``/``between_iri`` (``{PATHS_BASE}...``), ``dataset_iri`` and
``id_local``. Everything under ``SITE_BASE`` is fixed by the contract whatever the site's own
address is. ``AIG`` raises on a term the ontology does not define; ``tests/test_namespaces.py``
keeps it in sync with ``ontology/aigraph.ttl``.
"""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

#: The persistent base every aigraph IRI starts with.
SITE_BASE = "https://w3id.org/aigraph/"
ONTOLOGY_IRI = SITE_BASE + "ontology"
VOCAB = ONTOLOGY_IRI + "#"
ID_BASE = SITE_BASE + "id/"
#: Where materialised path lists live; they describe a computation, not an entity.
PATHS_BASE = SITE_BASE + "paths/"
CATEGORIES_SCHEME = ID_BASE + "categories"

#: Lowercase ASCII words (letters and digits) joined by single hyphens.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 100

#: Prefixes used in queries, exports and displays.
PREFIXES: dict[str, str] = {
    "aig": VOCAB,
    "id": ID_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
}


class AIG(DefinedNamespace):
    """The aigraph vocabulary (``aig:``); unknown names raise AttributeError."""

    _NS = Namespace(VOCAB)
    _fail = True

    AnyLicense: URIRef
    Category: URIRef
    Change: URIRef
    ChronologicalOrder: URIRef
    Collective: URIRef
    Company: URIRef
    DatePrecision: URIRef
    DatePrecisions: URIRef
    DayPrecision: URIRef
    DependencyOrder: URIRef
    DerivativeTerms: URIRef
    DerivativeTermsList: URIRef
    High: URIRef
    ImportanceLevel: URIRef
    ImportanceLevels: URIRef
    KeepsRestrictions: URIRef
    Landmark: URIRef
    License: URIRef
    LicenseChange: URIRef
    Low: URIRef
    Medium: URIRef
    Milestone: URIRef
    Model: URIRef
    MonthPrecision: URIRef
    Nonprofit: URIRef
    OrderingRule: URIRef
    OrderingRules: URIRef
    Organization: URIRef
    OrganizationType: URIRef
    OrganizationTypes: URIRef
    PathNote: URIRef
    PublicBody: URIRef
    ReadingPath: URIRef
    ResearchInstitute: URIRef
    SameLicense: URIRef
    University: URIRef
    YearPrecision: URIRef
    activeParameterCount: URIRef
    audience: URIRef
    basedOn: URIRef
    buildsOn: URIRef
    category: URIRef
    changeDate: URIRef
    changes: URIRef
    codeLicense: URIRef
    country: URIRef
    date: URIRef
    datePrecision: URIRef
    derivativeTerms: URIRef
    developedBy: URIRef
    excludes: URIRef
    foundingYear: URIRef
    fromDate: URIRef
    huggingFaceRepo: URIRef
    importance: URIRef
    includes: URIRef
    involves: URIRef
    lastReviewed: URIRef
    license: URIRef
    licenseChange: URIRef
    memberCategory: URIRef
    memberInvolves: URIRef
    milestone: URIRef
    minImportance: URIRef
    newLicense: URIRef
    note: URIRef
    openWeights: URIRef
    ordering: URIRef
    organizationType: URIRef
    osiApproved: URIRef
    parameterCount: URIRef
    permitsCommercialUse: URIRef
    permitsDerivatives: URIRef
    previousLicense: URIRef
    rank: URIRef
    reason: URIRef
    releaseDate: URIRef
    requiresOpenWeights: URIRef
    reverts: URIRef
    spdxId: URIRef
    stepNote: URIRef
    tagline: URIRef
    toDate: URIRef
    via: URIRef

ID = Namespace(ID_BASE)


def is_slug(text: str) -> bool:
    """Tell whether ``text`` is a well-formed slug."""
    return len(text) <= SLUG_MAX and SLUG_RE.fullmatch(text) is not None


def entity_iri(slug: str) -> URIRef:
    """Return the IRI of the entity named by ``slug``; raise ValueError on a malformed slug."""
    if not is_slug(slug):
        raise ValueError(f"not a valid slug: {slug!r} (lowercase words joined by '-')")
    return URIRef(ID_BASE + slug)


def slug_of(iri: str) -> str | None:
    """Return the slug of an entity IRI, or None when the IRI is not an aigraph entity."""
    text = str(iri)
    if not text.startswith(ID_BASE):
        return None
    slug = text[len(ID_BASE):]
    return slug if is_slug(slug) else None


def id_local(iri: str) -> str | None:
    """Return what follows ``ID_BASE`` in ``iri``, well-formed slug or not; None elsewhere."""
    text = str(iri)
    return text[len(ID_BASE):] if text.startswith(ID_BASE) else None


def path_iri(slug: str) -> URIRef:
    """Return the IRI of the reading path ``slug`` as an RDF list (not an entity)."""
    return URIRef(PATHS_BASE + slug)


def between_iri(source: str, target: str) -> URIRef:
    """Return the IRI of the generated path between the entities ``source`` and ``target``."""
    return URIRef(f"{PATHS_BASE}between?from={source}&to={target}")


def dataset_iri(base_url: str) -> URIRef:
    """Return the IRI naming the dataset for a site published at ``base_url``."""
    return URIRef(base_url.rstrip("/") + "/dataset")


def compact(iri: str) -> str:
    """Shorten an IRI with the known prefixes (``aig:date``), or return it unchanged."""
    text = str(iri)
    for prefix, base in PREFIXES.items():
        if text.startswith(base) and re.fullmatch(r"[A-Za-z0-9_-]*", text[len(base):]):
            return f"{prefix}:{text[len(base):]}"
    return text


def sparql_prologue() -> str:
    """Return PREFIX declarations for all known prefixes."""
    return "".join(f"PREFIX {p}: <{b}>\n" for p, b in PREFIXES.items())
