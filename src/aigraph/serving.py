"""What ``aigraph serve`` checks before serving, and how its built-in HTTP server behaves.

``check_data`` refuses data that would be served wrong: a Turtle syntax error (named by file,
line and column, without a traceback) or, unless ``validate_on_start`` is off, data that does
not conform to the SHACL shapes. ``request_handler`` gives Werkzeug's server a read timeout
(``request_timeout``: a half-sent request is dropped and its thread freed), a ``Server``
header without versions, and plain-text errors of its own instead of HTML pages for what it
refuses before the application sees the request (request lines over 64 KiB, bad syntax).
A production WSGI server must be given the same timeout (see docs/security.md).
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler

from aigraph.settings import Settings


def check_data(settings: Settings) -> str | None:
    """Return why the embedded store's data cannot be served, or None when it can."""
    if settings.store.strip():
        return None  # a remote store validates its own data
    from aigraph.store import data_files
    from aigraph.validate import ParseError, check_syntax, load_graph, load_shapes, validate

    files = data_files(settings.ontology_dir, settings.data_dir)
    try:
        for path in files:
            check_syntax(Path(path))
        if not settings.validate_on_start:
            return None
        graph = load_graph(files)
    except ParseError as error:
        return f"cannot serve the data: {error}"
    except OSError as error:
        return f"cannot read the data: {error}"
    report = validate(graph, shapes=load_shapes(settings.ontology_dir))
    if report.conforms:
        return None
    return ("the data does not conform to the shapes, so it is not served (run `aigraph "
            "validate` for the report, or set AIGRAPH_VALIDATE_ON_START=0 to skip this check "
            "for a very large store):\n" + report.format_text())


def request_handler(settings: Settings) -> type[WSGIRequestHandler]:
    """Build the request handler class ``aigraph serve`` gives Werkzeug's server."""

    class Handler(WSGIRequestHandler):
        # StreamRequestHandler sets this as the socket timeout: a client that stops sending
        # mid-request is dropped after it, and its thread ends.
        timeout = settings.request_timeout
        server_version = "aigraph"
        sys_version = ""

        def version_string(self) -> str:
            return self.server_version

        def send_error(self, code, message=None, explain=None):
            """Refuse in plain text, naming the limit, instead of http.server's HTML page."""
            try:
                reason = HTTPStatus(code).phrase
            except ValueError:
                reason = ""
            text = message or reason
            if code == HTTPStatus.REQUEST_URI_TOO_LONG:
                text = ("the request line is longer than 65536 bytes: send long queries with "
                        "POST")
            body = f"{text}\n".encode("utf-8", "replace")
            self.log_error("code %d, message %s", code, text)
            self.send_response(code, reason)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.close_connection = True
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)

    return Handler
