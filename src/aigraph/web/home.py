"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, render_template

from aigraph import queries
from aigraph.namespaces import slug_of
from aigraph.web import state

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Show what the graph holds and its latest milestones."""
    store = state().store
    counts = [{"name": str(r["name"]), "count": int(r["count"])}
              for r in queries.select(store, "core/class_counts").rows]
    from rdflib import Literal

    recent = [{"slug": slug_of(r["milestone"]), "label": str(r["label"]),
               "date": str(r["date"])}
              for r in queries.select(store, "core/recent_milestones", lang=Literal("en")).rows]
    return render_template("home/index.html", counts=counts, recent=recent,
                           triples=store.triple_count())


@bp.get("/healthz")
def healthz():
    """Answer 200 once the store answers queries."""
    return {"status": "ok", "store": state().store.kind, "triples": state().store.triple_count()}
