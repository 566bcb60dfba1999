"""The errors aigraph raises on purpose, each with a message for users and an HTTP status."""

from __future__ import annotations


class AigraphError(Exception):
    """An error whose message is meant for the user."""

    status = 500

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(AigraphError):
    """The request itself is wrong (missing or repeated parameter, bad media type)."""

    status = 400


class QuerySyntaxError(BadRequest):
    """The SPARQL text does not parse."""


class QueryRejected(BadRequest):
    """The query parses but asks for something the service refuses (update, SERVICE, LOAD)."""


class NotAcceptable(AigraphError):
    """No media type we can produce is acceptable to the client."""

    status = 406


class QueryTimeout(AigraphError):
    """The query ran past the time limit and was stopped."""

    status = 503


#: Seconds a client is told to wait (``Retry-After``) when the store cannot be reached.
STORE_RETRY_AFTER = 30


class Busy(AigraphError):
    """The server cannot take the query now; ``retry_after`` says in how many seconds to retry."""

    status = 503

    def __init__(self, message: str, status: int | None = None, retry_after: int = 1):
        super().__init__(message, status)
        self.retry_after = retry_after


class NotFound(AigraphError):
    """No entity, path or page has that name."""

    status = 404


class StoreError(AigraphError):
    """The store could not be loaded or reached."""

    status = 502


class StoreTimeout(StoreError):
    """The store was reached but did not answer within ``remote_timeout``."""
