"""License history and license lineage in a real headless Chromium, over the shipped data."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser, base_url):
    """A fresh page that fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  locale="en-US", base_url=base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def test_model_page_history_then_the_license_lineage_in_both_languages(page: Page):
    page.goto("/id/bark?lang=en")
    panel = page.locator("section.licenses")
    expect(panel).to_contain_text("Weights, today")
    expect(panel.locator(".license-history li")).to_contain_text(
        "from Creative Commons Attribution-NonCommercial 4.0 to MIT License")
    page.goto("/id/pi0?lang=en")
    expect(page.locator("section.licenses .badge.license-conflicting")).to_have_text("conflicting")
    page.locator("section.licenses").get_by_role("link", name="The licenses along the lineage").click()
    expect(page).to_have_url("/paths/licenses/pi0")
    expect(page.locator("h1")).to_have_text("Licenses along the lineage of π0")
    expect(page.locator(".license-steps > li")).to_have_count(3)
    save_screenshot(page, "licenses-pi0")
    page.goto("/paths/licenses/pi0?lang=it")
    expect(page.locator("h1")).to_have_text("Le licenze lungo la genealogia di π0")
    expect(page.locator(".badge.license-conflicting")).to_have_text("in conflitto")
