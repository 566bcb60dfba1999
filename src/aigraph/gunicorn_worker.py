"""The gunicorn worker ``aigraph serve`` runs: gthread, with a read timeout on every connection.

gunicorn's threaded worker waits for a request's first bytes with a timeout, then reads the
rest of it blocking, without one: a client that sends half a request holds a thread until it
leaves, and a few dozen such clients stop the server. This worker gives every blocking socket
operation of a connection a timeout (the ``request_timeout`` setting), so such a client is
dropped, with one line in the error log, and its thread freed. A reverse proxy in front may
still buffer slow clients; the server no longer depends on one for it.
"""

from __future__ import annotations

import errno
import logging
import socket
import weakref

from gunicorn.workers.gthread import ThreadWorker

#: Connections already logged as dropped.
_LOGGED: weakref.WeakSet = weakref.WeakSet()


class _TimedSocket(socket.socket):
    """A connection whose blocking mode always carries the read timeout.

    A read or write that times out is logged as one line (``log``, the worker's logger) and
    raised as the connection error gunicorn drops quietly, instead of the timeout it would
    log with a full traceback for every stalled client.
    """

    __slots__ = ()
    timeout_seconds = 30.0
    log = logging.getLogger("aigraph.serving")

    def setblocking(self, flag: bool) -> None:
        # gunicorn sets its connections blocking before it reads a request; blocking here
        # means "wait at most timeout_seconds for each read or write".
        if flag:
            self.settimeout(self.timeout_seconds)
        else:
            super().setblocking(False)

    def _dropped(self, doing: str, error: type[OSError], code: int) -> OSError:
        # gunicorn may read again while closing (a lingering drain): one line per connection.
        if self not in _LOGGED:
            _LOGGED.add(self)
            try:
                peer = "{}:{}".format(*self.getpeername()[:2])
            except (OSError, TypeError):
                peer = "a client"
            self.log.warning("dropped the connection from %s: nothing %s for %g s",
                             peer, doing, self.timeout_seconds)
        return error(code, f"nothing {doing} for {self.timeout_seconds:g} s")

    def recv(self, *args):
        try:
            return super().recv(*args)
        except TimeoutError:
            raise self._dropped("received", ConnectionResetError, errno.ECONNRESET) from None

    def recv_into(self, *args):
        try:
            return super().recv_into(*args)
        except TimeoutError:
            raise self._dropped("received", ConnectionResetError, errno.ECONNRESET) from None

    def send(self, *args):
        try:
            return super().send(*args)
        except TimeoutError:
            raise self._dropped("read by the client", BrokenPipeError, errno.EPIPE) from None

    def sendall(self, *args):
        try:
            return super().sendall(*args)
        except TimeoutError:
            raise self._dropped("read by the client", BrokenPipeError, errno.EPIPE) from None


class ReadTimeoutWorker(ThreadWorker):
    """gunicorn's gthread worker whose connections time out when a client stalls."""

    def init_process(self):
        _TimedSocket.log = self.log  # gunicorn's error log, with its format and level
        super().init_process()

    def handle(self, conn):
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _TimedSocket
        return super().handle(conn)


def set_read_timeout(seconds: float) -> None:
    """Set the read timeout of every connection (before gunicorn forks its workers)."""
    _TimedSocket.timeout_seconds = float(seconds)
