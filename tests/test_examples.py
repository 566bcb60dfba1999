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
