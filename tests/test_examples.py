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
