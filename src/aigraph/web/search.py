"""Search the graph by name, tolerant of typos, and keep the label index the site shows names from.

The label index (:class:`Catalog`) is one query over every labelled resource, fetched once per
data version. A search combines a SPARQL ``CONTAINS`` over labels, other names and descriptions
with a fuzzy ranking of the index's words (trigram candidates, then difflib ratios), so that
"mistrall", "deepsek" and "lama" find Mistral, DeepSeek and LLaMA.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext
from rdflib import Literal, URIRef

from aigraph import queries
from aigraph.namespaces import AIG, slug_of
from aigraph.store import Store
from aigraph.web import i18n, state
from aigraph.web.pages import entity_url, per_version

bp = Blueprint("search", __name__)

#: Entity classes by IRI, with the key used in URLs, CSS and templates; first match wins.
CLASS_KEYS: dict[str, str] = {
    str(AIG.ReadingPath): "path",
    str(AIG.Milestone): "milestone",
    str(AIG.Model): "model",
    str(AIG.Organization): "organization",
    str(AIG.License): "license",
    str(AIG.Category): "category",
}
#: The order result groups appear in.
KIND_ORDER = ("model", "organization", "milestone", "license", "category", "path", "entity")

MIN_SCORE = 0.72
MAX_QUERY = 200


def kind_names() -> dict[str, str]:
    """Return the plural name of each kind of entity in the interface language."""
    return {"milestone": gettext("Milestones"), "model": gettext("Models"),
            "organization": gettext("Organizations"), "license": gettext("Licenses"),
            "category": gettext("Categories"), "path": gettext("Reading paths"),
            "entity": gettext("Other entities")}


def kind_name(kind: str) -> str:
    """Return the singular name of a kind of entity in the interface language."""
    return {"milestone": gettext("Milestone"), "model": gettext("Model"),
            "organization": gettext("Organization"), "license": gettext("License"),
            "category": gettext("Category"), "path": gettext("Reading path"),
            "entity": gettext("Entity")}.get(kind, kind)


def normalize(text: str) -> str:
    """Lowercase, strip accents and turn everything but letters and digits into single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


# --- the label index -------------------------------------------------------------------------

@dataclass
class Entry:
    """What the index knows about one labelled resource."""

    iri: str
    slug: str | None
    types: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    alt: list[str] = field(default_factory=list)
    date: str = ""
    precision: str = "day"
    importance: str = ""
    links: int = 0

    @property
    def kind(self) -> str:
        """The entity's kind key (``model``, ``milestone`` ...), or ``entity``/``term``."""
        for iri, key in CLASS_KEYS.items():
            if iri in self.types:
                return key
        return "entity" if self.slug else "term"

    def label(self, lang: str) -> str:
        """The label in ``lang``, falling back to English, then to the slug or IRI."""
        return i18n.pick(self.labels, lang) or self.slug or self.iri


