"""The web site in a real headless Chromium, against the real app over the full shipped data.

One server per session: werkzeug on a free loopback port in a thread, serving ``create_app()``
on the shipped ontology and data. Playwright's sync API drives Debian's Chromium. Screenshots of
the main pages go to tests/artifacts/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.e2e

#: The seed page's milestones, in the seed's order; the shipped path holds them in this order.
SEED = ["gpt-neo-release", "bloom-release", "llama-release", "mistral-7b-release",
        "mixtral-8x7b-release", "gemma-release", "deepseek-r1-release"]


@pytest.fixture
def page(browser, base_url):
    """A fresh page (no cookies) that fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  locale="en-US", base_url=base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot to tests/artifacts/."""
    save_screenshot(page, f"site-{name}")


def step_slugs(page: Page) -> list[str]:
    hrefs = page.locator("ol.steps h3.step-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return [h.rsplit("/", 1)[-1] for h in hrefs]


def is_subsequence(wanted: list[str], found: list[str]) -> bool:
    it = iter(found)
    return all(item in it for item in wanted)


def test_follow_the_seed_path_in_both_languages(page: Page):
    page.goto("/?lang=en")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Paths").click()
    expect(page).to_have_url(re.compile(r"/paths/$"))
    page.locator('a[href="/paths/open-source-developer"]').first.click()
    expect(page).to_have_url(re.compile(r"/paths/open-source-developer$"))
    expect(page.locator("h1")).to_be_visible()
    slugs = step_slugs(page)
    assert len(slugs) >= len(SEED)
    assert is_subsequence(SEED, slugs), slugs
    numbers = page.locator(".step-number").all_inner_texts()
    assert numbers[:3] == ["01", "02", "03"] and numbers[-1] == f"{len(slugs):02d}"
    expect(page.locator(".why-title")).to_have_count(len(slugs))
    expect(page.locator(".why-title").first).to_have_text(re.compile("why it matters to you", re.I))
    expect(page.locator(".step .badge").first).to_be_visible()
    shot(page, "path-en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="IT").click()
    expect(page).to_have_url(re.compile(r"/paths/open-source-developer\?lang=it$"))
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator(".why-title").first).to_have_text(re.compile("perché ti riguarda", re.I))
    assert step_slugs(page) == slugs  # the same path, in Italian
    shot(page, "path-it")

    page.locator(f'ol.steps a[href="/id/{SEED[0]}"]').first.click()
    expect(page).to_have_url(re.compile(f"/id/{SEED[0]}$"))
    expect(page.locator("html")).to_have_attribute("lang", "it")  # remembered
    expect(page.locator(".entity-side")).to_contain_text("Nei percorsi di lettura")


def test_entity_page_then_its_organization_and_other_models(page: Page):
    page.goto("/id/mistral-7b?lang=en")
    expect(page.locator("h1")).to_have_text("Mistral 7B")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("billion")
    expect(facts).to_contain_text("Apache")
    expect(facts).to_contain_text("commercial use allowed")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "SoftwareApplication" and data["name"] == "Mistral 7B"
    expect(page.locator("#neighbourhood svg .node")).not_to_have_count(0)
    shot(page, "entity-mistral-7b")

    page.locator(".entity-main").get_by_role("link", name="Mistral AI", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/id/mistral-ai$"))
    expect(page.locator("h1")).to_have_text("Mistral AI")
    models = page.locator("h3.group-title", has_text="Models it developed")
    expect(models).to_be_visible()
    model_links = models.locator("xpath=following-sibling::ul[1]//a")
    assert model_links.count() >= 3
    hrefs = model_links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/id/mistral-7b" in hrefs and "/id/mixtral-8x7b" in hrefs
    shot(page, "entity-mistral-ai")

    models.locator("xpath=following-sibling::ul[1]").locator('a[href="/id/mixtral-8x7b"]').click()
    expect(page).to_have_url(re.compile(r"/id/mixtral-8x7b$"))
    expect(page.locator("h1")).to_contain_text("Mixtral")
    page.get_by_role("link", name="What came next").first.click()
    expect(page).to_have_url(re.compile(r"/paths/next/mixtral-8x7b$"))
    expect(page.locator(".reason").first).to_be_visible()


def test_neighbourhood_graph_is_keyboard_reachable(page: Page):
    page.goto("/id/mistral-ai?lang=en")
    nodes = page.locator("#neighbourhood svg a")
    assert nodes.count() >= 3
    nodes.first.focus()
    assert page.evaluate("document.activeElement.closest('svg') !== null")
    expect(page.locator(".graph-legend")).to_be_visible()


def _counted(page: Page) -> list[int]:
    """The numbers in the timeline's result count ("12 of 470 milestones" or "470 milestones")."""
    return [int(n) for n in re.findall(r"\d+", page.locator(".result-count").inner_text())]


