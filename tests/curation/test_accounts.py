"""Accounts and tokens: hashed at rest, managed from the command line, never echoed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aigraph.accounts import AccountError, Accounts
from tests.curation.conftest import PASSWORD


def _env(settings) -> dict:
    import os

    return {**os.environ, "AIGRAPH_ACCOUNTS_FILE": settings.accounts_file,
            "AIGRAPH_DATA_DIR": settings.data_dir}


def test_passwords_and_tokens_are_stored_hashed(cur_settings):
    accounts = Accounts(cur_settings.accounts_file)
    accounts.add("ada", PASSWORD, "admin")
    token = accounts.create_token("ada")
    text = Path(cur_settings.accounts_file).read_text()
    assert PASSWORD not in text and token.split(".", 1)[1] not in text
    assert json.loads(text)["accounts"][0]["password_hash"].startswith("$argon2id$")
    assert Path(cur_settings.accounts_file).stat().st_mode & 0o077 == 0
    assert accounts.check_password("ada", PASSWORD).role == "admin"
    assert accounts.check_password("ada", "wrong password") is None
    assert accounts.check_password("nobody", PASSWORD) is None
    assert accounts.check_token(token).name == "ada"
    for bad in ("", "x", token + "x", token.split(".")[0] + ".", "." + token.split(".")[1]):
        assert accounts.check_token(bad) is None


def test_bad_names_roles_and_passwords_are_refused(cur_settings):
    accounts = Accounts(cur_settings.accounts_file)
    with pytest.raises(AccountError):
        accounts.add("../evil", PASSWORD)
    with pytest.raises(AccountError):
        accounts.add("ada", PASSWORD, "root")
    with pytest.raises(AccountError):
        accounts.add("ada", "short")
    accounts.add("ada", PASSWORD)
    with pytest.raises(AccountError):
        accounts.add("ada", PASSWORD)
    with pytest.raises(AccountError):
        accounts.create_token("bob")


def test_user_and_token_commands(cur_settings):
    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "aigraph", *args], input=stdin,
                              capture_output=True, text=True, env=_env(cur_settings), timeout=120)

    added = run("user", "add", "ada", "--role", "admin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    listed = run("user", "list")
    assert listed.stdout.split() == ["ada", "admin", "0", "token(s)"]
    created = run("token", "create", "ada")
    token = created.stdout.strip()
    assert created.returncode == 0 and "." in token
    assert Accounts(cur_settings.accounts_file).check_token(token).name == "ada"
    assert run("token", "create", "ada").stdout.strip() != token
    assert run("user", "add", "ada", stdin=PASSWORD + "\n").returncode == 1
    assert run("user", "remove", "ada").returncode == 0
    assert Accounts(cur_settings.accounts_file).check_token(token) is None
    assert run("user", "remove", "ada").returncode == 1


def test_the_accounts_file_is_outside_data_by_default():
    from aigraph.settings import PROJECT_ROOT, Settings

    settings = Settings.load(environ={})
    accounts = Path(settings.accounts_file).resolve()
    assert Path(settings.data_dir).resolve() not in accounts.parents
    ignored = subprocess.run(["git", "check-ignore", "-q", str(accounts)], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0
