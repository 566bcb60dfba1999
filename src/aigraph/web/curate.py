"""Curation pages: forms generated from the shapes to create and edit entities.

Routes (a logged-in curator only): ``/curate/`` (what can be added), ``/curate/new/{kind}``
and ``/id/{slug}/edit`` (the forms), ``/curate/lookup`` (autocomplete JSON for link fields).
A form is read into a draft (``aigraph.curation.drafts``), checked with the linking help
(duplicates, suggested links) and validated with the shapes through
``aigraph.curation.changes``; nothing is written unless the whole change conforms. The forms
work without JavaScript; ``web/static/js/curate.js`` only adds the autocomplete list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from rdflib import RDF
from wtforms import ValidationError

from aigraph.curation import changes
from aigraph.curation.drafts import Draft, read_draft
from aigraph.curation.errors import Invalid, PreconditionFailed, PreconditionRequired
from aigraph.curation.formdata import form_values, link_text
from aigraph.curation.forms import Form, build_forms
from aigraph.curation.linking import Index
from aigraph.curation.validation import shapes_and_ontology
from aigraph.namespaces import AIG, VOCAB, compact, entity_iri
from aigraph.ontology_entities import ontology_subjects
from aigraph.web import curate_page as pagedata
from aigraph.web import i18n
from aigraph.web.auth import curator_required
from aigraph.web.caching import catalog
from aigraph.web.curation_api import protected_message
from aigraph.web.state import state

bp = Blueprint("curate", __name__)

#: Autocomplete answers at most this many entities.
LOOKUP_LIMIT = 12


def forms() -> dict[str, Form]:
    """The forms of every entity class, built from the shapes the validator uses (parsed
    again when ``shapes.ttl`` changes)."""
    shapes, ontology = shapes_and_ontology(state().settings.ontology_dir)
    cached = current_app.extensions.get("aigraph_forms")
    if cached is None or cached[0] is not shapes:
        cached = current_app.extensions["aigraph_forms"] = (shapes, build_forms(shapes, ontology))
    return cached[1]


def index() -> Index:
    """The linking help's index of entities, read once per data version."""
    store = state().store
    cached = current_app.extensions.get("aigraph_curation_index")
    if cached is None or cached[0] != store.version:
        cached = current_app.extensions["aigraph_curation_index"] = (store.version,
                                                                     Index.load(store))
    return cached[1]


def _form(kind: str) -> Form:
    form = forms().get(kind)
    if form is None:
        abort(404)
    return form


def _describe(iri: str) -> str:
    e = index().get(iri)
    return link_text(e.label(i18n.current()), e.slug) if e else iri


@dataclass
class Outcome:
    """What a submission led to: messages by input, general messages, linking help."""

    placed: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    conforms: bool = False
    candidate: object = None


def _check(draft: Draft, confirmed: bool) -> Outcome:
    """Validate the draft and look for duplicates; nothing is written."""
    outcome = Outcome()
    pagedata.attach_problems(outcome.placed, draft)
    lang = i18n.current()
    mains = [(draft.values, draft.form)] if draft.creating else []
    for values, entity_form in [*mains, *((s.values, s.form) for s in draft.subs)]:
        outcome.duplicates += index().duplicates(
            entity_form.cls, _labels(values),
            same_as=[v.strip() for v in values.get("owl:sameAs", ()) if v.strip()],
            repos=[v.strip() for v in values.get("aig:huggingFaceRepo", ()) if v.strip()])
    if draft.slug_problem or draft.subject is None:
        return outcome
    candidate = changes.propose_many(state().store, state().settings, draft.graphs(), lang=lang)
    placed, general = draft.place(candidate.violations)
    for name, messages in placed.items():
        outcome.placed.setdefault(name, []).extend(messages)
    outcome.general += general
    blocked = outcome.duplicates and not confirmed
    outcome.conforms = candidate.conforms and not draft.problems and not blocked
    outcome.candidate = candidate
    return outcome


def _labels(values) -> dict[str, str]:
    return {name.split("@", 1)[1]: v[0] for name, v in values.items()
            if name.startswith("rdfs:label@") and v and v[0].strip()}


