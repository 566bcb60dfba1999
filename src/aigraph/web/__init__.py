"""Build the Flask application: settings, store, blueprints and error handlers.

The web package, one module per concern: ``state`` (what views share), ``i18n`` (the request's
language), ``routing`` (slug URLs), ``negotiation`` (response formats), ``caching`` (values
kept per data version), ``filters`` (template filters), ``errors`` (error pages), ``kinds``
(names of entity kinds), and one blueprint per page family.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from aigraph.executor import Executor
from aigraph.settings import PROJECT_ROOT, Settings
from aigraph.store import open_store
from aigraph.web import (
    about,
    auth,
    curation_api,
    dataset,
    editor,
    entities,
    errors,
    filters,
    home,
    http_cache,
    i18n,
    licensing,
    paths_views,
    releases,
    routing,
    search,
    sparql,
    timeline,
)
from aigraph.web.state import KEY, AppState


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
        update_url=settings.update_url, history_dir=settings.history_dir,
        timeout=settings.remote_timeout)
    app.config.update(JSON_AS_ASCII=False)
    app.config.update(config)
    app.extensions[KEY] = AppState(settings, store)
    # User SPARQL runs in worker processes, started on the first query; close() stops them.
    memory = settings.query_memory_limit_mb
    app.extensions["aigraph_executor"] = Executor(
        settings, store, memory_limit=memory * 2**20 if memory > 0 else None)

    i18n.init_app(app)
    http_cache.init_app(app)
    routing.init_app(app)  # the slug converter must exist before the blueprints' routes
    filters.init_app(app)
    errors.init_app(app)
    for module in (home, about, entities, paths_views, timeline, search, dataset):
        app.register_blueprint(module.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(licensing.bp)
    app.register_blueprint(releases.bp)
    auth.init_app(app)  # secret key, logins, tokens
    curation_api.init_app(app)  # PUT/DELETE /id/{slug}, ETags, history, /changes
    from aigraph.web import curate, fast_answers, request_log, security

    app.register_blueprint(curate.bp)  # the curation forms

    request_log.init_app(app)
    security.init_app(app)  # after the blueprints: it limits some of their routes
    fast_answers.install(app)  # after security: inside its ProxyFix, only without limits
    auth.limit_logins(app)  # on security's limiter
    from aigraph.web import page_cache

    page_cache.init_app(app)  # last: it keeps pages as their views made them
    return app
