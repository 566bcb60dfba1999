"""Rate limits and API tokens: a valid bearer token relaxes the limit on /sparql and the
expensive pages as a curator's session does; a bad one is counted like any anonymous client,
and checking it never parses the accounts file again."""

from __future__ import annotations

from aigraph.accounts import Accounts

JSON = "application/sparql-results+json"
ADDRESS = {"REMOTE_ADDR": "10.1.2.4"}


def _ask(client, authorization=None):
    headers = {"Accept": JSON}
    if authorization is not None:
        headers["Authorization"] = authorization
    return client.get("/sparql", query_string={"query": "ASK {}"}, headers=headers,
                      environ_base=ADDRESS)


def _search(client, authorization=None):
    headers = {} if authorization is None else {"Authorization": authorization}
    return client.get("/search", query_string={"q": "llama"}, headers=headers,
                      environ_base=ADDRESS)


def test_a_valid_bearer_token_relaxes_the_limit_like_a_session(limited, token):
    client = limited.test_client()
    assert {_ask(client, f"Bearer {token}").status_code for _ in range(6)} == {200}
    assert {_search(client, f"bearer {token}").status_code for _ in range(6)} == {200}
    # The token's requests were not counted: the address still has its own two.
    assert [_ask(client).status_code for _ in range(3)] == [200, 200, 429]
    assert [_search(client).status_code for _ in range(3)] == [200, 200, 429]
    # Over its limit, the address is still served with the token.
    assert _ask(client, f"Bearer {token}").status_code == 200


def _bad_tokens(token: str) -> list[str]:
    token_id, _, secret = token.partition(".")
    return [
        f"Bearer {token_id}.{secret[:-1]}x" if secret[-1] != "x" else f"Bearer {token_id}.{secret[:-1]}y",
        f"Bearer 000000000000.{secret}",   # an id nobody has
        f"Bearer {token_id}",              # no secret
        f"Bearer {token_id}.",
        "Bearer ",
        f"Basic {token}",                  # another scheme
        token,                             # no scheme
        f"Bearer {token}" + "a" * 5000,    # longer than any token
        f"Bearer {token_id}.{secret}\u00e9",
    ]


def test_bad_tokens_are_limited_like_anonymous_clients_and_cost_no_reparse(limited, token):
    client = limited.test_client()
    bad = _bad_tokens(token)
    answers = [_ask(client, header).status_code for header in bad]
    # Neither refused as unauthorised (the endpoint is public) nor exempt: counted and limited.
    assert answers[:2] == [200, 200]
    assert set(answers[2:]) == {429}
    assert {_search(client, header).status_code for header in bad[:3]} == {200, 429}
    # The accounts file was parsed once for all of them, not once per request.
    index = limited.extensions["aigraph_token_digests"]
    for header in bad:
        _ask(client, header)
    assert limited.extensions["aigraph_token_digests"] is index


def test_a_new_token_counts_at_once_and_a_removed_account_no_longer(limited, cur_settings, token):
    client = limited.test_client()
    assert _ask(client, f"Bearer {token}").status_code == 200
    accounts = Accounts(cur_settings.accounts_file)
    accounts.add("grace", "another long enough passphrase")
    fresh = accounts.create_token("grace")
    assert {_ask(client, f"Bearer {fresh}").status_code for _ in range(4)} == {200}
    accounts.remove("grace")
    assert [_ask(client, f"Bearer {fresh}").status_code for _ in range(3)] == [200, 200, 429]
    assert _ask(client, f"Bearer {token}").status_code == 200
