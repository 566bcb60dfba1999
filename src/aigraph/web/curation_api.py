"""Writes over HTTP and the change history: PUT/DELETE /id/{slug}, ETags, history and feeds.

Thin views over ``aigraph.curation.changes``: ``PUT`` and ``DELETE`` take a bearer token
(``auth.token_required``) and answer the statuses of the contract (201, 204, 400, 401, 409,
412, 415, 422, 428); every successful ``GET /id/{slug}`` gets the entity's ``ETag``;
``/id/{slug}/history``, ``/changes`` and ``/changes.atom`` show the record, and a logged-in
curator reverts a change with a CSRF-checked POST.
"""

from __future__ import annotations

import logging
from xml.etree import ElementTree as ET

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from rdflib import Graph, URIRef

from aigraph.curation import body, changes, writer
from aigraph.curation import history as records
from aigraph.curation.entity import entity_etag
from aigraph.curation.errors import (
    Conflict,
    Invalid,
    InvalidBody,
    PreconditionFailed,
    PreconditionRequired,
    Protected,
    WriteFailed,
)
from aigraph.curation.journal import WriteLock
from aigraph.errors import AigraphError, NotFound
from aigraph.namespaces import PREFIXES, compact, entity_iri, slug_of
from aigraph.store import EmbeddedStore
from aigraph.web import auth, i18n
from aigraph.web.state import state

bp = Blueprint("curation", __name__)
log = logging.getLogger("aigraph.errors")

RECENT = 50
ETAG_CACHE = 10_000


def init_app(app: Flask) -> None:
    """Finish a commit cut by a crash, follow other processes' writes, add ETags; register."""
    settings, store = app.extensions["aigraph"].settings, app.extensions["aigraph"].store
    if isinstance(store, EmbeddedStore):
        # Under the lock: another process may be in the middle of a commit.
        with WriteLock(writer.lock_path(settings)):
            if writer.recover(settings):
                store.refresh(writer.store_files(settings))
        writer.sync(store, settings)
    app.before_request(follow_writes)
    app.after_request(_add_etag)
    app.register_blueprint(bp)


def follow_writes() -> None:
    """Reload the embedded store when another process saved a change (cheap when none did)."""
    writer.sync(state().store, state().settings)


def _add_etag(response: Response) -> Response:
    if request.endpoint == "entities.entity" and request.method in ("GET", "HEAD") \
            and response.status_code == 200:
        tag = _etag(request.view_args["slug"])
        if tag:
            response.headers["ETag"] = tag
    return response


def _etag(slug: str) -> str | None:
    """The entity's ETag, kept per data version for the embedded store (whose version is
    exact); a remote store's version is cached for a few seconds, so it is asked each time."""
    store = state().store
    if not isinstance(store, EmbeddedStore):
        return entity_etag(store, slug)
    cache: dict[str, tuple[str, str | None]] = current_app.extensions.setdefault(
        "aigraph_etags", {})
    version = store.version  # read first: an ETag is never filed under a newer version
    found = cache.get(slug)
    if found is not None and found[0] == version:
        return found[1]
    if len(cache) > ETAG_CACHE:
        cache.clear()
    tag = entity_etag(store, slug)
    cache[slug] = (version, tag)
    return tag


# --- API ------------------------------------------------------------------------------------

def _problem(status: int, message: str, **extra) -> Response:
    response = jsonify({"error": message, "status": status, **extra})
    response.status_code = status
    return response


def protected_message(subject) -> str:
    """Why an entity defined in the ontology cannot be written, in the request's language."""
    return gettext("%(name)s is defined in the ontology (ontology/aigraph.ttl), not in the "
                   "data: it is changed there, in a reviewed commit, and not through curation.",
                   name=compact(str(subject)))


@bp.errorhandler(Protected)
def _protected(error: Protected) -> Response:
    return _problem(409, protected_message(error.subject))


def _comment() -> str:
    return (request.headers.get("X-Comment") or request.args.get("comment") or "")[:1000]


