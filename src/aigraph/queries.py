"""Load named SPARQL queries from ``queries/<group>/<name>.rq`` and run them with bindings.

Each file starts with comment headers::

    # title: Models released by an organization
    # param: org  the organization's IRI

Every declared parameter must be used in the WHERE pattern and, in a SELECT, projected (a
test checks both): the embedded store binds it by pyoxigraph's substitutions, which take only
projected variables, and a remote store by a VALUES block placed first in the WHERE group
(``aigraph.store.binding``), so both bind it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib.term import Node

from aigraph.errors import NotFound
from aigraph.namespaces import sparql_prologue
from aigraph.store import Rows, Store, inline_values, parse_results

QUERY_DIR = Path(__file__).parent / "queries"
_HEADER = re.compile(r"^#\s*(\w+):\s*(.*?)\s*$")


@dataclass(frozen=True)
class NamedQuery:
    """One ``.rq`` file: its name (``group/name``), title, parameters and full text."""

    name: str
    title: str
    text: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def sparql(self) -> str:
        """The query with the standard prefixes in front."""
        return sparql_prologue() + self.text


def parse(name: str, text: str) -> NamedQuery:
    """Read the comment headers of a query file."""
    title = name
    params: dict[str, str] = {}
    headers: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value
        elif key == "param":
            pname, _, help_text = value.partition(" ")
            params[pname.lstrip("?")] = help_text.strip()
        else:
            headers[key] = value
    return NamedQuery(name, title, text, params, headers)


@cache
def get(name: str) -> NamedQuery:
    """Return the named query ``group/name``; raise NotFound when there is none."""
    if not re.fullmatch(r"[a-z0-9_]+(/[a-z0-9_-]+)*", name):
        raise NotFound(f"no query named {name!r}")
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise NotFound(f"no query named {name!r}")
    return parse(name, path.read_text(encoding="utf-8"))


def names(group: str | None = None) -> list[str]:
    """List the named queries, optionally those of one group."""
    base = QUERY_DIR / group if group else QUERY_DIR
    return sorted(str(p.relative_to(QUERY_DIR).with_suffix("")) for p in base.rglob("*.rq"))


def _check(query: NamedQuery, bindings: dict[str, Node]) -> None:
    unknown = set(bindings) - set(query.params)
    if unknown:
        raise TypeError(f"{query.name} takes no parameter {sorted(unknown)}")


def select(store: Store, name: str, **bindings: Node) -> Rows:
    """Run the named SELECT query on ``store`` with ``bindings``."""
    query = get(name)
    _check(query, bindings)
    return store.select(query.sparql, bindings)


def stream(store: Store, name: str, **bindings: Node):
    """Run a named SELECT and return its solutions one by one as pyoxigraph terms (each has
    ``value``; a literal has ``language``; an unbound variable gives None). ``bindings`` are
    given as one-row VALUES blocks.

    For queries over the whole graph: the SPARQL JSON answer is read a row at a time by
    pyoxigraph, which holds less memory than decoding it all at once and takes several times
    less than building rdflib terms for every value. JSON rather than TSV: every store,
    Virtuoso included, writes it in a form pyoxigraph reads.
    """
    media_type = "application/sparql-results+json"
    query = get(name)
    _check(query, bindings)
    text = query.sparql
    for param, term in bindings.items():
        text = inline_values(text, param, [term])
    return parse_results(store.serialize_query(text, media_type), media_type)


def select_each(store: Store, name: str, param: str, terms: Sequence[Node]) -> Rows:
    """Run the named SELECT once for many values of its parameter ``param``, in one request."""
    query = get(name)
    _check(query, {param: None})
    return store.select(inline_values(query.sparql, param, terms))


def ask(store: Store, name: str, **bindings: Node) -> bool:
    """Run the named ASK query on ``store``."""
    query = get(name)
    _check(query, bindings)
    return store.ask(query.sparql, bindings)


def construct(store: Store, name: str, **bindings: Node):
    """Run the named CONSTRUCT query on ``store``."""
    query = get(name)
    _check(query, bindings)
    return store.construct(query.sparql, bindings)
