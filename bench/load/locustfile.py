"""Locust users for the load test: readers of pages and paths, and SPARQL clients.

Run by bench/load/run.py against a real ``aigraph serve`` on loopback; every user comes from
127.0.0.1, so the server runs with the per-client limits off (they are tested elsewhere).
A few users send a heavy cross-product query, which must come back as an intended 503.
"""

from __future__ import annotations

import random

from locust import HttpUser, between, task

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
