"""The label index of the graph and the one fuzzy matcher that finds entities by name.

``Catalog`` is every labelled resource (labels in each language, other names, classes, date,
importance, how many links point at it), read with one query (``search/catalog``). Its matcher,
``Catalog.match``, ranks entities whose names are close to a text, tolerating typos, accents
and words run together; the site search, the 404 page's suggestions, the paths' "did you mean"
and the CLI all use it. ``search`` adds what a plain substring query finds in labels and
descriptions. Nothing here needs Flask.

How a text is scored (the constants below; ``tests/test_catalog.py`` pins what they mean):
each word of the text is compared with each word of the index's names. A word typed exactly
scores ``EXACT``; the beginning of a longer word scores between ``PREFIX`` and
``PREFIX + PREFIX_SPAN`` (more for a larger share typed); any other word scores its
rapidfuzz ratio times ``FUZZY_WEIGHT``, when the ratio reaches ``MIN_SCORE``. An entity scores
the mean of its best score for each word (or for all the words run together, whichever is
higher); ``NAME_BONUS`` is added when the whole text is one of its names, and at most
``COVER_BONUS + LINK_BONUS`` breaks ties between equals. Below ``MIN_SCORE``, no match.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rdflib import Literal, URIRef

from aigraph import queries
from aigraph.i18n import pick
from aigraph.namespaces import AIG, slug_of
from aigraph.store import Store

#: The least similarity (0 to 1) a word, and an entity's mean, needs to count as a match.
MIN_SCORE = 0.72
#: A query word equal to a word of a name.
EXACT = 1.0
#: A query word that starts a longer word: ``PREFIX`` plus up to ``PREFIX_SPAN`` by share typed.
PREFIX, PREFIX_SPAN = 0.9, 0.05
#: Query words shorter than this are not taken as prefixes ("a" starts too much).
MIN_PREFIX = 2
#: A fuzzy match counts this share of its ratio, so that it ranks below the word typed right.
FUZZY_WEIGHT = 0.95
#: Added when the whole text is one of the entity's names ("Mistral 7B" for Mistral 7B).
NAME_BONUS = 0.1
#: Tie-breaks: a name the text covers (one word of "LLaMA" over one of "Llama 2") ...
COVER_BONUS = 0.04
#: ... then how many links point at the entity, full at ``LINKS_FULL``.
LINK_BONUS, LINKS_FULL = 0.02, 40
#: ``search``: an entity whose label or other name contains the text, or whose description does.
LABEL_CONTAINS, DESCRIPTION_CONTAINS = 0.93, 0.6
#: Only the first words of a long text are matched.
MAX_WORDS = 8
#: Names of up to this many words are also indexed run together ("GPT-4" as "gpt4").
MAX_JOINED = 3

#: Entity classes by IRI, with the kind key used in URLs, CSS and templates; first match wins.
CLASS_KEYS: dict[str, str] = {
    str(AIG.ReadingPath): "path",
    str(AIG.Milestone): "milestone",
    str(AIG.Model): "model",
    str(AIG.Organization): "organization",
    str(AIG.License): "license",
    str(AIG.Category): "category",
}


def normalize(text: str) -> str:
    """Lowercase, strip accents and turn everything but letters and digits into single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", text))


@dataclass(slots=True)
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
        return pick(self.labels, lang) or self.slug or self.iri


@dataclass(frozen=True)
class Match:
    """An entity found for a text: its IRI, its score, and whether a ``name`` or the
    ``description`` matched."""

    iri: str
    score: float
    matched: str = "name"


def _add_row(entry: Entry, key: str, value: str, lang: str = "") -> None:
    """Take in one row of ``search/catalog``: ``value`` is the term's lexical form or IRI."""
    if key == "label":
        entry.labels[lang] = value
    elif key == "alt":
        entry.alt.append(value)
    elif key == "type":
        entry.types.append(value)
    elif key == "date":
        entry.date = value[:10]
    elif key == "precision":
        entry.precision = value.rsplit("#", 1)[-1].removesuffix("Precision").lower()
    elif key == "importance":
        entry.importance = value
    elif key == "links":
        entry.links = int(value)


