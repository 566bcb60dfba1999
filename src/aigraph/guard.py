"""Decide whether a user's SPARQL text may run: parse it, then refuse what could reach outside.

Every engine we use (pyoxigraph, rdflib, a remote Oxigraph) follows ``SERVICE``, and rdflib
also fetches ``FROM`` graphs and ``LOAD`` targets. So user text is parsed here first, with
rdflib's parser only (rdflib never evaluates it), and refused before any engine sees it when it
is an update, calls a ``SERVICE``, or names a dataset. The size cap keeps parsing cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from aigraph.errors import QueryRejected, QuerySyntaxError
from aigraph.namespaces import sparql_prologue

DEFAULT_MAX_BYTES = 100_000

#: The refusal of every update, however it arrives (update text, ``update=``, sparql-update).
UPDATE_REFUSED = ("anonymous updates are refused: this endpoint is read-only "
                  "(INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ... are not accepted)")

#: What may sit between ``<`` and ``>`` in a BASE line: an absolute IRI, nothing that ends it.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*")

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard: its text (with the project's prefixes) and its form."""

    text: str
    form: str

    @property
    def is_graph(self) -> bool:
        """True when the query returns a graph rather than a table or a boolean."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _walk(node):
    """Yield every algebra node under ``node``."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _syntax_message(error: ParseException, text: str, skip_lines: int) -> str:
    found = text[error.loc:error.loc + 20].split("\n")[0] if error.loc < len(text) else ""
    where = f"line {error.lineno - skip_lines}, column {error.col}"
    if found:
        return f"SPARQL syntax error at {where}, near {found!r}"
    return f"SPARQL syntax error at {where}: the query ends too early"


def check_query(text: str, max_bytes: int = DEFAULT_MAX_BYTES,
                base: str | None = None) -> CheckedQuery:
    """Return the checked query, or raise QuerySyntaxError / QueryRejected saying why not.

    ``base`` (for example the endpoint's URL) resolves relative IRIs unless the query sets its
    own BASE.
    """
    if base is not None and not ABSOLUTE_IRI.fullmatch(base):
        raise ValueError(f"not an absolute IRI: {base!r}")
    if len(text.encode("utf-8")) > max_bytes:
        raise QueryRejected(f"the query is longer than {max_bytes} bytes")
    if not text.strip():
        raise QuerySyntaxError("the query is empty")
    # The project's prefixes are predeclared; a query's own PREFIX lines come later and win.
    prologue = (f"BASE <{base}>\n" if base else "") + sparql_prologue()
    full = prologue + text
    try:
        parsed = parseQuery(full)
    except ParseException as error:
        if _is_update(text):
            raise QueryRejected(UPDATE_REFUSED, status=403) from None
        raise QuerySyntaxError(_syntax_message(error, full, prologue.count("\n"))) from None
    except Exception as error:  # rdflib raises plain exceptions for some semantic errors
        raise QuerySyntaxError(f"SPARQL error: {error}") from None
    body = parsed[1]
    if "datasetClause" in body:
        raise QueryRejected(
            "FROM and FROM NAMED are not supported: the graph is a single default graph, "
            "and remote graphs are never fetched")
    try:
        query = translateQuery(parsed)
    except Exception as error:
        raise QuerySyntaxError(f"SPARQL error: {error}") from None
    for node in _walk(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryRejected("SERVICE is not allowed: queries never call other endpoints")
    return CheckedQuery(full, _FORMS.get(body.name, body.name))


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        # Text that starts like an update but does not parse is still an update attempt.
        return bool(re.search(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*"
                              r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
                              text, re.IGNORECASE))
    return True
