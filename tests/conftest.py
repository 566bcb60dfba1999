"""Shared fixtures: small fixture data in a temporary folder, stores, and Flask app/client/runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A temporary copy of the small fixture data, free to modify."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", target)
    return target


@pytest.fixture
def settings(data_dir) -> Settings:
    """Settings pointing at the project ontology and the temporary fixture data."""
    return Settings.load({"data_dir": str(data_dir),
                          "ontology_dir": str(PROJECT_ROOT / "ontology"),
                          "store": "", "update_url": ""}, environ={})


@pytest.fixture
def store(settings) -> EmbeddedStore:
    """An embedded store over the fixture data."""
    return EmbeddedStore.from_dirs(settings.ontology_dir, settings.data_dir)


@pytest.fixture(scope="session")
def full_store() -> EmbeddedStore:
    """One read-only embedded store over the shipped data, shared by the session."""
    return EmbeddedStore.from_dirs(PROJECT_ROOT / "ontology", PROJECT_ROOT / "data")


@pytest.fixture
def app(settings, store):
    """A fresh application on the fixture store."""
    from aigraph.web import create_app

    app = create_app({"TESTING": True, "AIGRAPH": settings, "AIGRAPH_STORE": store})
    yield app
    executor = app.extensions.get("aigraph_executor")
    if executor is not None:
        executor.close()


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``app``."""
    return app.test_cli_runner()
