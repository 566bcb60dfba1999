"""PUT and DELETE /id/{slug}: every status of the contract, and what each one writes."""

from __future__ import annotations

import json
from pathlib import Path

import rdflib

from aigraph.namespaces import entity_iri
from tests.curation.conftest import NEW_MODEL, TURTLE, auth, read, tree_digest

MODEL = entity_iri("gpt-neo-x")


def test_every_entity_format_carries_the_same_etag(cur_client):
    tags = set()
    for accept in ("text/html", "text/turtle", "application/ld+json", "application/n-triples",
                   "application/rdf+xml"):
        response = cur_client.get("/id/gpt-neo", headers={"Accept": accept})
        assert response.status_code == 200
        tags.add(response.headers["ETag"])
    assert len(tags) == 1 and tags.pop().startswith('"')


def test_create_then_read_it_back(cur_client, token, cur_settings):
    response = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=auth(token))
    assert response.status_code == 201, response.data
    assert response.headers["Location"].endswith("/id/gpt-neo-x")
    body, etag = read(cur_client, "gpt-neo-x")
    assert etag == response.headers["ETag"]
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert (MODEL, rdflib.RDFS.label, rdflib.Literal("GPT-Neo X", lang="en")) in graph
    # The new model went to the file of its class, in the canonical layout.
    text = (Path(cur_settings.data_dir) / "models.ttl").read_text(encoding="utf-8")
    assert "id:gpt-neo-x\n    a aig:Model ;" in text
    # Pages and their caches see the new model at once: its page, its developer's, search.
    assert cur_client.get("/id/gpt-neo-x").status_code == 200
    assert "/id/gpt-neo-x" in cur_client.get("/id/eleutherai").get_data(as_text=True)
    assert "/id/gpt-neo-x" in cur_client.get("/search?q=GPT-Neo+X").get_data(as_text=True)


def test_replace_needs_if_match_and_then_succeeds(cur_client, token):
    body, etag = read(cur_client, "gpt-neo")
    changed = body.replace('"GPT-Neo"@it', '"GPT-Neo (famiglia)"@it')
    assert cur_client.put("/id/gpt-neo", data=changed, headers=auth(token)).status_code == 428
    response = cur_client.put("/id/gpt-neo", data=changed, headers=auth(token, **{"If-Match": etag}))
    assert response.status_code == 204, response.data
    _, new_etag = read(cur_client, "gpt-neo")
    assert new_etag == response.headers["ETag"] != etag
    assert "GPT-Neo (famiglia)" in read(cur_client, "gpt-neo")[0]


def test_stale_if_match_is_412_with_what_changed(cur_client, token):
    body, etag = read(cur_client, "gpt-neo")
    first = body.replace('"GPT-Neo"@it', '"GPT-Neo A"@it')
    assert cur_client.put("/id/gpt-neo", data=first,
                          headers=auth(token, **{"If-Match": etag})).status_code == 204
    second = body.replace('"GPT-Neo"@it', '"GPT-Neo B"@it')
    response = cur_client.put("/id/gpt-neo", data=second, headers=auth(token, **{"If-Match": etag}))
    assert response.status_code == 412
    report = response.get_json()
    assert report["etag"] == read(cur_client, "gpt-neo")[1]
    assert any('"GPT-Neo A"@it' in line for line in report["added"])
    assert any('"GPT-Neo"@it' in line for line in report["removed"])
    assert "GPT-Neo A" in read(cur_client, "gpt-neo")[0]


def test_if_none_match_star_refuses_an_existing_entity(cur_client, token):
    body, _ = read(cur_client, "gpt-neo")
    response = cur_client.put("/id/gpt-neo", data=body,
                              headers=auth(token, **{"If-None-Match": "*"}))
    assert response.status_code == 412
    created = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL,
                             headers=auth(token, **{"If-None-Match": "*"}))
    assert created.status_code == 201


def test_non_conforming_body_is_422_with_violations_and_writes_nothing(cur_client, token,
                                                                        cur_settings):
    before = tree_digest(cur_settings.data_dir, cur_settings.history_dir)
    broken = NEW_MODEL.replace(', "GPT-Neo X"@it', "")
    response = cur_client.put("/id/gpt-neo-x", data=broken, headers=auth(token))
    assert response.status_code == 422
    report = response.get_json()
    assert report["conforms"] is False
    assert {"focus": "id:gpt-neo-x", "path": "rdfs:label"} in [
        {"focus": v["focus"], "path": v["path"]} for v in report["violations"]]
    assert all(v["message"] for v in report["violations"])
    assert tree_digest(cur_settings.data_dir, cur_settings.history_dir) == before
    assert cur_client.get("/id/gpt-neo-x").status_code == 404