class Catalog:
    """Labels, other names, classes, dates and importance of every labelled resource."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries
        self.by_slug = {e.slug: e for e in entries.values() if e.slug}
        # word -> entities, and trigram -> words, over labels and other names of entities
        self.word_entities: dict[str, set[str]] = defaultdict(set)
        self.trigram_words: dict[str, set[str]] = defaultdict(set)
        self.names: dict[str, set[str]] = defaultdict(set)
        self.joined: set[str] = set()
        for entry in self.by_slug.values():
            texts = [*entry.labels.values(), *entry.alt, entry.slug.replace("-", " ")]
            for text in texts:
                norm = normalize(text)
                if not norm:
                    continue
                self.names[entry.iri].add(norm)
                if 1 < norm.count(" ") + 1 <= 3:
                    # "GPT-4" is also found as "gpt4", "Open AI" as "openai" (exactly only)
                    joined = norm.replace(" ", "")
                    self.names[entry.iri].add(joined)
                    self.joined.add(joined)
            for word in {w for n in self.names[entry.iri] for w in n.split()}:
                self.word_entities[word].add(entry.iri)
                if word in self.joined:
                    continue
                for gram in _trigrams(word):
                    self.trigram_words[gram].add(word)

    @classmethod
    def load(cls, store: Store) -> Catalog:
        """Build the index with one query."""
        entries: dict[str, Entry] = {}
        for row in queries.select(store, "search/catalog"):
            iri, key, value = str(row["s"]), str(row["key"]), row["value"]
            entry = entries.get(iri)
            if entry is None:
                entry = entries[iri] = Entry(iri, slug_of(iri))
            if key == "label":
                lang = value.language if isinstance(value, Literal) else ""
                entry.labels[lang or ""] = str(value)
            elif key == "alt":
                entry.alt.append(str(value))
            elif key == "type":
                entry.types.append(str(value))
            elif key == "date":
                entry.date = str(value)[:10]
            elif key == "precision":
                entry.precision = str(value).rsplit("#", 1)[-1].removesuffix("Precision").lower()
            elif key == "importance":
                entry.importance = str(value)
            elif key == "links":
                entry.links = int(value)
        for entry in entries.values():
            entry.alt.sort()
        return cls(entries)

    def get(self, iri: str | URIRef) -> Entry | None:
        """Return the entry of ``iri``."""
        return self.entries.get(str(iri))

    def label(self, iri: str | URIRef, lang: str) -> str:
        """Return the label of ``iri`` in ``lang``; for an unlabelled IRI, its last segment."""
        entry = self.entries.get(str(iri))
        if entry is not None:
            return entry.label(lang)
        text = str(iri)
        return slug_of(text) or re.split(r"[#/]", text.rstrip("/#"))[-1] or text

    def kind(self, iri: str | URIRef) -> str:
        """Return the kind key of ``iri`` (``entity`` or ``term`` when it has no known class)."""
        entry = self.entries.get(str(iri))
        if entry is not None:
            return entry.kind
        return "entity" if slug_of(str(iri)) else "term"

    # --- fuzzy matching -----------------------------------------------------------------------

    def word_matches(self, word: str) -> dict[str, float]:
        """Score the index's words against one query word: exact 1, prefix .9+, fuzzy ratio."""
        found: dict[str, float] = {}
        if word in self.word_entities:
            found[word] = 1.0
        if len(word) >= 2:
            for other in self.word_entities:
                if other != word and other.startswith(word) and other not in self.joined:
                    found[other] = max(found.get(other, 0), 0.9 + 0.05 * len(word) / len(other))
        if len(word) >= 3:
            counts: dict[str, int] = defaultdict(int)
            for gram in _trigrams(word):
                for other in self.trigram_words.get(gram, ()):
                    counts[other] += 1
            matcher = difflib.SequenceMatcher(a=word, autojunk=False)
            for other, shared in counts.items():
                if other in found or shared < 2 and len(word) > 4:
                    continue
                matcher.set_seq2(other)
                if matcher.real_quick_ratio() < MIN_SCORE or matcher.quick_ratio() < MIN_SCORE:
                    continue
                ratio = matcher.ratio()
                if ratio >= MIN_SCORE:
                    found[other] = ratio * 0.95
        return found

    def fuzzy(self, text: str) -> dict[str, tuple[float, set[str]]]:
        """Score entities whose names match the words of ``text``: the mean of each word's best
        match, or the words run together as one ("open ai" finds OpenAI). Return each score
        with the index words that matched, for ``bonus``."""
        words = normalize(text).split()[:8]
        if not words:
            return {}
        found: dict[str, tuple[float, set[str]]] = {}
        variants = [words] + ([["".join(words)]] if len(words) > 1 else [])
        for variant in variants:
            per_word: dict[str, list[float]] = {}
            matched: dict[str, set[str]] = defaultdict(set)
            for position, word in enumerate(variant):
                best: dict[str, tuple[float, str]] = {}
                for other, score in self.word_matches(word).items():
                    for iri in self.word_entities[other]:
                        if score > best.get(iri, (0.0, ""))[0]:
                            best[iri] = (score, other)
                for iri, (score, other) in best.items():
                    per_word.setdefault(iri, [0.0] * len(variant))[position] = score
                    matched[iri].add(other)
            for iri, scores in per_word.items():
                score = sum(scores) / len(scores)
                if " ".join(words) in self.names[iri]:
                    score = max(score, 1.0) + 0.1
                if score >= MIN_SCORE and score > found.get(iri, (0.0, set()))[0]:
                    found[iri] = (score, matched[iri])
        return found

    def bonus(self, iri: str, words: int, matched: set[str]) -> float:
        """Break ties between equal matches: prefer names the query covers (a short name
        that holds a matched word), then entities that many others link to."""
        lengths = [len(name.split()) for name in self.names[iri]
                   if any(m in name for m in matched)]
        shortest = min(lengths) if lengths else max(words, 4)
        return (0.04 * min(1.0, words / shortest)
                + 0.02 * min(1.0, self.entries[iri].links / 40))


