"""The refusals of a write, each with the HTTP status the API answers with."""

from __future__ import annotations

from aigraph.errors import AigraphError, BadRequest


class InvalidBody(BadRequest):
    """The body of a write cannot be read, or describes something other than the entity."""


class Invalid(AigraphError):
    """The change does not conform to the shapes; ``candidate`` says why."""

    status = 422

    def __init__(self, message: str, candidate=None):
        super().__init__(message)
        self.candidate = candidate


class PreconditionRequired(AigraphError):
    """Replacing or deleting an entity needs the ETag it was read at (If-Match)."""

    status = 428


class PreconditionFailed(AigraphError):
    """The entity changed since the version named by If-Match; ``diff`` says how."""

    status = 412

    def __init__(self, message: str, etag: str | None = None, added=(), removed=()):
        super().__init__(message)
        self.etag = etag
        self.added = list(added)
        self.removed = list(removed)


class Conflict(AigraphError):
    """The change cannot be made as things are (other entities still link to this one)."""

    status = 409

    def __init__(self, message: str, referrers=()):
        super().__init__(message)
        self.referrers = list(referrers)


class Protected(AigraphError):
    """The entity is defined in the ontology's files, which curation never writes."""

    status = 409

    def __init__(self, message: str, subject=None):
        super().__init__(message)
        self.subject = subject


class WriteFailed(AigraphError):
    """The files of a change could not be written (a full disk, say); nothing changed."""

    status = 507
