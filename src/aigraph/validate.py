"""Check the graph against the SHACL shapes and report the problems as plain data.

``load_graph`` parses Turtle files and raises ``ParseError`` (file and line) on bad syntax;
``validate`` runs pySHACL over an in-memory rdflib graph and returns a ``Report`` of
``Result`` objects, which render as text grouped by entity or as JSON. The shapes themselves
live in ``ontology/shapes.ttl``; docs/validation.md describes what they check.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import groupby
from pathlib import Path

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from aigraph.i18n import translate, translate_plural
from aigraph.ill_typed import restore_values, untype_ill_typed
from aigraph.namespaces import PREFIXES, compact, id_local
from aigraph.settings import Settings

#: Namespace of the shapes in ``ontology/shapes.ttl``; results name their shape with it.
SHAPES_NS = "https://w3id.org/aigraph/shapes#"

_MISSING = "aigsh:no-missing-entity"

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class ParseError(ValueError):
    """A Turtle file does not parse; ``str()`` reads ``file:line:column: message``."""

    def __init__(self, path: str | os.PathLike, line: int | None, message: str,
                 column: int | None = None):
        super().__init__(path, line, message)
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        if self.line is not None and self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


def check_syntax(path: Path) -> None:
    """Raise ParseError at the exact line and column of the first Turtle error in ``path``.

    pyoxigraph's parser is used because it names the real position; rdflib's may report a
    line hundreds after the mistake.
    """
    from aigraph.errors import StoreError
    from aigraph.store import EmbeddedStore

    try:
        EmbeddedStore.from_files([path])
    except StoreError as error:
        cause = error.__cause__
        if isinstance(cause, SyntaxError):
            # The position is given as line and column already; keep the reason only.
            reason = re.sub(r"^Parser error (?:at|between) [^:]*: ", "", cause.msg)
            raise ParseError(path, cause.lineno, reason, cause.offset) from None
        raise


def load_graph(paths: Iterable[str | os.PathLike]) -> Graph:
    """Parse Turtle files into one graph.

    Raises ``ParseError`` when a file is not valid UTF-8 Turtle, and ``OSError`` when it
    cannot be read.
    """
    graph = Graph()
    for path in map(Path, paths):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ParseError(path, raw[: error.start].count(b"\n") + 1,
                             "not valid UTF-8") from None
        check_syntax(path)
        try:
            # publicID keeps relative IRIs and error locations tied to the file, as a
            # path-based parse would.
            graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
        except BadSyntax as error:
            # BadSyntax counts the newlines before the error, so the line is one more.
            raise ParseError(path, error.lines + 1,
                             getattr(error, "_why", None) or str(error)) from None
    return graph


def _ontology_dir() -> Path:
    return Path(Settings.load().ontology_dir)


def load_shapes(ontology_dir: str | os.PathLike | None = None) -> Graph:
    """Parse ``shapes.ttl`` from ``ontology_dir`` (default: the ``ontology_dir`` setting)."""
    folder = Path(ontology_dir) if ontology_dir is not None else _ontology_dir()
    return load_graph([folder / "shapes.ttl"])


def load_ontology(ontology_dir: str | os.PathLike | None = None) -> Graph:
    """Parse ``aigraph.ttl`` from ``ontology_dir`` (default: the ``ontology_dir`` setting)."""
    folder = Path(ontology_dir) if ontology_dir is not None else _ontology_dir()
    return load_graph([folder / "aigraph.ttl"])


# --- the report ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """One problem found by the shapes, with every node written in compact form.

    Fields:
        focus: the entity at fault, such as ``id:mistral-7b``; a blank node (a path note) is
            described by the triple that points to it.
        path: the property at fault in SPARQL path syntax (``aig:date``), if any.
        message: the explanation in English.
        message_it: the explanation in Italian, when the shape gives one.
        severity: ``Violation``, ``Warning`` or ``Info``.
        value: the offending value (``id:foo``, ``"2023-13-01"^^xsd:date``), if any.
        source_shape: the shape that found it (``aigsh:milestone-date``).
        constraint: the SHACL constraint component (``sh:MinCountConstraintComponent``).
    """

    focus: str
    path: str | None
    message: str
    message_it: str | None = None
    severity: str = "Violation"
    value: str | None = None
    source_shape: str | None = None
    constraint: str | None = None

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang``, falling back to English."""
        return self.message_it if lang == "it" and self.message_it else self.message


