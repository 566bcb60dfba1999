"""The remote-store write path against a real ``oxigraph serve``: one SPARQL Update per change,
history in a named graph there, and several web processes seeing the same data."""

from __future__ import annotations

import pytest
import rdflib

from aigraph.curation import changes, writer
from aigraph.curation.errors import PreconditionFailed
from aigraph.curation.history import HISTORY_GRAPH
from aigraph.namespaces import entity_iri
from aigraph.store import RemoteStore, data_files
from aigraph.web import create_app
from tests.curation.conftest import NEW_MODEL, auth, read, tree_digest
from tests.oxigraph_server import running_oxigraph

pytestmark = pytest.mark.remote


@pytest.fixture
def server(cur_settings, tmp_path):
    files = data_files(cur_settings.ontology_dir, cur_settings.data_dir)
    with running_oxigraph(files, tmp_path / "oxigraph", read_only=False) as url:
        yield url, url.rsplit("/", 1)[0] + "/update"


def _app(settings, url, update_url):
    return create_app({"TESTING": True, "AIGRAPH": settings.replace(store=url,
                                                                    update_url=update_url)})


def test_writes_go_to_the_remote_store_and_every_process_sees_them(cur_settings, server, token):
    url, update_url = server
    files_before = tree_digest(cur_settings.data_dir, cur_settings.history_dir)
    first, second = _app(cur_settings, url, update_url), _app(cur_settings, url, update_url)
    try:
        one, two = first.test_client(), second.test_client()
        created = one.put("/id/gpt-neo-x", data=NEW_MODEL, headers=auth(token))
        assert created.status_code == 201, created.data
        # The other web process reads the new entity and its history from the same store.
        body, etag = read(two, "gpt-neo-x")
        assert "GPT-Neo X" in body and etag == created.headers["ETag"]
        assert created.headers["X-Change-Id"] in two.get("/changes").get_data(as_text=True)
        # A replace through the second process, then a stale one through the first: 412.
        changed = body.replace('"GPT-Neo X"@it', '"GPT-Neo X (it)"@it')
        assert two.put("/id/gpt-neo-x", data=changed,
                       headers=auth(token, **{"If-Match": etag})).status_code == 204
        stale = one.put("/id/gpt-neo-x", data=body, headers=auth(token, **{"If-Match": etag}))
        assert stale.status_code == 412
        assert any("GPT-Neo X (it)" in line for line in stale.get_json()["added"])
        # Delete is refused while linked, and works once nothing links to it.
        _, etag = read(one, "gpt-neo")
        assert one.delete("/id/gpt-neo", headers=auth(token, **{"If-Match": etag})).status_code == 409
        _, etag = read(one, "gpt-neo-x")
        assert one.delete("/id/gpt-neo-x", headers=auth(token, **{"If-Match": etag})).status_code == 204
        assert two.get("/id/gpt-neo-x").status_code == 404
    finally:
        first.extensions["aigraph_executor"].close()
        second.extensions["aigraph_executor"].close()
    # Nothing was written to the local files: the remote store holds data and history.
    assert tree_digest(cur_settings.data_dir, cur_settings.history_dir) == files_before
    store = RemoteStore(url, update_url)
    rows = store.select("SELECT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/aigraph/ontology#Change> } }",
                        {"g": HISTORY_GRAPH})
    assert len(rows) == 3
    assert len(changes.history(store, entity_iri("gpt-neo-x"))) == 3


def test_the_update_matches_nothing_when_the_entity_moved_meanwhile(cur_settings, server):
    url, update_url = server
    store = RemoteStore(url, update_url)
    subject = entity_iri("gpt-neo")
    graph = changes.entity_graph(store, subject)
    graph.add((subject, rdflib.RDFS.comment, rdflib.Literal("first")))
    candidate = changes.propose(store, cur_settings, subject, graph)
    # Another process changes the entity after the proposal was read...
    store.update('INSERT DATA { <https://w3id.org/aigraph/id/gpt-neo> '
                 '<http://www.w3.org/2000/01/rdf-schema#comment> "elsewhere" }')
    record = changes._record(candidate, "ada", "", "")
    # ...so the conditional update, built from what was read, changes nothing at all.
    with pytest.raises(PreconditionFailed):
        writer.write_remote(store, candidate.before, candidate.after, record, set())
    comments = {str(o) for o in changes.entity_graph(store, subject).objects(subject,
                                                                             rdflib.RDFS.comment)}
    assert comments == {"elsewhere"}
    assert changes.recent(store, 5) == []
