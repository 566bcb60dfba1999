"""Remember which query texts ran long lately, so the executor can keep them off the fast lane.

A query that is still running after ``slow_query_after`` is heavy. The same text sent again
(a bot looping one query, six clients pasting one example) goes straight to the slow lane,
or is refused there when the lane is full, without first holding one of the ordinary workers
that cheap queries need. A text is remembered for ``HEAVY_MEMORY`` seconds, and forgotten as
soon as it answers quickly (the data changed, or it was heavy only because the machine was
busy). Texts are kept as digests, at most ``HEAVY_TEXTS`` of them, oldest dropped first.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

#: Seconds a text that ran long is treated as heavy.
HEAVY_MEMORY = 600.0
#: How many heavy texts are remembered at most.
HEAVY_TEXTS = 1000


def digest(text: str) -> bytes:
    """Return the key a query text is remembered by (blank runs count as one space)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8", "surrogatepass")).digest()


class HeavyQueries:
    """A bounded, expiring set of query-text digests that ran past the fast lane's time."""

    def __init__(self, memory: float = HEAVY_MEMORY, size: int = HEAVY_TEXTS):
        self.memory = memory
        self.size = size
        self._seen: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def add(self, key: bytes) -> None:
        """Remember ``key`` as heavy from now on."""
        with self._lock:
            self._seen[key] = time.monotonic() + self.memory
            self._seen.move_to_end(key)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)

    def discard(self, key: bytes) -> None:
        """Forget ``key`` (it answered quickly)."""
        with self._lock:
            self._seen.pop(key, None)

    def __contains__(self, key: bytes) -> bool:
        with self._lock:
            until = self._seen.get(key)
            if until is None:
                return False
            if until < time.monotonic():
                del self._seen[key]
                return False
            return True
