"""Confine a worker process: no network sockets, bounded memory, room for a deep parse.

Query evaluation and query parsing run in worker processes (:mod:`ketenontologie.store.workers`)
that :func:`confine` locks down when they start: a seccomp filter makes every attempt to open
an IPv4, IPv6, packet or netlink socket fail (so no ``SERVICE``, ``LOAD`` or remote document
can leave the machine, whatever slipped past the checks on the parsed query), and the data
segment is bounded (a query that builds huge values fails instead of taking the machine's
memory). The pipe to the service is opened before, so it keeps working.

>>> confine(memory_bytes=2 * 1024**3)  # doctest: +SKIP
"""

from __future__ import annotations

import errno
import resource
import socket
import sys

__all__ = ["RECURSION_LIMIT", "confine", "network_refused"]

RECURSION_LIMIT = 30_000
"""Python frames a worker may nest: enough for the SPARQL parser on the deepest query the
nesting bound lets through (:data:`ketenontologie.sparql.text.MAX_NESTING`)."""

_REFUSED_FAMILIES = ("AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK")


def confine(*, memory_bytes: int | None) -> None:
    """Refuse network sockets from now on, and bound the data segment to ``memory_bytes``.

    Raises :class:`OSError` when the kernel refuses the seccomp filter: a worker that cannot be
    confined must not run queries.
    """
    import pyseccomp as seccomp

    sandbox = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in _REFUSED_FAMILIES:
        family = getattr(socket, name, None)
        if family is not None:
            sandbox.add_rule(
                seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, int(family))
            )
    sandbox.load()
    if memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    sys.setrecursionlimit(RECURSION_LIMIT)


def network_refused() -> bool:
    """True when this process can no longer open a network socket (for tests and checks)."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    except PermissionError:
        return True
    probe.close()
    return False