def _render(draft: Draft, outcome: Outcome, *, title: str, action: str, etag: str = "",
            status: int = 200, saved_check: bool = False):
    lang = i18n.current()
    sections = pagedata.sections(draft, outcome.placed, title, forms())
    notes = pagedata.new_entity_notes(draft, lang)
    for group in sections[0].groups:
        for f in group.fields:
            f.notes = notes.get(f.name, [])
    for sub, sub_section in zip(draft.subs, sections[1:], strict=True):
        link = draft.form.field(sub.field)
        close = index().complete(catalog(), sub.text,
                                link.link_classes if link else [sub.form.cls], limit=3)
        sub_section.instead = pagedata.instead_items(sub, close, lang)
    label = _labels(draft.values)
    suggestions = index().suggestions(
        draft.form.cls, label.get("en") or label.get("it", ""),
        (draft.values.get("aig:releaseDate") or draft.values.get("aig:date") or [""])[0],
        exclude=str(draft.subject or ""),
        linked={compact(str(p)): {str(o) for o in draft.graph.objects(None, p)}
                for p in (AIG.developedBy, AIG.basedOn, AIG.involves)})
    page = {
        "title": title, "action": action, "etag": etag, "creating": draft.creating,
        "csrf_token": generate_csrf(),
        "sections": sections, "general": outcome.general,
        "duplicates": pagedata.duplicate_items(outcome.duplicates, lang),
        "suggestions": pagedata.suggestion_items(suggestions, draft.form, lang),
        "checked": saved_check, "kind": draft.form.key, "slug": draft.slug,
        "has_errors": bool(outcome.general or any(outcome.placed.values())),
        "error_links": pagedata.error_links(sections),
    }
    return render_template("curate/form.html", page=page), status


def _values() -> dict[str, list[str]]:
    values = request.form.to_dict(flat=False)
    for key in ("csrf_token", "action", "add", "use", "if-match", "comment", "not-a-duplicate"):
        values.pop(key, None)
    added = request.form.get("add", "")
    if "=" in added:  # a suggested link the curator chose to add
        name, text = added.split("=", 1)
        values[name] = [v for v in values.get(name, []) if v.strip()] + [text]
    used = request.form.get("use", "").split("\t")
    if len(used) == 3:  # an existing entity instead of the new one a link text would make
        name, old, new = used
        values[name] = [new if v.strip() == old else v for v in values.get(name, [])]
    return values


def _require_csrf() -> None:
    """Refuse a POST without this session's CSRF token (400), before anything else is said."""
    try:  # the application may check it already; a form that writes checks it itself too
        validate_csrf(request.form.get("csrf_token", ""))
    except (CSRFError, ValidationError):
        abort(400, gettext("The form expired; reload the page and try again."))


def _submit(form: Form, title: str, action: str, *, slug: str | None = None, old=None,
            etag: str = ""):
    _require_csrf()
    today = date.today().isoformat()
    draft = read_draft(forms(), index(), form, _values(), slug=slug, old=old, today=today)
    outcome = _check(draft, confirmed=bool(request.form.get("not-a-duplicate")))
    # Only a save button saves, and not while a sub-form the curator has not seen is open.
    asked = (request.form.get("action") == "save" and not request.form.get("add")
             and not request.form.get("use"))
    wants_save = asked and not any(s.fresh for s in draft.subs)
    if wants_save and outcome.conforms and not (outcome.candidate.added
                                                or outcome.candidate.removed):
        return redirect(url_for("entities.entity", slug=draft.slug))  # nothing changed
    if asked and not wants_save:
        outcome.general.append(gettext("Describe the new entries below, then press Save again."))
    if not (wants_save and outcome.conforms):
        status = 422 if asked else 200
        return _render(draft, outcome, title=title, action=action, etag=etag, status=status,
                       saved_check=outcome.conforms and request.form.get("action") == "check")
    try:
        changes.apply(state().store, state().settings, outcome.candidate,
                      user=current_user.get_id(), comment=request.form.get("comment", ""),
                      if_match=etag or None)
    except Invalid as error:
        candidate = getattr(error, "candidate", None)
        placed, general = draft.place(getattr(candidate, "violations", []))
        outcome.placed.update(placed)
        outcome.general += general or [str(error)]
        return _render(draft, outcome, title=title, action=action, etag=etag, status=422)
    except (PreconditionFailed, PreconditionRequired) as error:
        outcome.general.append(gettext(
            "Someone else changed this entity since you opened the form. Open the form again "
            "to see their version; your text is still below to copy."))
        return _render(draft, outcome, title=title, action=action, etag=etag,
                       status=error.status)
    return redirect(url_for("entities.entity", slug=draft.slug))