def _headline(lang: str, problems: int, entities: int, conforms: bool = False) -> str:
    if conforms and problems:
        # Only warnings were found (sh:Warning): the graph conforms, and says what to look at.
        return translate(lang, "Conforms, with %(warnings)s in %(entities)s.",
                         warnings=translate_plural(lang, "%(num)d warning", "%(num)d warnings",
                                                   problems),
                         entities=translate_plural(lang, "%(num)d entity", "%(num)d entities",
                                                   entities))
    if not problems:
        return translate(lang, "Conforms: no problems found.")
    return translate(lang, "Does not conform: %(problems)s in %(entities)s.",
                     problems=translate_plural(lang, "%(num)d problem", "%(num)d problems",
                                               problems),
                     entities=translate_plural(lang, "%(num)d entity", "%(num)d entities",
                                               entities))


def _sort_key(result: Result) -> tuple:
    return tuple(getattr(result, name) or "" for name in (
        "focus", "path", "source_shape", "constraint", "value", "message", "message_it",
        "severity"))


@dataclass(frozen=True)
class Report:
    """The outcome of a validation: whether the graph conforms, and each problem found."""

    conforms: bool
    results: list[Result] = field(default_factory=list)

    def __post_init__(self):
        # Sorted once here so text, JSON and callers all see the same stable order.
        object.__setattr__(self, "results", sorted(self.results, key=_sort_key))

    def by_focus(self) -> list[tuple[str, list[Result]]]:
        """Group the results by focus entity, in a stable order."""
        return [(focus, list(group))
                for focus, group in groupby(self.results, key=lambda r: r.focus)]

    def format_text(self, lang: str = "en") -> str:
        """Render a readable report, one block per entity, in English or Italian."""
        groups = self.by_focus()
        head = _headline(lang, len(self.results), len(groups), self.conforms)
        if not self.results:
            return head
        lines = [head]
        for focus, results in groups:
            lines.append("")
            lines.append(focus)
            for result in results:
                # A node shape's value is the focus itself: no need to say it twice.
                value = result.value if result.value != result.focus else None
                where = " ".join(x for x in (result.path, _shorten(value)) if x)
                severity = "" if result.severity == "Violation" else f"[{result.severity}] "
                lines.append("  " + (where or translate(lang, "(entity)")))
                lines.append(f"    {severity}{result.text(lang)}")
                if result.source_shape:
                    lines.append(f"    ({result.source_shape})")
        return "\n".join(lines)

    def to_json(self) -> dict:
        """Return the report as JSON-ready data, nodes written with ``prefixes``."""
        return {
            "conforms": self.conforms,
            "count": len(self.results),
            "prefixes": {**PREFIXES, "aigsh": SHAPES_NS},
            "results": [asdict(r) for r in self.results],
        }


def _shorten(text: str | None, width: int = 70) -> str | None:
    if text is None or len(text) <= width:
        return text
    return text[: width - 1] + "…"


# --- running pySHACL ------------------------------------------------------------------------

def validate(data: Graph, shapes: Graph | None = None, ontology: Graph | None = None) -> Report:
    """Validate ``data`` against the shapes and return a Report.

    Args:
        data: the graph to check; it is not modified.
        shapes: the SHACL shapes (default: ``shapes.ttl`` in the ontology folder).
        ontology: the vocabulary, mixed into a copy of the data so categories, controlled
            lists and class hierarchy are visible (default: ``aigraph.ttl``).
    """
    # Imported here, not at the top: most processes that import this module (every web worker)
    # never validate, and pySHACL's import costs about 0.1 s of each start.
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
    ontology = ontology if ontology is not None else load_ontology()
    # pySHACL's own ont_graph mixing copies only class and property axioms, not individuals,
    # and the shapes need those too: categories, importance levels, organization types. So
    # the ontology is merged here, into a private copy that pySHACL may then use in place.
    working = Graph()
    working += data
    working += ontology
    untyped = untype_ill_typed(working)
    conforms, results_graph, _ = pyshacl.validate(
        working,
        shacl_graph=shapes,
        # The shapes check what is written, not what could be inferred from it.
        inference="none",
        # SHACL-AF SPARQL targets keep the graph-wide checks fast; see shapes.ttl, part 4.
        advanced=True,
        inplace=True,
        allow_warnings=False,
    )
    restore_values(results_graph, untyped)
    return report_of(conforms, results_graph, data)


def report_of(conforms: bool, results_graph: Graph, data: Graph) -> Report:
    """Turn pySHACL's verdict and results graph for ``data`` into a Report."""
    # Results nested under another one (sh:detail, from sh:node) explain it in pySHACL's own
    # words; the outer result already carries the shape's message, so only it is kept.
    results = [_result(results_graph, node, data)
               for node in results_graph.subjects(RDF.type, SH.ValidationResult)
               if (None, SH.detail, node) not in results_graph]
    results = _drop_echoes(results)
    # Warnings (sh:Warning, such as a license conflict along aig:basedOn) are reported but do
    # not make the graph fail: only violations do.
    return Report(conforms=bool(conforms) or all(r.severity != "Violation" for r in results),
                  results=results)


