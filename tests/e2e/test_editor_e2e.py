"""The query editor in a real headless Chromium, against the real app over the shipped data.

The app is served by werkzeug on a free loopback port in a thread; Playwright drives Debian's
Chromium. Screenshots go to tests/artifacts/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.e2e

sync_api = pytest.importorskip("playwright.sync_api")

from tests.e2e.conftest import save_screenshot  # noqa: E402

GET_QUERY = "document.querySelector('.CodeMirror').CodeMirror.getValue()"
SET_QUERY = "(text) => document.querySelector('.CodeMirror').CodeMirror.setValue(text)"


@pytest.fixture
def page(browser, base_url):
    """A fresh page that fails the test on any uncaught script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  base_url=base_url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def shot(page, name: str) -> None:
    save_screenshot(page, f"editor-{name}")


def open_editor(page, path: str = "/sparql?lang=en") -> None:
    page.goto(path)
    page.wait_for_selector("#sq.sq-ready")


def wait_for_results(page) -> None:
    page.wait_for_selector("#sq-output:not([hidden])")
    # A selector, not wait_for_function: Playwright polls a string expression with eval(),
    # which the site's Content-Security-Policy forbids.
    page.wait_for_selector("#sq:not(.sq-busy)")


def pressed_view(page) -> str:
    return page.get_attribute(".sq-view[aria-pressed=true]", "data-view")


