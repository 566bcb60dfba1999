"""The gunicorn worker ``aigraph serve`` runs: gthread, with a read timeout on every connection.

gunicorn's threaded worker waits for a request's first bytes with a timeout, then reads the
rest of it blocking, without one: a client that sends half a request holds a thread until it
leaves, and a few dozen such clients stop the server. This worker gives every blocking socket
operation of a connection a timeout (the ``request_timeout`` setting), so such a client is
dropped and its thread freed. A reverse proxy in front may still buffer slow clients; the
server no longer depends on one for it.
"""

from __future__ import annotations

import socket

from gunicorn.workers.gthread import ThreadWorker


class _TimedSocket(socket.socket):
    """A connection whose blocking mode always carries the read timeout."""

    __slots__ = ()
    timeout_seconds = 30.0

    def setblocking(self, flag: bool) -> None:
        # gunicorn sets its connections blocking before it reads a request; blocking here
        # means "wait at most timeout_seconds for each read or write".
        if flag:
            self.settimeout(self.timeout_seconds)
        else:
            super().setblocking(False)


class ReadTimeoutWorker(ThreadWorker):
    """gunicorn's gthread worker whose connections time out when a client stalls."""

    def handle(self, conn):
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _TimedSocket
        return super().handle(conn)


def set_read_timeout(seconds: float) -> None:
    """Set the read timeout of every connection (before gunicorn forks its workers)."""
    _TimedSocket.timeout_seconds = float(seconds)