class Catalog:
    """Labels, other names, classes, dates and importance of every labelled resource, and the
    names of the entities (resources with a slug) indexed word by word for ``match``."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries
        self.by_slug = {e.slug: e for e in entries.values() if e.slug}
        #: Each entity's normalised names (and their words run together), by IRI.
        self.names: dict[str, set[str]] = defaultdict(set)
        #: Each word of a name, with the entities whose names hold it.
        self.word_entities: dict[str, set[str]] = defaultdict(set)
        #: Words only found run together ("openai" from "Open AI"): never taken as prefixes.
        self.joined: set[str] = set()
        for entry in self.by_slug.values():
            for text in (*entry.labels.values(), *entry.alt, entry.slug.replace("-", " ")):
                norm = normalize(text)
                if not norm:
                    continue
                self.names[entry.iri].add(norm)
                if 1 < len(norm.split()) <= MAX_JOINED:
                    joined = norm.replace(" ", "")
                    self.names[entry.iri].add(joined)
                    self.joined.add(joined)
            for word in {w for name in self.names[entry.iri] for w in name.split()}:
                self.word_entities[word].add(entry.iri)
        self._words = sorted(self.word_entities)

    @classmethod
    def load(cls, store: Store) -> Catalog:
        """Build the index with one query."""
        entries: dict[str, Entry] = {}
        for row in queries.stream(store, "search/catalog"):
            value = row["value"]
            iri = row["s"].value
            entry = entries.get(iri)
            if entry is None:
                entry = entries[iri] = Entry(iri, slug_of(iri))
            _add_row(entry, row["key"].value, value.value, getattr(value, "language", None) or "")
        for entry in entries.values():
            entry.alt.sort()
        return cls(entries)

    @classmethod
    def load_some(cls, store: Store, iris: Iterable[str]) -> Catalog:
        """Build an index of only ``iris`` and their importance levels (no link counts), for
        a page that shows a few links and need not read the whole index."""
        entries: dict[str, Entry] = {}
        wanted = list(dict.fromkeys(str(i) for i in iris))
        asked = set(wanted)
        while wanted:
            for row in queries.select_each(store, "search/entries", "s", [URIRef(i) for i in wanted]):
                value = row["value"]
                iri = str(row["s"])
                entry = entries.get(iri)
                if entry is None:
                    entry = entries[iri] = Entry(iri, slug_of(iri))
                lang = value.language if isinstance(value, Literal) else ""
                _add_row(entry, str(row["key"]), str(value), lang or "")
            wanted = sorted({e.importance for e in entries.values()
                             if e.importance and e.importance not in asked})
            asked.update(wanted)
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

    # --- matching -----------------------------------------------------------------------------

    def word_matches(self, word: str) -> dict[str, float]:
        """Score the index's words against one query word: exact, prefix, or fuzzy."""
        found: dict[str, float] = {}
        for other, ratio, _i in process.extract(word, self._words, scorer=fuzz.ratio,
                                                score_cutoff=MIN_SCORE * 100, limit=None):
            found[other] = ratio / 100 * FUZZY_WEIGHT
        if len(word) >= MIN_PREFIX:
            # The words are sorted: those that start with ``word`` follow it.
            for other in self._words[bisect_left(self._words, word):]:
                if not other.startswith(word):
                    break
                if other != word and other not in self.joined:
                    found[other] = max(found.get(other, 0.0),
                                       PREFIX + PREFIX_SPAN * len(word) / len(other))
        if word in self.word_entities:
            found[word] = EXACT
        return found

    def _variant_scores(self, variant: list[str]) -> dict[str, tuple[float, set[str]]]:
        """Each entity's mean best score over the words of ``variant``, with the words matched."""
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
        return {iri: (sum(scores) / len(scores), matched[iri]) for iri, scores in per_word.items()}

    def bonus(self, iri: str, words: int, matched: set[str]) -> float:
        """Break ties between equal matches: prefer names the text covers (a short name that
        holds a matched word), then entities that many others link to."""
        lengths = [len(name.split()) for name in self.names[iri]
                   if not matched.isdisjoint(name.split())]
        shortest = min(lengths) if lengths else max(words, 4)
        return (COVER_BONUS * min(1.0, words / shortest)
                + LINK_BONUS * min(1.0, self.entries[iri].links / LINKS_FULL))

    def scores(self, text: str) -> dict[str, tuple[float, set[str]]]:
        """Score the entities whose names match ``text`` (before tie-breaks), with the index
        words that matched; entities under ``MIN_SCORE`` are left out."""
        words = normalize(text).split()[:MAX_WORDS]
        if not words:
            return {}
        whole = " ".join(words)
        found: dict[str, tuple[float, set[str]]] = {}
        variants = [words] + ([["".join(words)]] if len(words) > 1 else [])
        for variant in variants:
            for iri, (score, matched) in self._variant_scores(variant).items():
                if whole in self.names[iri]:
                    score = max(score, EXACT) + NAME_BONUS
                if score >= MIN_SCORE and score > found.get(iri, (0.0, set()))[0]:
                    found[iri] = (score, matched)
        return found

    def match(self, text: str, kinds: Iterable[str] | None = None,
              limit: int | None = None) -> list[Match]:
        """Return the entities whose names match ``text``, best first (ties by IRI).

        ``kinds`` keeps only entities of those kinds (``path``, ``model`` ...).
        """
        wanted = set(kinds) if kinds is not None else None
        words = len(normalize(text).split()[:MAX_WORDS])
        found = [Match(iri, score + self.bonus(iri, words, matched))
                 for iri, (score, matched) in self.scores(text).items()
                 if wanted is None or self.entries[iri].kind in wanted]
        found.sort(key=lambda m: (-m.score, m.iri))
        return found[:limit] if limit is not None else found

    def suggest(self, asked: str, kinds: Iterable[str] | None = None,
                limit: int = 5) -> list[Match]:
        """Return the entities a mistyped slug or name most likely meant, best first."""
        return self.match(asked.replace("-", " ").replace("_", " "), kinds, limit)


