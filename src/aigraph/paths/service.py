"""Answer for paths: defined reading paths, and lineage, next and between generated on request.

Each function reads through ``source``, computes with ``engine`` and returns a ``model.Path``
whose texts (titles, reasons, messages) are in the asked language, from the Babel catalog;
data strings fall back to English. Unknown names raise NotFound with the closest names the
label index knows ("did you mean ...").
"""

from __future__ import annotations

from collections.abc import Callable

import rdflib

from aigraph import queries
from aigraph.errors import BadRequest, NotFound
from aigraph.i18n import LANGUAGES, pick, translate
from aigraph.namespaces import AIG, VOCAB, compact, entity_iri, is_slug, slug_of
from aigraph.paths import engine, source
from aigraph.paths.graph import (
    BASED_ON,
    BUILDS_ON,
    DEVELOPED_BY,
    INVOLVES,
    MILESTONE,
    NoPath,
    Reason,
    Step,
    Walk,
)
from aigraph.paths.model import Path, PathStep, PathSummary, Term
from aigraph.paths.source import Definition, Snapshot
from aigraph.store import Store

#: The kinds of entity generated paths start from, end at and pass through.
NODE_KINDS = ("milestone", "model", "organization")


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise BadRequest(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


def _pick(texts: dict[str, str], lang: str) -> str | None:
    return pick(texts, lang) or None


def _did_you_mean(snap: Snapshot, store: Store, asked: str, kinds: tuple[str, ...],
                  lang: str) -> str:
    close = [slug_of(m.iri) for m in snap.catalog(store).suggest(asked, kinds)]
    if not close:
        return ""
    return translate(lang, "; did you mean %(names)s?", names=", ".join(close))


# --- names ---------------------------------------------------------------------------------

def resolve(store: Store, slug: str, lang: str = "en") -> str:
    """Return the IRI of the entity ``slug`` names in the path graph; raise NotFound with
    close matches when there is none."""
    snap = source.snapshot(store)
    iri = str(entity_iri(slug)) if is_slug(slug) else None
    if iri is not None and iri in snap.graph.nodes:
        return iri
    hint = _did_you_mean(snap, store, slug, NODE_KINDS, lang)
    raise NotFound(translate(lang, "no milestone, model or organization named '%(slug)s'",
                             slug=slug) + hint)


def definition(store: Store, slug: str, lang: str = "en") -> Definition:
    """Return the stored definition of the reading path ``slug``; NotFound when none."""
    found = source.definition(store, slug)
    if found is not None:
        return found
    snap = source.snapshot(store)
    hint = _did_you_mean(snap, store, slug, ("path",), lang)
    if not hint and is_slug(slug) and str(entity_iri(slug)) in snap.graph.nodes:
        hint = translate(lang, "; %(slug)s is an entity: try --lineage %(slug)s or --next %(slug)s",
                         slug=slug)
    raise NotFound(translate(lang, "no reading path named '%(slug)s'", slug=slug) + hint)


# --- steps ---------------------------------------------------------------------------------

def _quoted(store: Store, snap: Snapshot, iri: str, lang: str) -> str:
    title = snap.title(store, iri, lang)
    node = snap.graph.nodes.get(iri)
    return f"“{title}”" if node is not None and node.kind == MILESTONE else title


def reason_text(via: str, subject: str, target: str, lang: str) -> str:
    """Say in ``lang`` why a step is on a generated path: ``subject`` ``via`` ``target``."""
    if via == BUILDS_ON:
        return translate(lang, "%(subject)s builds on %(object)s", subject=subject, object=target)
    if via == BASED_ON:
        return translate(lang, "%(subject)s is based on %(object)s", subject=subject,
                         object=target)
    if via == INVOLVES:
        return translate(lang, "%(subject)s is about %(object)s", subject=subject, object=target)
    if via == DEVELOPED_BY:
        return translate(lang, "%(subject)s was developed by %(object)s", subject=subject,
                         object=target)
    return f"{subject} {via} {target}"


def _reason(store: Store, snap: Snapshot, reason: Reason, lang: str) -> str:
    return reason_text(reason.via, _quoted(store, snap, reason.subject, lang),
                       _quoted(store, snap, reason.object, lang), lang)


def _term_id(iri: str) -> str:
    return slug_of(iri) or source.local_name(iri).lower()


def _path_step(store: Store, snap: Snapshot, step: Step, lang: str, note: str | None = None,
               reason: str | None = None) -> PathStep:
    facts = snap.facts_of(store, step.iri)
    importance = None
    if facts.importances:
        # aig:importance is functional; should the data give two, pick one the same way always.
        term = min(facts.importances)
        importance = Term(_term_id(term), _pick(facts.importances[term], lang) or _term_id(term))
    categories = tuple(sorted((Term(_term_id(c), _pick(labels, lang) or _term_id(c))
                               for c, labels in facts.categories.items()),
                              key=lambda t: t.label.casefold()))
    if reason is None and step.reason is not None:
        reason = _reason(store, snap, step.reason, lang)
    return PathStep(
        position=step.position,
        slug=slug_of(step.iri) or step.iri,
        iri=step.iri,
        kind=step.kind,
        title=snap.title(store, step.iri, lang),
        date=step.date or facts.date,
        importance=importance,
        categories=categories,
        description=_pick(facts.descriptions, lang),
        note=note,
        reason=reason,
        via=compact(VOCAB + step.reason.via) if step.reason else None,
        linked_to=(slug_of(step.reason.step) or step.reason.step) if step.reason else None,
        depends_on=tuple(slug_of(d) or d for d in step.depends_on),
    )


# --- defined paths -------------------------------------------------------------------------

def ordered_members(store: Store, slug: str) -> list[Step]:
    """Return the engine's ordered steps for the reading path ``slug`` (no texts)."""
    found = definition(store, slug)
    return engine.order(source.path_graph(store), source.members(store, slug), found.ordering)


def reading_path(store: Store, slug: str, lang: str = "en") -> Path:
    """Return the reading path ``slug``: its rule evaluated, ordered and annotated in ``lang``."""
    _check_lang(lang)
    found = definition(store, slug, lang)
    snap = source.snapshot(store)
    steps = engine.order(snap.graph, source.members(store, slug), found.ordering)
    notes = source.notes(store, found.iri)
    snap.prefetch(store, [s.iri for s in steps])
    shown = tuple(_path_step(store, snap, s, lang, note=_pick(notes.get(s.iri, {}), lang))
                  for s in steps)
    return Path(
        slug=slug, kind="defined", lang=lang, iri=found.iri, steps=shown,
        title=_pick(found.texts(rdflib.RDFS.label), lang) or slug,
        tagline=_pick(found.texts(AIG.tagline), lang),
        audience=_pick(found.texts(AIG.audience), lang),
        introduction=_pick(found.texts(rdflib.DCTERMS.description), lang),
        message=None if shown else translate(lang, "This path's rule selects no milestone."),
    )


def path_length(store: Store, slug: str) -> int:
    """Return how many steps the reading path ``slug`` has, without ordering them: its members
    that the path graph knows (``reading_path`` shows exactly those)."""
    members = source.members(store, slug)
    if not members:
        return 0
    rows = queries.select_each(store, "paths/known_nodes", "node", [rdflib.URIRef(m) for m in members])
    return len({str(row["node"]) for row in rows})


def list_paths(store: Store, lang: str = "en") -> list[PathSummary]:
    """List the defined reading paths with their titles in ``lang``, by slug."""
    _check_lang(lang)
    summaries = [PathSummary(slug_of(iri) or iri, iri, _pick(labels, lang) or iri,
                             _pick(taglines, lang))
                 for iri, (labels, taglines) in source.path_texts(store).items()]
    return sorted(summaries, key=lambda s: s.slug)


# --- generated paths -----------------------------------------------------------------------

def _title(kind: str, names: list[str], lang: str) -> str:
    if kind == "lineage":
        return translate(lang, "What led to %(name)s", name=names[0])
    if kind == "next":
        return translate(lang, "What came after %(name)s", name=names[0])
    return translate(lang, "From %(source)s to %(target)s", source=names[0], target=names[1])


def _fallback_reason(kind: str, first: bool, last: bool, lang: str) -> str | None:
    """What a step without an edge says: the entity asked about, or the starting point."""
    if kind == "lineage" and last:
        return translate(lang, "The entity you asked about.")
    if kind in ("next", "between") and first:
        return translate(lang, "The starting point.")
    return None


def _message(walk: Walk, shown: int, total: int | None, lang: str) -> str | None:
    messages = []
    if walk.through_organizations:
        messages.append(translate(lang, "No chain of milestones and models links them; this "
                                        "path goes through the organizations involved."))
    if walk.truncated and total is not None:
        messages.append(translate(lang, "Only %(shown)s of %(total)s steps are shown.",
                                  shown=shown, total=total))
    return " ".join(messages) or None


def _generated(store: Store, snap: Snapshot, kind: str, subjects: tuple[str, ...],
               walk: Walk, lang: str, total: int | None = None) -> Path:
    snap.prefetch(store, [str(entity_iri(s)) for s in subjects]
                  + [i for step in walk.steps for i in (step.iri, *_reason_iris(step))])
    names = [snap.title(store, str(entity_iri(s)), lang) for s in subjects]
    last = len(walk.steps) - 1
    steps = tuple(
        _path_step(store, snap, step, lang,
                   reason=None if step.reason else _fallback_reason(kind, i == 0, i == last, lang))
        for i, step in enumerate(walk.steps))
    return Path(slug="/".join((kind, *subjects)), kind=kind, lang=lang,
                title=_title(kind, names, lang), steps=steps,
                message=_message(walk, len(steps), total, lang), truncated=walk.truncated,
                subjects=subjects)


def _reason_iris(step: Step) -> tuple[str, ...]:
    reason = step.reason
    return (reason.subject, reason.object) if reason is not None else ()


def _check_bounds(limit: int | None, depth: int | None) -> None:
    if limit is not None and limit < 1:
        raise BadRequest("limit must be at least 1")
    if depth is not None and depth < 0:
        raise BadRequest("depth must be at least 0")


def _walk_from(store: Store, kind: str, walker: Callable[..., Walk], slug: str, lang: str,
               limit: int | None, depth: int | None) -> Path:
    _check_lang(lang)
    _check_bounds(limit, depth)
    iri = resolve(store, slug, lang)
    snap = source.snapshot(store)
    walk = walker(snap.graph, iri, limit, depth)
    total = walk.total if walk.truncated else None
    return _generated(store, snap, kind, (slug,), walk, lang, total)


def lineage_path(store: Store, slug: str, lang: str = "en", limit: int | None = None,
                 depth: int | None = None) -> Path:
    """Return what led to the entity ``slug``, oldest first, each step with its reason.

    ``depth`` keeps what lies within that many dependency edges; ``limit`` keeps the last
    steps, closest to the entity.
    """
    return _walk_from(store, "lineage", engine.lineage, slug, lang, limit, depth)


def next_path(store: Store, slug: str, lang: str = "en", limit: int | None = None,
              depth: int | None = None) -> Path:
    """Return what came after the entity ``slug``, starting from it, each step with its reason.

    ``depth`` keeps what lies within that many dependency edges; ``limit`` keeps the first
    steps.
    """
    return _walk_from(store, "next", engine.following, slug, lang, limit, depth)


def between_path(store: Store, source_slug: str, target_slug: str, lang: str = "en") -> Path:
    """Return a readable chain from one entity to another; NotFound with a clear message
    when nothing links them."""
    _check_lang(lang)
    a, b = resolve(store, source_slug, lang), resolve(store, target_slug, lang)
    snap = source.snapshot(store)
    try:
        walk = engine.between(snap.graph, a, b)
    except NoPath as error:
        message = translate(lang, "No path links %(source)s and %(target)s: no chain of "
                                  "buildsOn, basedOn, involves or developedBy links connects "
                                  "them in the graph.",
                            source=snap.title(store, a, lang), target=snap.title(store, b, lang))
        raise NoPath(a, b, message) from error
    return _generated(store, snap, "between", (source_slug, target_slug), walk, lang)


def walk_around(store: Store, iri: str, limit: int) -> tuple[Walk, Walk] | None:
    """Return what led to the entity ``iri`` and what came after it, at most ``limit`` steps
    each (for an entity page); None when the path graph does not know it."""
    graph = source.path_graph(store)
    if iri not in graph.nodes:
        return None
    return engine.lineage(graph, iri, limit=limit), engine.following(graph, iri, limit=limit)
