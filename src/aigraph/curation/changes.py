"""Propose, apply, revert and list changes: the one interface every writer goes through.

``propose`` validates new versions of entities without writing; ``apply`` writes a proposal
under the one-writer rule (checking ETags, validating again when the data moved meanwhile)
and records it; ``revert`` applies the inverse of a recorded change as a new change.
``history``, ``recent`` and ``get_change`` read the record back. See docs/curation.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from rdflib import Graph, URIRef

from aigraph import queries
from aigraph.curation import history as _history
from aigraph.curation import validation, writer
from aigraph.curation.entity import diff, entity_etag, entity_graph, etag_of, nt
from aigraph.curation.errors import (
    Conflict,
    Invalid,
    PreconditionFailed,
    PreconditionRequired,
    Protected,
)
from aigraph.curation.history import ChangeRecord
from aigraph.curation.journal import WriteLock
from aigraph.curation.validation import Violation
from aigraph.namespaces import compact
from aigraph.ontology_entities import ontology_subjects
from aigraph.settings import Settings
from aigraph.store import EmbeddedStore, RemoteStore, Store

__all__ = ["Candidate", "Change", "ChangeRecord", "Violation", "apply", "entity_etag",
           "entity_graph", "get_change", "history", "propose", "propose_many", "recent",
           "refuse_ontology_entities", "revert"]


@dataclass
class Candidate:
    """A validated, unwritten change to one or more entities.

    ``before``/``after`` map each subject to its current and proposed statements (an empty
    ``after`` deletes it); ``base_etags`` are the ETags the proposal was validated against.
    """

    before: dict[URIRef, Graph]
    after: dict[URIRef, Graph]
    base_etags: dict[URIRef, str | None]
    version: str
    lang: str = "en"
    violations: list[Violation] = field(default_factory=list)
    referrers: dict[URIRef, list[URIRef]] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True when no shape reports a violation and no entity still links to a deleted one."""
        return not any(v.severity == "Violation" for v in self.violations) and not self.blocked

    @property
    def blocked(self) -> bool:
        """True when an entity to delete is still linked from others."""
        return any(self.referrers.get(s) for s in self.deleted)

    @property
    def deleted(self) -> list[URIRef]:
        """The subjects the change deletes (they exist and get no statements)."""
        return [s for s, g in self.after.items() if len(g) == 0 and len(self.before[s])]

    @property
    def subject(self) -> URIRef:
        """The first subject (the only one for a single-entity change)."""
        return next(iter(self.after))

    @property
    def creates(self) -> bool:
        """True when every subject is new."""
        return all(len(self.before[s]) == 0 for s in self.after)

    @property
    def deletes(self) -> bool:
        """True when the change deletes an entity."""
        return bool(self.deleted)

    @property
    def added(self) -> set:
        """The triples the change adds (blank nodes labelled from what they say)."""
        return self._diff[0]

    @property
    def removed(self) -> set:
        """The triples the change removes."""
        return self._diff[1]

    @cached_property
    def _diff(self) -> tuple[set, set]:
        added, removed = set(), set()
        for subject in self.after:
            plus, minus = diff(self.before[subject], self.after[subject])
            added |= plus
            removed |= minus
        return added, removed

    def to_json(self) -> dict:
        """The validation report as the API sends it."""
        return {"conforms": self.conforms,
                "violations": [v.as_json() for v in self.violations]}


@dataclass(frozen=True)
class Change:
    """A written change: its id, the new ETag of its first entity, what it added and removed."""

    id: str
    etag: str | None
    added: frozenset
    removed: frozenset
    record: ChangeRecord


def _referrers(store: Store, subject: URIRef) -> list[URIRef]:
    rows = queries.select(store, "curation/referrers", entity=subject).rows
    return [row["referrer"] for row in rows]


