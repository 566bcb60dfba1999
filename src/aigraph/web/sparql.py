"""The SPARQL 1.1 Protocol endpoint at /sparql: queries, the service description and the editor.

The view reads the query the ways the protocol allows (GET ``?query=``, POST form, POST
``application/sparql-query``), refuses updates and dataset parameters, negotiates the media
type, and hands the text to the executor, which checks it with the guard and runs it in a
killable worker. CORS is open on this route only: it is a public, read-only API.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import asdict, dataclass, field

import rdflib
from flask import Blueprint, Response, current_app, g, render_template, request
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, Namespace
from werkzeug.exceptions import ClientDisconnected

from aigraph import formats
from aigraph.errors import (
    STORE_RETRY_AFTER,
    AigraphError,
    BadRequest,
    QueryRejected,
    StoreError,
)
from aigraph.executor import Executor, Outcome
from aigraph.guard import ABSOLUTE_IRI, UPDATE_REFUSED
from aigraph.namespaces import ID_BASE
from aigraph.web.negotiation import (
    GRAPH_OFFERS,
    HTML,
    XHTML,
    choose,
    negotiate,
    wants_json,
)
from aigraph.web.state import state

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
ALLOWED_METHODS = "GET, POST, OPTIONS"
#: Headers a cross-origin page may read, so a remote editor can show the truncation notice.
EXPOSED_HEADERS = "AIGraph-Rows, AIGraph-Truncated, AIGraph-Time-Ms"
#: Parameters of the update operation; any of them means an update attempt.
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
#: Most parameters read from a query string or form body (the protocol uses a handful).
MAX_PARAMS = 100

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

#: What a GET without a query may get: the service description (Turtle first, the answer to
#: */*), or the editor for a browser that asks for HTML.
NO_QUERY_OFFERS = {**GRAPH_OFFERS, HTML: (XHTML,)}


@dataclass(frozen=True)
class EditorPage:
    """What ``sparql/editor.html`` gets, all plain data (the gallery comes from web/editor.py).

    ``endpoint``: the URL queries go to; ``query``: text to prefill; ``formats``: dicts with
    ``name`` (the ``?format=`` value) and ``media_type``; ``max_rows`` and ``time_limit``: the
    limits in force; ``entity_base``: the IRI base of entities, which the editor links to pages.
    """

    endpoint: str
    query: str = ""
    entity_base: str = ID_BASE
    formats: list[dict] = field(default_factory=list)
    max_rows: int = 0
    time_limit: float = 0.0


def executor() -> Executor:
    """Return the running application's query executor."""
    return current_app.extensions["aigraph_executor"]


# --- reading the request --------------------------------------------------------------------

def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """Parse URL-encoded ``raw`` strictly: percent-escapes must decode as UTF-8."""
    try:
        return urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True,
                                      encoding="utf-8", errors="strict",
                                      max_num_fields=MAX_PARAMS)
    except UnicodeDecodeError:
        raise BadRequest(f"the {where} is not valid UTF-8") from None
    except ValueError:
        raise BadRequest(f"the {where} has more than {MAX_PARAMS} parameters") from None


def _read_body(limit: int) -> bytes:
    """Read at most ``limit`` bytes of the body; a longer one is refused, never buffered.

    The body is read here, from the stream, so nothing may touch ``request.form`` before.
    """
    if request.content_length is not None and request.content_length > limit:
        raise QueryRejected(f"the request body is longer than {limit} bytes")
    chunks, size = [], 0
    # A stream may return less than asked (chunked bodies, some servers): read until the end.
    while size <= limit:
        try:
            chunk = request.stream.read(limit + 1 - size)
        except (OSError, ValueError, ClientDisconnected) as error:
            # A malformed chunked encoding, a body shorter than its Content-Length.
            raise BadRequest(f"the request body could not be read: {error}") from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise QueryRejected(f"the request body is longer than {limit} bytes")
    return b"".join(chunks)


def _check_charset() -> None:
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
        raise BadRequest(f"the request body must be UTF-8, not {charset}")


