"""The label index's matcher: what each threshold and bonus means, pinned on a small index.

Every test here is about ranking, on entries built in the test (no store, no Flask), so that a
change to ``MIN_SCORE``, the prefix, fuzzy, name, cover or link constants fails one of them.
"""

from __future__ import annotations

import pytest
from rdflib import Literal

from aigraph.catalog import Catalog, Entry, normalize
from aigraph.namespaces import AIG

ID = "https://w3id.org/aigraph/id/"


def entity(slug: str, en: str, it: str | None = None, alt: tuple[str, ...] = (),
           kind=AIG.Model, links: int = 0) -> Entry:
    labels = {"en": en, **({"it": it} if it else {})}
    return Entry(ID + slug, slug, types=[str(kind)], labels=labels, alt=sorted(alt), links=links)


@pytest.fixture(scope="module")
def index() -> Catalog:
    entries = [
        entity("mistral-7b", "Mistral 7B"),
        entity("mistral-ai", "Mistral AI", kind=AIG.Organization),
        entity("mistral-7b-release", "Mistral 7B is released", "Esce Mistral 7B",
               kind=AIG.Milestone),
        entity("llama", "LLaMA", alt=("Large Language Model Meta AI",)),
        entity("meta", "Meta", alt=("Facebook", "Meta Platforms"), kind=AIG.Organization),
        entity("bart", "BART"),
        entity("claude", "Claude"),
        entity("universita-di-pisa", "University of Pisa", "Università di Pisa",
               kind=AIG.Organization),
        entity("deepseek-r1", "DeepSeek-R1"),
        entity("open-source-developer", "The open-source developer", "Lo sviluppatore open source",
               kind=AIG.ReadingPath),
    ]
    return Catalog({e.iri: e for e in entries})


def slugs(index: Catalog, text: str, **kw) -> list[str]:
    return [m.iri.removeprefix(ID) for m in index.match(text, **kw)]


def score(index: Catalog, text: str, slug: str) -> float:
    return next(m.score for m in index.match(text) if m.iri == ID + slug)


@pytest.mark.parametrize("typo, expected", [
    ("mistrall", "mistral-7b"),
    ("mistrall", "mistral-ai"),
    ("lama", "llama"),
    ("deepsek r1", "deepseek-r1"),
    ("claud", "claude"),
])
def test_typos_find_the_entity(index, typo, expected):
    assert expected in slugs(index, typo)


def test_a_typo_scores_its_ratio_weighted_below_an_exact_word(index):
    # "mistrall" vs "mistral": rapidfuzz ratio 14/15; FUZZY_WEIGHT 0.95; covers 1 of 2 words.
    assert score(index, "mistrall", "mistral-ai") == pytest.approx(14 / 15 * 0.95 + 0.02, abs=1e-6)
    assert score(index, "mistral", "mistral-ai") == pytest.approx(1.0 + 0.02, abs=1e-6)


def test_min_score_is_the_line_between_a_typo_and_another_word(index):
    # "lamda"/"llama" have a ratio of 0.80, weighted 0.76: just above MIN_SCORE; "bert"/"bart"
    # 0.75, weighted 0.7125: just below; "clod"/"claude" 0.60: below.
    assert slugs(index, "lamda") == ["llama"]
    assert slugs(index, "bert") == []
    assert slugs(index, "clod") == []


def test_accents_do_not_matter(index):
    assert normalize("Università") == normalize("universita") == "universita"
    assert slugs(index, "universita pisa")[0] == "universita-di-pisa"
    assert slugs(index, "Universitá")[0] == "universita-di-pisa"


def test_italian_labels_are_names(index):
    assert slugs(index, "esce mistral")[0] == "mistral-7b-release"
    assert slugs(index, "sviluppatore")[0] == "open-source-developer"


def test_alternate_names_are_names(index):
    assert slugs(index, "facebook") == ["meta"]
    assert "llama" in slugs(index, "large language model")


