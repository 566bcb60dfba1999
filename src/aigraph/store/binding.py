"""Bind query parameters as a VALUES block, for endpoints that take no substitutions.

The block goes first in the query's WHERE group, so filters and BINDs in that group see the
values, as pyoxigraph's substitutions would. The group is found by reading the query's
tokens, skipping comments, strings and IRIs (which may hold braces or ``#``), rather than by
looking for the ``WHERE`` keyword, which SPARQL makes optional: the WHERE group is the first
top-level group after the query form, or the second after a ``CONSTRUCT`` template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rdflib.term import Node

from aigraph.store.interface import Bindings

_TOKENS = re.compile(r'''
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""
              | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<name>[?$]\w+ | (?:[A-Za-z][\w.-]*)?:[\w.%-]* | [A-Za-z_]\w*)
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)

_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


@lru_cache(maxsize=256)
def where_group(query: str) -> int:
    """Return the offset just after the ``{`` that opens ``query``'s WHERE group.

    Raise ValueError when there is none (``DESCRIBE <iri>``), when the query is the
    ``CONSTRUCT WHERE`` short form (its group is also the template, which takes no VALUES),
    or when the braces do not balance.
    """
    depth = 0
    form = None
    template = False
    expect_template = False
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if expect_template:
            expect_template = False
            if kind == "open":
                template = True
            elif match.group().upper() == "WHERE":
                raise ValueError("cannot bind values in a CONSTRUCT WHERE short form")
        if kind == "name" and depth == 0 and form is None and match.group().upper() in _FORMS:
            form = match.group().upper()
            expect_template = form == "CONSTRUCT"
        elif kind == "open":
            if depth == 0 and form is not None:
                if not template:
                    return match.end()
                template = False
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                break
    raise ValueError("the query has no WHERE group to bind values in")


def _insert(query: str, block: str) -> str:
    at = where_group(query)
    return query[:at] + block + query[at:]


def bind_values(query: str, bindings: Bindings) -> str:
    """Bind parameters (one solution) through a VALUES block first in the WHERE group.

    Each term is escaped by rdflib's N3 writer.
    """
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return _insert(query, f" VALUES ({names}) {{ ({terms}) }} ")


def inline_values(query: str, name: str, terms: Sequence[Node]) -> str:
    """Bind ``?name`` to each of ``terms`` (one solution per term) through a VALUES block.

    Used where one query answers for many entities at once; placed as in ``bind_values``.
    """
    rows = " ".join(term.n3() for term in terms)
    return _insert(query, f" VALUES ?{name} {{ {rows} }} ")
