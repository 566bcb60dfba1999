"""Security of the write side: every mutating route needs a login, no GET changes anything,
labels are escaped, logins are limited, and the site will not start without a secret key."""

from __future__ import annotations

import re

import pytest

from aigraph.web import create_app
from tests.curation.conftest import NEW_MODEL, PASSWORD, auth, read, tree_digest

SAMPLE_ARGS = {"slug": "gpt-neo", "change_id": "20260101T000000Z-0123abcd", "name": "x",
               "filename": "css/site.css", "query": "x", "group": "x", "path": "x"}
#: POST routes that change nothing, and why they need no login.
READ_ONLY_POSTS = {
    "/sparql": "SPARQL queries only; updates are refused (tests/web/test_sparql.py)",
    "/login": "the login form itself",
}
SAFE = {"GET", "HEAD", "OPTIONS"}


def _url(rule) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", SAMPLE_ARGS.get(name, "x"), url)
    return url


def test_every_mutating_route_needs_a_login_or_a_token(cur_app, cur_client, cur_settings):
    before = tree_digest(cur_settings.data_dir, cur_settings.history_dir)
    checked = 0
    for rule in cur_app.url_map.iter_rules():
        for method in sorted(rule.methods - SAFE):
            url = _url(rule)
            if rule.rule in READ_ONLY_POSTS:
                continue
            response = cur_client.open(url, method=method, data=NEW_MODEL,
                                        headers={"Content-Type": "text/turtle"})
            # 401 for the API, a redirect to the login page for the site's forms.
            assert response.status_code in (401, 302), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], (method, url)
            checked += 1
    assert checked >= 3  # PUT and DELETE /id/{slug}, the revert and logout forms
    assert tree_digest(cur_settings.data_dir, cur_settings.history_dir) == before


def _csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_logout_is_a_post_with_a_csrf_token(cur_client, token):
    csrf = _csrf(cur_client, "/login")
    assert cur_client.post("/login", data={"name": "ada", "password": PASSWORD,
                                           "csrf_token": csrf}).status_code == 302
    assert cur_client.get("/logout").status_code == 405
    # Another site cannot log a curator out: the form's token is required.
    assert cur_client.post("/logout").status_code == 400
    with cur_client.session_transaction() as session:
        assert session.get("_user_id") == "ada"
    assert cur_client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    with cur_client.session_transaction() as session:
        assert "_user_id" not in session


def test_no_get_changes_anything(cur_app, cur_client, cur_settings, token):
    before = tree_digest(cur_settings.data_dir, cur_settings.history_dir)
    accounts = tree_digest(cur_settings.accounts_file.rsplit("/", 1)[0])
    for rule in cur_app.url_map.iter_rules():
        if "GET" in rule.methods and "filename" not in rule.arguments:
            cur_client.get(_url(rule), headers={"Authorization": f"Bearer {token}"})
    assert tree_digest(cur_settings.data_dir, cur_settings.history_dir) == before
    assert tree_digest(cur_settings.accounts_file.rsplit("/", 1)[0]) == accounts


def test_a_script_label_is_shown_inert_everywhere(cur_client, token):
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    body = NEW_MODEL.replace('"GPT-Neo X"@en', '"' + hostile + '"@en')
    response = cur_client.put("/id/gpt-neo-x", data=body,
                              headers=auth(token, **{"X-Comment": hostile}))
    assert response.status_code == 201, response.data
    change_id = response.headers["X-Change-Id"]
    pages = ["/id/gpt-neo-x", "/id/gpt-neo-x/history", "/changes", "/id/gpt-neo",
             "/search?q=script", "/timeline"]
    for url in pages:
        html = cur_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    assert "&lt;script&gt;alert" in cur_client.get("/id/gpt-neo-x").get_data(as_text=True)
    feed = cur_client.get("/changes.atom").get_data(as_text=True)
    assert "<script>" not in feed and change_id in feed


def test_login_is_rate_limited(cur_settings, cur_store, token):
    app = create_app({"TESTING": True, "AIGRAPH": cur_settings.replace(
        login_rate_limit="3 per minute"), "AIGRAPH_STORE": cur_store})
    client = app.test_client()
    try:
        statuses = [client.post("/login", data={"name": "ada", "password": "wrong"}).status_code
                    for _ in range(5)]
    finally:
        app.extensions["aigraph_executor"].close()
    assert statuses == [401, 401, 401, 429, 429]


def test_wrong_password_and_missing_csrf_do_not_log_in(cur_client, token):
    csrf = _csrf(cur_client, "/login")
    wrong = cur_client.post("/login", data={"name": "ada", "password": "nope", "csrf_token": csrf})
    assert wrong.status_code == 401
    no_csrf = cur_client.post("/login", data={"name": "ada", "password": PASSWORD})
    assert no_csrf.status_code == 401
    ok = cur_client.post("/login?next=https://evil.example/", data={
        "name": "ada", "password": PASSWORD, "csrf_token": csrf})
    assert ok.status_code == 302 and ok.headers["Location"] == "/"


@pytest.mark.parametrize("key", ["", "dev", "changeme"])
def test_the_site_refuses_to_start_without_a_real_secret_key(cur_settings, cur_store, key):
    with pytest.raises(RuntimeError, match="secret_key"):
        create_app({"AIGRAPH": cur_settings.replace(secret_key=key), "AIGRAPH_STORE": cur_store})


def test_a_debug_site_starts_without_a_key(cur_settings, cur_store):
    app = create_app({"DEBUG": True, "AIGRAPH": cur_settings.replace(secret_key=""),
                      "AIGRAPH_STORE": cur_store})
    try:
        assert len(app.config["SECRET_KEY"]) >= 32
    finally:
        app.extensions["aigraph_executor"].close()


def test_the_accounts_file_is_never_served(cur_client, token, cur_settings):
    for url in ("/instance/accounts.json", "/static/../instance/accounts.json",
                "/accounts.json", "/data/.aigraph-write.lock"):
        response = cur_client.get(url)
        assert response.status_code == 404, url
        assert b"password_hash" not in response.data
    assert read(cur_client, "gpt-neo")[1]


def test_serve_without_a_secret_key_says_so_and_stops(cur_settings):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "AIGRAPH_SECRET_KEY"}
    env.update(AIGRAPH_DATA_DIR=cur_settings.data_dir, AIGRAPH_HISTORY_DIR=cur_settings.history_dir)
    from tests.oxigraph_server import free_port

    result = subprocess.run([sys.executable, "-m", "aigraph", "serve", "--port", str(free_port())],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "secret_key" in result.stderr and "Traceback" not in result.stderr


def test_the_site_refuses_an_accounts_file_inside_the_data(cur_settings, cur_store):
    inside = cur_settings.replace(accounts_file=cur_settings.data_dir + "/accounts.json")
    with pytest.raises(RuntimeError, match="accounts_file"):
        create_app({"TESTING": True, "AIGRAPH": inside, "AIGRAPH_STORE": cur_store})