def test_timeline_filters(page: Page):
    page.goto("/timeline?lang=en")
    [total] = _counted(page)
    assert total > 200
    # The first page of milestones; the next one is appended when its link scrolls into view.
    expect(page.locator("li.event")).to_have_count(100)
    page.locator("#timeline-next a").scroll_into_view_if_needed()
    expect(page.locator("li.event")).to_have_count(200)
    dates = page.locator("li.event time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates)
    page.select_option("#filter-category", "open-source-models")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"category=open-source-models"))
    shown, of = _counted(page)
    assert 0 < shown < total and of == total
    expect(page.locator("li.event")).to_have_count(min(shown, 100))
    page.select_option("#filter-importance", "landmark")
    page.get_by_role("button", name="Filter").click()
    landmarks = page.locator("li.event").count()
    assert 0 < landmarks <= shown and _counted(page)[0] == landmarks
    expect(page.locator("li.event .badge-landmark")).to_have_count(landmarks)
    shot(page, "timeline-filtered")
    page.get_by_role("link", name="Clear all").click()
    expect(page.locator("li.event")).to_have_count(100)
    assert _counted(page) == [total]


def test_search_tolerates_typos_and_autocompletes(page: Page):
    page.goto("/?lang=en")
    page.locator("#home-search").fill("deepsek")
    page.locator("#home-search").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=deepsek"))
    results = page.locator("ul.results a")
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/id/deepseek" in hrefs and "/id/deepseek-r1" in hrefs
    expect(page.locator("#group-model")).to_be_visible()
    expect(page.locator("#group-organization")).to_be_visible()
    shot(page, "search-deepsek")

    page.goto("/search?q=lama&lang=en")
    hrefs = page.locator("ul.results a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert "/id/llama" in hrefs[:3]  # the models group comes first

    box = page.locator("#site-search")
    box.fill("mistrall")
    options = page.locator("#site-search-suggestions [role=option]")
    expect(options.first).to_be_visible()
    labels = options.all_inner_texts()
    assert any("Mistral" in label for label in labels)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/mistral"))


def test_language_switch_keeps_the_page_and_is_remembered(page: Page):
    page.goto("/timeline?category=language-models")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="IT").click()
    expect(page).to_have_url(re.compile(r"/timeline\?category=language-models&lang=it$"))
    expect(page.locator("h1")).to_have_text("Cronologia")
    expect(page.locator("#filter-category")).to_have_value("language-models")
    page.get_by_role("link", name="Pagina iniziale di aigraph").click()
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator("h1")).to_contain_text("La storia dell'IA")
    shot(page, "home-it")
    page.get_by_role("navigation", name="Lingua").get_by_role("link", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_skip_link_is_the_first_stop(page: Page):
    page.goto("/?lang=en")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_main_pages(browser, base_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=base_url)
    page = context.new_page()
    try:
        for name, url in [("home", "/"), ("paths", "/paths/"),
                          ("path", "/paths/open-source-developer"),
                          ("entity-model", "/id/mistral-7b"),
                          ("entity-category", "/id/open-source-models"),
                          ("lineage", "/paths/lineage/deepseek-r1"),
                          ("timeline", "/timeline?decade=2020"),
                          ("search", "/search?q=mistrall"), ("dataset", "/dataset"),
                          ("ontology", "/ontology"), ("not-found", "/id/mistral-8b")]:
            response = page.goto(url + ("&" if "?" in url else "?") + "lang=en")
            assert response.status == (404 if name == "not-found" else 200), url
            if width < 500:
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 1, f"{url} scrolls sideways on a phone ({overflow}px)"
            shot(page, f"{name}-{width}")
    finally:
        context.close()
