"""What the running application shares with its views: the settings and the store.

Blueprints import ``state`` from here rather than from the package, so that the package (which
builds the app from every blueprint) and the blueprints do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from aigraph.settings import Settings
from aigraph.store import Store

#: Where ``create_app`` keeps the state, in ``app.extensions``.
KEY = "aigraph"


@dataclass
class AppState:
    """What the views share: the settings in force and the store they query."""

    settings: Settings
    store: Store


def state() -> AppState:
    """Return the state of the running application."""
    return current_app.extensions[KEY]