def tab_to(page, selector: str, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has the focus: it is reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def test_gallery_run_sort_views_download_and_share(page, base_url):
    open_editor(page)
    shot(page, "01-start")
    page.click(".sq-example[data-example='02_milestones_per_decade']")
    query = page.evaluate(GET_QUERY)
    assert query.startswith("# How many milestones does each decade hold?\n")
    assert "?decade" in query

    page.keyboard.press("Control+Enter")
    wait_for_results(page)
    assert pressed_view(page) == "chart", "the example's view is the default"
    assert page.locator(".sq-chart .sq-bar").count() >= 5
    shot(page, "02-chart")

    page.click(".sq-view[data-view=table]")
    rows = page.locator(".sq-table tbody tr")
    assert rows.count() >= 5
    assert f"{rows.count()} rows" in page.inner_text(".sq-table caption")
    decades = page.locator(".sq-table tbody tr td:first-child").all_inner_texts()
    assert decades == sorted(decades)

    header = page.locator("th[data-col='0']")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    after = page.locator(".sq-table tbody tr td:first-child").all_inner_texts()
    assert after == sorted(decades, reverse=True)
    counts = page.locator(".sq-table tbody tr td:nth-child(2)")
    assert "sq-num" in (counts.first.get_attribute("class") or "")
    shot(page, "03-table-sorted")

    csv_link = page.get_attribute("a.sq-download[data-format=csv]", "href")
    assert parse_qs(urlsplit(csv_link).query)["format"] == ["csv"]
    response = page.request.get(csv_link)
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text().splitlines()
    assert lines[0].strip() == "decade,milestones"
    assert len(lines) == rows.count() + 1
    for name in ("tsv", "json", "xml"):
        assert page.locator(f"a.sq-download[data-format={name}]").count() == 1

    page.click(".sq-view[data-view=chart]")
    shared = page.url
    assert "#query=" in shared and "view=chart" in shared
    other = page.context.new_page()
    other.goto(shared)
    other.wait_for_selector("#sq.sq-ready")
    assert other.evaluate(GET_QUERY) == query
    wait_for_results(other)
    assert pressed_view(other) == "chart"
    shot(other, "04-shared-link")
    other.close()


def test_entity_links_and_timeline(page):
    open_editor(page)
    page.click(".sq-example[data-example='03_landmarks_timeline']")
    page.keyboard.press("Control+Enter")
    wait_for_results(page)
    assert pressed_view(page) == "timeline"
    events = page.locator(".sq-timeline .sq-event")
    assert events.count() >= 10
    assert events.first.locator("a").get_attribute("href").startswith("/id/")
    assert page.locator(".sq-timeline-axis .sq-dot").count() == events.count()
    shot(page, "05-timeline")

    page.click(".sq-view[data-view=table]")
    link = page.locator(".sq-table tbody tr:first-child td:first-child a")
    assert link.inner_text().startswith("id:")
    slug = link.inner_text().removeprefix("id:")
    assert link.get_attribute("href") == f"/id/{slug}"
    assert link.get_attribute("title") == f"https://w3id.org/aigraph/id/{slug}"


def test_keyboard_only(page):
    open_editor(page)
    tab_to(page, ".sq-example[data-example='01_open_models_by_org']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('.CodeMirror') !== null"), \
        "loading an example puts the focus in the editor"
    page.keyboard.press("Control+Enter")
    wait_for_results(page)
    assert pressed_view(page) == "chart"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sq-run", "Tab leaves the editor"
    tab_to(page, ".sq-view[data-view=table]")
    page.keyboard.press("Enter")
    assert pressed_view(page) == "table"
    tab_to(page, "th[data-col='2'] button")
    page.keyboard.press("Enter")
    assert page.get_attribute("th[data-col='2']", "aria-sort") == "ascending"
    assert "ascending" in page.inner_text("#sq-status")
    shot(page, "06-keyboard")

    tab_to(page, "#sq-run", limit=20, backwards=True)
    page.keyboard.press("Enter")
    wait_for_results(page)
    assert page.locator(".sq-table tbody tr").count() > 0


def test_completion_of_vocabulary_and_entities(page):
    open_editor(page)
    page.wait_for_load_state("networkidle")
    page.evaluate(SET_QUERY, "SELECT ?m WHERE {\n  ?m aig:rel")
    page.click(".CodeMirror-code")
    page.keyboard.press("Control+End")
    page.keyboard.type("ea")
    page.wait_for_selector(".CodeMirror-hints")
    assert "aig:releaseDate" in page.inner_text(".CodeMirror-hints")
    shot(page, "07-completion")
    page.keyboard.press("Enter")
    page.keyboard.type(" id:deepseek-r")
    page.wait_for_selector(".CodeMirror-hints")
    hints = page.inner_text(".CodeMirror-hints")
    assert "id:deepseek-r1" in hints and "DeepSeek-R1" in hints
    page.keyboard.press("Escape")
    assert page.evaluate(GET_QUERY) == "SELECT ?m WHERE {\n  ?m aig:releaseDate id:deepseek-r"

    # Entities are also found by their label: "Rosenblatt introduces the perceptron".
    page.keyboard.type(" id:rosenblatt")
    page.wait_for_selector(".CodeMirror-hints")
    # The list follows the typing (debounced): wait for the one for the whole word.
    page.wait_for_function("(document.querySelector('.CodeMirror-hint-active') || {})"
                           ".textContent?.includes('perceptron-introduced')")
    assert "id:perceptron-introduced" in page.inner_text(".CodeMirror-hints")
    page.keyboard.press("Enter")
    assert page.evaluate(GET_QUERY).endswith(" id:perceptron-introduced")

    page.click("#sq-prefixes")
    text = page.evaluate(GET_QUERY)
    assert text.startswith("PREFIX aig: <https://w3id.org/aigraph/ontology#>\n"
                           "PREFIX id: <https://w3id.org/aigraph/id/>\n")


def test_syntax_error_shows_line_and_column(page):
    open_editor(page)
    page.evaluate(SET_QUERY, "SELECT ?m WHERE {\n  ?m a aig:Model .\n  FILTER(\n}")
    page.click("#sq-run")
    page.wait_for_selector("#sq-error:not([hidden])")
    message = page.inner_text("#sq-error-message")
    # pyoxigraph's position: just after the "}" that cannot close FILTER(.
    assert "line 4, column 2" in message
    assert page.locator(".CodeMirror .sq-error-line").count() == 1
    assert page.is_hidden("#sq-output")
    shot(page, "08-error")
    assert page.inner_text("#sq-error-goto") == "Go to line 4, column 2"
    page.click("#sq-error-goto")
    cursor = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getCursor()")
    assert (cursor["line"], cursor["ch"]) == (3, 1)


def test_truncated_results_are_announced(page):
    open_editor(page)
    page.evaluate(SET_QUERY, "SELECT ?a ?b WHERE { ?a a aig:Milestone . ?b a aig:Milestone }")
    page.keyboard.press("Tab")
    page.click("#sq-run")
    wait_for_results(page)
    assert page.is_visible("#sq-truncated")
    assert "10,000" in page.inner_text("#sq-truncated")
    assert page.locator(".sq-table tbody tr").count() == 500
    page.click(".sq-more")
    assert page.locator(".sq-table tbody tr").count() == 1000
    shot(page, "09-truncated")


def test_a_query_too_long_for_a_link_is_posted_to_download(page):
    open_editor(page)
    long_query = "# " + "padding " * 1000 + "\nSELECT ?m WHERE { ?m a aig:Milestone } LIMIT 3"
    page.evaluate(SET_QUERY, long_query)
    page.click("#sq-run")
    wait_for_results(page)
    def posted(request):
        return request.method == "POST" and request.headers.get("accept") == "text/csv"

    with page.expect_request(posted), page.expect_download() as download_info:
        page.click("a.sq-download[data-format=csv]")
    download = download_info.value
    assert download.suggested_filename == "aigraph-results.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].strip() == "m" and len(lines) == 4
