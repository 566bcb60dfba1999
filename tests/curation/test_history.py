"""History: PROV-O in the named graph, the history and changes pages, the feed, and undo."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

import rdflib

from aigraph.curation import changes
from aigraph.curation.history import HISTORY_GRAPH
from aigraph.namespaces import entity_iri
from tests.curation.conftest import NEW_MODEL, auth, log_in, read

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def _relabel(client, token, label: str, comment: str = "") -> str:
    body, etag = read(client, "gpt-neo")
    text = re.sub(r'rdfs:label "GPT-Neo"@en, "[^"]*"@it', "", body)
    graph = rdflib.Graph().parse(data=body, format="turtle")
    subject = entity_iri("gpt-neo")
    for old in [o for o in graph.objects(subject, rdflib.RDFS.label) if o.language == "it"]:
        graph.remove((subject, rdflib.RDFS.label, old))
    graph.add((subject, rdflib.RDFS.label, rdflib.Literal(label, lang="it")))
    text = graph.serialize(format="turtle")
    response = client.put("/id/gpt-neo", data=text,
                          headers=auth(token, **{"If-Match": etag, "X-Comment": comment}))
    assert response.status_code == 204, response.data
    return response.headers["X-Change-Id"]


def test_a_change_is_recorded_as_prov_o_and_queryable_in_sparql(cur_client, token):
    change_id = _relabel(cur_client, token, "GPT-Neo nuovo", "Italian name")
    query = """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX aig: <https://w3id.org/aigraph/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?change ?who ?when ?comment ?o WHERE { GRAPH HISTORY {
          ?change aig:changes <https://w3id.org/aigraph/id/gpt-neo> ;
                  prov:wasAssociatedWith/rdfs:label ?who ; prov:endedAtTime ?when ;
                  rdfs:comment ?comment ; prov:generated/rdf:object ?o } }"""
    query = query.replace("HISTORY", HISTORY_GRAPH.n3())
    response = cur_client.post("/sparql", data={"query": query},
                               headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    rows = response.get_json()["results"]["bindings"]
    assert len(rows) == 1
    row = rows[0]
    assert row["change"]["value"].endswith(change_id)
    assert row["who"]["value"] == "ada"
    assert row["comment"]["value"] == "Italian name"
    assert row["o"]["value"] == "GPT-Neo nuovo"
    # The default graph holds the data only: the change is not mixed into it.
    ask = "ASK { ?c a <http://www.w3.org/ns/prov#Activity> }"
    answer = cur_client.post("/sparql", data={"query": ask},
                             headers={"Accept": "application/sparql-results+json"})
    assert answer.get_json()["boolean"] is False


def test_history_page_shows_the_diff_and_turtle_gives_prov(cur_client, token):
    change_id = _relabel(cur_client, token, "GPT-Neo storico")
    page = cur_client.get("/id/gpt-neo/history")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert change_id in html and "GPT-Neo storico" in html and "diff-removed" in html
    turtle = cur_client.get("/id/gpt-neo/history", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    change = rdflib.URIRef(f"https://w3id.org/aigraph/change/{change_id}")
    assert (change, rdflib.RDF.type, PROV.Activity) in graph
    assert len(list(graph.objects(change, PROV.generated))) == 1
    assert len(list(graph.objects(change, PROV.invalidated))) == 1
    assert cur_client.get("/id/no-such-thing/history").status_code == 404


def test_changes_page_and_atom_feed_list_the_latest_changes(cur_client, token):
    first = _relabel(cur_client, token, "Uno")
    second = _relabel(cur_client, token, "Due")
    html = cur_client.get("/changes").get_data(as_text=True)
    assert html.index(second) < html.index(first)
    feed = cur_client.get("/changes.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    ids = [e.findtext("a:id", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert ids[:2] == [f"https://w3id.org/aigraph/change/{second}",
                       f"https://w3id.org/aigraph/change/{first}"]


def test_revert_from_the_page_needs_login_and_csrf_and_is_recorded(cur_client, token):
    change_id = _relabel(cur_client, token, "Da annullare")
    url = f"/changes/{change_id}/revert"
    assert cur_client.post(url).status_code == 302  # to the login page
    assert "Da annullare" in read(cur_client, "gpt-neo")[0]
    log_in(cur_client)
    assert cur_client.post(url).status_code == 400  # no CSRF token
    page = cur_client.get("/changes").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = cur_client.post(url, data={"csrf_token": csrf})
    assert response.status_code == 303
    body = read(cur_client, "gpt-neo")[0]
    assert "Da annullare" not in body and '"GPT-Neo"@it' in body
    latest = changes.recent(cur_client.application.extensions["aigraph"].store, 1)[0]
    assert latest.reverts == change_id and latest.user == "ada"


def test_revert_a_creation_deletes_and_cli_revert_works(cur_client, token, cur_settings,
                                                        monkeypatch):
    from aigraph import cli

    created = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=auth(token))
    assert created.status_code == 201
    change_id = created.headers["X-Change-Id"]
    for name in ("data_dir", "history_dir", "ontology_dir", "accounts_file"):
        monkeypatch.setenv(f"AIGRAPH_{name.upper()}", getattr(cur_settings, name))
    assert cli.main(["revert", change_id, "--user", "bob", "--comment", "not yet"]) == 0
    assert cur_client.get("/id/gpt-neo-x").status_code == 404
    store = cur_client.application.extensions["aigraph"].store
    record = changes.recent(store, 1)[0]
    assert (record.user, record.comment, record.reverts) == ("bob", "not yet", change_id)
    # Reverting the revert brings the model back.
    assert cli.main(["revert", record.id, "--user", "bob"]) == 0
    assert cur_client.get("/id/gpt-neo-x").status_code == 200
    assert cli.main(["revert", "20990101T000000Z-00000000", "--user", "bob"]) != 0
