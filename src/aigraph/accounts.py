"""Curator accounts: names, roles, Argon2 password hashes and hashed API tokens, in one JSON file.

The file lives at the ``accounts_file`` setting, outside ``data/``, and is never served. It
is rewritten atomically (temporary file, fsync, rename) with owner-only permissions. Tokens
are ``ID.SECRET``: the id finds the record, and only the SHA-256 digest of the secret is
stored (a random 32-byte secret needs no slow hash; every API call checks one).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("curator", "admin")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HASHER = PasswordHasher()
_LOCK = threading.Lock()


@functools.cache
def _dummy_hash() -> str:
    """A hash verified against when the name is unknown, so a wrong name costs as long as a
    wrong password; made on first use, not at import (it costs tens of ms at every start)."""
    return _HASHER.hash("not a password")


class AccountError(ValueError):
    """An account operation that cannot be done (unknown name, bad name or role, ...)."""


@dataclass
class Token:
    """One API token: its public id, the digest of its secret, when it was made."""

    id: str
    digest: str
    created: str


@dataclass
class Account:
    """A curator: name, role, password hash and tokens."""

    name: str
    role: str
    password_hash: str
    tokens: list[Token] = field(default_factory=list)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Accounts:
    """The accounts file: read on every call (it is small), written atomically."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def _load(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        accounts = {}
        for item in data.get("accounts", []):
            tokens = [Token(**t) for t in item.pop("tokens", [])]
            accounts[item["name"]] = Account(**item, tokens=tokens)
        return accounts

    def _save(self, accounts: dict[str, Account]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"accounts": [asdict(a) for a in accounts.values()]}, indent=2)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def list(self) -> list[Account]:
        """Every account, by name."""
        return sorted(self._load().values(), key=lambda a: a.name)

    def get(self, name: str) -> Account | None:
        """The account called ``name``, or None."""
        return self._load().get(name)

    def add(self, name: str, password: str, role: str = "curator") -> Account:
        """Create an account; refuse a taken or malformed name, an unknown role, a short password."""
        if not NAME_RE.fullmatch(name):
            raise AccountError("a name is 1 to 64 letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"the role is one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise AccountError("a password has at least 10 characters")
        with _LOCK:
            accounts = self._load()
            if name in accounts:
                raise AccountError(f"there is already an account called {name!r}")
            accounts[name] = Account(name, role, _HASHER.hash(password))
            self._save(accounts)
            return accounts[name]

    def remove(self, name: str) -> None:
        """Delete an account and its tokens."""
        with _LOCK:
            accounts = self._load()
            if name not in accounts:
                raise AccountError(f"there is no account called {name!r}")
            del accounts[name]
            self._save(accounts)

    def check_password(self, name: str, password: str) -> Account | None:
        """Return the account when ``password`` is right, else None (same cost either way)."""
        account = self.get(name)
        try:
            _HASHER.verify(account.password_hash if account else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return account

    def create_token(self, name: str) -> str:
        """Make a new API token for ``name``; return it (it is shown once, never stored)."""
        with _LOCK:
            accounts = self._load()
            account = accounts.get(name)
            if account is None:
                raise AccountError(f"there is no account called {name!r}")
            token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
            account.tokens.append(Token(token_id, _digest(secret),
                                        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
            self._save(accounts)
        return f"{token_id}.{secret}"

    def check_token(self, token: str) -> Account | None:
        """Return the account a token belongs to, or None."""
        token_id, _, secret = token.strip().partition(".")
        if not token_id or not secret:
            return None
        for account in self._load().values():
            for known in account.tokens:
                if hmac.compare_digest(known.id, token_id) and \
                        hmac.compare_digest(known.digest, _digest(secret)):
                    return account
        return None
