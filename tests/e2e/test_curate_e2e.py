"""A curator's story in a real headless Chromium: add a model with a new organization.

Log in, open the model form, fill it (the license through the autocomplete list), type an
organization that is not in the graph, save: the new organization's sub-form opens and the
missing Italian name is reported next to its field. Fix it, describe the organization, save:
the model's page shows it, the SPARQL endpoint knows it; revert the change: both are gone.

The server is the real application over a temporary copy of the fixture data, with a real
account file and history folder, on a free loopback port.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.e2e

sync_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.conftest import save_screenshot  # noqa: E402

PASSWORD = "correct horse battery staple"
ASK = "ASK { <https://w3id.org/aigraph/id/qwen2-5> a <https://w3id.org/aigraph/ontology#Model> }"


@pytest.fixture(scope="module")
def curate_server(tmp_path_factory):
    """The application over a writable copy of the fixture data, with one curator account."""
    from werkzeug.serving import make_server

    from aigraph.accounts import Accounts
    from aigraph.settings import PROJECT_ROOT, Settings
    from aigraph.web import create_app

    root = tmp_path_factory.mktemp("curate")
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "data", root / "data")
    settings = Settings.load({"data_dir": str(root / "data"), "store": "", "update_url": "",
                              "ontology_dir": str(PROJECT_ROOT / "ontology"),
                              "history_dir": str(root / "history"),
                              "accounts_file": str(root / "accounts.json"),
                              "secret_key": "e2e-" + "0123456789abcdef" * 4,
                              "login_rate_limit": ""}, environ={})
    Accounts(settings.accounts_file).add("ada", PASSWORD)
    app = create_app({"AIGRAPH": settings})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        app.extensions["aigraph_executor"].close()


@pytest.fixture
def page(browser, curate_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  base_url=curate_server[0])
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def sparql_ask(page: Page) -> bool:
    response = page.request.get("/sparql?query=" + quote(ASK),
                                headers={"Accept": "application/sparql-results+json"})
    assert response.ok, response.text()
    return response.json()["boolean"]


def log_in(page: Page) -> None:
    page.goto("/login?lang=en")
    page.fill('input[name="name"]', "ada")
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form:has(input[name="password"]) [type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def fill_the_model(page: Page) -> None:
    """Fill the model form as a curator would, leaving out the Italian name."""
    expect(page.locator("h1")).to_have_text("Add an entry: Model")
    page.fill('[name="rdfs:label@en"]', "Qwen2.5")
    page.fill('[name="dcterms:description@en"]', "A family of open-weight language models.")
    page.fill('[name="dcterms:description@it"]', "Una famiglia di modelli linguistici a pesi aperti.")
    page.fill('[name="aig:releaseDate"]', "2024-09-19")
    page.select_option('[name="aig:openWeights"]', "true")
    page.fill('[name="dcterms:source"] >> nth=0', "https://qwenlm.github.io/blog/qwen2.5/")
    license_input = page.locator('[name="aig:license"]').first
    license_input.press_sequentially("Apach", delay=40)
    option = page.locator(f'#{license_input.get_attribute("list")} option').first
    expect(option).to_have_attribute("value", "Apache License 2.0 [apache-2-0]")
    license_input.fill(option.get_attribute("value"))
    page.locator('[name="aig:developedBy"]').first.fill("Alibaba Cloud")


def see_the_missing_italian_name(page: Page, data_dir) -> None:
    """Nothing saved: the Italian name is missing, reported next to its own field, and the
    organization not yet in the graph has its own section, prefilled."""
    expect(page.locator("#curate-errors")).to_be_visible()
    expect(page.locator("#f-rdfs-label-it-errors")).to_contain_text("once in Italian (@it)")
    expect(page.locator("#f-rdfs-label-it")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-rdfs-label-en-errors")).to_have_count(0)
    expect(page.locator('[name="new-0.rdfs:label@en"]')).to_have_value("Alibaba Cloud")
    expect(page.locator(".csection-new h2")).to_contain_text("Alibaba Cloud")
    assert not (data_dir / "models.ttl").exists()


def fix_and_describe_the_organization(page: Page) -> None:
    page.fill('[name="rdfs:label@it"]', "Qwen2.5")
    page.fill('[name="new-0.dcterms:description@en"]', "The cloud computing company of Alibaba Group.")
    page.fill('[name="new-0.dcterms:description@it"]', "L'azienda di cloud computing del gruppo Alibaba.")
    page.select_option('[name="new-0.aig:organizationType"]',
                       "https://w3id.org/aigraph/ontology#Company")


def revert_from_the_changes_page(page: Page) -> None:
    page.goto("/changes?lang=en")
    change = page.locator("li, tr, article", has_text="Qwen2.5").first
    change.get_by_role("button", name=re.compile("revert", re.I)).click()


def test_add_a_model_with_a_new_organization_then_revert(page: Page, curate_server):
    data_dir = curate_server[1] / "data"
    log_in(page)
    started = time.monotonic()
    page.goto("/curate/new/model?lang=en")
    fill_the_model(page)
    save_screenshot(page, "curate-1-filled")
    page.get_by_role("button", name="Save", exact=True).click()
    see_the_missing_italian_name(page, data_dir)
    save_screenshot(page, "curate-2-violations")

    fix_and_describe_the_organization(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/id/qwen2-5$"))
    elapsed = time.monotonic() - started
    print(f"\nform opened to model saved, with a new organization: {elapsed:.1f} s")
    expect(page.locator("h1")).to_have_text("Qwen2.5")
    expect(page.locator(".entity-main")).to_contain_text("Alibaba Cloud")
    save_screenshot(page, "curate-3-saved")
    assert sparql_ask(page) is True
    assert "id:alibaba-cloud" in (data_dir / "organizations.ttl").read_text(encoding="utf-8")

    revert_from_the_changes_page(page)
    page.goto("/id/qwen2-5?lang=en")
    expect(page.locator("h1")).not_to_have_text("Qwen2.5")
    assert sparql_ask(page) is False
    assert "qwen2-5" not in (data_dir / "models.ttl").read_text(encoding="utf-8")
    assert "alibaba-cloud" not in (data_dir / "organizations.ttl").read_text(encoding="utf-8")
