"""License pages: the licenses along a model's lineage (``/paths/licenses/{slug}``), and the
license panel of a model's entity page (its license history and lineage).

The classification itself lives in ``aigraph.licensing``; this module only formats it for a
page (dates in the page language) and picks HTML or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext

from aigraph import licensing
from aigraph.errors import NotFound
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.caching import per_version
from aigraph.web.state import state

bp = Blueprint("licensing", __name__, url_prefix="/paths/licenses")


@dataclass(frozen=True)
class ChangeRow:
    """One license change as the page shows it."""

    date: str
    previous: licensing.Ref | None
    new: licensing.Ref
    sources: tuple[str, ...]


@dataclass
class LicensePanel:
    """What a model's page shows about its licenses."""

    current: list[licensing.Ref] = field(default_factory=list)
    code: list[licensing.Ref] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    lineage: licensing.LicenseLineage | None = None
    url: str = ""

    @property
    def derived(self) -> bool:
        """Whether the model has a base, so that its lineage says something."""
        return self.lineage is not None and len(self.lineage.steps) > 1


def lineage(store: Store, slug: str, lang: str) -> licensing.LicenseLineage:
    """Return the licenses along the lineage of ``slug``, once per data version and language."""
    return per_version(f"license-lineage:{slug}:{lang}",
                       lambda s: licensing.lineage(s, slug, lang))


def panel(store: Store, slug: str, lang: str) -> LicensePanel:
    """Gather a model's license history and license lineage for its entity page."""
    found = licensing.history(store, slug, lang)
    return LicensePanel(
        current=found.current, code=found.code,
        changes=[ChangeRow(i18n.format_day(c.date, lang, c.precision), c.previous, c.new,
                           c.sources) for c in found.changes],
        lineage=lineage(store, slug, lang),
        url=url_for("licensing.show", slug=slug))


@bp.get("/<slug:slug>")
def show(slug: str):
    """Show the licenses along the lineage of a model, each compared with its bases'."""
    lang = i18n.current()
    try:
        path = lineage(state().store, slug, lang)
    except NotFound:
        raise NotFound(gettext("There is no model called “%(slug)s”.", slug=slug)) from None
    json_url = url_for("licensing.show", slug=slug, format="json", lang=lang)
    headers = {"Link": f'<{json_url}>; rel="alternate"; type="application/json"',
               "Vary": "Accept"}
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return jsonify(licensing.to_json(path)), 200, headers
    return render_template("licensing/lineage.html", path=path, json_url=json_url), 200, headers