def _write(candidate, status: int) -> Response:
    """Apply a proposal for the API, turning refusals into their JSON answers."""
    try:
        change = changes.apply(state().store, state().settings, candidate,
                               user=g.curator.name, comment=_comment(),
                               if_match=request.headers.get("If-Match"),
                               if_none_match=request.headers.get("If-None-Match"))
    except PreconditionRequired:
        return _problem(428, gettext("Replacing or deleting an entity needs If-Match with the "
                                     "ETag you read it at."))
    except PreconditionFailed as error:
        return _problem(412, gettext("The entity changed since you read it; read it again, "
                                     "merge, and send the new ETag."),
                        etag=error.etag, added=error.added, removed=error.removed)
    except Conflict as error:
        return _problem(409, gettext("Other entities still link to this one; change or delete "
                                     "those links first."),
                        referrers=[str(r) for r in error.referrers])
    except Invalid as error:
        report = error.candidate.to_json() if error.candidate is not None else {}
        return _problem(422, gettext("The description does not conform to the shapes; "
                                     "nothing was written."), **report)
    except WriteFailed as error:
        log.error("write of %s failed: %s", request.path, error.message)
        return _problem(error.status, gettext("The server could not save the change (its disk "
                                              "may be full); nothing was changed. Please try "
                                              "again later."))
    response = Response(status=status)
    response.headers["X-Change-Id"] = change.id
    if change.etag:
        response.headers["ETag"] = change.etag
    return response


def _precheck(slug: str) -> Response | None:
    """Answer 428 before validating when an existing entity is written without If-Match."""
    exists = entity_etag(state().store, slug) is not None
    if exists and not request.headers.get("If-Match") and request.method in ("PUT", "DELETE"):
        if request.method == "PUT" and request.headers.get("If-None-Match", "").strip() == "*":
            return _problem(412, gettext("The entity exists already."))
        return _problem(428, gettext("Replacing or deleting an entity needs If-Match with the "
                                     "ETag you read it at."))
    if not exists and request.method == "DELETE":
        return _problem(404, gettext("There is no entity called “%(slug)s”.", slug=slug))
    return None


def _known(triple) -> bool:
    return state().store.ask("ASK { ?s ?p ?o }", {"s": triple[0], "p": triple[1], "o": triple[2]})


@bp.put("/id/<slug:slug>")
@auth.token_required
def put_entity(slug: str):
    """Create (201) or replace (204) an entity from a Turtle or JSON-LD description."""
    limit = state().settings.max_write_bytes
    if (request.content_length or 0) > limit:
        return _problem(413, gettext("The body is larger than %(limit)s bytes.", limit=limit))
    data = request.get_data(cache=False)
    if len(data) > limit:
        return _problem(413, gettext("The body is larger than %(limit)s bytes.", limit=limit))
    subject = entity_iri(slug)
    try:
        graph = body.parse(data, request.mimetype, subject, known=_known)
    except InvalidBody as error:
        return _problem(error.status, error.message)
    early = _precheck(slug)
    if early is not None:
        return early
    candidate = changes.propose(state().store, state().settings, subject, graph,
                                lang=i18n.current())
    if not candidate.conforms:
        return _problem(422, gettext("The description does not conform to the shapes; "
                                     "nothing was written."), **candidate.to_json())
    if not candidate.added and not candidate.removed and request.headers.get("If-Match") in (
            candidate.base_etags[subject], "*"):
        # The same description again: nothing to write or record (PUT is idempotent).
        return Response(status=204, headers={"ETag": candidate.base_etags[subject]})
    response = _write(candidate, 201 if candidate.creates else 204)
    if response.status_code == 201:
        response.headers["Location"] = url_for("entities.entity", slug=slug)
    return response


@bp.delete("/id/<slug:slug>")
@auth.token_required
def delete_entity(slug: str):
    """Delete an entity (409 while others link to it)."""
    early = _precheck(slug)
    if early is not None:
        return early
    candidate = changes.propose(state().store, state().settings, entity_iri(slug), None,
                                lang=i18n.current())
    return _write(candidate, 204)


# --- history --------------------------------------------------------------------------------

def _triple_text(triple) -> dict:
    s, p, o = triple
    return {"subject": compact(str(s)), "predicate": compact(str(p)),
            "object": compact(str(o)) if isinstance(o, URIRef) else o.n3(PREFIXES_NM)}


class _Prefixes:
    """A namespace manager stand-in for Literal.n3: literals print with compact datatypes."""

    def normalizeUri(self, uri: str) -> str:  # noqa: N802 - rdflib's name
        short = compact(uri)
        return short if short != uri else f"<{uri}>"


