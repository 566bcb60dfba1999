"""Build the Flask application: settings, store, blueprints and error handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from aigraph.executor import Executor
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import Store, open_store


@dataclass
class AppState:
    """What the views share: the settings in force and the store they query."""

    settings: Settings
    store: Store


def state() -> AppState:
    """Return the state of the running application."""
    return current_app.extensions["aigraph"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the web application.

    ``test_config`` may hold Flask settings and, under ``AIGRAPH``, either a ``Settings``
    object or a dict of setting overrides; a ready store may be passed as ``AIGRAPH_STORE``.
    """
    config = dict(test_config or {})
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "web" / "templates"),
        static_folder=str(PROJECT_ROOT / "web" / "static"),
        static_url_path="/static",
    )
    given = config.pop("AIGRAPH", None)
    settings = given if isinstance(given, Settings) else Settings.load(given)
    store = config.pop("AIGRAPH_STORE", None) or open_store(
        settings.store, ontology_dir=settings.ontology_dir, data_dir=settings.data_dir,
        update_url=settings.update_url)
    app.config.update(JSON_AS_ASCII=False)
    app.config.update(config)
    app.extensions["aigraph"] = AppState(settings, store)
    # User SPARQL runs in worker processes, started on the first query; close() stops them.
    memory = settings.query_memory_limit_mb
    app.extensions["aigraph_executor"] = Executor(
        settings, store, memory_limit=memory * 2**20 if memory > 0 else None)

    from aigraph.web import (
        cache,
        dataset,
        editor,
        entities,
        home,
        i18n,
        pages,
        paths_views,
        search,
        sparql,
        timeline,
    )

    i18n.init_app(app)
    cache.init_app(app)
    pages.init_app(app)  # the slug converter must exist before the blueprints' routes
    for module in (home, pages, entities, paths_views, timeline, search, dataset):
        app.register_blueprint(module.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(editor.bp)
    return app
