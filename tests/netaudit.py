"""Record every attempt to reach a host other than the loopback interface (an audit hook).

Installed once per test process on import; the hostile-input suites assert ``OUTBOUND`` stays
empty. Both a name lookup (``socket.getaddrinfo``) and a connection (``socket.connect``) to
anything but loopback count, so a parser that tries to fetch a document is caught even when
the lookup fails offline.
"""

from __future__ import annotations

import ipaddress
import sys

OUTBOUND: list[str] = []
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str) or host.lower() in LOOPBACK_NAMES:
        return True  # a Unix socket path is not a str host here; names of loopback are fine
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args) -> None:
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            OUTBOUND.append(f"connect {address!r}")
    elif event == "socket.getaddrinfo":
        if args[0] is not None and not _is_loopback(args[0]):
            OUTBOUND.append(f"lookup {args[0]!r}")


if not getattr(sys, "_aigraph_netaudit", False):
    sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records
    sys._aigraph_netaudit = True