def catalog() -> Catalog:
    """Return the label index for the current data version."""
    return per_version("catalog", Catalog.load)


# --- searching -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    """One search result, ready for a template or JSON."""

    slug: str
    label: str
    kind: str
    kind_label: str
    url: str
    score: float
    date: str = ""
    matched: str = ""

    def as_json(self) -> dict:
        """The hit as a JSON object."""
        return {"id": self.slug, "label": self.label, "kind": self.kind,
                "kind_label": self.kind_label, "url": self.url, "score": round(self.score, 3),
                "date": self.date, "matched": self.matched}


@dataclass(frozen=True)
class Results:
    """The results of one search, in rank order and grouped by kind."""

    query: str
    hits: list[Hit]
    groups: list[dict]
    total: int


def _hit(entry: Entry, score: float, lang: str, matched: str = "") -> Hit:
    return Hit(slug=entry.slug or "", label=entry.label(lang), kind=entry.kind,
               kind_label=kind_name(entry.kind), url=entity_url(entry.slug or ""),
               score=score, date=i18n.format_short_day(entry.date, lang, entry.precision)
               if entry.date else "", matched=matched)


def search(store: Store, text: str, lang: str, limit: int = 50) -> Results:
    """Find entities by label, other name or description, tolerating typos; best first."""
    text = text.strip()[:MAX_QUERY]
    index = catalog()
    needle = normalize(text)
    if not needle:
        return Results(text, [], [], 0)
    words = len(needle.split())
    raw = index.fuzzy(text)
    scores = {iri: score for iri, (score, _words) in raw.items()}
    matched = {iri: "name" for iri in scores}
    covered = {iri: found for iri, (_score, found) in raw.items()}
    for row in queries.select(store, "search/contains", needle=Literal(text.lower())):
        iri, where = str(row["s"]), str(row["field"])
        base = 0.93 if where == "label" else 0.6
        if base > scores.get(iri, 0):
            scores[iri] = base
            matched[iri] = "name" if where == "label" else "description"
            covered[iri] = {needle}
    scores = {iri: score + index.bonus(iri, words, covered.get(iri, set()))
              for iri, score in scores.items() if iri in index.entries}
    hits = []
    for iri, score in scores.items():
        entry = index.get(iri)
        if entry is None or not entry.slug:
            continue
        hits.append(_hit(entry, score, lang, matched.get(iri, "")))
    hits.sort(key=lambda h: (-h.score, KIND_ORDER.index(h.kind) if h.kind in KIND_ORDER
                             else len(KIND_ORDER), h.label.lower()))
    total = len(hits)
    hits = hits[:limit]
    names = kind_names()
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.kind].append(hit)
    groups = [{"kind": kind, "title": names.get(kind, kind), "hits": grouped[kind]}
              for kind in KIND_ORDER if grouped.get(kind)]
    return Results(text, hits, groups, total)


def suggest(text: str, limit: int = 5) -> list[Hit]:
    """Suggest entities close to a mistyped slug or name (used by the 404 page)."""
    index = catalog()
    lang = i18n.current()
    scores = {iri: score for iri, (score, _words) in
              index.fuzzy(text.replace("-", " ").replace("_", " ")).items()}
    slugs = difflib.get_close_matches(text.lower(), list(index.by_slug), n=limit, cutoff=0.75)
    for rank, slug in enumerate(slugs):
        iri = index.by_slug[slug].iri
        scores[iri] = max(scores.get(iri, 0), 0.99 - rank * 0.01)
    best = sorted(scores.items(), key=lambda item: -item[1])[:limit]
    return [_hit(index.entries[iri], score, lang) for iri, score in best
            if index.entries[iri].slug]


# --- views -----------------------------------------------------------------------------------

@bp.get("/search")
def search_page():
    """Show the search form and results, or JSON results for an autocomplete (?format=json)."""
    text = request.args.get("q", "")
    as_json = request.args.get("format") == "json"
    results = search(state().store, text, i18n.current(), limit=10 if as_json else 50)
    if as_json:
        return jsonify({"query": results.query, "total": results.total,
                        "results": [h.as_json() for h in results.hits]})
    return render_template("search/index.html", results=results)

