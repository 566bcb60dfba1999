"""Decide whether a user's SPARQL text may run: refuse what could reach outside, cheaply.

Every engine we use (pyoxigraph, rdflib, a remote Oxigraph) follows ``SERVICE``, and rdflib
also fetches ``FROM`` graphs and ``LOAD`` targets. So user text is scanned here, before any
engine sees it, in one pass of a tokenizer that skips strings, IRIs and comments: its cost is
linear in the text and does not depend on how deeply the query nests. Outside those, SPARQL
has no bare word other than its keywords (names carry a prefix and a colon, variables a ``?``
or ``$``), so a bare ``SERVICE``, ``FROM`` or update keyword anywhere is refused. The engine
itself parses what passes (in a query worker, see executor.py); ``locate`` turns the engine's
``line:column`` back into a position in the user's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aigraph.errors import QueryRejected, QuerySyntaxError
from aigraph.namespaces import sparql_prologue

DEFAULT_MAX_BYTES = 100_000
#: Deepest nesting of ``{``, ``(`` and ``[`` accepted. pyoxigraph's parser recurses once per
#: level and its thread stack gives out between 3,000 and 5,000 levels; no real query nears it.
MAX_DEPTH = 2000
#: Most operator characters (``+ - * / | & = < > !``) in a query. pyoxigraph nests each binary
#: operator one level deeper and its cost grows with the square of a chain's length: 10,000
#: terms in one sum take seconds and need a 64 MiB stack, the most a worker has.
MAX_OPERATORS = 8000
_OPERATOR_CHARS = frozenset("+-*/|&=<>!")
#: Most variables and blank nodes a *light* query names. Joining or crossing patterns needs
#: names for what they bind, and a cross product of several sets needs several of them; with
#: this few, and no ``+`` or ``*`` path, a query is looked up rather than computed. The
#: executor lets light queries past a full ordinary lane on a worker kept for them.
LIGHT_NODES = 3
#: What a ``+`` or ``*`` path (or product) adds to a query's weight: more than a light query has.
CLOSURE_WEIGHT = 10
#: The words after which ``*`` is a projection (``SELECT *``), not a path or a product.
_STAR_AFTER = frozenset({"SELECT", "DISTINCT", "REDUCED", "DESCRIBE", "("})

#: The refusal of every update, however it arrives (update text, ``update=``, sparql-update).
UPDATE_REFUSED = ("anonymous updates are refused: this endpoint is read-only "
                  "(INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ... are not accepted)")
SERVICE_REFUSED = "SERVICE is not allowed: queries never call other endpoints"
DATASET_REFUSED = ("FROM and FROM NAMED are not supported: the graph is a single default graph, "
                   "and remote graphs are never fetched")

#: What may sit between ``<`` and ``>`` in a BASE line: an absolute IRI, nothing that ends it.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*")

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                "WITH", "USING")
#: Words refused wherever they appear, with the refusal each one gets.
_REFUSED = {"SERVICE": (SERVICE_REFUSED, 400), "FROM": (DATASET_REFUSED, 400),
            **{word: (UPDATE_REFUSED, 403) for word in UPDATE_WORDS}}

# One alternative per token kind; every alternative consumes at least one character and none
# can backtrack past the end of its token, so a scan costs time linear in the text.
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s{}()\[\],;<>"'\#?$^@=!&|*/+.\\]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<name>[^\s{}()\[\],;<>"'\#?$^@=!&|*/+\\]+)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard: the text to run and its form.

    ``text`` is the project's prologue (prefixes and base), all on the user's first line, then
    the user's text: lines keep their numbers and only line 1 is shifted, by ``shift`` columns.
    """

    text: str
    form: str
    shift: int = 0
    #: A guess from the text alone at what the query costs: the variables and blank nodes it
    #: names, plus ``CLOSURE_WEIGHT`` for a ``+`` or ``*`` (see ``LIGHT_NODES``).
    weight: int = 0

    @property
    def light(self) -> bool:
        """True when the text alone suggests a cheap query: a lookup, not a computation."""
        return self.weight <= LIGHT_NODES

    @property
    def is_graph(self) -> bool:
        """True when the query returns a graph rather than a table or a boolean."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def _refuse_word(word: str) -> None:
    """Raise when the bare word ``word`` is, or hides, a refused keyword."""
    upper = word.upper().rstrip(".")
    refusal = _REFUSED.get(upper)
    if refusal is None:
        # No keyword of a query contains a refused word, so a bare token that does is a syntax
        # error, unless an engine reads a keyword inside it (``1SERVICE``, ``trueSERVICE``):
        # refuse those rather than guess how it splits them.
        refusal = next((r for w, r in _REFUSED.items() if w in upper), None)
    if refusal is not None:
        raise QueryRejected(refusal[0], status=refusal[1])


@dataclass(frozen=True)
class Scanned:
    """What one scan of a query text found: its form and its weight (``CheckedQuery``)."""

    form: str | None
    weight: int


def scan(text: str) -> Scanned:
    """Scan ``text`` once; return its form (SELECT, ASK, ...) and weight, raising on a refusal.

    A query is light when it names at most ``LIGHT_NODES`` variables and blank nodes (those only
    named after ``AS`` do not count) and has
    no ``+`` and no ``*`` other than ``SELECT *`` and ``COUNT(*)``: no path closure, no
    product of numbers. It is a guess from the text, checked by the clock (executor.py).
    """
    form = None
    depth = operators = 0
    names: set[str] = set()
    anonymous = 0
    closure = False
    previous = ""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "space" or kind == "comment":
            continue
        token = match.group()
        if kind == "other" or (kind == "name" and token == "-"):
            operators += token in _OPERATOR_CHARS
            if token == "+" or (token == "*" and previous.upper() not in _STAR_AFTER):
                closure = True
        elif kind == "var":
            # A lone "?" is the zero-or-one path modifier; a name after AS (a projection or a
            # BIND) names a computed value, not something a pattern binds.
            if len(token) > 1 and previous.upper() != "AS":
                names.add(token[1:])
        elif kind == "name":
            if ":" in token:  # a prefixed name or a blank node label
                if token.startswith("_:"):
                    names.add(token)
            else:
                _refuse_word(token)
                if form is None and token.upper() in FORMS:
                    form = token.upper()
        elif kind == "open":
            depth += 1
            anonymous += token == "["
            if depth > MAX_DEPTH:
                raise QueryRejected(f"the query nests groups, expressions or blank nodes more "
                                    f"than {MAX_DEPTH} levels deep")
        elif kind == "close":
            depth -= 1
        previous = token
    if operators > MAX_OPERATORS:
        raise QueryRejected(f"the query has more than {MAX_OPERATORS} operators; give long "
                            "lists of values with VALUES instead")
    return Scanned(form, len(names) + anonymous + (CLOSURE_WEIGHT if closure else 0))


def check_query(text: str, max_bytes: int = DEFAULT_MAX_BYTES,
                base: str | None = None) -> CheckedQuery:
    """Return the checked query, or raise QuerySyntaxError / QueryRejected saying why not.

    ``base`` (for example the endpoint's URL) resolves relative IRIs unless the query sets its
    own BASE. Syntax is left to the engine, except for what the scan sees (no query form).
    """
    if base is not None and not ABSOLUTE_IRI.fullmatch(base):
        raise ValueError(f"not an absolute IRI: {base!r}")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise QueryRejected(f"the query is longer than {max_bytes} bytes")
    if not text.strip():
        raise QuerySyntaxError("the query is empty")
    scanned = scan(text)
    form = scanned.form
    if form is None:
        raise QuerySyntaxError("SPARQL syntax error: the query has no SELECT, ASK, CONSTRUCT or "
                               "DESCRIBE")
    # The project's prefixes are predeclared; a query's own PREFIX lines come later and win.
    prologue = ((f"BASE <{base}> " if base else "")
                + sparql_prologue().replace("\n", " "))
    return CheckedQuery(prologue + text, form, len(prologue), scanned.weight)


_POSITION = re.compile(r"error at (\d+):(\d+)(?::\s*)?")


def locate(message: str, checked: CheckedQuery) -> str:
    """Rewrite an engine's ``error at L:C: ...`` as a position in the user's own text."""
    match = _POSITION.search(message)
    if match is None:
        return message
    line, column = int(match.group(1)), int(match.group(2))
    if line == 1:
        column = max(1, column - checked.shift)
    rest = message[match.end():].strip()
    if len(rest) > 160:  # the engine may list every character class it would accept
        rest = rest[:160].rsplit(",", 1)[0] + ", ..."
    return f"SPARQL syntax error at line {line}, column {column}" + (f": {rest}" if rest else "")
