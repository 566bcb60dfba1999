"""Feed the SPARQL query editor: the example gallery and the names it completes.

The editor page itself is rendered by the endpoint (``sparql.py``) for a browser that asks
``/sparql`` for HTML; its template reads the gallery through the ``example_queries(lang)``
Jinja global registered here, so it needs nothing else from the endpoint's context. The
editor's script fetches ``/sparql/vocabulary.json`` for completion: the ``aig:`` terms of
the ontology (named by the closed ``AIG`` namespace) with their labels, the other terms the
graph uses, and the ``id:`` entities with their labels.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request

from aigraph import queries
from aigraph.i18n import LANGUAGES, pick
from aigraph.namespaces import AIG, PREFIXES, VOCAB, compact, slug_of
from aigraph.store import Store
from aigraph.web import i18n
from aigraph.web.state import state

bp = Blueprint("editor", __name__)

#: Header lines of an example file that the editor does not show (they become the title).
_HEADER_LINE = re.compile(r"^#\s*(title|title_[a-z]{2}|view|param):")
_OWL = "http://www.w3.org/2002/07/owl#"
_KINDS = {_OWL + "Class": "class", _OWL + "ObjectProperty": "property",
          _OWL + "DatatypeProperty": "property", _OWL + "AnnotationProperty": "property"}
#: Where the vocabulary of the current data version is kept, in ``app.extensions``.
_CACHE_KEY = "aigraph_editor"


def page_language() -> str:
    """Return the language of the current request: ``?lang``, else the site's choice."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if "babel" in current_app.extensions:
        return i18n.current()
    return LANGUAGES[0]


def example_text(text: str, title: str) -> str:
    """Return the text an example shows in the editor: its title as a comment, then the query."""
    lines = text.splitlines()
    while lines and _HEADER_LINE.match(lines[0]):
        lines.pop(0)
    body = "\n".join(lines).strip()
    return f"# {title}\n{body}\n"


@bp.app_template_global()
def example_queries(lang: str = "en") -> list[dict]:
    """List the example gallery: ``name``, ``title`` in ``lang``, default ``view``, ``query``."""
    gallery = []
    for name in queries.names("examples"):
        named = queries.get(name)
        titles = {"en": named.title, **{key[len("title_"):]: value
                                         for key, value in named.headers.items()
                                         if key.startswith("title_")}}
        title = pick(titles, lang)
        gallery.append({
            "name": name.rsplit("/", 1)[-1],
            "title": title,
            "view": named.headers.get("view", "table"),
            "query": example_text(named.text, title),
        })
    return gallery


@bp.app_template_global()
def sparql_prefixes() -> dict[str, str]:
    """Return the prefixes every query has predeclared, by name."""
    return dict(PREFIXES)


@bp.get("/sparql/examples.json")
def examples_json():
    """Answer the example gallery as JSON, titles in the page language."""
    lang = page_language()
    return jsonify({"lang": lang, "examples": example_queries(lang)})


# --- completion vocabulary --------------------------------------------------------------------

def _build_vocabulary(store: Store) -> dict:
    """Gather, in every language, the terms and entities the editor completes."""
    terms: dict[str, dict] = {name: {"kind": "", "labels": {}, "comments": {}}
                              for name in AIG.__annotations__}
    for row in queries.select(store, "editor/vocabulary"):
        iri = str(row["term"])
        name = iri[len(VOCAB):]
        if not name:
            continue
        term = terms.setdefault(name, {"kind": "", "labels": {}, "comments": {}})
        kind = _KINDS.get(str(row["type"]))
        if kind and not term["kind"]:
            term["kind"] = kind
        elif not term["kind"] and str(row["type"]).startswith(VOCAB):
            term["kind"] = "value"
        label = row["label"]
        term["labels"][label.language or ""] = str(label)
        if row.get("comment") is not None:
            term["comments"][row["comment"].language or ""] = str(row["comment"])
    used = set()
    for row in queries.select(store, "editor/terms_in_use"):
        iri = str(row["term"])
        name = compact(iri)
        if name != iri and not name.startswith(("aig:", "id:")):
            used.add(name)
    entities: dict[str, dict] = {}
    for row in queries.select(store, "editor/entities"):
        slug = slug_of(str(row["entity"]))
        if slug is None:
            continue
        entity = entities.setdefault(slug, {"type": "", "labels": {}})
        kind = compact(str(row["type"]))
        # An entity of several aig: classes shows the most specific-looking one: the first
        # in name order keeps the listing stable.
        if not entity["type"] or kind < entity["type"]:
            entity["type"] = kind
        label = row["label"]
        entity["labels"][label.language or ""] = str(label)
    return {"terms": terms, "used": sorted(used), "entities": entities}


def _vocabulary_for_version(store: Store) -> dict:
    """Return the vocabulary of the store's current data version, built once per version."""
    version = store.version
    cache = current_app.extensions.setdefault(_CACHE_KEY, {})
    if cache.get("version") != version:
        cache.clear()
        cache.update(version=version, value=_build_vocabulary(store))
    return cache["value"]


def vocabulary(store: Store, lang: str) -> dict:
    """Return the completion lists in ``lang``: prefixes, terms and entities, sorted by name."""
    built = _vocabulary_for_version(store)
    terms = [{"name": f"aig:{name}", "kind": term["kind"] or "term",
              "label": pick(term["labels"], lang), "comment": pick(term["comments"], lang)}
             for name, term in sorted(built["terms"].items())]
    terms += [{"name": name, "kind": "term", "label": "", "comment": ""}
              for name in built["used"]]
    entities = [{"name": f"id:{slug}", "type": entity["type"],
                 "label": pick(entity["labels"], lang)}
                for slug, entity in sorted(built["entities"].items())]
    return {"lang": lang, "prefixes": dict(PREFIXES), "terms": terms, "entities": entities}


@bp.get("/sparql/vocabulary.json")
def vocabulary_json():
    """Answer the names the editor completes (``aig:`` terms, other terms, ``id:`` entities)."""
    lang = page_language()
    response = jsonify(vocabulary(state().store, lang))
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response