def _drop_echoes(results: list[Result]) -> list[Result]:
    """Drop complaints about a link whose target is reported missing.

    A link to a missing entity also fails its link shape ("aig:buildsOn links to another
    milestone"); the aigsh:no-missing-entity result names the real cause, so it is kept alone.
    """
    missing = {(r.focus, r.path, r.value) for r in results if r.source_shape == _MISSING}
    return [r for r in results
            if r.source_shape == _MISSING or (r.focus, r.path, r.value) not in missing]


def _result(report: Graph, node: Node, data: Graph) -> Result:
    """Turn one sh:ValidationResult into a Result."""
    messages = _messages(report, node)
    english = messages.get("en") or messages.get("") or "(no message)"
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    shape = report.value(node, SH.sourceShape)
    component = report.value(node, SH.sourceConstraintComponent)
    return Result(
        focus=_node_text(report.value(node, SH.focusNode), data),
        path=_path_text(report, path) if path is not None else None,
        message=english,
        message_it=messages.get("it"),
        severity=_SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation"),
        value=_node_text(value, data, referrer=False) if value is not None else None,
        source_shape=_compact(shape) if isinstance(shape, URIRef) else None,
        constraint=_compact(component) if isinstance(component, URIRef) else None,
    )


def _messages(report: Graph, node: Node) -> dict[str, str]:
    """Return the result's messages by language tag ("" for untagged ones)."""
    templates = [m for m in report.objects(report.value(node, SH.sourceConstraint), SH.message)
                 if isinstance(m, Literal) and m.language]
    messages: dict[str, str] = {}
    for message in sorted(report.objects(node, SH.resultMessage)):
        lang = getattr(message, "language", None) or ""
        if not lang:
            # pySHACL drops the language tag when it fills in a SPARQL message template, so
            # the language is recovered by matching the text against the templates. Shapes
            # with no message at all get pySHACL's own untagged English text.
            lang = next((t.language for t in templates if _fills(str(t), str(message))), "")
        messages.setdefault(lang, str(message))
    return messages


def _fills(template: str, text: str) -> bool:
    """Tell whether ``text`` is ``template`` with its {?var} placeholders filled in."""
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.fullmatch(".*?".join(map(re.escape, parts)), text, flags=re.DOTALL) is not None


def _compact(iri: Node) -> str:
    text = str(iri)
    if text.startswith(SHAPES_NS):
        return "aigsh:" + text[len(SHAPES_NS):]
    local = id_local(text)
    if local is not None:
        # Even an ill-formed slug is shown as id:..., the way curators write it.
        return "id:" + local
    short = compact(text)
    return short if short != text else f"<{text}>"


def _node_text(node: Node, data: Graph, referrer: bool = True) -> str:
    """Write a node compactly; describe a blank node by its links and what points to it."""
    if isinstance(node, URIRef):
        return _compact(node)
    if isinstance(node, Literal):
        return _literal_text(node)
    if isinstance(node, BNode):
        # Blank node labels change from one parse to the next, so they cannot name a result.
        inner = [f"{_compact(p)} {_node_text(o, data)}"
                 for p, o in sorted(data.predicate_objects(node))
                 if p != RDF.type and not isinstance(o, (BNode, Literal))]
        body = f"[ {' ; '.join(inner)} ]" if inner else "[ ]"
        pointer = next(iter(sorted(data.subject_predicates(node))), None)
        if referrer and pointer is not None and not isinstance(pointer[0], BNode):
            return f"{_compact(pointer[0])} {_compact(pointer[1])} {body}"
        return body
    return str(node)


def _literal_text(literal: Literal) -> str:
    lexical = str(literal).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if literal.language:
        return f'"{lexical}"@{literal.language}'
    if literal.datatype is None or str(literal.datatype) == PREFIXES["xsd"] + "string":
        return f'"{lexical}"'
    return f'"{lexical}"^^{_compact(literal.datatype)}'


def _path_text(graph: Graph, path: Node) -> str:
    """Write a SHACL property path in SPARQL syntax (``aig:buildsOn/aig:date``)."""
    if isinstance(path, URIRef):
        return _compact(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(graph, p) for p in Collection(graph, path))
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                              (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"({_path_text(graph, inner)}){suffix}"
    inner = graph.value(path, SH.inversePath)
    if inner is not None:
        return f"^{_path_text(graph, inner)}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    return "?"
