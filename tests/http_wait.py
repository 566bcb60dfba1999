"""Waiting in tests: for a condition to hold, or for a server the tests started to answer a URL
(failing with its log if it dies first)."""

from __future__ import annotations

import subprocess
import time
import urllib.request


def wait_for_answer(url: str, process: subprocess.Popen, seconds: float = 90) -> bytes:
    """Return the body of the first answer from ``url``; raise with ``process``'s stderr."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(process.stderr.read().decode(errors="replace")) from None
            time.sleep(0.2)


def wait_until(condition, limit: float = 60.0) -> None:
    """Wait for ``condition()`` to hold; fail (not flake) only when it never does."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.005)
