"""Layout checks a visitor notices at once: a readable neighbourhood graph, no sideways scrolling.

Real headless Chromium over the shipped data, at desktop and phone widths.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def context_for(browser, base_url):
    """Open browser contexts at a given viewport; fail on any script error or CSP report."""
    opened, problems = [], []

    def make(viewport: dict) -> Page:
        context = browser.new_context(viewport=viewport, base_url=base_url)
        opened.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in opened:
        context.close()
    assert not problems, f"script errors or CSP violations: {problems}"


def test_a_small_neighbourhood_graph_is_not_blown_up(context_for):
    # Suno links to two entities only: the drawing is far smaller than its box.
    page = context_for({"width": 1280, "height": 900})
    page.goto("/id/suno?lang=en")
    page.locator("#neighbourhood svg .node").first.wait_for()
    scale, label_height = page.evaluate(
        """() => { const svg = document.querySelector('#neighbourhood svg');
                   const text = svg.querySelector('.node text');
                   return [svg.getScreenCTM().a, text.getBoundingClientRect().height]; }""")
    save_screenshot(page, "qa-graph-small")
    assert scale <= 1.001
    assert label_height < 24


@pytest.mark.parametrize("path", ["/dataset?lang=it", "/dataset?lang=en", "/ontology?lang=it",
                                  "/id/llama-4-maverick?lang=it", "/timeline?lang=it",
                                  "/paths/licenses/vicuna?lang=it"])
def test_pages_do_not_scroll_sideways_on_a_phone(context_for, path):
    page = context_for(PHONE)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        save_screenshot(page, "qa-phone-overflow")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"


def test_a_query_chart_stays_legible_on_a_phone(context_for):
    page = context_for(PHONE)
    page.goto("/sparql?lang=en")
    page.locator("a.sq-example").first.click()
    page.get_by_role("button", name="Run").click()
    page.get_by_role("button", name="Chart").click()
    label = page.locator(".sq-chart .sq-bar-label").first
    label.wait_for()
    save_screenshot(page, "qa-phone-chart")
    assert label.evaluate("e => e.getBoundingClientRect().height") >= 10
    # the figure scrolls inside itself; the page does not
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
