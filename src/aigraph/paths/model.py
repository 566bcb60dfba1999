"""The plain data of a path, ready to show: ``Path``, its ``PathStep``s, ``Term``s, summaries
and the problems ``check_paths`` finds. No store, no texts to translate: values only."""

from __future__ import annotations

from dataclasses import dataclass

from aigraph.namespaces import between_iri, path_iri


@dataclass(frozen=True)
class Term:
    """A controlled term shown on a step (an importance level or a category)."""

    id: str
    label: str


@dataclass(frozen=True)
class PathStep:
    """One step of a path, ready to show.

    ``note`` is the path's "why it matters to you" text (defined paths); ``reason`` says which
    edge brought the step onto a generated path, ``via`` is that edge's property (compact,
    e.g. ``aig:buildsOn``) and ``linked_to`` the slug of the step it links to. ``depends_on``
    lists the slugs of earlier steps this one depends on.
    """

    position: int
    slug: str
    iri: str
    kind: str
    title: str
    date: str | None = None
    importance: Term | None = None
    categories: tuple[Term, ...] = ()
    description: str | None = None
    note: str | None = None
    reason: str | None = None
    via: str | None = None
    linked_to: str | None = None
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Path:
    """An ordered path in one language: a defined reading path or a generated one.

    ``kind`` is ``defined``, ``lineage``, ``next`` or ``between``; ``slug`` is the path's
    slug for a defined path and ``{kind}/{slug}[/{slug}]`` for a generated one. ``subjects``
    are the slugs a generated path was asked about.
    """

    slug: str
    kind: str
    lang: str
    title: str
    steps: tuple[PathStep, ...]
    iri: str | None = None
    tagline: str | None = None
    audience: str | None = None
    introduction: str | None = None
    message: str | None = None
    truncated: bool = False
    subjects: tuple[str, ...] = ()

    @property
    def list_iri(self) -> str:
        """The IRI of the path's materialised schema:ItemList."""
        if self.kind == "between":
            return str(between_iri(*self.subjects))
        return str(path_iri(self.slug))


@dataclass(frozen=True)
class PathSummary:
    """A defined path as listed: slug, IRI, title and tagline in one language."""

    slug: str
    iri: str
    title: str
    tagline: str | None = None


@dataclass(frozen=True)
class PathProblem:
    """One finding of ``check_paths``: which path, how bad, what (in each language), where."""

    path: str
    severity: str  # "error" or "warning"
    code: str
    messages: dict[str, str]
    focus: tuple[str, ...] = ()

    def message(self, lang: str = "en") -> str:
        """Return the message in ``lang``, or in English."""
        return self.messages.get(lang) or self.messages["en"]
