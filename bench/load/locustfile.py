"""Locust users for the load test: readers of pages and paths, SPARQL clients, curators.

Run by bench/load/run.py against a real ``aigraph serve`` on loopback; every user comes from
127.0.0.1, so the server runs with the per-client limits off (they are tested elsewhere).
A few users send a heavy cross-product query, which must come back as an intended 503.
A few curators (API tokens in ``AIGRAPH_LOAD_TOKENS``) read an entity, change its English
description and PUT it back with ``If-Match``; several work on the same entities, so a 412
(someone saved first) is an intended answer. Each successful save is logged as one JSON
line to ``AIGRAPH_LOAD_WRITES`` for ``verify.py``; run.py lets a stopping user finish its
save (``--stop-timeout``), so no save is cut off with its answer unread.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task
from rdflib import Graph, Literal, Namespace, URIRef

ENTITIES = ["meta", "openai", "gpt-4", "llama-2", "mistral-7b", "deepseek-r1", "transformer",
            "alexnet", "google-deepmind", "bert"]
CHEAP = ["ASK { ?s a aig:Milestone }",
         "SELECT ?m ?label WHERE { ?m a aig:Milestone ; rdfs:label ?label "
         "FILTER(LANG(?label) = 'en') } LIMIT 20",
         "SELECT (COUNT(*) AS ?n) WHERE { ?m a aig:Model }"]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = {"Accept": "application/sparql-results+json"}


class Reader(HttpUser):
    """Someone browsing: the home page, entities, reading paths, search."""

    weight = 6
    wait_time = between(0.1, 0.5)

    @task(3)
    def entity(self):
        self.client.get(f"/id/{random.choice(ENTITIES)}", name="/id/[slug]")

    @task(2)
    def path(self):
        self.client.get("/paths/open-source-developer", name="/paths/[slug]")

    @task(1)
    def path_json(self):
        self.client.get("/paths/open-source-developer.json", name="/paths/[slug].json")

    @task(1)
    def home(self):
        self.client.get("/")

    @task(1)
    def search(self):
        self.client.get("/search?q=llama", name="/search")


class QueryClient(HttpUser):
    """A program using the endpoint with cheap queries."""

    weight = 3
    wait_time = between(0.1, 0.3)

    @task
    def cheap(self):
        self.client.get("/sparql", params={"query": random.choice(CHEAP)}, headers=JSON,
                        name="/sparql (cheap)")


class HeavyClient(HttpUser):
    """Someone running a query that can only be stopped: 503 is the right answer."""

    weight = 1
    wait_time = between(1, 2)

    @task
    def heavy(self):
        with self.client.get("/sparql", params={"query": HEAVY}, headers=JSON,
                             name="/sparql (heavy)", catch_response=True) as response:
            if response.status_code == 503:
                response.success()  # stopped at the time limit or refused as busy: intended


DCTERMS = Namespace("http://purl.org/dc/terms/")
EDITED = ["bert", "alexnet", "gpt-4", "llama-2"]
MARK = re.compile(r" \[edit [^\]]*\]$")
TOKENS = [t for t in os.environ.get("AIGRAPH_LOAD_TOKENS", "").split(",") if t]
_numbers = itertools.count(1)


def edited(turtle: str, slug: str, marker: str) -> str:
    """The entity's Turtle with its English description ending in ``[edit marker]``."""
    graph = Graph().parse(data=turtle, format="turtle")
    subject = URIRef(f"https://w3id.org/aigraph/id/{slug}")
    for old in list(graph.objects(subject, DCTERMS.description)):
        if isinstance(old, Literal) and old.language == "en":
            graph.remove((subject, DCTERMS.description, old))
            base = MARK.sub("", str(old))
            graph.add((subject, DCTERMS.description,
                       Literal(f"{base} [edit {marker}]", lang="en")))
    return graph.serialize(format="turtle")


class Curator(HttpUser):
    """A curator's script saving entities through the API, with bearer token and If-Match."""

    fixed_count = len(TOKENS)
    wait_time = between(1, 3)

    def on_start(self):
        self.token = TOKENS[next(_numbers) % len(TOKENS)] if TOKENS else ""

    @task
    def save(self):
        if not self.token:
            return
        slug = random.choice(EDITED)
        read = self.client.get(f"/id/{slug}", headers={"Accept": "text/turtle"},
                               name="/id/[slug] (curator read)")
        etag = read.headers.get("ETag")
        if read.status_code != 200 or not etag:
            return
        marker = f"{self.token[:6]}-{next(_numbers)}"
        body = edited(read.text, slug, marker)
        with self.client.put(f"/id/{slug}", data=body.encode("utf-8"), catch_response=True,
                             name="PUT /id/[slug]", headers={
                                 "Authorization": f"Bearer {self.token}",
                                 "Content-Type": "text/turtle", "If-Match": etag,
                                 "X-Comment": f"load test {marker}"}) as answer:
            if answer.status_code == 412:
                answer.success()  # another curator saved first: read again next time
            elif answer.status_code in (201, 204):
                with open(os.environ["AIGRAPH_LOAD_WRITES"], "a", encoding="utf-8") as log:
                    log.write(json.dumps({"slug": slug, "marker": marker, "if_match": etag,
                                          "etag": answer.headers.get("ETag"),
                                          "change": answer.headers.get("X-Change-Id")}) + "\n")
