"""The kinds of entity the site tells apart, and their names in the page language."""

from __future__ import annotations

from flask_babel import gettext

#: The order result groups and counts appear in.
KIND_ORDER = ("model", "organization", "milestone", "license", "category", "path", "entity")


def kind_names() -> dict[str, str]:
    """Return the plural name of each kind of entity in the interface language."""
    return {"milestone": gettext("Milestones"), "model": gettext("Models"),
            "organization": gettext("Organizations"), "license": gettext("Licenses"),
            "category": gettext("Categories"), "path": gettext("Reading paths"),
            "entity": gettext("Other entities")}


def kind_singular_names() -> dict[str, str]:
    """Return the singular name of each kind of entity in the interface language."""
    return {"milestone": gettext("Milestone"), "model": gettext("Model"),
            "organization": gettext("Organization"), "license": gettext("License"),
            "category": gettext("Category"), "path": gettext("Reading path"),
            "entity": gettext("Entity")}


def kind_name(kind: str) -> str:
    """Return the singular name of a kind of entity in the interface language."""
    return kind_singular_names().get(kind, kind)