def refuse_ontology_entities(settings: Settings, subjects) -> None:
    """Raise Protected when one of ``subjects`` is defined in the ontology's files.

    The categories, the concept scheme and the like are written in ``ontology/`` beside the
    classes they use, and change there, in a reviewed commit. A save would otherwise write a
    second copy of such an entity into ``data/`` and record the removal of statements the
    ontology still makes, so the history would no longer match the files.
    """
    defined = ontology_subjects(settings.ontology_dir)
    for subject in subjects:
        if URIRef(subject) in defined:
            raise Protected(f"{compact(str(subject))} is defined in the ontology "
                            "(ontology/aigraph.ttl), not in the data: it is changed there, "
                            "in a reviewed commit, and not through curation.", subject)


def propose_many(store: Store, settings: Settings, versions: Mapping[URIRef, Graph | None],
                 lang: str = "en") -> Candidate:
    """Validate new versions of several entities (None or an empty graph deletes one).

    Raises Protected for an entity defined in the ontology (``refuse_ontology_entities``).
    """
    refuse_ontology_entities(settings, versions)
    version = store.version
    before = {URIRef(s): entity_graph(store, URIRef(s)) for s in versions}
    after = {URIRef(s): (g if g is not None else Graph()) for s, g in versions.items()}
    candidate = Candidate(before, after, {s: etag_of(g, s) for s, g in before.items()},
                          version, lang)
    for subject in candidate.deleted:
        others = [r for r in _referrers(store, subject) if r not in versions]
        if others:
            candidate.referrers[subject] = others
    changed = {s: g for s, g in after.items() if len(g) or len(before[s])}
    if changed:
        candidate.violations = validation.check(store, settings.ontology_dir, changed, lang)
    return candidate


def propose(store: Store, settings: Settings, subject: URIRef, graph: Graph | None,
            lang: str = "en") -> Candidate:
    """Validate a new version of one entity (None deletes it) without writing anything."""
    return propose_many(store, settings, {URIRef(subject): graph}, lang)


def _check_etag(candidate: Candidate, current: dict[URIRef, str | None],
                if_match: str | None, if_none_match: str | None, store: Store) -> None:
    """Apply the HTTP precondition rules to the entity of a single-entity change."""
    subject = candidate.subject
    now = current[subject]
    if if_none_match is not None and if_none_match.strip() == "*" and now is not None:
        raise PreconditionFailed("the entity exists already (If-None-Match: *)", now)
    if now is None:
        return
    if if_match is None:
        raise PreconditionRequired("replacing or deleting an entity needs If-Match with the "
                                   "ETag you read it at")
    tags = {t.strip() for t in if_match.split(",")}
    if "*" not in tags and now not in tags and f"W/{now}" not in tags:
        added, removed = changes_since(store, subject, tags)
        raise PreconditionFailed("the entity changed since you read it", now, added, removed)


def changes_since(store: Store, subject: URIRef, etags: set[str]) -> tuple[list[str], list[str]]:
    """What was added and removed since the entity had one of ``etags`` (N-Triples lines).

    The entity's history is undone, newest first, until its ETag matches; without a match
    the whole recorded history counts.
    """
    state = entity_graph(store, subject)
    added: set = set()
    removed: set = set()
    for record in _history.history(store, subject):
        mine_add = {t for t in record.added if t[0] == subject}
        mine_rem = {t for t in record.removed if t[0] == subject}
        for triple in mine_add:
            state.remove(triple)
        for triple in mine_rem:
            state.add(triple)
        # Net change from before this record to now: this record, then the later ones.
        added, removed = ((added - mine_rem) | (mine_add - removed),
                          (removed - mine_add) | (mine_rem - added))
        if etag_of(state, subject) in etags:
            break
    return sorted(nt(t) for t in added), sorted(nt(t) for t in removed)