@dataclass
class ProtocolRequest:
    """The protocol's view of a request: all parameters (URL and form) and the query texts."""

    params: dict[str, list[str]]
    queries: list[str]

    def first(self, name: str) -> str | None:
        """Return the first value of parameter ``name``, or None."""
        values = self.params.get(name)
        return values[0] if values else None


def read_request(max_bytes: int) -> ProtocolRequest:
    """Collect the parameters and query texts of a GET or POST, refusing malformed bodies."""
    pairs = _decode_params(request.query_string, "query string")
    direct = None
    if request.method == "POST":
        mimetype = request.mimetype
        if not mimetype:
            raise BadRequest(f"a POST needs a Content-Type: {FORM} (query=...) or {DIRECT} "
                             "(the query as the body)")
        if mimetype == UPDATE:
            raise QueryRejected(UPDATE_REFUSED, status=403)
        if mimetype not in (FORM, DIRECT):
            raise BadRequest(f"unsupported Content-Type {mimetype}: use {FORM} (query=...) or "
                             f"{DIRECT} (the query as the body)")
        _check_charset()
        if mimetype == FORM:
            # Percent-encoding can triple the size of the query text.
            pairs += _decode_params(_read_body(3 * max_bytes + 4096), "form body")
        else:
            try:
                direct = _read_body(max_bytes).decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest("the query is not valid UTF-8") from None
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    texts = params.get("query", []) + ([direct] if direct is not None else [])
    return ProtocolRequest(params, texts)


def _refuse(protocol: ProtocolRequest) -> None:
    """Raise for what the endpoint never does: updates, dataset parameters, many queries."""
    if any(name in protocol.params for name in UPDATE_PARAMS):
        raise QueryRejected(UPDATE_REFUSED, status=403)
    if len(protocol.queries) > 1:
        raise BadRequest(f"exactly one query is allowed, but the request gives "
                         f"{len(protocol.queries)} (query parameters and body together)")
    named = [name for name in DATASET_PARAMS if name in protocol.params]
    if named:
        raise QueryRejected(
            f"{' and '.join(named)} cannot be used: the graph is a single default graph, "
            "and other graphs are never fetched")


# --- answering ------------------------------------------------------------------------------

def _base_iri() -> str | None:
    """The endpoint's URL, the base for relative IRIs, when it is a clean absolute IRI."""
    url = request.base_url
    return url if ABSOLUTE_IRI.fullmatch(url) else None


def _content_type(media_type: str) -> str:
    fmt = formats.by_media_type(media_type)
    return fmt.content_type if fmt is not None else media_type


def _results_response(outcome: Outcome) -> Response:
    response = Response(outcome.body, content_type=_content_type(outcome.media_type))
    if outcome.rows is not None:
        response.headers["AIGraph-Rows"] = str(outcome.rows)
        response.headers["AIGraph-Truncated"] = "true" if outcome.truncated else "false"
    response.headers["AIGraph-Time-Ms"] = f"{outcome.ms:.0f}"
    return response


def service_description(endpoint: str, triples: int | None) -> rdflib.Graph:
    """Describe the endpoint with the SPARQL 1.1 Service Description vocabulary."""
    settings = state().settings
    graph = rdflib.Graph()
    graph.bind("sd", SD)
    graph.bind("formats", "http://www.w3.org/ns/formats/")
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    service, dataset, default = rdflib.BNode(), rdflib.BNode(), rdflib.BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, rdflib.URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in formats.FORMATS:
        graph.add((service, SD.resultFormat, rdflib.URIRef(fmt.iri)))
    # None of the sd: features holds here (no SERVICE, no dereferencing, no named graphs, no
    # dataset required), so none is claimed; the limits are said in words.
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    graph.add((service, DCTERMS.title, rdflib.Literal("aigraph SPARQL endpoint", lang="en")))
    graph.add((service, RDFS.comment, rdflib.Literal(
        f"Read-only. Updates, SERVICE, LOAD, FROM, FROM NAMED, default-graph-uri and "
        f"named-graph-uri are refused. Queries stop after {settings.query_time_limit:g} s and "
        f"return at most {settings.max_rows} rows; query text is capped at "
        f"{settings.max_query_bytes} bytes.", lang="en")))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    if triples is not None:
        graph.add((default, VOID.triples, rdflib.Literal(triples)))
    return graph


