"""The about page: what aigraph is, where its data comes from and how to reuse it."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("about", __name__)


@bp.get("/about")
def about():
    """Say what aigraph is, where its data comes from and how to reuse it."""
    return render_template("pages/about.html")
