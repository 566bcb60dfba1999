"""Rate limits and curators: anonymous clients get 429 with Retry-After, a curator logged in
through Flask-Login is exempt (from the same address), and the token API is not limited."""

from __future__ import annotations

import json

from tests.curation.conftest import auth, log_in, read

JSON = "application/sparql-results+json"
ADDRESS = {"REMOTE_ADDR": "10.1.2.3"}


def _ask(client):
    return client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": JSON},
                      environ_base=ADDRESS)


def _search(client):
    return client.get("/search", query_string={"q": "llama"}, environ_base=ADDRESS)


def test_anonymous_clients_get_429_and_logged_in_curators_are_exempt(limited, token):
    client = limited.test_client()
    # Anonymous: the third request in a minute is refused, with Retry-After, in each format.
    assert [_ask(client).status_code for _ in range(3)] == [200, 200, 429]
    refused = _ask(client)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many requests" in json.loads(refused.data)["error"]
    assert [_search(client).status_code for _ in range(3)] == [200, 200, 429]
    page = _search(client)
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "Too many requests" in page.get_data(as_text=True)

    # The same address, logged in as a curator: no limit on either.
    csrf = log_in(client, environ_base=ADDRESS)
    assert {_ask(client).status_code for _ in range(6)} == {200}
    assert {_search(client).status_code for _ in range(6)} == {200}

    # Logged out again, the address is over its limit as before.
    assert client.post("/logout", data={"csrf_token": csrf},
                       environ_base=ADDRESS).status_code == 302
    assert _ask(client).status_code == 429
    assert _search(client).status_code == 429


def test_the_token_api_is_not_rate_limited(limited, token):
    client = limited.test_client()
    body, etag = read(client, "gpt-neo")
    statuses = []
    for number in range(5):
        changed = body.replace('"GPT-Neo"@it', f'"GPT-Neo {number}"@it')
        answer = client.put("/id/gpt-neo", data=changed, environ_base=ADDRESS,
                            headers=auth(token, **{"If-Match": etag}))
        statuses.append(answer.status_code)
        etag = answer.headers.get("ETag", etag)
    assert statuses == [204] * 5
    # Meanwhile the same address is limited on the endpoint.
    assert [_ask(client).status_code for _ in range(3)] == [200, 200, 429]
