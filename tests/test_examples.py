"""The example gallery: at least 20 queries, each accepted by the guard and returning rows."""

import pytest

from aigraph import queries
from aigraph.guard import check_query

EXAMPLES = queries.names("examples")


def test_gallery_has_at_least_twenty_examples():
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_has_titles_in_both_languages_and_a_view(name):
    query = queries.get(name)
    assert query.title and query.headers.get("title_it")
    assert query.headers.get("view") in {"table", "chart", "timeline"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_returns_rows_on_the_shipped_data(name, full_store):
    checked = check_query(queries.get(name).text)
    assert checked.form == "SELECT"
    rows = full_store.select(checked.text)
    assert len(rows) > 0, f"{name} returned no rows"


def _rows(full_store, name):
    return full_store.select(check_query(queries.get(name).text).text)


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_lists_each_row_once(name, full_store):
    rows = [tuple(sorted(row.items())) for row in _rows(full_store, name).rows]
    assert len(rows) == len(set(rows)), f"{name} repeats rows"


def test_deepseek_r1_lineage_shows_what_it_built_on_and_what_was_built_from_it(full_store):
    rows = _rows(full_store, "examples/08_deepseek_r1_lineage").rows
    relations = {str(row["model"]).rsplit("/", 1)[1]: str(row["relation"]) for row in rows}
    assert relations["deepseek-v3"] == "built on"
    assert relations["deepseek-r1-0528"] == "built from it"


def test_llama_descendants_only_descend_from_llama(full_store):
    rows = _rows(full_store, "examples/09_llama_descendants").rows
    names = {str(row["name"]) for row in rows}
    assert {"Alpaca", "Vicuna", "Code Llama"} <= names
    # OPT and RoBERTa come from Meta too, but they are not Llama models.
    assert not names & {"Longformer", "OPT-IML", "BLIP-2"}


def test_years_from_founding_are_never_negative(full_store):
    rows = _rows(full_store, "examples/15_founding_to_first_model").rows
    assert rows and all(int(row["years"]) >= 0 for row in rows)


def test_license_lineage_example_agrees_with_the_license_lineage_rules(full_store):
    from aigraph import licensing
    from aigraph.namespaces import slug_of

    rows = _rows(full_store, "examples/24_license_lineage").rows
    names = {"same": "same", "compatible": "compatible", "compatible (same developer)": "compatible",
             "more restrictive": "more-restrictive", "unknown": "unknown", "conflicting": "conflicting"}
    query = "SELECT ?m ?b ?ml ?bl WHERE { ?m aig:basedOn ?b ; rdfs:label ?ml . ?b rdfs:label ?bl }"
    edges = {(str(r["ml"]), str(r["bl"])): (slug_of(r["m"]), slug_of(r["b"]))
             for r in full_store.select(check_query(query).text).rows}
    assert len(rows) == len({(str(r["model"]), str(r["base"])) for r in rows}), "one row per edge"
    for row in rows:
        model, base = edges[(str(row["model"]), str(row["base"]))]
        step = licensing.lineage(full_store, model).steps[-1]
        verdict = next(c for c in step.comparisons if c.base.id == base)
        assert verdict.relation == names[str(row["relation"])], (model, base)
    # Fine-tunes of one Qwen2.5 size are not in conflict with the licenses of the other sizes.
    assert not any(str(r["base"]) == "Qwen2.5" and str(r["relation"]) == "conflicting" for r in rows)
