"""The page cache and curation: a curator's page is never shared, and a save is seen at once."""

from __future__ import annotations

from tests.curation.conftest import NEW_MODEL, auth, log_in


def test_a_curator_never_gets_the_anonymous_page_nor_leaves_one(cur_app, token):
    visitor, curator = cur_app.test_client(), cur_app.test_client()
    log_in(curator)
    edit = 'href="/id/mistral-7b/edit"'
    anonymous = visitor.get("/id/mistral-7b")
    assert edit not in anonymous.get_data(as_text=True)
    assert visitor.get("/id/mistral-7b").headers["AIGraph-Cache"] == "hit"
    for _ in range(2):
        theirs = curator.get("/id/mistral-7b")
        assert edit in theirs.get_data(as_text=True)
        assert "AIGraph-Cache" not in theirs.headers
    # The anonymous ETag does not get a curator a 304 of the anonymous page either.
    asked = curator.get("/id/mistral-7b", headers={"If-None-Match": anonymous.headers["ETag"]})
    assert asked.status_code == 200 and edit in asked.get_data(as_text=True)
    after = visitor.get("/id/mistral-7b")
    assert after.headers["AIGraph-Cache"] == "hit" and after.data == anonymous.data


def test_a_save_makes_the_next_answer_new(cur_client, token):
    before = cur_client.get("/id/gpt-neo")
    assert cur_client.get("/id/gpt-neo").headers["AIGraph-Cache"] == "hit"
    home = cur_client.get("/")
    assert cur_client.get("/").headers["AIGraph-Cache"] == "hit"
    saved = cur_client.put("/id/gpt-neo-x", data=NEW_MODEL, headers=auth(token))
    assert saved.status_code == 201, saved.data
    after = cur_client.get("/id/gpt-neo")
    assert after.headers["AIGraph-Cache"] == "miss"
    assert "GPT-Neo X" in after.get_data(as_text=True)
    assert "GPT-Neo X" not in before.get_data(as_text=True)
    # The home page's old ETag no longer matches: a full answer with the new counts.
    home_after = cur_client.get("/", headers={"If-None-Match": home.headers["ETag"]})
    assert home_after.status_code == 200 and home_after.headers["AIGraph-Cache"] == "miss"
    assert home_after.headers["ETag"] != home.headers["ETag"]
    assert home_after.data != home.data