def test_violations_speak_the_curators_language(cur_client, token):
    broken = NEW_MODEL.replace(', "GPT-Neo X"@it', "")
    response = cur_client.put("/id/gpt-neo-x?lang=it", data=broken, headers=auth(token))
    messages = {v["path"]: v["message"] for v in response.get_json()["violations"]}
    assert messages["rdfs:label"].startswith("Indica rdfs:label una volta in inglese")


def test_a_link_to_a_missing_entity_is_refused(cur_client, token):
    body = NEW_MODEL.replace("id:eleutherai", "id:no-such-lab")
    response = cur_client.put("/id/gpt-neo-x", data=body, headers=auth(token))
    assert response.status_code == 422
    assert any(v["path"] == "aig:developedBy" for v in response.get_json()["violations"])


def test_a_cycle_through_the_graph_is_refused(cur_client, token):
    # gpt-neo-x based on gpt-neo, then gpt-neo based on gpt-neo-x: a loop of two models.
    assert cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=auth(token)).status_code == 201
    body, etag = read(cur_client, "gpt-neo")
    looped = body.replace("aig:developedBy", "aig:basedOn id:gpt-neo-x ;\n    aig:developedBy", 1)
    response = cur_client.put("/id/gpt-neo", data=looped, headers=auth(token, **{"If-Match": etag}))
    assert response.status_code == 422, response.data


def test_missing_or_bad_token_is_401(cur_client, token):
    for headers in (TURTLE, {**TURTLE, "Authorization": "Bearer nope.nope"},
                    {**TURTLE, "Authorization": f"Basic {token}"}):
        response = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert cur_client.delete("/id/gpt-neo").status_code == 401


def test_a_session_cookie_does_not_open_the_api(cur_app, cur_client, token):
    with cur_client.session_transaction() as session:
        session["_user_id"] = "ada"
        session["_fresh"] = True
    response = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=TURTLE)
    assert response.status_code == 401


def test_statements_about_other_subjects_are_400(cur_client, token):
    extra = NEW_MODEL + ('\n<https://w3id.org/aigraph/id/mit> '
                         '<http://www.w3.org/2000/01/rdf-schema#label> "x"@en .')
    response = cur_client.put("/id/gpt-neo-x", data=extra, headers=auth(token))
    assert response.status_code == 400
    assert "id:mit" in response.get_json()["error"]


def test_unparsable_and_wrongly_typed_bodies(cur_client, token):
    assert cur_client.put("/id/gpt-neo-x", data="<> a ", headers=auth(token)).status_code == 400
    response = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL,
                              headers={**auth(token), "Content-Type": "application/rdf+xml"})
    assert response.status_code == 415
    assert cur_client.put("/id/gpt-neo-x", data=b"\xff\xfe", headers=auth(token)).status_code == 400


def test_json_ld_body_with_an_inline_context_is_accepted(cur_client, token):
    graph = rdflib.Graph().parse(data=NEW_MODEL, format="turtle",
                                 publicID=str(MODEL))
    document = graph.serialize(format="json-ld")
    response = cur_client.put("/id/gpt-neo-x", data=document,
                              headers={**auth(token), "Content-Type": "application/ld+json"})
    assert response.status_code == 201, response.data


def test_json_ld_remote_contexts_are_refused_without_fetching(cur_client, token):
    for context in ("https://127.0.0.1:9/context.jsonld", ["https://127.0.0.1:9/c.jsonld"],
                    {"@import": "https://127.0.0.1:9/c.jsonld"}):
        document = json.dumps({"@context": context, "@id": str(MODEL),
                               "label": "x"})
        response = cur_client.put("/id/gpt-neo-x", data=document,
                                  headers={**auth(token), "Content-Type": "application/ld+json"})
        assert response.status_code == 400
        assert "remote" in response.get_json()["error"]


def test_too_large_a_body_is_413(cur_client, token, cur_app):
    limit = cur_app.extensions["aigraph"].settings.max_write_bytes
    response = cur_client.put("/id/gpt-neo-x", data=b"#" * (limit + 1), headers=auth(token))
    assert response.status_code == 413


def test_delete_is_409_while_linked_then_204(cur_client, token):
    assert cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=auth(token)).status_code == 201
    _, etag = read(cur_client, "gpt-neo")
    blocked = cur_client.delete("/id/gpt-neo", headers=auth(token, **{"If-Match": etag}))
    assert blocked.status_code == 409
    assert str(MODEL) in blocked.get_json()["referrers"]
    _, etag = read(cur_client, "gpt-neo-x")
    assert cur_client.delete("/id/gpt-neo-x", headers=auth(token)).status_code == 428
    assert cur_client.delete("/id/gpt-neo-x",
                             headers=auth(token, **{"If-Match": '"0"'})).status_code == 412
    gone = cur_client.delete("/id/gpt-neo-x", headers=auth(token, **{"If-Match": etag}))
    assert gone.status_code == 204
    assert cur_client.get("/id/gpt-neo-x").status_code == 404
    assert cur_client.delete("/id/gpt-neo-x", headers=auth(token)).status_code == 404