def test_exact_then_prefix_then_fuzzy(index):
    # "clau" starts "claude"; "claudr" is one letter off; "claude" is the name itself.
    exact, prefix, fuzzy = (score(index, t, "claude") for t in ("claude", "clau", "claudr"))
    assert exact > prefix > fuzzy
    assert exact == pytest.approx(1.0 + 0.1 + 0.04)
    assert prefix == pytest.approx(0.9 + 0.05 * 4 / 6 + 0.04)
    assert fuzzy == pytest.approx(10 / 12 * 0.95 + 0.04)


def test_a_single_letter_is_not_a_prefix(index):
    assert slugs(index, "m") == []
    assert "mistral-7b" in slugs(index, "mi")


def test_the_whole_name_ranks_first(index):
    assert slugs(index, "Mistral 7B")[0] == "mistral-7b"
    assert slugs(index, "mistral 7b")[:2] == ["mistral-7b", "mistral-7b-release"]


def test_words_run_together_match_the_joined_name(index):
    assert slugs(index, "mistral7b")[0] == "mistral-7b"
    assert slugs(index, "deepseekr1")[0] == "deepseek-r1"
    # A name of up to three words, run together, is a name: exact, with the name bonus.
    assert score(index, "mistral7b", "mistral-7b") == pytest.approx(1.0 + 0.1 + 0.04)
    assert score(index, "opensourcedeveloper", "open-source-developer") == pytest.approx(1.14)


def test_a_name_the_text_covers_beats_a_longer_one():
    # Same words matched, no links: "Meta AI" (2 words) before "Meta Platforms Inc" (3),
    # though its IRI sorts after (ties are broken by IRI).
    entries = [entity("a-meta-platforms-inc", "Meta Platforms Inc"), entity("z-meta-ai", "Meta AI")]
    index = Catalog({e.iri: e for e in entries})
    found = index.match("meta")
    assert [m.iri.removeprefix(ID) for m in found] == ["z-meta-ai", "a-meta-platforms-inc"]
    assert found[0].score - found[1].score == pytest.approx(0.04 * (1 / 2 - 1 / 3))


def test_links_break_the_last_ties():
    entries = [entity("a-gemini", "Gemini", links=0), entity("z-gemini", "Gemini", links=20)]
    index = Catalog({e.iri: e for e in entries})
    found = index.match("gemini")
    assert [m.iri.removeprefix(ID) for m in found] == ["z-gemini", "a-gemini"]
    assert found[0].score - found[1].score == pytest.approx(0.02 * 20 / 40)


def test_kinds_and_suggestions(index):
    assert slugs(index, "open source", kinds={"path"}) == ["open-source-developer"]
    assert slugs(index, "mistral", kinds={"organization"}) == ["mistral-ai"]
    assert [m.iri for m in index.suggest("mistral-8b", limit=1)] == [ID + "mistral-7b"]
    assert [m.iri for m in index.suggest("deepseek-r2", limit=1)] == [ID + "deepseek-r1"]
    assert index.suggest("zzqxjvw") == []


@pytest.mark.parametrize("needle", ["mistral", "LLaMA", "open", "è", "À", "transformer model",
                                    "the ", "7b", "zzzz-not-there", "a"])
def test_texts_in_memory_find_what_the_store_query_finds(full_store, needle):
    from aigraph import queries
    from aigraph.catalog import Texts

    texts = Texts.load(full_store)
    expected = {(str(row["s"]), str(row["field"])) for row in
                queries.select(full_store, "search/contains", needle=Literal(needle.lower()))}
    assert texts.containing(needle.lower()) == expected
    if needle not in ("zzzz-not-there",):
        assert expected


def test_search_with_texts_in_memory_ranks_as_with_the_store(full_store):
    from aigraph.catalog import Catalog, Texts, search

    catalog, texts = Catalog.load(full_store), Texts.load(full_store)
    for text in ("mistral", "Open weights", "deepseek r1", "licence", "attention is all"):
        assert search(full_store, catalog, text, texts) == search(full_store, catalog, text)
