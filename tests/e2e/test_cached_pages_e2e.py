"""Pages answered from the page cache work in a real Chromium: their scripts load and run under
the Content-Security-Policy, exactly as on the first, rendered, answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

#: A page, and a selector that only appears once the page's own script has run on it.
SCRIPTED = [
    ("/id/mistral-7b?lang=en", "#neighbourhood svg .node"),
    ("/timeline?lang=it", "li.event"),
    ("/sparql?lang=en", "#sq.sq-ready"),
    ("/paths/lineage/deepseek-r1?lang=en", "main h1"),
]


def _visit(browser, base_url, url: str, ready: str) -> tuple[str, list[str]]:
    """Open ``url`` in a fresh context (no browser cache); return its cache state and errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  base_url=base_url)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A script or style the policy refuses shows up as a console error.
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        response = page.goto(url)
        assert response is not None and response.status == 200
        expect(page.locator(ready).first).to_be_attached()
        if url.startswith("/timeline"):
            # The next piece of the timeline is fetched and appended by the script.
            before = page.locator("li.event").count()
            page.locator("#timeline-next a").scroll_into_view_if_needed()
            expect(page.locator("li.event")).not_to_have_count(before)
        return response.headers.get("aigraph-cache", ""), errors
    finally:
        context.close()


@pytest.mark.parametrize("url,ready", SCRIPTED)
def test_a_cached_page_runs_its_scripts_under_the_policy(browser, base_url, url, ready):
    first, first_errors = _visit(browser, base_url, url, ready)
    second, second_errors = _visit(browser, base_url, url, ready)
    assert first in ("miss", "hit")  # another test may have opened it already
    assert second == "hit"
    assert not first_errors and not second_errors, first_errors + second_errors