def _triple_count() -> int | None:
    try:
        return state().store.triple_count()
    except StoreError:
        return None


def _without_query(protocol: ProtocolRequest) -> Response | str:
    """Answer a GET with no query: the service description, or the editor for a browser."""
    format_name = protocol.first("format")
    if format_name:
        media_type = choose(None, format_name).graph
    else:
        media_type = negotiate(request.headers.get("Accept"), NO_QUERY_OFFERS)
    if media_type == HTML:
        return _editor()
    if media_type is None:
        raise BadRequest("missing query: give it as ?query=..., as query=... in a form body, "
                         f"or as an {DIRECT} body")
    graph = service_description(request.base_url, _triple_count())
    body = graph.serialize(format=formats.by_media_type(media_type).rdflib, encoding="utf-8")
    return Response(body, content_type=_content_type(media_type))


def _editor(query: str = "") -> str:
    settings = state().settings
    # The editor's download links come from the registry too; results formats go by their
    # short name (CSV, JSON), graph formats by their own (Turtle, JSON-LD).
    names = [{"name": f.name, "kind": f.kind, "media_type": f.media_type,
              "label": f.name.upper() if f.kind == formats.RESULTS else f.label}
             for f in formats.FORMATS]
    page = EditorPage(endpoint=request.base_url, query=query, formats=names,
                      max_rows=settings.max_rows, time_limit=settings.query_time_limit)
    return render_template("sparql/editor.html", **asdict(page))


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def endpoint():
    """Answer the SPARQL 1.1 Protocol query operation."""
    if request.method == "OPTIONS":
        response = Response(status=204, headers={"Allow": ALLOWED_METHODS})
        del response.headers["Content-Type"]
        return response
    if request.method not in ("GET", "HEAD", "POST"):
        raise AigraphError(f"{request.method} is not allowed here: send queries with GET or "
                           "POST", status=405)
    max_bytes = state().settings.max_query_bytes
    protocol = read_request(max_bytes)
    _refuse(protocol)
    if not protocol.queries:
        if request.method == "POST":
            raise BadRequest(f"missing query: send query=... ({FORM}) or the query itself "
                             f"({DIRECT})")
        return _without_query(protocol)
    text = protocol.queries[0]
    if len(text.encode("utf-8")) > max_bytes:
        raise QueryRejected(f"the query is longer than {max_bytes} bytes")
    if not text.strip():
        raise BadRequest("the query is empty")
    choice = choose(request.headers.get("Accept"), protocol.first("format"),
                    page=request.method == "GET")
    if choice.page:
        # A shared link opened in a browser: show the query in the editor, which runs it.
        return _editor(text)
    outcome = executor().run(text, choice.results, choice.graph, base=_base_iri(),
                             client=request.remote_addr)
    g.aigraph_query_ms = outcome.ms  # for the request log
    return _results_response(outcome)


@bp.errorhandler(AigraphError)
def render_error(error: AigraphError) -> Response:
    """Send the error's message as JSON to clients that asked for JSON, else as plain text."""
    if isinstance(error, StoreError):  # the store is down or unreachable: try again later
        error.status, error.retry_after = 503, STORE_RETRY_AFTER
    if wants_json(request.headers.get("Accept"), request.args.get("format")):
        body = json.dumps({"error": error.message, "status": error.status}, ensure_ascii=False)
        response = Response(body, status=error.status, content_type="application/json")
    else:
        response = Response(error.message + "\n", status=error.status,
                            content_type="text/plain; charset=utf-8")
    if error.status == 405:
        response.headers["Allow"] = ALLOWED_METHODS
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.after_request
def cors(response: Response) -> Response:
    """Open /sparql to pages on any origin, answer preflights, and mark negotiated answers."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
    response.vary.add("Accept")
    return response
