"""aigraph: the open, queryable history of AI."""

__version__ = "0.1.0"
