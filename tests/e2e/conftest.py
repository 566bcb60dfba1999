"""One live server and one headless Chromium for all the browser tests.

The server is werkzeug on a free loopback port, in a thread, serving ``create_app()`` over the
shipped ontology and data; Playwright's sync API drives Debian's Chromium. Screenshots go to
tests/artifacts/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def base_url():
    """Serve the application over the shipped data on a free loopback port."""
    from werkzeug.serving import make_server

    from aigraph.settings import Settings
    from aigraph.web import create_app

    app = create_app({"AIGRAPH": Settings.load({"secret_key": secrets.token_hex(32)}, environ={})})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        app.extensions["aigraph_executor"].close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skip when Debian's Chromium is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def save_screenshot(page, name: str) -> None:
    """Save a full-page screenshot to tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
