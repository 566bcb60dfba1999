"""Check the defined reading paths: what ``aigraph validate`` reports beside the SHACL shapes.

A rule is only known by running it on the data, so the checks evaluate each path: an empty
rule, a step without its note in every language, dates that go backwards against a dependency,
an order that depends on how the store lists the graph (errors); notes for milestones the rule
does not select, members the graph does not know as milestones, cycles (warnings). Each
problem carries its message in every language, from the Babel catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from babel import Locale
from babel.lists import format_list

from aigraph.i18n import LANGUAGES, translate
from aigraph.namespaces import slug_of
from aigraph.paths import engine, service, source
from aigraph.paths.graph import MILESTONE, PathGraph, Step, build_graph
from aigraph.paths.model import PathProblem
from aigraph.store import Store

Value = str | int | Callable[[str], str]


def _problem(slug: str, severity: str, code: str, message: str, focus: Iterable[str] = (),
             /, **values: Value) -> PathProblem:
    """Make a problem whose ``message`` (a catalog msgid) is translated into every language;
    a callable value is called with the language."""
    messages = {}
    for lang in LANGUAGES:
        filled = {k: v(lang) if callable(v) else v for k, v in values.items()}
        messages[lang] = translate(lang, message, **filled)
    return PathProblem(slug, severity, code, messages, tuple(slug_of(f) or f for f in focus))


def _names(iris: Iterable[str]) -> str:
    return ", ".join(slug_of(i) or i for i in iris)


def _language_names(codes: list[str]) -> Callable[[str], str]:
    """The names of languages ``codes`` as a list in the reader's language."""
    return lambda lang: format_list([Locale(lang).languages[c] for c in codes], locale=lang)


def _note_problems(slug: str, steps: list[Step], notes: dict[str, dict[str, str]]
                   ) -> list[PathProblem]:
    problems = []
    for step in steps:
        missing = [lang for lang in LANGUAGES if lang not in notes.get(step.iri, {})]
        if missing:
            problems.append(_problem(
                slug, "error", "note-missing",
                "Step %(position)s of %(path)s (%(name)s) has no note in %(languages)s.",
                [step.iri], position=step.position, path=slug,
                name=slug_of(step.iri) or step.iri, languages=_language_names(missing)))
    stale = sorted(set(notes) - {s.iri for s in steps})
    if stale:
        problems.append(_problem(
            slug, "warning", "note-unused",
            "Reading path %(path)s has notes for milestones its rule does not select: %(names)s.",
            stale, path=slug, names=_names(stale)))
    return problems


def _graph_problems(slug: str, graph: PathGraph, selected: list[str], steps: list[Step]
                    ) -> list[PathProblem]:
    problems = []
    for later, earlier in engine.backward_dates(graph, steps):
        problems.append(_problem(
            slug, "error", "date-backwards",
            "In %(path)s, %(later)s (%(later_date)s) depends on %(earlier)s, dated later "
            "(%(earlier_date)s): the dates go backwards against a dependency.",
            [later, earlier], path=slug, later=slug_of(later) or later,
            later_date=graph.nodes[later].date, earlier=slug_of(earlier) or earlier,
            earlier_date=graph.nodes[earlier].date))
    for cycle in engine.in_cycles(graph, selected):
        problems.append(_problem(
            slug, "warning", "cycle",
            "In %(path)s, these entities depend on one another in a circle: %(names)s; they "
            "are ordered by date.", cycle, path=slug, names=_names(cycle)))
    return problems


def _check_one(store: Store, slug: str, graph: PathGraph, mirrored: PathGraph
               ) -> list[PathProblem]:
    found = service.definition(store, slug)
    selected = source.members(store, slug)
    steps = engine.order(graph, selected, found.ordering)
    problems = []
    if not steps:
        problems.append(_problem(
            slug, "error", "empty",
            "Reading path %(path)s is empty: its membership rule selects no milestone.",
            path=slug))
    unknown = sorted(m for m in selected
                     if m not in graph.nodes or graph.nodes[m].kind != MILESTONE)
    if unknown:
        problems.append(_problem(
            slug, "warning", "unknown-member",
            "Reading path %(path)s includes entities the graph does not know as milestones: "
            "%(names)s.", unknown, path=slug, names=_names(unknown)))
    problems += _note_problems(slug, steps, source.notes(store, found.iri))
    problems += _graph_problems(slug, graph, selected, steps)
    again = engine.order(mirrored, selected, found.ordering)
    if [s.iri for s in again] != [s.iri for s in steps]:
        problems.append(_problem(
            slug, "error", "not-deterministic",
            "The order of %(path)s changes when the same graph is read in another order.",
            path=slug))
    return problems


def check_paths(store: Store, slugs: Iterable[str] | None = None) -> list[PathProblem]:
    """Check the defined reading paths (all of them, or ``slugs``) and return the problems."""
    snap = source.snapshot(store)
    # The same data fed in reverse: the order must not depend on how the store lists it.
    mirrored = build_graph(reversed(snap.nodes), reversed(snap.edges))
    problems: list[PathProblem] = []
    for slug in sorted(slugs) if slugs is not None else source.path_slugs(store):
        problems += _check_one(store, slug, snap.graph, mirrored)
    return problems