def apply(store: Store, settings: Settings, candidate: Candidate, *, user: str,
          comment: str = "", if_match: str | None = None, if_none_match: str | None = None,
          check_preconditions: bool = True, reverts: str = "") -> Change:
    """Write ``candidate`` and record it; raise Invalid, Conflict, 412 or 428 errors.

    ``check_preconditions`` applies the If-Match rules to a single-entity change (the API
    and the forms); bulk changes (import, revert) rely on the proposal's own ETags.
    """
    embedded = isinstance(store, EmbeddedStore)
    lock = WriteLock(writer.lock_path(settings)) if embedded else nullcontext()
    with lock:
        if embedded:
            if writer.recover(settings):
                store.refresh(writer.store_files(settings))
            writer.sync(store, settings, thorough=True)
        current = {s: entity_etag_of(store, s) for s in candidate.after}
        if check_preconditions:
            _check_etag(candidate, current, if_match, if_none_match, store)
        stale = [s for s in candidate.after if current[s] != candidate.base_etags[s]]
        if stale:
            raise PreconditionFailed(f"{compact(str(stale[0]))} changed after it was validated",
                                     current[stale[0]])
        if store.version != candidate.version:
            # Neighbours may have changed: validate again against what is there now.
            candidate = propose_many(store, settings, candidate.after, candidate.lang)
        _refuse(candidate)
        record = _record(candidate, user, comment, reverts)
        if embedded:
            writer.write_embedded(store, settings, lock, candidate.before, candidate.after,
                                  record)
        elif isinstance(store, RemoteStore):
            writer.write_remote(store, candidate.before, candidate.after, record,
                                set(candidate.deleted))
        else:
            raise TypeError(f"cannot write to {type(store).__name__}")
    subject = candidate.subject
    return Change(record.id, etag_of(candidate.after[subject], subject), record.added,
                  record.removed, record)


def entity_etag_of(store: Store, subject: URIRef) -> str | None:
    """The current ETag of ``subject`` (None when unknown)."""
    return etag_of(entity_graph(store, subject), subject)


def _refuse(candidate: Candidate) -> None:
    if candidate.blocked:
        subject = candidate.deleted[0]
        others = candidate.referrers[subject]
        raise Conflict(f"{compact(str(subject))} is still linked from {len(others)} "
                       "entities; change or delete those first", others)
    if not candidate.conforms:
        raise Invalid("the change does not conform to the shapes", candidate)
    if not candidate.added and not candidate.removed:
        raise Invalid("the change changes nothing", candidate)


def _record(candidate: Candidate, user: str, comment: str, reverts: str) -> ChangeRecord:
    now = datetime.now(UTC)
    added, removed = candidate.added, candidate.removed
    return ChangeRecord(id=_history.new_change_id(now), user=user,
                        time=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), comment=comment,
                        subjects=tuple(sorted(candidate.after)), added=frozenset(added),
                        removed=frozenset(removed), reverts=reverts)


def revert(store: Store, settings: Settings, change_id: str, *, user: str,
           comment: str = "", lang: str = "en") -> Change:
    """Undo a recorded change as a new change (recorded with ``aig:reverts``)."""
    from aigraph.errors import NotFound

    record = _history.get(store, change_id)
    if record is None:
        raise NotFound(f"there is no change {change_id!r}")
    versions = {}
    for subject in record.subjects:
        graph = entity_graph(store, subject)
        for triple in record.added:
            if triple[0] == subject:
                graph.remove(triple)
        for triple in record.removed:
            if triple[0] == subject:
                graph.add(triple)
        versions[subject] = graph
    candidate = propose_many(store, settings, versions, lang)
    return apply(store, settings, candidate, user=user,
                 comment=comment or f"revert {change_id}", check_preconditions=False,
                 reverts=change_id)


def history(store: Store, subject: URIRef) -> list[ChangeRecord]:
    """The changes to ``subject``, newest first, with the statements they added and removed."""
    return _history.history(store, URIRef(subject))


def recent(store: Store, n: int = 50) -> list[ChangeRecord]:
    """The ``n`` latest changes, newest first (without their statements)."""
    return _history.recent(store, n)


def get_change(store: Store, change_id: str) -> ChangeRecord | None:
    """One change with its statements, or None."""
    return _history.get(store, change_id)