def test_a_one_fact_change_is_a_one_line_diff(cur_client, token, cur_settings):
    # The fixture file is not in the canonical layout yet: a first write makes it so.
    body, etag = read(cur_client, "gpt-neo")
    one = body.replace('"GPT-Neo"@it', '"GPT-Neo 1"@it')
    assert cur_client.put("/id/gpt-neo", data=one,
                          headers=auth(token, **{"If-Match": etag})).status_code == 204
    path = next(p for p in Path(cur_settings.data_dir).glob("*.ttl")
                if "GPT-Neo 1" in p.read_text())
    before = path.read_text().splitlines()
    body, etag = read(cur_client, "gpt-neo")
    two = body.replace('"GPT-Neo 1"@it', '"GPT-Neo 2"@it')
    assert cur_client.put("/id/gpt-neo", data=two,
                          headers=auth(token, **{"If-Match": etag})).status_code == 204
    after = path.read_text().splitlines()
    assert len(before) == len(after)
    differing = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(differing) == 1 and "GPT-Neo 2" in differing[0][1]


def test_a_reading_path_whose_rule_selects_nothing_is_refused(cur_client, token):
    body, etag = read(cur_client, "open-source-developer")
    empty = body.replace('"2025-01-31"^^xsd:date', '"2021-01-02"^^xsd:date')
    assert empty != body
    response = cur_client.put("/id/open-source-developer", data=empty,
                              headers=auth(token, **{"If-Match": etag}))
    assert response.status_code == 422, response.data
    messages = [v["message"] for v in response.get_json()["violations"]]
    assert any("is empty" in m for m in messages), messages


def test_a_reading_path_with_step_notes_round_trips_and_reverts(cur_client, token, cur_settings,
                                                                 monkeypatch):
    from aigraph import cli

    body, etag = read(cur_client, "open-source-developer")
    notes_before = body.count("aig:PathNote")
    tweaked = body.replace("From a volunteer GPT-3 replica", "From one volunteer GPT-3 replica")
    response = cur_client.put("/id/open-source-developer", data=tweaked,
                              headers=auth(token, **{"If-Match": etag}))
    assert response.status_code == 204, response.data
    after, _ = read(cur_client, "open-source-developer")
    assert "From one volunteer" in after and after.count("aig:PathNote") == notes_before
    record = cur_client.get("/id/open-source-developer/history",
                            headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert record.count("rdf:Statement") == 2  # one statement added, one removed
    for name in ("data_dir", "history_dir", "ontology_dir"):
        monkeypatch.setenv(f"AIGRAPH_{name.upper()}", getattr(cur_settings, name))
    assert cli.main(["revert", response.headers["X-Change-Id"], "--user", "ada"]) == 0
    restored, _ = read(cur_client, "open-source-developer")
    assert "From a volunteer GPT-3 replica" in restored
    assert restored.count("aig:PathNote") == notes_before


def test_the_412_diff_is_the_net_change_since_the_etag_sent(cur_client, token):
    original, first_etag = read(cur_client, "gpt-neo")
    detour = original.replace('"GPT-Neo"@it', '"Deviazione"@it')
    assert cur_client.put("/id/gpt-neo", data=detour,
                          headers=auth(token, **{"If-Match": first_etag})).status_code == 204
    # Back to the first label, plus a comment: the label's round trip is no net change.
    back = original.replace('aig:developedBy', 'rdfs:comment "note" ;\n    aig:developedBy', 1)
    _, etag = read(cur_client, "gpt-neo")
    assert cur_client.put("/id/gpt-neo", data=back,
                          headers=auth(token, **{"If-Match": etag})).status_code == 204
    stale = cur_client.put("/id/gpt-neo", data=original,
                           headers=auth(token, **{"If-Match": first_etag}))
    assert stale.status_code == 412
    report = stale.get_json()
    assert report["removed"] == []
    assert len(report["added"]) == 1 and '"note"' in report["added"][0]


def test_deeply_nested_bodies_are_400_not_500(cur_client, token):
    turtle = "<> <http://www.w3.org/2000/01/rdf-schema#seeAlso> " + "[ <urn:p> " * 5000 \
        + "1" + " ]" * 5000 + " ."
    assert cur_client.put("/id/gpt-neo-x", data=turtle, headers=auth(token)).status_code == 400
    document = '{"@id": "https://w3id.org/aigraph/id/gpt-neo-x", "urn:p": ' + "[" * 5000 \
        + "1" + "]" * 5000 + "}"
    response = cur_client.put("/id/gpt-neo-x", data=document,
                              headers={**auth(token), "Content-Type": "application/ld+json"})
    assert response.status_code == 400
