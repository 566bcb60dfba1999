"""Error responses: an HTML page for browsers, JSON when asked, plain text otherwise.

A 404 suggests entities whose names are close to the last segment of the address asked for.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from aigraph.errors import AigraphError
from aigraph.web.negotiation import error_format
from aigraph.web.search import suggest


def _error(status: int, message: str, template: str = "pages/error.html", **context):
    kind = error_format()
    if kind == "json":
        extra = {k: [s.as_json() for s in v] if k == "suggestions" else v
                 for k, v in context.items()}
        return jsonify({"error": message, "status": status, **extra}), status
    if kind == "text":
        return Response(message + "\n", status=status, mimetype="text/plain")
    return render_template(template, status=status, message=message, **context), status


def error_response(status: int, message: str):
    """Render an error page (or JSON, or text, as the client asked) with ``status``."""
    return _error(status, message)


def _not_found(error):
    message = getattr(error, "message", None) or gettext("There is no page at this address.")
    asked = request.path.rstrip("/").rsplit("/", 1)[-1]
    suggestions = suggest(asked) if asked else []
    return _error(404, message, "pages/not_found.html", suggestions=suggestions)


def _aigraph_error(error: AigraphError):
    if error.status == 404:
        return _not_found(error)
    response = make_response(_error(error.status, error.message))
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _http_error(error: HTTPException):
    if error.code == 404:
        return _not_found(error)
    if error.code is None or error.code < 400:
        return error
    response = make_response(_error(error.code, error.description or error.name))
    # Keep what the exception says about itself, such as Allow on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Install the error pages."""
    app.register_error_handler(AigraphError, _aigraph_error)
    app.register_error_handler(HTTPException, _http_error)