class Texts:
    """Every entity's labels, other names and descriptions, lowercased, for substring search.

    What ``search/contains`` asks the store, answered from memory: the texts of each field
    are joined into one string (``SEPARATOR`` between them, which no query text holds) so
    that ``str.find`` scans them at C speed, and a sorted list of where each text starts
    names its entity. Built once per data version with one query (``search/texts``); at a
    million triples that is a few seconds and tens of megabytes, against a full scan of the
    store's literals for every search.
    """

    SEPARATOR = "\x00"

    def __init__(self, rows: Iterable[tuple[str, str, str]]):
        parts: dict[str, list[str]] = defaultdict(list)
        owners: dict[str, list[str]] = defaultdict(list)
        for iri, field_name, text in rows:
            parts[field_name].append(text.lower())
            owners[field_name].append(iri)
        self._fields: dict[str, tuple[str, list[int], list[str]]] = {}
        for field_name, texts in parts.items():
            starts, position = [], 0
            for text in texts:
                starts.append(position)
                position += len(text) + 1
            self._fields[field_name] = (self.SEPARATOR.join(texts), starts, owners[field_name])

    @classmethod
    def load(cls, store: Store) -> Texts:
        """Read every text with one query."""
        return cls((row["s"].value, row["field"].value, row["text"].value)
                   for row in queries.stream(store, "search/texts"))

    def containing(self, needle: str) -> set[tuple[str, str]]:
        """The (entity IRI, field) pairs whose text holds ``needle`` (already lowercased)."""
        found: set[tuple[str, str]] = set()
        if not needle or self.SEPARATOR in needle:
            return found
        for field_name, (joined, starts, owners) in self._fields.items():
            at = joined.find(needle)
            while at >= 0:
                number = bisect_right(starts, at) - 1
                found.add((owners[number], field_name))
                # Go on from the next text: one hit per text is enough.
                following = starts[number + 1] if number + 1 < len(starts) else len(joined)
                at = joined.find(needle, following)
        return found


def _containing(store: Store, texts: Texts | None, needle: str) -> set[tuple[str, str]]:
    if texts is not None:
        return texts.containing(needle)
    return {(str(row["s"]), str(row["field"]))
            for row in queries.select(store, "search/contains", needle=Literal(needle))}


def search(store: Store, catalog: Catalog, text: str, texts: Texts | None = None) -> list[Match]:
    """Find entities by name (``Catalog.match``) or by a label, other name or description
    that contains ``text``; best first. ``texts`` answers the substring part from memory
    (without it, the store is asked)."""
    needle = normalize(text)
    if not needle:
        return []
    words = len(needle.split()[:MAX_WORDS])
    raw = catalog.scores(text)
    scores = {iri: score for iri, (score, _words) in raw.items()}
    matched = {iri: "name" for iri in scores}
    covered = {iri: found for iri, (_score, found) in raw.items()}
    for iri, where in sorted(_containing(store, texts, text.lower())):
        base = LABEL_CONTAINS if where == "label" else DESCRIPTION_CONTAINS
        if base > scores.get(iri, 0):
            scores[iri] = base
            matched[iri] = "name" if where == "label" else "description"
            covered[iri] = {needle}
    found = [Match(iri, score + catalog.bonus(iri, words, covered.get(iri, set())), matched[iri])
             for iri, score in scores.items()
             if iri in catalog.entries and catalog.entries[iri].slug]
    found.sort(key=lambda m: (-m.score, m.iri))
    return found
