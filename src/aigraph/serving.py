"""What ``aigraph serve`` checks before serving, and how its built-in HTTP server behaves.

``check_data`` refuses data that would be served wrong: a Turtle syntax error (named by file,
line and column, without a traceback) or, unless ``validate_on_start`` is off, data that does
not conform to the SHACL shapes. Data that passed before, unchanged, is not checked again
(``aigraph.startcheck`` keeps the record). ``request_handler`` gives Werkzeug's server a read timeout
(``request_timeout``: a half-sent request is dropped and its thread freed), a ``Server``
header without versions, and plain-text errors of its own instead of HTML pages for what it
refuses before the application sees the request (request lines over 64 KiB, bad syntax).
A production WSGI server must be given the same timeout (see docs/security.md).
"""

from __future__ import annotations

import sys
import time
from http import HTTPStatus
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler

from aigraph.settings import Settings


def check_data(settings: Settings) -> str | None:
    """Return why the embedded store's data cannot be served, or None when it can.

    Data whose fingerprint matches the record of an earlier check that passed is not checked
    again (``aigraph.startcheck``); a start that checks records its success.
    """
    if settings.store.strip():
        return None  # a remote store validates its own data
    from aigraph import startcheck
    from aigraph.persist import store_root
    from aigraph.store import data_files

    files = data_files(settings.ontology_dir, settings.data_dir)
    checked = [*files, Path(settings.ontology_dir) / "shapes.ttl"]
    where = startcheck.record_path(store_root(settings), checked)
    shacl = bool(settings.validate_on_start)
    try:
        previous = startcheck.read(where)
        before = startcheck.fingerprint(checked, previous)
    except OSError as error:
        return f"cannot read the data: {error}"
    if previous is not None and previous.covers(before, shacl):
        _note(f"start checks skipped: the data, shapes and software are those checked at "
              f"{previous.checked_at} (fingerprint {before.digest[:12]}, {where})")
        return None
    started = time.perf_counter()
    problem, done = _run_checks(settings, files, shacl)
    if problem is not None:
        return problem
    _note(f"start checks passed in {time.perf_counter() - started:.1f} s ({done})")
    try:
        after = startcheck.fingerprint(checked, startcheck.Record("", shacl, "", before.files))
        if after.digest == before.digest:  # not changed while it was being checked
            startcheck.write(where, after, shacl)
    except OSError as error:  # the data passed: serve it, and check again at the next start
        _note(f"the start check could not be recorded ({error}); it runs again at the next start")
    return None


def _run_checks(settings: Settings, files: list[Path], shacl: bool) -> tuple[str | None, str]:
    """Check the syntax (unless the on-disk store was built from these very files) and SHACL.

    Returns why the data cannot be served (or None), and what was checked.
    """
    from aigraph.persist import built_from_current_files
    from aigraph.validate import ParseError, check_syntax, load_graph, load_ontology, load_shapes
    from aigraph.validate import validate as run_shacl

    done = "syntax"
    try:
        if shacl:
            graph = load_graph(files)  # checks each file's syntax on the way
        elif built_from_current_files(settings):
            done = "syntax already checked: the on-disk store was built from these files"
        else:
            for path in files:
                check_syntax(Path(path))
    except ParseError as error:
        return f"cannot serve the data: {error}", done
    except OSError as error:
        return f"cannot read the data: {error}", done
    if not shacl:
        return None, done
    report = run_shacl(graph, shapes=load_shapes(settings.ontology_dir),
                       ontology=load_ontology(settings.ontology_dir))
    if report.conforms:
        return None, "syntax and SHACL"
    return ("the data does not conform to the shapes, so it is not served (run `aigraph "
            "validate` for the report, or set AIGRAPH_VALIDATE_ON_START=0 to skip this check "
            "for a very large store):\n" + report.format_text()), done


def _note(message: str) -> None:
    print(f"aigraph: {message}", file=sys.stderr, flush=True)


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
