"""The dated dumps of the data releases: ``/dataset/releases/{file}``, and the list of
releases the dataset page and its VoID description show (``aigraph.releases`` reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, send_from_directory, url_for
from flask_babel import gettext

from aigraph import releases
from aigraph.errors import NotFound
from aigraph.web import i18n
from aigraph.web.state import state

bp = Blueprint("releases", __name__, url_prefix="/dataset/releases")


@dataclass(frozen=True)
class ReleaseRow:
    """One release as the dataset page lists it."""

    version: str
    date: str
    date_text: str
    url: str
    file: str
    size_text: str


def folder() -> Path:
    """The releases folder in force."""
    return Path(state().settings.releases_dir)


def rows(lang: str) -> list[ReleaseRow]:
    """List the releases, newest first, for the dataset page."""
    return [ReleaseRow(r.version, r.date, i18n.format_day(r.date, lang),
                       url_for("releases.dump", name=r.dump, _external=True), r.dump,
                       i18n.format_size(r.size, lang))
            for r in reversed(releases.load(folder()))]


def dump_urls() -> dict[str, str]:
    """Map every release dump to its absolute URL."""
    return {r.dump: url_for("releases.dump", name=r.dump, _external=True)
            for r in releases.load(folder())}


@bp.get("/<name>")
def dump(name: str):
    """Download the dump of one release (gzipped, sorted N-Triples)."""
    known = {r.dump for r in releases.load(folder())}
    if name not in known:
        raise NotFound(gettext("There is no release file called “%(name)s”.", name=name))
    return send_from_directory(folder(), name, mimetype="application/gzip", as_attachment=True)
