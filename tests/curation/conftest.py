"""Curation fixtures: a fresh copy of the fixture data, an empty history, one curator."""

from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path

import pytest
from rdflib import Graph

from aigraph.accounts import Accounts
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import open_store

PASSWORD = "correct horse battery staple"
TURTLE = {"Content-Type": "text/turtle"}


@pytest.fixture
def cur_settings(data_dir, tmp_path) -> Settings:
    """Settings over a temporary copy of the fixture data, history and accounts."""
    return Settings.load({
        "data_dir": str(data_dir), "ontology_dir": str(PROJECT_ROOT / "ontology"),
        "history_dir": str(tmp_path / "history"),
        "accounts_file": str(tmp_path / "instance" / "accounts.json"),
        "secret_key": secrets.token_hex(32), "store": "", "update_url": "",
        "query_workers": 1}, environ={})


@pytest.fixture
def token(cur_settings) -> str:
    """An API token of the curator ``ada`` (whose password is PASSWORD)."""
    accounts = Accounts(cur_settings.accounts_file)
    accounts.add("ada", PASSWORD)
    return accounts.create_token("ada")


@pytest.fixture
def cur_store(cur_settings):
    return open_store("", ontology_dir=cur_settings.ontology_dir,
                      data_dir=cur_settings.data_dir, history_dir=cur_settings.history_dir)


@pytest.fixture
def cur_app(cur_settings, cur_store):
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": cur_settings, "AIGRAPH_STORE": cur_store})
    yield app
    app.extensions["aigraph_executor"].close()


@pytest.fixture
def cur_client(cur_app):
    return cur_app.test_client()


def auth(token: str, **headers) -> dict:
    """Headers for a Turtle write with ``token``."""
    return {"Authorization": f"Bearer {token}", **TURTLE, **headers}


def log_in(client, name: str = "ada", environ_base: dict | None = None) -> str:
    """Log ``name`` (password PASSWORD) in through the login form; return the session's CSRF
    token, which the site's forms need."""
    environ_base = environ_base or {}
    page = client.get("/login", environ_base=environ_base).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"name": name, "password": PASSWORD,
                                         "csrf_token": csrf}, environ_base=environ_base)
    assert answer.status_code == 302
    return csrf


def read(client, slug: str) -> tuple[str, str]:
    """GET an entity as Turtle; return (body, ETag)."""
    response = client.get(f"/id/{slug}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True), response.headers["ETag"]


def tree_digest(*folders: str | Path) -> str:
    """A digest of every file (name and bytes) under ``folders``, to prove nothing changed."""
    digest = hashlib.sha256()
    for folder in folders:
        root = Path(folder)
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


NEW_MODEL = """
@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix id: <https://w3id.org/aigraph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<> a aig:Model ;
    rdfs:label "GPT-Neo X"@en , "GPT-Neo X"@it ;
    dcterms:description "A test model derived from GPT-Neo."@en ,
        "Un modello di prova derivato da GPT-Neo."@it ;
    aig:developedBy id:eleutherai ;
    aig:releaseDate "2021-06-01"^^xsd:date ;
    aig:license id:mit ;
    aig:openWeights true ;
    aig:basedOn id:gpt-neo ;
    dcterms:source <https://example.org/gpt-neo-x> ;
    aig:lastReviewed "2026-11-27"^^xsd:date .
"""


def milestone_graph(slug: str, *links: str, day: str = "2020-01-01") -> Graph:
    """A conforming new milestone ``slug`` dated ``day`` that builds on ``links`` (slugs)."""
    from rdflib import RDF, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDFS, XSD

    from aigraph.namespaces import AIG, entity_iri

    subject = entity_iri(slug)
    graph = Graph()
    graph.add((subject, RDF.type, AIG.Milestone))
    graph.add((subject, RDFS.label, Literal(f"Step {slug}", lang="en")))
    graph.add((subject, RDFS.label, Literal(f"Passo {slug}", lang="it")))
    graph.add((subject, DCTERMS.description, Literal("A step made for this test.", lang="en")))
    graph.add((subject, DCTERMS.description,
               Literal("Un passo fatto per questa prova.", lang="it")))
    graph.add((subject, AIG.date, Literal(day, datatype=XSD.date)))
    graph.add((subject, AIG.category, entity_iri("language-models")))
    graph.add((subject, AIG.importance, AIG.Low))
    graph.add((subject, DCTERMS.source, URIRef(f"https://example.org/{slug}")))
    graph.add((subject, AIG.lastReviewed, Literal("2026-11-27", datatype=XSD.date)))
    for link in links:
        graph.add((subject, AIG.buildsOn, entity_iri(link)))
    return graph


@pytest.fixture
def limited(cur_settings, cur_store):
    """An application whose /sparql and expensive pages allow 2 requests a minute per client."""
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH_STORE": cur_store,
                      "AIGRAPH": cur_settings.replace(rate_limit="2 per minute")})
    yield app
    app.extensions["aigraph_executor"].close()