PREFIXES_NM = _Prefixes()


def _view(record: records.ChangeRecord) -> dict:
    """Plain data for the templates."""
    return {"id": record.id, "user": record.user, "time": record.time,
            "comment": record.comment, "reverts": record.reverts,
            "subjects": [{"slug": slug_of(str(s)) or "", "name": compact(str(s))}
                         for s in record.subjects],
            "added": sorted((_triple_text(t) for t in record.added),
                            key=lambda t: (t["subject"], t["predicate"], t["object"])),
            "removed": sorted((_triple_text(t) for t in record.removed),
                              key=lambda t: (t["subject"], t["predicate"], t["object"]))}


def _prov(found: list[records.ChangeRecord]) -> Response:
    graph = Graph()
    for prefix in ("aig", "id", "prov", "rdf", "rdfs", "xsd"):
        graph.bind(prefix, PREFIXES[prefix], replace=True)
    for record in found:
        graph += records.record_graph(record)
    return Response(graph.serialize(format="turtle"), mimetype="text/turtle",
                    headers={"Vary": "Accept"})


@bp.get("/id/<slug:slug>/history")
def entity_history(slug: str):
    """The changes to one entity: HTML with diffs, or PROV-O in Turtle."""
    subject = entity_iri(slug)
    found = changes.history(state().store, subject)
    wants = request.accept_mimetypes.best_match(["text/html", "text/turtle"], "text/html")
    if request.args.get("format") == "ttl" or wants == "text/turtle":
        return _prov(found)
    if not found and entity_etag(state().store, slug) is None:
        raise NotFound(gettext("There is no entity called “%(slug)s”.", slug=slug))
    return render_template("curation/history.html", slug=slug,
                           changes=[_view(r) for r in found], form=auth.ActionForm())


@bp.get("/changes")
def recent_changes():
    """The latest changes to the graph."""
    found = [records.get(state().store, r.id) for r in changes.recent(state().store, RECENT)]
    return render_template("curation/changes.html", changes=[_view(r) for r in found if r],
                           form=auth.ActionForm())


@bp.get("/changes.atom")
def recent_changes_atom():
    """The latest changes as an Atom feed."""
    found = changes.recent(state().store, RECENT)
    atom = "http://www.w3.org/2005/Atom"
    feed = ET.Element("feed", xmlns=atom)
    ET.SubElement(feed, "title").text = gettext("aigraph: recent changes")
    ET.SubElement(feed, "id").text = url_for("curation.recent_changes", _external=True)
    ET.SubElement(feed, "updated").text = found[0].time if found else "1970-01-01T00:00:00Z"
    ET.SubElement(feed, "link", href=url_for("curation.recent_changes_atom", _external=True),
                  rel="self")
    for record in found:
        entry = ET.SubElement(feed, "entry")
        names = ", ".join(compact(str(s)) for s in record.subjects)
        ET.SubElement(entry, "id").text = str(records.change_iri(record.id))
        ET.SubElement(entry, "title").text = f"{record.user}: {names}"
        ET.SubElement(entry, "updated").text = record.time
        author = ET.SubElement(entry, "author")
        ET.SubElement(author, "name").text = record.user or "?"
        first = slug_of(str(record.subjects[0])) if record.subjects else None
        if first:
            ET.SubElement(entry, "link", href=url_for("curation.entity_history", slug=first,
                                                      _external=True))
        ET.SubElement(entry, "summary").text = record.comment or names
    body_text = ET.tostring(feed, encoding="unicode", xml_declaration=True)
    return Response(body_text, mimetype="application/atom+xml")


@bp.post("/changes/<change_id>/revert")
@auth.curator_required
def revert_change(change_id: str):
    """Undo one change (a logged-in curator, with the form's CSRF token)."""
    form = auth.ActionForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form expired; reload the page and try again."))
    if records.CHANGE_ID_RE.fullmatch(change_id) is None:
        raise NotFound(gettext("There is no such change."))
    try:
        change = changes.revert(state().store, state().settings, change_id,
                                user=current_user.name, lang=i18n.current())
    except AigraphError as error:
        flash(error.message, "error")
        return redirect(url_for("curation.recent_changes"), 303)
    flash(gettext("Reverted; the revert is change %(id)s.", id=change.id), "info")
    return redirect(url_for("curation.recent_changes"), 303)