# --- routes ----------------------------------------------------------------------------------

@bp.get("/curate/")
@curator_required
def start():
    lang = i18n.current()
    kinds = [{"key": f.key, "label": f.label(lang)} for f in forms().values()]
    return render_template("curate/index.html", kinds=kinds)


@bp.route("/curate/new/<kind>", methods=["GET", "POST"])
@curator_required
def new(kind: str):
    form = _form(kind)
    title = gettext("Add an entry: %(kind)s", kind=form.label(i18n.current()))
    action = url_for("curate.new", kind=kind)
    if request.method == "POST":
        return _submit(form, title, action)
    values = _prefill(form)
    draft = read_draft(forms(), index(), form, values, today=date.today().isoformat())
    draft.problems = []
    if draft.slug_problem == "missing":  # an empty form asks for nothing yet
        draft.slug_problem = ""
    return _render(draft, Outcome(), title=title, action=action)


def _prefill(form: Form) -> dict[str, list[str]]:
    """Values given in the query string (``?aig:basedOn=qwen2``), and today's review date."""
    values: dict[str, list[str]] = {}
    if form.field("aig:lastReviewed") is not None:
        values["aig:lastReviewed"] = [date.today().isoformat()]
    for name in request.args:
        f = form.field(name)
        if f is None:
            continue
        given = request.args.getlist(name)
        if f.widget == "link":
            given = [_describe(str(entity_iri(v))) if _is_slug(v) else v for v in given]
        values[name] = given
    return values


def _is_slug(text: str) -> bool:
    try:
        entity_iri(text)
    except ValueError:
        return False
    return True


@bp.route("/id/<slug:slug>/edit", methods=["GET", "POST"])
@curator_required
def edit(slug: str):
    subject = entity_iri(slug)
    store = state().store
    if subject in ontology_subjects(state().settings.ontology_dir):
        if request.method == "POST":
            _require_csrf()
        abort(409, protected_message(subject))
    old = changes.entity_graph(store, subject)
    classes = {str(c) for c in old.objects(subject, RDF.type)}
    form = next((f for f in forms().values() if f.cls in classes), None)
    if form is None:
        abort(404)
    lang = i18n.current()
    label = index().get(str(subject))
    title = gettext("Edit %(name)s", name=label.label(lang) if label else slug)
    action = url_for("curate.edit", slug=slug)
    if request.method == "POST":
        return _submit(form, title, action, slug=slug, old=old,
                       etag=request.form.get("if-match", ""))
    values = form_values(form, old, subject, _describe)
    draft = read_draft(forms(), index(), form, values, slug=slug, old=old)
    return _render(draft, Outcome(), title=title, action=action,
                   etag=changes.entity_etag(store, slug) or "")


@bp.get("/curate/lookup")
@curator_required
def lookup():
    """Entities of the given kinds (``kind=Organization`` or ``Model,Organization``) matching ``q``."""
    kinds = [k for k in request.args.get("kind", "").split(",") if k.isalnum()]
    text = request.args.get("q", "")[:200]
    lang = i18n.current()
    found = index().complete(catalog(), text, [VOCAB + k for k in kinds], limit=LOOKUP_LIMIT)
    return jsonify({"results": [
        {"slug": e.slug, "label": e.label(lang), "value": link_text(e.label(lang), e.slug),
         "kind": next((c.rsplit("#", 1)[-1] for c in sorted(e.classes)), "")}
        for e in found]})
